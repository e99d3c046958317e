// name-collide.js decides where each name on the map goes so that no two
// names run into each other and none leaves the map: names are taken in
// priority order (countries, capitals, provinces, cities, other places,
// lakes, rivers), each at the first of its candidate places (its own,
// above, below, beside, moved inside the map's edge) that is inside the
// map and clear of what covers the map (its controls and panels, placed
// before any name), of every name placed before it and of the marks it
// must not sit under (a place's name: any incident mark; an area's name:
// the clusters); a name with no such place is not shown at that view.
// Pure functions on boxes, unit-tested on their own.

/** GAP is the space in pixels kept between a name and one moved beside it. */
const GAP = 2;

/** RANKS orders the kinds of names: the first match of a name's classes wins. */
const RANKS = [
  ['casmap-name-borders', 0],
  ['casmap-place-name-capital', 1],
  ['casmap-name-gbao', 2],
  ['casmap-name-provinces', 3],
  ['casmap-place-name-city', 4],
  ['casmap-place-name', 5],
  ['casmap-name-lake', 6],
  ['casmap-name-river', 7],
];

/** rankOf is a name's priority from its classes (a lower rank is placed first). */
export function rankOf(classList) {
  for (const [cls, rank] of RANKS) if (classList.contains(cls)) return rank;
  return RANKS.length;
}

/** AREAS are the classes of the names of areas (countries, GBAO, provinces). */
const AREAS = ['casmap-name-borders', 'casmap-name-gbao', 'casmap-name-provinces'];

/**
 * avoidsOf is which marks a name must not sit under, from its classes:
 * 'marks' (every incident mark) for a place's name, 'clusters' for an
 * area's name, null for the rest (lakes, rivers).
 */
export function avoidsOf(classList) {
  if (classList.contains('casmap-place-name')) return 'marks';
  return AREAS.some((c) => classList.contains(c)) ? 'clusters' : null;
}

const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const shifted = (b, dx, dy) => ({ left: b.left + dx, right: b.right + dx, top: b.top + dy, bottom: b.bottom + dy });

/**
 * shiftsFor lists the moves [dx, dy] tried for a name, in order: a
 * place's name (right of its dot): its own place, left of the dot, above,
 * below; an area's name: its own place, then up to two lines above or
 * below and half its width to either side, the nearest first.
 * A name turned along a river only moves above or below. anchorX is the
 * x of the point the name belongs to.
 */
export function shiftsFor(name) {
  const { box, anchorX } = name;
  const w = box.right - box.left;
  const h = box.bottom - box.top;
  const out = [[0, 0], [0, -(h + GAP)], [0, h + GAP]];
  if (name.turned) return out;
  // A place's name stays level with its dot if it can.
  if (name.place) return [[0, 0], [2 * anchorX - box.right - box.left, 0], ...out.slice(1)];
  // An area's name may go a little further (a cluster is wider than a
  // line): up to two lines up or down and half its width aside, the
  // nearest first.
  const line = h + GAP;
  const grid = [];
  for (const dy of [0, -line, line, -2 * line, 2 * line]) {
    for (const dx of [0, -w / 4, w / 4, -(w / 2 + GAP), w / 2 + GAP]) grid.push([dx, dy]);
  }
  return grid.map((m, i) => [m, i]).sort(([a, i], [b, j]) => (Math.hypot(...a) - Math.hypot(...b)) || i - j).map(([m]) => m);
}

// inside moves box into bounds by at most reach pixels each way, or is
// null when it does not fit so.
function inside(box, bounds, reach) {
  const dx = box.left < bounds.left ? bounds.left - box.left : box.right > bounds.right ? bounds.right - box.right : 0;
  const dy = box.top < bounds.top ? bounds.top - box.top : box.bottom > bounds.bottom ? bounds.bottom - box.bottom : 0;
  if (Math.abs(dx) > reach || Math.abs(dy) > reach) return null;
  const b = shifted(box, dx, dy);
  return b.left >= bounds.left && b.right <= bounds.right && b.top >= bounds.top && b.bottom <= bounds.bottom ? [dx, dy] : null;
}

/**
 * placeNames is, for each name {box, anchorX, rank, place, turned, kept,
 * avoids}, in the order given, its move {dx, dy} or null where it is not
 * shown. box is where the name is drawn unmoved (left, right, top,
 * bottom, in the same pixels as bounds, marks and covers). A kept name
 * (the one the keyboard is on) stays shown where it is. A name is kept
 * clear of covers (boxes over the map: controls, panels) and, if avoids
 * is 'marks', of every mark, if 'clusters', of the marks {cluster: true}.
 * Names of equal rank keep the order given.
 */
export function placeNames(names, bounds, marks = [], covers = []) {
  const first = (n) => (n.kept ? -1 : n.rank);
  const order = names.map((n, i) => i).sort((a, b) => (first(names[a]) - first(names[b])) || a - b);
  const avoided = { marks, clusters: marks.filter((m) => m.cluster) };
  const placed = [...covers];
  const out = new Array(names.length).fill(null);
  for (const i of order) {
    const n = names[i];
    if (n.kept) {
      out[i] = { dx: 0, dy: 0 };
      placed.push(n.box);
      continue;
    }
    const w = n.box.right - n.box.left;
    const under = avoided[n.avoids] || [];
    const clear = (b) => !placed.some((p) => overlaps(b, p)) && !under.some((m) => overlaps(b, m));
    for (const [sx, sy] of shiftsFor(n)) {
      const b = shifted(n.box, sx, sy);
      const into = inside(b, bounds, n.place ? 0 : w / 2);
      if (!into) continue;
      const at = shifted(b, into[0], into[1]);
      if (!clear(at)) continue;
      out[i] = { dx: sx + into[0], dy: sy + into[1] };
      placed.push(at);
      break;
    }
  }
  return out;
}
