// map-view.mjs: where things are on a page's map, for the browser tests
// that draw on it and look at what it draws: positions on the page to
// [lng, lat] and back (from the map's hash and box), open spots to click,
// and what is drawn under a point.

// The map is Web Mercator (Leaflet's EPSG:3857): at zoom z the world is
// 256 * 2^z pixels wide. mercator and inverse convert [lng, lat] to world
// pixels and back.
const worldSize = (z) => 256 * 2 ** z;
export function mercator([lng, lat], z) {
  const s = Math.sin((lat * Math.PI) / 180);
  return { x: (worldSize(z) * (lng + 180)) / 360, y: worldSize(z) * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) };
}
export function inverse({ x, y }, z) {
  const n = Math.PI - (2 * Math.PI * y) / worldSize(z);
  return [(x / worldSize(z)) * 360 - 180, (180 / Math.PI) * Math.atan(Math.sinh(n))];
}

/**
 * viewOf reads the page's map view from its hash (zoom/lat/lng) and the map's
 * box, and returns toScreen([lng, lat]) and toLngLat({x, y}) for page positions.
 */
export async function viewOf(page) {
  const [z, lat, lng] = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('map').split('/').map(Number);
  const box = await page.locator('#map').boundingBox();
  const c = mercator([lng, lat], z);
  const mid = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  return {
    zoom: z,
    toScreen: (ll) => {
      const p = mercator(ll, z);
      return { x: mid.x + p.x - c.x, y: mid.y + p.y - c.y };
    },
    toLngLat: ({ x, y }) => inverse({ x: c.x + x - mid.x, y: c.y + y - mid.y }, z),
  };
}

/** pixelsApart is how far apart two [lng, lat] are on the map at zoom z, in pixels. */
export function pixelsApart(a, b, z) {
  const p = mercator(a, z);
  const q = mercator(b, z);
  return Math.hypot(p.x - q.x, p.y - q.y);
}

/** plainSpot reports whether a click at {x, y} reaches the map itself, not a feature or a control. */
export function plainSpot(page, { x, y }) {
  return page.evaluate(([px, py]) => {
    const hit = document.elementFromPoint(px, py);
    const map = document.querySelector('#map');
    return Boolean(hit && map.contains(hit) && !hit.closest('.leaflet-interactive, .leaflet-control, .casmap-name, .leaflet-marker-icon'));
  }, [x, y]);
}

/** plainNear is the plain spot nearest {x, y} within 60 px (see plainSpot), or null. */
export async function plainNear(page, { x, y }) {
  for (let r = 0; r <= 60; r += 6) {
    for (let a = 0; a < 360; a += r ? 30 : 360) {
      const p = { x: x + r * Math.cos((a * Math.PI) / 180), y: y + r * Math.sin((a * Math.PI) / 180) };
      if (await plainSpot(page, p)) return p;
    }
  }
  return null;
}

/** drawnAt lists what the page draws under {x, y} that matches selector. */
export function drawnAt(page, { x, y }, selector) {
  return page.evaluate(([px, py, sel]) => document.elementsFromPoint(px, py)
    .filter((e) => e.matches(sel)).map((e) => e.getAttribute('aria-label') || e.getAttribute('class')), [x, y, selector]);
}
