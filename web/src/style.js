// style.js decides how features look: the panes layers draw in (their
// stacking decides which click lands), the incident encodings (one visual
// variable per meaning: category is the hue, confidence the fill,
// fatalities the size, location precision a grey ring) in the Okabe-Ito
// colour-blind-safe palette, infrastructure status dashes, and the legend
// swatches that mirror them.

/**
 * PANES stacks the layers, bottom first: areas under lines, lines under
 * places, places and their labels under incidents, so an incident is
 * never covered by a place and a cluster never by a marker.
 */
export const PANES = {
  borders: 402, provinces: 404, gbao: 406, lakes: 408, rivers: 410, power: 414, railways: 418, tapi: 422,
  places: 430, names: 440, precision: 450, incidents: 460,
};

/** LAYER_ORDER is the order the layer panel lists layers in, bottom first. */
export const LAYER_ORDER = ['borders', 'provinces', 'gbao', 'rivers', 'power', 'tapi', 'railways', 'incidents', 'places'];

/** paneOf is the pane of a layer id (unknown layers above the lines). */
export function paneOf(id) {
  return Object.hasOwn(PANES, id) ? id : 'other';
}

/** paneZ is the z-index of a pane. */
export function paneZ(name) {
  return PANES[name] ?? 426;
}

/** CATEGORIES: each incident category's Okabe-Ito colour and label. */
export const CATEGORIES = {
  attack: { color: '#D55E00', label: 'Attack' },
  plot: { color: '#CC79A7', label: 'Plot' },
  unrest: { color: '#E69F00', label: 'Unrest' },
  clash: { color: '#000000', label: 'Clash' },
  crackdown: { color: '#0072B2', label: 'Crackdown' },
  military: { color: '#009E73', label: 'Military' },
  diplomacy: { color: '#56B4E9', label: 'Diplomacy' },
  infrastructure: { color: '#F0E442', label: 'Infrastructure' },
};

const OTHER_CATEGORY = { color: '#999999', label: 'Other' };

/**
 * CONFIDENCE is drawn by the fill alone, from solid to hollow, in the
 * order of how far an event is established. The outline is always solid.
 */
export const CONFIDENCE = {
  confirmed: { label: 'Confirmed', fillOpacity: 0.95, note: 'independent reporting or the parties admit it' },
  reported: { label: 'Reported', fillOpacity: 0.5, note: 'credible media, not confirmed' },
  claimed: { label: 'Claimed', fillOpacity: 0.18, note: 'only the perpetrator says so' },
  disputed: { label: 'Disputed', fillOpacity: 0, note: 'the parties contradict each other' },
};

/** PRECISION: the radius in metres of the grey ring per location precision. */
export const PRECISION = {
  exact: { label: 'Exact', m: 0 },
  town: { label: 'Town', m: 5000 },
  district: { label: 'District', m: 25000 },
  region: { label: 'Region', m: 100000 },
};

/** FATALITY_SIZES: marker radius per fatality band (the size means deaths and nothing else). */
export const FATALITY_SIZES = [
  { min: null, label: 'None or unknown', radius: 5 },
  { min: 1, label: '1–9 killed', radius: 7 },
  { min: 10, label: '10–99 killed', radius: 10 },
  { min: 100, label: '100 or more killed', radius: 14 },
];

/** radiusFor is the marker radius for a fatality figure. */
export function radiusFor(fatalities) {
  let r = FATALITY_SIZES[0].radius;
  for (const s of FATALITY_SIZES) if (s.min !== null && typeof fatalities === 'number' && fatalities >= s.min) r = s.radius;
  return r;
}

/** STATUS_STYLE: each infrastructure status's dashes over the layer colour. */
export const STATUS_STYLE = {
  operating: { label: 'Operating', dashArray: null, opacity: 0.95 },
  under_construction: { label: 'Under construction', dashArray: '10 5', opacity: 0.95 },
  proposed: { label: 'Proposed', dashArray: '2 6', opacity: 0.85 },
  suspended: { label: 'Suspended', dashArray: '1 5', opacity: 0.8, color: '#8a9399' },
};

/** INFRA_LAYERS are the layers whose features have dated milestones and a status. */
export const INFRA_LAYERS = ['tapi', 'railways', 'power'];

/** categoryOf returns the look of an incident category, with a fallback. */
export function categoryOf(name) {
  return CATEGORIES[name] || OTHER_CATEGORY;
}

/** baseStyle turns the API's layer style into Leaflet path options. */
export function baseStyle(style = {}) {
  const out = {
    color: style.color || '#333333',
    weight: style.weight ?? 2,
    opacity: style.opacity ?? 1,
    fillColor: style.fillColor || style.color || '#333333',
    fillOpacity: style.fillOpacity ?? 0.2,
  };
  if (style.dashArray) out.dashArray = style.dashArray;
  return out;
}

