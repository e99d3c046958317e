// histogram.js counts incidents per calendar month for the timeline: pure
// functions on features or on the server's stats months, and the first and
// last day of a run of months (what a brushed range selects).

const pad = (n) => String(n).padStart(2, '0');

/** monthOf is the YYYY-MM of a day. */
export function monthOf(day) {
  return String(day).slice(0, 7);
}

/** monthRange is the first and last day of the months from a to b (YYYY-MM). */
export function monthRange(a, b) {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  const [y, m] = hi.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [`${lo}-01`, `${hi}-${pad(last)}`];
}

/** nextMonth is the month after a YYYY-MM. */
export function nextMonth(month) {
  let [y, m] = month.split('-').map(Number);
  m += 1;
  if (m > 12) { m = 1; y += 1; }
  return `${y}-${pad(m)}`;
}

/**
 * bins turns {month: count} into every month from the first to the last
 * present (or from..to if given), empty months counting 0.
 */
export function bins(counts, { first = '', last = '' } = {}) {
  const keys = Object.keys(counts).filter((k) => /^\d{4}-\d{2}$/.test(k)).sort();
  const lo = first || keys[0];
  const hi = last || keys[keys.length - 1];
  if (!lo || !hi) return [];
  const out = [];
  for (let m = lo, guard = 0; m <= hi && guard < 1200; m = nextMonth(m), guard++) out.push({ month: m, count: counts[m] || 0 });
  return out;
}

/** monthCounts counts features by the month of their start date. */
export function monthCounts(features) {
  const counts = {};
  for (const f of features) {
    const d = f && f.properties && typeof f.properties.date === 'string' ? f.properties.date : '';
    if (/^\d{4}-\d{2}/.test(d)) counts[d.slice(0, 7)] = (counts[d.slice(0, 7)] || 0) + 1;
  }
  return counts;
}

/** statsMonths turns the stats endpoint's months list into {month: count}. */
export function statsMonths(list) {
  const counts = {};
  for (const m of Array.isArray(list) ? list : []) if (m && typeof m.month === 'string') counts[m.month] = Number(m.count) || 0;
  return counts;
}
