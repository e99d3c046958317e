// detail-zoom.js decides at which zoom the polygon and geography layers
// (borders, provinces, GBAO, rivers and lakes) are fetched. The server
// simplifies a layer's geometries to half a pixel at the zoom it is asked
// for, so the first view transfers little; zooming in past that zoom
// fetches the layer again in more detail, zooming out never. Detail comes
// in steps two zooms apart, so a person zooming in waits for (and the page
// redraws) a layer half as often; between two steps the geometry is at
// most a pixel from the line (half a pixel at the step's own zoom).

/** FULL_DETAIL_ZOOM is the map zoom from which a layer is fetched unsimplified. */
export const FULL_DETAIL_ZOOM = 13;

/** FULL is the detail of a layer fetched without zoom: more than any zoom. */
export const FULL = Infinity;

const POLYGON_KINDS = new Set(['Polygon', 'MultiPolygon']);
const LINE_KINDS = new Set(['LineString', 'MultiLineString']);

/** DETAIL_STEPS are the zooms a layer is fetched at, below FULL_DETAIL_ZOOM. */
export const DETAIL_STEPS = [3, 5, 7, 9, 11];

/**
 * simplifies reports whether a collection is fetched simplified per zoom:
 * polygon layers, by their geometryKind ("MultiPolygon", or a list such
 * as "Polygon, MultiPolygon"), and geography of lines and polygons
 * (rivers and lakes). Point layers answer 400 to zoom; the few lines of
 * infrastructure (options.except) are drawn as they are.
 */
export function simplifies(collection, { except = [] } = {}) {
  if (!collection || except.includes(collection.id)) return false;
  const kind = String(collection.geometryKind || '');
  const kinds = kind.split(',').map((k) => k.trim()).filter(Boolean);
  if (!kinds.length || !kinds.every((k) => POLYGON_KINDS.has(k) || LINE_KINDS.has(k))) return false;
  return kinds.some((k) => POLYGON_KINDS.has(k));
}

/**
 * detailFor is the detail to fetch for a map zoom: the last step at or
 * below the rounded zoom (the first step below it all), or FULL from
 * FULL_DETAIL_ZOOM on.
 */
export function detailFor(mapZoom) {
  if (!Number.isFinite(mapZoom)) return FULL;
  const z = Math.round(mapZoom);
  if (z >= FULL_DETAIL_ZOOM) return FULL;
  return [...DETAIL_STEPS].reverse().find((s) => s <= z) ?? DETAIL_STEPS[0];
}

/**
 * refetchDetail is the detail to fetch a layer again at, after the map
 * zoomed to mapZoom, when it was fetched at detail fetchedAt; null when
 * what it has is detailed enough (never on zooming out).
 */
export function refetchDetail(fetchedAt, mapZoom) {
  const want = detailFor(mapZoom);
  return want > fetchedAt ? want : null;
}

/** zoomParam is the API's zoom parameter for a detail: undefined for FULL. */
export function zoomParam(detail) {
  return Number.isFinite(detail) ? detail : undefined;
}
