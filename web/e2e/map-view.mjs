// map-view.mjs: where things are on a page's map, for the browser tests
// that draw on it and look at what it draws: positions on the page to
// [lng, lat] and back (from the map's hash and box), open spots to click,
// and what is drawn under a point: the elements there, the colour a
// layer's canvas paints there, the colour a screenshot shows there.

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

/**
 * paintedPixels counts the pixels a layer's canvas has painted (alpha
 * above 0) inside the map's box: what of the layer the map shows.
 */
export function paintedPixels(page, id) {
  return page.evaluate((pane) => {
    const map = document.querySelector('#map').getBoundingClientRect();
    let n = 0;
    for (const c of document.querySelectorAll(`.leaflet-${pane}-pane canvas`)) {
      const r = c.getBoundingClientRect();
      const sx = c.width / r.width;
      const sy = c.height / r.height;
      const x0 = Math.round((Math.max(r.left, map.left) - r.left) * sx);
      const y0 = Math.round((Math.max(r.top, map.top) - r.top) * sy);
      const x1 = Math.round((Math.min(r.right, map.right) - r.left) * sx);
      const y1 = Math.round((Math.min(r.bottom, map.bottom) - r.top) * sy);
      if (x1 <= x0 || y1 <= y0) continue;
      const px = c.getContext('2d').getImageData(x0, y0, x1 - x0, y1 - y0).data;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
    }
    return n;
  }, id);
}

/**
 * paintAt is, for each page point {x, y}, the colour [r, g, b, a] a
 * layer's canvas has painted there (a 0 where it painted nothing), or null
 * where its canvas does not reach.
 */
export function paintAt(page, id, points) {
  return page.evaluate(([pane, pts]) => pts.map(({ x, y }) => {
    for (const c of document.querySelectorAll(`.leaflet-${pane}-pane canvas`)) {
      const r = c.getBoundingClientRect();
      if (x < r.left || x >= r.right || y < r.top || y >= r.bottom) continue;
      const px = c.getContext('2d').getImageData(Math.floor((x - r.left) * (c.width / r.width)), Math.floor((y - r.top) * (c.height / r.height)), 1, 1).data;
      return [...px];
    }
    return null;
  }), [id, points]);
}

/**
 * screenColours is, for each page point {x, y}, the colour [r, g, b] a
 * screenshot of the page shows there: what a person sees.
 */
export async function screenColours(page, points) {
  const png = await page.screenshot();
  return page.evaluate(async ([data, pts]) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    return pts.map(({ x, y }) => [...g.getImageData(Math.floor(x), Math.floor(y), 1, 1).data.slice(0, 3)]);
  }, [png.toString('base64'), points]);
}

/** namesInView lists the names of a kind shown inside the map (not hidden for want of room): [{text, angle, x, y}]. */
export function namesInView(page, kind) {
  return page.evaluate((k) => {
    const map = document.querySelector('#map').getBoundingClientRect();
    return [...document.querySelectorAll(`.casmap-name-${k} .casmap-name-text`)].filter((el) => getComputedStyle(el).visibility !== 'hidden').map((el) => {
      const r = el.getBoundingClientRect();
      const m = /rotate\((-?\d+(?:\.\d+)?)deg\)/.exec(el.style.transform || '');
      return { text: el.textContent, angle: m ? Number(m[1]) : 0, x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }).filter((n) => n.x > map.left && n.x < map.right && n.y > map.top && n.y < map.bottom);
  }, kind);
}
