// control-summary.js is a line of text on the map saying what it shows: the
// incident filter in words, how many incidents match, and the day the
// infrastructure is drawn as of. It is announced politely when it changes.
import L from 'leaflet';

/** ViewSummary follows options.state and options.model; describe(f) words a filter. */
export const ViewSummary = L.Control.extend({
  options: { position: 'bottomleft', state: null, model: null, describe: null },

  onAdd() {
    const root = L.DomUtil.create('div', 'casmap-summary leaflet-bar');
    root.id = 'view-summary';
    root.setAttribute('role', 'status');
    root.setAttribute('aria-live', 'polite');
    this._filters = L.DomUtil.create('p', 'casmap-summary-filters', root);
    this._asOf = L.DomUtil.create('p', 'casmap-summary-asof', root);
    L.DomEvent.disableClickPropagation(root);
    this.options.state.on('filter', this._update, this);
    this.options.model.on('change', this._update, this);
    this._update();
    return root;
  },

  onRemove() {
    this.options.state.off('filter', this._update, this);
    this.options.model.off('change', this._update, this);
  },

  /** text is what the summary says, for print and PNG captions. */
  text() {
    const { state, model, describe } = this.options;
    const last = model.last;
    const n = last ? (last.matched === last.total ? `${last.total} shown` : `${last.matched ?? '?'} of ${last.total} shown`) : '';
    return `${describe(state.filter)}${n ? `: ${n}` : ''}`;
  },

  _update() {
    this._filters.textContent = this.text();
    this._asOf.textContent = `Infrastructure as of ${this.options.state.asOf()}`;
  },
});
