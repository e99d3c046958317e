// hash-sync.js keeps location.hash in step with the state and the map:
// each committed change (a filter, a selection, a layer, the table) is one
// history entry; moving the map replaces the current one, once the map has
// settled (a browser takes 10-30 ms for each rewrite of the URL, so a
// zoom or a series of drags writes it once, not at every step). Back and
// forward put the state back without writing history.
import L from 'leaflet';
import { formatHash, parseHash } from './url-state.js';

/** HashSync binds options.state and options.map to the URL; order lists layer ids. */
export const HashSync = L.Class.extend({
  options: {
    state: null, map: null, order: [], win: window, settleMs: 400,
  },

  initialize(options) {
    L.setOptions(this, options);
    this._applying = false;
    this._timer = null;
    // What the current history entry holds besides the view: a move not
    // yet written goes into it with these, not with a change made since.
    this._entry = this._stateNow();
    const { state, map, win } = this.options;
    for (const ev of ['filter', 'select', 'visible', 'table']) state.on(ev, this._onState, this);
    map.on('movestart', this._onMoveStart, this);
    map.on('moveend', this._onMoveEnd, this);
    L.DomEvent.on(win, 'popstate', this._onPop, this);
    L.DomEvent.on(win, 'pagehide', this.flush, this);
  },

  /** hash is what the URL says for the map's view and entry (the state now unless given). */
  hash(entry = this._stateNow()) {
    const { map } = this.options;
    const c = map.getCenter();
    return formatHash({ view: { zoom: map.getZoom(), lat: c.lat, lng: c.lng }, ...entry });
  },

  /** write puts the state in the URL, as a new history entry if push. */
  write(push) {
    if (this._applying) return;
    // A move not yet written belongs to the entry it was made in, with
    // that entry's layers, filter and selection.
    if (push) this.flush();
    this._entry = this._stateNow();
    this._put(this.hash(this._entry), push);
  },

  /** permalink is the URL of the page as it is now, the last move written. */
  permalink() {
    this.flush();
    return this.options.win.location.href;
  },

  /** flush writes a view change still waiting for the map to settle. */
  flush() {
    if (this._timer === null) return;
    this._cancel();
    this._writeView();
  },

  // _writeView puts the view in the current entry.
  _writeView() {
    if (!this._applying) this._put(this.hash(this._entry), false);
  },

  // _put writes hash as a new entry if push, else over the current one.
  _put(hash, push) {
    const { win } = this.options;
    if (hash === win.location.hash) return;
    if (push) win.history.pushState(null, '', hash);
    else win.history.replaceState(null, '', hash);
  },

  // _stateNow is what the state puts in the URL besides the view.
  _stateNow() {
    const { state, order } = this.options;
    return {
      layers: order.filter((id) => state.isVisible(id)), filter: state.filter, sel: state.sel, table: state.table,
    };
  },

  _cancel() {
    clearTimeout(this._timer);
    this._timer = null;
  },

  // A move that starts before the last one is written puts the write off
  // again, until the map is still.
  _onMoveStart() {
    if (this._timer !== null) this._cancel();
  },

  _onMoveEnd() {
    if (this._applying) return;
    this._cancel();
    this._timer = setTimeout(() => {
      this._timer = null;
      this._writeView();
    }, this.options.settleMs);
  },

  _onState(e) {
    this.write(e.push !== false);
  },

  _onPop() {
    const { state, map, order, win } = this.options;
    this._cancel();
    const next = parseHash(win.location.hash);
    this._applying = true;
    try {
      if (next.view) {
        const c = map.getCenter();
        const moved = Math.abs(c.lat - next.view.lat) > 1e-4 || Math.abs(c.lng - next.view.lng) > 1e-4 || map.getZoom() !== next.view.zoom;
        if (moved) map.setView([next.view.lat, next.view.lng], next.view.zoom, { animate: false });
      }
      for (const id of order) state.setVisible(id, next.layers ? next.layers.includes(id) : true, { push: false });
      state.setFilter(next.filter, { push: false });
      state.setTable(next.table, { push: false });
      if (next.sel) state.select(next.sel, { focus: false, push: false });
      else state.clearSelection({ push: false });
    } finally {
      this._applying = false;
      this._entry = this._stateNow();
    }
  },
});
