// scale-layer.js draws a point layer too large to load whole (a million
// incidents): for each view it asks the server for what that view shows,
// the layer's clusters below CLUSTER_BELOW_ZOOM and up to VIEW_LIMIT of its
// features from there on, and drops the answer to a view the map has left.
// It offers the same methods as createDataLayer, so main.js drives both.
import L from 'leaflet';
import { bboxParam, isAbort } from './api.js';
import { escapeHtml, titleOf } from './layers.js';
import { categoryOf, incidentStyle, paneZ } from './style.js';
import { emptyFilter, toQuery } from './filters.js';

/** SCALE_THRESHOLD is the feature count above which a point layer is drawn per view. */
export const SCALE_THRESHOLD = 20000;
/** CLUSTER_BELOW_ZOOM is the zoom below which a large layer is drawn as server clusters. */
export const CLUSTER_BELOW_ZOOM = 11;
/** VIEW_LIMIT is the most features one view loads. */
export const VIEW_LIMIT = 5000;
const DEBOUNCE_MS = 150;

/** isLarge reports whether a collection is too large to load whole. */
export function isLarge(collection) {
  const n = collection.itemCount ?? collection.count ?? collection.numberMatched;
  const kind = String(collection.geometryKind || collection.geometry || '').toLowerCase();
  return Number.isFinite(n) && n > SCALE_THRESHOLD && (kind === '' || kind.includes('point'));
}

/**
 * snapBBox grows a view's {west, south, east, north} outwards to whole
 * cluster cells at zoom (cells are 90/2^zoom degrees from -180/-90), so a
 * small pan asks again for the same cells rather than cutting through
 * them.
 */
export function snapBBox({ west, south, east, north }, zoom) {
  const cell = 90 / 2 ** zoom;
  const down = (v, o) => Math.floor((v + o) / cell) * cell - o;
  const up = (v, o) => Math.ceil((v + o) / cell) * cell - o;
  return { west: down(west, 180), south: down(south, 90), east: up(east, 180), north: up(north, 90) };
}

function textEl(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  el.textContent = text;
  return el;
}

// clusterDetails is the popup of a cluster: its count and the count of
// each category in it, as text.
function clusterDetails(props) {
  const box = textEl('div', 'casmap-scale-details', '');
  box.append(textEl('strong', '', `${props.count} incidents`));
  const list = textEl('ul', 'casmap-scale-categories', '');
  const cats = Object.entries(props.categories || {}).sort((a, b) => b[1] - a[1]);
  for (const [name, n] of cats) list.append(textEl('li', '', `${categoryOf(name).label || name}: ${n}`));
  box.append(list, textEl('p', '', 'Zoom in to see them one by one.'));
  return box;
}

/**
 * createScaleLayer makes the map layer of a large point collection.
 * api is createApi's client; onSelect(layerId, featureId) is called when a
 * feature is clicked; onCounts({shown, total, categories, truncated}) after
 * each view loads, shown being how many match in the view.
 */
