// harness.mjs runs casmap for the browser tests: the real binary on a free
// loopback port with a fresh database in a temp dir, and Debian's Chromium
// driven by playwright-core. It builds nothing: run `npm run build` and
// `go build -o bin/casmap ./cmd/casmap` first (or point CASMAP_BIN at one).
// A missing binary or browser fails the tests with a message saying so.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { paintedPixels } from './map-view.mjs';

/** REPO is the repository root. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** LAYERS are the layer ids in the order the panel lists them; a test keeps those the server has. */
export const LAYERS = ['borders', 'provinces', 'gbao', 'rivers', 'power', 'tapi', 'railways', 'incidents', 'places'];

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic',
];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * startServer runs `casmap serve` on a free port with a database in a new
 * temp dir and waits (up to 20 s) for GET /healthz to answer 200.
 * prepare(bin, db), if given, runs first, on the database `casmap seed`
 * has just made, to fill it further. db, if given, is a database file to
 * serve instead (a copy the caller made: the server may write to it).
 * It returns {url, stop, log}.
 */
export async function startServer({ prepare = null, db = null } = {}) {
  const bin = process.env.CASMAP_BIN || path.join(REPO, 'bin/casmap');
  if (!existsSync(bin)) {
    throw new Error(`casmap binary not found at ${bin}: run \`npm run build && go build -o bin/casmap ./cmd/casmap\` or set CASMAP_BIN`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'casmap-e2e-'));
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const log = [];
  if (prepare) {
    // Only serve and seed create a database; prepare fills one that exists.
    await promisify(execFile)(bin, ['seed', '--db', path.join(dir, 'casmap.db')], { timeout: 60_000 });
    await prepare(bin, path.join(dir, 'casmap.db'));
  }
  const child = spawn(bin, ['serve', '--addr', addr, '--db', db || path.join(dir, 'casmap.db')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CASMAP_ADDR: '', CASMAP_DB: '' },
  });
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const url = `http://${addr}`;
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
      if (!exited) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`casmap exited (${exited.code ?? exited.signal}) before it was healthy:\n${log.join('').slice(-2000)}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`casmap did not answer GET /healthz with 200 within 20 s:\n${log.join('').slice(-2000)}`);
    }
    await sleep(100);
  }
  return { url, stop, log };
}

/**
 * screenshotPath returns the file the screenshot `name` is saved to, making
 * its folder: CASMAP_SCREENSHOTS (relative to the repository) when set, as
 * `make screenshots` sets it to docs/ to refresh the README's pictures;
 * otherwise web/e2e/screenshots/, which git ignores, so that a test run
 * leaves the tree as it found it.
 */
export async function screenshotPath(name) {
  const dir = path.resolve(REPO, process.env.CASMAP_SCREENSHOTS || 'web/e2e/screenshots');
  await mkdir(dir, { recursive: true });
  return path.join(dir, name);
}

/** launchBrowser starts headless Chromium from CHROMIUM_PATH or /usr/bin/chromium. */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

function isLocal(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

/**
 * openPage opens a new context and page at viewport size (with touch
 * events and a phone's viewport rules if asked) and records every
 * request, console error and page error. check() asserts none went wrong.
 */
export async function openPage(browser, { width = 1440, height = 900, hasTouch = false, isMobile = false } = {}) {
  const context = await browser.newContext({
    viewport: { width, height }, acceptDownloads: true, deviceScaleFactor: 1, hasTouch, isMobile,
  });
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url || 'no url'})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const check = () => {
    const remote = requests.filter((u) => !isLocal(u));
    if (remote.length) throw new Error(`requests left the machine:\n${remote.join('\n')}`);
    if (problems.length) throw new Error(`the page reported errors:\n${problems.join('\n')}`);
  };
  return { context, page, requests, problems, check };
}

/** gotoMap loads the map (with an optional hash) and waits until every layer has loaded. */
export async function gotoMap(page, url, hash = '') {
  await page.goto(`${url}/${hash}`);
  await page.waitForSelector('html[data-casmap-state="ready"]', { timeout: 20_000 });
}

/** api fetches JSON from the server under test. */
export async function api(url, pathAndQuery) {
  const res = await fetch(`${url}${pathAndQuery}`);
  if (!res.ok) throw new Error(`GET ${pathAndQuery}: status ${res.status}`);
  return res.json();
}

/** collections returns the API's collections keyed by id. */
export async function collections(url) {
  const body = await api(url, '/api/collections');
  return new Map(body.collections.map((c) => [c.id, c]));
}

/**
 * drawnCount counts what a layer draws in its pane: SVG paths and marker
 * icons (clusters), and for a layer painted on a canvas (the area fills)
 * its painted pixels inside the map (see paintedPixels).
 */
export async function drawnCount(page, id) {
  const marks = await page.locator(`.leaflet-${id}-pane path, .leaflet-${id}-pane .leaflet-marker-icon`).count();
  return marks + await paintedPixels(page, id);
}

/**
 * clickableIncident zooms into clusters until an incident circle is shown,
 * and returns the centre of one that is on top where it is drawn.
 */
export async function clickableIncident(page) {
  for (let i = 0; i < 10; i++) {
    const point = await page.evaluate(() => {
      for (const p of document.querySelectorAll('.leaflet-incidents-pane path.casmap-incident')) {
        const r = p.getBoundingClientRect();
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        if (r.width > 0 && document.elementFromPoint(x, y) === p) return { x, y };
      }
      return null;
    });
    if (point) return point;
    const cluster = page.locator('.leaflet-incidents-pane .casmap-cluster').first();
    if (await cluster.count() === 0) break;
    await cluster.click();
    await page.waitForTimeout(600);
  }
  throw new Error('no incident could be clicked: none drawn');
}

/**
 * useCasmap registers before/after hooks that start the server and the
 * browser for a describe block, and returns get(), which every test calls
 * first: it hands back {server, browser, cols} or throws the setup error,
 * so a missing binary or browser fails each test with its message rather
 * than cancelling them.
 */
export function useCasmap(serverOptions = {}) {
  const app = { server: null, browser: null, cols: null };
  let error = null;
  before(async () => {
    try {
      app.server = await startServer(serverOptions);
      app.browser = await launchBrowser();
      app.cols = await collections(app.server.url);
    } catch (err) {
      error = err;
    }
  });
  after(async () => {
    if (app.browser) await app.browser.close();
    if (app.server) await app.server.stop();
  });
  return () => {
    if (error) throw error;
    return app;
  };
}

/**
 * settledCount waits (up to 5 s) until drawnCount of a layer satisfies ok
 * and returns it, or the last count seen if it never does, for the test's
 * assertion to report.
 */
export async function settledCount(page, id, ok) {
  let n = await drawnCount(page, id);
  for (let waited = 0; !ok(n) && waited < 5000; waited += 100) {
    await sleep(100);
    n = await drawnCount(page, id);
  }
  return n;
}

/** VIEWPORTS are the screens every feature is checked on: a laptop and a phone. */
export const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

/** openPanel unfolds the layer panel if it is folded (as on a phone). */
export async function openPanel(page) {
  const toggle = page.locator('.casmap-panel-toggle');
  if (await toggle.getAttribute('aria-expanded') === 'false') await toggle.click();
  await page.locator('.casmap-panel-body').waitFor({ state: 'visible' });
}

/**
 * eventually polls fn (up to 5 s) until it returns want, and returns what
 * it last returned, for an assert.equal that then reports the difference.
 */
export async function eventually(fn, want, ms = 5000) {
  let got = await fn();
  for (let waited = 0; got !== want && waited < ms; waited += 100) {
    await sleep(100);
    got = await fn();
  }
  return got;
}

/** incidentCount is the number of incidents the layer panel says are shown. */
export function incidentCount(page) {
  return page.locator('.layer-row[data-layer="incidents"] .layer-count').getAttribute('data-count');
}

/** matchedCount is the API's numberMatched for an incidents query string. */
export async function matchedCount(url, query) {
  const q = new URLSearchParams(query);
  q.set('limit', '1');
  return (await api(url, `/api/collections/incidents/items?${q}`)).numberMatched;
}

/**
 * setField types value into a filter field and presses Enter, as a person
 * does: the page commits it then, once.
 */
export async function setField(page, id, value) {
  const field = page.locator(`#${id}`);
  await field.fill(value);
  await field.press('Enter');
}

/** choose ticks (or with on=false unticks) one value of a multi-choice filter. */
export async function choose(page, key, value, on = true) {
  const box = page.locator(`.filter-multi-${key} input[value="${value}"]`);
  const item = page.locator(`.filter-multi-${key} .filter-multi-item`, { has: page.locator(`input[value="${value}"]`) });
  if ((await box.isChecked()) !== on) await item.locator('label').click();
}

/**
 * showHash moves a loaded map to a hash (as following a link within the
 * page does), then waits until the map has stopped moving and its
 * clusters have finished their animation: gotoMap with only a new hash
 * would not wait, the page being ready already.
 */
export async function showHash(page, hash) {
  await page.evaluate((h) => new Promise((resolve) => {
    const map = document.querySelector('#map');
    let timer = setTimeout(resolve, 3000);
    const settle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => (map.querySelector('.leaflet-cluster-anim') ? settle() : resolve()), 450);
    };
    window.addEventListener('popstate', settle, { once: true });
    window.location.hash = h;
  }), hash);
}
