// Unit tests of the page's pure modules (no browser, no Leaflet): the
// incident filter, URL state and link sanitising. Run: npm run test:unit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emptyFilter, histogram, matchesIncident, normalizeFilter, quarterKey, quarterRange, toQuery,
} from '../src/filters.js';
import { formatHash, parseHash } from '../src/url-state.js';

describe('matchesIncident', () => {
  const cases = [
    { name: 'empty filter', props: { date: '2022-05-01' }, f: {}, want: true },
    { name: 'inside range', props: { date: '2022-05-01' }, f: { from: '2022-01-01', to: '2022-12-31' }, want: true },
    { name: 'before range', props: { date: '2021-12-31' }, f: { from: '2022-01-01' }, want: false },
    { name: 'after range', props: { date: '2023-01-01' }, f: { to: '2022-12-31' }, want: false },
    { name: 'span overlaps start', props: { date: '2021-12-30', date_end: '2022-01-02' }, f: { from: '2022-01-01' }, want: true },
    { name: 'date-time value', props: { date: '2022-05-01T10:00:00Z' }, f: { from: '2022-05-01', to: '2022-05-01' }, want: true },
    { name: 'no date with range', props: {}, f: { from: '2022-01-01' }, want: false },
    { name: 'category match', props: { category: 'attack' }, f: { category: 'attack' }, want: true },
    { name: 'category mismatch', props: { category: 'plot' }, f: { category: 'attack' }, want: false },
    { name: 'actor and confidence', props: { actor: 'X', confidence: 'claimed' }, f: { actor: 'X', confidence: 'confirmed' }, want: false },
  ];
  for (const tc of cases) {
    test(tc.name, () => {
      const got = matchesIncident(tc.props, { ...emptyFilter(), ...tc.f });
      assert.equal(got, tc.want, `matchesIncident(${JSON.stringify(tc.props)}, ${JSON.stringify(tc.f)}) = ${got}, want ${tc.want}`);
    });
  }
});

test('toQuery uses OGC datetime with open ends', () => {
  assert.deepEqual(toQuery({ ...emptyFilter(), from: '2022-01-01' }), { datetime: '2022-01-01/..' });
  assert.deepEqual(toQuery({ ...emptyFilter(), to: '2022-01-01', actor: 'A' }), { datetime: '../2022-01-01', actor: 'A' });
  assert.deepEqual(toQuery(emptyFilter()), {});
});

test('normalizeFilter drops malformed dates', () => {
  assert.deepEqual(normalizeFilter({ from: '2022-13', to: '2022-02-03', category: ' attack ' }),
    { ...emptyFilter(), to: '2022-02-03', category: 'attack' });
});

test('quarters', () => {
  assert.equal(quarterKey('2022-05-17'), '2022-Q2');
  assert.deepEqual(quarterRange('2024-Q1'), ['2024-01-01', '2024-03-31']);
  assert.deepEqual(quarterRange('2023-Q4'), ['2023-10-01', '2023-12-31']);
  const bins = histogram([
    { properties: { date: '2021-11-02', category: 'attack' } },
    { properties: { date: '2022-05-01', category: 'plot' } },
    { properties: { date: '2022-06-30', category: 'attack' } },
  ], { ...emptyFilter(), category: 'attack' });
  assert.deepEqual(bins.map((b) => [b.key, b.count]), [['2021-Q4', 1], ['2022-Q1', 0], ['2022-Q2', 1]]);
});

describe('URL hash', () => {
  test('round trip', () => {
    const state = {
      view: { zoom: 6.5, lat: 38.51234, lng: 68.7799 },
      layers: ['borders', 'incidents'],
      filter: { ...emptyFilter(), from: '2022-01-01', actor: 'Islamic State – Khorasan' },
      sel: { layer: 'incidents', id: 'a/b c' },
    };
    const back = parseHash(formatHash(state));
    assert.deepEqual(back.layers, state.layers);
    assert.deepEqual(back.filter, state.filter);
    assert.deepEqual(back.sel, state.sel);
    assert.equal(back.view.zoom, 6.5);
    assert.ok(Math.abs(back.view.lat - state.view.lat) < 1e-3);
  });
  test('garbage is ignored', () => {
    const got = parseHash('#map=99/1000/x&sel=nope&from=yesterday');
    assert.equal(got.view, null);
    assert.equal(got.sel, null);
    assert.equal(got.layers, null);
    assert.deepEqual(got.filter, emptyFilter());
  });
  test('empty layers list means none', () => {
    assert.deepEqual(parseHash('#layers=').layers, []);
  });
});
