// The grid preview as a user meets it, in a real VS Code in a real browser: Preview Dataset
// from the palette, Ctrl+End to the last of 1,000,000 rows, sort by a header click, a filter
// from the toolbar, a CSV with quoted newlines beside its editor, and hostile data (portal rows
// and CSV cells carrying execution markers) that must stay text, and a layer of 5,000 columns
// scrolled to its far columns. Each test opens what it uses;
// the harness closes it after. Screenshots of each.

import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { executionMarkers, serveMarkerRows } from '../harness/markers';
import { waitFor } from '../harness/wait';
import { HOSTILE_WIDE_TITLE, HUGE_CELL_ROW, WIDE_COLUMNS } from '../portal/data';
import {
  EXTENSION_TITLE,
  acceptQuickPickRow,
  clickActivity,
  commandTitle,
  openWorkbench,
  quickInput,
  quickPickRow,
  runCommand,
  screenshot,
  session,
  treeItems,
} from './harness';
import { expectNothingRan } from './injection';

const BIG_TITLE = 'Synthetic Performance Records';
const HOSTILE_TITLE = 'Hostile Test Data';

/** The webview frame whose grid toolbar shows `title`. */
async function gridFrame(title: string, timeoutMs = 30_000): Promise<Frame> {
  const { page } = await session();
  return waitFor(`a grid webview titled ${title}`, async () => {
    for (const frame of page.frames()) {
      const heading = frame.locator('.grid-title');
      if ((await heading.count().catch(() => 0)) === 0) continue;
      if ((await heading.first().innerText().catch(() => '')).includes(title)) return frame;
    }
    return undefined;
  }, { timeoutMs, intervalMs: 250 });
}

async function previewFromPalette(title: string, portal = 'OKC Open Data (fake)', timeoutMs = 30_000): Promise<Frame> {
  const { page } = await session();
  await runCommand(commandTitle('okcOpenData.previewDataset'));
  const input = quickInput(page);
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(title);
  await acceptQuickPickRow(page, page.locator('.quick-input-list .monaco-list-row', { hasText: title }).filter({ hasText: portal }).first());
  return gridFrame(title, timeoutMs);
}

/** The 1,000,000-row preview with its first rows painted. */
async function bigPreview(): Promise<Frame> {
  const frame = await previewFromPalette(BIG_TITLE);
  await waitForRowIndex(frame, 2);
  return frame;
}

