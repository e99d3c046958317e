// style.js decides how features look: layer order and panes, per-feature
// styles, incident categories and confidence, and the legend swatches that
// mirror them.

/** LAYER_ORDER is the drawing order, bottom first. */
export const LAYER_ORDER = ['borders', 'provinces', 'gbao', 'tapi', 'railways', 'incidents', 'places'];

/** paneZ gives each layer's pane a z-index above Leaflet's overlay pane. */
export function paneZ(id) {
  const i = LAYER_ORDER.indexOf(id);
  return 410 + 10 * (i < 0 ? LAYER_ORDER.length : i);
}

/** UNCERTAINTY_PANE holds incidents' location-uncertainty circles, just under them. */
export const UNCERTAINTY_PANE = 'uncertainty';

/** CATEGORIES maps each incident category to its colour and label. */
export const CATEGORIES = {
  attack: { color: '#d62728', label: 'Attack' },
  plot: { color: '#9467bd', label: 'Plot' },
  unrest: { color: '#ff7f0e', label: 'Unrest' },
  clash: { color: '#8c564b', label: 'Clash' },
  crackdown: { color: '#e377c2', label: 'Crackdown' },
  military: { color: '#1f77b4', label: 'Military' },
  diplomacy: { color: '#17becf', label: 'Diplomacy' },
  infrastructure: { color: '#7f7f00', label: 'Infrastructure' },
};

const OTHER_CATEGORY = { color: '#555555', label: 'Other' };

/** CONFIDENCE says how each confidence level is drawn: filled or a ring. */
export const CONFIDENCE = {
  confirmed: { label: 'Confirmed', fillOpacity: 0.85, dashArray: null },
  claimed: { label: 'Claimed', fillOpacity: 0.15, dashArray: null },
  reported: { label: 'Reported', fillOpacity: 0.15, dashArray: null },
  disputed: { label: 'Disputed', fillOpacity: 0.1, dashArray: '2 3' },
};

/** PRECISION_M is the radius in metres of the uncertainty circle per precision. */
export const PRECISION_M = { town: 5000, district: 25000, region: 100000 };

/**
 * STATUS_STYLE gives each infrastructure status (see status.js) its own
 * dashes, and suspended lines their own grey, over the layer's colour.
 */
export const STATUS_STYLE = {
  operating: { label: 'Operating', dashArray: null, opacity: 0.95 },
  under_construction: { label: 'Under construction', dashArray: '10 5', opacity: 0.95 },
  proposed: { label: 'Proposed', dashArray: '2 6', opacity: 0.85 },
  suspended: { label: 'Suspended', dashArray: '1 5', opacity: 0.8, color: '#8a9399' },
};

/** INFRA_LAYERS are the layers whose features have dated milestones and a status. */
export const INFRA_LAYERS = ['tapi', 'railways'];

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
export function incidentStyle(props = {}, base = {}) {
  const cat = categoryOf(props.category);
  const conf = CONFIDENCE[props.confidence] || CONFIDENCE.reported;
  const deaths = typeof props.fatalities === 'number' && props.fatalities > 0 ? props.fatalities : 0;
  return {
    radius: (base.radius || 7) + Math.min(7, Math.sqrt(deaths)),
    color: cat.color,
    weight: conf.fillOpacity > 0.5 ? 1.5 : 2.5,
    opacity: 1,
    fillColor: cat.color,
    fillOpacity: conf.fillOpacity,
    dashArray: conf.dashArray,
    className: `casmap-incident casmap-conf-${props.confidence || 'unknown'}`,
  };
}

/**
 * featureStyle is the style of one non-incident feature of a layer. status
 * is an infrastructure feature's status on the day shown (status.js); it
 * sets the dashes and a class (casmap-status-…) the legend and tests read.
 */
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

/** highlight is the extra style of the selected feature. */
export const HIGHLIGHT = { color: '#111111', weight: 4, opacity: 1 };

const SVG_NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined && v !== '') el.setAttribute(k, String(v));
  }
  return el;
}

/**
 * swatch draws a legend symbol for a layer: a filled square for polygons, a
 * (dashed) stroke for lines and a circle for points, in the layer's style.
 */
export function swatch(kind, style = {}, { size = 22 } = {}) {
  const s = baseStyle(style);
  const root = svg('svg', { width: size, height: size, viewBox: '0 0 22 22', 'aria-hidden': 'true', focusable: 'false', class: 'swatch' });
  const k = String(kind || '').toLowerCase();
  const stroke = { stroke: s.color, 'stroke-width': Math.min(s.weight, 4), 'stroke-opacity': s.opacity, 'stroke-dasharray': s.dashArray };
  if (k.includes('polygon')) {
    root.append(svg('rect', { x: 2, y: 4, width: 18, height: 14, rx: 1.5, fill: s.fillColor, 'fill-opacity': Math.max(s.fillOpacity, 0.25), ...stroke }));
  } else if (k.includes('line')) {
    root.append(svg('path', { d: 'M2 16 L9 8 L13 13 L20 5', fill: 'none', 'stroke-linecap': 'round', ...stroke, 'stroke-width': Math.min(s.weight, 3.5) }));
  } else {
    root.append(svg('circle', { cx: 11, cy: 11, r: Math.min(style.radius || 6, 8), fill: s.fillColor, 'fill-opacity': s.fillOpacity, ...stroke, 'stroke-width': Math.min(s.weight, 2.5) }));
  }
  return root;
}

/** circleSwatch draws one incident legend circle: a colour and a confidence. */
export function circleSwatch(color, confidence = 'confirmed', size = 16) {
  const conf = CONFIDENCE[confidence] || CONFIDENCE.confirmed;
  const root = svg('svg', { width: size, height: size, viewBox: '0 0 16 16', 'aria-hidden': 'true', focusable: 'false', class: 'swatch' });
  root.append(svg('circle', {
    cx: 8, cy: 8, r: 5.5, fill: color, 'fill-opacity': conf.fillOpacity, stroke: color,
    'stroke-width': conf.fillOpacity > 0.5 ? 1.5 : 2, 'stroke-dasharray': conf.dashArray,
  }));
  return root;
}

/** lineSwatch draws one line legend entry for a status. */
export function lineSwatch(color, dashArray, opacity = 1, size = 22) {
  const root = svg('svg', { width: size, height: 12, viewBox: '0 0 22 12', 'aria-hidden': 'true', focusable: 'false', class: 'swatch' });
  root.append(svg('path', { d: 'M1 6 H21', stroke: color, 'stroke-width': 3, 'stroke-opacity': opacity, 'stroke-dasharray': dashArray, fill: 'none' }));
  return root;
}
