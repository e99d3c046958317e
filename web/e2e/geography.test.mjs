// Geography offline and clicks that land, in a real browser against the
// real binary: rivers named along their course, lakes, provinces and
// countries named for the zoom; search finds rivers and provinces in any
// script and its results open and stay open by mouse, tap and keyboard;
// a click on plain land closes the details, a name opens its area, an
// incident is above a place and a cluster is never under a place marker.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VIEWPORTS, api, eventually, gotoMap, openPage, showHash, useCasmap,
} from './harness.mjs';
import { namesInView, paintAt, screenColours } from './map-view.mjs';

const detailsTitle = (page) => page.locator('#details-title').textContent();

describe('geography and clicks', () => {
  const app = useCasmap();

  test('rivers are drawn and named along their course; lakes, provinces and countries are named for the zoom', async () => {
    const { server, browser, cols } = app();
    assert.ok(cols.has('rivers') && cols.has('provinces'), 'the server has the rivers and provinces layers');
    const { page, check, context } = await openPage(browser);
    // Termez, on the Amu Darya where it is the Afghan-Uzbek border.
    await gotoMap(page, server.url, '#map=8/37.25/67.3');
    assert.ok(await page.locator('.leaflet-rivers-pane path').count() > 10, 'river lines drawn');
    const amu = (await namesInView(page, 'river')).filter((n) => n.text === 'Amu Darya');
    assert.ok(amu.length >= 1, `the Amu Darya is named where the map shows it (${JSON.stringify(amu)})`);
    assert.ok(amu.every((n) => Math.abs(n.angle) < 60), `turned with the river, which runs west here: ${amu.map((n) => n.angle)}`);
    const provinces = (await namesInView(page, 'provinces')).map((n) => n.text);
    for (const name of ['Balkh', 'Surxondaryo']) assert.ok(provinces.includes(name), `${name} named at zoom 8 (${provinces})`);
    assert.deepEqual((await namesInView(page, 'borders')).map((n) => n.text), [], 'country names give way to provinces at zoom 8');
    // The provinces are drawn as a person sees them: their dashed outlines
    // show in a screenshot where the page without them shows the land.
    const outline = await page.evaluate(() => {
      const c = document.querySelector('.leaflet-provinces-pane canvas');
      const map = document.querySelector('#map').getBoundingClientRect();
      const panel = document.querySelector('.casmap-panel').getBoundingClientRect();
      const r = c.getBoundingClientRect();
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const out = [];
      for (let y = 0; y < c.height && out.length < 40; y += 7) {
        for (let x = 0; x < c.width && out.length < 40; x += 3) {
          const p = { x: r.left + (x + 0.5) * (r.width / c.width), y: r.top + (y + 0.5) * (r.height / c.height) };
          if (px[(y * c.width + x) * 4 + 3] < 120 || p.x < map.left || p.x >= map.right || p.y < map.top || p.y >= map.bottom) continue;
          if (p.x >= panel.left - 2 && p.y <= panel.bottom + 2) continue;
          const hit = document.elementFromPoint(p.x, p.y);
          if (hit && !hit.closest('.leaflet-interactive, .leaflet-control, .casmap-name, .leaflet-marker-icon')) out.push(p);
        }
      }
      return out;
    });
    assert.ok(outline.length >= 20, `province outlines in view (${outline.length} points)`);
    const withProvinces = await screenColours(page, outline);
    await page.locator('#layer-toggle-provinces').uncheck();
    await page.waitForTimeout(300);
    const without = await screenColours(page, outline);
    const differ = outline.filter((p, i) => withProvinces[i].some((v, k) => Math.abs(v - without[i][k]) > 12)).length;
    assert.ok(differ >= 0.9 * outline.length, `the outlines show in the screenshot: ${differ} of ${outline.length} points differ without the provinces`);
    await page.locator('#layer-toggle-provinces').check();

    // Zoomed in, the river is named again within the view: names follow the zoom.
    await showHash(page, '#map=10/37.22/67.5');
    const close = (await namesInView(page, 'river')).filter((n) => n.text === 'Amu Darya');
    assert.ok(close.length >= 1, 'the Amu Darya named at zoom 10 too');

    // The region: countries and the big lakes named, no province names yet.
    await showHash(page, '#map=5/40/64');
    const countries = (await namesInView(page, 'borders')).map((n) => n.text);
    for (const name of ['Afghanistan', 'Uzbekistan', 'Turkmenistan', 'Tajikistan']) assert.ok(countries.includes(name), `${name} named (${countries})`);
    const lakeNames = await namesInView(page, 'lake');
    const lakes = lakeNames.map((n) => n.text);
    for (const name of ['Aral Sea', 'Caspian Sea']) assert.ok(lakes.includes(name), `${name} named (${lakes})`);
    assert.deepEqual((await namesInView(page, 'provinces')).map((n) => n.text), [], 'no province names at zoom 5');
    const water = await paintAt(page, 'lakes', lakeNames);
    assert.deepEqual(lakeNames.filter((n, i) => !(water[i] && water[i][3] > 0)).map((n) => n.text), [], 'each named lake is filled under its name');
    check();
    await context.close();
  });

  for (const vp of VIEWPORTS) {
    test(`${vp.name}: search finds rivers and provinces in English, Russian and local script; results open and stay open by mouse, tap and keyboard`, async () => {
      const { server, browser } = app();
      const touch = vp.name === 'phone';
      const { page, check, context } = await openPage(browser, { ...vp, hasTouch: touch, isMobile: touch });
      await gotoMap(page, server.url);
      const input = page.getByRole('combobox', { name: 'Search places and features' });
      const details = page.locator('#details');
      const cases = [
        ['Amu Darya', 'Amu Darya', 'rivers', 'mouse'],
        ['Амударья', 'Amu Darya', 'rivers', 'tap'],
        ['آمودریا', 'Amu Darya', 'rivers', 'keyboard'],
        ['panj', 'Panj', 'rivers', 'mouse'],
        ['Takhar', 'Takhar', 'provinces', 'tap'],
        ['Бадахшан', 'Badakhshan', 'provinces', 'mouse'],
        ['ولایت بلخ', 'Balkh', 'provinces', 'keyboard'],
      ];
      for (const [query, want, layer, how] of cases) {
        await input.fill(query);
        const options = page.locator('#search-results [role="option"]');
        await options.first().waitFor();
        const names = await options.evaluateAll((els) => els.map((o) => [o.querySelector('.search-option-name').textContent, o.querySelector('.search-option-meta').textContent]));
        const index = names.findIndex(([name, meta]) => name === want && meta.startsWith(layer === 'rivers' ? 'Rivers' : 'Provinces'));
        assert.ok(index >= 0, `"${query}": ${want} (${layer}) among ${JSON.stringify(names)}`);
        const how2 = how === 'tap' && !touch ? 'mouse' : how;
        if (how2 === 'keyboard') {
          for (let i = 0; i < index; i++) await input.press('ArrowDown');
          await input.press('Enter');
        } else if (how2 === 'tap') {
          await options.nth(index).tap();
        } else {
          await options.nth(index).click();
        }
        await details.waitFor({ state: 'visible' });
        assert.equal(await detailsTitle(page), want, `"${query}" (${how2}): the details of ${want}`);
        assert.equal(await details.getAttribute('data-layer'), layer);
        // Still open once the map has flown there and every late event has landed.
        await page.waitForTimeout(1200);
        assert.equal(await details.isVisible(), true, `"${query}" (${how2}): the details stay open`);
        assert.equal(await detailsTitle(page), want);
        assert.match(page.url(), new RegExp(`sel=${layer}/`), 'the selection is in the URL');
        assert.equal(await page.locator('#search-results').isVisible(), false, 'the list closed');
      }
      check();
      await context.close();
    });
  }

  test('a click on plain land closes the details; a double click zooms and opens nothing; names open their area', async () => {
    const { server, browser } = app();
    const { page, check, context } = await openPage(browser);
    await gotoMap(page, server.url, '#map=7/36.0/66.0&layers=borders,provinces,rivers,incidents,places&sel=places/kabul');
    const details = page.locator('#details');
    await details.waitFor({ state: 'visible' });
    // A spot of land with nothing on it: the click reaches the map itself.
    const spot = await page.evaluate(() => {
      const map = document.querySelector('#map');
      const box = map.getBoundingClientRect();
      const panel = document.querySelector('.casmap-panel').getBoundingClientRect();
      const side = document.querySelector('#details').getBoundingClientRect();
      for (let y = box.top + 150; y < box.bottom - 100; y += 17) {
        for (let x = side.right + 60; x < panel.left - 60; x += 23) {
          const hit = document.elementFromPoint(x, y);
          if (hit && (hit === map || hit.classList.contains('leaflet-zoom-animated') || hit.tagName === 'svg' || (hit.tagName === 'path' && !hit.classList.contains('leaflet-interactive')))) {
            return { x, y };
          }
        }
      }
      return null;
    });
    assert.ok(spot, 'plain land in view');
    const zoomOf = () => page.evaluate(() => Number(new URLSearchParams(location.hash.slice(1)).get('map').split('/')[0]));
    const z0 = await zoomOf();
    await page.mouse.dblclick(spot.x, spot.y);
    assert.equal(await eventually(zoomOf, z0 + 1), z0 + 1, 'a double click zooms in');
    assert.equal(await details.isVisible(), false, 'and closes the details, opening nothing');
    assert.doesNotMatch(page.url(), /sel=/, 'nothing selected');

    // A province name opens the province; a country name the country.
    await gotoMap(page, server.url, '#map=7/36.4/67.5&layers=borders,provinces');
    const balkh = page.locator('.casmap-name-provinces button.casmap-name-text', { hasText: /^Balkh$/ });
    await balkh.click();
    await details.waitFor({ state: 'visible' });
    assert.equal(await detailsTitle(page), 'Balkh');
    assert.equal(await details.getAttribute('data-layer'), 'provinces');
    await page.waitForTimeout(400);
    assert.equal(await details.isVisible(), true, 'the details stay open');
    await page.mouse.click(spot.x, spot.y);
    await details.waitFor({ state: 'hidden' });
    await showHash(page, '#map=5/40/64&layers=borders');
    await page.locator('.casmap-name-borders button.casmap-name-text', { hasText: /^Uzbekistan$/ }).click();
    await details.waitFor({ state: 'visible' });
    assert.equal(await detailsTitle(page), 'Uzbekistan');
    assert.equal(await details.getAttribute('data-layer'), 'borders');
    check();
    await context.close();
  });

  for (const vp of VIEWPORTS) {
    test(`${vp.name}: capital names stand beside the incident clusters on their cities, near their dots, so they can be read`, async () => {
      const { server, browser } = app();
      const { page, check, context } = await openPage(browser, vp);
      await gotoMap(page, server.url, '#map=5/38.5/66&layers=borders,incidents,places');
      let moved = 0;
      for (const hash of ['#map=5/38.5/66', '#map=5.5/37/68', '#map=6/38.5/68', '#map=6/37.5/61']) {
        await showHash(page, `${hash}&layers=borders,incidents,places`);
        const look = () => page.evaluate(() => {
          const map = document.querySelector('#map').getBoundingClientRect();
          const marks = [...document.querySelectorAll('.leaflet-incidents-pane .casmap-cluster, .leaflet-incidents-pane path.casmap-incident')]
            .map((el) => el.getBoundingClientRect()).filter((r) => r.width > 0);
          const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
          return [...document.querySelectorAll('.casmap-place-name-capital')].map((el) => {
            const dot = el.getBoundingClientRect();
            const r = el.firstChild.getBoundingClientRect();
            return {
              name: el.textContent, inside: r.left > map.left && r.right < map.right && r.top > map.top && r.bottom < map.bottom,
              covered: marks.some((m) => meets(r, m)), dotCovered: marks.some((m) => dot.left > m.left && dot.left < m.right && dot.top > m.top && dot.top < m.bottom),
              away: Math.round(Math.min(Math.abs(r.left - dot.left), Math.abs(r.right - dot.left))), level: Math.abs((r.top + r.bottom) / 2 - dot.top) < 2,
            };
          }).filter((n) => n.inside);
        });
        const bad = (names) => names.filter((n) => n.covered || n.away > 90 || !n.level);
        let names = await look();
        for (let i = 0; i < 20 && bad(names).length; i++) {
          await page.waitForTimeout(100);
          names = await look();
        }
        assert.ok(names.length >= 1, `${hash}: capitals named in view (${names.map((n) => n.name)})`);
        assert.deepEqual(bad(names), [], `${hash}: every capital's name is clear of the incident marks, level with its dot and within 90 px of it`);
        moved += names.filter((n) => n.dotCovered).length;
      }
      assert.ok(moved >= 2, `capitals with a cluster on their dot, whose names stepped aside: ${moved}`);
      check();
      await context.close();
    });
  }

  test('incidents are drawn above places and clusters are never under a place marker', async () => {
    const { server, browser } = app();
    const { page, check, context } = await openPage(browser);
    const places = (await api(server.url, '/api/collections/places/items?limit=1000')).features;
    const cities = places.filter((f) => ['capital', 'city'].includes(f.properties.kind));
    let covered = 0;
    let checked = 0;
    await gotoMap(page, server.url, '#layers=borders,incidents,places');
    for (const zoom of [5, 6, 7, 8, 10]) {
      for (const city of cities.slice(0, 12)) {
        const [lon, lat] = city.geometry.coordinates;
        await showHash(page, `#map=${zoom}/${lat}/${lon}&layers=borders,incidents,places`);
        const { marks, onTop } = await page.evaluate(() => {
          const out = [];
          const els = document.querySelectorAll('.leaflet-incidents-pane .casmap-cluster, .leaflet-incidents-pane path.casmap-incident');
          const map = document.querySelector('#map').getBoundingClientRect();
          for (const el of els) {
            const r = el.getBoundingClientRect();
            const x = r.left + r.width / 2;
            const y = r.top + r.height / 2;
            if (x < map.left + 60 || x > map.right - 360 || y < map.top + 60 || y > map.bottom - 60) continue;
            // A circle outside the renderer's drawing area is an empty path.
            if (r.width === 0) continue;
            const hit = document.elementFromPoint(x, y);
            out.push({
              ok: Boolean(hit && (hit === el || el.contains(hit) || hit.closest('.leaflet-incidents-pane'))),
              what: `${el.getAttribute('class')} at ${Math.round(x)},${Math.round(y)} (opacity ${getComputedStyle(el).opacity}) under ${hit ? hit.getAttribute('class') : 'nothing'}`,
            });
          }
          return { marks: out.length, onTop: out };
        });
        checked += marks;
        covered += onTop.filter((m) => !m.ok).length;
        assert.deepEqual(onTop.filter((m) => !m.ok), [], `zoom ${zoom} at ${city.properties.name}: every incident mark is on top`);
      }
    }
    assert.ok(checked > 20, `incident marks checked: ${checked}`);
    assert.equal(covered, 0);

    // Where an incident sits on a place, a click there opens the incident.
    await showHash(page, '#map=10/34.53/69.17&layers=borders,incidents,places');
    const at = await page.evaluate(() => {
      const place = [...document.querySelectorAll('.leaflet-places-pane path.casmap-place')].find((p) => p.getBoundingClientRect().width > 0);
      if (!place) return null;
      const r = place.getBoundingClientRect();
      for (const inc of document.querySelectorAll('.leaflet-incidents-pane path.casmap-incident')) {
        const q = inc.getBoundingClientRect();
        const x = Math.max(r.left, q.left) + 1;
        const y = Math.max(r.top, q.top) + 1;
        if (x < Math.min(r.right, q.right) && y < Math.min(r.bottom, q.bottom) && document.elementFromPoint(x, y) === inc) return { x, y, id: inc.dataset.id };
      }
      return null;
    });
    assert.ok(at, 'an incident drawn over Kabul\'s place marker');
    await page.mouse.click(at.x, at.y);
    const details = page.locator('#details');
    await details.waitFor({ state: 'visible' });
    assert.equal(await details.getAttribute('data-layer'), 'incidents', 'the click opened the incident, not the place');
    assert.equal(await details.getAttribute('data-feature'), at.id);
    check();
    await context.close();
  });
});
