// measure-scale.mjs prints how the page fares with a large incident layer,
// in Debian's Chromium against the real binary: the time until the map is
// ready and its first incidents are drawn, the bytes transferred, and the
// frame stalls (gaps between requestAnimationFrame callbacks, measured in
// the page with performance.now) while zooming and panning. Figures only,
// never pass or fail. Not a test file: run it by hand.
//
//   node web/e2e/measure-scale.mjs --incidents 50000      # gen into a fresh database
//   node web/e2e/measure-scale.mjs --db /tmp/copy.db      # a copy of an existing one
//   ... --hash '#layers=borders,incidents'                 # a view or a set of layers
//   ... --profile      # and the functions the page spent most time in (CDP profiler;
//                      # build with CASMAP_NO_MINIFY=1 for readable names)
//   ... --profile-out /tmp/run   # and each run's CPU profile as /tmp/run-N.cpuprofile
//                      # (DevTools' Performance panel opens it)
//
// (--db serves the file it is given, and a server may write to its
// database: give it a copy.)
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { gotoMap, launchBrowser, openPage, startServer } from './harness.mjs';

const { values: args } = parseArgs({
  options: {
    incidents: { type: 'string' },
    db: { type: 'string' },
    runs: { type: 'string', default: '2' },
    width: { type: 'string', default: '1440' },
    height: { type: 'string', default: '900' },
    hash: { type: 'string', default: '' },
    profile: { type: 'boolean', default: false },
    'profile-out': { type: 'string', default: '' },
  },
});

