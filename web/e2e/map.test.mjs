// The map's basics in a real browser against the real binary: layers and
// counts, toggling, details with sources, downloads, text-only rendering of
// data, the small-screen layout, and the screenshot (see screenshotPath).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  LAYERS, clickableIncident, drawnCount, eventually, gotoMap, openPage, screenshotPath, settledCount, useCasmap,
} from './harness.mjs';
import { namesInView, paintAt, paintedPixels } from './map-view.mjs';
import { detailFor, zoomParam } from '../src/detail-zoom.js';

describe('map page', () => {
  const app = useCasmap();
  let server;
  let browser;
  let cols;
  const setup = () => ({ server, browser, cols } = app());

  test('lists the layers in order with the API counts', async () => {
    setup();
    const { page, check, context, requests } = await openPage(browser);
    await gotoMap(page, server.url);
    const ids = await page.locator('.layer-row').evaluateAll((rows) => rows.map((r) => r.dataset.layer));
    assert.deepEqual(ids, LAYERS.filter((l) => cols.has(l)), 'layer rows');
    for (const id of LAYERS.filter((l) => cols.has(l))) {
      const row = page.locator(`.layer-row[data-layer="${id}"]`);
      assert.equal(await row.locator('.layer-title').textContent(), cols.get(id).title, `${id}: title`);
      assert.equal(await row.locator('.layer-count').textContent(), String(cols.get(id).itemCount), `${id}: count`);
      assert.equal(await row.locator('input[type=checkbox]').isChecked(), true, `${id}: checked`);
      assert.equal(await row.locator('svg.swatch').count(), 1, `${id}: legend swatch`);
    }
    for (const id of LAYERS.filter((l) => cols.has(l))) {
      const loads = requests.filter((u) => new URL(u).pathname === `/api/collections/${id}/items`);
      assert.equal(loads.length, 1, `${id}: data loaded once (${loads.join(', ')})`);
    }
    assert.equal(await page.locator('#layer-toggle-osm').isChecked(), false, 'online tiles are off by default');
    assert.equal(await page.locator('.leaflet-tile').count(), 0, 'no tiles');
    const attribution = await page.locator('.leaflet-control-attribution').textContent();
    for (const id of LAYERS.filter((l) => cols.has(l))) {
      if (cols.get(id).attribution) assert.ok(attribution.includes(cols.get(id).attribution), `attribution shows ${id}`);
    }
    check();
    await context.close();
  });

  test('borders, GBAO and rivers load simplified for the zoom, finer on zooming in, never on zooming out', async () => {
    setup();
    const { page, check, context, requests } = await openPage(browser);
    await gotoMap(page, server.url);
    const hashZoom = () => page.evaluate(() => Number(new URLSearchParams(location.hash.slice(1)).get('map').split('/')[0]));
    const loads = (id) => requests.map((u) => new URL(u)).filter((u) => u.pathname === `/api/collections/${id}/items`);
    const start = await hashZoom();
    const at = (z) => String(zoomParam(detailFor(z)) ?? null);
    for (const id of ['borders', 'gbao', 'rivers']) {
      const first = loads(id);
      assert.equal(first.length, 1, `${id}: loaded once`);
      assert.equal(String(first[0].searchParams.get('zoom')), at(start), `${id}: first load for zoom ${start}`);
    }
    for (const id of ['incidents', 'places', 'tapi', 'railways']) {
      assert.ok(loads(id).every((u) => !u.searchParams.has('zoom')), `${id}: loaded without zoom`);
    }
    // What a person sees of the countries: the land painted, each named
    // country filled under its name.
    const drawn = await drawnCount(page, 'borders');
    const named = await namesInView(page, 'borders');
    assert.ok(named.length >= 6, `countries named at the start: ${named.map((n) => n.text)}`);
    const filled = async (names) => (await paintAt(page, 'borders', names)).map((px, i) => (px && px[3] > 200 ? names[i].text : `${names[i].text} (not filled: ${px})`));
    assert.deepEqual(await filled(named), named.map((n) => n.text), 'each named country is filled under its name');
    const count = await page.locator('.layer-row[data-layer="borders"] .layer-count').textContent();

    const zoomIn = page.locator('.leaflet-control-zoom-in');
    for (let i = 0; i < 3; i++) {
      const before = await hashZoom();
      await zoomIn.click();
      await page.waitForFunction((z) => Number(new URLSearchParams(location.hash.slice(1)).get('map').split('/')[0]) > z, before);
    }
    const zoomed = await hashZoom();
    assert.equal(zoomed, start + 3, 'zoomed in three levels');
    const want = at(zoomed);
    assert.notEqual(want, at(start), 'three levels in need finer detail');
    for (const id of ['borders', 'gbao', 'rivers']) {
      const got = await eventually(() => loads(id).some((u) => String(u.searchParams.get('zoom')) === want), true);
      assert.ok(got, `${id}: loaded again at zoom ${want} (${loads(id).map((u) => u.search).join(', ')})`);
    }
    await page.waitForTimeout(500);
    const box = await page.locator('#map').boundingBox();
    const near = await drawnCount(page, 'borders');
    assert.ok(near > 0.5 * box.width * box.height, `the land in view is painted at the finer detail (${near} of ${Math.round(box.width * box.height)} pixels)`);
    assert.equal(await page.locator('.layer-row[data-layer="borders"] .layer-count').textContent(), count, 'the same count');

    // Zooming out keeps the finer data, and draws every country again.
    const n = loads('borders').length;
    for (let i = 0; i < 3; i++) {
      const before = await hashZoom();
      await page.locator('.leaflet-control-zoom-out').click();
      await page.waitForFunction((z) => Number(new URLSearchParams(location.hash.slice(1)).get('map').split('/')[0]) < z, before);
    }
    await page.waitForTimeout(800);
    assert.equal(loads('borders').length, n, 'no load on zooming out');
    assert.deepEqual(await filled(named), named.map((n) => n.text), 'every country named at the start is filled again');
    const again = await drawnCount(page, 'borders');
    assert.ok(Math.abs(again - drawn) < 0.02 * drawn, `as much land painted as at the start, at finer detail (${again} and ${drawn} pixels)`);
    check();
    await context.close();
  });

  test('a series of drags rewrites the URL once the map is still, not at every step, and the URL then holds the view', async () => {
    setup();
    const { page, check, context } = await openPage(browser);
    await page.addInitScript(() => {
      window.__urlWrites = 0;
      const replace = window.history.replaceState.bind(window.history);
      window.history.replaceState = (...args) => {
        window.__urlWrites += 1;
        return replace(...args);
      };
    });
    await gotoMap(page, server.url, '#map=6/38/66&layers=borders');
    await page.waitForTimeout(800);
    const view = () => page.evaluate(() => new URLSearchParams(window.location.hash.slice(1)).get('map').split('/').map(Number));
    const writes = () => page.evaluate(() => window.__urlWrites);
    const [zoom, lat, lng] = await view();
    const before = await writes();
    const box = await page.locator('#map').boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const drags = 4;
    const dx = 80;
    for (let i = 0; i < drags; i++) {
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      await page.mouse.move(cx - dx, cy, { steps: 4 });
      // Held still before letting go, so the map stops where it is let go.
      await page.waitForTimeout(80);
      await page.mouse.up();
    }
    const moved = drags * dx * (360 / (256 * 2 ** zoom));
    const after = await eventually(async () => {
      const [z, la, ln] = await view();
      return z === zoom && Math.abs(la - lat) < 0.05 && Math.abs(ln - (lng + moved)) < moved * 0.05;
    }, true, 5000);
    assert.ok(after, `the URL holds the view ${drags * dx} px east of ${lat}/${lng}: ${(await view()).join('/')}`);
    await page.waitForTimeout(800);
    const n = (await writes()) - before;
    assert.ok(n >= 1 && n <= 2, `${drags} drags in a row rewrote the URL ${n} times`);
    check();
    await context.close();
  });

  test('unchecking a layer removes its features and checking restores them', async () => {
    setup();
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url);
    for (const id of LAYERS.filter((l) => cols.has(l))) {
      const box = page.locator(`#layer-toggle-${id}`);
      const before = await drawnCount(page, id);
      if (cols.get(id).itemCount > 0) assert.ok(before > 0, `${id}: drawn at start (${before})`);
      await box.uncheck();
      assert.equal(await settledCount(page, id, (n) => n === 0), 0, `${id}: nothing drawn when unchecked`);
      if (id === 'rivers') assert.equal(await paintedPixels(page, 'lakes'), 0, 'no lake painted without the rivers and lakes');
      assert.match(page.url(), new RegExp(`layers=(?![^&]*\\b${id}\\b)`), `${id}: left out of the URL`);
      await box.check();
      assert.equal(await settledCount(page, id, (n) => n === before), before, `${id}: drawn again when checked`);
      if (id === 'rivers') assert.ok(await paintedPixels(page, 'lakes') > 0, 'the lakes painted again');
    }
    check();
    await context.close();
  });

  test('clicking an incident shows its details and sources', async (t) => {
    setup();
    if (!cols.get('incidents').itemCount) assert.fail('the incidents layer is empty: nothing to click');
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url);
    const { x, y } = await clickableIncident(page);
    await page.mouse.click(x, y);
    const details = page.locator('#details');
    await details.waitFor({ state: 'visible' });
    const fid = await details.getAttribute('data-feature');
    const res = await fetch(`${server.url}/api/collections/incidents/items/${encodeURIComponent(fid)}`);
    assert.equal(res.status, 200, `GET item ${fid}`);
    const feature = await res.json();
    assert.equal(await page.locator('#details-title').textContent(), feature.properties.title);
    const link = details.locator('.details-sources a.source-link').first();
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.match(await link.getAttribute('href'), /^https?:\/\//);
    assert.ok(await details.locator('dl.details-props dt').count() > 0, 'properties listed');
    assert.match(page.url(), new RegExp(`sel=incidents/${encodeURIComponent(fid)}`), 'selection in the URL');

    // Keyboard: a line feature can be reached with Tab and opened with Enter.
    const line = page.locator('.leaflet-railways-pane path[role="button"]').first();
    await line.focus();
    await page.keyboard.press('Enter');
    assert.equal(await details.getAttribute('data-layer'), 'railways', 'Enter opens the focused feature');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'details-title', 'focus moves to the details');
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('role')), 'button', 'focus returns to the feature');
    await page.goBack();
    await details.waitFor({ state: 'visible' });
    assert.equal(await details.getAttribute('data-layer'), 'railways');
    await page.goBack();
    await page.waitForFunction((f) => document.querySelector('#details').dataset.feature === f, fid);

    await details.locator('.details-close').click();
    await details.waitFor({ state: 'hidden' });
    await page.goBack();
    await details.waitFor({ state: 'visible' });
    assert.equal(await details.getAttribute('data-feature'), fid, 'back reopens the feature');

    // The screenshot: the whole region, with this incident's details open.
    await gotoMap(page, server.url, `#map=5/38.6/66.4&sel=incidents/${encodeURIComponent(fid)}`);
    await details.waitFor({ state: 'visible' });
    await page.mouse.move(1, 899);
    await page.waitForTimeout(300);
    const shot = await screenshotPath('screenshot.png');
    await page.screenshot({ path: shot });
    t.diagnostic(`saved ${shot}`);
    check();
    await context.close();
  });

  test('each layer downloads as GeoJSON, CSV and KML, named for what it holds', async () => {
    setup();
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url);
    const day = new Date().toISOString().slice(0, 10);
    for (const id of ['incidents', 'borders']) {
      const row = page.locator(`.layer-row[data-layer="${id}"]`);
      await row.locator('.layer-download').click();
      const want = cols.get(id).itemCount;
      const get = async (f) => {
        const link = row.locator(`.layer-format-${f}`);
        const box = await link.boundingBox();
        const panel = await page.locator('.casmap-panel').boundingBox();
        assert.ok(box && box.width > 30 && box.x + box.width <= panel.x + panel.width, `${id} ${f}: the button is whole (${JSON.stringify(box)})`);
        const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
        assert.equal(download.suggestedFilename(), `casmap-${id}-${day}.${f}`, `${id} ${f}: file name`);
        return readFile(await download.path(), 'utf8');
      };
      const body = JSON.parse(await get('geojson'));
      assert.equal(body.type, 'FeatureCollection');
      assert.equal(body.features.length, want, `${id}: features in the GeoJSON`);
      const csv = (await get('csv')).trim().split(/\r?\n/);
      assert.match(csv[0], /^id,/, `${id}: CSV header`);
      const kml = await get('kml');
      assert.equal((kml.match(/<Placemark[ >]/g) || []).length, want, `${id}: placemarks in the KML`);
    }
    check();
    await context.close();
  });

  test('data is shown as text, never as markup', async () => {
    setup();
    const { page, check, context, requests } = await openPage(browser);
    const evil = '<img src=x onerror="document.body.dataset.pwned=1">';
    const hostile = {
      type: 'FeatureCollection',
      features: [{
        type: 'Feature',
        id: 'evil',
        geometry: { type: 'Point', coordinates: [69.2, 34.5] },
        properties: {
          title: evil,
          date: '2022-05-01',
          category: 'attack',
          confidence: 'confirmed',
          precision: 'town',
          actor: '<script>document.body.dataset.pwned=2</script>',
          summary: '<b>bold?</b>',
          sources: [
            { title: 'bad link', url: 'javascript:document.body.dataset.pwned=3' },
            { title: '<i>good</i> link', publisher: 'P', url: 'https://example.org/a', date: '2022-05-02' },
          ],
        },
      }],
      numberMatched: 1,
      numberReturned: 1,
    };
    await page.route('**/api/collections/incidents/items?*', (route) => route.fulfill({
      status: 200, contentType: 'application/geo+json', body: JSON.stringify(hostile),
    }));
    await gotoMap(page, server.url, '#sel=incidents/evil');
    const details = page.locator('#details');
    await details.waitFor({ state: 'visible' });
    assert.equal(await page.locator('#details-title').textContent(), evil);
    assert.equal(await details.locator('img, script, b, i').count(), 0, 'no elements from data');
    assert.ok((await details.textContent()).includes('<script>'), 'markup shown as text');
    const links = details.locator('.details-sources a');
    assert.equal(await links.count(), 1, 'only the http(s) source is a link');
    assert.equal(await links.first().getAttribute('href'), 'https://example.org/a');
    assert.equal(await page.evaluate(() => document.body.dataset.pwned), undefined);
    assert.ok(!requests.some((u) => new URL(u).pathname === '/x'), 'the img was never loaded');
    check();
    await context.close();
  });

  test('a failing API shows a readable message on the page', async () => {
    setup();
    const { page, context, requests } = await openPage(browser);
    await page.route('**/api/collections/tapi/items?*', (route) => route.fulfill({
      status: 503,
      contentType: 'application/problem+json',
      body: JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'the store is busy' }),
    }));
    await gotoMap(page, server.url);
    const banner = page.getByRole('alert');
    await banner.waitFor({ state: 'visible' });
    const text = await banner.textContent();
    assert.match(text, /TAPI gas pipeline|tapi/);
    assert.match(text, /503/);
    assert.match(text, /the store is busy/);
    assert.equal(await page.locator('.layer-row[data-layer="tapi"]').getAttribute('class'), 'layer-row has-error');
    assert.equal(await page.locator('.layer-row[data-layer="borders"] .layer-count').textContent(), String(cols.get('borders').itemCount),
      'the other layers still load');
    await banner.getByRole('button', { name: 'Dismiss message' }).click();
    await banner.waitFor({ state: 'hidden' });
    assert.deepEqual(requests.filter((u) => !u.startsWith(server.url)), [], 'no request left the server');
    await context.close();
  });

  test('fits a 390x844 phone: no sideways scroll, the panel folds into a button', async () => {
    setup();
    const { page, check, context } = await openPage(browser, { width: 390, height: 844 });
    await gotoMap(page, server.url);
    const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(width <= 390, `scrollWidth ${width} <= 390`);
    const toggle = page.locator('.casmap-panel-toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('#layer-toggle-borders').isVisible(), false, 'list folded');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const box = page.locator('#layer-toggle-gbao');
    await box.uncheck();
    assert.equal(await settledCount(page, 'gbao', (n) => n === 0), 0);
    await box.check();
    assert.ok(await settledCount(page, 'gbao', (n) => n > 0) > 0);
    const panel = await page.locator('.casmap-panel').boundingBox();
    assert.ok(panel.x >= 0 && panel.x + panel.width <= 390, `panel inside the screen: ${JSON.stringify(panel)}`);
    const after = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(after <= 390, `scrollWidth ${after} <= 390 with the panel open`);
    check();
    await context.close();
  });
});
