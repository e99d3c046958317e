// Unit tests of where names go so that none runs into another or off the
// map. Run: npm run test:unit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { placeNames, rankOf } from '../src/name-collide.js';

const BOUNDS = { left: 0, top: 0, right: 400, bottom: 300 };
// area is a name centred on (x, y); place is a name right of its dot at (x, y).
const area = (x, y, rank, extra = {}) => ({
  box: { left: x - 30, right: x + 30, top: y - 7, bottom: y + 7 }, anchorX: x, rank, ...extra,
});
const place = (x, y, rank, extra = {}) => ({
  box: { left: x + 7, right: x + 57, top: y - 7, bottom: y + 7 }, anchorX: x, rank, place: true, avoidMarks: true, ...extra,
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
      names: [area(100, 100, 0), area(100, 86, 0), area(100, 114, 0), area(162, 100, 0), area(38, 100, 0), area(100, 100, 3)],
      want: [{ dx: 0, dy: 0 }, { dx: 0, dy: 0 }, { dx: 0, dy: 0 }, { dx: 0, dy: 0 }, { dx: 0, dy: 0 }, null],
    },
    { name: 'the name the keyboard is on stays even where it collides', names: [area(100, 100, 0), area(100, 100, 7, { kept: true })], want: [{ dx: 0, dy: -16 }, { dx: 0, dy: 0 }] },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(placeNames(c.names, BOUNDS), c.want));
  }

  test('a place name is not moved under a cluster; an area name may sit under one', () => {
    const cluster = { left: 30, right: 100, top: 90, bottom: 110 };
    assert.deepEqual(placeNames([place(100, 100, 1), area(130, 100, 0)], BOUNDS, [cluster]), [{ dx: 0, dy: -16 }, { dx: 0, dy: 0 }]);
    assert.deepEqual(placeNames([area(60, 100, 0, { avoidMarks: false })], BOUNDS, [cluster]), [{ dx: 0, dy: 0 }]);
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
