// The phone as a first-class size (390x844, touch): every control a person
// can see is a touch target of at least 44x44 px and is not covered by
// another, in each state the page can be in (map alone, search results,
// the panel open and scrolled, details open, the table open).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clickableIncident, eventually, gotoMap, incidentCount, openPage, openPanel, useCasmap,
} from './harness.mjs';

const PHONE = { width: 390, height: 844 };
const TERMEZ = '2022-07-05-termez-rockets';

/**
 * controls measures every visible control outside the map's own panes
 * (features and names there are marks on the map, not controls): its
 * box, with the labels of an input counted in (a person taps the label of
 * a checkbox; a visually hidden label is not drawn), and whether the control is on top at its centre after it
 * is scrolled into view in its own panel. It returns those too small or
 * covered, each described for the assertion message. over names what the
 * person has just opened over the rest (a drop-down list, a sheet): the
 * controls it covers are not counted as hidden.
 */
function badControls(page, over = null, min = 44) {
  return page.evaluate(({ minSize, overlay }) => {
    const sel = 'button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=option], [tabindex]:not([tabindex="-1"])';
    const inMap = (el) => el.closest('.leaflet-map-pane') || el.id === 'map';
    const shown = (el) => {
      const s = getComputedStyle(el);
      if (s.visibility === 'hidden' || s.display === 'none') return false;
      const r = el.getBoundingClientRect();
      // A skip link waits above the page until it is focused.
      return r.width > 2 && r.height > 2 && r.bottom > 0 && r.right > 0;
    };
    const union = (rects) => {
      const x = Math.min(...rects.map((r) => r.left));
      const y = Math.min(...rects.map((r) => r.top));
      return { x, y, w: Math.max(...rects.map((r) => r.right)) - x, h: Math.max(...rects.map((r) => r.bottom)) - y };
    };
    const name = (el) => {
      const id = el.id ? `#${el.id}` : '';
      const cls = String(el.getAttribute('class') || '').split(' ').filter(Boolean).slice(0, 2).map((c) => `.${c}`).join('');
      const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 30);
      return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
    };
    const bad = [];
    for (const el of document.querySelectorAll(sel)) {
      if (inMap(el) || !shown(el)) continue;
      const parts = [el, ...(el.labels ? [...el.labels].filter(shown) : [])];
      const box = union(parts.map((p) => p.getBoundingClientRect()));
      if (box.w < minSize - 0.5 || box.h < minSize - 0.5) bad.push(`${name(el)}: ${Math.round(box.w)}x${Math.round(box.h)}`);
      const target = parts.length > 1 ? parts[1] : el;
      target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const r = target.getBoundingClientRect();
      const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
      const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
      const hit = document.elementFromPoint(x, y);
      if (overlay && hit && hit.closest(overlay) && !el.closest(overlay)) continue;
      if (!hit || !parts.some((p) => p === hit || p.contains(hit))) bad.push(`${name(el)}: covered by ${hit ? name(hit) : 'nothing (off screen)'}`);
    }
    return bad;
  }, { minSize: min, overlay: over });
}

