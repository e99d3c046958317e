// url-state.js keeps the view in location.hash so it can be shared and so
// back/forward work: map=zoom/lat/lon, layers, incident filters (lists as
// comma-separated encoded values), the selected feature and whether the
// table is open. It parses and formats; hash-sync.js decides when to write.
import { FILTER_KEYS, LIST_KEYS, emptyFilter, normalizeFilter } from './filters.js';

/**
 * parseHash reads a hash like
 * "#map=6/38.5/68.8&layers=borders,incidents&category=attack,plot&sel=incidents/abc".
 * Missing or malformed parts come back null (or an empty filter).
 */
export function parseHash(hash) {
  const text = String(hash || '').replace(/^#/, '');
  const raw = new Map();
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) raw.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const dec = (s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return '';
    }
  };
  let view = null;
  const m = (raw.get('map') || '').split('/').map(Number);
  if (m.length === 3 && m.every(Number.isFinite) && m[0] >= 0 && m[0] <= 22 && Math.abs(m[1]) <= 90 && Math.abs(m[2]) <= 180) {
    view = { zoom: m[0], lat: m[1], lng: m[2] };
  }
  const layers = raw.has('layers') ? raw.get('layers').split(',').map(dec).filter(Boolean) : null;
  const f = {};
  for (const k of FILTER_KEYS) {
    const v = raw.get(k) || '';
    f[k] = LIST_KEYS.includes(k) ? v.split(',').map(dec).filter(Boolean) : dec(v);
  }
  let sel = null;
  const s = dec(raw.get('sel') || '');
  const slash = s.indexOf('/');
  if (slash > 0 && slash < s.length - 1) sel = { layer: s.slice(0, slash), id: s.slice(slash + 1) };
  return { view, layers, filter: normalizeFilter(f), sel, table: raw.get('table') === '1' };
}

const round = (n, digits) => Number(n.toFixed(digits));

/** formatHash writes state as a hash. */
export function formatHash({ view, layers, filter = emptyFilter(), sel, table = false }) {
  const parts = [];
  if (view) {
    const d = Math.max(2, Math.ceil(Math.log10(2 ** view.zoom)) + 1);
    parts.push(`map=${round(view.zoom, 2)}/${round(view.lat, d)}/${round(view.lng, d)}`);
  }
  if (layers) parts.push(`layers=${layers.map(encodeURIComponent).join(',')}`);
  for (const k of FILTER_KEYS) {
    const v = filter[k];
    if (Array.isArray(v) ? v.length : v) parts.push(`${k}=${Array.isArray(v) ? v.map(encodeURIComponent).join(',') : encodeURIComponent(v)}`);
  }
  if (sel) parts.push(`sel=${encodeURIComponent(sel.layer)}/${encodeURIComponent(sel.id)}`);
  if (table) parts.push('table=1');
  return `#${parts.join('&')}`;
}
