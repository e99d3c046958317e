// Unit tests of the proximity filter's plain-data side, the filter in words,
// per-category counts and the bbox of "Download view". Run: npm run test:unit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeFilter, emptyFilter, facetCounts, isEmpty, kmOf, normalizeFilter, toQuery,
} from '../src/filters.js';
import { bboxParam } from '../src/api.js';
import { formatHash, parseHash } from '../src/url-state.js';

const f = (over) => ({ ...emptyFilter(), ...over });

test('normalizeFilter keeps known near targets and sane distances', () => {
  const cases = [
    { raw: { near: 'borders/afg', km: '30' }, want: f({ near: 'borders/afg', km: '30' }) },
    { raw: { near: 'tapi' }, want: f({ near: 'tapi' }) },
    { raw: { near: 'mars', km: '30' }, want: f() },
    { raw: { near: 'railways', km: '-1' }, want: f({ near: 'railways' }) },
    { raw: { near: 'railways', km: '99999' }, want: f({ near: 'railways' }) },
    { raw: { near: 'railways', km: 'NaN' }, want: f({ near: 'railways' }) },
    { raw: { km: '30' }, want: f() },
  ];
  for (const tc of cases) {
    const got = normalizeFilter(tc.raw);
    assert.deepEqual(got, tc.want, `normalizeFilter(${JSON.stringify(tc.raw)}) = ${JSON.stringify(got)}`);
  }
});

test('toQuery asks the server for near and within_km', () => {
  assert.deepEqual(toQuery(f({ near: 'borders/afg', km: '30', category: ['attack'] })),
    { category: 'attack', near: 'borders/afg', within_km: 30 });
  assert.deepEqual(toQuery(f({ near: 'tapi' })), { near: 'tapi', within_km: 50 });
  assert.equal(kmOf(f({ near: 'tapi', km: '2.5' })), 2.5);
});

test('isEmpty ignores a distance with nothing to measure from', () => {
  assert.equal(isEmpty(f({ km: '30' })), true);
  assert.equal(isEmpty(f({ near: 'tapi' })), false);
});

test('near and km round-trip through the URL hash', () => {
  const filter = f({ to: '2019-06-30', near: 'borders/afg', km: '30' });
  const hash = formatHash({ filter });
  assert.match(hash, /near=borders%2Fafg&km=30/);
  assert.deepEqual(parseHash(hash).filter, filter);
});

test('describeFilter says what is selected', () => {
  const labels = { category: { attack: 'Attack' } };
  assert.equal(describeFilter(f(), labels), 'All incidents');
  assert.equal(describeFilter(f({ from: '2019-01-01', to: '2019-06-30', category: ['attack'], near: 'tapi', km: '25' }), labels),
    'Incidents from 2019-01-01 to 2019-06-30; type Attack; within 25 km of the TAPI route');
  assert.equal(describeFilter(f({ to: '2014-12-31', near: 'borders/afg' })), 'Incidents until 2014-12-31; within 50 km of the Afghan border');
});

test('facetCounts counts each value, lists once per value', () => {
  const feats = [
    { id: 'a', properties: { category: 'attack', tags: ['x', 'y'] } },
    { id: 'b', properties: { category: 'attack', tags: ['x'] } },
    { id: 'c', properties: { category: 'plot' } },
  ];
  assert.deepEqual(facetCounts(feats, 'category'), { attack: 2, plot: 1 });
  assert.deepEqual(facetCounts(feats, 'tags'), { x: 2, y: 1, '': 1 });
});

test('bboxParam clamps to the world and rounds to 6 decimals', () => {
  const cases = [
    { in: { west: 60.1234567891, south: 35.5, east: 70, north: 40.0000004 }, want: '60.123457,35.5,70,40' },
    { in: { west: -250, south: -95, east: 300, north: 91 }, want: '-180,-90,180,90' },
  ];
  for (const tc of cases) assert.equal(bboxParam(tc.in), tc.want, `bboxParam(${JSON.stringify(tc.in)})`);
});
