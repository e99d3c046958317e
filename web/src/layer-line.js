// layer-line.js draws a line layer (TAPI, railways, power lines, rivers
// and lakes): each line takes clicks and Tab; infrastructure is drawn as it
// stood on the state's as-of day (sections not yet agreed are left out);
// rivers and lakes carry their names, turned along the river. Polygons in
// a line layer (lakes) take no click, their names do; they are painted on
// a canvas in a pane of their own under the lines (as area fills are, see
// layer-area.js).
import L from 'leaflet';
import {
  FillCanvas, attributionOf, ensurePane, isSelected, makeFocusable, textSpan, titleOf,
} from './layer-common.js';
import { LabelLayer } from './layer-labels.js';
import { areaLabel, lineLabels, minZoomFor } from './label-place.js';
import { featureStyle, HIGHLIGHT, INFRA_LAYERS, paneOf } from './style.js';
import { statusOn } from './status.js';
import {
  Detail, cullToView, dropIdleCanvas, setGeometry, targetBounds,
} from './layer-detail.js';

/** RIVER_NAMES_FROM is the zoom rivers are named from; RIVER_NAMES_PLACED_TO the last zoom their names are placed again for. */
const RIVER_NAMES_FROM = 5;
const RIVER_NAMES_PLACED_TO = 12;

const isArea = (f) => /Polygon/.test((f.geometry && f.geometry.type) || '');

/** FILL_PANE is the pane a line layer's polygons (lakes) are painted in. */
const FILL_PANE = 'lakes';

