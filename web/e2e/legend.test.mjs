// The legend, in a real browser against the real binary: it says what each
// mark means, one visual variable per meaning (hue the type, fill the
// confidence, size the deaths, a grey dashed ring the location's
// precision), the marks on the map are drawn as it says, and the type
// colours stay apart for readers with any of the three colour-vision
// deficiencies.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  VIEWPORTS, gotoMap, openPage, openPanel, useCasmap,
} from './harness.mjs';

// Colour-vision deficiency simulation (Machado, Oliveira and Fernandes
// 2009, severity 1) and the CIE76 distance between two colours as seen.
const CVD = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
};
const linear = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const rgbOf = (hex) => [1, 3, 5].map((i) => linear(parseInt(hex.slice(i, i + 2), 16) / 255));
const seen = (m, v) => m.map((r) => Math.min(1, Math.max(0, r[0] * v[0] + r[1] * v[1] + r[2] * v[2])));
function lab([r, g, b]) {
  const f = (t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
const deltaE = (a, b) => Math.hypot(...a.map((v, i) => v - b[i]));

/** MIN_DELTA_E: Okabe-Ito's closest pair is 16 apart; ColorBrewer Set1 or d3's category10 come within 5. */
const MIN_DELTA_E = 12;

// swatches reads one legend list: each entry's label and its circle's look.
const swatches = (page, list) => page.locator(`.legend ${list} .legend-item`).evaluateAll((items) => items.map((li) => {
  const c = li.querySelector('svg circle');
  return {
    label: li.querySelector('.legend-label').textContent,
    fill: c.getAttribute('fill'),
    fillOpacity: Number(c.getAttribute('fill-opacity')),
    r: Number(c.getAttribute('r')),
    dash: c.getAttribute('stroke-dasharray'),
  };
}));

describe('legend', () => {
  const app = useCasmap();

  for (const vp of VIEWPORTS) {
    test(`${vp.name}: each mark's meaning is said once, with its own visual variable, and the map draws it so`, async () => {
      const { server, browser } = app();
      const { page, check, context } = await openPage(browser, vp);
      await gotoMap(page, server.url, '#map=6/37.5/68.5');
      await openPanel(page);
      const legend = page.locator('.legend');
      await legend.scrollIntoViewIfNeeded();
      const headings = await legend.locator('.legend-subheading').allTextContents();
      for (const want of [/colour is the type/, /Fill is the confidence/, /Size is the number killed/, /ring: where the location is known/]) {
        assert.ok(headings.some((h) => want.test(h)), `a heading says ${want} (${headings.join(' | ')})`);
      }
      assert.match(await legend.textContent(), /numbered circle stands for that many incidents/, 'clusters explained');

      // Type: hue only, eight colours apart for every colour vision.
      const types = await swatches(page, '.legend-categories');
      assert.equal(types.length, 8, 'eight types');
      assert.equal(new Set(types.map((t) => t.fillOpacity)).size, 1, 'types differ in hue, not fill');
      for (const [name, m] of Object.entries(CVD)) {
        for (let i = 0; i < types.length; i++) {
          for (let j = i + 1; j < types.length; j++) {
            const e = deltaE(lab(seen(m, rgbOf(types[i].fill))), lab(seen(m, rgbOf(types[j].fill))));
            assert.ok(e >= MIN_DELTA_E, `${name}: ${types[i].label} and ${types[j].label} are ${e.toFixed(1)} apart`);
          }
        }
      }

      // Confidence: fill only, each level its own, none dashed.
      const conf = await swatches(page, '.legend-confidence');
      assert.deepEqual(conf.map((c) => c.label), ['Confirmed', 'Reported', 'Claimed', 'Disputed']);
      const fills = conf.map((c) => c.fillOpacity);
      assert.ok(fills.every((v, i) => i === 0 || v < fills[i - 1]), `fill falls from confirmed to disputed: ${fills}`);
      assert.ok(conf.every((c) => !c.dash && c.fill === conf[0].fill && c.r === conf[0].r), 'same hue, size and outline');

      // Size: deaths only, growing with them.
      const sizes = await swatches(page, '.legend-fatalities');
      assert.ok(sizes.length >= 3 && sizes.every((s, i) => i === 0 || s.r > sizes[i - 1].r), `radii grow: ${sizes.map((s) => s.r)}`);
      assert.ok(sizes.slice(1).every((s) => /killed/.test(s.label)), 'each size says how many were killed');

      // Rings: the only dashes among incident marks, each with its distance.
      const rings = await swatches(page, '.legend-precision');
      assert.ok(rings.length >= 2 && rings.every((r) => r.dash && /within \d+ km/.test(r.label)), JSON.stringify(rings));

      // The map draws as the legend says.
      const marks = await page.locator('.leaflet-incidents-pane path.casmap-incident').evaluateAll((ps) => ps.map((p) => ({
        conf: [...p.classList].find((c) => c.startsWith('casmap-conf-')).slice('casmap-conf-'.length),
        fillOpacity: Number(p.getAttribute('fill-opacity')),
        dash: p.getAttribute('stroke-dasharray'),
        r: Number((/a([\d.]+),/.exec(p.getAttribute('d')) || [])[1]),
      })).filter((m) => Number.isFinite(m.r))); // off-screen marks are "M0 0"

      assert.ok(marks.length > 5, `incidents drawn singly (${marks.length})`);
      const byConf = Object.fromEntries(conf.map((c) => [c.label.toLowerCase(), c.fillOpacity]));
      for (const m of marks) {
        assert.equal(m.fillOpacity, byConf[m.conf], `a ${m.conf} incident is filled as the legend says`);
        assert.equal(m.dash, null, 'incidents are never dashed');
        assert.ok(sizes.some((s) => Math.abs(s.r - m.r) < 0.01), `radius ${m.r} is a legend size`);
      }
      assert.ok(new Set(marks.map((m) => m.conf)).size >= 2, 'more than one confidence in view');
      const ringMarks = await page.locator('.leaflet-precision-pane path.casmap-precision').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke-dasharray')));
      assert.ok(ringMarks.length > 0 && ringMarks.every(Boolean), `imprecise places have dashed rings (${ringMarks.length})`);
      check();
      await context.close();
    });
  }
});
