// The map at scale: with 50,000 synthetic incidents (casmap gen) the page
// must not load the layer whole. Zoomed out it draws the server's clusters,
// whose counts add up to what the panel says; zoomed into a city it draws
// single incidents, a bounded page of them per view.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  api, eventually, gotoMap, incidentCount, matchedCount, openPage, useCasmap,
} from './harness.mjs';
import { paintedPixels } from './map-view.mjs';

const GENERATED = 50000;
const VIEW_LIMIT = 5000;

const gen = (bin, db) => promisify(execFile)(bin, ['gen', '--incidents', String(GENERATED), '--db', db], { timeout: 120_000 });

// clusterCounts returns the counts of the cluster markers drawn.
function clusterCounts(page) {
  return page.locator('.leaflet-incidents-pane .casmap-scale-cluster')
    .evaluateAll((els) => els.map((p) => Number(p.dataset.count)));
}

// incidentRequests returns the items and clusters requests for incidents.
function incidentRequests(requests) {
  return requests.map((u) => new URL(u)).filter((u) => /^\/api\/collections\/incidents\/(items|clusters)$/.test(u.pathname));
}

// geographyAsks returns, per layer, the zooms its items were asked at ('full' without zoom).
function geographyAsks(requests, layers) {
  const asks = Object.fromEntries(layers.map((id) => [id, []]));
  for (const u of requests.map((r) => new URL(r))) {
    const m = /^\/api\/collections\/([^/]+)\/items$/.exec(u.pathname);
    if (m && m[1] in asks) asks[m[1]].push(u.searchParams.get('zoom') || 'full');
  }
  return asks;
}

// incidentStats returns the stats requests for incidents.
function incidentStats(requests) {
  return requests.map((u) => new URL(u)).filter((u) => u.pathname === '/api/collections/incidents/stats');
}

