// Editing in a real browser against the real binary: an editor signs in
// and proposes a new place drawn on the map; an anonymous visitor does not
// see it; a reviewer reads it in the queue with its sources and publishes
// it; the visitor then sees it; the reviewer renames it, reads its history
// and reverts the rename. Then an editor draws a railway line and drags a
// place to another spot, a reviewer publishes both, and a visitor finds
// the line and the place where they were drawn, in the API and on the map.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api, eventually, gotoMap, openPage, screenshotPath, useCasmap } from './harness.mjs';
import {
  drawnAt, pixelsApart, plainNear, viewOf,
} from './map-view.mjs';

const PASSWORD = 'a long test password';
const ACCOUNTS = [['edith', 'editor'], ['rita', 'reviewer']];

const prepare = async (bin, db) => {
  for (const [name, role] of ACCOUNTS) {
    execFileSync(bin, ['user', 'add', name, '--role', role, '--db', db], { input: `${PASSWORD}\n`, timeout: 30_000 });
  }
};

async function signIn(page, name) {
  await page.locator('.casmap-account-open').click();
  const form = page.locator('.casmap-account-form');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Password').fill(PASSWORD);
  await form.locator('button[type=submit]').click();
  await page.getByText(`Signed in as ${name}`).waitFor({ timeout: 5000 });
}

/** placeNamed is the published place called name, or undefined. */
const placeNamed = (url, name) => featureNamed(url, 'places', name);

