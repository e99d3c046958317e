// state.js is the page's shared state, one L.Evented that layers and
// controls listen to: the incident filter, the selected feature, which
// layers are visible and whether the event table is open. Changing it
// fires one event; nobody else keeps a copy.
import L from 'leaflet';
import {
  asOfDay, emptyFilter, normalizeFilter, sameFilter, toQuery,
} from './filters.js';

/**
 * AppState fires:
 * - 'filter' {filter, asOf, push} when the filter changes;
 * - 'select' {sel, reveal, focus, push} when a feature is selected or the
 *   selection cleared (sel null);
 * - 'visible' {id, on, push} when a layer is shown or hidden;
 * - 'table' {open, push} when the table opens or closes;
 * - 'counts' {id, ...} when a layer says what it draws (see layers);
 * - 'marks' when the incident marks drawn changed (names make way for them).
 * push says whether the change makes a browser history entry.
 */
export const AppState = L.Evented.extend({
  initialize({ filter = emptyFilter(), sel = null, visible = [], table = false } = {}) {
    this.filter = normalizeFilter(filter);
    this.sel = sel;
    this.visible = new Set(visible);
    this.table = table;
  },

  /** asOf is the day infrastructure is drawn as of. */
  asOf() {
    return asOfDay(this.filter);
  },

  /** query is the API parameters of the filter. */
  query() {
    return toQuery(this.filter);
  },

  /** setFilter replaces the filter; unchanged filters fire nothing. */
  setFilter(f, { push = true } = {}) {
    const next = normalizeFilter(f);
    if (sameFilter(next, this.filter)) return false;
    this.filter = next;
    this.fire('filter', { filter: next, asOf: this.asOf(), push });
    return true;
  },

  /** patchFilter changes some fields of the filter. */
  patchFilter(fields, opts) {
    return this.setFilter({ ...this.filter, ...fields }, opts);
  },

  /** select makes {layer, id} the selected feature. */
  select(sel, { reveal = false, focus = true, push = true } = {}) {
    const same = sel && this.sel && sel.layer === this.sel.layer && String(sel.id) === String(this.sel.id);
    if (same && !reveal) return;
    this.sel = sel ? { layer: sel.layer, id: String(sel.id) } : null;
    this.fire('select', { sel: this.sel, reveal, focus, push });
  },

  /** clearSelection closes whatever is selected. */
  clearSelection({ push = true } = {}) {
    if (!this.sel) return;
    this.sel = null;
    this.fire('select', { sel: null, push });
  },

  isVisible(id) {
    return this.visible.has(id);
  },

  setVisible(id, on, { push = true } = {}) {
    if (this.visible.has(id) === on) return;
    if (on) this.visible.add(id);
    else this.visible.delete(id);
    this.fire('visible', { id, on, push });
  },

  setTable(open, { push = true } = {}) {
    if (this.table === open) return;
    this.table = open;
    this.fire('table', { open, push });
  },
});
