// Unit tests of which zoom the polygon and geography layers are fetched at.
// Run: npm run test:unit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FULL, FULL_DETAIL_ZOOM, detailFor, refetchDetail, simplifies, zoomParam,
} from '../src/detail-zoom.js';

describe('simplifies', () => {
  const cases = [
    { kind: 'MultiPolygon', want: true },
    { kind: 'Polygon', want: true },
    { kind: 'Polygon, MultiPolygon', want: true },
    { kind: 'Point', want: false },
    { kind: 'LineString', want: false },
    { kind: 'MultiLineString, MultiPolygon', want: true },
    { kind: 'LineString, Point', want: false },
    { kind: 'MultiPolygon, Point', want: false },
    { kind: '', want: false },
    { kind: undefined, want: false },
  ];
  for (const tc of cases) {
    test(String(tc.kind), () => {
      assert.equal(simplifies({ id: 'x', geometryKind: tc.kind }), tc.want);
    });
  }
  test('no collection', () => assert.equal(simplifies(null), false));
  test('a layer left out', () => assert.equal(simplifies({ id: 'tapi', geometryKind: 'MultiLineString, MultiPolygon' }, { except: ['tapi'] }), false));
});

test('detailFor is the last step at or below the rounded zoom, and full detail from 12.5 on', () => {
  assert.equal(FULL_DETAIL_ZOOM, 13);
  assert.equal(detailFor(4.75), 5);
  assert.equal(detailFor(4.25), 3);
  assert.equal(detailFor(4.5), 5);
  assert.equal(detailFor(5.25), 5);
  assert.equal(detailFor(6.25), 5);
  assert.equal(detailFor(6.5), 7);
  assert.equal(detailFor(3), 3);
  assert.equal(detailFor(10), 9);
  assert.equal(detailFor(12.25), 11);
  assert.equal(detailFor(12.5), FULL);
  assert.equal(detailFor(13), FULL);
  assert.equal(detailFor(14), FULL);
  assert.equal(detailFor(-1), 3);
  assert.equal(detailFor(1), 3);
  assert.equal(detailFor(NaN), FULL);
});

describe('refetchDetail', () => {
  const cases = [
    { name: 'same zoom', at: 5, zoom: 5, want: null },
    { name: 'fractional zoom rounding to the same', at: 5, zoom: 5.25, want: null },
    { name: 'zoom in one level, within the step', at: 5, zoom: 6, want: null },
    { name: 'zoom in two levels: the next step', at: 5, zoom: 7, want: 7 },
    { name: 'zoom in three levels', at: 5, zoom: 7.75, want: 7 },
    { name: 'zoom out', at: 9, zoom: 5, want: null },
    { name: 'zoom out a little', at: 9, zoom: 8.5, want: null },
    { name: 'zoom in to 11', at: 9, zoom: 11, want: 11 },
    { name: 'zoom in to 12: still step 11', at: 9, zoom: 12, want: 11 },
    { name: 'zoom in to 13: full detail', at: 9, zoom: 13, want: FULL },
    { name: 'zoom in to 14: full detail', at: 11, zoom: 14, want: FULL },
    { name: 'full detail already', at: FULL, zoom: 14, want: null },
    { name: 'full detail, zoomed out', at: FULL, zoom: 6, want: null },
  ];
  for (const tc of cases) {
    test(tc.name, () => {
      const got = refetchDetail(tc.at, tc.zoom);
      assert.equal(got, tc.want, `refetchDetail(${tc.at}, ${tc.zoom}) = ${got}, want ${tc.want}`);
    });
  }
});

test('zoomParam leaves zoom out for full detail', () => {
  assert.equal(zoomParam(5), 5);
  assert.equal(zoomParam(0), 0);
  assert.equal(zoomParam(FULL), undefined);
});
