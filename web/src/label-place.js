// label-place.js decides where a name goes and from which zoom it shows:
// inside an area at its pole of inaccessibility (polylabel), or at the
// point the data gives; along a line at its middle, turned with it. Pure
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

const mercY = (lat) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) * (180 / Math.PI);

/**
 * lineLabel is where a line's name goes: the middle vertex of its longest
 * part, with the angle (degrees, clockwise on screen, kept upright) of the
 * line there. Web Mercator keeps angles, so it holds at every zoom.
 */
export function lineLabel(geometry) {
  if (!geometry) return null;
  const parts = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.type === 'MultiLineString' ? geometry.coordinates : [];
  let best = null;
  let bestLen = 0;
  for (const part of parts) {
    let len = 0;
    for (let i = 1; i < part.length; i++) len += Math.hypot(part[i][0] - part[i - 1][0], part[i][1] - part[i - 1][1]);
    if (len > bestLen) { best = part; bestLen = len; }
  }
  if (!best || best.length < 2) return null;
  const i = Math.max(1, Math.floor(best.length / 2));
  const a = best[i - 1];
  const b = best[Math.min(best.length - 1, i)];
  let angle = (Math.atan2(-(mercY(b[1]) - mercY(a[1])), b[0] - a[0]) * 180) / Math.PI;
  if (angle > 90) angle -= 180;
  if (angle < -90) angle += 180;
  const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  return { lonlat: mid, angle: Math.round(angle), length: bestLen };
}
