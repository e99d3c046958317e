// details-parts.js renders the parts of a feature's details: key
// properties as a definition list, attributed statements with their
// figures, milestones, where the coordinates come from, and sources as
// links. Every piece of data goes in as text.
import L from 'leaflet';
import { CATEGORIES, CONFIDENCE, PRECISION, STATUS_STYLE } from './style.js';

// Properties shown first, per layer, with their labels. Others follow in
// the order the data has them.
const FIELDS = {
  incidents: ['date', 'date_end', 'date_precision', 'category', 'actor_group', 'actor', 'claimed_by', 'fatalities', 'confidence',
    'precision', 'location', 'admin1', 'country'],
  tapi: ['status', 'country', 'length_km', 'capacity_bcm', 'operator'],
  railways: ['status', 'country', 'gauge_mm', 'length_km', 'operator'],
  places: ['kind', 'country', 'admin1', 'name_ru', 'name_local', 'alt_names'],
  rivers: ['kind', 'name_ru', 'name_local', 'alt_names', 'length_km'],
  provinces: ['country', 'name_ru', 'name_local', 'alt_names'],
  power: ['status', 'country', 'voltage_kv', 'length_km', 'operator'],
  borders: ['iso_a3', 'capital'],
  gbao: ['admin_centre', 'area_km2', 'population_estimate'],
};

const LABELS = {
  date: 'Date', date_end: 'Until', category: 'Type', actor: 'Actor', claimed_by: 'Claimed by',
  fatalities: 'Fatalities', confidence: 'Confidence', precision: 'Location precision', location: 'Location',
  country: 'Country', status: 'Current status', gauge_mm: 'Gauge', length_km: 'Length', kind: 'Kind',
  name_ru: 'Russian', name_local: 'Local name', alt_names: 'Also called', iso_a3: 'ISO code', capital: 'Capital',
  admin_centre: 'Admin centre', area_km2: 'Area', population_estimate: 'Population (est.)', operator: 'Operator',
  capacity_bcm: 'Capacity', date_precision: 'Date known to the', actor_group: 'Actor group', admin1: 'Province',
  voltage_kv: 'Voltage', name_local_lang: 'Local name language',
};

// Never listed as plain properties: shown in their own sections or not at all.
const SKIP = new Set([
  'title', 'name', 'summary', 'note', 'sources', 'statements', 'milestones', 'style', 'id',
  'afghan_border_km', 'afghan_border_side', 'coord_source', 'label_point', 'label_lon', 'label_lat', 'min_label',
]);

const UNITS = { gauge_mm: ' mm', length_km: ' km', area_km2: ' km²', capacity_bcm: ' bcm/year', voltage_kv: ' kV' };

