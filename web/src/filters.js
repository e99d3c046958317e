// filters.js is the incident filter as plain data: which incidents match,
// the API parameters that ask the server for the same set, a sentence
// describing it, and the quarterly counts behind the histogram.

/** FILTER_KEYS are the filter fields, in the order the URL carries them. */
export const FILTER_KEYS = ['from', 'to', 'category', 'confidence', 'actor', 'near', 'km'];

/**
 * NEAR_TARGETS are what the proximity filter can measure from: a layer or
 * one feature of a layer, as the API's near parameter names them.
 */
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
  return { from: '', to: '', category: '', confidence: '', actor: '', near: '', km: '' };
}

/** isEmpty reports whether f matches everything. */
export function isEmpty(f) {
  return FILTER_KEYS.every((k) => k === 'km' || !f[k]);
}

/** kmOf is the proximity distance of f in km. */
export function kmOf(f) {
  const n = Number(f.km);
  return f.km !== '' && Number.isFinite(n) && n > 0 && n <= MAX_KM ? n : DEFAULT_KM;
}

const DAY = /^\d{4}-\d{2}-\d{2}/;

/** dayOf returns the YYYY-MM-DD part of an ISO date or date-time, or ''. */
export function dayOf(value) {
  const m = typeof value === 'string' ? value.match(DAY) : null;
  return m ? m[0] : '';
}

/** normalizeFilter keeps only well-formed values, so a hand-edited URL cannot break the page. */
export function normalizeFilter(raw = {}) {
  const f = emptyFilter();
  for (const k of FILTER_KEYS) {
    const v = typeof raw[k] === 'string' ? raw[k].trim() : '';
    if (!v) continue;
    if (k === 'from' || k === 'to') {
      if (DAY.test(v) && v.length === 10) f[k] = v;
    } else if (k === 'near') {
      if (Object.hasOwn(NEAR_TARGETS, v)) f.near = v;
    } else if (k === 'km') {
      const n = Number(v);
      if (Number.isFinite(n) && n > 0 && n <= MAX_KM) f.km = String(Math.round(n * 10) / 10);
    } else {
      f[k] = v.slice(0, 200);
    }
  }
  if (!f.near) f.km = '';
  return f;
}

/**
 * matchesIncident reports whether an incident's properties pass f. An
 * incident spanning days (date..date_end) matches if it overlaps the range.
 * Proximity (f.near) is the server's to compute and is not checked here.
 */
export function matchesIncident(props = {}, f = emptyFilter()) {
  if (f.from || f.to) {
    const start = dayOf(props.date);
    const end = dayOf(props.date_end) || start;
    if (!start) return false;
    if (f.from && end < f.from) return false;
    if (f.to && start > f.to) return false;
  }
  if (f.category && props.category !== f.category) return false;
  if (f.confidence && props.confidence !== f.confidence) return false;
  if (f.actor && props.actor !== f.actor) return false;
  return true;
}

/** toQuery gives the API query parameters that select what f selects. */
export function toQuery(f = emptyFilter()) {
  const q = {};
  if (f.from || f.to) q.datetime = `${f.from || '..'}/${f.to || '..'}`;
  for (const k of ['category', 'confidence', 'actor']) if (f[k]) q[k] = f[k];
  if (f.near) {
    q.near = f.near;
    q.within_km = kmOf(f);
  }
  return q;
}

/**
 * describeFilter says in words which incidents f selects, for people and
 * for print: "Incidents from 2019-01-01 to 2019-06-30; type Attack; within
 * 50 km of the TAPI route". labels maps category/confidence keys to names.
 */
export function describeFilter(f = emptyFilter(), labels = {}) {
  const parts = [];
  if (f.from && f.to) parts.push(`from ${f.from} to ${f.to}`);
  else if (f.from) parts.push(`from ${f.from}`);
  else if (f.to) parts.push(`until ${f.to}`);
  const name = (k) => (labels[k] && labels[k][f[k]]) || f[k];
  if (f.category) parts.push(`type ${name('category')}`);
  if (f.confidence) parts.push(`confidence ${name('confidence')}`);
  if (f.actor) parts.push(`actor ${f.actor}`);
  if (f.near) parts.push(`within ${kmOf(f)} km of ${NEAR_TARGETS[f.near] || f.near}`);
  return parts.length ? `Incidents ${parts.join('; ')}` : 'All incidents';
}

/** countBy counts features by a property (missing values under ''). */
export function countBy(features, key) {
  const counts = {};
  for (const feat of features) {
    const v = feat && feat.properties ? feat.properties[key] ?? '' : '';
    counts[v] = (counts[v] || 0) + 1;
  }
  return counts;
}

/** quarterKey names the calendar quarter of a YYYY-MM-DD day, e.g. "2022-Q2". */
export function quarterKey(day) {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
}

const pad = (n) => String(n).padStart(2, '0');

/** quarterRange returns the first and last day of a quarter key. */
export function quarterRange(key) {
  const [y, q] = key.split('-Q').map(Number);
  const startMonth = (q - 1) * 3 + 1;
  const endMonth = startMonth + 2;
  const lastDay = new Date(Date.UTC(y, endMonth, 0)).getUTCDate();
  return [`${y}-${pad(startMonth)}-01`, `${y}-${pad(endMonth)}-${pad(lastDay)}`];
}

/**
 * histogram counts incidents per quarter by start date, with every quarter
 * from the first to the last present (empty ones count 0). f, if given,
 * applies its category/confidence/actor parts so the bars follow the other
 * filters; the date range is what the bars choose, so it is not applied.
 * allowed, if given, is the set of incident ids the proximity filter keeps.
 */
export function histogram(features, f = null, allowed = null) {
  const counts = new Map();
  let min = '';
  let max = '';
  const other = f ? { ...f, from: '', to: '' } : null;
  for (const feat of features) {
    const day = dayOf(feat.properties && feat.properties.date);
    if (!day) continue;
    if (!min || day < min) min = day;
    if (!max || day > max) max = day;
    if (other && !matchesIncident(feat.properties, other)) continue;
    if (allowed && !allowed.has(String(feat.id))) continue;
    const k = quarterKey(day);
    counts.set(k, (counts.get(k) || 0) + 1);
  }
  if (!min) return [];
  const out = [];
  let [y, q] = quarterKey(min).split('-Q').map(Number);
  const last = quarterKey(max);
  for (let guard = 0; guard < 400; guard++) {
    const key = `${y}-Q${q}`;
    const [start, end] = quarterRange(key);
    out.push({ key, start, end, count: counts.get(key) || 0 });
    if (key === last) break;
    q += 1;
    if (q > 4) { q = 1; y += 1; }
  }
  return out;
}
