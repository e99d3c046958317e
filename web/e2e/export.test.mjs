// A print and a PNG that can be cited, in a real browser against the real
// binary: the map without panels, the legend, the filters in words, the
// date, the data version, the permalink and the sources of what is shown.
// The PNG is read back as an image; the print is laid out as on paper
// (print media at a landscape page's size) and looked at as a picture.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import {
  VIEWPORTS, gotoMap, openPage, screenshotPath, useCasmap,
} from './harness.mjs';

const HASH = '#map=6/37/67&from=2022-01-01&to=2022-12-31';
// A landscape page less its 10 mm margins, at 96 px to the inch.
const PAGE = { width: 1047, height: 718 };

/** pngSize reads the width and height from a PNG's IHDR chunk. */
function pngSize(buf) {
  assert.deepEqual([...buf.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG signature');
  assert.equal(buf.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/**
 * imageBands decodes a PNG in the page and says, for each horizontal band
 * [top, bottom) in pixels, how much of it is ink (dark pixels: text and
 * lines), how much is not white paper, and how many colours it has
 * (at 4 bits a channel): a drawn map has many, a blank one a few.
 */
function imageBands(page, buf, bands) {
  return page.evaluate(async ({ data, ranges }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    return ranges.map(([top, bottom]) => {
      const { data: px } = g.getImageData(0, top, img.width, bottom - top);
      let ink = 0;
      let paper = 0;
      const colours = new Set();
      for (let i = 0; i < px.length; i += 4) {
        const [r, gg, b] = [px[i], px[i + 1], px[i + 2]];
        if (r + gg + b < 300) ink++;
        if (r > 249 && gg > 249 && b > 249) paper++;
        colours.add(((r >> 4) << 8) | ((gg >> 4) << 4) | (b >> 4));
      }
      const n = px.length / 4;
      return { ink: ink / n, drawn: 1 - paper / n, colours: colours.size };
    });
  }, { data: buf.toString('base64'), ranges: bands });
}

/** overlaps reports whether two boxes share any area. */
const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('print and PNG', () => {
  const app = useCasmap();

  for (const vp of VIEWPORTS) {
    test(`${vp.name}: the PNG is the map with its legend, filters in words, day, data version, permalink and sources`, async (t) => {
      const { server, browser } = app();
      const { page, check, context } = await openPage(browser, vp);
      await gotoMap(page, server.url, HASH);
      const version = (await fetch(`${server.url}/api/collections`)).headers.get('x-data-version');
      const mapBox = await page.locator('#map').boundingBox();
      const day = new Date().toISOString().slice(0, 10);
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.locator('.casmap-png').click()]);
      assert.equal(download.suggestedFilename(), `casmap-map-2022-01-01_2022-12-31-${day}.png`, 'the name says the filter and the day');
      const buf = await readFile(await download.path());
      const { width, height } = pngSize(buf);
      assert.equal(width, vp.width, 'as wide as the page');
      assert.ok(height > mapBox.height + 300, `the map (${mapBox.height} px) with the sheet under it: ${height} px`);
      assert.ok(buf.length > 100_000 && buf.length < 20_000_000, `a plausible size: ${buf.length} bytes`);
      const top = Math.round(mapBox.y + 20);
      const [map, sheet] = await imageBands(page, buf, [[top, Math.round(mapBox.y + mapBox.height - 20)], [Math.round(mapBox.y + mapBox.height + 10), height]]);
      assert.ok(map.drawn > 0.9 && map.colours > 40 && map.ink > 0.002, `the map is drawn in the picture: ${JSON.stringify(map)}`);
      assert.ok(sheet.ink > 0.01, `the sheet's text is in the picture (ink ${sheet.ink.toFixed(3)})`);
      // What the sheet in the picture says.
      const sheetEl = page.locator('#print-sheet');
      const text = await sheetEl.textContent();
      assert.match(text, /Shows\s*Incidents from 2022-01-01 to 2022-12-31: \d+ of \d+ shown/, 'the filters in words');
      assert.match(text, new RegExp(`Made\\s*${day} \\d\\d:\\d\\d UTC`), 'the day it was made');
      assert.ok(version && text.includes(`Data version${version}`), `the data version ${version}`);
      assert.equal(await sheetEl.locator('.sheet-facts a').getAttribute('href'), page.url(), 'the permalink is this view');
      assert.ok(await sheetEl.locator('.sheet-legend .legend-categories .legend-item').count() >= 8, 'the legend');
      assert.ok(await sheetEl.locator('.sheet-sources a[href^="http"]').count() > 5, 'the sources of the incidents in view');
      // The page is back as it was.
      assert.equal(await page.evaluate(() => document.body.classList.contains('exporting')), false);
      assert.deepEqual(await page.locator('#map').boundingBox(), mapBox, 'the map has its size back');
      assert.equal(await sheetEl.isVisible(), false, 'the sheet is hidden on screen');
      if (vp.name === 'desktop') {
        const shot = await screenshotPath('export.png');
        await writeFile(shot, buf);
        t.diagnostic(`saved ${shot}`);
      }
      check();
      await context.close();
    });

    test(`${vp.name}: the print is the map at its paper size around the same centre, with the legend beside the layers and the sources under them`, async (t) => {
      const { server, browser } = app();
      const { page, check, context } = await openPage(browser, vp);
      await gotoMap(page, server.url, `${HASH}&near=borders%2Fafg&km=30`);
      const centre = () => page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('map').split('/').slice(1).map(Number));
      const before = await centre();
      // What the browser does when printing: beforeprint, then the page
      // laid out with print media on the paper's width.
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      await page.emulateMedia({ media: 'print' });
      await page.setViewportSize(PAGE);
      await page.waitForTimeout(300);
      const after = await centre();
      assert.ok(Math.abs(after[0] - before[0]) < 0.05 && Math.abs(after[1] - before[1]) < 0.05, `the same centre: ${before} then ${after}`);
      const mapBox = await page.locator('#map').boundingBox();
      assert.ok(Math.abs(mapBox.width - 971) < 3 && Math.abs(mapBox.height - 567) < 3, `257 x 150 mm on paper: ${JSON.stringify(mapBox)}`);
      for (const sel of ['.casmap-search', '.leaflet-control-zoom', '.casmap-panel', '.casmap-tools', '.skip-link', '#details', '#table']) {
        assert.equal(await page.locator(sel).isVisible(), false, `${sel} not printed`);
      }
      for (const sel of ['#map', '#view-summary', '.leaflet-control-attribution', '#print-sheet .sheet-legend', '#print-sheet .sheet-layers', '#print-sheet .sheet-sources']) {
        assert.equal(await page.locator(sel).isVisible(), true, `${sel} printed`);
      }
      const summary = await page.locator('#view-summary').textContent();
      assert.match(summary, /from 2022-01-01 to 2022-12-31.*within 30 km of the Afghan border/s, 'the filters in words on the map');
      assert.match(summary, /Infrastructure as of 2022-12-31/);
      const credits = await page.locator('.leaflet-control-attribution').boundingBox();
      const box = await page.locator('#view-summary').boundingBox();
      assert.ok(!overlaps(credits, box), `the credits ${JSON.stringify(credits)} keep clear of the summary ${JSON.stringify(box)}`);
      // The sheet: legend and layers side by side, the sources under both, nothing over anything else.
      const legend = await page.locator('#print-sheet .sheet-legend').boundingBox();
      const layers = await page.locator('#print-sheet .sheet-shown').boundingBox();
      const sources = await page.locator('#print-sheet .sheet-sources').boundingBox();
      assert.ok(!overlaps(legend, layers) && layers.x > legend.x + legend.width - 1 && Math.abs(layers.y - legend.y) < 2, `legend ${JSON.stringify(legend)} beside the layers ${JSON.stringify(layers)}`);
      assert.ok(sources.y >= Math.max(legend.y + legend.height, layers.y + layers.height) - 1, 'the sources under both');
      const sheet = await page.locator('#print-sheet').textContent();
      assert.ok(sheet.includes(page.url()), 'the permalink is this view');
      assert.match(sheet, /Data version\s*\S+/);
      assert.ok(await page.locator('#print-sheet .sheet-sources a[href^="http"]').count() > 0, 'source URLs listed');
      const pdf = await page.pdf({ landscape: true, format: 'A4' });
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'Chromium prints it to a PDF');
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
      assert.ok(pages >= 1 && pages <= 6, `${pages} pages`);
      const shot = await screenshotPath(`print-${vp.name}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`saved ${shot}`);
      // After printing the map gets its screen size back.
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize(vp);
      await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
      const back = await page.locator('#map').boundingBox();
      assert.equal(back.width, vp.width, 'the map is as wide as the screen again');
      check();
      await context.close();
    });
  }
});
