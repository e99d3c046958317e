// name-collide.js decides where each name on the map goes so that no two
// names run into each other and none leaves the map: names are taken in
// priority order (countries, capitals, provinces, cities, other places,
// lakes, rivers), each at the first of its candidate places (its own,
// above, below, beside, moved inside the map's edge) that is inside the
// map and clear of every name placed before it and of the marks it must
// not sit under; a name with no such place is not shown at that view.
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

const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const shifted = (b, dx, dy) => ({ left: b.left + dx, right: b.right + dx, top: b.top + dy, bottom: b.bottom + dy });

/**
 * shiftsFor lists the moves [dx, dy] tried for a name, in order: a
 * place's name (right of its dot): its own place, left of the dot, above,
 * below; an area's name: its own place, above, below, to either side.
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
  return [...out, [w / 2 + GAP, 0], [-(w / 2 + GAP), 0]];
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
 * avoidMarks}, in the order given, its move {dx, dy} or null where it is
 * not shown. box is where the name is drawn unmoved (left, right, top,
 * bottom, in the same pixels as bounds and marks). A kept name (the one
 * the keyboard is on) stays shown where it is. A name with avoidMarks is
 * also kept clear of marks. Names of equal rank keep the order given.
 */
export function placeNames(names, bounds, marks = []) {
  const first = (n) => (n.kept ? -1 : n.rank);
  const order = names.map((n, i) => i).sort((a, b) => (first(names[a]) - first(names[b])) || a - b);
  const placed = [];
  const out = new Array(names.length).fill(null);
  for (const i of order) {
    const n = names[i];
    if (n.kept) {
      out[i] = { dx: 0, dy: 0 };
      placed.push(n.box);
      continue;
    }
    const w = n.box.right - n.box.left;
    const clear = (b) => !placed.some((p) => overlaps(b, p)) && !(n.avoidMarks && marks.some((m) => overlaps(b, m)));
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
