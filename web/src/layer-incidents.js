// layer-incidents.js draws a loaded incident layer: one circle per
// incident (hue: category; fill: confidence; size: fatalities), folded into
// numbered clusters where they crowd, and for each incident drawn on its
// own a grey ring as wide as its location is uncertain. It draws what its
// model (incidents-model.js) selects.
import L from 'leaflet';
import 'leaflet.markercluster';
import {
  attributionOf, ensurePane, isSelected, makeFocusable, textSpan, titleOf,
} from './layer-common.js';
import { HIGHLIGHT, PRECISION, incidentStyle, precisionStyle } from './style.js';

// ClusterIcon is Leaflet's div icon with an accessible name: the marker
// makes its element a focusable button, and a bare count is no name.
const ClusterIcon = L.DivIcon.extend({
  createIcon(oldIcon) {
    const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
    div.setAttribute('aria-label', this.options.label);
    return div;
  },
});

function clusterIcon(c) {
  const n = c.getChildCount();
  const size = n < 10 ? 30 : n < 50 ? 36 : 42;
  return new ClusterIcon({
    label: `${n} incidents here; select to zoom in`,
    html: textSpan(String(n), 'casmap-cluster-count'),
    className: `casmap-cluster casmap-cluster-${n < 10 ? 's' : n < 50 ? 'm' : 'l'}`,
    iconSize: L.point(size, size),
  });
}

/** IncidentLayer draws a LocalIncidents model. Options: collection, state, model. */
export const IncidentLayer = L.Layer.extend({
  options: { collection: null, state: null, model: null },

  initialize(options) {
    L.setOptions(this, options);
    this.id = this.options.collection.id;
    this._byId = new Map();
    this._rings = new Map();
    this._cluster = L.markerClusterGroup({
      clusterPane: 'incidents', attribution: attributionOf(this.options.collection), maxClusterRadius: 36,
      disableClusteringAtZoom: 8, showCoverageOnHover: false, spiderfyOnMaxZoom: true, chunkedLoading: true,
      iconCreateFunction: clusterIcon,
    });
    this._precision = L.layerGroup([], { pane: 'precision' });
  },

  onAdd(map) {
    ensurePane(map, 'incidents');
    ensurePane(map, 'precision', { interactive: false });
    this._cluster.addTo(map);
    this._precision.addTo(map);
    this.options.model.on('change', this._draw, this);
    this.options.state.on('select', this._highlight, this);
    this._cluster.on('animationend spiderfied unspiderfied', this._syncRings, this);
    if (this.options.model.last) this._draw(this.options.model.last);
  },

  onRemove(map) {
    this.options.model.off('change', this._draw, this);
    this.options.state.off('select', this._highlight, this);
    this._cluster.off('animationend spiderfied unspiderfied', this._syncRings, this);
    map.removeLayer(this._cluster);
    map.removeLayer(this._precision);
  },

  getEvents() {
    return { zoomend: this._syncRings, moveend: this._syncRings };
  },

  feature(fid) {
    return this.options.model.feature(fid);
  },

  /** reveal zooms to an incident out of its cluster. */
  reveal(fid) {
    const m = this._byId.get(String(fid));
    if (m && this._map) this._cluster.zoomToShowLayer(m, () => this._highlight());
  },

  anchor(fid) {
    const m = this._byId.get(String(fid));
    return m ? m.getLatLng() : null;
  },

  /** markerElement is the drawn circle of an incident, if it is drawn on its own. */
  markerElement(fid) {
    const m = this._byId.get(String(fid));
    return m && this._map && this._map.hasLayer(m) ? m.getElement() : null;
  },

  _marker(f) {
    const fid = String(f.id ?? '');
    const [lng, lat] = f.geometry.coordinates;
    const m = L.circleMarker([lat, lng], { ...incidentStyle(f.properties || {}), pane: 'incidents' });
    m.feature = f;
    const open = () => this.options.state.select({ layer: this.id, id: fid });
    m.on('click', (e) => {
      L.DomEvent.stop(e);
      open();
    });
    makeFocusable(m, `${titleOf(f)} (${this.options.collection.title || this.id})`, open);
    m.on('add', () => {
      const el = m.getElement();
      if (el) el.dataset.id = fid;
    });
    m.bindTooltip(textSpan(titleOf(f)), { sticky: true, className: 'casmap-hover' });
    return m;
  },

  _draw({ features }) {
    this._byId.clear();
    this._rings.clear();
    this._precision.clearLayers();
    this._cluster.clearLayers();
    const markers = features.filter((f) => f.geometry && f.geometry.type === 'Point').map((f) => {
      const m = this._marker(f);
      this._byId.set(String(f.id), m);
      return m;
    });
    this._cluster.addLayers(markers);
    this._highlight();
    this._syncRings();
  },

  // Rings show only for incidents drawn on their own, not folded into a cluster.
  _syncRings() {
    if (!this._map) return;
    const want = new Set();
    for (const m of this._byId.values()) {
      if (!this._map.hasLayer(m)) continue;
      const p = m.feature.properties || {};
      if (!(PRECISION[p.precision] && PRECISION[p.precision].m)) continue;
      if (!this._rings.has(m)) this._rings.set(m, L.circle(m.getLatLng(), { ...precisionStyle(p.precision), pane: 'precision' }));
      want.add(this._rings.get(m));
    }
    for (const r of this._precision.getLayers()) if (!want.has(r)) this._precision.removeLayer(r);
    for (const r of want) if (!this._precision.hasLayer(r)) this._precision.addLayer(r);
    this.options.state.fire('marks');
  },

  _highlight() {
    for (const [fid, m] of this._byId) {
      const base = incidentStyle(m.feature.properties || {});
      m.setStyle(isSelected(this.options.state, this.id, fid) ? { ...base, ...HIGHLIGHT } : base);
    }
    const sel = this.options.state.sel;
    const m = sel && sel.layer === this.id && this._byId.get(sel.id);
    if (m && this._map && this._map.hasLayer(m)) m.bringToFront();
  },
});
