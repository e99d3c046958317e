// layer-clusters.js draws a point layer too large to load whole (a million
// incidents): for each view it asks the server for what that view shows,
// its clusters below CLUSTER_BELOW_ZOOM and up to VIEW_LIMIT features from
// there on, and drops the answer to a view the map has left. It listens to
// the map and the filter only while it is on the map: an unchecked layer
// sends nothing.
import L from 'leaflet';
import { bboxParam, isAbort } from './api.js';
import { attributionOf, ensurePane, isSelected, textSpan, titleOf } from './layer-common.js';
import { categoryOf, HIGHLIGHT, incidentStyle } from './style.js';
import { toQuery } from './filters.js';

/** SCALE_THRESHOLD is the feature count above which a point layer is drawn per view. */
export const SCALE_THRESHOLD = 20000;
/** CLUSTER_BELOW_ZOOM is the zoom below which a large layer is drawn as server clusters. */
export const CLUSTER_BELOW_ZOOM = 11;
/** VIEW_LIMIT is the most features one view loads. */
export const VIEW_LIMIT = 5000;

/** isLarge reports whether a collection is too large to load whole. */
export function isLarge(collection) {
  const n = collection.itemCount ?? collection.count ?? collection.numberMatched;
  const kind = String(collection.geometryKind || collection.geometry || '').toLowerCase();
  return Number.isFinite(n) && n > SCALE_THRESHOLD && (kind === '' || kind.includes('point'));
}

/**
 * snapBBox grows a view outwards to whole cluster cells at zoom (cells are
 * 90/2^zoom degrees from -180/-90), so a small pan asks again for the same
 * cells rather than cutting through them.
 */
export function snapBBox({ west, south, east, north }, zoom) {
  const cell = 90 / 2 ** zoom;
  const down = (v, o) => Math.floor((v + o) / cell) * cell - o;
  const up = (v, o) => Math.ceil((v + o) / cell) * cell - o;
  return { west: down(west, 180), south: down(south, 90), east: up(east, 180), north: up(north, 90) };
}

function clusterDetails(props, zoomIn) {
  const box = L.DomUtil.create('div', 'casmap-scale-details');
  L.DomUtil.create('strong', '', box).textContent = `${props.count} incidents`;
  const list = L.DomUtil.create('ul', 'casmap-scale-categories', box);
  for (const [name, n] of Object.entries(props.categories || {}).sort((a, b) => b[1] - a[1])) {
    L.DomUtil.create('li', '', list).textContent = `${categoryOf(name).label || name}: ${n}`;
  }
  const btn = L.DomUtil.create('button', 'casmap-scale-zoom', box);
  btn.type = 'button';
  btn.textContent = 'Zoom in to see them';
  L.DomEvent.on(btn, 'click', zoomIn);
  return box;
}

// clusterIcon is the numbered circle of a cluster, sized by its count.
function clusterIcon(p) {
  const size = Math.round(22 + 8 * Math.log10(Math.max(1, p.count)));
  return L.divIcon({
    html: textSpan(String(p.count), 'casmap-scale-count'),
    className: `casmap-cluster casmap-cluster-${p.count < 10 ? 's' : p.count < 50 ? 'm' : 'l'} casmap-scale-cluster`,
    iconSize: [size, size],
  });
}

// dressCluster gives a cluster mark's element its count and accessible name.
function dressCluster(m) {
  const el = m.getElement();
  if (!el) return;
  const { count } = m.cluster.properties || {};
  el.dataset.count = String(count);
  el.setAttribute('aria-label', `${count} incidents here`);
  el.setAttribute('role', 'button');
}

