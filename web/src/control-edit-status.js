// control-status.js: one line that says what an editing action did
// ("Proposed...", "Published #3."), read out by screen readers.
import L from 'leaflet';

export const EditStatus = L.Control.extend({
  options: { position: 'bottomright' },

  onAdd() {
    const root = L.DomUtil.create('p', 'casmap-edit-status');
    root.setAttribute('role', 'status');
    this._root = root;
    return root;
  },

  /** say shows text. */
  say(text) {
    if (this._root) this._root.textContent = text;
  },
});
