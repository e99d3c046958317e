// downloads.js names downloads by what they hold, and is the "Download"
// section of the panel: the filtered incidents, and the filtered incidents
// in the map's view, each as GeoJSON, CSV and KML.
import L from 'leaflet';
import { bboxParam } from './api.js';
import { downloadName } from './download-name.js';

export { downloadName };

const FORMATS = [['geojson', 'GeoJSON'], ['csv', 'CSV'], ['kml', 'KML']];

/** DownloadControl is the panel section. Options: state, api. */
export const DownloadControl = L.Control.extend({
  options: { position: 'panel', state: null, api: null, layer: 'incidents' },

  onAdd(map) {
    const root = L.DomUtil.create('section', 'download-view');
    root.setAttribute('aria-labelledby', 'download-heading');
    const h = L.DomUtil.create('h2', 'casmap-panel-heading', root);
    h.id = 'download-heading';
    h.textContent = 'Download incidents';
    this._links = [];
    for (const [scope, text] of [['filtered', 'With the filters'], ['view', 'With the filters, in the map’s view']]) {
      const row = L.DomUtil.create('div', 'download-row', root);
      L.DomUtil.create('span', 'download-row-label', row).textContent = text;
      const links = L.DomUtil.create('div', 'download-view-links', row);
      for (const [f, name] of FORMATS) {
        const a = L.DomUtil.create('a', `download-view-link download-${scope}-${f}${scope === 'view' ? ` download-view-${f}` : ''}`, links);
        a.textContent = name;
        a.dataset.format = f;
        a.dataset.scope = scope;
        a.setAttribute('aria-label', `Download the incidents ${scope === 'view' ? 'in view' : 'with the filters'} as ${name}`);
        this._links.push(a);
      }
    }
    L.DomUtil.create('p', 'legend-note', root).textContent = 'File names say the filters, the view and the day; each file holds up to 10,000 incidents.';
    this.options.state.on('filter', this._update, this);
    map.on('moveend', this._update, this);
    this._map = map;
    this._update();
    return root;
  },

  onRemove(map) {
    this.options.state.off('filter', this._update, this);
    map.off('moveend', this._update, this);
  },

  _update() {
    const { state, api, layer } = this.options;
    const b = this._map.getBounds();
    const bbox = bboxParam({ west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() });
    for (const a of this._links) {
      const view = a.dataset.scope === 'view';
      a.href = api.downloadPath(layer, view ? { ...state.query(), bbox } : state.query(), a.dataset.format);
      a.setAttribute('download', downloadName(layer, state.filter, a.dataset.format, { view }));
    }
  },
});
