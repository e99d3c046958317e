// layer-point.js draws a point layer of named places (capitals, cities,
// crossings): a small circle and a name each, both in the places pane, so
// incidents, drawn above, are never covered by them. Which names show
// depends on the zoom: capitals first, then cities, then the rest. Names
// are label markers (layer-labels.js), not tooltips: a tooltip measures
// itself each time the map moves, which stalls zooming. A name covered by
// incident marks moves beside them (the state's 'marks' event says the
// marks changed).
import L from 'leaflet';
import { attributionOf, ensurePane, isSelected, titleOf } from './layer-common.js';
import { LabelLayer } from './layer-labels.js';
import { HIGHLIGHT, paneOf, placeStyle } from './style.js';

/** NAME_FROM is the zoom from which a place's name shows, by its kind. */
const NAME_FROM = { capital: 4, city: 6 };

/** AVOID selects the incident marks (clusters, circles) a place's name must not sit under. */
export const AVOID = '.leaflet-incidents-pane .casmap-cluster, .leaflet-incidents-pane path.casmap-incident';

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
      },
    });
    // Names step aside from the incident marks drawn above them.
    this._names = new LabelLayer({ pane, avoid: AVOID });
  },

  async load() {
    const fc = await this.options.api.items(this.options.collection);
    this._features = fc.features;
    this._byId.clear();
    this._geojson.clearLayers();
    this._geojson.addData(fc);
    this._names.setLabels(fc.features.filter((f) => f.geometry && f.geometry.type === 'Point').map((f) => {
      const kind = (f.properties && f.properties.kind) || 'other';
      const [lng, lat] = f.geometry.coordinates;
      return { latlng: [lat, lng], text: titleOf(f), minZoom: NAME_FROM[kind] ?? 8, className: `casmap-place-name casmap-place-name-${kind}` };
    }));
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
    this._names.addTo(map);
    this.options.state.on('select', this._highlight, this);
    this.options.state.on('marks', this._names.makeWay, this._names);
    this._highlight();
  },

  onRemove(map) {
    this.options.state.off('select', this._highlight, this);
    this.options.state.off('marks', this._names.makeWay, this._names);
    map.removeLayer(this._names);
    map.removeLayer(this._geojson);
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
});