/** LineLayer is one line collection. Options: collection, state, api. */
export const LineLayer = L.Layer.extend({
  options: { collection: null, state: null, api: null },

  initialize(options) {
    L.setOptions(this, options);
    const c = this.options.collection;
    this.id = c.id;
    this._infra = INFRA_LAYERS.includes(c.id);
    this._features = [];
    this._byId = new Map();
    this._asOf = this.options.state.asOf();
    const kinds = String(c.geometryKind || c.geometry || '');
    this._fills = /Polygon/.test(kinds) ? new FillCanvas({ pane: FILL_PANE }) : null;
    this._geojson = L.geoJSON(null, {
      pane: paneOf(c.id),
      attribution: attributionOf(c),
      style: (f) => this._style(f),
      filter: (f) => !this._infra || statusOn(f.properties || {}, this._asOf) !== 'not_yet_agreed',
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { ...this._style(f), radius: 5, fillOpacity: 1, fillColor: '#fff' }),
      onEachFeature: (f, layer) => this._wire(f, layer),
    });
    this._names = new LabelLayer({ pane: 'names' });
    this._detail = new Detail({ collection: c, api: this.options.api, onRefine: (features) => this._refined(features) });
  },

  /** load fetches the features (geography simplified for zoom) and returns them. */
  async load(zoom) {
    this._features = await this._detail.load(zoom);
    this._redraw();
    this._name();
    return this._features;
  },

  features() {
    return this._features;
  },

  feature(fid) {
    return this._features.find((f) => String(f.id) === String(fid)) || null;
  },

  /** counts is how many features are drawn as of the day shown (infrastructure), of how many. */
  counts() {
    return { shown: this._infra ? this._geojson.getLayers().length : this._features.length, total: this._features.length };
  },

  onAdd(map) {
    ensurePane(map, paneOf(this.id));
    if (this._fills) {
      ensurePane(map, FILL_PANE, { interactive: false });
      this._fills.addTo(map);
    }
    this._geojson.addTo(map);
    this._names.addTo(map);
    this.options.state.on('filter', this._onFilter, this);
    this.options.state.on('select', this._highlight, this);
    this._onFilter();
    this._cull();
    this._scheduleRefine();
  },

  onRemove(map) {
    this.options.state.off('filter', this._onFilter, this);
    this.options.state.off('select', this._highlight, this);
    this._detail.stop();
    map.removeLayer(this._names);
    map.removeLayer(this._geojson);
    if (this._fills) map.removeLayer(this._fills);
  },

  getEvents() {
    if (!this._detail.simplified) return {};
    return { zoomend: this._scheduleRefine, zoomanim: this._cullAnim, moveend: this._cull };
  },

  _scheduleRefine() {
    if (this._map) this._detail.schedule(this._map.getZoom());
  },

  // Geography keeps only the lines near the view on the map (see layer-detail.js).
  _cull() {
    this._cullTo(this._map && this._map.getBounds());
  },

  _cullTo(bounds, opts) {
    if (!this._map || !this._detail.simplified) return;
    cullToView(bounds, this._geojson, this._byId.values(), (l) => l.setStyle && l.setStyle(this._style(l.feature)), opts);
    dropIdleCanvas(this._map, this._fills, this._geojson);
  },

  _cullAnim(e) {
    this._cullTo(targetBounds(this._map, e), { addBack: false });
  },

  // Finer geometry goes into the paths drawn; river names are placed on it again.
  _refined(features) {
    this._features = features;
    const changed = setGeometry(this._byId, features);
    if (changed < 0) this._redraw();
    if (changed !== 0) this._name();
    this._highlight();
  },

  reveal(fid) {
    const layer = this._byId.get(String(fid));
    if (!layer || !this._map) return;
    if (layer.getLatLng) this._map.flyTo(layer.getLatLng(), Math.max(this._map.getZoom(), 8), { duration: 0.6 });
    else this._map.flyToBounds(layer.getBounds(), { maxZoom: 8, duration: 0.6, padding: [40, 40] });
  },

  anchor(fid) {
    const layer = this._byId.get(String(fid));
    if (!layer) return null;
    return layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
  },

  _onFilter() {
    const day = this.options.state.asOf();
    if (this._infra && day !== this._asOf) {
      this._asOf = day;
      // Classes are set when a path is made, so the paths are made again.
      this._redraw();
    }
    this.options.state.fire('counts', { id: this.id, ...this.counts() });
  },

  _style(f) {
    const props = f.properties || {};
    const s = featureStyle(this.id, props, this.options.collection.style, this._infra ? statusOn(props, this._asOf) : null);
    if (isSelected(this.options.state, this.id, f.id)) Object.assign(s, HIGHLIGHT);
    return s;
  },

  _highlight() {
    this._geojson.setStyle((f) => this._style(f));
    const sel = this.options.state.sel;
    const layer = sel && sel.layer === this.id && this._byId.get(sel.id);
    if (layer && layer.bringToFront && this._map) layer.bringToFront();
  },

  _wire(f, layer) {
    const fid = String(f.id ?? '');
    this._byId.set(fid, layer);
    if (isArea(f)) {
      layer.options.interactive = false;
      if (this._fills) Object.assign(layer.options, { pane: FILL_PANE, renderer: this._fills });
      return;
    }
    const open = () => this.options.state.select({ layer: this.id, id: fid });
    layer.on('click', (e) => {
      L.DomEvent.stop(e);
      open();
    });
    makeFocusable(layer, `${titleOf(f)} (${this.options.collection.title || this.id})`, open);
    layer.bindTooltip(textSpan(titleOf(f)), { sticky: true, className: 'casmap-hover' });
  },

  _redraw() {
    this._byId.clear();
    this._geojson.clearLayers();
    this._geojson.addData({ type: 'FeatureCollection', features: this._features });
    this._cull();
  },

  // Names of rivers and lakes; other line layers are named by hover. A
  // river is named along its course, again every few hundred pixels at
  // each zoom, so its name is wherever the map shows it (placed for a zoom
  // when the map is first shown at it); a lake at its label point.
  _name() {
    if (this.id !== 'rivers') return;
    const state = this.options.state;
    const named = this._features.filter((f) => f.properties && f.properties.name);
    const base = (f) => ({ text: f.properties.name, onClick: () => state.select({ layer: this.id, id: f.id }), title: `${f.properties.name}: show details` });
    const lakes = named.filter(isArea).flatMap((f) => {
      const at = areaLabel(f);
      return at ? [{
        ...base(f), latlng: [at.lonlat[1], at.lonlat[0]], minZoom: minZoomFor(f.properties, at.area * 8, 4), className: 'casmap-name-lake',
      }] : [];
    });
    const rivers = named.filter((f) => !isArea(f));
    const atZoom = (z) => (z < RIVER_NAMES_FROM ? [] : rivers.flatMap((f) => lineLabels(f.geometry, { minZoom: z, maxZoom: z }).map((at) => ({
      ...base(f), latlng: [at.lonlat[1], at.lonlat[0]], angle: at.angle, className: 'casmap-name-river',
    }))));
    this._names.setLabels(lakes, { atZoom, maxAtZoom: RIVER_NAMES_PLACED_TO });
  },
});
