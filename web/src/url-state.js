// url-state.js keeps the view in location.hash so it can be shared and so
// back/forward work: map=zoom/lat/lon, layers, incident filters and the
// selected feature. It parses and formats; main.js decides when to write.
import { FILTER_KEYS, emptyFilter, normalizeFilter } from './filters.js';

/**
 * parseHash reads a hash like
 * "#map=6/38.5/68.8&layers=borders,incidents&from=2022-01-01&sel=incidents/abc".
 * Missing or malformed parts come back null (or an empty filter).
 */
export function parseHash(hash) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  let view = null;
  const m = (params.get('map') || '').split('/').map(Number);
  if (m.length === 3 && m.every(Number.isFinite) && m[0] >= 0 && m[0] <= 22 && Math.abs(m[1]) <= 90 && Math.abs(m[2]) <= 180) {
    view = { zoom: m[0], lat: m[1], lng: m[2] };
  }
  const layers = params.has('layers') ? params.get('layers').split(',').filter(Boolean) : null;
  const raw = {};
  for (const k of FILTER_KEYS) raw[k] = params.get(k) || '';
  let sel = null;
  const s = params.get('sel') || '';
  const slash = s.indexOf('/');
  if (slash > 0 && slash < s.length - 1) sel = { layer: s.slice(0, slash), id: s.slice(slash + 1) };
  return { view, layers, filter: normalizeFilter(raw), sel };
}

const round = (n, digits) => Number(n.toFixed(digits));

/** formatHash writes state as a hash (without losing unknown layers' order). */
export function formatHash({ view, layers, filter = emptyFilter(), sel }) {
  const parts = [];
  if (view) {
    const d = Math.max(2, Math.ceil(Math.log10(2 ** view.zoom)) + 1);
    parts.push(`map=${round(view.zoom, 2)}/${round(view.lat, d)}/${round(view.lng, d)}`);
  }
  if (layers) parts.push(`layers=${layers.map(encodeURIComponent).join(',')}`);
  for (const k of FILTER_KEYS) if (filter[k]) parts.push(`${k}=${encodeURIComponent(filter[k])}`);
  if (sel) parts.push(`sel=${encodeURIComponent(sel.layer)}/${encodeURIComponent(sel.id)}`);
  return `#${parts.join('&')}`;
}
