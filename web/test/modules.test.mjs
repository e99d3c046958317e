// Unit tests of the page's pure modules (no browser, no Leaflet): the
// incident filter, URL state, the timeline's months, the table's rows and
// CSV, download names and label placement. Run: npm run test:unit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeFilter, emptyFilter, matchesIncident, normalizeFilter, toQuery,
} from '../src/filters.js';
import { formatHash, parseHash } from '../src/url-state.js';
import { bins, monthCounts, monthRange, statsMonths } from '../src/histogram.js';
import { csvText, rowsOf, sortRows } from '../src/table-rows.js';
import { downloadName } from '../src/download-name.js';
import { areaLabel, lineLabels, minZoomFor } from '../src/label-place.js';

const f = (over) => ({ ...emptyFilter(), ...over });

describe('matchesIncident', () => {
  const cases = [
    { name: 'empty filter', props: { date: '2022-05-01' }, f: {}, want: true },
    { name: 'inside range', props: { date: '2022-05-01' }, f: { from: '2022-01-01', to: '2022-12-31' }, want: true },
    { name: 'before range', props: { date: '2021-12-31' }, f: { from: '2022-01-01' }, want: false },
    { name: 'after range', props: { date: '2023-01-01' }, f: { to: '2022-12-31' }, want: false },
    { name: 'span overlaps start', props: { date: '2021-12-30', date_end: '2022-01-02' }, f: { from: '2022-01-01' }, want: true },
    { name: 'date-time value', props: { date: '2022-05-01T10:00:00Z' }, f: { from: '2022-05-01', to: '2022-05-01' }, want: true },
    { name: 'no date with range', props: {}, f: { from: '2022-01-01' }, want: false },
    { name: 'any of two categories', props: { category: 'plot' }, f: { category: ['attack', 'plot'] }, want: true },
    { name: 'category mismatch', props: { category: 'clash' }, f: { category: ['attack', 'plot'] }, want: false },
    { name: 'names AND together', props: { actor: 'X', confidence: 'claimed' }, f: { actor: ['X'], confidence: ['confirmed'] }, want: false },
    { name: 'actor group', props: { actor: 'ISKP-linked cell', actor_group: 'ISKP' }, f: { actor_group: ['ISKP'] }, want: true },
    { name: 'fatalities in range', props: { fatalities: 12 }, f: { fmin: '10', fmax: '20' }, want: true },
    { name: 'fatalities below', props: { fatalities: 9 }, f: { fmin: '10' }, want: false },
    { name: 'unknown toll is outside any range', props: { fatalities: null }, f: { fmax: '100' }, want: false },
  ];
  for (const tc of cases) {
    test(tc.name, () => {
      const got = matchesIncident(tc.props, f(tc.f));
      assert.equal(got, tc.want, `matchesIncident(${JSON.stringify(tc.props)}, ${JSON.stringify(tc.f)}) = ${got}, want ${tc.want}`);
    });
  }
  test('a facet can be left out (counts for the other values)', () => {
    assert.equal(matchesIncident({ category: 'clash' }, f({ category: ['attack'] }), 'category'), true);
  });
});

test('toQuery: OGC datetime with open ends, comma lists, fatalities ranges', () => {
  assert.deepEqual(toQuery(f({ from: '2022-01-01' })), { datetime: '2022-01-01/..' });
  assert.deepEqual(toQuery(f({ to: '2022-01-01', actor: ['A', 'B'] })), { datetime: '../2022-01-01', actor: 'A,B' });
  assert.deepEqual(toQuery(f({ fmin: '5' })), { fatalities: '5/..' });
  assert.deepEqual(toQuery(f({ fmax: '20' })), { fatalities: '../20' });
  assert.deepEqual(toQuery(f({ fmin: '5', fmax: '20', country: ['AFG', 'TJK'] })), { country: 'AFG,TJK', fatalities: '5/20' });
  assert.deepEqual(toQuery(emptyFilter()), {});
});

