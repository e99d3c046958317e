// layers.js turns one API collection into what the map draws: its own pane,
// one L.geoJSON with style, onEachFeature and pointToLayer; for incidents a
// cluster group, uncertainty circles and the filter; for TAPI and railways
// each section's status on the day shown.
import L from 'leaflet';
import 'leaflet.markercluster';
import {
  HIGHLIGHT, INFRA_LAYERS, PRECISION_M, UNCERTAINTY_PANE, categoryOf, featureStyle, incidentStyle, paneZ, placeStyle,
} from './style.js';
import { emptyFilter, matchesIncident } from './filters.js';
import { statusOn, today } from './status.js';

// ClusterIcon is Leaflet's div icon with an accessible name: the marker
// makes its element a focusable button, and a bare count is no name.
const ClusterIcon = L.DivIcon.extend({
  createIcon(oldIcon) {
    const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
    div.setAttribute('aria-label', this.options.label);
    return div;
  },
});

/** titleOf is the heading of a feature: its title, name or id. */
export function titleOf(feature) {
  const p = (feature && feature.properties) || {};
  return String(p.title || p.name || p.name_en || feature.id || 'Untitled');
}

/** escapeHtml makes text safe for the few Leaflet options that take HTML (attribution). */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function textNode(tag, className, text) {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
}

function ensurePane(map, name, zIndex) {
  const pane = map.getPane(name) || map.createPane(name);
  pane.style.zIndex = String(zIndex);
  return pane;
}

/**
 * createDataLayer makes the map layer for one collection. Nothing is drawn
 * until setData; show/hide add and remove it; onSelect(layerId, featureId)
 * is called when a feature is clicked.
 */