/** incidentStyle is the circle-marker style of one incident. */
export function incidentStyle(props = {}) {
  const cat = categoryOf(props.category);
  const conf = CONFIDENCE[props.confidence] || CONFIDENCE.reported;
  const light = props.category === 'infrastructure' || props.category === 'diplomacy';
  return {
    radius: radiusFor(props.fatalities),
    color: conf.fillOpacity > 0.9 && light ? '#333333' : cat.color,
    weight: conf.fillOpacity > 0.9 ? 1.5 : 2.5,
    opacity: 1,
    fillColor: cat.color,
    fillOpacity: conf.fillOpacity,
    className: `casmap-incident casmap-conf-${props.confidence || 'unknown'}`,
  };
}

/** precisionStyle is the grey ring of an incident's location precision. */
export function precisionStyle(precision) {
  return {
    radius: (PRECISION[precision] || PRECISION.exact).m, interactive: false, color: '#4d4d4d', weight: 1,
    opacity: 0.7, dashArray: '3 4', fill: true, fillColor: '#4d4d4d', fillOpacity: 0.07,
    className: `casmap-precision casmap-precision-${precision}`,
  };
}

/** featureStyle is the style of a non-incident feature; status sets infrastructure dashes. */
export function featureStyle(layerId, props = {}, style = {}, status = null) {
  const s = baseStyle(style);
  const st = INFRA_LAYERS.includes(layerId) ? STATUS_STYLE[status] : null;
  if (st) {
    s.dashArray = st.dashArray;
    s.opacity = st.opacity;
    if (st.color) s.color = st.color;
    s.className = `casmap-infra casmap-status-${status}`;
  }
  return s;
}

/** placeStyle is the circle-marker style of a place by kind. */
export function placeStyle(props = {}, style = {}) {
  const s = baseStyle(style);
  const big = props.kind === 'capital';
  return {
    ...s,
    radius: big ? (style.radius || 4) + 1.5 : style.radius || 4,
    weight: big ? 2.5 : s.weight,
    fillColor: props.kind === 'crossing' ? '#ffd34d' : s.fillColor,
    className: `casmap-place casmap-place-${props.kind || 'other'}`,
  };
}

/** HIGHLIGHT is the extra style of the selected feature. */
export const HIGHLIGHT = { color: '#111111', weight: 4, opacity: 1 };

const SVG_NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined && v !== '') el.setAttribute(k, String(v));
  }
  return el;
}

function svgRoot(w, h) {
  return svg('svg', { width: w, height: h, viewBox: `0 0 ${w} ${h}`, 'aria-hidden': 'true', focusable: 'false', class: 'swatch' });
}

/** swatch draws a layer's legend symbol: a square for areas, a stroke for lines, a circle for points. */
export function swatch(kind, style = {}) {
  const s = baseStyle(style);
  const root = svgRoot(22, 22);
  const k = String(kind || '').toLowerCase();
  const stroke = { stroke: s.color, 'stroke-width': Math.min(s.weight, 4), 'stroke-opacity': s.opacity, 'stroke-dasharray': s.dashArray };
  if (k.includes('polygon') && !k.includes('line')) {
    root.append(svg('rect', { x: 2, y: 4, width: 18, height: 14, rx: 1.5, fill: s.fillColor, 'fill-opacity': Math.max(s.fillOpacity, 0.25), ...stroke }));
  } else if (k.includes('line')) {
    root.append(svg('path', { d: 'M2 16 L9 8 L13 13 L20 5', fill: 'none', 'stroke-linecap': 'round', ...stroke, 'stroke-width': Math.min(s.weight, 3.5) }));
  } else {
    root.append(svg('circle', { cx: 11, cy: 11, r: Math.min(style.radius || 6, 8), fill: s.fillColor, 'fill-opacity': s.fillOpacity, ...stroke, 'stroke-width': Math.min(s.weight, 2.5) }));
  }
  return root;
}

/** circleSwatch draws one legend circle: a colour, a fill opacity, a radius. */
export function circleSwatch(color, { fillOpacity = 0.95, radius = 5.5, stroke = color, dash = null } = {}) {
  const size = Math.max(16, Math.ceil(radius * 2 + 4));
  const root = svgRoot(size, size);
  root.append(svg('circle', {
    cx: size / 2, cy: size / 2, r: radius, fill: color, 'fill-opacity': fillOpacity, stroke, 'stroke-width': 1.8, 'stroke-dasharray': dash,
  }));
  return root;
}

/** lineSwatch draws one line legend entry for a status. */
export function lineSwatch(color, dashArray, opacity = 1) {
  const root = svgRoot(22, 12);
  root.append(svg('path', { d: 'M1 6 H21', stroke: color, 'stroke-width': 3, 'stroke-opacity': opacity, 'stroke-dasharray': dashArray, fill: 'none' }));
  return root;
}
