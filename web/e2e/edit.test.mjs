// Editing in a real browser against the real binary: an editor signs in
// and proposes a new place drawn on the map; an anonymous visitor does not
// see it; a reviewer reads it in the queue with its sources and publishes
// it; the visitor then sees it; the reviewer renames it, reads its history
// and reverts the rename.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api, eventually, gotoMap, openPage, screenshotPath, useCasmap } from './harness.mjs';

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
async function placeNamed(url, name) {
  const fc = await api(url, '/api/collections/places/items?limit=1000');
  return fc.features.find((f) => f.properties.name === name);
}

/** mapCentre is the page position of the map's centre. */
async function mapCentre(page) {
  const box = await page.locator('#map').boundingBox();
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function fillForm(page, { name, reason, source = true }) {
  const form = page.locator('.casmap-edit-form');
  await form.getByLabel('Name').fill(name);
  if (source) {
    const src = form.locator('.casmap-form-source').first();
    await src.getByLabel('Title').fill('Crossing reopens');
    await src.getByLabel('Publisher').fill('RFE/RL');
    await src.getByLabel('URL').fill('https://example.org/crossing');
    await src.getByLabel('Date').fill('2024-05-02');
    await form.getByLabel('Where the coordinates come from').fill('placed by casmap on the bridge named in the report');
  }
  await form.getByLabel('Reason for the change').fill(reason);
  await form.locator('.casmap-form-save').click();
}

describe('editing', () => {
  const app = useCasmap({ prepare });

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
});
