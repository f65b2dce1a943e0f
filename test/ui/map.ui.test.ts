// The map as a user meets it, in a real VS Code in a real browser: Show on Map from the
// palette draws the polygons of Parks (counted by the map's feature layer), a click on a
// feature of the hostile dataset opens its row detail with the payloads as text, and a
// rectangle dragged on the map becomes an Insert Snippet whose query holds that box.

import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { EXTENSION_TITLE, clickActivity, commandTitle, openWorkbench, quickPickRow, recordDialogs, runCommand, screenshot, session, treeItems } from './harness';

/** The map webview frame whose toolbar shows `title`, once every page is drawn. */
async function mapFrame(title: string, timeoutMs = 60_000): Promise<Frame> {
  const { page } = await session();
  const deadline = Date.now() + timeoutMs;
  do {
    for (const frame of page.frames()) {
      const map = frame.locator('#map[data-complete="true"]');
      if ((await map.count().catch(() => 0)) === 0) continue;
      const text = await frame.locator('.grid-title').first().innerText().catch(() => '');
      if (text.includes(title)) return frame;
    }
    await page.waitForTimeout(250);
  } while (Date.now() < deadline);
  throw new Error(`no drawn map titled ${title}`);
}

async function showOnMapFromPalette(title: string): Promise<Frame> {
  const { page } = await session();
  await runCommand(commandTitle('okcOpenData.showOnMap'));
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(title);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  // A hover left from an earlier step may cover the row: move away first.
  await page.mouse.move(1, 1);
  await row.click();
  return mapFrame(title);
}

describe('UI: map view', function () {
  this.timeout(240_000);
  let dialogs: string[] = [];

  before(async () => {
    await openWorkbench();
    dialogs = await recordDialogs();
    await clickActivity(EXTENSION_TITLE);
    await treeItems('Catalog');
  });
  afterEach(async () => {
    await runCommand('View: Close All Editors');
  });

  it('draws the polygons of Parks from the palette, with the count in the legend', async () => {
    const frame = await showOnMapFromPalette('Parks');
    const map = frame.locator('#map');
    assert.equal(await map.getAttribute('data-polygons'), '178');
    assert.equal(await map.getAttribute('data-points'), '0');
    assert.match(await frame.locator('#map-count').innerText(), /178/);
    assert.match(await frame.locator('#map-empty').innerText(), /^0\b/);
    // test-output/screenshots/map-polygons.png; the README's copy is updated by hand, so a test
    // run leaves the work tree as it found it.
    await screenshot('map-polygons');
  });

  it('shows a layer past 100,000 features in view, "showing N of M in view"', async () => {
    // The fake's 1,000,000-point layer: only the features in the visible extent are drawn.
    const frame = await showOnMapFromPalette('Synthetic Performance Records');
    const map = frame.locator('#map');
    const drawn = Number(await map.getAttribute('data-points'));
    assert.ok(drawn > 0 && drawn <= 20_000, `${drawn} points drawn`);
    const label = await frame.locator('#map-count').innerText();
    const [shown, matching] = (label.match(/[\d,.\s\u202f]*\d/g) ?? []).map((n) => Number(n.replace(/\D/g, '')));
    assert.equal(shown, drawn, label);
    assert.ok(matching >= shown && matching <= 1_000_000, label);
    // test-output/screenshots/map-in-view.png (the README's copy is updated by hand).
    await screenshot('map-in-view');
  });

  it('opens the row detail of a clicked feature, hostile text as text; nothing runs', async () => {
    const frame = await showOnMapFromPalette('Hostile Test Data');
    const map = frame.locator('#map');
    const [x, y] = (await map.getAttribute('data-first-feature'))!.split(',').map(Number);
    await map.click({ position: { x, y } });
    const detail = frame.locator('#map-detail:not([hidden])');
    await detail.waitFor({ timeout: 20_000 });
    const text = await detail.innerText();
    assert.ok(text.includes('<script>alert("title")</script>'), text);
    assert.match(await frame.locator('#detail-title').innerText(), /1/);
    const state = await frame.evaluate(`({ pwned: window.__pwned, injected: document.querySelectorAll('#map-detail img, #map-detail script, #map-detail svg, #map-detail a').length })`);
    assert.deepEqual(state, { pwned: undefined, injected: 0 });
    assert.deepEqual(dialogs, [], 'no dialog opened');
    await screenshot('map-row-detail');
  });

  it('turns a dragged rectangle into an Insert Snippet with that bounding box', async () => {
    const { page } = await session();
    const frame = await showOnMapFromPalette('Fire Stations');
    await frame.locator('#map-draw-box').click();
    const box = (await frame.locator('#map').boundingBox())!;
    // The frame's boxes are in page coordinates: drag as a user would.
    const x0 = box.x + box.width * 0.3;
    const y0 = box.y + box.height * 0.3;
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(x0 + (box.width * 0.4 * i) / 10, y0 + (box.height * 0.4 * i) / 10);
    await page.mouse.up();
    const shape = JSON.parse((await frame.locator('#map').getAttribute('data-shape'))!) as { kind: string; xmin: number; ymin: number; xmax: number; ymax: number };
    assert.equal(shape.kind, 'bbox');
    assert.ok(shape.xmin < shape.xmax && shape.ymin < shape.ymax);
    await screenshot('map-drawn-rectangle');
    await frame.locator('#map-shape-insertSnippet').click();
    const row = quickPickRow(page, 'JavaScript (fetch, Node 18+)');
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
    const editor = page.locator('.editor-instance .view-lines', { hasText: 'esriGeometryEnvelope' }).first();
    await editor.waitFor({ timeout: 30_000 });
    const code = await editor.innerText();
    const round = (n: number) => String(Math.round(n * 1e7) / 1e7);
    assert.ok(code.includes(`${round(shape.xmin)},${round(shape.ymin)},${round(shape.xmax)},${round(shape.ymax)}`), code);
    await screenshot('map-snippet');
  });
});