/** ClusterLayer is a large point collection drawn per view. Options: collection, state, api. */
export const ClusterLayer = L.Layer.extend({
  options: { collection: null, state: null, api: null, debounceMs: 150 },

  initialize(options) {
    L.setOptions(this, options);
    this.id = this.options.collection.id;
    this._byId = new Map();
    this._ctl = null;
    this.view = { mode: 'none', features: [], matched: 0 };
  },

  onAdd(map) {
    ensurePane(map, 'incidents');
    this._group = L.layerGroup([], { attribution: attributionOf(this.options.collection) }).addTo(map);
    this._drawn = new Map();
    this._notice = L.DomUtil.create('div', 'casmap-scale-notice', map.getContainer());
    this._notice.setAttribute('role', 'status');
    this._notice.hidden = true;
    this.options.state.on('filter', this._schedule, this);
    this.options.state.on('select', this._highlight, this);
    this._load();
  },

  onRemove(map) {
    this.options.state.off('filter', this._schedule, this);
    this.options.state.off('select', this._highlight, this);
    clearTimeout(this._timer);
    if (this._ctl) this._ctl.abort();
    this._ctl = null;
    L.DomUtil.remove(this._notice);
    map.removeLayer(this._group);
    this._byId.clear();
    this._drawn.clear();
  },

  getEvents() {
    return { moveend: this._schedule };
  },

  /** ready resolves once the view in flight is drawn (or failed). */
  ready() {
    return this._loading || Promise.resolve();
  },

  feature(fid) {
    const m = this._byId.get(String(fid));
    return m ? m.feature : null;
  },

  reveal(fid, feature) {
    const m = this._byId.get(String(fid));
    const at = m ? m.getLatLng() : feature && feature.geometry && L.GeoJSON.coordsToLatLng(feature.geometry.coordinates);
    if (at && this._map) this._map.flyTo(at, Math.max(this._map.getZoom(), CLUSTER_BELOW_ZOOM), { duration: 0.6 });
  },

  anchor(fid) {
    const m = this._byId.get(String(fid));
    return m ? m.getLatLng() : null;
  },

  _schedule() {
    clearTimeout(this._timer);
    this._timer = setTimeout(() => this._load(), this.options.debounceMs);
  },

  _load() {
    this._loading = this._fetch();
    return this._loading;
  },

  async _fetch() {
    if (this._ctl) this._ctl.abort();
    const ctl = new AbortController();
    this._ctl = ctl;
    const map = this._map;
    const z = Math.max(0, Math.floor(map.getZoom()));
    const b = map.getBounds();
    const params = { ...toQuery(this.options.state.filter) };
    const clusters = z < CLUSTER_BELOW_ZOOM && !params.near;
    const box = { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() };
    params.bbox = bboxParam(clusters ? snapBBox(box, z) : box);
    if (clusters) params.zoom = z;
    else params.limit = VIEW_LIMIT;
    let body;
    try {
      body = await this.options.api.view(this.id, clusters ? 'clusters' : 'items', params, ctl.signal);
    } catch (err) {
      if (!isAbort(err)) this.fire('view', { error: true });
      return;
    }
    if (ctl.signal.aborted || !this._map) return;
    this._draw(body, clusters);
  },

  // A mark the last answer drew as well (the same cluster, or the same
  // incident) stays on the map: panning redraws only what came into view.
  // The cluster marks that left (all of them after a zoom, the cells
  // panned out of view after a drag) are moved to the new clusters (a
  // marker given a new div icon keeps its element), so the map changes
  // marks rather than making and dropping them.
  _draw(body, clusters) {
    const old = this._drawn;
    this._drawn = new Map();
    this._byId.clear();
    const fresh = [];
    const taken = new Set();
    for (const f of body.features) {
      let key = clusters ? `c|${JSON.stringify(f.geometry.coordinates)}|${JSON.stringify(f.properties)}` : `i|${f.id}`;
      while (taken.has(key)) key += '+';
      taken.add(key);
      const m = old.get(key);
      if (!m) {
        fresh.push([key, f]);
        continue;
      }
      old.delete(key);
      if (!clusters) this._byId.set(String(f.id ?? ''), m);
      this._drawn.set(key, m);
    }
    const spare = clusters ? [...old].filter(([k]) => k.startsWith('c|')) : [];
    for (const [key, f] of fresh) {
      let m;
      if (spare.length) {
        const [was, mark] = spare.pop();
        old.delete(was);
        m = mark;
        this._moveCluster(m, f);
      } else {
        m = clusters ? this._clusterMarker(f) : this._itemMarker(f);
        this._group.addLayer(m);
      }
      if (!clusters) this._byId.set(String(f.id ?? ''), m);
      this._drawn.set(key, m);
    }
    for (const m of old.values()) this._group.removeLayer(m);
    this._highlight();
    const matched = Number.isFinite(body.numberMatched) ? body.numberMatched : body.features.length;
    const truncated = !clusters && matched > body.features.length;
    this._notice.hidden = !truncated;
    this._notice.textContent = truncated ? `Showing ${body.features.length} of ${matched} incidents in view; zoom in to see the rest.` : '';
    this._map.getContainer().dataset.scaleMode = clusters ? 'clusters' : 'items';
    this.view = { mode: clusters ? 'clusters' : 'items', features: clusters ? [] : body.features, matched };
    this.fire('view', this.view);
    this.options.state.fire('marks');
  },

  _clusterMarker(f) {
    const [lng, lat] = f.geometry.coordinates;
    const m = L.marker([lat, lng], {
      pane: 'incidents', keyboard: true, title: '', icon: clusterIcon(f.properties || {}),
    });
    m.cluster = f;
    m.on('add', () => dressCluster(m));
    m.bindPopup(() => clusterDetails(m.cluster.properties || {}, () => this._zoomInto(m.cluster)));
    return m;
  },

  _moveCluster(m, f) {
    const [lng, lat] = f.geometry.coordinates;
    m.closePopup();
    m.cluster = f;
    m.setLatLng([lat, lng]);
    m.setIcon(clusterIcon(f.properties || {}));
    dressCluster(m);
  },

  _zoomInto(f) {
    const bb = f.properties && f.properties.bbox;
    if (Array.isArray(bb) && bb.length === 4) this._map.fitBounds([[bb[1], bb[0]], [bb[3], bb[2]]], { maxZoom: CLUSTER_BELOW_ZOOM, padding: [30, 30] });
    else this._map.setView(L.GeoJSON.coordsToLatLng(f.geometry.coordinates), this._map.getZoom() + 2);
  },

  _itemMarker(f) {
    const fid = String(f.id ?? '');
    const [lng, lat] = f.geometry.coordinates;
    const m = L.circleMarker([lat, lng], { ...incidentStyle(f.properties || {}), pane: 'incidents' });
    m.feature = f;
    m.bindTooltip(textSpan(titleOf(f)), { sticky: true, className: 'casmap-hover' });
    m.on('click', (e) => {
      L.DomEvent.stop(e);
      this.options.state.select({ layer: this.id, id: fid });
    });
    m.on('add', () => {
      const el = m.getElement();
      if (el) el.dataset.id = fid;
    });
    this._byId.set(fid, m);
    return m;
  },

  _highlight() {
    for (const [fid, m] of this._byId) {
      const base = incidentStyle(m.feature.properties || {});
      m.setStyle(isSelected(this.options.state, this.id, fid) ? { ...base, ...HIGHLIGHT } : base);
    }
  },
});