describe('map at scale', () => {
  const app = useCasmap({ prepare: gen });

  test('clusters when zoomed out, single incidents in a city, never the whole layer', async () => {
    const { server, browser, cols } = app();
    assert.ok(cols.get('incidents').itemCount > GENERATED, `incidents: ${cols.get('incidents').itemCount}`);
    const { page, check, context, requests } = await openPage(browser);
    const started = Date.now();
    await gotoMap(page, server.url);
    const readyMs = Date.now() - started;

    const counts = await clusterCounts(page);
    assert.ok(counts.length > 0, 'cluster markers are drawn');
    const sum = counts.reduce((a, b) => a + b, 0);
    const total = cols.get('incidents').itemCount;
    assert.equal(await eventually(() => incidentCount(page), String(total)), String(total), 'the panel counts the whole layer');
    assert.ok(sum > 0 && sum <= total, `the clusters in view hold ${sum} of ${total}`);
    assert.equal(await page.locator('.leaflet-incidents-pane path.casmap-incident').count(), 0, 'no single incidents');
    const label = await page.locator('.casmap-scale-count').first().textContent();
    assert.match(label, /^\d+$/, 'a cluster is labelled with its count');
    const look = await page.locator('.leaflet-incidents-pane .casmap-scale-cluster').first().evaluate((el) => {
      const s = getComputedStyle(el);
      return { background: s.backgroundColor, radius: s.borderRadius, color: s.color };
    });
    assert.match(look.background, /^rgba?\((\d+), (\d+), (\d+)(, 0\.[5-9]\d*)?\)$/, `drawn as a filled circle: ${JSON.stringify(look)}`);
    assert.equal(look.radius, '50%', 'round');
    assert.equal(look.color, 'rgb(255, 255, 255)', 'a white number on it');
    assert.match(await page.locator('.legend').textContent(), /dark numbered circle/, 'as the legend says');

    // The histogram, the actor list and the legend counts come from the
    // server's stats, not from features loaded: all there at this size.
    const bars = page.locator('.histogram-bar');
    await page.waitForFunction(() => document.querySelectorAll('.histogram-bar').length > 12);
    const barSum = (await bars.evaluateAll((els) => els.map((b) => Number((/: (\d+) incident/.exec(b.title) || [0, 0])[1])))).reduce((a, b) => a + b, 0);
    assert.ok(barSum > GENERATED, `the bars count the generated incidents (${barSum})`);
    const actors = page.locator('.filter-multi-actor .filter-multi-item');
    await page.waitForFunction(() => document.querySelectorAll('.filter-multi-actor .filter-multi-item').length > 5);
    assert.ok(await actors.count() > 5, 'the actor list is filled');
    const legendSum = (await page.locator('.legend-categories .legend-count').allTextContents()).reduce((a, b) => a + Number(b || 0), 0);
    assert.equal(legendSum, total, 'the legend counts add up to the layer');
    assert.ok(incidentStats(requests).length > 0, 'the page asked the stats');

    // A small drag redraws only what came into view: the clusters still in
    // view are the same marks, so they do not blink.
    await page.locator('.leaflet-incidents-pane .casmap-scale-cluster').evaluateAll((els) => els.forEach((el) => { el.dataset.before = '1'; }));
    const asked = incidentRequests(requests).length;
    const mapBox = await page.locator('#map').boundingBox();
    await page.mouse.move(mapBox.x + mapBox.width / 2, mapBox.y + mapBox.height / 2);
    await page.mouse.down();
    await page.mouse.move(mapBox.x + mapBox.width / 2 - 60, mapBox.y + mapBox.height / 2, { steps: 5 });
    await page.mouse.up();
    await eventually(() => incidentRequests(requests).length > asked, true);
    await page.waitForTimeout(500);
    const kept = await page.locator('.leaflet-incidents-pane .casmap-scale-cluster[data-before="1"]').count();
    const now = await page.locator('.leaflet-incidents-pane .casmap-scale-cluster').count();
    assert.ok(incidentRequests(requests).length > asked, 'the drag asked for the new view');
    assert.ok(kept > now / 2, `${kept} of ${now} clusters kept their marks across the drag`);

    // A zoom: every cell is new, so the marks move to the new clusters
    // instead of being made again, and each says its own cell's count.
    await page.locator('.leaflet-incidents-pane .casmap-scale-cluster').evaluateAll((els) => els.forEach((el) => { el.dataset.before = '1'; }));
    const had = await page.locator('.leaflet-incidents-pane .casmap-scale-cluster').count();
    const askedBeforeZoom = incidentRequests(requests).length;
    await page.locator('.leaflet-control-zoom-in').click();
    await eventually(() => incidentRequests(requests).length > askedBeforeZoom, true);
    const zoomedAsk = incidentRequests(requests).pop();
    assert.ok(zoomedAsk.pathname.endsWith('/clusters'), `one level in, still clusters: ${zoomedAsk.pathname}`);
    const want = (await api(server.url, `${zoomedAsk.pathname}${zoomedAsk.search}`)).features.map((f) => f.properties.count).sort((a, b) => a - b);
    const sorted = async () => (await clusterCounts(page)).sort((a, b) => a - b).join(',');
    assert.equal(await eventually(sorted, want.join(',')), want.join(','), 'the marks show the counts of the clusters the server has for the new view');
    const marks = await page.locator('.leaflet-incidents-pane .casmap-scale-cluster').evaluateAll((els) => els.map((el) => ({
      before: el.dataset.before === '1', count: el.dataset.count, label: el.getAttribute('aria-label'), text: el.textContent,
    })));
    assert.ok(marks.every((m) => m.text === m.count && m.label === `${m.count} incidents here`), 'each mark reads its own count');
    const moved = marks.filter((m) => m.before).length;
    assert.equal(moved, Math.min(had, marks.length), `${moved} of ${marks.length} marks are the ${had} drawn before the zoom, moved`);

    // An unchecked large layer sends nothing when the map moves.
    const before = incidentRequests(requests).length;
    await page.locator('#layer-toggle-incidents').uncheck();
    await page.evaluate(() => { window.location.hash = '#map=6/36/66&layers=borders'; });
    await page.waitForTimeout(800);
    await page.locator('.leaflet-control-zoom-in').click();
    await page.waitForTimeout(800);
    assert.equal(incidentRequests(requests).length, before, 'no incident requests while the layer is off');
    await page.goBack();
    await page.goBack();
    await page.locator('#layer-toggle-incidents').check();
    await page.locator('.leaflet-incidents-pane .casmap-scale-cluster').first().waitFor();

    // A cluster on top where it is drawn (the marks cover whole cells, some past the view's edge).
    const onTop = await page.locator('.leaflet-incidents-pane .casmap-scale-cluster').evaluateAll((els) => els.findIndex((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return Boolean(hit && hit.closest('.casmap-scale-cluster') === el);
    }));
    assert.ok(onTop >= 0, 'a cluster is in view and on top');
    await page.locator('.leaflet-incidents-pane .casmap-scale-cluster').nth(onTop).click({ force: true });
    const details = page.locator('.casmap-scale-details');
    await details.waitFor({ state: 'visible' });
    assert.match(await details.textContent(), /\d+ incidents.*: \d+/s, 'a cluster shows its categories');

    // Into Kabul: zoom 12, below which clusters end.
    await page.evaluate(() => { window.location.hash = '#map=12/34.53/69.17'; });
    const mode = () => page.locator('#map').getAttribute('data-scale-mode');
    assert.equal(await eventually(mode, 'items', 10_000), 'items', 'single incidents at zoom 12');
    const singles = await page.locator('.leaflet-incidents-pane path.casmap-incident').count();
    assert.ok(singles > 0 && singles <= VIEW_LIMIT, `single incidents drawn: ${singles}`);
    assert.equal(await page.locator('.leaflet-incidents-pane .casmap-scale-cluster').count(), 0, 'no clusters');
    const notice = page.locator('.casmap-scale-notice');
    const inView = await matchedCount(server.url, `bbox=${await page.evaluate(() => {
      const u = performance.getEntriesByType('resource').map((e) => new URL(e.name)).filter((x) => x.pathname.endsWith('/incidents/items') && x.searchParams.has('bbox')).pop();
      return u.searchParams.get('bbox');
    })}`);
    assert.equal(await notice.isVisible(), inView > singles, `notice shown when ${inView} match in view and ${singles} are drawn`);

    const loads = incidentRequests(requests);
    assert.ok(loads.some((u) => u.pathname.endsWith('/clusters')), 'clusters were asked for');
    for (const u of loads) {
      // Every request is bounded: a view (bbox) or a count (limit=1), never the layer.
      assert.ok(u.searchParams.has('bbox') || u.searchParams.get('limit') === '1', `${u.pathname}${u.search}: has a bbox or limit=1`);
      if (u.pathname.endsWith('/items')) {
        const limit = Number(u.searchParams.get('limit'));
        assert.ok(limit > 0 && limit <= VIEW_LIMIT, `${u.search}: limit ${limit} <= ${VIEW_LIMIT}`);
      }
    }
    const bytes = await page.evaluate(() => performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0));
    console.log(`scale: ${cols.get('incidents').itemCount} incidents, map ready in ${readyMs} ms, ${counts.length} clusters, ${bytes} bytes transferred in all`);
    check();
    await context.close();
  });

  test('geography the server sent whole is not asked for again closer in, and stays drawn', async () => {
    const { server, browser } = app();
    // Rivers come whole by zoom 9 (the server says so); borders do not.
    const said = async (id, zoom) => (await fetch(`${server.url}/api/collections/${id}/items?limit=10000&zoom=${zoom}`)).headers.get('x-geometry-simplified');
    assert.equal(await said('rivers', 9), 'false', 'rivers at zoom 9 are the stored lines');
    assert.equal(await said('borders', 9), 'true', 'borders at zoom 9 are simplified');
    const { page, check, context, requests } = await openPage(browser);
    // Termez, on the Amu Darya, at zoom 10: geography fetched at detail 9.
    await gotoMap(page, server.url, '#map=10/37.22/67.28&layers=borders,rivers');
    await eventually(() => geographyAsks(requests, ['rivers']).rivers.join(), '9');
    const riverPaths = () => page.locator('.leaflet-rivers-pane path').count();
    assert.ok(await riverPaths() > 0, 'the Amu Darya is drawn at zoom 10');
    const before = requests.length;
    const since = () => geographyAsks(requests.slice(before), ['borders', 'rivers']);

    await page.locator('.leaflet-control-zoom-in').click();
    // Borders are asked again for zoom 11; the rivers' refine would go at the same moment.
    assert.equal(await eventually(() => since().borders.join(), '11'), '11', 'borders are fetched finer at zoom 11');
    await page.waitForTimeout(600);
    assert.deepEqual(since().rivers, [], 'no rivers request from zoom 10 to 11: the page has them whole');
    assert.ok(await riverPaths() > 0, 'the rivers are still drawn at zoom 11');
    assert.ok(await paintedPixels(page, 'borders') > 0, 'the land is still painted at zoom 11');

    const zoomTo = async (z) => {
      await page.locator('.leaflet-control-zoom-in').click();
      await page.waitForFunction((want) => window.location.hash.startsWith(`#map=${want}/`), z);
    };
    await zoomTo(12);
    await zoomTo(13);
    assert.equal(await eventually(() => since().borders.join(), '11,full'), '11,full', 'borders are fetched unsimplified at zoom 13');
    await page.waitForTimeout(600);
    assert.deepEqual(since().rivers, [], 'nor at zoom 13');
    assert.ok(await riverPaths() > 0, 'the rivers are still drawn at zoom 13');
    check();
    await context.close();
  });
});
