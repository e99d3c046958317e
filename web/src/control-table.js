// control-table.js is the event table beside the map: the incidents the
// filter selects (or only those in view, when asked), sortable by date,
// fatalities, country and confidence. Choosing a row selects its marker;
// selecting a marker marks and scrolls to its row. It downloads as CSV,
// the rows as shown. The control on the map is the button that opens it;
// the table itself is docked under the map (options.host).
import L from 'leaflet';
import { bboxParam } from './api.js';
import { CATEGORIES, CONFIDENCE } from './style.js';
import { csvText, rowsOf, sortRows } from './table-rows.js';
import { downloadName } from './download-name.js';

const COLUMNS = [
  ['date', 'Date', true], ['title', 'Event', false], ['category', 'Type', false], ['country', 'Country', true],
  ['actor', 'Actor', false], ['fatalities', 'Killed', true], ['confidence', 'Confidence', true],
];
const REMOTE_ROWS = 500;

// placeChildren makes els the children of parent, in order, moving only
// the elements out of place and removing the rest.
function placeChildren(parent, els) {
  let at = parent.firstChild;
  for (const el of els) {
    if (el === at) at = at.nextSibling;
    else parent.insertBefore(el, at);
  }
  while (at) {
    const next = at.nextSibling;
    at.remove();
    at = next;
  }
}