const numberFmt = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** safeHref returns url if it is an absolute http(s) URL, else null. */
export function safeHref(url) {
  if (typeof url !== 'string') return null;
  try {
    const u = new URL(url.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function el(tag, className, text) {
  const node = L.DomUtil.create(tag, className || '');
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function humanize(key) {
  return LABELS[key] || key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** formatValue renders one scalar or list property as display text. */
export function formatValue(key, value) {
  if (value === null || value === undefined || value === '') return key === 'fatalities' ? 'unknown' : '';
  if (Array.isArray(value)) return value.filter((v) => v !== null && typeof v !== 'object').join(', ');
  if (typeof value === 'object') return '';
  if (typeof value === 'number') return numberFmt.format(value) + (UNITS[key] || '');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (key === 'category' && CATEGORIES[value]) return CATEGORIES[value].label;
  if (key === 'confidence' && CONFIDENCE[value]) return CONFIDENCE[value].label;
  if (key === 'status' && STATUS_STYLE[value]) return STATUS_STYLE[value].label;
  if (key === 'precision' && PRECISION[value]) return PRECISION[value].m ? `${PRECISION[value].label} (within ${PRECISION[value].m / 1000} km)` : PRECISION[value].label;
  return String(value);
}

/**
 * borderDistance says how far an incident is from the Afghan border and on
 * which side, e.g. "12.3 km from the Afghan border (outside Afghanistan)".
 */
export function borderDistance(props) {
  const km = props.afghan_border_km;
  if (typeof km !== 'number' || !Number.isFinite(km) || km < 0) return '';
  const side = { inside: ' (inside Afghanistan)', outside: ' (outside Afghanistan)' }[props.afghan_border_side] || '';
  return `${numberFmt.format(km)} km from the Afghan border${side}`;
}

function propRow(dl, label, key, text) {
  const row = el('div', 'details-prop');
  row.append(el('dt', '', label), el('dd', `details-value details-value-${key.replace(/[^a-z0-9_-]/gi, '')}`, text));
  dl.append(row);
}

export function propertyList(layerId, props) {
  const dl = el('dl', 'details-props');
  const border = borderDistance(props);
  if (border) propRow(dl, 'Distance to Afghan border', 'afghan_border', border);
  const keys = [...(FIELDS[layerId] || [])];
  for (const k of Object.keys(props)) if (!keys.includes(k)) keys.push(k);
  for (const k of keys) {
    if (SKIP.has(k) || !(k in props)) continue;
    const text = formatValue(k, props[k]);
    if (!text) continue;
    propRow(dl, humanize(k), k, text);
  }
  return dl;
}

/** sourceItem renders one source: a link when its URL is http(s), else text. */
export function sourceItem(src) {
  const li = el('li', 'source');
  if (!src || typeof src !== 'object') {
    li.textContent = String(src ?? '');
    return li;
  }
  const label = String(src.title || src.publisher || src.url || 'Source');
  const href = safeHref(src.url);
  if (href) {
    const a = el('a', 'source-link', label);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    li.append(a);
  } else {
    li.append(el('span', 'source-title', label));
  }
  const when = src.date || (src.accessed ? `accessed ${src.accessed}` : '');
  const meta = [src.title && src.publisher ? src.publisher : '', when].filter(Boolean).join(', ');
  if (meta) li.append(el('span', 'source-meta', ` (${meta})`));
  return li;
}

export function sourcesSection(sources, heading = 'Sources') {
  const list = Array.isArray(sources) ? sources : [];
  const section = el('section', 'details-sources');
  section.append(el('h3', '', heading));
  if (list.length === 0) {
    section.append(el('p', 'muted', 'No sources listed.'));
    return section;
  }
  const ul = el('ul', 'source-list');
  for (const s of list) ul.append(sourceItem(s));
  section.append(ul);
  return section;
}

/** statementsSection lists who said what, with each party's figure, date and source. */
export function statementsSection(statements) {
  const section = el('section', 'details-statements');
  section.append(el('h3', '', 'Statements'));
  const ul = el('ul', 'statement-list');
  for (const s of statements) {
    if (!s || typeof s !== 'object') continue;
    const li = el('li', 'statement');
    li.append(el('strong', 'statement-party', `${s.party || 'Unattributed'}: `), document.createTextNode(String(s.claim ?? '')));
    const meta = [];
    if (typeof s.fatalities === 'number') meta.push(`${numberFmt.format(s.fatalities)} killed`);
    if (s.date) meta.push(String(s.date));
    if (meta.length) li.append(el('span', 'statement-meta', ` (${meta.join(', ')})`));
    const href = safeHref(s.source);
    if (href) {
      const a = el('a', 'statement-source', 'source');
      a.href = href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      li.append(document.createTextNode(' '), a);
    }
    ul.append(li);
  }
  section.append(ul);
  return section;
}

/** coordSection says where the coordinates come from: a source, or where casmap placed them. */
export function coordSection(cs) {
  if (!cs || typeof cs !== 'object') return null;
  const section = el('section', 'details-coords');
  section.append(el('h3', '', 'Where the position comes from'));
  if (cs.kind === 'source') {
    const ul = el('ul', 'source-list');
    ul.append(sourceItem(cs));
    section.append(ul);
  } else {
    section.append(el('p', 'details-placed', String(cs.note || 'placed by casmap')));
  }
  if (cs.kind === 'source' && cs.note) section.append(el('p', 'muted', String(cs.note)));
  return section;
}

export function milestonesSection(milestones, asOf) {
  const section = el('section', 'details-milestones');
  section.append(el('h3', '', 'Milestones'));
  const ol = el('ol', 'milestones');
  const sorted = [...milestones].filter((m) => m && typeof m === 'object')
    .sort((a, b) => String(a.date || '').localeCompare(String(b.date || '')));
  for (const m of sorted) {
    const li = el('li', 'milestone');
    if (asOf && String(m.date || '') > asOf) li.classList.add('is-future');
    if (m.date) li.append(el('time', 'milestone-date', m.date));
    li.append(el('span', 'milestone-event', m.event || ''));
    if (m.note) li.append(el('p', 'milestone-note', m.note));
    if (Array.isArray(m.sources) && m.sources.length) {
      const ul = el('ul', 'source-list source-list-inline');
      for (const s of m.sources) ul.append(sourceItem(s));
      li.append(ul);
    }
    ol.append(li);
  }
  section.append(ol);
  return section;
}

