// Incident filters, shareable URL state and search, in a real browser
// against the real binary. Filter counts are checked against the server's
// own answer to the same query, so page and API agree on what matches.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  api, choose, eventually, gotoMap, openPage, setField, useCasmap,
} from './harness.mjs';

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
    const history = await page.evaluate(() => window.history.length);
    // Typed key by key, a field is not applied (nor written to history) until Enter.
    const count = page.locator('.layer-row[data-layer="incidents"] .layer-count');
    await page.locator('#filter-fmin').pressSequentially('100');
    await page.waitForTimeout(300);
    assert.equal(await count.getAttribute('data-count'), String(total), 'nothing applied while typing');
    assert.equal(await page.evaluate(() => window.history.length), history, 'no history while typing');
    await page.locator('#filter-fmin').press('Enter');
    const killed = String(await matched('fatalities=100/..').catch(() => null) ?? incidents.filter((x) => x.properties.fatalities >= 100).length);
    assert.equal(await eventually(() => count.getAttribute('data-count'), killed), killed, 'applied on Enter');
    await page.locator('#filter-fmin').fill('');
    await page.locator('#filter-fmin').press('Enter');
    assert.equal(await eventually(() => count.getAttribute('data-count'), String(total)), String(total), 'cleared');
    const base = await page.evaluate(() => window.history.length);
    await setField(page, 'filter-from', from);
    await setField(page, 'filter-to', to);
    assert.equal(await eventually(() => count.getAttribute('data-count'), String(want)), String(want), `shown incidents for ${year}`);
    assert.equal(await page.evaluate(() => window.history.length), base + 2, 'one history entry per committed date');
    assert.equal(await page.locator('.filter-summary').textContent(), want === total ? `${total} incidents` : `${want} of ${total} incidents`);
    await page.locator('.layer-row[data-layer="incidents"] .layer-download').click();
    const link = page.locator('.layer-row[data-layer="incidents"] .layer-format-geojson');
    const href = await link.getAttribute('href');
    assert.equal(new URL(href, server.url).searchParams.get('datetime'), `${from}/${to}`, 'download carries the filter');
    assert.match(page.url(), new RegExp(`from=${from}&to=${to}`));
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const day = new Date().toISOString().slice(0, 10);
    assert.equal(download.suggestedFilename(), `casmap-incidents-${from}_${to}-${day}.geojson`, 'the name says the range');
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
    const two = incidents.map((x) => x.properties.category).find((c) => c !== p.category);
    await choose(page, 'category', p.category);
    let want = String(await matched(`category=${p.category}`));
    assert.equal(await eventually(() => count.getAttribute('data-count'), want), want, 'by category');
    // Two types: either of them (the server is asked one at a time).
    await choose(page, 'category', two);
    want = String(await matched(`category=${p.category}`) + await matched(`category=${two}`));
    assert.equal(await eventually(() => count.getAttribute('data-count'), want), want, `${p.category} or ${two}`);
    assert.match(page.url(), new RegExp(`category=(${p.category},${two}|${two},${p.category})`), 'both in the URL');
    await choose(page, 'category', two, false);
    await choose(page, 'confidence', p.confidence);
    want = String(await matched(`category=${p.category}&confidence=${p.confidence}`));
    assert.equal(await eventually(() => count.getAttribute('data-count'), want), want, 'by category and confidence');
    if (p.actor) {
      await page.locator('.filter-multi-actor .filter-multi-find').fill(p.actor.slice(0, 6));
      await choose(page, 'actor', p.actor);
      const q = new URLSearchParams({ category: p.category, confidence: p.confidence, actor: p.actor });
      want = String(await matched(q.toString()));
      assert.equal(await eventually(() => count.getAttribute('data-count'), want), want, 'and by actor');
    }
    const drawn = await page.locator('.leaflet-incidents-pane path.casmap-incident, .leaflet-incidents-pane .casmap-cluster').count();
    assert.ok(drawn > 0, 'the matching incidents are drawn');
    check();
    await context.close();
  });

  test('an actor group brings ISKP and its linked cells together; countries are chosen several at a time', async () => {
    setup();
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url);
    const count = page.locator('.layer-row[data-layer="incidents"] .layer-count');
    const byName = String(await matched('actor=ISKP'));
    const byGroup = await matched('actor_group=ISKP');
    assert.ok(byGroup > Number(byName), `the group (${byGroup}) holds more than the exact name (${byName})`);
    await choose(page, 'actor_group', 'ISKP');
    assert.equal(await eventually(() => count.getAttribute('data-count'), String(byGroup)), String(byGroup), 'by actor group');
    const countries = page.locator('.filter-multi-country .filter-multi-item');
    const label = (code) => countries.filter({ has: page.locator(`input[value="${code}"]`) }).locator('.filter-multi-label');
    assert.match(await label('RUS').textContent(), /^Russia\d*$/, 'countries listed by name, with their count');
    assert.match(await label('DEU').textContent(), /^Germany\d*$/, 'countries beyond the borders layer by name too');
    const codes = (await countries.locator('.filter-multi-label').allTextContents()).filter((t) => /^[A-Z]{3}\d*$/.test(t));
    assert.deepEqual(codes, [], 'no country listed by its code');
    await choose(page, 'country', 'RUS');
    await choose(page, 'country', 'DEU');
    const want = String(await matched('actor_group=ISKP&country=RUS,DEU'));
    assert.equal(await eventually(() => count.getAttribute('data-count'), want), want, 'ISKP in Russia or Germany');
    assert.match(page.url(), /actor_group=ISKP/);
    assert.match(page.url(), /country=(RUS,DEU|DEU,RUS)/);
    await page.locator('.casmap-table-toggle').click();
    await page.locator('#table').waitFor({ state: 'visible' });
    const titles = await page.locator('#table .event-row td.col-title').allTextContents();
    assert.equal(titles.length, Number(want), 'one row each');
    assert.deepEqual([...new Set(await page.locator('#table .event-row td.col-country').allTextContents())].sort(), ['Germany', 'Russia']);
    for (const t of ['Crocus City Hall attack near Moscow', 'Suspected ISKP plot against Cologne Cathedral at New Year']) {
      assert.ok(titles.includes(t), `${t} (not by the name "ISKP" alone) is listed`);
    }
    check();
    await context.close();
  });

  test('dragging across the timeline chooses a range of months, committed once', async () => {
    setup();
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url);
    const bars = page.locator('.histogram-bar');
    await page.locator('.histogram').scrollIntoViewIfNeeded();
    const n = await bars.count();
    assert.ok(n > 6, `monthly bars drawn (${n})`);
    const first = await bars.nth(1).boundingBox();
    const last = await bars.nth(5).boundingBox();
    const months = await bars.evaluateAll((b) => b.map((x) => x.dataset.month));
    const history = await page.evaluate(() => window.history.length);
    await page.mouse.move(first.x + first.width / 2, first.y + first.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(first.x + ((last.x - first.x) * i) / 5 + 1, first.y + first.height / 2);
    assert.equal(await page.locator('#filter-from').inputValue(), '', 'nothing committed while dragging');
    await page.mouse.up();
    const from = `${months[1]}-01`;
    assert.equal(await eventually(() => page.locator('#filter-from').inputValue(), from), from);
    const to = await page.locator('#filter-to').inputValue();
    assert.match(to, new RegExp(`^${months[5]}-(28|29|30|31)$`), 'to the end of the last month');
    assert.equal(await page.evaluate(() => window.history.length), history + 1, 'one history entry for the drag');
    const want = String(await matched(`datetime=${from}/${to}`));
    const count = page.locator('.layer-row[data-layer="incidents"] .layer-count');
    assert.equal(await eventually(() => count.getAttribute('data-count'), want), want, 'what the API matches');
    assert.equal(await bars.nth(0).evaluate((b) => b.classList.contains('is-out')), true, 'bars outside are greyed');
    // "As of" follows the end of the range until set on its own.
    assert.match(await page.locator('.infra-asof').textContent(), new RegExp(to));
    await setField(page, 'filter-asof', '2015-06-01');
    assert.equal(await eventually(() => page.locator('.infra-asof').textContent(), 'Infrastructure as of 2015-06-01'), 'Infrastructure as of 2015-06-01');
    assert.equal(await page.locator('#filter-to').inputValue(), to, 'the range stays');
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

  test('a layer turned off just after a zoom is a step of its own: Back turns it on again, at the new zoom', async () => {
    setup();
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url, '#map=6/38/68');
    const entries = await page.evaluate(() => window.history.length);
    // The click on the layer comes as soon as the zoom has ended, before
    // the page writes the new view into the URL (it waits for the map to
    // settle).
    const zoomedThenToggled = await page.evaluate(async () => {
      const pane = document.querySelector('.leaflet-map-pane');
      const frame = () => new Promise((resolve) => { requestAnimationFrame(resolve); });
      document.querySelector('.leaflet-control-zoom-in').click();
      let waited = 0;
      while (!pane.classList.contains('leaflet-zoom-anim') && waited++ < 120) await frame();
      const animated = pane.classList.contains('leaflet-zoom-anim');
      while (pane.classList.contains('leaflet-zoom-anim')) await frame();
      const hashBefore = window.location.hash;
      document.querySelector('#layer-toggle-railways').click();
      return { animated, hashBefore };
    });
    assert.ok(zoomedThenToggled.animated, 'the zoom was animated, so the click came right after it ended');
    assert.match(zoomedThenToggled.hashBefore, /map=6\//, 'the new view was not yet in the URL when the layer was turned off');
    const params = () => page.evaluate(() => Object.fromEntries(new URLSearchParams(window.location.hash.slice(1))));
    assert.equal(await page.evaluate(() => window.history.length), entries + 1, 'turning the layer off is one new history entry');
    let now = await params();
    assert.match(now.map, /^7\//, 'at the new zoom');
    assert.ok(!now.layers.split(',').includes('railways'), `without railways: ${now.layers}`);

    await page.goBack();
    await page.waitForFunction(() => document.querySelector('#layer-toggle-railways')?.checked);
    now = await params();
    assert.match(now.map, /^7\//, 'Back keeps the zoom, which belongs to the entry it was made in');
    assert.ok(now.layers.split(',').includes('railways'), `railways again: ${now.layers}`);
    assert.ok(await page.locator('.leaflet-railways-pane path').count() > 0, 'and drawn');
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
