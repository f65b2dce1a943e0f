// The grid preview as a user meets it, in a real VS Code in a real browser: Preview Dataset
// from the palette, Ctrl+End to the last of 1,000,000 rows, sort by a header click, a filter
// from the toolbar, a CSV with quoted newlines beside its editor, and hostile data that must
// stay text (payloads that would set a marker or open a dialog if they ran). Screenshots of each.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { EXTENSION_TITLE, clickActivity, commandTitle, openWorkbench, recordDialogs, runCommand, screenshot, session, treeItems } from './harness';

const BIG_TITLE = 'Synthetic Performance Records';
const HOSTILE_TITLE = 'Hostile Test Data';

/** The webview frame whose grid toolbar shows `title`. */
async function gridFrame(title: string, timeoutMs = 30_000): Promise<Frame> {
  const { page } = await session();
  const deadline = Date.now() + timeoutMs;
  do {
    for (const frame of page.frames()) {
      const heading = frame.locator('.grid-title');
      if ((await heading.count().catch(() => 0)) === 0) continue;
      const text = await heading.first().innerText().catch(() => '');
      if (text.includes(title)) return frame;
    }
    await page.waitForTimeout(250);
  } while (Date.now() < deadline);
  throw new Error(`no grid webview titled ${title}`);
}

async function closeEditors(): Promise<void> {
  await runCommand('View: Close All Editors');
}

async function previewFromPalette(title: string): Promise<Frame> {
  const { page } = await session();
  await runCommand(commandTitle('okcOpenData.previewDataset'));
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(title);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  // Near the row's left end: a hover of its description may cover the middle.
  await row.click({ position: { x: 24, y: 8 } });
  return gridFrame(title);
}

/** Opens a workspace file with Quick Open, retrying while the file search has not seen it yet. */
async function openInEditor(name: string): Promise<void> {
  const { page } = await session();
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(name);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      await row.click();
      break;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (attempt >= 8) throw error;
      await page.waitForTimeout(1000);
    }
  }
  await page.locator('.editor-instance .monaco-editor').first().waitFor({ timeout: 15_000 });
}

async function waitForRowIndex(frame: Frame, ariaRowIndex: number): Promise<void> {
  await frame.locator(`.grid-row[aria-rowindex="${ariaRowIndex}"] .grid-cell:not(.loading)`).first().waitFor({ state: 'visible', timeout: 20_000 });
}

/** No payload ran in the webview: no marker variable, no marker attribute, no injected element. */
async function expectNothingRan(frame: Frame): Promise<void> {
  // A string: this runs in the webview, where the DOM lib exists; the test file has none.
  const state = await frame.evaluate(
    `({ pwned: window.__pwned, marked: document.querySelector('[data-pwned]') !== null, injected: document.querySelectorAll('#app img, #app script, #app svg, #app iframe').length })`,
  );
  assert.deepEqual(state, { pwned: undefined, marked: false, injected: 0 });
}

