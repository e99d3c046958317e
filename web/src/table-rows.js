// table-rows.js turns incidents into the event table's rows, sorts them and
// writes them as CSV (RFC 4180): pure functions, unit-tested on their own.

const CONFIDENCE_RANK = { confirmed: 0, reported: 1, claimed: 2, disputed: 3 };

/** rowsOf makes one row per incident feature. */
export function rowsOf(features, { countryNames = {} } = {}) {
  return features.map((f) => {
    const p = f.properties || {};
    return {
      id: String(f.id ?? ''), date: String(p.date || '').slice(0, 10), title: String(p.title || p.name || f.id || ''),
      category: p.category || '', country: p.country || '', countryName: countryNames[p.country] || p.country || '',
      actor: p.actor || '', actor_group: p.actor_group || '', fatalities: typeof p.fatalities === 'number' ? p.fatalities : null,
      confidence: p.confidence || '', url: (Array.isArray(p.sources) && p.sources[0] && p.sources[0].url) || '',
    };
  });
}

/**
 * sortRows sorts by key (date, fatalities, country, confidence) in dir
 * (1 up, -1 down); unknown fatalities go last either way; ties by date.
 */
export function sortRows(rows, { key = 'date', dir = -1 } = {}) {
  const value = (r) => {
    if (key === 'confidence') return CONFIDENCE_RANK[r.confidence] ?? 9;
    if (key === 'country') return r.countryName;
    return r[key];
  };
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    const c = typeof va === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c * dir || b.date.localeCompare(a.date);
  });
}

const cell = (v) => {
  // A leading =, +, - or @ would be a formula in a spreadsheet.
  const s = String(v ?? '').replace(/^([=+\-@\t\r])/, "'$1");
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV_COLUMNS are the table download's columns. */
export const CSV_COLUMNS = ['id', 'date', 'title', 'category', 'country', 'actor_group', 'actor', 'fatalities', 'confidence', 'url'];

/** csvText is the rows as CSV with a header line. */
export function csvText(rows) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map((k) => cell(r[k])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
