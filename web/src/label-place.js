// label-place.js decides where a name goes and from which zoom it shows:
// inside an area at its pole of inaccessibility (polylabel), or at the
// point the data gives; along a line every few hundred pixels, turned with it. Pure
// functions on GeoJSON geometries, unit-tested on their own.
import polylabel from 'polylabel';

const ringArea = (ring) => {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return Math.abs(a / 2);
};

/** largestPolygon is the rings of the biggest polygon of a (Multi)Polygon, or null. */
export function largestPolygon(geometry) {
  if (!geometry) return null;
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  let best = null;
  let bestArea = -1;
  for (const p of polys) {
    const a = p.length ? ringArea(p[0]) : 0;
    if (a > bestArea) { best = p; bestArea = a; }
  }
  return best ? { rings: best, area: bestArea } : null;
}

/**
 * givenPoint is a label point the data carries: label_point [lon, lat],
 * or label_lon/label_lat (Natural Earth's LABEL_X/LABEL_Y), or null.
 */
export function givenPoint(props = {}) {
  const p = props.label_point;
  if (Array.isArray(p) && p.length === 2 && p.every(Number.isFinite)) return p;
  if (p && p.type === 'Point' && Array.isArray(p.coordinates)) return p.coordinates;
  if (Number.isFinite(props.label_lon) && Number.isFinite(props.label_lat)) return [props.label_lon, props.label_lat];
  if (Number.isFinite(props.label_x) && Number.isFinite(props.label_y)) return [props.label_x, props.label_y];
  return null;
}

/** areaLabel is [lon, lat] and the area in square degrees for an area's name. */
export function areaLabel(feature) {
  const poly = largestPolygon(feature.geometry);
  if (!poly) return null;
  const given = givenPoint(feature.properties || {});
  const at = given || polylabel(poly.rings, 0.05);
  return { lonlat: [at[0], at[1]], area: poly.area };
}

/**
 * minZoomFor is the zoom from which an area's name shows: the data's
 * min_label (Natural Earth) if given, else the larger the area, the
 * earlier, so small areas do not crowd the map.
 */
export function minZoomFor(props = {}, area = 0, base = 3) {
  const given = Number(props.min_label ?? props.label_minzoom);
  if (Number.isFinite(given) && given > 0) return Math.max(base, Math.min(10, given));
  if (area >= 40) return base;
  if (area >= 8) return base + 1;
  if (area >= 2) return base + 2;
  if (area >= 0.4) return base + 3;
  return base + 4;
}

// World pixels at zoom 0 (256 across): where Web Mercator puts a point.
const worldX = (lon) => ((lon + 180) / 360) * 256;
const worldY = (lat) => (1 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / Math.PI) * 128;
const lonOf = (x) => (x / 256) * 360 - 180;
const latOf = (y) => (Math.atan(Math.sinh(Math.PI * (1 - y / 128))) * 180) / Math.PI;

// pointAlong is the point at distance d (world pixels) along a projected
// line with cumulative lengths cum.
function pointAlong(pts, cum, d) {
  let i = 1;
  while (i < pts.length - 1 && cum[i] < d) i++;
  const seg = cum[i] - cum[i - 1] || 1;
  const t = Math.max(0, Math.min(1, (d - cum[i - 1]) / seg));
  return [pts[i - 1][0] + t * (pts[i][0] - pts[i - 1][0]), pts[i - 1][1] + t * (pts[i][1] - pts[i - 1][1])];
}

/**
 * lineLabels places a line's name along it, for each zoom from minZoom to
 * maxZoom: one name every `spacing` screen pixels of each part (at least
 * one per part longer than minPx), turned with the line over `window`
 * pixels either side and kept upright. Each label is
 * {lonlat, angle, minZoom, maxZoom}: shown at that zoom only (the last
 * from maxZoom on), so a long river is named wherever the map shows it.
 */
export function lineLabels(geometry, { minZoom = 4, maxZoom = 12, spacing = 520, minPx = 140, window = 40 } = {}) {
  if (!geometry) return [];
  const parts = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.type === 'MultiLineString' ? geometry.coordinates : [];
  const out = [];
  for (const part of parts) {
    if (!Array.isArray(part) || part.length < 2) continue;
    const pts = part.map(([lon, lat]) => [worldX(lon), worldY(lat)]);
    const cum = [0];
    for (let i = 1; i < pts.length; i++) cum.push(cum[i - 1] + Math.hypot(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]));
    const len = cum[cum.length - 1];
    for (let z = minZoom; z <= maxZoom; z++) {
      const scale = 2 ** z;
      if (len * scale < minPx) continue;
      const n = Math.max(1, Math.floor((len * scale) / spacing));
      for (let k = 0; k < n; k++) {
        const d = ((k + 0.5) * len) / n;
        const w = window / scale;
        const a = pointAlong(pts, cum, Math.max(0, d - w));
        const b = pointAlong(pts, cum, Math.min(len, d + w));
        const mid = pointAlong(pts, cum, d);
        let angle = (Math.atan2(b[1] - a[1], b[0] - a[0]) * 180) / Math.PI;
        if (angle > 90) angle -= 180;
        if (angle < -90) angle += 180;
        out.push({ lonlat: [lonOf(mid[0]), latOf(mid[1])], angle: Math.round(angle), minZoom: z, maxZoom: z === maxZoom ? 99 : z + 1 });
      }
    }
  }
  return out;
}
