// control-layers.js is the map's panel: one row per layer with its legend
// symbol, title, count, a visibility checkbox and its downloads (GeoJSON,
// CSV, KML), the optional online tiles, and below them a control corner
// ('panel') that the legend, filters and export sections are added to as
// controls of their own. On a phone it folds into a button and, open,
// gives the map back with its close button.
import L from 'leaflet';
import { swatch } from './style.js';
import { downloadName } from './download-name.js';

const FORMATS = [['geojson', 'GeoJSON'], ['csv', 'CSV'], ['kml', 'KML']];

/**
 * LayerPanel lists options.layers [{id, title, description, kind, style,
 * count}] and mirrors options.state: checkboxes follow 'visible', counts
 * follow 'counts'. options.onTiles(on) switches the online tiles.
 */
export const LayerPanel = L.Control.extend({
  options: { position: 'topright', layers: [], state: null, api: null, onTiles: null, tilesLabel: 'OpenStreetMap tiles (online)' },

  initialize(options) {
    L.setOptions(this, options);
    this._rows = new Map();
  },

  onAdd(map) {
    const container = L.DomUtil.create('section', 'casmap-panel leaflet-bar');
    container.id = 'layers-panel';
    container.setAttribute('aria-label', 'Layers, legend and filters');
    container.tabIndex = -1;
    const toggle = L.DomUtil.create('button', 'casmap-panel-toggle', container);
    toggle.type = 'button';
    toggle.setAttribute('aria-controls', 'layers-panel-body');
    L.DomUtil.create('span', 'casmap-panel-toggle-icon', toggle).setAttribute('aria-hidden', 'true');
    L.DomUtil.create('span', 'casmap-panel-toggle-text', toggle).textContent = 'Layers and filters';
    const body = L.DomUtil.create('div', 'casmap-panel-body', container);
    body.id = 'layers-panel-body';
    const heading = L.DomUtil.create('h2', 'casmap-panel-heading', body);
    heading.id = 'layers-heading';
    heading.textContent = 'Layers';
    const list = L.DomUtil.create('ul', 'layer-list', body);
    list.setAttribute('aria-labelledby', 'layers-heading');
    for (const layer of this.options.layers) list.append(this._row(layer));
    body.append(this._tilesRow());
    // The corner the other sections are added to, as Leaflet controls.
    map._controlCorners.panel = L.DomUtil.create('div', 'casmap-panel-sections', body);
    this._container = container;
    this._toggle = toggle;
    this._setOpen(map.getSize().x >= 641);
    L.DomEvent.on(toggle, 'click', this._onToggle, this);
    L.DomEvent.disableClickPropagation(container);
    L.DomEvent.disableScrollPropagation(container);
    const { state } = this.options;
    state.on('visible', this._onVisible, this);
    state.on('counts', this._onCounts, this);
    state.on('filter', this._onFilter, this);
    this._onFilter();
    return container;
  },

  onRemove(map) {
    const { state } = this.options;
    state.off('visible', this._onVisible, this);
    state.off('counts', this._onCounts, this);
    state.off('filter', this._onFilter, this);
    L.DomEvent.off(this._toggle, 'click', this._onToggle, this);
    delete map._controlCorners.panel;
    this._rows.clear();
  },

  /** setOpen unfolds or folds the panel. */
  setOpen(open) {
    this._setOpen(open);
  },

  /** setError marks a layer whose data failed to load. */
  setError(id) {
    const row = this._rows.get(id);
    if (!row) return;
    L.DomUtil.addClass(row.li, 'has-error');
    row.count.textContent = '!';
    row.count.setAttribute('aria-label', 'failed to load');
  },

  _onToggle() {
    this._setOpen(!this._open);
  },

  _setOpen(open) {
    this._open = open;
    this._toggle.setAttribute('aria-expanded', String(open));
    this._toggle.title = open ? 'Hide layers and filters' : 'Show layers and filters';
    L.DomUtil[open ? 'removeClass' : 'addClass'](this._container, 'is-collapsed');
    L.DomUtil[open ? 'addClass' : 'removeClass'](document.body, 'panel-open');
  },

  _onVisible({ id, on }) {
    const row = this._rows.get(id);
    if (row) row.box.checked = on;
  },

  _onCounts({ id, shown, total }) {
    const row = this._rows.get(id);
    if (!row || !Number.isFinite(total)) return;
    const filtered = shown !== total;
    row.count.textContent = filtered ? `${shown}/${total}` : String(total);
    row.count.dataset.count = String(shown);
    row.count.dataset.total = String(total);
    row.count.setAttribute('aria-label', filtered ? `${shown} of ${total} features shown` : `${total} features`);
  },

  // Incident downloads carry the filter, and say so in their names.
  _onFilter() {
    const { state, api } = this.options;
    const row = this._rows.get('incidents');
    if (!row) return;
    for (const a of row.links) {
      a.href = api.downloadPath('incidents', state.query(), a.dataset.format);
      a.setAttribute('download', downloadName('incidents', state.filter, a.dataset.format));
    }
  },

  _row(layer) {
    const { state, api } = this.options;
    const li = L.DomUtil.create('li', 'layer-row');
    li.dataset.layer = layer.id;
    const box = L.DomUtil.create('input', 'layer-checkbox', li);
    box.type = 'checkbox';
    box.id = `layer-toggle-${layer.id}`;
    box.checked = state.isVisible(layer.id);
    L.DomEvent.on(box, 'change', () => state.setVisible(layer.id, box.checked));
    const label = L.DomUtil.create('label', 'layer-label', li);
    label.htmlFor = box.id;
    label.append(swatch(layer.kind, layer.style));
    L.DomUtil.create('span', 'layer-title', label).textContent = layer.title || layer.id;
    if (layer.description) label.title = layer.description;
    const count = L.DomUtil.create('span', 'layer-count', li);
    count.textContent = layer.count ?? '';
    count.dataset.count = String(layer.count ?? '');
    count.setAttribute('aria-label', `${layer.count ?? 0} features`);
    const more = L.DomUtil.create('button', 'layer-download', li);
    more.type = 'button';
    more.setAttribute('aria-expanded', 'false');
    more.setAttribute('aria-label', `Download ${layer.title || layer.id}`);
    more.title = `Download ${layer.title || layer.id} as GeoJSON, CSV or KML`;
    L.DomUtil.create('span', 'layer-download-icon', more).setAttribute('aria-hidden', 'true');
    const formats = L.DomUtil.create('div', 'layer-formats', li);
    formats.hidden = true;
    const links = FORMATS.map(([f, name]) => {
      const a = L.DomUtil.create('a', `layer-format layer-format-${f}`, formats);
      a.textContent = name;
      a.dataset.format = f;
      a.href = api.downloadPath(layer.id, {}, f);
      a.setAttribute('download', downloadName(layer.id, null, f));
      a.setAttribute('aria-label', `Download ${layer.title || layer.id} as ${name}`);
      return a;
    });
    L.DomEvent.on(more, 'click', () => {
      formats.hidden = !formats.hidden;
      more.setAttribute('aria-expanded', String(!formats.hidden));
    });
    this._rows.set(layer.id, { li, box, count, links });
    return li;
  },

  _tilesRow() {
    const row = L.DomUtil.create('div', 'tiles-row');
    const box = L.DomUtil.create('input', 'layer-checkbox', row);
    box.type = 'checkbox';
    box.id = 'layer-toggle-osm';
    L.DomEvent.on(box, 'change', () => this.options.onTiles && this.options.onTiles(box.checked));
    const label = L.DomUtil.create('label', 'layer-label', row);
    label.htmlFor = box.id;
    label.textContent = this.options.tilesLabel;
    return row;
  },
});