describe('UI: grid preview', function () {
  this.timeout(180_000);
  let dialogs: string[] = [];

  before(async () => {
    await openWorkbench();
    dialogs = await recordDialogs();
    await clickActivity(EXTENSION_TITLE);
    await treeItems('Catalog');
  });

  it('previews the 1,000,000-row dataset from the command palette', async () => {
    const frame = await previewFromPalette(BIG_TITLE);
    await waitForRowIndex(frame, 2);
    const grid = frame.locator('#grid');
    assert.equal(await grid.getAttribute('role'), 'grid');
    assert.equal(await grid.getAttribute('aria-rowcount'), '1000001');
    const domRows = await frame.locator('.grid-body .grid-row').count();
    assert.ok(domRows > 0 && domRows < 200, `${domRows} rows in the DOM`);
    assert.match(await frame.locator('#grid-status').innerText(), /1[,.\s\u202f]?000[,.\s\u202f]?000/);
    // Resize a column by dragging the edge of its header.
    const { page } = await session();
    const header = frame.locator('.grid-colheader', { hasText: 'Record Key' });
    const before = (await header.boundingBox())!;
    const handle = (await header.locator('.grid-resize').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 + 80, handle.y + handle.height / 2, { steps: 4 });
    await page.mouse.up();
    const after = (await header.boundingBox())!;
    assert.ok(after.width > before.width + 60, `${before.width} -> ${after.width}`);
    const cell = (await frame.locator('.grid-row[aria-rowindex="2"] .grid-cell[aria-colindex="3"]').boundingBox())!;
    assert.ok(Math.abs(cell.width - after.width) < 2, 'cells follow their header');
    await screenshot('grid-preview');
  });

  it('goes to the last row with Ctrl+End', async () => {
    const frame = await gridFrame(BIG_TITLE);
    await frame.locator('.grid-row[aria-rowindex="2"] .grid-cell').nth(1).click();
    await frame.locator('#grid').press('Control+End');
    await waitForRowIndex(frame, 1_000_001);
    const last = await frame.locator('.grid-row[aria-rowindex="1000001"]').innerText();
    assert.match(last, /PR-1000000/);
    await screenshot('grid-last-row');
    await frame.locator('#grid').press('Control+Home');
    await waitForRowIndex(frame, 2);
  });

  it('sorts by a header click on the portal and says so', async () => {
    const frame = await gridFrame(BIG_TITLE);
    await frame.locator('.grid-colheader', { hasText: 'Amount' }).locator('button').click();
    await frame.locator('.grid-colheader[aria-sort="ascending"]', { hasText: 'Amount' }).waitFor({ timeout: 20_000 });
    await frame.locator('.grid-sort-status.sort-portal').waitFor({ timeout: 20_000 });
    await waitForRowIndex(frame, 2);
    await screenshot('grid-sorted');
  });

  it('filters from the toolbar; only matching rows remain', async () => {
    const frame = await gridFrame(BIG_TITLE);
    await frame.locator('#filter-field').selectOption('Category');
    await frame.locator('#filter-op').selectOption('=');
    await frame.locator('#filter-value').fill('Permit');
    await frame.locator('#filter-add').click();
    await frame.locator('.grid-chip', { hasText: 'Category = Permit' }).waitFor({ timeout: 20_000 });
    await waitForRowIndex(frame, 2);
    const categoryIndex = (await frame.locator('.grid-header .grid-colheader').allInnerTexts()).findIndex((t) => t.trim() === 'Category');
    const cells = await frame.locator(`.grid-body .grid-cell[aria-colindex="${categoryIndex + 1}"]:not(.loading)`).allInnerTexts();
    assert.ok(cells.length > 0 && cells.every((t) => t === 'Permit'), cells.join(','));
    await screenshot('grid-filtered');
  });

  it('restores the preview, its filter and its place after the window reloads', async () => {
    const { page } = await session();
    // Reload as a user does, so the workbench saves the panels' state before it goes.
    await runCommand('Developer: Reload Window');
    await page.waitForLoadState('domcontentloaded');
    await page.locator('.monaco-workbench').first().waitFor({ timeout: 60_000 });
    const frame = await gridFrame(BIG_TITLE, 60_000);
    await frame.locator('.grid-chip', { hasText: 'Category = Permit' }).waitFor({ timeout: 30_000 });
    await waitForRowIndex(frame, 2);
    await screenshot('grid-restored');
    await closeEditors();
  });

  it('previews a CSV with quoted newlines beside its editor', async () => {
    const { server } = await session();
    const lines = ['id,note,amount'];
    for (let i = 1; i <= 300; i++) lines.push(i % 5 === 0 ? `${i},"first line\nsecond line, with a comma",${i}.5` : `${i},plain,${i}`);
    writeFileSync(join(server.workspaceDir, 'quoted-newlines.csv'), lines.join('\n') + '\n');
    await openInEditor('quoted-newlines.csv');
    await runCommand(commandTitle('okcOpenData.openCsvPreview'));
    const frame = await gridFrame('quoted-newlines.csv');
    await waitForRowIndex(frame, 6);
    const fifth = await frame.locator('.grid-row[aria-rowindex="6"]').innerText();
    assert.match(fifth, /first line/);
    await frame.locator('#grid-status', { hasText: '300' }).waitFor({ timeout: 20_000 });
    await screenshot('grid-csv');
    await closeEditors();
  });

  it('shows hostile portal data and hostile CSV cells as text; nothing runs', async () => {
    const { server, page } = await session();
    const frame = await previewFromPalette(HOSTILE_TITLE);
    await waitForRowIndex(frame, 8);
    const titles = await frame.locator('.grid-body .grid-cell[aria-colindex="3"]').allInnerTexts();
    assert.ok(titles.some((t) => t.includes('<script>alert("title")</script>')), titles.join(' | '));
    assert.ok(titles.some((t) => t.includes('<img src=x onerror="alert(2)">')));
    // Row detail of the 10 MB cell: capped, not frozen.
    await frame.locator('.grid-row[aria-rowindex="8"] .grid-cell').nth(1).dblclick();
    await frame.locator('#grid-detail:not([hidden]) .detail-note').waitFor({ timeout: 20_000 });
    await screenshot('grid-hostile');
    await frame.locator('#detail-close').click();

    const payload = [
      'name,payload',
      `img,"<img src=x onerror=""window.__pwned=1;document.body.setAttribute('data-pwned','1')"">"`,
      `script,"<script>window.__pwned=2;document.body.setAttribute('data-pwned','2')</script>"`,
      `svg,"<svg onload=""window.__pwned=3""></svg>"`,
      'link,javascript:window.__pwned=4',
      'bidi,"evil\u202Etxt.exe"',
    ].join('\n');
    writeFileSync(join(server.workspaceDir, 'hostile.csv'), payload + '\n');
    await page.waitForTimeout(1000);
    await expectNothingRan(frame);
    await closeEditors();
    await openInEditor('hostile.csv');
    await runCommand(commandTitle('okcOpenData.openCsvPreview'));
    const csv = await gridFrame('hostile.csv');
    await waitForRowIndex(csv, 6);
    await page.waitForTimeout(1000);
    await expectNothingRan(csv);
    const text = await csv.locator('.grid-body').innerText();
    assert.ok(text.includes('<script>window.__pwned=2'), text);
    assert.ok(!text.includes('\u202E'), 'bidi override neutralised');
    assert.deepEqual(dialogs, [], 'no dialog opened');
    await screenshot('grid-hostile-csv');
    await closeEditors();
  });
});

