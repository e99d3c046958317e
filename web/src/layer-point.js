// layer-point.js draws a point layer of named places (capitals, cities,
// crossings): a small circle and a name each, both in the places pane, so
// incidents, drawn above, are never covered by them. Which names show
// depends on the zoom: capitals first, then cities, then the rest.
import L from 'leaflet';
import { attributionOf, ensurePane, isSelected, textSpan, titleOf } from './layer-common.js';
import { HIGHLIGHT, paneOf, placeStyle } from './style.js';

/** PointLayer is one point collection. Options: collection, state, api. */
export const PointLayer = L.Layer.extend({
  options: { collection: null, state: null, api: null },

  initialize(options) {
    L.setOptions(this, options);
    const c = this.options.collection;
    this.id = c.id;
    this._features = [];
    this._byId = new Map();
    const pane = paneOf(c.id);
    this._geojson = L.geoJSON(null, {
      pane,
      attribution: attributionOf(c),
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { ...this._style(f), pane }),
      onEachFeature: (f, layer) => {
        const fid = String(f.id ?? '');
        this._byId.set(fid, layer);
        layer.on('click', (e) => {
          L.DomEvent.stop(e);
          this.options.state.select({ layer: this.id, id: fid });
        });
        layer.bindTooltip(textSpan(titleOf(f)), {
          permanent: true, direction: 'right', offset: [6, 0], pane,
          className: `casmap-label casmap-label-${(f.properties && f.properties.kind) || 'other'}`,
        });
      },
    });
  },

  async load() {
    const fc = await this.options.api.items(this.options.collection);
    this._features = fc.features;
    this._byId.clear();
    this._geojson.clearLayers();
    this._geojson.addData(fc);
    return fc.features;
  },

  features() {
    return this._features;
  },

  feature(fid) {
    return this._features.find((f) => String(f.id) === String(fid)) || null;
  },

  counts() {
    return { shown: this._features.length, total: this._features.length };
  },

  onAdd(map) {
    ensurePane(map, paneOf(this.id));
    this._geojson.addTo(map);
    this.options.state.on('select', this._highlight, this);
    this._zoomClasses();
    this._highlight();
  },

  onRemove(map) {
    this.options.state.off('select', this._highlight, this);
    map.removeLayer(this._geojson);
  },

  getEvents() {
    return { zoomend: this._zoomClasses };
  },

  reveal(fid) {
    const layer = this._byId.get(String(fid));
    if (layer && this._map) this._map.flyTo(layer.getLatLng(), Math.max(this._map.getZoom(), 8), { duration: 0.6 });
  },

  anchor(fid) {
    const layer = this._byId.get(String(fid));
    return layer ? layer.getLatLng() : null;
  },

  _style(f) {
    const s = placeStyle(f.properties || {}, this.options.collection.style);
    return isSelected(this.options.state, this.id, f.id) ? { ...s, ...HIGHLIGHT } : s;
  },

  _highlight() {
    for (const layer of this._geojson.getLayers()) layer.setStyle(this._style(layer.feature));
  },

  _zoomClasses() {
    const z = this._map.getZoom();
    const c = this._map.getContainer();
    L.DomUtil[z >= 4 ? 'addClass' : 'removeClass'](c, 'labels-capitals');
    L.DomUtil[z >= 6 ? 'addClass' : 'removeClass'](c, 'labels-cities');
    L.DomUtil[z >= 8 ? 'addClass' : 'removeClass'](c, 'labels-all');
  },
});
