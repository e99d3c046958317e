// make-way.js places a name beside the marks drawn above it. A place's
// name stands right of its dot; where an incident cluster or circle
// covers it there (clusters sit on the cities the incidents happened in),
// the name moves just past the marks, to the right or to the left,
// whichever is nearer, so it can be read and the marks still show whole.

/** GAP is the space in pixels left between a name and a mark it makes way for. */
const GAP = 2;

const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/**
 * wayFor is where a name goes: the x offset in pixels from its anchor
 * {x, y} to its left edge, for a name of size {w, h} centred on the
 * anchor's height, so that none of marks (rectangles: left, right, top,
 * bottom) covers it. It is null when the name is clear at its own offset
 * or no place within reach pixels of it is.
 */
export function wayFor({ x, y }, { w, h }, marks, { offset = 7, reach = 80 } = {}) {
  const box = (dx) => ({ left: x + dx, right: x + dx + w, top: y - h / 2, bottom: y + h / 2 });
  const hits = (dx) => marks.filter((m) => overlaps(box(dx), m));
  if (!hits(offset).length) return null;
  const step = (dx, side) => {
    for (let i = 0; i < 6; i++) {
      const hs = hits(dx);
      if (!hs.length) return dx;
      dx = side > 0 ? Math.max(...hs.map((m) => m.right)) + GAP - x : Math.min(...hs.map((m) => m.left)) - GAP - w - x;
    }
    return null;
  };
  const right = step(offset, 1);
  const left = step(-offset - w, -1);
  const ways = [
    right !== null && right - offset <= reach ? { dx: right, moved: right - offset } : null,
    left !== null && -offset - w - left <= reach ? { dx: left, moved: -offset - w - left } : null,
  ].filter(Boolean).sort((a, b) => a.moved - b.moved);
  return ways.length ? ways[0].dx : null;
}
