// Unit tests of where a place's name goes when incident marks cover it.
// Run: npm run test:unit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { wayFor } from '../src/make-way.js';

// circle is the box of a mark of radius r centred at (x, y).
const circle = (x, y, r) => ({ left: x - r, right: x + r, top: y - r, bottom: y + r });
const at = { x: 100, y: 100 };
const size = { w: 40, h: 16 };

describe('wayFor', () => {
  const cases = [
    { name: 'nothing near: the name stays', marks: [], want: null },
    { name: 'a mark elsewhere: the name stays', marks: [circle(300, 100, 15)], want: null },
    { name: 'a mark above the name only: it stays', marks: [circle(120, 70, 8)], want: null },
    { name: 'a cluster on the dot: just past its right edge', marks: [circle(100, 100, 15)], want: 17 },
    { name: 'a cluster on the dot and a mark right of it: left of the cluster, the nearer side', marks: [circle(100, 100, 15), circle(130, 100, 10)], want: 85 - 2 - 40 - 100 },
    { name: 'marks in a row on the right, more on the left: past both on the right', marks: [circle(100, 100, 15), circle(130, 100, 10), circle(60, 100, 20)], want: 142 - 100 },
    { name: 'a mark right of the dot only: the name goes left of the dot', marks: [circle(150, 100, 30)], want: -7 - 40 },
    { name: 'covered far on both sides: it stays', marks: [circle(100, 100, 200)], want: null },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const dx = wayFor(at, size, c.marks);
      assert.equal(dx, c.want);
      if (dx !== null) {
        const box = { left: at.x + dx, right: at.x + dx + size.w, top: at.y - size.h / 2, bottom: at.y + size.h / 2 };
        for (const m of c.marks) assert.ok(!(box.left < m.right && m.left < box.right && box.top < m.bottom && m.top < box.bottom), 'clear of every mark');
      }
    });
  }
});
