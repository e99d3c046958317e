// Names never run into each other: at desktop and phone size, over views
// at zoom 5 to 7 where names crowd (Dushanbe under TAJIKISTAN, Kabul and
// Jalalabad, Tashkent in Tashkent Region), every name the map shows is
// read from the page as a box, and no two boxes overlap and none crosses
// the map's edge. A name that would is moved or not shown at that zoom.
// Nor does any name sit under the map's controls (the layer panel, the
// zoom buttons, Table, the summary, the credits) or a panel over the map
// (the details), and no country or province name under an incident
// cluster.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VIEWPORTS, gotoMap, openPage, openPanel, screenshotPath, showHash, useCasmap,
} from './harness.mjs';

const VIEWS = [
  ['region', '#map=5/39/66'],
  ['Afghanistan', '#map=5/34.5/66.5'],
  ['Dushanbe', '#map=6/38.56/68.78'],
  ['Kabul and Jalalabad', '#map=6/34.5/69.8'],
  ['Kabul', '#map=7/34.53/69.17'],
  ['Kabul off centre', '#map=7/34.4/68.6'],
  ['Tashkent', '#map=7/41.3/69.28'],
  ['Fergana valley', '#map=7/40.7/71.5'],
  ['Mazar and Termez', '#map=6/37/67'],
];

/**
 * shownNames is every name the map shows (not hidden, inside the map's
 * box at all) with its box on the page: {text, kind, left, top, right, bottom}.
 */
function shownNames(page) {
  return page.evaluate(() => {
    const map = document.querySelector('#map').getBoundingClientRect();
    return [...document.querySelectorAll('#map .casmap-name-text')].filter((el) => {
      const s = getComputedStyle(el);
      return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0;
    }).map((el) => {
      const r = el.getBoundingClientRect();
      const kind = (el.parentElement.className.match(/casmap-(?:place-)?name-[a-z]+/g) || []).pop();
      return { text: el.textContent, kind, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    }).filter((n) => n.right > n.left && n.right > map.left && n.left < map.right && n.bottom > map.top && n.top < map.bottom)
      .map((n) => ({ ...n, map: { left: map.left, top: map.top, right: map.right, bottom: map.bottom } }));
  });
}

// settledNames reads the names until two reads 250 ms apart agree: the
// names are placed once the view has settled.
async function settledNames(page) {
  let last = JSON.stringify(await shownNames(page));
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(250);
    const now = JSON.stringify(await shownNames(page));
    if (now === last) return JSON.parse(now);
    last = now;
  }
  return JSON.parse(last);
}

/**
 * covers is what a person sees over the map, as boxes on the page: each
 * control Leaflet shows in a corner (a panel's own parts are inside it)
 * and the details or table panel when open, cut to the map's box; and
 * the incident clusters.
 */
function covers(page) {
  return page.evaluate(() => {
    const map = document.querySelector('#map').getBoundingClientRect();
    const seen = (el) => {
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
    };
    const box = (el, what) => {
      const r = el.getBoundingClientRect();
      return {
        what, left: Math.max(r.left, map.left), top: Math.max(r.top, map.top), right: Math.min(r.right, map.right), bottom: Math.min(r.bottom, map.bottom),
      };
    };
    const named = (el) => el.getAttribute('aria-label') || el.className.split(' ').find((c) => c.startsWith('casmap-') || c.startsWith('leaflet-control-')) || el.className;
    const controls = [...document.querySelectorAll('#map .leaflet-top > .leaflet-control, #map .leaflet-bottom > .leaflet-control, .details, .table-panel')]
      .filter(seen).map((el) => box(el, named(el))).filter((b) => b.right > b.left && b.bottom > b.top);
    const clusters = [...document.querySelectorAll('#map .leaflet-incidents-pane .casmap-cluster')].filter(seen)
      .map((el) => box(el, `cluster of ${el.textContent.trim()}`));
    return { controls, clusters };
  });
}

const EPS = 0.5;
const overlap = (a, b) => a.left < b.right - EPS && b.left < a.right - EPS && a.top < b.bottom - EPS && b.top < a.bottom - EPS;
const crossesEdge = (n) => n.left < n.map.left - EPS || n.top < n.map.top - EPS || n.right > n.map.right + EPS || n.bottom > n.map.bottom + EPS;

