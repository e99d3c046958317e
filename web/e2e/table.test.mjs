// The event table beside the map, in a real browser against the real
// binary: the incidents the filter selects, sorted by date, fatalities,
// country and confidence as a person reads the column; a row selects its
// marker and a marker its row; "Only those in view" follows the map; the
// CSV holds the rows shown, in their order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  api, clickableIncident, eventually, gotoMap, matchedCount, openPage, screenshotPath, showHash, useCasmap,
} from './harness.mjs';

const RANK = { Confirmed: 0, Reported: 1, Claimed: 2, Disputed: 3 };

// rows reads the table as a person sees it: one object per row.
function rows(page) {
  return page.locator('#table .event-row').evaluateAll((trs) => trs.map((tr) => {
    const cell = (k) => tr.querySelector(`td.col-${k}`).textContent;
    return {
      id: tr.dataset.id, date: cell('date'), title: cell('title'), country: cell('country'),
      killed: cell('fatalities'), confidence: cell('confidence'), selected: tr.getAttribute('aria-selected') === 'true',
    };
  }));
}

// sorted reports whether list is ordered by cmp (each pair in order).
const sorted = (list, cmp) => list.every((x, i) => i === 0 || cmp(list[i - 1], x) <= 0);

// viewBBox is the bbox of the map's view as the page asks the API for it.
async function viewBBox(page) {
  return new URL(await page.locator('.download-view-geojson').getAttribute('href'), 'http://x').searchParams.get('bbox');
}

/** csvRecords splits CSV text into records of fields (RFC 4180 quoting). */
function csvRecords(text) {
  const out = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); out.push(row); row = []; field = '';
    } else field += c;
  }
  if (field || row.length) { row.push(field); out.push(row); }
  return out;
}

