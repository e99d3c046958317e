// control-summary.js is a line of text on the map saying what it shows: the
// incident filter in words, how many incidents match, and the day the
// infrastructure is drawn as of. It is what a printed map keeps of the
// filters, and it is announced politely when it changes.
import L from 'leaflet';

/** ViewSummary is an L.Control; call update({text, asOf}) as filters change. */
export const ViewSummary = L.Control.extend({
  options: { position: 'bottomleft' },

  onAdd() {
    const root = document.createElement('div');
    root.className = 'casmap-summary leaflet-bar';
    root.id = 'view-summary';
    root.setAttribute('role', 'status');
    root.setAttribute('aria-live', 'polite');
    this._filters = document.createElement('p');
    this._filters.className = 'casmap-summary-filters';
    this._asOf = document.createElement('p');
    this._asOf.className = 'casmap-summary-asof';
    root.append(this._filters, this._asOf);
    L.DomEvent.disableClickPropagation(root);
    this._root = root;
    return root;
  },

  onRemove() {
    this._root = null;
  },

  /** update shows the filter description and the as-of day. */
  update({ text, asOf }) {
    if (!this._root) return;
    this._filters.textContent = text;
    this._asOf.textContent = `Infrastructure as of ${asOf}`;
  },
});
