// layer-area.js draws an area layer (countries, provinces, GBAO): fills
// that never take a click, so a click on land is a click on the map (it
// closes the details), and names that do: a name opens its area. The
// server simplifies the geometry for the zoom it was fetched at; zooming
// in past it fetches finer geometry, zooming out never does.
import L from 'leaflet';
import { attributionOf, ensurePane, isSelected, titleOf } from './layer-common.js';
import { LabelLayer } from './layer-labels.js';
import { areaLabel, minZoomFor } from './label-place.js';
import { baseStyle, HIGHLIGHT, paneOf } from './style.js';
import { detailFor, refetchDetail, simplifies, zoomParam } from './detail-zoom.js';

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
    this._detail = null;
    this._geojson = L.geoJSON(null, {
      pane: paneOf(c.id), interactive: false, attribution: attributionOf(c), style: (f) => this._style(f),
      onEachFeature: (f, layer) => this._byId.set(String(f.id ?? ''), layer),
    });
    this._names = new LabelLayer({ pane: 'names' });
  },

  /** load fetches the features, simplified for zoom, and returns them. */
  async load(zoom) {
    const c = this.options.collection;
    const at = simplifies(c) ? detailFor(zoom) : null;
    const fc = await this.options.api.items(c, { zoom: at === null ? undefined : zoomParam(at) });
    this._detail = at;
    this._setData(fc.features);
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
    ensurePane(map, paneOf(this.id), { interactive: false });
    this._geojson.addTo(map);
    this._names.addTo(map);
    this.options.state.on('select', this._highlight, this);
    this._highlight();
    this._scheduleRefine();
  },

  onRemove(map) {
    this.options.state.off('select', this._highlight, this);
    clearTimeout(this._timer);
    if (this._pending) this._pending.abort();
    this._pending = null;
    map.removeLayer(this._names);
    map.removeLayer(this._geojson);
  },

  getEvents() {
    return { zoomend: this._scheduleRefine };
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

  _highlight() {
    this._geojson.setStyle((f) => this._style(f));
  },

  _setData(features) {
    this._features = features;
    this._byId.clear();
    this._geojson.clearLayers();
    this._geojson.addData({ type: 'FeatureCollection', features });
    this._names.setLabels(this._labels(features));
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

  // Zooming in past the detail fetched asks for finer geometry; what is
  // in flight for another zoom is dropped.
  _scheduleRefine() {
    clearTimeout(this._timer);
    this._timer = setTimeout(() => this._refine(), 250);
  },

  _refine() {
    if (!this._map || this._detail === null) return;
    const need = refetchDetail(this._detail, this._map.getZoom());
    if (this._pending && this._pending.detail === need) return;
    if (this._pending) this._pending.abort();
    this._pending = null;
    if (need === null) return;
    const ctl = new AbortController();
    ctl.detail = need;
    this._pending = ctl;
    this.options.api.items(this.options.collection, { zoom: zoomParam(need), signal: ctl.signal }).then((fc) => {
      if (this._pending !== ctl) return;
      this._detail = need;
      this._setData(fc.features);
      this._highlight();
    }).catch(() => {}).finally(() => {
      if (this._pending === ctl) this._pending = null;
    });
  },
});