describe('event table', () => {
  const app = useCasmap();

  test('lists the filtered incidents and sorts them by date, fatalities, country and confidence', async () => {
    const { server, browser } = app();
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url, '#from=2022-01-01&to=2023-12-31');
    await page.locator('.casmap-table-toggle').click();
    const table = page.locator('#table');
    await table.waitFor({ state: 'visible' });
    const want = await matchedCount(server.url, 'datetime=2022-01-01/2023-12-31');
    let list = await rows(page);
    assert.equal(list.length, want, 'one row per incident the filter selects');
    assert.equal(await table.locator('.table-count').textContent(), `${want} shown`);
    assert.match(page.url(), /table=1/, 'the open table is in the URL');
    assert.ok(sorted(list, (a, b) => b.date.localeCompare(a.date)), 'newest first at the start');
    assert.equal(await table.locator('th.col-date').getAttribute('aria-sort'), 'descending');

    const sortBy = async (key) => table.locator(`button.table-sort[data-key="${key}"]`).click();
    await sortBy('date');
    list = await rows(page);
    assert.ok(sorted(list, (a, b) => a.date.localeCompare(b.date)), 'oldest first after a click on Date');
    assert.equal(await table.locator('th.col-date').getAttribute('aria-sort'), 'ascending');

    await sortBy('fatalities');
    list = await rows(page);
    const known = list.filter((r) => r.killed !== '–');
    assert.ok(known.length > 5, 'some tolls are known');
    assert.ok(sorted(known, (a, b) => Number(b.killed) - Number(a.killed)), 'most killed first');
    assert.ok(list.slice(known.length).every((r) => r.killed === '–'), 'unknown tolls last');
    assert.equal(await table.locator('th.col-fatalities').getAttribute('aria-sort'), 'descending');

    await sortBy('country');
    list = await rows(page);
    assert.ok(new Set(list.map((r) => r.country)).size > 2, 'several countries');
    assert.ok(sorted(list, (a, b) => a.country.localeCompare(b.country)), 'countries A to Z, by name');
    assert.ok(list.some((r) => r.country === 'Afghanistan'), 'country names, not codes');

    await sortBy('confidence');
    list = await rows(page);
    assert.ok(sorted(list, (a, b) => RANK[a.confidence] - RANK[b.confidence]), 'confirmed first, disputed last');
    await sortBy('confidence');
    list = await rows(page);
    assert.ok(sorted(list, (a, b) => RANK[b.confidence] - RANK[a.confidence]), 'and the other way on a second click');

    // The filter changes, the table follows.
    await page.locator('.filter-multi-category input[value="attack"] + label').click();
    const attacks = await matchedCount(server.url, 'datetime=2022-01-01/2023-12-31&category=attack');
    assert.equal(await eventually(async () => (await rows(page)).length, attacks), attacks, 'only attacks once the filter says so');
    check();
    await context.close();
  });

  test('a row selects its marker on the map, and a marker its row', async (t) => {
    const { server, browser } = app();
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url, '#map=5/38/66&table=1');
    await page.locator('#table .event-row').first().waitFor();
    const row = page.locator('#table .event-row').nth(3);
    const fid = await row.getAttribute('data-id');
    await row.click();
    const details = page.locator('#details');
    await details.waitFor({ state: 'visible' });
    assert.equal(await details.getAttribute('data-feature'), fid, 'the row opens its incident');
    assert.equal(await row.getAttribute('aria-selected'), 'true', 'the row is marked');
    // The map zooms until the marker is drawn on its own, highlighted.
    const marker = page.locator(`.leaflet-incidents-pane path.casmap-incident[data-id="${fid}"]`);
    await marker.waitFor({ timeout: 10_000 });
    assert.equal(await eventually(() => marker.getAttribute('stroke-width'), '4'), '4', 'the marker is highlighted');
    assert.equal(await marker.getAttribute('stroke'), '#111111');
    const box = await marker.boundingBox();
    const mapBox = await page.locator('#map').boundingBox();
    assert.ok(box.y > mapBox.y && box.y + box.height < mapBox.y + mapBox.height, 'the marker is in view, above the table');
    const shot = await screenshotPath('table.png');
    await page.screenshot({ path: shot });
    t.diagnostic(`saved ${shot}`);

    // The reverse: a click on another marker marks its row and brings it into view.
    await page.locator('#details .details-close').click();
    await showHash(page, '#map=6/37/67&table=1');
    const { x, y } = await clickableIncident(page);
    await page.mouse.click(x, y);
    await details.waitFor({ state: 'visible' });
    const other = await details.getAttribute('data-feature');
    const marked = page.locator(`#table .event-row[data-id="${other}"]`);
    assert.equal(await eventually(() => marked.getAttribute('aria-selected'), 'true'), 'true', 'its row is marked');
    assert.equal(await page.locator('#table .event-row[aria-selected="true"]').count(), 1, 'only that row');
    const scroll = await page.locator('#table .table-scroll').boundingBox();
    const rb = await marked.boundingBox();
    assert.ok(rb.y >= scroll.y - 1 && rb.y + rb.height <= scroll.y + scroll.height + 1, `the row is scrolled into view (${JSON.stringify(rb)} in ${JSON.stringify(scroll)})`);
    check();
    await context.close();
  });

  test('"Only those in view" follows the map, and the CSV holds the rows shown', async () => {
    const { server, browser } = app();
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url, '#map=7/37.0/68.5&table=1&confidence=confirmed');
    await page.locator('#table .event-row').first().waitFor();
    const all = (await rows(page)).length;
    assert.equal(all, await matchedCount(server.url, 'confidence=confirmed'), 'all the filtered incidents, in view or not');
    await page.locator('#table-follow').check();
    const inView = async () => matchedCount(server.url, `confidence=confirmed&bbox=${await viewBBox(page)}`);
    let want = await inView();
    assert.ok(want > 0 && want < all, `some incidents in view (${want} of ${all})`);
    assert.equal(await eventually(async () => (await rows(page)).length, want), want, 'only those in view');

    // A drag: the rows still in view are the same rows (they do not
    // blink, and a row being read stays put); the others come and go.
    const before = new Set((await rows(page)).map((r) => r.id));
    await page.locator('#table .event-row').evaluateAll((trs) => trs.forEach((tr) => { tr.dataset.before = '1'; }));
    const mapBox = await page.locator('#map').boundingBox();
    await page.mouse.move(mapBox.x + mapBox.width / 2, mapBox.y + mapBox.height / 2);
    await page.mouse.down();
    await page.mouse.move(mapBox.x + mapBox.width / 2 - 400, mapBox.y + mapBox.height / 2 - 100, { steps: 8 });
    await page.waitForTimeout(80);
    await page.mouse.up();
    await page.waitForTimeout(300);
    const bbox = await viewBBox(page);
    const ids = (await api(server.url, `/api/collections/incidents/items?confidence=confirmed&limit=10000&bbox=${bbox}`)).features.map((f) => String(f.id)).sort();
    const shownIds = async () => (await rows(page)).map((r) => r.id).sort().join(',');
    assert.equal(await eventually(shownIds, ids.join(',')), ids.join(','), 'the rows follow the drag');
    assert.ok(ids.some((id) => !before.has(id)) || ids.length < before.size, `the drag changed which incidents are in view (${before.size} then ${ids.length})`);
    const stayed = ids.filter((id) => before.has(id)).length;
    const kept = await page.locator('#table .event-row[data-before="1"]').count();
    assert.ok(stayed > 0, `some rows stay in view (${stayed})`);
    assert.equal(kept, stayed, `the ${stayed} rows still in view are the same rows`);

    // Pan to Kyrgyzstan: the rows follow.
    await showHash(page, '#map=7/41.0/73.5&table=1&confidence=confirmed');
    want = await inView();
    assert.equal(await eventually(async () => (await rows(page)).length, want), want, 'the rows follow the map');
    const shown = await rows(page);
    assert.ok(shown.every((r) => r.country === 'Kyrgyzstan' || r.country === 'Tajikistan' || r.country === 'Uzbekistan'), `Fergana valley rows: ${[...new Set(shown.map((r) => r.country))]}`);

    // The CSV: the rows shown, in the order shown, with their sources.
    await page.locator('#table button.table-sort[data-key="country"]').click();
    const order = (await rows(page)).map((r) => r.id);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#table .table-csv').click()]);
    const day = new Date().toISOString().slice(0, 10);
    assert.equal(download.suggestedFilename(), `casmap-incidents-table-confirmed-view-${day}.csv`, 'the name says filter and view');
    const records = csvRecords(await readFile(await download.path(), 'utf8')).filter((r) => r.length > 1);
    const head = records[0];
    assert.deepEqual(head.slice(0, 3), ['id', 'date', 'title'], 'CSV header');
    assert.deepEqual(records.slice(1).map((r) => r[0]), order, 'the rows shown, in their order');
    const url = head.indexOf('url');
    assert.ok(records.slice(1).every((r) => /^https?:\/\//.test(r[url])), 'each row with its first source');
    await page.locator('#table-follow').uncheck();
    assert.equal(await eventually(async () => (await rows(page)).length, all), all, 'unticked: every filtered incident again');
    check();
    await context.close();
  });
});