test('normalizeFilter drops malformed values and sorts lists', () => {
  assert.deepEqual(normalizeFilter({ from: '2022-13', to: '2022-02-03', category: ' attack ', confidence: ['reported', 'claimed', 'claimed'], fmin: '-3', fmax: 'x' }),
    f({ to: '2022-02-03', category: ['attack'], confidence: ['claimed', 'reported'] }));
  assert.deepEqual(normalizeFilter({ fmin: '20', fmax: '5' }), f({ fmin: '5', fmax: '20' }));
});

test('describeFilter says lists, ranges and as-of in words', () => {
  const labels = { category: { attack: 'Attack', plot: 'Plot' } };
  assert.equal(describeFilter(f({ category: ['attack', 'plot'], fmin: '10' }), labels), 'Incidents type Attack or Plot; at least 10 killed');
  assert.equal(describeFilter(f({ actor_group: ['ISKP'], fmin: '1', fmax: '9' })), 'Incidents actor group ISKP; 1 to 9 killed');
});

describe('URL hash', () => {
  test('round trip, lists with commas in values included', () => {
    const state = {
      view: { zoom: 6.5, lat: 38.51234, lng: 68.7799 },
      layers: ['borders', 'incidents'],
      filter: f({ from: '2022-01-01', asof: '2020-05-05', actor: ['Islamic State – Khorasan', 'Smith, J.'], category: ['attack', 'plot'], fmin: '3' }),
      sel: { layer: 'incidents', id: 'a/b c' },
      table: true,
    };
    const back = parseHash(formatHash(state));
    assert.deepEqual(back.layers, state.layers);
    assert.deepEqual(back.filter, state.filter);
    assert.deepEqual(back.sel, state.sel);
    assert.equal(back.table, true);
    assert.equal(back.view.zoom, 6.5);
    assert.ok(Math.abs(back.view.lat - state.view.lat) < 1e-3);
  });
  test('garbage is ignored', () => {
    const got = parseHash('#map=99/1000/x&sel=nope&from=yesterday&fmin=%E0%A4%A');
    assert.equal(got.view, null);
    assert.equal(got.sel, null);
    assert.equal(got.layers, null);
    assert.deepEqual(got.filter, emptyFilter());
  });
  test('empty layers list means none', () => {
    assert.deepEqual(parseHash('#layers=').layers, []);
  });
});

test('timeline months: every month between, ranges to whole months', () => {
  const counts = monthCounts([{ properties: { date: '2021-11-02' } }, { properties: { date: '2022-02-01' } }, { properties: {} }]);
  assert.deepEqual(bins(counts).map((b) => [b.month, b.count]), [['2021-11', 1], ['2021-12', 0], ['2022-01', 0], ['2022-02', 1]]);
  assert.deepEqual(monthRange('2024-02', '2023-12'), ['2023-12-01', '2024-02-29']);
  assert.deepEqual(statsMonths([{ month: '2022-04', count: 3 }, null]), { '2022-04': 3 });
});

test('table rows sort by date, fatalities, country and confidence; CSV quotes and defuses formulas', () => {
  const rows = rowsOf([
    { id: 'a', properties: { date: '2022-01-01', fatalities: 3, country: 'TJK', confidence: 'claimed', title: 'A, "quoted"' } },
    { id: 'b', properties: { date: '2023-01-01', fatalities: null, country: 'AFG', confidence: 'confirmed', title: '=HYPERLINK("x")' } },
    { id: 'c', properties: { date: '2021-01-01', fatalities: 40, country: 'UZB', confidence: 'disputed', title: 'C' } },
  ], { countryNames: { AFG: 'Afghanistan', TJK: 'Tajikistan', UZB: 'Uzbekistan' } });
  const ids = (key, dir) => sortRows(rows, { key, dir }).map((r) => r.id).join('');
  assert.equal(ids('date', -1), 'bac');
  assert.equal(ids('fatalities', -1), 'cab', 'unknown last');
  assert.equal(ids('fatalities', 1), 'acb', 'unknown last going up too');
  assert.equal(ids('country', 1), 'bac');
  assert.equal(ids('confidence', 1), 'bac');
  const csv = csvText(rows).split('\r\n');
  assert.equal(csv[0], 'id,date,title,category,country,actor_group,actor,fatalities,confidence,url');
  assert.equal(csv[1], 'a,2022-01-01,"A, ""quoted""",,TJK,,,3,claimed,');
  assert.match(csv[2], /^b,2023-01-01,"'=HYPERLINK\(""x""\)"/);
});

