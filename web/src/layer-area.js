// layer-area.js draws an area layer (countries, provinces, GBAO): fills
// that never take a click, so a click on land is a click on the map (it
// closes the details), and names that do: a name opens its area. The
// fills are painted on a canvas of the layer's own (Leaflet's L.Canvas in
// its pane): tens of thousands of vertices as SVG paths cost the browser
// far more to style, paint and reproject on every zoom than one bitmap,
// and nothing in them needs an element of its own. The geometry is
// fetched simplified for the zoom and finer on zooming in (layer-detail.js).
import L from 'leaflet';
import {
  FillCanvas, attributionOf, ensurePane, isSelected, titleOf,
} from './layer-common.js';
import { LabelLayer } from './layer-labels.js';
import { areaLabel, minZoomFor } from './label-place.js';
import { baseStyle, HIGHLIGHT, paneOf } from './style.js';
import {
  Detail, cullToView, dropIdleCanvas, setGeometry, targetBounds,
} from './layer-detail.js';

/** NAME_ZOOMS: the zoom range names show in, per layer (countries give way to provinces). */
const NAME_ZOOMS = { borders: [3, 8], provinces: [6, 12], gbao: [6, 10] };

/**
 * FOCUS are the countries the map is about (Afghanistan and the five
 * Central Asian states): named from the first zoom, whatever a world
 * map's label zoom (Natural Earth's) says of small Tajikistan.
 */
const FOCUS = new Set(['AFG', 'TJK', 'UZB', 'TKM', 'KGZ', 'KAZ']);

/** AreaLayer is one polygon collection. Options: collection, state, api. */
export const AreaLayer = L.Layer.extend({
  options: { collection: null, state: null, api: null },

  initialize(options) {
    L.setOptions(this, options);
    const c = this.options.collection;
    this.id = c.id;
    this._features = [];
    this._byId = new Map();
    this._opaque = c.id === 'borders';
    this._detail = new Detail({ collection: c, api: this.options.api, onRefine: (features) => this._refined(features) });
    this._renderer = new FillCanvas({ pane: paneOf(c.id) });
    this._geojson = L.geoJSON(null, {
      pane: paneOf(c.id), renderer: this._renderer, interactive: false, attribution: attributionOf(c), style: (f) => this._style(f),
      onEachFeature: (f, layer) => this._byId.set(String(f.id ?? ''), layer),
    });
    this._names = new LabelLayer({ pane: 'names' });
  },

  /** load fetches the features, simplified for zoom, and returns them. */
  async load(zoom) {
    const features = await this._detail.load(zoom);
    this._setData(features);
    return features;
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
    ensurePane(map, paneOf(this.id), { interactive: false });
    this._renderer.addTo(map);
    this._geojson.addTo(map);
    this._names.addTo(map);
    this.options.state.on('select', this._highlight, this);
    this._highlight();
    this._cull();
    this._scheduleRefine();
  },

  onRemove(map) {
    this.options.state.off('select', this._highlight, this);
    this._detail.stop();
    map.removeLayer(this._names);
    map.removeLayer(this._geojson);
    map.removeLayer(this._renderer);
  },

  getEvents() {
    return { zoomend: this._scheduleRefine, zoomanim: this._cullAnim, moveend: this._cull };
  },

  /** setTilesUnder tells the land layer whether map tiles are drawn below it. */
  setTilesUnder(on) {
    if (this.id !== 'borders') return;
    this._opaque = !on;
    this._geojson.setStyle((f) => this._style(f));
  },

  /** reveal brings a feature into view. */
  reveal(fid) {
    const layer = this._byId.get(String(fid));
    if (layer && this._map) this._map.flyToBounds(layer.getBounds(), { maxZoom: 8, duration: 0.6, padding: [40, 40] });
  },

  anchor(fid) {
    const layer = this._byId.get(String(fid));
    return layer ? layer.getBounds().getCenter() : null;
  },

  _style(f) {
    const s = baseStyle(this.options.collection.style);
    if (this._opaque) s.fillOpacity = 1;
    if (isSelected(this.options.state, this.id, f.id)) Object.assign(s, HIGHLIGHT);
    return s;
  },

  // The selected area is painted last, so its outline is not under a neighbour's.
  _highlight() {
    this._geojson.setStyle((f) => this._style(f));
    const sel = this.options.state.sel;
    const layer = sel && sel.layer === this.id && this._byId.get(sel.id);
    if (layer && this._map && this._geojson.hasLayer(layer)) layer.bringToFront();
  },

  _setData(features) {
    this._features = features;
    this._byId.clear();
    this._geojson.clearLayers();
    this._geojson.addData({ type: 'FeatureCollection', features });
    this._names.setLabels(this._labels(features));
    this._cull();
  },

  // Only the areas near the view are on the map (see layer-detail.js);
  // before a zoom animation ends, those near where it ends.
  _cull() {
    this._cullTo(this._map && this._map.getBounds());
  },

  _cullTo(bounds, opts) {
    if (!this._map) return;
    cullToView(bounds, this._geojson, this._byId.values(), (l) => l.setStyle(this._style(l.feature)), opts);
    dropIdleCanvas(this._map, this._renderer, this._geojson);
  },

  _cullAnim(e) {
    this._cullTo(targetBounds(this._map, e), { addBack: false });
  },

  _labels(features) {
    const [lo, hi] = NAME_ZOOMS[this.id] || [6, 12];
    const state = this.options.state;
    return features.map((f) => {
      const at = areaLabel(f);
      if (!at) return null;
      return {
        latlng: [at.lonlat[1], at.lonlat[0]], text: titleOf(f), maxZoom: hi,
        minZoom: this.id === 'borders' && FOCUS.has(f.properties && f.properties.iso_a3) ? lo : minZoomFor(f.properties, at.area, lo),
        className: `casmap-name-${this.id}`, title: `${titleOf(f)}: show details`,
        onClick: () => state.select({ layer: this.id, id: f.id }, { focus: true }),
      };
    }).filter(Boolean);
  },

  _scheduleRefine() {
    if (this._map) this._detail.schedule(this._map.getZoom());
  },

  // Finer geometry goes into the paths drawn; names stay where they are.
  _refined(features) {
    if (setGeometry(this._byId, features) >= 0) this._features = features;
    else this._setData(features);
    this._highlight();
  },
});
