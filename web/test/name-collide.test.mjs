// Unit tests of where names go so that none runs into another or off the
// map. Run: npm run test:unit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { avoidsOf, placeNames, rankOf } from '../src/name-collide.js';

const BOUNDS = { left: 0, top: 0, right: 400, bottom: 300 };
// area is a name centred on (x, y); place is a name right of its dot at (x, y).
const area = (x, y, rank, extra = {}) => ({
  box: { left: x - 30, right: x + 30, top: y - 7, bottom: y + 7 }, anchorX: x, rank, ...extra,
});
const place = (x, y, rank, extra = {}) => ({
  box: { left: x + 7, right: x + 57, top: y - 7, bottom: y + 7 }, anchorX: x, rank, place: true, avoids: 'marks', ...extra,
});

describe('placeNames', () => {
  const cases = [
    { name: 'apart: both stay', names: [area(100, 100, 0), area(250, 100, 0)], want: [{ dx: 0, dy: 0 }, { dx: 0, dy: 0 }] },
    { name: 'a capital on a country name: the capital goes left of its dot', names: [place(100, 100, 1), area(130, 100, 0)], want: [{ dx: -64, dy: 0 }, { dx: 0, dy: 0 }] },
    { name: 'the lower rank moves whatever the order given', names: [area(130, 100, 0), place(100, 100, 1)], want: [{ dx: 0, dy: 0 }, { dx: -64, dy: 0 }] },
    { name: 'a country name over the right edge moves inside', names: [area(390, 100, 0)], want: [{ dx: -20, dy: 0 }] },
    { name: 'a place name over the right edge goes left of its dot', names: [place(370, 100, 1)], want: [{ dx: -64, dy: 0 }] },
    { name: 'a name far outside the map is not shown', names: [area(600, 100, 0)], want: [null] },
    {
      name: 'no room anywhere near: the lower rank is hidden',
      names: [area(100, 100, 0), area(100, 86, 0), area(100, 114, 0), area(162, 100, 0), area(38, 100, 0), area(100, 72, 0), area(100, 128, 0), area(100, 100, 3)],
      want: [{ dx: 0, dy: 0 }, { dx: 0, dy: 0 }, { dx: 0, dy: 0 }, { dx: 0, dy: 0 }, { dx: 0, dy: 0 }, { dx: 0, dy: 0 }, { dx: 0, dy: 0 }, null],
    },
    { name: 'the name the keyboard is on stays even where it collides', names: [area(100, 100, 0), area(100, 100, 7, { kept: true })], want: [{ dx: 0, dy: -16 }, { dx: 0, dy: 0 }] },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(placeNames(c.names, BOUNDS), c.want));
  }

  test('a place name is not moved under a cluster; a name that avoids nothing may sit under one', () => {
    const cluster = { left: 30, right: 100, top: 90, bottom: 110, cluster: true };
    assert.deepEqual(placeNames([place(100, 100, 1), area(130, 100, 0)], BOUNDS, [cluster]), [{ dx: 0, dy: -16 }, { dx: 0, dy: 0 }]);
    assert.deepEqual(placeNames([area(60, 100, 7)], BOUNDS, [cluster]), [{ dx: 0, dy: 0 }]);
  });

  test('an area name steps off a cluster but may sit over a lone incident', () => {
    const cluster = { left: 50, right: 90, top: 80, bottom: 120, cluster: true };
    const incident = { left: 55, right: 65, top: 95, bottom: 105 };
    assert.deepEqual(placeNames([area(60, 100, 0, { avoids: 'clusters' })], BOUNDS, [cluster]), [{ dx: 0, dy: -32 }]);
    assert.deepEqual(placeNames([area(60, 100, 0, { avoids: 'clusters' })], BOUNDS, [incident]), [{ dx: 0, dy: 0 }]);
  });

  test('names move out from under what covers the map, or are not shown', () => {
    const panel = { left: 300, right: 400, top: 0, bottom: 300 };
    const zoom = { left: 0, right: 40, top: 0, bottom: 80 };
    assert.deepEqual(placeNames([area(320, 100, 0)], BOUNDS, [], [panel]), [null]);
    assert.deepEqual(placeNames([area(280, 100, 0)], BOUNDS, [], [panel]), [{ dx: -15, dy: 0 }]);
    assert.deepEqual(placeNames([place(30, 100, 1)], BOUNDS, [], [zoom]), [{ dx: 0, dy: 0 }]);
    assert.deepEqual(placeNames([place(30, 75, 1)], BOUNDS, [], [zoom]), [{ dx: 0, dy: 16 }]);
  });
});

describe('avoidsOf', () => {
  test('place names avoid every incident mark, area names the clusters, lakes and rivers nothing', () => {
    const of = (c) => avoidsOf({ contains: (x) => c.split(' ').includes(x) });
    assert.deepEqual(
      ['casmap-place-name casmap-place-name-capital', 'casmap-name-borders', 'casmap-name-gbao', 'casmap-name-provinces', 'casmap-name-lake', 'casmap-name-river'].map(of),
      ['marks', 'clusters', 'clusters', 'clusters', null, null],
    );
  });
});

describe('rankOf', () => {
  test('countries, capitals, provinces, cities, other places, lakes, rivers', () => {
    const ranks = ['casmap-name-borders', 'casmap-place-name casmap-place-name-capital', 'casmap-name-provinces', 'casmap-place-name casmap-place-name-city',
      'casmap-place-name casmap-place-name-crossing', 'casmap-name-lake', 'casmap-name-river']
      .map((c) => rankOf({ contains: (x) => c.split(' ').includes(x) }));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
    assert.equal(new Set(ranks).size, ranks.length);
  });
});
