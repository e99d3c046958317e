// main.js boots the page: the map, its controls and layers, and the wiring
// between them and the URL. Every other module does one job; this one only
// connects them.
import L from 'leaflet';
import { bboxParam, createApi, createBanner } from './api.js';
import { createDataLayer, titleOf } from './layers.js';
import { createScaleLayer, isLarge } from './scale-layer.js';
import { LayerPanel } from './control-layers.js';
import { createIncidentFilters } from './control-filters.js';
import { createDetails } from './details.js';
import { SearchBox, indexEntry } from './search.js';
import { parseHash, formatHash } from './url-state.js';
import { countBy, emptyFilter, isEmpty, kmOf, toQuery } from './filters.js';
import { INFRA_LAYERS, LAYER_ORDER } from './style.js';
import { asOfDay } from './status.js';
import { createStatusLegend } from './control-status.js';
import { createDownloadView } from './control-download-view.js';
import { ViewSummary } from './control-summary.js';
import { detailFor, refetchDetail, simplifies, zoomParam } from './detail-zoom.js';

/** REGION is Afghanistan and the five Central Asian states. */
const REGION = L.latLngBounds([29, 52], [48, 81]);

const OSM = {
  url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
};

function setPageState(state) {
  document.documentElement.dataset.casmapState = state;
}

function orderCollections(list) {
  const rank = (c) => {
    const i = LAYER_ORDER.indexOf(c.id);
    return i < 0 ? LAYER_ORDER.length : i;
  };
  return [...list].sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}

function itemCount(c) {
  const n = c.itemCount ?? c.count ?? c.numberMatched;
  return Number.isFinite(n) ? n : null;
}

function labelZoomClasses(map) {
  const z = map.getZoom();
  const c = map.getContainer().classList;
  c.toggle('labels-capitals', z >= 4);
  c.toggle('labels-cities', z >= 6);
  c.toggle('labels-all', z >= 8);
}

