// detail-zoom.js decides at which zoom the polygon layers (borders, GBAO)
// are fetched. The server simplifies a layer's geometries to half a pixel at
// the zoom it is asked for, so the first view transfers little; zooming in
// past that zoom fetches the layer again in more detail, zooming out never.

/** FULL_DETAIL_ZOOM is the map zoom from which a layer is fetched unsimplified. */
export const FULL_DETAIL_ZOOM = 13;

/** FULL is the detail of a layer fetched without zoom: more than any zoom. */
export const FULL = Infinity;

const POLYGON_KINDS = new Set(['Polygon', 'MultiPolygon']);

/**
 * simplifies reports whether the server simplifies a collection per zoom:
 * only polygon layers, by their geometryKind ("MultiPolygon", or a list
 * such as "Polygon, MultiPolygon"). Point layers answer 400 to zoom.
 */
export function simplifies(collection) {
  const kind = String((collection && collection.geometryKind) || '');
  const kinds = kind.split(',').map((k) => k.trim()).filter(Boolean);
  return kinds.length > 0 && kinds.every((k) => POLYGON_KINDS.has(k));
}

/**
 * detailFor is the detail to fetch for a map zoom: the integer zoom
 * (clamped to the API's 0..22), or FULL from FULL_DETAIL_ZOOM on.
 */
export function detailFor(mapZoom) {
  if (!Number.isFinite(mapZoom)) return FULL;
  const z = Math.round(mapZoom);
  if (z >= FULL_DETAIL_ZOOM) return FULL;
  return Math.max(0, Math.min(22, z));
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