/** Opens a workspace file with Quick Open, asking again while the file search has not seen it yet. */
async function openInEditor(name: string): Promise<void> {
  const { page } = await session();
  await waitFor(`${name} listed by Quick Open`, async () => {
    await page.keyboard.press('Control+P');
    const input = quickInput(page);
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(name);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    if (await row.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) {
      await acceptQuickPickRow(page, row);
      return true;
    }
    await page.keyboard.press('Escape');
    return false;
  }, { timeoutMs: 60_000 });
  await page.locator('.part.editor .tabs-container .tab.active', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor').first().waitFor({ timeout: 15_000 });
}

async function csvPreview(name: string): Promise<Frame> {
  await openInEditor(name);
  await runCommand(commandTitle('okcOpenData.openCsvPreview'));
  return gridFrame(name);
}

async function waitForRowIndex(frame: Frame, ariaRowIndex: number, timeoutMs = 30_000): Promise<void> {
  await frame.locator(`.grid-row[aria-rowindex="${ariaRowIndex}"] .grid-cell:not(.loading)`).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

async function filterPermits(frame: Frame): Promise<void> {
  await frame.locator('#filter-field').selectOption('Category');
  await frame.locator('#filter-op').selectOption('=');
  await frame.locator('#filter-value').fill('Permit');
  await frame.locator('#filter-add').click();
  await frame.locator('.grid-chip', { hasText: 'Category = Permit' }).waitFor({ timeout: 30_000 });
  await waitForRowIndex(frame, 2);
}

describe('UI: grid preview', function () {
  this.timeout(180_000);

  before(async () => {
    await openWorkbench();
    await clickActivity(EXTENSION_TITLE);
    await treeItems('Catalog');
  });

  it('previews the 1,000,000-row dataset from the command palette', async () => {
    const frame = await bigPreview();
    const grid = frame.locator('#grid');
    assert.equal(await grid.getAttribute('role'), 'grid');
    assert.equal(await grid.getAttribute('aria-rowcount'), '1000001');
    const domRows = await frame.locator('.grid-body .grid-row').count();
    assert.ok(domRows > 0 && domRows < 200, `${domRows} rows in the DOM`);
    await frame.locator('#grid-status', { hasText: /1[,.\s\u202f]?000[,.\s\u202f]?000/ }).waitFor({ timeout: 20_000 });
    // Resize a column by dragging the edge of its header.
    const { page } = await session();
    const header = frame.locator('.grid-colheader', { hasText: 'Record Key' });
    const before = (await header.boundingBox())!;
    const handle = (await header.locator('.grid-resize').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 + 80, handle.y + handle.height / 2, { steps: 4 });
    await page.mouse.up();
    const after = await waitFor('the column wider after the drag', async () => {
      const box = await header.boundingBox();
      return box && box.width > before.width + 60 && box;
    }, { timeoutMs: 10_000 });
    const cell = (await frame.locator('.grid-row[aria-rowindex="2"] .grid-cell[aria-colindex="3"]').boundingBox())!;
    assert.ok(Math.abs(cell.width - after.width) < 2, 'cells follow their header');
    await screenshot('grid-preview');
  });

  it('goes to the last row with Ctrl+End', async () => {
    const frame = await bigPreview();
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
    const frame = await bigPreview();
    await frame.locator('.grid-colheader', { hasText: 'Amount' }).locator('.grid-sort-button').click();
    await frame.locator('.grid-colheader[aria-sort="ascending"]', { hasText: 'Amount' }).waitFor({ timeout: 30_000 });
    await frame.locator('.grid-sort-status.sort-portal').waitFor({ timeout: 30_000 });
    await waitForRowIndex(frame, 2);
    await screenshot('grid-sorted');
  });

  it('filters from the toolbar; only matching rows remain', async () => {
    const frame = await bigPreview();
    await filterPermits(frame);
    const categoryIndex = (await frame.locator('.grid-header .grid-colheader').allInnerTexts()).findIndex((t) => t.trim() === 'Category');
    const cells = await frame.locator(`.grid-body .grid-cell[aria-colindex="${categoryIndex + 1}"]:not(.loading)`).allInnerTexts();
    assert.ok(cells.length > 0 && cells.every((t) => t === 'Permit'), cells.join(','));
    await screenshot('grid-filtered');
  });

  it('restores the preview, its filter and its place after the window reloads', async () => {
    const { page } = await session();
    await filterPermits(await bigPreview());
    // Reload as a user does, so the workbench saves the panels' state before it goes.
    const reloaded = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 60_000 });
    await runCommand('Developer: Reload Window');
    await reloaded;
    await page.waitForLoadState('domcontentloaded');
    await page.locator('.monaco-workbench .part.activitybar').first().waitFor({ timeout: 60_000 });
    const frame = await gridFrame(BIG_TITLE, 90_000);
    await frame.locator('.grid-chip', { hasText: 'Category = Permit' }).waitFor({ timeout: 30_000 });
    await waitForRowIndex(frame, 2);
    await screenshot('grid-restored');
  });

  it('previews a CSV with quoted newlines beside its editor', async () => {
    const { server } = await session();
    const lines = ['id,note,amount'];
    for (let i = 1; i <= 300; i++) lines.push(i % 5 === 0 ? `${i},"first line\nsecond line, with a comma",${i}.5` : `${i},plain,${i}`);
    writeFileSync(join(server.workspaceDir, 'quoted-newlines.csv'), lines.join('\n') + '\n');
    const frame = await csvPreview('quoted-newlines.csv');
    await waitForRowIndex(frame, 6);
    const fifth = await frame.locator('.grid-row[aria-rowindex="6"]').innerText();
    assert.match(fifth, /first line/);
    await frame.locator('#grid-status', { hasText: '300' }).waitFor({ timeout: 30_000 });
    await screenshot('grid-csv');
  });

  it('shows hostile portal data as text: no payload runs or renders, the 10 MB cell is capped', async () => {
    const { page, portal } = await session();
    const markers = executionMarkers(portal.baseUrl);
    const restore = serveMarkerRows(portal.catalog.byTitle(HOSTILE_TITLE)!, markers);
    try {
      const frame = await previewFromPalette(HOSTILE_TITLE);
      await waitForRowIndex(frame, HUGE_CELL_ROW + 2);
      // Hover and click what would run if it were markup.
      await frame.locator('.grid-body .grid-cell', { hasText: 'hover me' }).first().hover();
      await frame.locator('.grid-body .grid-cell', { hasText: 'marker link' }).first().click();
      // Row detail of the 10 MB cell: capped, not frozen; its values are shown too.
      await frame.locator(`.grid-row[aria-rowindex="${HUGE_CELL_ROW + 2}"] .grid-cell`).nth(1).dblclick();
      await frame.locator('#grid-detail:not([hidden]) .detail-note').waitFor({ timeout: 30_000 });
      await screenshot('grid-hostile');
      await expectNothingRan(page, markers, { mustShow: [markers.html[1], markers.links[0]] });
      await frame.locator('#detail-close').click();
    } finally {
      restore();
    }
  });

  it('scrolls a 5,000-column layer to its far columns, their values shown; the row detail lists all 5,000 fields; a typed field filters', async () => {
    const { portal } = await session();
    const wide = portal.catalog.byTitle(HOSTILE_WIDE_TITLE)!;
    const frame = await previewFromPalette(HOSTILE_WIDE_TITLE, undefined, 120_000);
    await waitForRowIndex(frame, 2, 120_000);
    /** The drawn cell of row `row` (0-based) in column `column` (0-based), once its value came. */
    const cellAt = (row: number, column: number) => frame.locator(`.grid-row[aria-rowindex="${row + 2}"] .grid-cell[aria-colindex="${column + 2}"]:not(.loading)`);
    /** The value as the grid shows it: numbers (the even columns) with grouping. */
    const shown = (row: number, name: string): string => {
      const value = wide.attributesAt(row)[name];
      return typeof value === 'number' ? value.toLocaleString('en-US') : String(value);
    };
    // Rows cross with the columns near the view only: the far ones are fetched on the way.
    for (const share of [0.5, 1]) {
      await frame.locator('#grid').evaluate((grid, s) => (grid.scrollLeft = (grid.scrollWidth - grid.clientWidth) * s), share);
      // The column under the middle of the header (the last one at the far right).
      const column = await waitFor('the header drawn where the grid was scrolled to', async () => {
        const at = (await frame.evaluate(`(() => {
          const box = document.getElementById('grid').getBoundingClientRect();
          const x = ${share} < 1 ? box.left + box.width / 2 : box.right - 30;
          const header = document.elementFromPoint(x, box.top + 12)?.closest('.grid-colheader[data-col]');
          return header ? Number(header.dataset.col) : -1;
        })()`)) as number;
        return at > 0 ? at : undefined;
      });
      assert.ok(share < 1 ? column > 2_000 && column < 3_000 : column === WIDE_COLUMNS - 1, `column ${column} under the middle at ${share}`);
      const name = `C${String(column).padStart(4, '0')}`;
      for (const row of [0, 5]) {
        const cell = cellAt(row, column);
        await cell.waitFor({ timeout: 30_000 });
        assert.equal(await cell.innerText(), shown(row, name), `row ${row + 1}, ${name}`);
      }
      assert.equal((await frame.locator(`.grid-colheader[aria-colindex="${column + 2}"]`).innerText()).trim(), `Column ${column}`);
    }
    await screenshot('grid-wide-far-columns');
    // The row detail has the whole row from the host, every field.
    await cellAt(1, WIDE_COLUMNS - 1).dblclick();
    const detailRows = frame.locator('#grid-detail:not([hidden]) .detail-table tbody tr');
    await detailRows.first().waitFor({ timeout: 30_000 });
    assert.equal(await detailRows.count(), WIDE_COLUMNS);
    assert.equal((await detailRows.nth(2_501).locator('th').innerText()).trim(), 'Column 2501');
    assert.equal((await detailRows.last().locator('td').innerText()).trim(), String(wide.attributesAt(1).C4999));
    await frame.locator('#detail-close').click();
    // The filter's field is typed here (no select of 5,000 options): a far field filters the rows.
    const wanted = String(wide.attributesAt(3).C4999);
    await frame.locator('#filter-field').fill('C4999');
    await frame.locator('#filter-op').selectOption('=');
    await frame.locator('#filter-value').fill(wanted);
    await frame.locator('#filter-add').click();
    await frame.locator('.grid-chip', { hasText: `Column 4999 = ${wanted}` }).waitFor({ timeout: 30_000 });
    await frame.locator('#grid-status', { hasText: /^1 row$/ }).waitFor({ timeout: 30_000 });
    await cellAt(0, WIDE_COLUMNS - 1).waitFor({ timeout: 30_000 });
    assert.equal(await cellAt(0, WIDE_COLUMNS - 1).innerText(), wanted);
  });

  it('shows hostile CSV cells as text in the CSV preview: no payload runs or renders', async () => {
    const { server, page, portal } = await session();
    const markers = executionMarkers(portal.baseUrl);
    const quote = (value: string): string => `"${value.replace(/"/g, '""')}"`;
    const rows = [...markers.html, ...markers.links].map((payload, i) => `${i},${quote(payload)}`);
    writeFileSync(join(server.workspaceDir, 'hostile.csv'), ['name,payload', ...rows, 'bidi,"evil\u202Etxt.exe"'].join('\n') + '\n');
    const frame = await csvPreview('hostile.csv');
    await waitForRowIndex(frame, rows.length + 2);
    await frame.locator('.grid-body .grid-cell', { hasText: 'hover me' }).first().hover();
    await frame.locator('.grid-body .grid-cell', { hasText: 'marker link' }).first().click();
    await expectNothingRan(page, markers, { mustShow: [markers.html[1], markers.html[0]] });
    const text = await frame.locator('.grid-body').innerText();
    assert.ok(!text.includes('\u202E'), 'bidi override neutralised');
    await screenshot('grid-hostile-csv');
  });
});