/** TableControl. Options: state, model, api, host (element the table docks in), countryNames. */
export const TableControl = L.Control.extend({
  options: { position: 'topleft', state: null, model: null, api: null, host: null, countryNames: {} },

  onAdd(map) {
    const btn = L.DomUtil.create('button', 'casmap-tool casmap-table-toggle leaflet-bar');
    btn.type = 'button';
    btn.setAttribute('aria-controls', 'table');
    btn.textContent = 'Table';
    L.DomEvent.disableClickPropagation(btn);
    L.DomEvent.on(btn, 'click', () => this.options.state.setTable(!this.options.state.table));
    this._btn = btn;
    this._map = map;
    this._sort = { key: 'date', dir: -1 };
    this._build(this.options.host);
    const { state, model } = this.options;
    state.on('table', this._onTable, this);
    state.on('select', this._mark, this);
    model.on('change', this._refresh, this);
    map.on('moveend', this._onMove, this);
    this._onTable({ init: true });
    return btn;
  },

  onRemove(map) {
    const { state, model } = this.options;
    state.off('table', this._onTable, this);
    state.off('select', this._mark, this);
    model.off('change', this._refresh, this);
    map.off('moveend', this._onMove, this);
    clearTimeout(this._moveTimer);
    if (this._ctl) this._ctl.abort();
    this.options.host.replaceChildren();
  },

  _build(host) {
    host.replaceChildren();
    const head = L.DomUtil.create('div', 'table-head', host);
    const h = L.DomUtil.create('h2', 'table-title', head);
    h.id = 'table-title';
    h.textContent = 'Events';
    this._count = L.DomUtil.create('span', 'table-count', head);
    const follow = L.DomUtil.create('label', 'table-follow', head);
    this._follow = L.DomUtil.create('input', '', follow);
    this._follow.type = 'checkbox';
    this._follow.id = 'table-follow';
    follow.append(' Only those in view');
    L.DomEvent.on(this._follow, 'change', this._refresh, this);
    this._csv = L.DomUtil.create('button', 'table-csv', head);
    this._csv.type = 'button';
    this._csv.textContent = 'Download CSV';
    L.DomEvent.on(this._csv, 'click', this._download, this);
    const close = L.DomUtil.create('button', 'table-close', head);
    close.type = 'button';
    close.setAttribute('aria-label', 'Close the table');
    close.textContent = '×';
    L.DomEvent.on(close, 'click', () => this.options.state.setTable(false));
    const wrap = L.DomUtil.create('div', 'table-scroll', host);
    const table = L.DomUtil.create('table', 'event-table', wrap);
    table.setAttribute('aria-labelledby', 'table-title');
    const tr = L.DomUtil.create('tr', '', L.DomUtil.create('thead', '', table));
    this._heads = new Map();
    for (const [key, label, sortable] of COLUMNS) {
      const th = L.DomUtil.create('th', `col-${key}`, tr);
      th.scope = 'col';
      if (!sortable) {
        th.textContent = label;
        continue;
      }
      const b = L.DomUtil.create('button', 'table-sort', th);
      b.type = 'button';
      b.dataset.key = key;
      b.textContent = label;
      L.DomEvent.on(b, 'click', () => {
        this._sort = { key, dir: this._sort.key === key ? -this._sort.dir : (key === 'date' || key === 'fatalities' ? -1 : 1) };
        this._render();
      });
      this._heads.set(key, th);
    }
    this._body = L.DomUtil.create('tbody', '', table);
    this._note = L.DomUtil.create('p', 'table-note', host);
  },

  _onTable({ init = false } = {}) {
    const open = this.options.state.table;
    this.options.host.hidden = !open;
    this._btn.setAttribute('aria-expanded', String(open));
    L.DomUtil[open ? 'addClass' : 'removeClass'](document.body, 'table-open');
    if (!init || open) this._map.invalidateSize();
    if (open) this._refresh();
  },

  // The rows follow the view once the map stops, not at every step of a zoom.
  _onMove() {
    if (!this.options.state.table || !(this._follow.checked || !this.options.model.local)) return;
    clearTimeout(this._moveTimer);
    this._moveTimer = setTimeout(() => this._refresh(), 150);
  },

  _bbox() {
    const b = this._map.getBounds();
    return bboxParam({ west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() });
  },

  async _refresh() {
    if (!this.options.state.table) return;
    const { model, api, state } = this.options;
    let features;
    let note = '';
    if (model.local) {
      features = (model.last && model.last.features) || [];
      if (this._follow.checked) {
        const b = this._map.getBounds();
        features = features.filter((f) => f.geometry && b.contains(L.GeoJSON.coordsToLatLng(f.geometry.coordinates)));
      }
    } else {
      this._follow.checked = true;
      this._follow.disabled = true;
      if (this._ctl) this._ctl.abort();
      const ctl = new AbortController();
      this._ctl = ctl;
      let body;
      try {
        body = await api.view(model.collection.id, 'items', { ...state.query(), bbox: this._bbox(), limit: REMOTE_ROWS }, ctl.signal);
      } catch {
        // Dropped for a newer view, or failed: the banner says which.
        return;
      }
      if (this._ctl !== ctl) return;
      features = body.features;
      if (Number.isFinite(body.numberMatched) && body.numberMatched > features.length) {
        note = `The first ${features.length} of ${body.numberMatched} incidents in view; zoom in for the rest.`;
      }
    }
    this._rows = rowsOf(features, { countryNames: this.options.countryNames });
    this._note.textContent = note;
    this._render();
  },

  _render() {
    const rows = sortRows(this._rows || [], this._sort);
    this._shown = rows;
    for (const [key, th] of this._heads) th.setAttribute('aria-sort', key === this._sort.key ? (this._sort.dir > 0 ? 'ascending' : 'descending') : 'none');
    this._count.textContent = `${rows.length} shown`;
    // A row already shown with the same cells keeps its element: following
    // the view, a pan rewrites only the rows that came into it.
    const old = this._trs || new Map();
    this._trs = new Map();
    const trs = rows.map((r) => {
      const cells = [r.date, r.title, (CATEGORIES[r.category] || {}).label || r.category, r.countryName, r.actor, r.fatalities ?? '–',
        (CONFIDENCE[r.confidence] || {}).label || r.confidence].map((c) => String(c ?? ''));
      const key = `${r.id}\u0000${cells.join('\u0000')}`;
      const tr = old.get(key) || this._row(r, cells);
      old.delete(key);
      this._trs.set(key, tr);
      return tr;
    });
    placeChildren(this._body, trs);
    this._mark();
  },

  _row(r, cells) {
    const tr = L.DomUtil.create('tr', 'event-row');
    tr.dataset.id = r.id;
    tr.tabIndex = 0;
    cells.forEach((text, i) => {
      L.DomUtil.create('td', `col-${COLUMNS[i][0]}`, tr).textContent = text;
    });
    const choose = () => this.options.state.select({ layer: this.options.model.collection.id, id: r.id }, { reveal: true, focus: false });
    L.DomEvent.on(tr, 'click', choose);
    L.DomEvent.on(tr, 'keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        L.DomEvent.preventDefault(e);
        choose();
      }
    });
    return tr;
  },

  _mark() {
    const sel = this.options.state.sel;
    for (const tr of this._body.children) {
      const on = Boolean(sel && sel.layer === this.options.model.collection.id && sel.id === tr.dataset.id);
      L.DomUtil[on ? 'addClass' : 'removeClass'](tr, 'is-selected');
      tr.setAttribute('aria-selected', String(on));
      if (on) tr.scrollIntoView({ block: 'nearest' });
    }
  },

  _download() {
    const blob = new Blob([csvText(this._shown || [])], { type: 'text/csv' });
    const a = L.DomUtil.create('a', '', document.body);
    a.href = URL.createObjectURL(blob);
    a.download = downloadName('incidents', this.options.state.filter, 'csv', { view: this._follow.checked }).replace('casmap-incidents', 'casmap-incidents-table');
    a.click();
    setTimeout(() => {
      URL.revokeObjectURL(a.href);
      L.DomUtil.remove(a);
    }, 1000);
  },
});