export function createScaleLayer(map, collection, { api, onSelect, onCounts = () => {} }) {
  const id = collection.id;
  const total = collection.itemCount ?? 0;
  const pane = map.getPane(id) || map.createPane(id);
  pane.style.zIndex = String(paneZ(id));
  const group = L.layerGroup([], { attribution: collection.attribution ? escapeHtml(collection.attribution) : undefined });
  const byId = new Map();
  let features = [];
  let filter = emptyFilter();
  let visible = false;
  let selected = null;
  let shown = 0;
  let controller = null;
  let timer = null;
  let settle = null;
  const notice = textEl('div', 'casmap-scale-notice', '');
  notice.setAttribute('role', 'status');
  notice.hidden = true;
  const NoticeControl = L.Control.extend({
    options: { position: 'bottomright' },
    onAdd: () => notice,
    onRemove: () => {},
  });
  const noticeControl = new NoticeControl();

  function drawClusters(body) {
    for (const f of body.features) {
      const p = f.properties || {};
      const [lng, lat] = f.geometry.coordinates;
      const radius = 8 + 4 * Math.log10(Math.max(1, p.count));
      const marker = L.circleMarker([lat, lng], {
        pane: id, radius, color: '#7a1f1f', weight: 1.5, fillColor: '#c0392b', fillOpacity: 0.55,
        className: 'casmap-scale-cluster',
      });
      marker.bindTooltip(textEl('span', 'casmap-scale-count', String(p.count)), {
        permanent: true, direction: 'center', className: 'casmap-scale-label', interactive: false,
      });
      marker.bindPopup(() => clusterDetails(p));
      marker.on('add', () => {
        const node = marker.getElement();
        if (!node) return;
        node.dataset.count = String(p.count);
        node.setAttribute('aria-label', `${p.count} incidents here`);
      });
      group.addLayer(marker);
    }
  }

  function drawItems(body) {
    for (const f of body.features) {
      const fid = String(f.id ?? '');
      const [lng, lat] = f.geometry.coordinates;
      const marker = L.circleMarker([lat, lng], { ...incidentStyle(f.properties || {}, collection.style || {}), pane: id });
      marker.feature = f;
      marker.bindTooltip(textEl('span', '', titleOf(f)), { sticky: true, className: 'casmap-hover' });
      marker.on('click', (e) => {
        L.DomEvent.stop(e);
        onSelect(id, fid);
      });
      byId.set(fid, marker);
      group.addLayer(marker);
    }
  }

  // load asks for what the current view shows and draws it, unless the
  // view moved on meanwhile (its request is then aborted).
  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const { signal } = controller;
    const z = Math.max(0, Math.floor(map.getZoom()));
    const b = map.getBounds();
    const params = { ...toQuery(filter) };
    const clusters = z < CLUSTER_BELOW_ZOOM && !params.near;
    const view = clusters
      ? snapBBox({ west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() }, z)
      : { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() };
    params.bbox = bboxParam(view);
    if (clusters) params.zoom = z;
    else params.limit = VIEW_LIMIT;
    let body;
    try {
      body = await api.view(id, clusters ? 'clusters' : 'items', params, signal);
    } catch (err) {
      if (!isAbort(err)) onCounts({ shown: 0, total, categories: {}, truncated: false, error: true });
      return;
    }
    if (signal.aborted) return;
    group.clearLayers();
    byId.clear();
    features = clusters ? [] : body.features;
    if (clusters) drawClusters(body);
    else drawItems(body);
    if (selected && byId.has(selected)) byId.get(selected).setStyle({ weight: 4, color: '#000' });
    shown = Number.isFinite(body.numberMatched) ? body.numberMatched : body.features.length;
    const truncated = !clusters && shown > body.features.length;
    notice.hidden = !truncated;
    notice.textContent = truncated ? `Showing ${body.features.length} of ${shown} incidents in view; zoom in to see the rest.` : '';
    const categories = {};
    for (const f of body.features) {
      const p = f.properties || {};
      if (clusters) for (const [k, n] of Object.entries(p.categories || {})) categories[k] = (categories[k] || 0) + n;
      else if (p.category) categories[p.category] = (categories[p.category] || 0) + 1;
    }
    map.getContainer().dataset.scaleMode = clusters ? 'clusters' : 'items';
    onCounts({ shown, total, categories, truncated });
    if (settle) settle();
  }

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(load, DEBOUNCE_MS);
  };
  map.on('moveend', schedule);

  return {
    id,
    collection,
    /** loadsItself tells main.js to call start() instead of loading every item. */
    loadsItself: true,
    /** start loads the first view and resolves once it is drawn (or failed). */
    start() {
      clearTimeout(timer);
      return new Promise((resolve) => {
        settle = resolve;
        load().finally(resolve);
      });
    },
    setData() {},
    features: () => features,
    shownFeatures: () => features,
    shownCount: () => shown,
    totalCount: () => total,
    isVisible: () => visible,
    show() {
      visible = true;
      if (!map.hasLayer(group)) group.addTo(map);
      noticeControl.addTo(map);
    },
    hide() {
      visible = false;
      if (map.hasLayer(group)) map.removeLayer(group);
      noticeControl.remove();
    },
    /** setFilter asks the server again with f; the proximity filter travels as near. */
    setFilter(f) {
      if (JSON.stringify(f) === JSON.stringify(filter)) return;
      filter = { ...f };
      schedule();
    },
    setAsOf() {},
    setTilesUnder() {},
    has: (fid) => byId.has(String(fid)),
    anchor(fid) {
      const m = byId.get(String(fid));
      return m ? m.getLatLng() : null;
    },
    feature: (fid) => (byId.has(String(fid)) ? byId.get(String(fid)).feature : null),
    select(fid, { reveal = false } = {}) {
      this.deselect();
      selected = String(fid);
      const m = byId.get(selected);
      if (!m) return;
      if (reveal) map.flyTo(m.getLatLng(), Math.max(map.getZoom(), CLUSTER_BELOW_ZOOM), { duration: 0.6 });
      m.setStyle({ weight: 4, color: '#000' });
    },
    deselect() {
      const m = selected && byId.get(selected);
      if (m) m.setStyle(incidentStyle(m.feature.properties || {}, collection.style || {}));
      selected = null;
    },
  };
}
