// download-name.js names a download by what it holds. Pure, unit-tested.
import { LIST_KEYS, isEmpty } from './filters.js';

const slug = (s) => String(s).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);

/**
 * downloadName is a file name that says what a download holds:
 * casmap-<layer>[-<from>_<to>][-<values>…][-view]-<day>.<ext>, e.g.
 * "casmap-incidents-2022-01-01_2022-12-31-attack-view-2026-12-01.csv".
 */
export function downloadName(layer, filter, format, { view = false, day = new Date().toISOString().slice(0, 10) } = {}) {
  const parts = ['casmap', layer];
  if (filter && !isEmpty(filter)) {
    if (filter.from || filter.to) parts.push(`${filter.from || 'start'}_${filter.to || 'end'}`);
    for (const k of LIST_KEYS) if (filter[k].length) parts.push(filter[k].length > 3 ? `${filter[k].length}-${k.replace('_', '-')}s` : filter[k].map(slug).join('+'));
    if (filter.fmin !== '' || filter.fmax !== '') parts.push(`killed-${filter.fmin || 0}-${filter.fmax || 'more'}`);
    if (filter.near) parts.push(`within-${filter.km || 50}km-${slug(filter.near)}`);
  }
  if (view) parts.push('view');
  parts.push(day);
  return `${parts.join('-')}.${format}`;
}

