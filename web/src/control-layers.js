// control-layers.js is the map's layer panel: one row per layer with its
// legend symbol, title, feature count, a visibility checkbox and a download
// link; the optional online tile layer; and room for more sections (the
// incident legend and filters). On small screens it folds into a button.
import L from 'leaflet';
import { swatch } from './style.js';

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

/**
 * LayerPanel is an L.Control. Construct with the layers to list, each
 * {id, title, description, kind, style, visible, downloadHref}, and options:
 * onToggle(id, visible), onTiles(on), sections (extra elements).
 */
export const LayerPanel = L.Control.extend({
  options: {
    position: 'topright',
    collapsed: null, // null: folded on narrow screens, open otherwise
    onToggle: null,
    onTiles: null,
    sections: [],
    tilesLabel: 'OpenStreetMap tiles (online)',
  },

  initialize(layers, options) {
    L.setOptions(this, options);
    this._layers = layers;
    this._rows = new Map();
  },

  onAdd(map) {
    const container = el('section', 'casmap-panel leaflet-bar');
    container.id = 'layers-panel';
    container.setAttribute('aria-label', 'Layers, legend and filters');
    container.tabIndex = -1;

    const toggle = el('button', 'casmap-panel-toggle');
    toggle.type = 'button';
    toggle.setAttribute('aria-controls', 'layers-panel-body');
    const toggleIcon = el('span', 'casmap-panel-toggle-icon');
    toggleIcon.setAttribute('aria-hidden', 'true');
    toggle.append(toggleIcon, el('span', 'casmap-panel-toggle-text', 'Layers'));
    this._toggle = toggle;

    const body = el('div', 'casmap-panel-body');
    body.id = 'layers-panel-body';
    const heading = el('h2', 'casmap-panel-heading', 'Layers');
    heading.id = 'layers-heading';
    const list = el('ul', 'layer-list');
    list.setAttribute('aria-labelledby', 'layers-heading');
    for (const layer of this._layers) list.append(this._row(layer));
    body.append(heading, list, this._tilesRow());
    for (const section of this.options.sections) body.append(section);
    container.append(toggle, body);
    this._container = container;

    const narrow = map.getSize().x < 641;
    this._setOpen(this.options.collapsed === null ? !narrow : !this.options.collapsed);
    this._onToggleClick = () => this._setOpen(!this._open);
    L.DomEvent.on(toggle, 'click', this._onToggleClick);
    L.DomEvent.disableClickPropagation(container);
    L.DomEvent.disableScrollPropagation(container);
    return container;
  },

  onRemove() {
    L.DomEvent.off(this._toggle, 'click', this._onToggleClick);
    this._rows.clear();
  },

  _setOpen(open) {
    this._open = open;
    this._toggle.setAttribute('aria-expanded', String(open));
    this._toggle.title = open ? 'Hide layers and filters' : 'Show layers and filters';
    this._container.classList.toggle('is-collapsed', !open);
  },

  _row(layer) {
    const li = el('li', 'layer-row');
    li.dataset.layer = layer.id;
    const id = `layer-toggle-${layer.id}`;
    const box = el('input', 'layer-checkbox');
    box.type = 'checkbox';
    box.id = id;
    box.checked = layer.visible !== false;
    box.addEventListener('change', () => {
      if (this.options.onToggle) this.options.onToggle(layer.id, box.checked);
    });
    const label = el('label', 'layer-label');
    label.htmlFor = id;
    label.append(swatch(layer.kind, layer.style), el('span', 'layer-title', layer.title || layer.id));
    if (layer.description) label.title = layer.description;
    const count = el('span', 'layer-count', layer.count ?? '');
    count.dataset.count = String(layer.count ?? '');
    count.setAttribute('aria-label', `${layer.count ?? 0} features`);
    const dl = el('a', 'layer-download');
    dl.href = layer.downloadHref;
    dl.setAttribute('download', `${layer.id}.geojson`);
    dl.setAttribute('aria-label', `Download ${layer.title || layer.id} as GeoJSON`);
    dl.title = `Download ${layer.title || layer.id} as GeoJSON`;
    const icon = el('span', 'layer-download-icon');
    icon.setAttribute('aria-hidden', 'true');
    dl.append(icon);
    li.append(box, label, count, dl);
    this._rows.set(layer.id, { li, box, count, dl });
    return li;
  },

  _tilesRow() {
    const row = el('div', 'tiles-row');
    const box = el('input', 'layer-checkbox');
    box.type = 'checkbox';
    box.id = 'layer-toggle-osm';
    box.checked = false;
    box.addEventListener('change', () => {
      if (this.options.onTiles) this.options.onTiles(box.checked);
    });
    const label = el('label', 'layer-label', this.options.tilesLabel);
    label.htmlFor = box.id;
    row.append(box, label);
    return row;
  },

  /** setCount shows how many of a layer's features are drawn, of how many. */
  setCount(id, shown, total) {
    const row = this._rows.get(id);
    if (!row) return;
    const filtered = shown !== total;
    row.count.textContent = filtered ? `${shown}/${total}` : String(total);
    row.count.dataset.count = String(shown);
    row.count.dataset.total = String(total);
    row.count.setAttribute('aria-label', filtered ? `${shown} of ${total} features shown` : `${total} features`);
  },

  /** setDownload points a layer's download link at href (e.g. with filters). */
  setDownload(id, href, filtered = false) {
    const row = this._rows.get(id);
    if (!row) return;
    row.dl.href = href;
    row.dl.classList.toggle('is-filtered', filtered);
    row.dl.setAttribute('download', filtered ? `${id}-filtered.geojson` : `${id}.geojson`);
    const what = filtered ? 'the filtered ' : '';
    row.dl.setAttribute('aria-label', `Download ${what}${row.li.querySelector('.layer-title').textContent} as GeoJSON`);
  },

  /** setChecked mirrors a layer's visibility in its checkbox without firing onToggle. */
  setChecked(id, checked) {
    const row = this._rows.get(id);
    if (row) row.box.checked = checked;
  },

  /** setError marks a layer whose data failed to load. */
  setError(id) {
    const row = this._rows.get(id);
    if (!row) return;
    row.li.classList.add('has-error');
    row.count.textContent = '!';
    row.count.setAttribute('aria-label', 'failed to load');
  },
});