// In the page from its first script on: every frame's time, and when the
// page says it is ready and when the first incident mark is drawn.
function instrument() {
  window.__frames = [];
  const tick = (t) => {
    window.__frames.push(t);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  // Long animation frames say where a slow frame's time went: scripts
  // (and which) or style, layout and paint.
  window.__loaf = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const render = e.renderStart ? e.startTime + e.duration - e.renderStart : 0;
        const layout = e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0;
        window.__loaf.push({
          t: e.startTime, duration: e.duration, render, layout,
          scripts: e.scripts.map((x) => ({ d: x.duration, what: `${x.sourceFunctionName || x.invoker || '?'}` })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch { /* not in this browser */ }
  new MutationObserver(() => {
    if (!window.__ready && document.documentElement.dataset.casmapState === 'ready') window.__ready = performance.now();
    if (!window.__drawn && document.querySelector('.leaflet-incidents-pane .leaflet-marker-icon, .leaflet-incidents-pane path, .leaflet-incidents-pane canvas')) {
      window.__drawn = performance.now();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

const bytes = (page) => page.evaluate(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return (nav ? nav.transferSize : 0) + performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0);
});

// stalls summarises the frame gaps after since (ms).
const stalls = (page, since) => page.evaluate((t0) => {
  const f = window.__frames.filter((t) => t >= t0);
  const gaps = f.slice(1).map((t, i) => t - f[i]).sort((a, b) => a - b);
  const q = (p) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))] || 0;
  return {
    frames: f.length, max: Math.round(gaps[gaps.length - 1] || 0), p99: Math.round(q(0.99)), p95: Math.round(q(0.95)),
    over50: gaps.filter((g) => g > 50).length, over100: gaps.filter((g) => g > 100).length, over250: gaps.filter((g) => g > 250).length,
    ...where(window.__loaf.filter((e) => e.t >= t0)),
  };
  function where(loaf) {
    const by = new Map();
    let script = 0;
    for (const e of loaf) {
      for (const x of e.scripts) {
        script += x.d;
        by.set(x.what, (by.get(x.what) || 0) + x.d);
      }
    }
    const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ');
    const render = loaf.reduce((n, e) => n + e.render, 0);
    const worst = [...loaf].sort((a, b) => b.duration - a.duration).slice(0, 3).map((e) => `${Math.round(e.duration)} ms (`
      + `scripts ${Math.round(e.scripts.reduce((n, x) => n + x.d, 0))}: ${e.scripts.map((x) => x.what).slice(0, 3).join('/')}; `
      + `style and layout ${Math.round(e.layout)}, render ${Math.round(e.render)})`).join(', ');
    return { longFrames: loaf.length, scriptMs: Math.round(script), renderMs: Math.round(render), top, worst };
  }
}, since);

// topFunctions is the ten functions with the most self time in a CPU profile.
function topFunctions(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    if (['(idle)', '(program)', '(root)'].includes(f.functionName)) return;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) || 0) + (dt[i] || 0) / 1000);
  });
  // Inclusive time: a sample counts for every function on its stack.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const total = new Map();
  profile.samples.forEach((id, i) => {
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n).callFrame;
      if (!f.url.includes('/main-') || !f.functionName) continue;
      const key = `${f.functionName}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) || 0) + (dt[i] || 0) / 1000);
    }
  });
  const fmt = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ');
  return `${fmt(self)}\n  inclusive: ${fmt(total)}`;
}

// interact zooms in four steps and out again with the zoom buttons, then
// drags the map eight times, as a person looking around does.
async function interact(page) {
  const box = await page.locator('#map').boundingBox();
  const cx = box.x + box.width / 2 - 150;
  const cy = box.y + box.height / 2;
  for (let i = 0; i < 4; i++) {
    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, -240);
    await page.waitForTimeout(700);
  }
  for (let i = 0; i < 4; i++) {
    await page.locator('.leaflet-control-zoom-out').click();
    await page.waitForTimeout(700);
  }
  for (let i = 0; i < 8; i++) {
    const dx = (i % 2 ? -1 : 1) * 280;
    const dy = (i % 4 < 2 ? 1 : -1) * 120;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let s = 1; s <= 10; s++) await page.mouse.move(cx + (dx * s) / 10, cy + (dy * s) / 10);
    await page.mouse.up();
    await page.waitForTimeout(500);
  }
  await page.waitForTimeout(800);
}

async function main() {
  const n = Number(args.incidents || 0);
  const prepare = n > 0 ? (bin, db) => promisify(execFile)(bin, ['gen', '--incidents', String(n), '--db', db], { timeout: 1_800_000 }) : null;
  const server = await startServer({ prepare, db: args.db || null });
  const browser = await launchBrowser();
  try {
    const cols = (await (await fetch(`${server.url}/api/collections`)).json()).collections;
    const total = cols.find((c) => c.id === 'incidents').itemCount;
    for (let run = 1; run <= Number(args.runs); run++) {
      const { page, context, requests } = await openPage(browser, { width: Number(args.width), height: Number(args.height) });
      await page.addInitScript(instrument);
      await gotoMap(page, server.url, args.hash);
      await page.waitForTimeout(1500);
      const ready = await page.evaluate(() => ({ ready: Math.round(window.__ready), drawn: Math.round(window.__drawn || 0) }));
      const firstBytes = await bytes(page);
      const firstRequests = requests.length;
      const aggregates = () => page.evaluate(() => ({
        bars: document.querySelectorAll('.histogram-bar').length,
        actors: document.querySelectorAll('.filter-multi-actor .filter-multi-item').length,
        count: document.querySelector('.layer-row[data-layer="incidents"] .layer-count')?.dataset.count,
      }));
      const agg = await aggregates();
      const t0 = await page.evaluate(() => performance.now());
      const cdp = args.profile || args['profile-out'] ? await context.newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
        await cdp.send('Profiler.start');
      }
      await interact(page);
      if (cdp) {
        const { profile } = await cdp.send('Profiler.stop');
        console.log(`run ${run} profile (self ms): ${topFunctions(profile)}`);
        if (args['profile-out']) await writeFile(`${args['profile-out']}-${run}.cpuprofile`, JSON.stringify(profile));
      }
      const s = await stalls(page, t0);
      const allBytes = await bytes(page);
      const mode = await page.locator('#map').getAttribute('data-scale-mode');
      const after = await aggregates();
      const statsAsked = requests.filter((u) => new URL(u).pathname.endsWith('/incidents/stats')).length;
      console.log(`run ${run} (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores): ${total} incidents (${mode || 'loaded whole'}); map ready ${ready.ready} ms, first incidents drawn ${ready.drawn} ms; `
        + `${(firstBytes / 1024).toFixed(0)} KiB in ${firstRequests} requests to ready, ${((allBytes - firstBytes) / 1024).toFixed(0)} KiB in ${requests.length - firstRequests} more while zooming and panning; `
        + `frames ${s.frames}, gaps max ${s.max} ms, p99 ${s.p99} ms, p95 ${s.p95} ms, ${s.over50} over 50 ms, ${s.over100} over 100 ms, ${s.over250} over 250 ms; `
        + `histogram ${agg.bars} months (${after.bars} after), ${agg.actors} actors listed, panel count ${agg.count}, ${statsAsked} stats requests; `
        + `${s.longFrames} long frames: ${s.scriptMs} ms in scripts (${s.top}), ${s.renderMs} ms rendering; worst frames ${s.worst}`);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
