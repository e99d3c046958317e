// layer-detail.js fetches a polygon or geography layer simplified for the
// zoom (detail-zoom.js says which), and finer as the map zooms in past
// what it has; what is in flight for another detail is dropped. Finer
// geometry replaces the coarse in the layers already drawn, so a refine
// costs a redraw, not the making of every path and name again. And it
// keeps on the map only the paths near the view: Leaflet projects every
// path of a layer on every zoom, which at a province's detail is what
// stalls zooming.
import L from 'leaflet';
import {
  FULL, detailFor, refetchDetail, simplifies, zoomParam,
} from './detail-zoom.js';
import { INFRA_LAYERS } from './style.js';

const DEPTH = { LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2 };

// sameCoords reports whether two GeoJSON coordinate arrays hold the same numbers.
function sameCoords(a, b) {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b)) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameCoords(a[i], b[i])) return false;
  return true;
}

/**
 * setGeometry gives each drawn layer (byId: id -> L.Polyline or L.Polygon)
 * the geometry of the feature with its id, and returns how many changed
 * (a feature the finer answer has no more points for is not drawn again),
 * or -1 when a feature found no layer (the caller draws them afresh).
 */
export function setGeometry(byId, features) {
  if (features.length !== byId.size) return -1;
  const pairs = features.map((f) => [byId.get(String(f.id ?? '')), f]);
  if (pairs.some(([layer, f]) => !layer || !layer.setLatLngs || !f.geometry || !(f.geometry.type in DEPTH))) return -1;
  let changed = 0;
  for (const [layer, f] of pairs) {
    const same = layer.feature && layer.feature.geometry && layer.feature.geometry.type === f.geometry.type
      && sameCoords(layer.feature.geometry.coordinates, f.geometry.coordinates);
    layer.feature = f;
    if (same) continue;
    layer.setLatLngs(L.GeoJSON.coordsToLatLngs(f.geometry.coordinates, DEPTH[f.geometry.type]));
    changed++;
  }
  return changed;
}

// finest is the detail an answer fetched at detail gives: FULL when the
// server said none of its geometries was simplified, so that no closer
// zoom asks for the layer again (rivers and lakes are whole by zoom 9).
function finest(detail, fc) {
  return detail !== null && fc.whole ? FULL : detail;
}

/**
 * Detail loads one collection's features at the detail a zoom needs.
 * Options: collection, api, onRefine(features) called with finer features.
 */
export const Detail = L.Class.extend({
  options: { collection: null, api: null, onRefine: null, delayMs: 250 },

  initialize(options) {
    L.setOptions(this, options);
    this.detail = null;
    /** simplified says whether the collection is fetched per zoom (and culled to the view). */
    this.simplified = simplifies(this.options.collection, { except: INFRA_LAYERS });
  },

  /** load fetches the features at the detail zoom needs. */
  async load(zoom) {
    const at = this.simplified ? detailFor(zoom) : null;
    const fc = await this.options.api.items(this.options.collection, { zoom: at === null ? undefined : zoomParam(at) });
    this.detail = finest(at, fc);
    return fc.features;
  },

  /** schedule refines for zoom once the map has settled. */
  schedule(zoom) {
    clearTimeout(this._timer);
    this._timer = setTimeout(() => this._refine(zoom), this.options.delayMs);
  },

  /** stop drops the refine waiting or in flight. */
  stop() {
    clearTimeout(this._timer);
    if (this._pending) this._pending.abort();
    this._pending = null;
  },

  _refine(zoom) {
    if (this.detail === null) return;
    const need = refetchDetail(this.detail, zoom);
    if (this._pending && this._pending.detail === need) return;
    if (this._pending) this._pending.abort();
    this._pending = null;
    if (need === null) return;
    const ctl = new AbortController();
    ctl.detail = need;
    this._pending = ctl;
    this.options.api.items(this.options.collection, { zoom: zoomParam(need), signal: ctl.signal }).then((fc) => {
      if (this._pending !== ctl) return;
      this.detail = finest(need, fc);
      this.options.onRefine(fc.features);
    }).catch(() => {}).finally(() => {
      if (this._pending === ctl) this._pending = null;
    });
  },
});

/**
 * cullToView keeps in group only the layers whose bounds meet the view
 * (bounds, padded by half on each side), so a zoom projects and draws the
 * paths near what is shown, not the whole region's; restyle(layer) runs
 * on a layer put back, whose style may have changed while it was out.
 * With addBack false it only takes layers out: at the start of a zoom
 * animation a path put back would be projected for the zoom being left
 * and clipped to the old view, so it would show nothing until the zoom
 * ends and cost a projection twice.
 */
export function cullToView(bounds, group, layers, restyle, { addBack = true } = {}) {
  const near = bounds.pad(0.5);
  for (const layer of layers) {
    const b = layer.getBounds && layer.getLatLngs ? layer.getBounds() : null;
    const want = !b || !b.isValid() || near.intersects(b);
    const has = group.hasLayer(layer);
    if (want && !has && addBack) {
      restyle(layer);
      group.addLayer(layer);
    } else if (!want && has) {
      group.removeLayer(layer);
    }
  }
}

/**
 * dropIdleCanvas takes a fill canvas (renderer) off the map while group
 * draws none of its shapes near the view. A canvas costs the browser its
 * whole size in every frame, blank or not (it is copied to the compositor
 * and blended over the map), so an empty one zoomed past (GBAO, lakes)
 * made every frame of a pan dearer. Leaflet puts it back itself
 * (map.getRenderer) when the first of its shapes is added again.
 */
export function dropIdleCanvas(map, renderer, group) {
  if (!renderer || !map.hasLayer(renderer)) return;
  if (!group.getLayers().some((l) => l.options.renderer === renderer)) map.removeLayer(renderer);
}

/** targetBounds is the view a zoom animation ends on (its zoomanim event). */
export function targetBounds(map, e) {
  const px = map.getPixelBounds(e.center, e.zoom);
  return L.latLngBounds(map.unproject(px.getBottomLeft(), e.zoom), map.unproject(px.getTopRight(), e.zoom));
}