test('download names say the layer, filters, view and day', () => {
  const day = '2026-12-01';
  assert.equal(downloadName('borders', null, 'kml', { day }), 'casmap-borders-2026-12-01.kml');
  assert.equal(downloadName('incidents', f({ from: '2022-01-01', to: '2022-12-31', category: ['attack'] }), 'csv', { view: true, day }),
    'casmap-incidents-2022-01-01_2022-12-31-attack-view-2026-12-01.csv');
  assert.equal(downloadName('incidents', f({ actor_group: ['Anti-Taliban resistance'], fmin: '10' }), 'geojson', { day }),
    'casmap-incidents-anti-taliban-resistance-killed-10-more-2026-12-01.geojson');
});

test('labels: inside the biggest polygon, along the longest line, upright', () => {
  const square = (x, y, s) => [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]];
  const at = areaLabel({ geometry: { type: 'MultiPolygon', coordinates: [square(0, 0, 1), square(10, 10, 4)] }, properties: {} });
  assert.ok(at.lonlat[0] > 10 && at.lonlat[0] < 14 && at.lonlat[1] > 10 && at.lonlat[1] < 14, `in the big square: ${at.lonlat}`);
  assert.deepEqual(areaLabel({ geometry: { type: 'Polygon', coordinates: square(0, 0, 1) }, properties: { label_point: [0.2, 0.3] } }).lonlat, [0.2, 0.3]);
  assert.ok(minZoomFor({}, 50) < minZoomFor({}, 0.1), 'big areas are named first');
  assert.equal(minZoomFor({ min_label: 5 }, 0.1), 5, "the data's own label zoom wins");
  const line = { type: 'LineString', coordinates: [[70, 37], [69, 37.5], [68, 38]] };
  assert.deepEqual(lineLabels(line, { minZoom: 6, maxZoom: 6 }), [], 'about 110 px long at zoom 6: too short to name');
  const river = lineLabels(line, { minZoom: 7, maxZoom: 7 });
  assert.equal(river.length, 1, 'about 215 px long at zoom 7: one name');
  assert.ok(river[0].angle > -90 && river[0].angle <= 90, `upright: ${river[0].angle}`);
  assert.ok(river[0].angle > 0, 'read left to right the line goes down: turned clockwise on screen');
  assert.ok(Math.abs(river[0].lonlat[0] - 69) < 0.05 && Math.abs(river[0].lonlat[1] - 37.5) < 0.05, `in the middle: ${river[0].lonlat}`);
  const z11 = lineLabels(line, { minZoom: 11, maxZoom: 11 });
  assert.ok(z11.length >= 5, `named again and again when zoomed in (${z11.length} at zoom 11)`);
  assert.ok(z11.every((l) => l.lonlat[0] >= 68 && l.lonlat[0] <= 70 && l.lonlat[1] >= 37 && l.lonlat[1] <= 38), 'every name on the line');
  const bands = lineLabels(line, { minZoom: 7, maxZoom: 9 });
  assert.deepEqual([...new Set(bands.map((l) => `${l.minZoom}-${l.maxZoom}`))], ['7-8', '8-9', '9-99'], 'one set per zoom, the last from there on');
  assert.deepEqual(lineLabels({ type: 'LineString', coordinates: [[70, 37], [70.01, 37]] }, { minZoom: 5, maxZoom: 5 }), [], 'too short to name');
});
