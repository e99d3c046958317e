// filters.js is the incident filter as plain data: which incidents match,
// the API parameters that ask the server for the same set (CONTRACT.md:
// comma lists mean any of, fatalities=min/max), a sentence saying what it
// selects, and the day infrastructure is drawn as of.

/** LIST_KEYS are the multi-value filters: a feature matches one when its property is any of the values. */
export const LIST_KEYS = ['category', 'confidence', 'country', 'actor_group', 'actor'];

/** FILTER_KEYS are the filter fields, in the order the URL carries them. */
export const FILTER_KEYS = ['from', 'to', 'asof', ...LIST_KEYS, 'fmin', 'fmax', 'near', 'km'];

/** NEAR_TARGETS are what the proximity filter measures from, as the API's near names them. */
export const NEAR_TARGETS = {
  tapi: 'the TAPI route',
  railways: 'railways',
  'borders/afg': 'the Afghan border',
};

/** DEFAULT_KM is the proximity distance when none is given (the API's default too). */
export const DEFAULT_KM = 50;

/** MAX_KM is the largest distance the API accepts. */
export const MAX_KM = 2000;

/** emptyFilter is the filter that matches every incident. */
export function emptyFilter() {
  return {
    from: '', to: '', asof: '', category: [], confidence: [], country: [], actor_group: [], actor: [],
    fmin: '', fmax: '', near: '', km: '',
  };
}

/** isEmpty reports whether f matches everything (as-of only moves infrastructure). */
export function isEmpty(f) {
  return !f.from && !f.to && !f.near && f.fmin === '' && f.fmax === '' && LIST_KEYS.every((k) => !f[k].length);
}

/** sameFilter reports whether two filters select the same. */
export function sameFilter(a, b) {
  return JSON.stringify(normalizeFilter(a)) === JSON.stringify(normalizeFilter(b));
}