describe('names placed without collisions', () => {
  const app = useCasmap();

  for (const vp of VIEWPORTS) {
    test(`${vp.name}: no two names overlap and none crosses the map's edge at zoom 5 to 7`, async () => {
      const { server, browser } = app();
      const { page, check, context } = await openPage(browser, vp);
      await gotoMap(page, server.url, VIEWS[0][1]);
      const problems = [];
      const seen = new Set();
      for (const [where, hash] of VIEWS) {
        await showHash(page, hash);
        const names = await settledNames(page);
        for (const n of names) seen.add(n.text);
        for (const n of names) if (crossesEdge(n)) problems.push(`${where} (${hash}): "${n.text}" crosses the map's edge`);
        for (let i = 0; i < names.length; i++) {
          for (let j = i + 1; j < names.length; j++) {
            if (overlap(names[i], names[j])) problems.push(`${where} (${hash}): "${names[i].text}" (${names[i].kind}) runs into "${names[j].text}" (${names[j].kind})`);
          }
        }
        if (hash === '#map=6/38.56/68.78' || hash === '#map=7/34.53/69.17') {
          await page.screenshot({ path: await screenshotPath(`names-${vp.name}-${where.replace(/\W+/g, '-').toLowerCase()}.png`) });
        }
      }
      assert.deepEqual(problems, [], 'names in each other\'s way or off the map');
      // The pass hides what does not fit, not everything: the region's
      // countries and the capitals of the views are still named.
      for (const name of ['Afghanistan', 'Tajikistan', 'Uzbekistan', 'Kabul', 'Dushanbe', 'Tashkent']) {
        assert.ok(seen.has(name), `${name} is named in one of the views (${[...seen].join(', ')})`);
      }
      check();
      await context.close();
    });
  }
});

const AREA_NAMES = new Set(['casmap-name-borders', 'casmap-name-gbao', 'casmap-name-provinces']);

// clearOf lists each shown name that sits under a control or panel, and
// each country or province name under a cluster.
async function clearOf(page, where) {
  const names = await settledNames(page);
  const { controls, clusters } = await covers(page);
  const problems = [];
  for (const n of names) {
    for (const c of controls) if (overlap(n, c)) problems.push(`${where}: "${n.text}" (${n.kind}) is under ${c.what}`);
    if (AREA_NAMES.has(n.kind)) for (const c of clusters) if (overlap(n, c)) problems.push(`${where}: "${n.text}" (${n.kind}) is under the ${c.what}`);
  }
  return { problems, names, controls, clusters };
}

describe('names clear of the controls and the clusters', () => {
  const app = useCasmap();

  for (const vp of VIEWPORTS) {
    const phone = vp.name === 'phone';
    test(`${vp.name}: no name under a control or panel, no country or province name under a cluster`, async () => {
      const { server, browser } = app();
      const { page, check, context } = await openPage(browser, { ...vp, hasTouch: phone, isMobile: phone });
      await gotoMap(page, server.url);
      const problems = [];
      const first = await clearOf(page, 'the first view');
      problems.push(...first.problems);
      assert.ok(first.controls.length >= 4 && first.clusters.length > 0, `the first view shows controls and clusters (${first.controls.length}, ${first.clusters.length})`);
      await page.screenshot({ path: await screenshotPath(`names-clear-${vp.name}-first-view.png`) });
      const seen = new Set(first.names.map((n) => n.text));
      for (const [where, hash] of VIEWS) {
        await showHash(page, hash);
        const got = await clearOf(page, `${where} (${hash})`);
        problems.push(...got.problems);
        for (const n of got.names) seen.add(n.text);
      }
      // With the details open (a country's name clicked), the panel covers
      // part of the map: names move out from under it too.
      await showHash(page, VIEWS[0][1]);
      await page.locator('.casmap-name-borders .casmap-name-text', { hasText: 'Uzbekistan' }).click();
      await page.locator('#details').waitFor({ state: 'visible' });
      const open = await clearOf(page, 'the details of Uzbekistan open');
      problems.push(...open.problems);
      assert.ok(open.controls.some((c) => c.what === 'details'), `the details panel is over the map (${open.controls.map((c) => c.what).join(', ')})`);
      await page.screenshot({ path: await screenshotPath(`names-clear-${vp.name}-details.png`) });
      await page.locator('.details-close').click();
      await page.locator('#details').waitFor({ state: 'hidden' });
      if (phone) {
        // The layer panel unfolded over the map, then folded again: the
        // names under it go, then come back.
        await openPanel(page);
        const unfolded = await clearOf(page, 'the layer panel open');
        problems.push(...unfolded.problems);
        await page.locator('.casmap-panel-toggle').click();
        const folded = await clearOf(page, 'the layer panel folded again');
        problems.push(...folded.problems);
        assert.ok(folded.names.length > unfolded.names.length, `names come back when the panel folds (${unfolded.names.length}, then ${folded.names.length})`);
      }
      assert.deepEqual(problems, [], 'names under controls, panels or clusters');
      // Moved or hidden where they would be covered, not gone: the region's
      // countries and capitals are still named in some view.
      for (const name of ['Afghanistan', 'Tajikistan', 'Uzbekistan', 'Kabul', 'Dushanbe', 'Tashkent']) {
        assert.ok(seen.has(name), `${name} is named in one of the views (${[...seen].join(', ')})`);
      }
      check();
      await context.close();
    });
  }
});
