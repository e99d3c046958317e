// Unit tests of status.js: the status of an infrastructure section on a
// day, replayed from its milestones. Run: npm run test:unit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasHistory, sortedMilestones, statusLabel, statusOn } from '../src/status.js';
import { asOfDay, today } from '../src/filters.js';

const ms = (...pairs) => pairs.map(([date, event]) => ({ date, event }));

describe('statusOn', () => {
  const tapi = ms(['2010-12-11', 'agreed'], ['2015-12-13', 'groundbreaking'], ['2018-02-23', 'announced']);
  const cases = [
    { name: 'before any milestone', m: tapi, day: '2009-01-01', want: 'not_yet_agreed' },
    { name: 'on the day of agreement', m: tapi, day: '2010-12-11', want: 'proposed' },
    { name: 'agreed', m: tapi, day: '2014-12-31', want: 'proposed' },
    { name: 'groundbreaking', m: tapi, day: '2015-12-13', want: 'under_construction' },
    { name: 'announcement does not undo construction', m: tapi, day: '2019-06-30', want: 'under_construction' },
    { name: 'announced alone', m: ms(['2024-08-01', 'announced']), day: '2024-08-02', want: 'proposed' },
    { name: 'construction started', m: ms(['2010-01-22', 'construction_started']), day: '2010-06-01', want: 'under_construction' },
    { name: 'opened', m: ms(['2010-01-22', 'construction_started'], ['2011-12-21', 'opened']), day: '2012-01-01', want: 'operating' },
    { name: 'opened then announced stays operating', m: ms(['2011-12-21', 'opened'], ['2024-02-21', 'announced']), day: '2025-01-01', want: 'operating' },
    { name: 'suspended', m: ms(['2011-12-21', 'opened'], ['2021-08-15', 'suspended']), day: '2021-09-01', want: 'suspended' },
    { name: 'resumed after suspension restores operating', m: ms(['2011-12-21', 'opened'], ['2021-08-15', 'suspended'], ['2022-01-01', 'resumed']), day: '2022-01-01', want: 'operating' },
    { name: 'resumed after suspended construction', m: ms(['2018-02-23', 'groundbreaking'], ['2021-08-15', 'suspended'], ['2024-09-11', 'resumed']), day: '2024-12-01', want: 'under_construction' },
    { name: 'resumed without suspension keeps construction', m: ms(['2018-02-23', 'groundbreaking'], ['2024-09-11', 'resumed']), day: '2024-12-01', want: 'under_construction' },
    { name: 'resumed first means operating', m: ms(['2001-12-09', 'resumed']), day: '2002-01-01', want: 'operating' },
    { name: 'construction after opening (an extension)', m: ms(['2016-11-28', 'opened'], ['2019-07-26', 'construction_started'], ['2021-01-14', 'opened']), day: '2020-01-01', want: 'under_construction' },
    { name: 'unordered milestones are sorted', m: ms(['2015-12-13', 'groundbreaking'], ['2010-12-11', 'agreed']), day: '2012-01-01', want: 'proposed' },
    { name: 'unknown events are ignored', m: ms(['2010-12-11', 'agreed'], ['2012-01-01', 'celebrated']), day: '2013-01-01', want: 'proposed' },
    { name: 'malformed milestones are ignored', m: [null, 'x', { date: 'soon', event: 'opened' }, { date: '2010-12-11', event: 'agreed' }], day: '2013-01-01', want: 'proposed' },
  ];
  for (const tc of cases) {
    test(tc.name, () => {
      const got = statusOn({ milestones: tc.m }, tc.day);
      assert.equal(got, tc.want, `statusOn(${JSON.stringify(tc.m)}, ${tc.day}) = ${got}, want ${tc.want}`);
    });
  }
  test('no milestones: the current status, whatever the day', () => {
    assert.equal(statusOn({ status: 'operating' }, '1900-01-01'), 'operating');
    assert.equal(statusOn({ status: 'bogus' }, '2020-01-01'), null);
    assert.equal(statusOn({}, '2020-01-01'), null);
    assert.equal(hasHistory({ status: 'operating' }), false);
    assert.equal(hasHistory({ milestones: ms(['2010-12-11', 'agreed']) }), true);
  });
});

test('asOfDay is its own day, else the end of the range, else today', () => {
  assert.equal(asOfDay({ asof: '2015-01-01', to: '2019-06-30' }, new Date('2026-03-04T10:00:00Z')), '2015-01-01');
  const now = new Date('2026-03-04T23:59:00Z');
  assert.equal(today(now), '2026-03-04');
  assert.equal(asOfDay({ from: '2019-01-01', to: '2019-06-30' }, now), '2019-06-30');
  assert.equal(asOfDay({ from: '2019-01-01', to: '' }, now), '2026-03-04');
  assert.equal(asOfDay({ to: 'garbage' }, now), '2026-03-04');
});

test('labels', () => {
  assert.equal(statusLabel('under_construction'), 'under construction');
  assert.equal(statusLabel('not_yet_agreed'), 'not yet agreed');
  assert.deepEqual(sortedMilestones(undefined), []);
});

// The seed data says each section's current status; replaying its
// milestones up to today must arrive at the same one.
test('seed data: milestones replayed to today give the current status', async () => {
  const seed = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../geodata/seed');
  let checked = 0;
  for (const layer of ['tapi', 'railways']) {
    const fc = JSON.parse(await readFile(path.join(seed, `${layer}.geojson`), 'utf8'));
    for (const f of fc.features) {
      const p = f.properties || {};
      if (!p.status || !hasHistory(p)) continue;
      assert.equal(statusOn(p, today()), p.status, `${layer}/${f.id}: status today`);
      checked++;
    }
  }
  assert.ok(checked >= 5, `checked ${checked} sections`);
});
