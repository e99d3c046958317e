// Keyboard and screen-reader access, the phone layout with every panel
// open, search by any spelling, and the screenshots (see screenshotPath), in
// a real browser against the real binary, on a laptop and on a phone.
// Printing is in export.test.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VIEWPORTS, gotoMap, openPage, openPanel, screenshotPath, useCasmap,
} from './harness.mjs';

const TERMEZ = '2022-07-05-termez-rockets';

/**
 * focused describes document.activeElement, with the accessible name
 * Chromium computes for it (aria-label, label for=, contents, title...).
 */
async function focused(page, cdp) {
  const info = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const key = el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${String(el.getAttribute('class') || '').split(' ')[0]}`;
    return { key, tag: el.tagName.toLowerCase(), id: el.id, cls: String(el.getAttribute('class') || '') };
  });
  if (!info) return null;
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'document.activeElement' });
  const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { objectId: result.objectId, fetchRelatives: false });
  const node = nodes.find((n) => !n.ignored) || nodes[0];
  return { ...info, name: String((node && node.name && node.name.value) || '').trim(), role: node && node.role && node.role.value };
}

describe('access and search', () => {
  const app = useCasmap();
  let server;
  let browser;
  const setup = () => ({ server, browser } = app());

  for (const vp of VIEWPORTS) {
    test(`${vp.name}: Tab reaches every control, each has a name, and focus is never trapped`, async () => {
      setup();
      const { page, check, context } = await openPage(browser, vp);
      // A filter is set so that "Clear filters" is enabled, as it is whenever it does anything.
      await gotoMap(page, server.url, `#confidence=confirmed&sel=incidents/${TERMEZ}`);
      await openPanel(page);
      assert.equal(await page.locator('#map').getAttribute('aria-label'), 'Map of Afghanistan and Central Asia');
      const cdp = await context.newCDPSession(page);
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      const seen = [];
      let first = null;
      let cycled = false;
      for (let i = 0; i < 600; i++) {
        await page.keyboard.press('Tab');
        const f = await focused(page, cdp);
        if (!f) continue; // focus left the page (the browser's own UI) and comes back
        if (first && f.key === first.key) {
          cycled = true;
          break;
        }
        if (!first) first = f;
        seen.push(f);
      }
      assert.ok(cycled, `Tab came back to the start (${seen.length} stops; last: ${seen.slice(-3).map((f) => f.key).join(', ')})`);
      const unnamed = seen.filter((f) => !f.name);
      assert.deepEqual(unnamed.map((f) => f.key), [], 'every focused element has an accessible name');
      const keys = new Set(seen.map((f) => f.key));
      const want = [
        '#search-input', '#layer-toggle-borders', '#layer-toggle-incidents', '#layer-toggle-osm', '#filter-from', '#filter-to',
        '#filter-asof', '#filter-category-0', '#filter-confidence-0', '#filter-fmin', '#filter-fmax', '#filter-km', '#filter-near', '#map',
      ];
      for (const k of want) assert.ok(keys.has(k), `${k} reached by Tab`);
      const kinds = seen.map((f) => f.cls);
      for (const c of ['download-view-link', 'layer-download', 'filter-reset', 'leaflet-control-zoom-in', 'details-close', 'casmap-panel-toggle', 'casmap-tool', 'filter-multi-find']) {
        assert.ok(kinds.some((k) => k.split(' ').includes(c)), `a .${c} reached by Tab`);
      }
      assert.ok(seen.some((f) => f.role === 'button' && /Railways|TAPI/.test(f.name)), 'map lines reached by Tab');
      check();
      await context.close();
    });

    test(`${vp.name}: search finds a place by any spelling or script`, async () => {
      setup();
      const { page, check, context } = await openPage(browser, vp);
      await gotoMap(page, server.url);
      const input = page.getByRole('combobox', { name: 'Search places and features' });
      const cases = [
        ['Termiz', 'Termez'], ['Термез', 'Termez'], ['mazar-e sharif', 'Mazar-i-Sharif'], ['مزار شریف', 'Mazar-i-Sharif'],
      ];
      for (const [query, want] of cases) {
        await input.fill(query);
        const option = page.locator('#search-results [role="option"]').first();
        await option.waitFor();
        assert.equal(await option.locator('.search-option-name').textContent(), want, `"${query}": first result`);
        assert.match(await option.locator('.search-option-meta').textContent(), /^Places/, `"${query}": a place`);
        await input.press('Enter');
        await page.locator('#details').waitFor({ state: 'visible' });
        assert.equal(await page.locator('#details-title').textContent(), want, `"${query}": details`);
        assert.equal(await page.locator('#details').getAttribute('data-layer'), 'places');
      }
      check();
      await context.close();
    });
  }

  test('phone: no sideways scroll with every panel open; screenshot', async (t) => {
    setup();
    const { page, check, context } = await openPage(browser, { width: 390, height: 844 });
    await gotoMap(page, server.url, `#map=7/35.9/67.5&sel=incidents/${TERMEZ}`);
    await page.locator('#details').waitFor({ state: 'visible' });
    const fits = async (what) => {
      const width = await page.evaluate(() => Math.max(document.scrollingElement.scrollWidth, document.body.scrollWidth));
      assert.ok(width <= 390, `${what}: scrollWidth ${width} <= 390`);
      for (const sel of ['.casmap-panel', '#details', '.casmap-search', '#view-summary']) {
        const box = await page.locator(sel).boundingBox();
        if (box) assert.ok(box.x >= 0 && box.x + box.width <= 390.5, `${what}: ${sel} inside the screen: ${JSON.stringify(box)}`);
      }
    };
    await fits('details open');
    const shot = await screenshotPath('screenshot-phone.png');
    await page.mouse.move(389, 100);
    await page.screenshot({ path: shot });
    t.diagnostic(`saved ${shot}`);
    await openPanel(page);
    await fits('layers panel and details open');
    await page.locator('.casmap-panel-body').evaluate((b) => { b.scrollTop = b.scrollHeight; });
    await fits('layers panel scrolled to the end');
    await page.locator('#search-input').fill('ter');
    await page.locator('#search-results [role="option"]').first().waitFor();
    await fits('search results, layers panel and details open');
    await page.locator('#filter-near').selectOption('tapi');
    await fits('with a distance filter');
    check();
    await context.close();
  });
});