describe('UI: Profile Column', function () {
  this.timeout(240_000);

  before(async () => {
    await openWorkbench();
    await clickActivity(EXTENSION_TITLE);
    await treeItems('Catalog');
  });
  after(async () => closeEditors());

  it('opens a profile from the grid header; clicking a top value filters the grid to it', async () => {
    const frame = await previewFromPalette(BIG_TITLE);
    await waitForRowIndex(frame, 2);
    const header = frame.locator('.grid-colheader', { hasText: 'Category' });
    await header.locator('.grid-profile-button').click();
    const top = frame.locator('#profile-top-table');
    await top.waitFor({ state: 'visible', timeout: 120_000 });
    assert.equal(await frame.locator('#grid-profile .profile-chart.chart-top rect').count(), await frame.locator('#profile-top-table tbody tr').count());
    const figures = await frame.locator('#grid-profile .profile-figures').innerText();
    assert.match(figures, /1[,.\s\u202f]?000[,.\s\u202f]?000/, 'counts every row');
    await screenshot('profile-category');
    // Alt+P on a number column profiles it too, with a histogram.
    const amountAt = (await frame.locator('.grid-header .grid-colheader').allInnerTexts()).findIndex((t) => t.trim() === 'Amount');
    // The profile covers the right of the grid: reach the column with the keyboard.
    await frame.locator('.grid-row[aria-rowindex="2"] .grid-cell[aria-colindex="2"]').click();
    for (let k = 1; k < amountAt; k++) await frame.locator('#grid').press('ArrowRight');
    await frame.locator('#grid').press('Alt+P');
    await frame.locator('#profile-title', { hasText: 'Amount' }).waitFor({ timeout: 120_000 });
    await frame.locator('#profile-histogram-table').waitFor({ state: 'visible', timeout: 120_000 });
    await screenshot('profile-amount');
    // Back to Category with the keyboard (the grid scrolled right under the profile); its first
    // top value becomes the toolbar's filter.
    const categoryAt = (await frame.locator('.grid-header .grid-colheader').allInnerTexts()).findIndex((t) => t.trim() === 'Category');
    for (let k = categoryAt; k < amountAt; k++) await frame.locator('#grid').press('ArrowLeft');
    await frame.locator('#grid').press('Alt+P');
    await frame.locator('#profile-title', { hasText: 'Category' }).waitFor({ timeout: 120_000 });
    await top.waitFor({ state: 'visible', timeout: 120_000 });
    const first = frame.locator('#profile-top-0');
    const value = (await first.innerText()).trim();
    await first.click();
    await frame.locator('.grid-chip', { hasText: `Category = ${value}` }).waitFor({ timeout: 60_000 });
    await waitForRowIndex(frame, 2);
    const categoryIndex = (await frame.locator('.grid-header .grid-colheader').allInnerTexts()).findIndex((t) => t.trim() === 'Category');
    const cells = await frame.locator(`.grid-body .grid-cell[aria-colindex="${categoryIndex + 1}"]:not(.loading)`).allInnerTexts();
    assert.ok(cells.length > 0 && cells.every((t) => t === value), cells.join(','));
    // The profile follows the grid's filter: one top value left.
    await frame.waitForFunction("document.querySelectorAll('#profile-top-table tbody tr').length === 1", undefined, { timeout: 120_000 });
    await screenshot('profile-filtered');
  });
});