describe('UI: Profile Column', function () {
  this.timeout(240_000);

  before(async () => {
    await openWorkbench();
    await clickActivity(EXTENSION_TITLE);
    await treeItems('Catalog');
  });
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
    // Polled from here: a waitForFunction of a string evals it inside the page, which the panel's CSP forbids.
    await waitFor('one top value in the profile', async () => (await frame.locator('#profile-top-table tbody tr').count()) === 1, { timeoutMs: 120_000 });
    await screenshot('profile-filtered');
  });
});

describe('UI: CSV preview options', function () {
  this.timeout(240_000);

  before(async () => {
    await openWorkbench();
  });

  /** The column headers the grid shows, row number column left out. */
  async function columnNames(frame: Frame): Promise<string[]> {
    return (await frame.locator('.grid-header .grid-colheader').allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '' && t !== 'Row');
  }

  async function expectGrid(frame: Frame, columns: string[], firstRow: string[]): Promise<void> {
    await waitFor(`columns ${columns.join(' | ')} and row 1 ${firstRow.join(' | ')}`, async () => {
      if ((await columnNames(frame)).join('\u0000') !== columns.join('\u0000')) return false;
      const cells = await frame.locator('.grid-row[aria-rowindex="2"] .grid-cell:not(.loading)').allInnerTexts().catch(() => []);
      return cells.map((c) => c.trim()).join('\u0000') === firstRow.join('\u0000');
    }, { timeoutMs: 30_000, intervalMs: 250 });
  }

  it('overrides the guessed delimiter from the command and the header from the toolbar, then resets; the file is untouched', async () => {
    const { server } = await session();
    // Each line has one comma and one semicolon: the guess takes the comma (wrongly).
    const text = 'Park, North;Ward 3\nLibrary, Main;Ward 5\nPool, East;Ward 7\n';
    const path = join(server.workspaceDir, 'semicolons.csv');
    writeFileSync(path, text);
    try {
      await optionsRoundTrip(path, text);
    } finally {
      rmSync(path, { force: true });
    }
  });

  async function optionsRoundTrip(path: string, text: string): Promise<void> {
    const { page } = await session();
    const frame = await csvPreview('semicolons.csv');
    await expectGrid(frame, ['Column 1', 'Column 2'], ['Park', 'North;Ward 3']);
    assert.match(await frame.locator('#csv-delimiter option:checked').innerText(), /^Delimiter: , \(guessed\)$/);
    assert.match(await frame.locator('#csv-hasHeader option:checked').innerText(), /^Header: guessed no$/);
    assert.match(await frame.locator('#csv-encoding option:checked').innerText(), /^Encoding: UTF-8 \(guessed\)$/);
    assert.equal(await frame.locator('#csv-reset').count(), 0, 'nothing to reset while every option is guessed');

    // Keyboard users: the palette command, then the option, then its value.
    await runCommand(commandTitle('okcOpenData.csvPreviewOptions'));
    await acceptQuickPickRow(page, quickPickRow(page, 'Delimiter: , (guessed)'));
    await acceptQuickPickRow(page, quickPickRow(page, 'Delimiter: ;'));
    // Under ';' the second column is same-width codes under a same-width label: no header.
    await expectGrid(frame, ['Column 1', 'Column 2'], ['Park, North', 'Ward 3']);
    assert.match(await frame.locator('#csv-delimiter option:checked').innerText(), /^Delimiter: ;$/);
    assert.match(await frame.locator('#csv-hasHeader option:checked').innerText(), /^Header: guessed no$/);
    await frame.locator('#grid-status', { hasText: '3' }).waitFor({ timeout: 30_000 });

    // The toolbar control: the first row names the columns after all.
    await frame.locator('#csv-hasHeader').selectOption({ label: 'Header: yes' });
    await expectGrid(frame, ['Park, North', 'Ward 3'], ['Library, Main', 'Ward 5']);
    await frame.locator('#grid-status', { hasText: '2' }).waitFor({ timeout: 30_000 });
    await screenshot('grid-csv-options');

    await frame.locator('#csv-reset').click();
    await expectGrid(frame, ['Column 1', 'Column 2'], ['Park', 'North;Ward 3']);
    assert.match(await frame.locator('#csv-delimiter option:checked').innerText(), /^Delimiter: , \(guessed\)$/);
    assert.equal(readFileSync(path, 'utf8'), text, 'the file on disk is unchanged');
  }
});