/** kmOf is the proximity distance of f in km. */
export function kmOf(f) {
  const n = Number(f.km);
  return f.km !== '' && Number.isFinite(n) && n > 0 && n <= MAX_KM ? n : DEFAULT_KM;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** isDay reports whether s is a YYYY-MM-DD day. */
export function isDay(s) {
  return typeof s === 'string' && DAY.test(s);
}

/** dayOf returns the YYYY-MM-DD part of an ISO date or date-time, or ''. */
export function dayOf(value) {
  return typeof value === 'string' && DAY.test(value.slice(0, 10)) ? value.slice(0, 10) : '';
}

const count = (v) => {
  const s = String(v ?? '').trim();
  if (s === '') return '';
  const n = Number(s);
  return Number.isInteger(n) && n >= 0 && n <= 1e7 ? String(n) : '';
};

/** normalizeFilter keeps only well-formed values, so a hand-edited URL cannot break the page. */
export function normalizeFilter(raw = {}) {
  const f = emptyFilter();
  for (const k of ['from', 'to', 'asof']) if (isDay(String(raw[k] ?? '').trim())) f[k] = String(raw[k]).trim();
  for (const k of LIST_KEYS) {
    const list = Array.isArray(raw[k]) ? raw[k] : (raw[k] ? [raw[k]] : []);
    f[k] = [...new Set(list.map((v) => String(v).trim().slice(0, 200)).filter(Boolean))].sort().slice(0, 50);
  }
  f.fmin = count(raw.fmin);
  f.fmax = count(raw.fmax);
  if (f.fmin !== '' && f.fmax !== '' && Number(f.fmin) > Number(f.fmax)) [f.fmin, f.fmax] = [f.fmax, f.fmin];
  if (Object.hasOwn(NEAR_TARGETS, String(raw.near ?? ''))) f.near = raw.near;
  const km = Number(raw.km);
  if (f.near && raw.km !== '' && raw.km !== undefined && Number.isFinite(km) && km > 0 && km <= MAX_KM) f.km = String(Math.round(km * 10) / 10);
  return f;
}

/**
 * matchesIncident reports whether an incident's properties pass f. An
 * incident spanning days (date..date_end) matches if it overlaps the range.
 * A fatalities range leaves out incidents with no credible figure.
 * Proximity (f.near) is the server's to compute and is not checked here.
 */
export function matchesIncident(props = {}, f = emptyFilter(), skip = '') {
  if ((f.from || f.to) && skip !== 'date') {
    const start = dayOf(props.date);
    const end = dayOf(props.date_end) || start;
    if (!start) return false;
    if (f.from && end < f.from) return false;
    if (f.to && start > f.to) return false;
  }
  for (const k of LIST_KEYS) {
    if (k === skip || !f[k].length) continue;
    const v = props[k];
    const values = Array.isArray(v) ? v.map(String) : [String(v ?? '')];
    if (!values.some((x) => f[k].includes(x))) return false;
  }
  if (f.fmin !== '' || f.fmax !== '') {
    const n = props.fatalities;
    if (typeof n !== 'number') return false;
    if (f.fmin !== '' && n < Number(f.fmin)) return false;
    if (f.fmax !== '' && n > Number(f.fmax)) return false;
  }
  return true;
}

/** toQuery gives the API query parameters that select what f selects. */
export function toQuery(f = emptyFilter()) {
  const q = {};
  if (f.from || f.to) q.datetime = `${f.from || '..'}/${f.to || '..'}`;
  for (const k of LIST_KEYS) if (f[k].length) q[k] = f[k].join(',');
  if (f.fmin !== '' || f.fmax !== '') q.fatalities = `${f.fmin === '' ? '..' : f.fmin}/${f.fmax === '' ? '..' : f.fmax}`;
  if (f.near) {
    q.near = f.near;
    q.within_km = kmOf(f);
  }
  return q;
}

/** today is the current UTC day as YYYY-MM-DD. */
export function today(now = new Date()) {
  return now.toISOString().slice(0, 10);
}

/** asOfDay is the day infrastructure is shown as of: its own field, else the end of the range, else today. */
export function asOfDay(f = {}, now = new Date()) {
  if (isDay(f.asof)) return f.asof;
  return isDay(f.to) ? f.to : today(now);
}

const joinOr = (list) => (list.length < 2 ? list.join('') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`);

/**
 * describeFilter says in words which incidents f selects, for people and
 * for print. labels maps a list key to {value: label}.
 */
export function describeFilter(f = emptyFilter(), labels = {}) {
  const parts = [];
  if (f.from && f.to) parts.push(`from ${f.from} to ${f.to}`);
  else if (f.from) parts.push(`from ${f.from}`);
  else if (f.to) parts.push(`until ${f.to}`);
  const names = { category: 'type', confidence: 'confidence', country: 'country', actor_group: 'actor group', actor: 'actor' };
  for (const k of LIST_KEYS) {
    if (f[k].length) parts.push(`${names[k]} ${joinOr(f[k].map((v) => (labels[k] && labels[k][v]) || v))}`);
  }
  if (f.fmin !== '' && f.fmax !== '') parts.push(`${f.fmin} to ${f.fmax} killed`);
  else if (f.fmin !== '') parts.push(`at least ${f.fmin} killed`);
  else if (f.fmax !== '') parts.push(`at most ${f.fmax} killed`);
  if (f.near) parts.push(`within ${kmOf(f)} km of ${NEAR_TARGETS[f.near] || f.near}`);
  return parts.length ? `Incidents ${parts.join('; ')}` : 'All incidents';
}

/** facetCounts counts features by a property (lists count once per value; missing under ''). */
export function facetCounts(features, key) {
  const counts = {};
  for (const feat of features) {
    const v = feat && feat.properties ? feat.properties[key] : undefined;
    for (const x of Array.isArray(v) ? v : [v ?? '']) counts[x] = (counts[x] || 0) + 1;
  }
  return counts;
}