async function boot() {
  setPageState('loading');
  const banner = createBanner(document.getElementById('banner'));
  const api = createApi({ banner });
  const initial = parseHash(window.location.hash);

  const mapEl = document.getElementById('map');
  const map = L.map(mapEl, { zoomControl: false, minZoom: 3, maxZoom: 14, zoomSnap: 0.25, keyboard: true });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">Leaflet</a>');
  if (initial.view) map.setView([initial.view.lat, initial.view.lng], initial.view.zoom);
  else map.fitBounds(REGION);
  L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
  labelZoomClasses(map);
  map.on('zoomend', () => labelZoomClasses(map));

  const layers = new Map();
  const state = { filter: initial.filter || emptyFilter(), sel: null };
  let tiles = null;
  let applying = false;

  const writeHash = (push) => {
    if (applying) return;
    const c = map.getCenter();
    const hash = formatHash({
      view: { zoom: map.getZoom(), lat: c.lat, lng: c.lng },
      layers: [...layers.values()].filter((l) => l.isVisible()).map((l) => l.id),
      filter: state.filter,
      sel: state.sel,
    });
    if (hash === window.location.hash) return;
    if (push) window.history.pushState(null, '', hash);
    else window.history.replaceState(null, '', hash);
  };

  const details = createDetails(document.getElementById('details'), {
    onClose: () => {
      clearSelection();
      writeHash(true);
    },
  });

  function clearSelection() {
    if (state.sel && layers.has(state.sel.layer)) layers.get(state.sel.layer).deselect();
    state.sel = null;
  }

  // keepClear pans the map when a selected feature sits under the details
  // panel (the side panel, or the bottom sheet on a phone).
  function keepClear(latlng) {
    if (!latlng) return;
    const panel = document.getElementById('details').getBoundingClientRect();
    const box = mapEl.getBoundingClientRect();
    const p = map.latLngToContainerPoint(latlng);
    const pad = 40;
    if (panel.width >= box.width - 1) {
      const top = panel.top - box.top;
      if (p.y > top - pad || p.y < pad) map.panBy([0, p.y - top / 2]);
    } else {
      const right = panel.right - box.left;
      if (p.x < right + pad || p.x > box.width - pad) map.panBy([p.x - (right + (box.width - right) / 2), 0]);
    }
  }

  function select(layerId, fid, { push = true, reveal = false, focus = true } = {}) {
    const layer = layers.get(layerId);
    const feature = layer && layer.feature(fid);
    if (!feature) return false;
    // Read focus first: highlighting moves the SVG element, which drops it.
    const opener = document.activeElement;
    clearSelection();
    state.sel = { layer: layerId, id: String(fid) };
    if (reveal && !layer.isVisible()) setVisible(layerId, true);
    layer.select(fid, { reveal });
    details.show(layer.collection, feature, { focus, opener, asOf: asOfDay(state.filter) });
    if (reveal) map.once('moveend', () => keepClear(layer.anchor(fid)));
    // A clicked line or area is already in view where it was clicked; only
    // a point can hide wholly under the panel.
    else if (focus) keepClear(layer.anchor(fid, { pointsOnly: true }));
    writeHash(push);
    return true;
  }

  function setVisible(id, on) {
    const layer = layers.get(id);
    if (!layer) return;
    if (on) layer.show();
    else layer.hide();
    panel.setChecked(id, on);
    if (on) scheduleDetail();
  }

  // Borders and GBAO come simplified for the zoom they were fetched at
  // (detail, per layer id); zooming in past it fetches a visible one again
  // in more detail and swaps its geometries in. Zooming out never does.
  const detail = new Map();
  const refining = new Map();
  let detailTimer = 0;
  function refineDetail() {
    for (const [id, fetchedAt] of detail) {
      const layer = layers.get(id);
      const need = layer.isVisible() ? refetchDetail(fetchedAt, map.getZoom()) : null;
      const pending = refining.get(id);
      if (pending && pending.detail === need) continue;
      // What is in flight is for another zoom: nobody waits for it.
      if (pending) {
        pending.abort();
        refining.delete(id);
      }
      if (need === null) continue;
      const ctl = new AbortController();
      ctl.detail = need;
      refining.set(id, ctl);
      api.items(layer.collection, { zoom: zoomParam(need), signal: ctl.signal }).then((fc) => {
        if (refining.get(id) !== ctl) return;
        detail.set(id, need);
        // Same features, finer geometries: styles, handlers and the
        // selection are made again by setData; the counts stay.
        layer.setData(fc);
      }).catch(() => {
        // Aborted, or the banner says what failed: the coarser data stays.
      }).finally(() => {
        if (refining.get(id) === ctl) refining.delete(id);
      });
    }
  }
  function scheduleDetail() {
    clearTimeout(detailTimer);
    detailTimer = setTimeout(refineDetail, 250);
  }
  map.on('zoomend', scheduleDetail);

  // The ids near what the proximity filter names, per "near|km": the
  // server computes them once; the other filters apply here.
  const nearCache = new Map();
  let filterRun = 0;
  async function nearSet(f) {
    if (!f.near) return null;
    const key = `${f.near}|${kmOf(f)}`;
    if (!nearCache.has(key)) {
      const pending = api.nearIds('incidents', f.near, kmOf(f));
      nearCache.set(key, pending);
      pending.catch(() => nearCache.delete(key));
    }
    return nearCache.get(key);
  }

  function viewHref(format) {
    const b = map.getBounds();
    const bbox = bboxParam({ west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() });
    return api.downloadPath('incidents', { ...toQuery(state.filter), bbox, f: format });
  }

  // applyFilter shows the incidents that pass f, the infrastructure as of
  // the end of its date range, and every count, link and text that follows.
  async function applyFilter(f) {
    state.filter = { ...f };
    const run = ++filterRun;
    const asOf = asOfDay(state.filter);
    for (const id of INFRA_LAYERS) {
      const layer = layers.get(id);
      if (!layer || !layer.totalCount()) continue;
      layer.setAsOf(asOf);
      panel.setCount(id, layer.shownCount(), layer.totalCount());
    }
    statusLegend.setAsOf(asOf);
    if (state.sel && INFRA_LAYERS.includes(state.sel.layer) && details.current()) {
      const layer = layers.get(state.sel.layer);
      const feature = layer.feature(state.sel.id);
      if (feature) details.show(layer.collection, feature, { focus: false, asOf });
    }
    const inc = layers.get('incidents');
    if (!inc) return;
    let near = null;
    // A large layer asks the server with near itself, view by view.
    filters.setBusy(Boolean(state.filter.near) && !inc.loadsItself);
    try {
      if (!inc.loadsItself) near = await nearSet(state.filter);
    } catch {
      // The banner says what failed; show the other filters' result.
    }
    if (run !== filterRun) return;
    filters.setBusy(false);
    inc.setFilter(state.filter, near);
    filters.setAllowed(near);
    // A large layer reports its counts when its view loads (showCounts).
    if (inc.loadsItself) {
      panel.setDownload('incidents', api.downloadPath('incidents', toQuery(state.filter)), !isEmpty(state.filter));
      downloadView.setHref(viewHref);
      mapEl.dataset.filtered = String(run);
      return;
    }
    const shown = inc.shownCount();
    panel.setCount('incidents', shown, inc.totalCount());
    panel.setDownload('incidents', api.downloadPath('incidents', toQuery(state.filter)), !isEmpty(state.filter));
    filters.setSummary(shown, inc.totalCount(), state.filter);
    filters.setCategoryCounts(countBy(inc.shownFeatures(), 'category'));
    downloadView.setHref(viewHref);
    const text = `${filters.describe(state.filter)}: ${isEmpty(state.filter) ? shown : `${shown} of ${inc.totalCount()}`} shown`;
    summary.update({ text, asOf });
    mapEl.dataset.filtered = String(run);
  }

  const statusLegend = createStatusLegend();
  const downloadView = createDownloadView();
  const summary = new ViewSummary();
  const filters = createIncidentFilters({
    onChange: (f) => {
      applyFilter(f);
      writeHash(true);
    },
  });

  let collections;
  try {
    collections = orderCollections(await api.collections());
  } catch {
    setPageState('error');
    mapEl.setAttribute('aria-busy', 'false');
    return;
  }

  // showCounts shows what a large layer's view holds: its numberMatched.
  const showCounts = (id, { shown, total, categories }) => {
    panel.setCount(id, shown, total);
    if (id !== 'incidents') return;
    filters.setSummary(shown, total, state.filter);
    filters.setCategoryCounts(categories);
    summary.update({ text: `${filters.describe(state.filter)}: ${shown} in view`, asOf: asOfDay(state.filter) });
  };
  for (const c of collections) {
    const onSelect = (layerId, fid) => select(layerId, fid);
    layers.set(c.id, isLarge(c)
      ? createScaleLayer(map, c, { api, onSelect, onCounts: (n) => showCounts(c.id, n) })
      : createDataLayer(map, c, { onSelect }));
  }
  const visibleAtStart = (id) => (initial.layers ? initial.layers.includes(id) : true);

  const panel = new LayerPanel(collections.map((c) => ({
    id: c.id,
    title: c.title,
    description: c.description,
    kind: c.geometryKind || c.geometry || '',
    style: c.style,
    count: itemCount(c),
    visible: visibleAtStart(c.id),
    downloadHref: api.downloadPath(c.id),
  })), {
    sections: [statusLegend.element, ...(layers.has('incidents') ? [filters.element, downloadView.element] : [])],
    onToggle: (id, on) => {
      setVisible(id, on);
      writeHash(true);
    },
    onTiles: (on) => {
      for (const l of layers.values()) l.setTilesUnder(on);
      if (on) {
        tiles = tiles || L.tileLayer(OSM.url, { attribution: OSM.attribution, maxZoom: 19 });
        tiles.addTo(map);
      } else if (tiles) {
        map.removeLayer(tiles);
      }
    },
  });

  const search = new SearchBox({
    onChoose: (entry) => select(entry.layer, entry.id, { reveal: true }),
  });
  search.addTo(map);
  L.control.zoom({ position: 'topleft' }).addTo(map);
  panel.addTo(map);
  summary.addTo(map);
  filters.setFilter(state.filter);
  statusLegend.setAsOf(asOfDay(state.filter));

  const searchEntries = new Map();
  const loads = collections.map(async (c) => {
    const layer = layers.get(c.id);
    try {
      // A large layer loads per view (start), not whole.
      // Polygon layers come simplified for the view's zoom (set above).
      const at = simplifies(c) ? detailFor(map.getZoom()) : null;
      let fc;
      if (layer.loadsItself) fc = { type: 'FeatureCollection', features: [] };
      else if (at === null) fc = await api.items(c);
      else {
        fc = await api.items(c, { zoom: zoomParam(at) });
        detail.set(c.id, at);
      }
      layer.setData(fc);
      if (c.id === 'incidents') {
        filters.setData(fc.features);
        await applyFilter(state.filter);
      } else {
        layer.setAsOf(asOfDay(state.filter));
        panel.setCount(c.id, layer.shownCount(), layer.totalCount());
      }
      if (layer.loadsItself) await layer.start();
      if (visibleAtStart(c.id)) layer.show();
      searchEntries.set(c.id, fc.features.map((f) => indexEntry(c, f, titleOf(f))));
      search.setEntries(LAYER_ORDER.concat([...searchEntries.keys()]).flatMap((id, i, all) => (
        all.indexOf(id) === i ? searchEntries.get(id) || [] : [])));
    } catch {
      panel.setError(c.id);
    }
  });
  await Promise.all(loads);
  // The view may have zoomed in while the layers loaded.
  scheduleDetail();

  if (initial.sel) select(initial.sel.layer, initial.sel.id, { push: false, reveal: !initial.view, focus: false });

  map.on('moveend', () => {
    writeHash(false);
    if (layers.has('incidents')) downloadView.setHref(viewHref);
  });
  map.on('click', () => {
    if (state.sel) {
      details.hide();
      clearSelection();
      writeHash(true);
    }
  });
  window.addEventListener('popstate', () => {
    const next = parseHash(window.location.hash);
    applying = true;
    try {
      if (next.view) {
        const c = map.getCenter();
        const moved = Math.abs(c.lat - next.view.lat) > 1e-4 || Math.abs(c.lng - next.view.lng) > 1e-4 || map.getZoom() !== next.view.zoom;
        if (moved) map.setView([next.view.lat, next.view.lng], next.view.zoom, { animate: false });
      }
      for (const id of layers.keys()) setVisible(id, next.layers ? next.layers.includes(id) : true);
      filters.setFilter(next.filter);
      applyFilter(next.filter);
      if (next.sel) {
        if (!state.sel || state.sel.layer !== next.sel.layer || state.sel.id !== next.sel.id) {
          select(next.sel.layer, next.sel.id, { push: false, focus: false });
        }
      } else if (state.sel) {
        details.hide();
        clearSelection();
      }
    } finally {
      applying = false;
    }
  });

  writeHash(false);
  mapEl.setAttribute('aria-busy', 'false');
  setPageState('ready');
}

boot().catch((err) => {
  setPageState('error');
  const el = document.getElementById('banner');
  if (el) {
    el.querySelector('.banner-text').textContent = `The map could not start: ${err && err.message ? err.message : err}`;
    el.hidden = false;
  }
  throw err;
});
