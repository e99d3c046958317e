// labels.mjs: the pole of inaccessibility of each polygon, for label points.
//
// Run by the Go tools of the provenance chain (internal/labels), never by
// hand. Reads from standard input
//   {"precision": metres, "items": [{"id": ..., "polygons": [polygon, ...]}, ...]}
// where each polygon is a list of rings in Web Mercator metres, and writes
//   [{"id": ..., "x": ..., "y": ..., "distance": ...}, ...]
// in the same order: for each item, polylabel's point of the part with the
// largest inscribed circle (the first such part on a tie) and that circle's
// radius. polylabel is deterministic, so the answer is too.
import polylabel from 'polylabel';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { precision, items } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
if (!(precision > 0) || !Array.isArray(items)) {
  throw new Error('labels.mjs: want {"precision": > 0, "items": [...]} on standard input');
}

const out = items.map(({ id, polygons }) => {
  let best = null;
  for (const polygon of polygons) {
    const p = polylabel(polygon, precision);
    if (best === null || p.distance > best.distance) best = p;
  }
  if (best === null) throw new Error(`labels.mjs: item ${id} has no polygon`);
  return { id, x: best[0], y: best[1], distance: best.distance };
});
process.stdout.write(JSON.stringify(out));
