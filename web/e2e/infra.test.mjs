// Infrastructure as of a date, proximity, border distance, claimed versus
// confirmed, legend counts and "Download view", in a real browser against
// the real binary, on a laptop and on a phone. Counts are checked against
// the server's own answer to the same query.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  VIEWPORTS, api, choose, eventually, gotoMap, incidentCount, matchedCount, openPage, openPanel, useCasmap,
} from './harness.mjs';

const TERMEZ = '2022-07-05-termez-rockets';
const DISPUTED = '2022-04-18-termez-rockets';

/** csvRecords splits CSV text into records of fields (RFC 4180 quoting). */
function csvRecords(text) {
  const rows = [];
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
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

describe('infrastructure, proximity and incident details', () => {
  const app = useCasmap();
  let server;
  let browser;
  let cols;
  let tapi = [];
  const setup = () => ({ server, browser, cols } = app());

  before(async () => {
    try {
      setup();
    } catch {
      return; // each test reports the setup error
    }
    tapi = (await api(server.url, '/api/collections/tapi/items?limit=100')).features;
  });

  for (const vp of VIEWPORTS) {
    test(`${vp.name}: TAPI and railways are drawn as of the end of the date range`, async () => {
      setup();
      const tkm = tapi.find((f) => f.id === 'tapi-tkm');
      assert.ok(tkm, 'the seed has the Turkmen TAPI section');
      const { page, check, context } = await openPage(browser, vp);
      await gotoMap(page, server.url);
      await openPanel(page);
      const heading = page.locator('.infra-asof');
      const todayDay = new Date().toISOString().slice(0, 10);
      assert.equal(await heading.textContent(), `Infrastructure as of ${todayDay}`, 'today by default');
      const path = page.locator(`.leaflet-tapi-pane path[aria-label="${tkm.properties.title || tkm.properties.name} (${cols.get('tapi').title})"]`);
      assert.match(await path.getAttribute('class'), /casmap-status-under_construction/, 'under construction today');

      // Before the 2015 groundbreaking: proposed, dotted, said in the details.
      await page.locator('#filter-to').fill('2014-12-31');
      assert.equal(await eventually(() => heading.textContent(), 'Infrastructure as of 2014-12-31'), 'Infrastructure as of 2014-12-31');
      assert.match(await page.locator('#view-summary').textContent(), /Infrastructure as of 2014-12-31/, 'label on the map');
      assert.match(await path.getAttribute('class'), /casmap-status-proposed/);
      assert.equal(await path.getAttribute('stroke-dasharray'), '2 6', 'proposed lines are dotted');
      await path.focus();
      await page.keyboard.press('Enter');
      const asof = page.locator('#details .details-asof');
      assert.equal(await asof.textContent(), 'Status on 2014-12-31: proposed');
      assert.match(page.url(), /to=2014-12-31/, 'the day is in the URL');

      // Later: under construction, dashed; the open details follow.
      await page.locator('#filter-to').fill('2019-06-30');
      assert.equal(await eventually(() => asof.textContent(), 'Status on 2019-06-30: under construction'),
        'Status on 2019-06-30: under construction');
      assert.match(await path.getAttribute('class'), /casmap-status-under_construction/);
      assert.equal(await path.getAttribute('stroke-dasharray'), '10 5');
      assert.ok(await page.locator('.leaflet-railways-pane path.casmap-status-operating').count() > 0, 'operating railways drawn solid');

      // Before any agreement the sections are not drawn at all.
      await page.locator('#filter-to').fill('2009-12-31');
      assert.equal(await eventually(() => page.locator('.leaflet-tapi-pane path.casmap-infra').count(), 0), 0, 'no TAPI section before 2010');
      const points = tapi.filter((f) => f.geometry.type === 'Point').length;
      assert.equal(await page.locator('.layer-row[data-layer="tapi"] .layer-count').textContent(), `${points}/${tapi.length}`);
      for (const s of ['Operating', 'Under construction', 'Proposed', 'Suspended']) {
        assert.equal(await page.locator('.legend-status .legend-item', { hasText: s }).count(), 1, `legend: ${s}`);
      }
      check();
      await context.close();
    });

    test(`${vp.name}: incidents within N km of the Afghan border, TAPI or railways, as the API counts them`, async () => {
      setup();
      const { page, check, context } = await openPage(browser, vp);
      await gotoMap(page, server.url);
      await openPanel(page);
      const total = String(cols.get('incidents').itemCount);
      await page.locator('#filter-km').fill('30');
      await page.locator('#filter-km').dispatchEvent('change');
      assert.equal(await incidentCount(page), total, 'a distance alone, with nothing to measure from, filters nothing');
      await page.locator('#filter-near').selectOption('borders/afg');
      let want = String(await matchedCount(server.url, 'near=borders/afg&within_km=30'));
      assert.equal(await eventually(() => incidentCount(page), want), want, 'within 30 km of the Afghan border');
      assert.notEqual(want, total, 'the filter removes some incidents');
      assert.match(page.url(), /near=borders%2Fafg&km=30/, 'in the URL');
      const legendSum = (await page.locator('.legend-categories .legend-count').allTextContents()).reduce((a, b) => a + Number(b), 0);
      assert.equal(String(legendSum), want, 'the legend counts add up to what is shown');

      // Combined with a date range and a type.
      await page.locator('#filter-from').fill('2022-01-01');
      await choose(page, 'category', 'attack');
      want = String(await matchedCount(server.url, 'near=borders/afg&within_km=30&datetime=2022-01-01/..&category=attack'));
      assert.equal(await eventually(() => incidentCount(page), want), want, 'with date and type');
      const href = new URL(await page.locator('.layer-row[data-layer="incidents"] .layer-format-geojson').getAttribute('href'), server.url);
      assert.equal(href.searchParams.get('near'), 'borders/afg');
      assert.equal(href.searchParams.get('within_km'), '30');
      assert.equal(href.searchParams.get('category'), 'attack');

      // TAPI and railways, after a reload from the URL.
      for (const near of ['tapi', 'railways']) {
        await gotoMap(page, server.url, `#near=${near}&km=50`);
        want = String(await matchedCount(server.url, `near=${near}&within_km=50`));
        assert.equal(await eventually(() => incidentCount(page), want), want, `within 50 km of ${near}`);
        await openPanel(page);
        assert.equal(await page.locator('#filter-near').inputValue(), near);
        assert.equal(await page.locator('#filter-km').inputValue(), '50');
      }
      await page.locator('.filter-reset').click();
      assert.equal(await eventually(() => incidentCount(page), total), total, 'cleared');
      check();
      await context.close();
    });

    test(`${vp.name}: details give the distance to the Afghan border and both sides of a disputed incident`, async () => {
      setup();
      const termez = await api(server.url, `/api/collections/incidents/items/${TERMEZ}`);
      const disputed = await api(server.url, `/api/collections/incidents/items/${DISPUTED}`);
      const { page, check, context } = await openPage(browser, vp);
      await gotoMap(page, server.url, `#sel=incidents/${TERMEZ}`);
      const row = page.locator('#details .details-prop', { has: page.locator('dt', { hasText: 'Distance to Afghan border' }) });
      const km = termez.properties.afghan_border_km.toLocaleString('en-GB', { maximumFractionDigits: 1 });
      assert.equal(await row.locator('dd').textContent(),
        `${km} km from the Afghan border (${termez.properties.afghan_border_side} Afghanistan)`);
      assert.match(await row.locator('dd').textContent(), /^\d+(\.\d)? km from the Afghan border \(outside Afghanistan\)$/);

      await gotoMap(page, server.url, `#sel=incidents/${DISPUTED}`);
      const statements = page.locator('#details .details-statements li');
      assert.ok(disputed.properties.statements.length >= 2, 'the seed incident has two sides');
      assert.equal(await statements.count(), disputed.properties.statements.length);
      for (const [i, s] of disputed.properties.statements.entries()) {
        const li = statements.nth(i);
        const text = await li.evaluate((el) => [...el.childNodes].filter((n) => !(n.classList && n.classList.contains('statement-source'))).map((n) => n.textContent).join('').trim());
        assert.equal(text, `${s.party}: ${s.claim}`, `statement ${i}`);
        // Each side links the source it is cited from.
        if (s.source) assert.equal(await li.locator('a.statement-source').getAttribute('href'), s.source, `statement ${i}: its source`);
      }
      assert.equal(await page.locator('#details .details-value-confidence').textContent(), 'Disputed');

      // On the map, a confirmed incident is a filled circle, a disputed one hollow; dashes mean only location precision.
      await gotoMap(page, server.url, '#map=9/37.24/67.3&layers=incidents');
      const look = (conf) => page.locator(`.leaflet-incidents-pane path.casmap-conf-${conf}`).first().evaluate((p) => ({
        fill: Number(p.getAttribute('fill-opacity')), dash: p.getAttribute('stroke-dasharray'),
      }));
      const confirmed = await look('confirmed');
      const ring = await look('disputed');
      assert.ok(confirmed.fill > 0.9 && ring.fill === 0, `fill: confirmed ${confirmed.fill}, disputed ${ring.fill}`);
      assert.equal(confirmed.dash, null, 'confirmed is solid');
      assert.equal(ring.dash, null, 'disputed is not dashed either: dashes are for location precision');
      const fills = {};
      for (const conf of ['confirmed', 'reported', 'claimed', 'disputed']) {
        const p = page.locator(`.leaflet-incidents-pane path.casmap-conf-${conf}`).first();
        if (await p.count()) fills[conf] = Number(await p.getAttribute('fill-opacity'));
      }
      assert.equal(new Set(Object.values(fills)).size, Object.keys(fills).length, `each confidence its own fill: ${JSON.stringify(fills)}`);
      const rings = page.locator('.leaflet-precision-pane path.casmap-precision');
      assert.ok(await rings.count() > 0, 'precision rings drawn');
      assert.equal(await rings.first().getAttribute('stroke'), '#4d4d4d', 'rings are grey, whatever the type');
      check();
      await context.close();
    });

    test(`${vp.name}: the legend counts each category shown, following the filters`, async () => {
      setup();
      const { page, check, context } = await openPage(browser, vp);
      await gotoMap(page, server.url);
      await openPanel(page);
      const counts = async () => Object.fromEntries(await page.locator('.legend-categories .legend-item').evaluateAll(
        (items) => items.map((li) => [li.dataset.category, li.querySelector('.legend-count').textContent]),
      ));
      const check1 = async (query, what) => {
        const got = await counts();
        for (const cat of Object.keys(got)) {
          const want = await matchedCount(server.url, `${query}${query ? '&' : ''}category=${cat}`);
          assert.equal(got[cat], String(want), `${what}: ${cat}`);
        }
      };
      await check1('', 'no filter');
      await choose(page, 'confidence', 'confirmed');
      await check1('confidence=confirmed', 'confirmed only');
      await page.locator('#filter-to').fill('2022-12-31');
      await check1('confidence=confirmed&datetime=../2022-12-31', 'confirmed, until 2022');
      assert.ok(await page.locator('.legend-categories .legend-item.is-empty').count() > 0, 'empty categories are dimmed');
      check();
      await context.close();
    });

    test(`${vp.name}: "Download view" gives the filtered incidents in the map's view, as GeoJSON, CSV and KML`, async () => {
      setup();
      const { page, check, context } = await openPage(browser, vp);
      await gotoMap(page, server.url, '#map=6/37.5/68.5&confidence=confirmed');
      await openPanel(page);
      const link = (f) => page.locator(`.download-view-${f}`);
      const href = new URL(await link('geojson').getAttribute('href'), server.url);
      const bbox = href.searchParams.get('bbox').split(',');
      assert.equal(bbox.length, 4);
      for (const v of bbox) assert.match(v, /^-?\d+(\.\d{1,6})?$/, `bbox value ${v} has at most 6 decimals`);
      assert.equal(href.searchParams.get('confidence'), 'confirmed');
      assert.match(await link('csv').getAttribute('download'), /^casmap-incidents-confirmed-view-\d{4}-\d{2}-\d{2}\.csv$/, 'the name says filter and view');
      const q = new URLSearchParams(href.search);
      for (const k of ['f', 'download', 'limit']) q.delete(k);
      const want = await matchedCount(server.url, q.toString());
      assert.ok(want > 0 && want < cols.get('incidents').itemCount, `the view holds some incidents (${want})`);

      const [gj] = await Promise.all([page.waitForEvent('download'), link('geojson').click()]);
      const body = JSON.parse(await readFile(await gj.path(), 'utf8'));
      assert.equal(body.features.length, want, 'GeoJSON: what the API matches');
      const [csv] = await Promise.all([page.waitForEvent('download'), link('csv').click()]);
      const rows = csvRecords(await readFile(await csv.path(), 'utf8')).filter((r) => r.length > 1);
      assert.deepEqual(rows[0].slice(0, 3), ['id', 'lon', 'lat'], 'CSV header');
      assert.equal(rows.length - 1, want, 'CSV: what the API matches');
      assert.match(await link('kml').getAttribute('download'), /^casmap-incidents-confirmed-view-\d{4}-\d{2}-\d{2}\.kml$/, 'KML named alike');
      const [kml] = await Promise.all([page.waitForEvent('download'), link('kml').click()]);
      const doc = await readFile(await kml.path(), 'utf8');
      assert.match(doc, /^<\?xml[^>]*>\s*<kml /, 'a KML document');
      assert.equal((doc.match(/<Placemark[ >]/g) || []).length, want, 'KML: a placemark for each incident the API matches');

      // Zoomed out past the antimeridian, the bbox stays inside the world.
      await gotoMap(page, server.url, '#map=3/40/170');
      const wide = new URL(await link('geojson').getAttribute('href'), server.url).searchParams.get('bbox').split(',').map(Number);
      assert.ok(wide[0] >= -180 && wide[2] <= 180 && wide[1] >= -90 && wide[3] <= 90, `clamped: ${wide}`);
      assert.equal(wide[2], 180, 'east edge clamped to 180');
      check();
      await context.close();
    });
  }
});
