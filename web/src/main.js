// main.js only wires: the map, the shared state, the layers, the controls
// and the URL. Every other module does one job.
import L from 'leaflet';
import { createApi } from './api.js';
import { createBanner } from './banner.js';
import { AppState } from './state.js';
import { HashSync } from './hash-sync.js';
import { parseHash } from './url-state.js';
import { LAYER_ORDER } from './style.js';
import { layerFor } from './layer-kinds.js';
import { isLarge } from './layer-clusters.js';
import { LocalIncidents, RemoteIncidents } from './incidents-model.js';
import { DetailsPanel } from './details.js';
import { LayerPanel } from './control-layers.js';
import { LegendControl } from './control-legend.js';
import { TimelineControl } from './control-timeline.js';
import { FilterControl } from './control-filters.js';
import { DownloadControl } from './downloads.js';
import { ViewSummary } from './control-summary.js';
import { TableControl } from './control-table.js';
import { ExportControl } from './control-export.js';
import { SearchBox, indexEntry } from './search.js';
import { titleOf } from './layer-common.js';
import { citationOf } from './citation.js';
import { addEditing } from './editing.js';
import { worldCountryNames } from './country-names.js';
import { NameSpaceLayer } from './layer-name-space.js';
import { AVOID } from './layer-point.js';

/** REGION is Afghanistan and the five Central Asian states. */
const REGION = L.latLngBounds([29, 52], [48, 81]);
const OSM = {
  url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
};

const byId = (id) => document.getElementById(id);
const setPageState = (s) => { document.documentElement.dataset.casmapState = s; };

function ordered(list) {
  const rank = (c) => (LAYER_ORDER.includes(c.id) ? LAYER_ORDER.indexOf(c.id) : LAYER_ORDER.length);
  return [...list].sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}

function makeMap(initial) {
  const map = L.map(byId('map'), { zoomControl: false, minZoom: 3, maxZoom: 14, zoomSnap: 0.25, keyboard: true });
  // Plain text: a link in the credits line would be a touch target a few
  // pixels high on a phone.
  map.attributionControl.setPrefix('Leaflet');
  if (initial.view) map.setView([initial.view.lat, initial.view.lng], initial.view.zoom);
  else map.fitBounds(REGION);
  return map;
}

function addControls(map, {
  state, api, model, collections, layers, countryNames, hash,
}) {
  let osm = null;
  const search = new SearchBox({ onChoose: (e) => state.select({ layer: e.layer, id: e.id }, { reveal: true }) }).addTo(map);
  L.control.zoom({ position: 'topleft' }).addTo(map);
  new TableControl({ state, model, api, host: byId('table'), countryNames }).addTo(map);
  const panel = new LayerPanel({
    state, api,
    layers: collections.map((c) => ({
      id: c.id, title: c.title, description: c.description, kind: c.geometryKind || c.geometry || '', style: c.style,
      count: c.itemCount ?? null,
    })),
    onTiles: (on) => {
      if (layers.has('borders')) layers.get('borders').setTilesUnder(on);
      osm = osm || L.tileLayer(OSM.url, { attribution: OSM.attribution, maxZoom: 19 });
      map[on ? 'addLayer' : 'removeLayer'](osm);
    },
  }).addTo(map);
  let filters = null;
  if (collections.some((c) => c.id === 'incidents')) {
    new LegendControl({ state, model }).addTo(map);
    new TimelineControl({ state, model }).addTo(map);
    filters = new FilterControl({ state, model, countryNames }).addTo(map);
    new DownloadControl({ state, api }).addTo(map);
  }
  const describe = (f) => (filters ? filters.describe(f) : '');
  const summary = new ViewSummary({ state, model, describe }).addTo(map);
  L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
  new ExportControl({
    state, sheet: byId('print-sheet'), app: byId('app'),
    citation: () => citationOf({
      map, state, model, collections, layers, api, summary: summary.text(), permalink: hash.permalink(),
    }),
  }).addTo(map);
  return { search, panel };
}

async function loadAll({ map, state, model, collections, layers, panel, search }) {
  const entries = new Map();
  await Promise.all(collections.map(async (c) => {
    try {
      const features = c.id === 'incidents' ? await model.load() : await layers.get(c.id).load(map.getZoom());
      if (c.id !== 'incidents') state.fire('counts', { id: c.id, ...layers.get(c.id).counts() });
      entries.set(c.id, features.map((f) => indexEntry(c, f, titleOf(f))));
      search.setEntries(collections.flatMap((x) => entries.get(x.id) || []));
    } catch {
      panel.setError(c.id);
    }
  }));
}

async function boot() {
  setPageState('loading');
  const api = createApi({ banner: createBanner(byId('banner')) });
  const initial = parseHash(window.location.hash);
  const map = makeMap(initial);
  let collections;
  try {
    collections = ordered(await api.collections());
  } catch {
    setPageState('error');
    byId('map').setAttribute('aria-busy', 'false');
    return;
  }
  const ids = collections.map((c) => c.id);
  const state = new AppState({ filter: initial.filter, visible: initial.layers ? ids.filter((id) => initial.layers.includes(id)) : ids, table: initial.table });
  const incidents = collections.find((c) => c.id === 'incidents') || { id: 'incidents', itemCount: 0 };
  const model = new (isLarge(incidents) ? RemoteIncidents : LocalIncidents)({ collection: incidents, state, api });
  const layers = new Map(collections.map((c) => [c.id, layerFor(c, { state, api, model })]));
  // Made before any layer is on the map, so it reads focus before a
  // highlight moves the selected element.
  new DetailsPanel({ root: byId('details'), state, layers, collections: new Map(collections.map((c) => [c.id, c])), api, map });
  model.on('change', (m) => state.fire('counts', { id: incidents.id, shown: m.matched, total: m.total }));
  const countryNames = worldCountryNames();
  const hash = new HashSync({ state, map, order: ids });
  const { search, panel } = addControls(map, {
    state, api, model, collections, layers, countryNames, hash,
  });
  state.on('visible', ({ id, on }) => {
    const layer = layers.get(id);
    if (layer) map[on ? 'addLayer' : 'removeLayer'](layer);
  });
  map.on('click', () => state.clearSelection());
  // The names of all layers, kept out of each other's way, inside the map
  // and out from under its controls, the details and table panels and the clusters.
  new NameSpaceLayer({
    avoid: AVOID, clusters: '.casmap-cluster', panels: '#details, #table', state,
  }).addTo(map);
  await loadAll({ map, state, model, collections, layers, panel, search });
  if (layers.has('borders')) for (const f of layers.get('borders').features()) countryNames[f.properties.iso_a3] = f.properties.name;
  state.fire('filter', { filter: state.filter, asOf: state.asOf(), push: false });
  for (const id of ids) if (state.isVisible(id)) map.addLayer(layers.get(id));
  if (layers.has('incidents') && layers.get('incidents').ready) await layers.get('incidents').ready();
  if (initial.sel) state.select(initial.sel, { reveal: !initial.view, focus: false, push: false });
  hash.write(false);
  await addEditing({ map, state, layers, collections });
  byId('map').setAttribute('aria-busy', 'false');
  setPageState('ready');
}

boot().catch((err) => {
  setPageState('error');
  const el = byId('banner');
  if (el) {
    el.querySelector('.banner-text').textContent = `The map could not start: ${err && err.message ? err.message : err}`;
    el.hidden = false;
  }
  throw err;
});