export function createDataLayer(map, collection, { onSelect }) {
  const id = collection.id;
  const style = collection.style || {};
  const isIncidents = id === 'incidents';
  const isPlaces = id === 'places';
  const isInfra = INFRA_LAYERS.includes(id);
  ensurePane(map, id, paneZ(id));
  if (isIncidents) ensurePane(map, UNCERTAINTY_PANE, paneZ(id) - 5).style.pointerEvents = 'none';

  const attribution = collection.attribution ? escapeHtml(collection.attribution) : undefined;
  const byId = new Map();
  let features = [];
  let filter = emptyFilter();
  // allowed: ids the proximity filter keeps (null: no proximity filter).
  let allowed = null;
  // asOf: the day TAPI and railway sections are drawn as of.
  let asOf = today();
  let visible = false;
  let selected = null;
  // With no tiles under it, the borders layer is the land: draw it opaque.
  let opaqueLand = id === 'borders';

  const styleFor = (feature) => {
    const props = feature.properties || {};
    if (isIncidents) return incidentStyle(props, style);
    if (isPlaces) return placeStyle(props, style);
    const s = featureStyle(id, props, style, isInfra ? statusOn(props, asOf) : null);
    if (opaqueLand) s.fillOpacity = 1;
    return s;
  };

  // Lines and incidents can be reached with Tab and opened with Enter or
  // Space. Leaflet makes a new SVG element each time a layer is added (as
  // clusters split and merge), so this runs on every add.
  const makeFocusable = (layer, fid) => {
    layer.on('add', () => {
      const node = layer.getElement && layer.getElement();
      if (!node) return;
      node.setAttribute('tabindex', '0');
      node.setAttribute('role', 'button');
      node.setAttribute('aria-label', `${titleOf(layer.feature)} (${collection.title || id})`);
      node.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          e.stopPropagation();
          onSelect(id, fid);
        }
      });
    });
  };

  const geojson = L.geoJSON(null, {
    pane: id,
    attribution: isIncidents ? undefined : attribution,
    style: styleFor,
    filter: (feature) => {
      if (isInfra) return statusOn(feature.properties || {}, asOf) !== 'not_yet_agreed';
      if (!isIncidents) return true;
      if (allowed && !allowed.has(String(feature.id ?? ''))) return false;
      return matchesIncident(feature.properties, filter);
    },
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, { ...styleFor(feature), pane: id }),
    onEachFeature: (feature, layer) => {
      const fid = String(feature.id ?? '');
      byId.set(fid, layer);
      layer.on('click', (e) => {
        L.DomEvent.stop(e);
        onSelect(id, fid);
      });
      if (!isPlaces && id !== 'borders' && id !== 'gbao') makeFocusable(layer, fid);
      if (isPlaces) {
        const p = feature.properties || {};
        layer.bindTooltip(textNode('span', '', titleOf(feature)), {
          permanent: true, direction: 'right', offset: [6, 0], className: `casmap-label casmap-label-${p.kind || 'other'}`,
        });
      } else if (id === 'tapi' || id === 'railways' || isIncidents) {
        layer.bindTooltip(textNode('span', '', titleOf(feature)), { sticky: true, className: 'casmap-hover' });
      }
    },
  });

  let cluster = null;
  let uncertainty = null;
  if (isIncidents) {
    cluster = L.markerClusterGroup({
      clusterPane: id,
      attribution,
      maxClusterRadius: 36,
      disableClusteringAtZoom: 8,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      chunkedLoading: true,
      iconCreateFunction: (c) => {
        const n = c.getChildCount();
        const el = textNode('span', 'casmap-cluster-count', String(n));
        return new ClusterIcon({
          label: `${n} incidents here; select to zoom in`,
          html: el,
          className: `casmap-cluster casmap-cluster-${n < 10 ? 's' : n < 50 ? 'm' : 'l'}`,
          iconSize: L.point(n < 10 ? 30 : n < 50 ? 36 : 42, n < 10 ? 30 : n < 50 ? 36 : 42),
        });
      },
    });
    uncertainty = L.layerGroup([], { pane: UNCERTAINTY_PANE });
  }

  const root = isIncidents ? L.layerGroup([uncertainty, cluster]) : geojson;

  // Uncertainty circles are made once per incident and shown only for
  // incidents drawn on their own, not folded into a cluster.
  const circles = new Map();
  function circleOf(layer) {
    if (circles.has(layer)) return circles.get(layer);
    const p = layer.feature.properties || {};
    const r = PRECISION_M[p.precision];
    let circle = null;
    if (r) {
      const color = categoryOf(p.category).color;
      circle = L.circle(layer.getLatLng(), {
        radius: r, pane: UNCERTAINTY_PANE, interactive: false, color, weight: 1, opacity: 0.6,
        dashArray: '3 4', fillColor: color, fillOpacity: 0.06, className: 'casmap-uncertainty',
      });
    }
    circles.set(layer, circle);
    return circle;
  }

  function syncUncertainty() {
    if (!uncertainty || !visible) return;
    const want = new Set();
    for (const layer of geojson.getLayers()) {
      const circle = circleOf(layer);
      // Unclustered incidents sit on the map themselves (getVisibleParent
      // only knows icon markers, not circle markers).
      if (circle && map.hasLayer(layer)) want.add(circle);
    }
    for (const c of uncertainty.getLayers()) if (!want.has(c)) uncertainty.removeLayer(c);
    for (const c of want) if (!uncertainty.hasLayer(c)) uncertainty.addLayer(c);
  }

  function rebuildIncidents() {
    circles.clear();
    uncertainty.clearLayers();
    cluster.clearLayers();
    cluster.addLayers(geojson.getLayers());
    syncUncertainty();
  }

  if (isIncidents) {
    map.on('zoomend moveend', syncUncertainty);
    cluster.on('animationend spiderfied unspiderfied', syncUncertainty);
  }

  function redraw() {
    byId.clear();
    geojson.clearLayers();
    geojson.addData({ type: 'FeatureCollection', features });
    if (isIncidents) rebuildIncidents();
    if (selected && byId.has(selected)) highlight(byId.get(selected));
  }

  function highlight(layer) {
    layer.setStyle(HIGHLIGHT);
    if (layer.bringToFront && map.hasLayer(layer)) layer.bringToFront();
  }

  return {
    id,
    collection,
    /** setData replaces the layer's features and redraws them. */
    setData(fc) {
      features = (fc && fc.features) || [];
      redraw();
    },
    features: () => features,
    /** shownCount is how many features pass the current filter. */
    shownCount: () => geojson.getLayers().length,
    /** shownFeatures are the features that pass the current filter. */
    shownFeatures: () => geojson.getLayers().map((l) => l.feature),
    totalCount: () => features.length,
    isVisible: () => visible,
    show() {
      visible = true;
      if (!map.hasLayer(root)) root.addTo(map);
      syncUncertainty();
    },
    hide() {
      visible = false;
      if (map.hasLayer(root)) map.removeLayer(root);
    },
    /**
     * setFilter applies an incident filter (other layers ignore it), with
     * the set of ids the server found near what f.near names, or null.
     */
    setFilter(f, near = null) {
      if (!isIncidents) return;
      // Unchanged (back/forward to the same filter): keep what is drawn,
      // and any cluster animation in flight.
      if (near === allowed && JSON.stringify(f) === JSON.stringify(filter)) return;
      filter = { ...f };
      allowed = near;
      redraw();
    },
    /** setAsOf draws TAPI and railway sections as they stood on day. */
    setAsOf(day) {
      if (!isInfra || day === asOf) return;
      asOf = day;
      // Classes are set when a path is made, so the paths are made again.
      redraw();
    },
    asOf: () => asOf,
    /** setTilesUnder tells a base layer whether map tiles are drawn below it. */
    setTilesUnder(on) {
      if (id !== 'borders' || opaqueLand === !on) return;
      opaqueLand = !on;
      geojson.setStyle(styleFor);
      if (selected && byId.has(selected)) highlight(byId.get(selected));
    },
    has: (fid) => byId.has(String(fid)),
    /** anchor is where a feature is on the map: its point or its bounds' centre. */
    anchor(fid, { pointsOnly = false } = {}) {
      const layer = byId.get(String(fid));
      if (!layer) return null;
      if (layer.getLatLng) return layer.getLatLng();
      return pointsOnly ? null : layer.getBounds().getCenter();
    },
    feature: (fid) => {
      const layer = byId.get(String(fid));
      return layer ? layer.feature : features.find((f) => String(f.id) === String(fid)) || null;
    },
    /** select highlights a feature and brings it into view if asked. */
    select(fid, { reveal = false } = {}) {
      this.deselect();
      selected = String(fid);
      const layer = byId.get(selected);
      if (!layer) return;
      if (reveal) {
        if (cluster && cluster.hasLayer(layer) && visible) {
          cluster.zoomToShowLayer(layer, () => highlight(layer));
          return;
        }
        if (layer.getLatLng) map.flyTo(layer.getLatLng(), Math.max(map.getZoom(), 8), { duration: 0.6 });
        else if (layer.getBounds) map.flyToBounds(layer.getBounds(), { maxZoom: 8, duration: 0.6, padding: [40, 40] });
      }
      highlight(layer);
    },
    deselect() {
      if (selected && byId.has(selected)) geojson.resetStyle(byId.get(selected));
      selected = null;
    },
  };
}
