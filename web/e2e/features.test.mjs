// Incident filters, shareable URL state and search, in a real browser
// against the real binary. Filter counts are checked against the server's
// own answer to the same query, so page and API agree on what matches.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { api, gotoMap, openPage, useCasmap } from './harness.mjs';

const fold = (s) => String(s).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

describe('filters, URL state and search', () => {
  const app = useCasmap();
  let server;
  let browser;
  let cols;
  let incidents = [];
  const setup = () => ({ server, browser, cols } = app());

  before(async () => {
    try {
      setup();
    } catch {
      return; // each test reports the setup error
    }
    incidents = (await api(server.url, '/api/collections/incidents/items?limit=10000')).features;
  });

  const matched = async (query) => (await api(server.url, `/api/collections/incidents/items?limit=1&${query}`)).numberMatched;

  test('a date range filters incidents like the API, and lives in the URL', async () => {
    setup();
    assert.ok(incidents.length > 0, 'the incidents layer has features');
    const year = incidents.map((f) => f.properties.date.slice(0, 4)).sort()[Math.floor(incidents.length / 2)];
    const [from, to] = [`${year}-01-01`, `${year}-12-31`];
    const want = await matched(`datetime=${from}/${to}`);
    const total = cols.get('incidents').itemCount;

    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url);
    await page.locator('#filter-from').fill(from);
    await page.locator('#filter-to').fill(to);
    const count = page.locator('.layer-row[data-layer="incidents"] .layer-count');
    assert.equal(await count.getAttribute('data-count'), String(want), `shown incidents for ${year}`);
    assert.equal(await page.locator('.filter-summary').textContent(), want === total ? `${total} incidents` : `${want} of ${total} incidents`);
    const href = await page.locator('.layer-row[data-layer="incidents"] .layer-download').getAttribute('href');
    assert.equal(new URL(href, server.url).searchParams.get('datetime'), `${from}/${to}`, 'download carries the filter');
    assert.match(page.url(), new RegExp(`from=${from}&to=${to}`));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.layer-row[data-layer="incidents"] .layer-download').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'incidents-filtered.geojson');
    const body = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(body.features.length, want, 'the download holds what is shown');

    // A shared link opens with the same filter.
    await page.reload();
    await page.waitForSelector('html[data-casmap-state="ready"]');
    assert.equal(await page.locator('#filter-from').inputValue(), from);
    assert.equal(await count.getAttribute('data-count'), String(want), 'same count after reload');

    // Back undoes the last change (the end date); forward redoes it.
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('#filter-to').value === '');
    assert.equal(await count.getAttribute('data-count'), String(await matched(`datetime=${from}/..`)), 'count with only a start date');
    await page.goForward();
    await page.waitForFunction((v) => document.querySelector('#filter-to').value === v, to);
    assert.equal(await count.getAttribute('data-count'), String(want));

    await page.locator('.filter-reset').click();
    assert.equal(await count.textContent(), String(total), 'cleared');
    check();
    await context.close();
  });

  test('category, confidence and actor filters match the API', async () => {
    setup();
    const p = incidents[0].properties;
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url);
    const count = page.locator('.layer-row[data-layer="incidents"] .layer-count');
    await page.locator('#filter-category').selectOption(p.category);
    assert.equal(await count.getAttribute('data-count'), String(await matched(`category=${p.category}`)), 'by category');
    await page.locator('#filter-confidence').selectOption(p.confidence);
    assert.equal(await count.getAttribute('data-count'),
      String(await matched(`category=${p.category}&confidence=${p.confidence}`)), 'by category and confidence');
    if (p.actor) {
      await page.locator('#filter-actor').selectOption(p.actor);
      const q = new URLSearchParams({ category: p.category, confidence: p.confidence, actor: p.actor });
      assert.equal(await count.getAttribute('data-count'), String(await matched(q.toString())), 'and by actor');
    }
    const drawn = await page.locator('.leaflet-incidents-pane path.casmap-incident, .leaflet-incidents-pane .casmap-cluster').count();
    assert.ok(drawn > 0, 'the matching incidents are drawn');
    check();
    await context.close();
  });

  test('a histogram bar filters to its quarter', async () => {
    setup();
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url);
    const bars = page.locator('.histogram-bar');
    assert.ok(await bars.count() > 0, 'histogram drawn');
    const label = await bars.first().getAttribute('aria-label');
    assert.match(label, /^\d{4} Q[1-4]: \d+ incidents?$/);
    await bars.first().click();
    const from = await page.locator('#filter-from').inputValue();
    const to = await page.locator('#filter-to').inputValue();
    assert.match(from, /^\d{4}-(01|04|07|10)-01$/);
    const n = Number(label.match(/: (\d+)/)[1]);
    const shown = Number(await page.locator('.layer-row[data-layer="incidents"] .layer-count').getAttribute('data-count'));
    assert.ok(shown >= n, `at least the ${n} starting in the quarter are shown (${shown}, ${from}..${to})`);
    check();
    await context.close();
  });

  test('the view, layers and selection round-trip through the URL', async () => {
    setup();
    const places = (await api(server.url, '/api/collections/places/items?limit=1')).features;
    assert.ok(places.length > 0, 'places exist');
    const place = places[0];
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url, `#map=7/39/70&layers=borders,places&sel=places/${encodeURIComponent(place.id)}`);
    assert.equal(await page.locator('#details-title').textContent(), place.properties.name || place.properties.title);
    assert.equal(await page.locator('#layer-toggle-incidents').isChecked(), false);
    assert.equal(await page.locator('.leaflet-incidents-pane path').count(), 0);
    const zoom = await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('map'));
    assert.match(zoom, /^7\/39(\.0+)?\/70(\.0+)?$/);
    check();
    await context.close();
  });

  test('search finds a place by any name, ignoring case and accents, from the keyboard', async () => {
    setup();
    const places = (await api(server.url, '/api/collections/places/items?limit=10000')).features;
    const withAccent = places.find((f) => f.properties.name && fold(f.properties.name) !== f.properties.name.toLowerCase());
    const target = withAccent || places.find((f) => f.properties.name);
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url);
    const input = page.getByRole('combobox', { name: 'Search places and features' });
    await input.fill(fold(target.properties.name).toUpperCase());
    const options = page.locator('#search-results').getByRole('option');
    await options.first().waitFor();
    const texts = await options.locator('.search-option-name').allTextContents();
    const index = texts.indexOf(target.properties.name);
    assert.ok(index >= 0, `"${target.properties.name}" in ${JSON.stringify(texts)}`);
    for (let i = 0; i < index; i++) await input.press('ArrowDown');
    assert.equal(await input.getAttribute('aria-activedescendant'), `search-option-${index}`);
    await input.press('Enter');
    await page.locator('#details').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#details-title').textContent(), target.properties.name);
    if (target.properties.name_ru) {
      await input.fill(target.properties.name_ru.slice(0, 4));
      await options.first().waitFor();
      assert.ok((await options.locator('.search-option-name').allTextContents()).length > 0, 'Russian name searched');
      await input.press('Escape');
      assert.equal(await page.locator('#search-results').isVisible(), false, 'Escape closes the list');
    }
    check();
    await context.close();
  });
});