/** mapCentre is the page position of the map's centre. */
async function mapCentre(page) {
  const box = await page.locator('#map').boundingBox();
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** featureNamed is the published feature of layer called name, or undefined. */
async function featureNamed(url, layer, name) {
  const fc = await api(url, `/api/collections/${layer}/items?limit=1000`);
  return fc.features.find((f) => f.properties.name === name);
}

async function fillForm(page, { name, reason, source = true, where = 'placed by casmap on the bridge named in the report', other = null }) {
  const form = page.locator('.casmap-edit-form');
  await form.getByLabel('Name').fill(name);
  if (other !== null) await form.getByLabel('Other properties (JSON)').fill(JSON.stringify(other));
  if (source) {
    const src = form.locator('.casmap-form-source').first();
    await src.getByLabel('Title').fill('Crossing reopens');
    await src.getByLabel('Publisher').fill('RFE/RL');
    await src.getByLabel('URL').fill('https://example.org/crossing');
    await src.getByLabel('Date').fill('2024-05-02');
    await form.getByLabel('Where the coordinates come from').fill(where);
  }
  await form.getByLabel('Reason for the change').fill(reason);
  await form.locator('.casmap-form-save').click();
}

/** drawLine draws a line through points with the toolbar; a click on the last vertex ends it. */
async function drawLine(page, layer, points) {
  await page.locator('.casmap-edit-layer').selectOption(layer);
  await page.getByRole('button', { name: 'Add a line' }).click();
  for (const p of points) {
    await page.mouse.click(p.x, p.y);
    await page.waitForTimeout(400); // apart, so no two clicks make a double click
  }
  const last = points[points.length - 1];
  await page.mouse.click(last.x, last.y);
  await page.locator('.casmap-edit-form').waitFor();
}

/** drag presses the mouse at from, moves it to to in steps and lets go. */
async function drag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

/** publishAll publishes every proposal in the open review queue, one by one. */
async function publishAll(page) {
  const queue = page.locator('.casmap-proposal');
  for (let left = await queue.count(); left > 0; left--) {
    await queue.first().locator('.casmap-publish').click();
    assert.equal(await eventually(() => queue.count(), left - 1), left - 1, 'one fewer waits for review');
  }
}

/**
 * assertLineDrawn checks the page draws the line called label along coords:
 * its path spans the vertices, and points along each segment are on it
 * (a proposed line is dashed, so not every point is).
 */
async function assertLineDrawn(page, view, pane, label, coords) {
  const path = page.locator(`.leaflet-${pane}-pane path[aria-label="${label}"]`);
  assert.equal(await path.count(), 1, `the map draws ${label}`);
  const ends = coords.map(view.toScreen);
  const box = await path.boundingBox();
  const [xs, ys] = [ends.map((p) => p.x), ends.map((p) => p.y)];
  const slack = 6; // the line's width and a pixel of rounding
  const spans = Math.abs(box.x - Math.min(...xs)) < slack && Math.abs(box.x + box.width - Math.max(...xs)) < slack
    && Math.abs(box.y - Math.min(...ys)) < slack && Math.abs(box.y + box.height - Math.max(...ys)) < slack;
  assert.ok(spans, `${label} spans ${JSON.stringify(box)}, its vertices ${JSON.stringify(ends)}`);
  for (let i = 0; i + 1 < ends.length; i++) {
    let on = 0;
    for (let t = 0.1; t < 0.95; t += 0.1) {
      const p = { x: ends[i].x + t * (ends[i + 1].x - ends[i].x), y: ends[i].y + t * (ends[i + 1].y - ends[i].y) };
      if ((await drawnAt(page, p, `.leaflet-${pane}-pane path`)).includes(label)) on++;
    }
    assert.ok(on >= 3, `${label} is drawn along segment ${i + 1} (${on} of 9 points on it)`);
  }
}

describe('editing', () => {
  const app = useCasmap({ prepare });

  test('phone: sign-in sits in the page header, over none of the map, and signs in from there', async () => {
    const { server, browser } = app();
    const { page, check, context } = await openPage(browser, { width: 390, height: 844, hasTouch: true, isMobile: true });
    await gotoMap(page, server.url, '#map=7/35.9/67.5');
    const open = page.locator('.casmap-account-open');
    const [button, header, map] = await Promise.all([open.boundingBox(), page.locator('.app-title').boundingBox(), page.locator('#map').boundingBox()]);
    assert.ok(button.y >= header.y && button.y + button.height <= header.y + header.height + 0.5, `the button ${JSON.stringify(button)} is in the header ${JSON.stringify(header)}`);
    assert.ok(button.y + button.height <= map.y + 0.5, `and above the map (${map.y})`);
    assert.ok(button.width >= 44 && button.height >= 44, `a 44 px touch target: ${button.width}x${button.height}`);
    await signIn(page, 'edith');
    const who = await page.getByText('Signed in as edith').boundingBox();
    assert.ok(who.y + who.height <= map.y + 0.5 && who.x + who.width <= 390.5, `who is signed in is said in the header: ${JSON.stringify(who)}`);
    const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scroll: ${width}`);
    check();
    await context.close();
  });

  test('propose, review, publish, rename, revert; anonymous sees only published', async () => {
    const { server, browser } = app();
    const editor = await openPage(browser);
    await gotoMap(editor.page, server.url);
    assert.equal(await editor.page.locator('.casmap-edit').isVisible(), false, 'no toolbar before sign-in');
    await signIn(editor.page, 'edith');
    const ed = editor.page;
    await ed.locator('.casmap-edit-layer').selectOption('places');
    await ed.getByRole('button', { name: 'Add a point' }).click();
    const centre = await mapCentre(ed);
    await ed.mouse.click(centre.x, centre.y);
    await ed.locator('.casmap-edit-form').waitFor();
    // Sources are required: the form will not send without one (the
    // review queue below holds exactly one proposal).
    await fillForm(ed, { name: 'Test crossing', reason: 'reported today', source: false });
    const title = ed.locator('.casmap-form-source [name="source-title"]').first();
    assert.equal(await title.evaluate((e) => e.validity.valueMissing), true, 'a source title is required');
    assert.equal(await ed.locator('.casmap-edit-form').isVisible(), true, 'the form stays open');
    await fillForm(ed, { name: 'Test crossing', reason: 'reported today' });
    await ed.getByText('Proposed: a reviewer will check it').waitFor();
    assert.equal(await placeNamed(server.url, 'Test crossing'), undefined, 'a proposal is not published');

    // A visitor looks closely at the spot, where places are named.
    const [, lat, lng] = new URLSearchParams(new URL(ed.url()).hash.slice(1)).get('map').split('/');
    const spot = `#map=9/${lat}/${lng}`;
    const visitor = await openPage(browser);
    await gotoMap(visitor.page, server.url, spot);
    assert.equal(await visitor.page.getByText('Test crossing').count(), 0, 'an anonymous visitor does not see the proposal');

    const reviewer = await openPage(browser);
    const rv = reviewer.page;
    await gotoMap(rv, server.url);
    await signIn(rv, 'rita');
    await rv.getByRole('button', { name: /Review queue \(1\)/ }).click();
    const proposal = rv.locator('.casmap-proposal').first();
    assert.match(await proposal.textContent(), /by edith: reported today/);
    assert.match(await proposal.locator('.casmap-diff').textContent(), /Test crossing/, 'the diff shows the new name');
    assert.match(await proposal.locator('.casmap-proposal-sources').textContent(), /Crossing reopens.*RFE\/RL/, 'the sources are listed');
    await rv.screenshot({ path: await screenshotPath('edit-review.png') });
    await proposal.locator('.casmap-publish').click();
    await rv.getByText(/Published #\d+/).waitFor();
    const published = await placeNamed(server.url, 'Test crossing');
    assert.ok(published, 'published after review');

    await visitor.page.reload();
    await visitor.page.waitForSelector('html[data-casmap-state="ready"]');
    assert.equal(await eventually(() => visitor.page.getByText('Test crossing').count(), 1), 1, 'the visitor sees it once published');
    assert.equal(await visitor.page.getByText('Test crossing').isVisible(), true, 'its name is on the map');

    // The reviewer renames it (published at once), then reverts the rename.
    await rv.reload();
    await rv.waitForSelector('html[data-casmap-state="ready"]');
    await rv.getByText('Signed in as rita').waitFor();
    await rv.mouse.click(centre.x, centre.y);
    await rv.getByRole('button', { name: 'Edit the selected feature' }).click();
    await rv.locator('.casmap-edit-form').waitFor();
    const form = rv.locator('.casmap-edit-form');
    await form.getByLabel('Name').fill('Renamed crossing');
    await form.getByLabel('Reason for the change').fill('the report names it so');
    await form.locator('.casmap-form-save').click();
    await rv.getByText('Published.').waitFor();
    assert.ok(await placeNamed(server.url, 'Renamed crossing'), 'the rename is published');
    const history = rv.locator('.casmap-history');
    assert.equal(await eventually(() => history.locator('.casmap-revision').count(), 2), 2, 'two changes in the history');
    assert.match(await history.textContent(), /by edith, published by rita/);
    assert.match(await history.textContent(), /Changed: name/);
    rv.once('dialog', (d) => d.accept('the first name was right'));
    await history.locator('.casmap-revert').first().click();
    await rv.getByText(/Reverted/).waitFor();
    assert.ok(await placeNamed(server.url, 'Test crossing'), 'the revert brings the first name back');
    assert.equal(await eventually(() => history.locator('.casmap-revision').count(), 3), 3, 'the revert is itself in the history');
    await rv.screenshot({ path: await screenshotPath('edit-history.png') });
    for (const p of [editor, visitor, reviewer]) {
      p.check();
      await p.context.close();
    }
  });

  test('an editor draws a line and moves a place; once published a visitor sees both where they were drawn', async () => {
    const { server, browser } = app();
    // Faizabad, in Badakhshan, with room around it at zoom 9.
    const faizabad = (await api(server.url, '/api/collections/places/items/faizabad')).geometry.coordinates;
    const spot = `#map=9/${faizabad[1]}/${faizabad[0]}`;
    const editor = await openPage(browser);
    const ed = editor.page;
    // The editor hides the incidents, which are drawn over the places.
    await gotoMap(ed, server.url, `${spot}&layers=borders,provinces,rivers,railways,places`);
    await signIn(ed, 'edith');
    const view = await viewOf(ed);

    // A line: three clicks on open map, then a click on the last vertex ends it.
    const at = view.toScreen(faizabad);
    const drawn = [];
    for (const [dx, dy] of [[-260, 150], [-120, 210], [40, 170]]) {
      const p = await plainNear(ed, { x: at.x + dx, y: at.y + dy });
      assert.ok(p, `open map near ${dx},${dy} px from Faizabad to draw on`);
      drawn.push(p);
    }
    await drawLine(ed, 'railways', drawn);
    assert.match(await ed.locator('.casmap-edit-form h2').textContent(), /New feature in railways/);
    await fillForm(ed, {
      name: 'Test railway', reason: 'a new line is reported', other: { status: 'proposed' },
      where: 'placed by casmap on the towns the report names',
    });
    await ed.getByText('Proposed: a reviewer will check it').waitFor();

    // Faizabad, chosen on the map and dragged 150 px east in the edit.
    await ed.mouse.click(at.x, at.y);
    await ed.locator('#details[data-feature="faizabad"]').waitFor();
    await ed.getByRole('button', { name: 'Edit the selected feature' }).click();
    await ed.locator('.casmap-edit-form').waitFor();
    const to = { x: at.x + 150, y: at.y + 10 };
    await drag(ed, at, to);
    const form = ed.locator('.casmap-edit-form');
    // The seeded sources say when they were read, not published: the form
    // asks for no date they do not have, and loses nothing of them.
    const sourcesBefore = (await api(server.url, '/api/collections/places/items/faizabad')).properties.sources;
    assert.ok(sourcesBefore.some((src) => src.accessed && !src.date), 'a seeded source of Faizabad gives only when it was read');
    await form.getByLabel('Where the coordinates come from').fill('placed by casmap on the town centre the report gives');
    await form.getByLabel('Reason for the change').fill('the town centre is further east');
    await form.locator('.casmap-form-save').click();
    await form.waitFor({ state: 'hidden' });
    await ed.getByRole('button', { name: 'My proposals (2)' }).waitFor();
    await ed.screenshot({ path: await screenshotPath('edit-line-and-move.png') });
    assert.equal(await featureNamed(server.url, 'railways', 'Test railway'), undefined, 'the line is not published yet');
    assert.deepEqual((await api(server.url, '/api/collections/places/items/faizabad')).geometry.coordinates, faizabad,
      'the place has not moved before review');

    // The reviewer publishes both.
    const reviewer = await openPage(browser);
    const rv = reviewer.page;
    await gotoMap(rv, server.url);
    await signIn(rv, 'rita');
    await rv.getByRole('button', { name: /Review queue \(2\)/ }).click();
    const texts = await rv.locator('.casmap-proposal').allTextContents();
    assert.ok(texts.some((t) => /create railways\/.*by edith: a new line is reported/.test(t)), `the line is in the queue: ${texts}`);
    assert.ok(texts.some((t) => /replace places\/faizabad.*The geometry changes\./.test(t)), `the move is in the queue, as a change of geometry: ${texts}`);
    await publishAll(rv);

    // Through the API: the line has the vertices drawn, the place is where it was dropped.
    const tolerance = 3; // pixels at the zoom they were drawn at
    const line = await featureNamed(server.url, 'railways', 'Test railway');
    assert.ok(line, 'the line is published');
    assert.equal(line.geometry.type, 'LineString');
    assert.equal(line.geometry.coordinates.length, 3, 'three vertices, as drawn');
    line.geometry.coordinates.forEach((c, i) => {
      const want = view.toLngLat(drawn[i]);
      assert.ok(pixelsApart(c, want, view.zoom) < tolerance, `vertex ${i} at ${c}, drawn at ${want}`);
    });
    const published = await api(server.url, '/api/collections/places/items/faizabad');
    assert.deepEqual(published.properties.sources, sourcesBefore, 'the sources are saved as they were, when they were read included');
    const moved = published.geometry.coordinates;
    assert.ok(pixelsApart(moved, view.toLngLat(to), view.zoom) < tolerance, `Faizabad at ${moved}, dropped at ${view.toLngLat(to)}`);

    // What a visitor's page draws, at the same view.
    const visitor = await openPage(browser);
    const vp = visitor.page;
    await gotoMap(vp, server.url, spot);
    const seen = await viewOf(vp);
    await assertLineDrawn(vp, seen, 'railways', 'Test railway (Railways)', line.geometry.coordinates);
    assert.ok((await drawnAt(vp, seen.toScreen(moved), '.leaflet-places-pane path.casmap-place')).length > 0, 'a place is drawn where Faizabad was dropped');
    assert.deepEqual(await drawnAt(vp, seen.toScreen(faizabad), '.leaflet-places-pane path.casmap-place'), [], 'nothing is left where it was');
    const name = await vp.locator('.casmap-place-name', { hasText: 'Faizabad' }).boundingBox();
    const [near, far] = [seen.toScreen(moved), seen.toScreen(faizabad)];
    const centre = { x: name.x + name.width / 2, y: name.y + name.height / 2 };
    assert.ok(Math.hypot(centre.x - near.x, centre.y - near.y) < Math.hypot(centre.x - far.x, centre.y - far.y),
      'its name has moved with it');
    await vp.screenshot({ path: await screenshotPath('edit-line-and-move-visitor.png') });
    for (const p of [editor, reviewer, visitor]) {
      p.check();
      await p.context.close();
    }
  });
});