describe('phone: touch targets and nothing hidden', () => {
  const app = useCasmap();

  test('every visible control is at least 44x44 px and on top, in every state', async () => {
    const { server, browser } = app();
    const { page, check, context } = await openPage(browser, { ...PHONE, hasTouch: true, isMobile: true });
    await gotoMap(page, server.url);
    const states = [];
    const measure = async (what, over = null) => {
      const bad = await badControls(page, over);
      states.push(what);
      assert.deepEqual(bad, [], `${what}: controls too small or covered`);
    };
    await measure('the map alone');

    // The search box is whole, beside nothing: the panel button starts below it.
    const search = await page.locator('.casmap-search').boundingBox();
    const toggle = await page.locator('.casmap-panel-toggle').boundingBox();
    const overlap = !(toggle.y >= search.y + search.height || toggle.x >= search.x + search.width);
    assert.ok(!overlap, `the panel button ${JSON.stringify(toggle)} does not cover the search box ${JSON.stringify(search)}`);
    assert.ok(search.width >= 300, `the search box takes the width (${search.width} px)`);

    await page.locator('#search-input').fill('ter');
    await page.locator('#search-results [role="option"]').first().waitFor();
    await measure('search results open', '#search-results');
    await page.locator('#search-input').press('Escape');

    await openPanel(page);
    await measure('the panel open, scrolled through', '.casmap-panel');
    await page.locator('.casmap-panel-toggle').tap();

    await gotoMap(page, server.url, `#map=7/37.2/67.3&sel=incidents/${TERMEZ}`);
    await page.locator('#details').waitFor({ state: 'visible' });
    await measure('details open', '#details');

    await page.locator('.details-close').tap();
    await page.locator('.casmap-table-toggle').tap();
    await page.locator('#table .event-row').first().waitFor();
    await measure('the table open', '#table');
    assert.equal(states.length, 5);
    check();
    await context.close();
  });

  test('panels give the map back: each sheet leaves a strip of map, a folded panel none, a selection stays in sight', async () => {
    const { server, browser } = app();
    const { page, check, context } = await openPage(browser, { ...PHONE, hasTouch: true, isMobile: true });
    await gotoMap(page, server.url, '#map=6/37.5/68.5');
    const map = await page.locator('#map').boundingBox();
    // onMap: what is drawn at (x, y) is the map itself, not a panel over it.
    const onMap = (x, y) => page.evaluate(([px, py]) => {
      const el = document.elementFromPoint(px, py);
      return Boolean(el && el.closest('#map') && !el.closest('.leaflet-control, .casmap-panel'));
    }, [x, y]);

    await openPanel(page);
    const panel = await page.locator('.casmap-panel').boundingBox();
    const strip = map.y + map.height - (panel.y + panel.height);
    assert.ok(strip >= 120, `the open panel leaves ${Math.round(strip)} px of map below it`);
    assert.ok(await onMap(map.x + map.width / 2, panel.y + panel.height + strip / 2), 'the strip is the map');
    const total = await incidentCount(page);
    await page.locator('.filter-multi-category .filter-multi-item', { has: page.locator('input[value="attack"]') }).locator('label').tap();
    assert.notEqual(await eventually(() => incidentCount(page), total), total, 'a type chosen in the panel filters the map');
    await page.locator('.casmap-panel-toggle').tap();
    assert.equal(await page.locator('.casmap-panel-toggle').getAttribute('aria-expanded'), 'false');
    assert.ok(await onMap(map.x + map.width / 2, map.y + map.height / 2), 'folded, the panel gives the whole map back');

    // A tapped incident opens its details as a sheet, and stays in sight
    // above it. (Two taps within 200 ms anywhere on the map, a control's
    // included, are a double tap to Leaflet: a person's next tap comes later.)
    await page.waitForTimeout(300);
    const at = await clickableIncident(page);
    await page.touchscreen.tap(at.x, at.y);
    const details = page.locator('#details');
    await details.waitFor({ state: 'visible' });
    await page.waitForTimeout(600);
    const sheet = await details.boundingBox();
    assert.ok(sheet.y - map.y >= 250, `the details sheet leaves ${Math.round(sheet.y - map.y)} px of map above it`);
    const selected = await page.locator('.leaflet-incidents-pane path.casmap-incident[stroke-width="4"]').boundingBox();
    assert.ok(selected, 'the selected incident is drawn highlighted');
    const y = selected.y + selected.height / 2;
    assert.ok(y > map.y && y < sheet.y, `the selected incident (y ${Math.round(y)}) is above the sheet (y ${Math.round(sheet.y)})`);

    await page.locator('.details-close').tap();
    await page.locator('.casmap-table-toggle').tap();
    const table = await page.locator('#table').boundingBox();
    const mapNow = await page.locator('#map').boundingBox();
    assert.ok(table.y >= mapNow.y + mapNow.height - 1 && mapNow.height >= 300, `the table docks under ${Math.round(mapNow.height)} px of map`);
    check();
    await context.close();
  });
});
