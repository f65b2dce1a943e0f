// Grid previews in the real extension host with the webview drawn by a real browser: the
// 1,000,000-row dataset to its last row, sort and filter pushed to the portal, the legacy
// portal, hostile data, and CSV previews (quoted newlines, following changes, custom editor).
// The webview reports what it painted (`grid/painted`), so these assertions are about what
// a user sees, not only about what the host sent.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { OkcOpenDataApi } from '../../src/extension';
import type { DatasetSummary } from '../../src/portal/types';
import type { GridHandle } from '../../src/preview/gridHost';
import { BIG_TITLE, HOSTILE_TITLE, HUGE_CELL_CHARS, HUGE_CELL_ROW } from '../portal/data';
import type { FakePortal } from '../portal/server';
import { beaconHits, executionMarkers, serveMarkerRows } from '../harness/markers';
import { waitFor } from '../harness/wait';
import { datasetIn, startFake, usePortals } from './helpers';

const dataset = datasetIn;

/** Rows as the grid drew them hold only its own markup: no element a value could have become,
 * no on* attribute, no script link; hostile text is there as escaped characters. */
function expectTextOnly(html: string): void {
  assert.ok(html.includes('grid-cell'), `no drawn cells in ${html.slice(0, 200)}`);
  // Text content is serialized with < and > escaped, so every literal < opens a real tag.
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  const names = new Set(tags.map((tag) => /^<([a-z][\w-]*)/i.exec(tag)![1].toLowerCase()));
  assert.deepEqual([...names].filter((name) => name !== 'div'), [], 'elements other than the grid\'s own divs');
  for (const tag of tags) {
    assert.doesNotMatch(tag, /\son\w+\s*=/i, `an on* attribute: ${tag}`);
    assert.doesNotMatch(tag, /\s(href|src|action)\s*=/i, `a link or source: ${tag}`);
  }
}

async function preview(d: DatasetSummary): Promise<GridHandle> {
  const handle = await vscode.commands.executeCommand<GridHandle | undefined>('okcOpenData.previewDataset', d);
  assert.ok(handle, 'Preview Dataset returned no panel');
  // Each test opens its own panel (the harness closes them after each test): drive it once drawn.
  await handle.waitForPaint((p) => p.first === 0, 60_000);
  return handle;
}

describe('Grid preview', function () {
  this.timeout(180_000);
  let fake: FakePortal;
  let okc: OkcOpenDataApi;
  let scratch: string;

  before(async () => {
    fake = await startFake({ bigRows: 1_000_000 });
    okc = await usePortals([
      { name: 'Grid Hub', kind: 'hub', url: fake.baseUrl },
      { name: 'Grid Legacy', kind: 'legacy', url: fake.baseUrl },
    ]);
    scratch = mkdtempSync(join(tmpdir(), 'okc-grid-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
    await fake?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('opens the 1,000,000-row dataset with its total and paints the first rows', async () => {
    const grid = await preview(dataset(okc, 'Grid Hub', BIG_TITLE));
    const paint = await grid.waitForPaint((p) => p.first === 0);
    assert.equal(grid.view?.total, 1_000_000);
    assert.ok(paint.texts.includes('PR-0000001'), paint.texts.join(' | '));
    assert.ok(paint.last - paint.first < 200, `${paint.last - paint.first + 1} rows in the DOM window`);
    // Pages respect the service's maxRecordCount and are fetched on demand, not the whole dataset.
    const counts = fake.requests.filter((r) => r.path.includes('/query') && r.path.includes('resultRecordCount')).map((r) => Number(new URL(r.path, fake.baseUrl).searchParams.get('resultRecordCount')));
    assert.ok(counts.length >= 1 && counts.every((n) => n <= 2000), counts.join(','));
  });

  it('scrolls to the last row of the 1,000,000-row dataset', async () => {
    const grid = await preview(dataset(okc, 'Grid Hub', BIG_TITLE));
    grid.scrollTo(999_999);
    const paint = await grid.waitForPaint((p) => p.last === 999_999 && p.activeRow === 999_999);
    assert.ok(paint.texts.includes('PR-1000000'), paint.texts.join(' | '));
    const offsets = fake.requests.map((r) => Number(new URL(r.path, fake.baseUrl).searchParams.get('resultOffset') ?? -1));
    assert.ok(offsets.some((o) => o >= 999_000), 'a page near the end was fetched');
  });

  it('sorts on the portal (orderByFields) and says so', async () => {
    const grid = await preview(dataset(okc, 'Grid Hub', BIG_TITLE));
    const before = grid.view!.generation;
    await grid.query([{ field: 'Amount', descending: true }], []);
    assert.equal(grid.view?.sortMode, 'portal');
    grid.scrollTo(0);
    const paint = await grid.waitForPaint((p) => p.generation > before && p.first === 0);
    assert.ok(fake.requests.some((r) => /orderByFields=Amount(\+|%20)DESC/i.test(r.path)), 'orderByFields sent');
    // texts holds the first painted row's cells, then the last one's.
    const width = grid.view!.columns.length;
    const at = grid.view!.columns.findIndex((c) => c.name === 'Amount');
    const top = Number(paint.texts[at]);
    const bottom = Number(paint.texts[width + at]);
    assert.ok(top >= bottom && top > 9900, `${top} then ${bottom}`);
  });

  it('filters on the portal (where) and shows only matching rows with the new total', async () => {
    const grid = await preview(dataset(okc, 'Grid Hub', BIG_TITLE));
    const before = grid.view!.generation;
    await grid.query([], [{ field: 'Category', op: '=', value: 'Permit' }]);
    const total = grid.view!.total;
    assert.ok(total > 0 && total < 1_000_000, `${total}`);
    grid.scrollTo(0);
    const paint = await grid.waitForPaint((p) => p.generation > before && p.first === 0);
    assert.ok(paint.texts.includes('Permit'));
    assert.ok(!paint.texts.some((t) => ['Inspection', 'Citation', 'Invoice'].includes(t)), paint.texts.join(' | '));
    assert.ok(fake.requests.some((r) => /where=.*Category/i.test(decodeURIComponent(r.path.replace(/\+/g, ' ')))), 'where sent');
    await grid.query([], []);
    assert.equal(grid.view?.total, 1_000_000);
  });

  it('sorts locally over the loaded rows when the portal refuses, and says so', async () => {
    const grid = await preview(dataset(okc, 'Grid Hub', BIG_TITLE));
    await grid.waitForPaint(() => true);
    await grid.query([], []);
    const layer = fake.catalog.byTitle(BIG_TITLE)!;
    layer.refuses = { orderBy: true };
    try {
      const before = grid.view!.generation;
      await grid.query([{ field: 'Amount', descending: true }], []);
      assert.equal(grid.view?.sortMode, 'local');
      assert.equal(grid.view?.total, 5_000);
      assert.ok(grid.view!.warnings.some((w) => w.includes('Amount')), grid.view!.warnings.join(' | '));
      grid.scrollTo(0);
      const paint = await grid.waitForPaint((p) => p.generation > before && p.first === 0);
      const width = grid.view!.columns.length;
      const at = grid.view!.columns.findIndex((c) => c.name === 'Amount');
      assert.ok(Number(paint.texts[at]) >= Number(paint.texts[width + at]));
    } finally {
      layer.refuses = undefined;
    }
    await grid.query([], []);
    assert.equal(grid.view?.sortMode, 'none');
  });

  it('filters the loaded rows here when the portal refuses the where clause (Syntax error), and says so', async () => {
    const grid = await preview(dataset(okc, 'Grid Hub', BIG_TITLE));
    await grid.waitForPaint(() => true);
    await grid.query([], []);
    const layer = fake.catalog.byTitle(BIG_TITLE)!;
    layer.refuses = { where: true };
    try {
      const before = grid.view!.generation;
      await grid.query([], [{ field: 'Category', op: '=', value: 'permit' }]);
      const total = grid.view!.total;
      assert.ok(total > 0 && total < 5_000, `${total}`);
      assert.ok(grid.view!.warnings.some((w) => /refused this filter \(Syntax error \[\]\.\)/.test(w) && /5,?000/.test(w)), grid.view!.warnings.join(' | '));
      grid.scrollTo(0);
      const paint = await grid.waitForPaint((p) => p.generation > before && p.first === 0);
      // Case-insensitive, as hosted layers compare: 'permit' matches 'Permit'.
      assert.ok(paint.texts.includes('Permit'), paint.texts.join(' | '));
      assert.ok(!paint.texts.some((t) => ['Inspection', 'Citation', 'Invoice'].includes(t)), paint.texts.join(' | '));
    } finally {
      layer.refuses = undefined;
    }
    await grid.query([], []);
    assert.equal(grid.view?.total, 1_000_000);
  });

  it('reads a refusal sent as HTTP 400 with an ArcGIS body, falls back to filtering here and says the portal\'s words', async () => {
    const grid = await preview(dataset(okc, 'Grid Hub', BIG_TITLE));
    await grid.waitForPaint(() => true);
    await grid.query([], []);
    const layer = fake.catalog.byTitle(BIG_TITLE)!;
    const tail = layer.layerPath.replace(/^.*(\/rest\/services\/)/, '$1').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    fake.faults.set([{ path: `${tail}/query$`, query: 'where=[^&]*Category', kind: 'arcgisError', httpStatus: 400, status: 400, message: 'Unable to complete operation.', details: ["'where' parameter is invalid"] }]);
    try {
      await grid.query([], [{ field: 'Category', op: '=', value: 'permit' }]);
      const total = grid.view!.total;
      assert.ok(total > 0 && total < 5_000, `${total}`);
      assert.ok(grid.view!.warnings.some((w) => /refused this filter \(Unable to complete operation\. 'where' parameter is invalid\)/.test(w)), grid.view!.warnings.join(' | '));
      assert.ok(fake.requests.some((r) => r.status === 400), 'the portal answered 400');
    } finally {
      fake.faults.clear();
    }
    await grid.query([], []);
    assert.equal(grid.view?.total, 1_000_000);
  });

  it('shows a sort during a 5xx outage as a failure to retry, not as "sorted locally"', async () => {
    const grid = await preview(dataset(okc, 'Grid Hub', BIG_TITLE));
    await grid.waitForPaint(() => true);
    await grid.query([], []);
    const generation = grid.view!.generation;
    // Down for the sorted request and its three retries only: a client that fell back
    // would find the portal answering again and wrongly show "sorted locally".
    fake.faults.add({ path: 'f00dbabe[0-9a-f]*/rest/services/OpenData/Performance/FeatureServer/0/query', kind: 'status5xx', status: 503, times: 4 });
    try {
      await assert.rejects(grid.query([{ field: 'Amount', descending: true }], []), (e: Error) => /server error/i.test(e.message) && !/sorted/i.test(e.message));
      assert.equal(grid.view?.generation, generation, 'the rows shown did not change');
      assert.notEqual(grid.view?.sortMode, 'local');
    } finally {
      fake.faults.clear();
    }
    // What the Retry button sends, once the portal is back.
    await grid.query([{ field: 'Amount', descending: true }], []);
    assert.equal(grid.view?.sortMode, 'portal');
    await grid.query([], []);
  });

  it('copies rows as CSV and opens the row detail', async () => {
    const grid = await preview(dataset(okc, 'Grid Hub', BIG_TITLE));
    await grid.query([], []);
    const generation = grid.view!.generation;
    const copied = await grid.copyRows({ generation, first: 0, last: 2, columns: [0, 1], header: true });
    assert.equal(copied, 3);
    assert.equal(await vscode.env.clipboard.readText(), 'OBJECTID,RecordKey\r\n1,PR-0000001\r\n2,PR-0000002\r\n3,PR-0000003');
    const detail = await grid.detail(generation, 999_999);
    assert.equal(detail.values.find((v) => v.name === 'RecordKey')?.value, 'PR-1000000');
  });

  it('comes back to the same rows after its tab was hidden', async () => {
    const big = await preview(dataset(okc, 'Grid Hub', BIG_TITLE));
    big.scrollTo(4_321);
    await big.waitForPaint((p) => p.activeRow === 4_321);
    const other = await preview(dataset(okc, 'Grid Hub', HOSTILE_TITLE));
    await other.waitForPaint((p) => p.first === 0);
    const hiddenAt = performance.now();
    big.panel.reveal();
    const back = await big.waitForPaint((p) => p.at > hiddenAt);
    assert.ok(back.first <= 4_321 && back.last >= 4_321, `${back.first}..${back.last}`);
  });

  it('sorts a legacy dataset with a POST orderByField', async () => {
    const d = okc.store.allDatasets().find((x) => x.portal === 'Grid Legacy' && x.title === 'Fire Stations') ?? okc.store.allDatasets().find((x) => x.portal === 'Grid Legacy' && x.title !== BIG_TITLE && x.title !== HOSTILE_TITLE);
    assert.ok(d);
    const grid = await preview(d);
    await grid.waitForPaint((p) => p.first === 0);
    const column = grid.view!.columns.find((c) => c.kind === 'string')!;
    await grid.query([{ field: column.name }], []);
    assert.equal(grid.view?.sortMode, 'portal');
    assert.ok(fake.requests.some((r) => r.method === 'POST' && r.path.includes('/records/')), 'POST to the Records API');
  });

  it('shows hostile values as text in the DOM it draws and cuts the 10 MB cell for display', async () => {
    const hostile = fake.catalog.byTitle(HOSTILE_TITLE)!;
    const grid = await preview(dataset(okc, 'Grid Hub', HOSTILE_TITLE));
    // What the user sees: the cells as drawn (text content) and the rows' markup.
    const paint = await grid.waitForPaint((p) => p.first === 0 && p.last >= HUGE_CELL_ROW && p.shown.length > 0);
    assert.ok(paint.shown.includes(String(hostile.attributesAt(0).Title)), `drawn: ${paint.shown.join(' | ')}`);
    assert.ok(paint.shown.some((t) => t.includes('<script>alert("title")</script>')), paint.shown.join(' | '));
    expectTextOnly(paint.html);
    assert.equal(grid.view?.columns.find((c) => c.name === 'Title')?.label, '<img src=x onerror=alert("alias")>');
    const notes = (await grid.detail(grid.view!.generation, HUGE_CELL_ROW)).values.find((v) => v.name === 'Notes')!;
    assert.equal(notes.fullLength, HUGE_CELL_CHARS);
    assert.equal((notes.value as string).length, 100_000);
  });

  it('draws execution-marker payloads from the portal as text, and no beacon loads', async () => {
    const markers = executionMarkers(fake.baseUrl);
    const restore = serveMarkerRows(fake.catalog.byTitle(HOSTILE_TITLE)!, markers);
    try {
      const grid = await preview(dataset(okc, 'Grid Hub', HOSTILE_TITLE));
      const last = fake.catalog.byTitle(HOSTILE_TITLE)!.rowCount - 1;
      grid.scrollTo(0);
      const paint = await grid.waitForPaint((p) => p.first === 0 && p.shown.some((t) => t.includes(markers.property)));
      for (const payload of [markers.html[0], markers.links[0]]) assert.ok(paint.shown.includes(payload), `${payload} not drawn as text: ${paint.shown.join(' | ')}`);
      expectTextOnly(paint.html);
      grid.scrollTo(last);
      expectTextOnly((await grid.waitForPaint((p) => p.last === last && p.shown.length > 0)).html);
      assert.deepEqual(beaconHits(fake.requests, markers), [], 'a payload loaded its beacon');
    } finally {
      restore();
    }
  });

  it('previews a CSV with quoted newlines beside the editor and follows changes to the file', async () => {
    const path = join(scratch, 'quoted.csv');
    const lines = ['id,note,amount'];
    for (let i = 1; i <= 500; i++) lines.push(i % 7 === 0 ? `${i},"line one\nline two, with comma",${i * 1.5}` : `${i},plain ${i},${i * 1.5}`);
    writeFileSync(path, lines.join('\r\n') + '\r\n');
    const grid = await vscode.commands.executeCommand<GridHandle>('okcOpenData.openCsvPreview', vscode.Uri.file(path));
    assert.ok(grid);
    const paint = await grid.waitForPaint((p) => p.first === 0);
    assert.deepEqual(grid.view?.columns.map((c) => c.name), ['id', 'note', 'amount']);
    await grid.waitForPaint(() => grid.view?.complete === true && grid.view.total === 500).catch(() => undefined);
    assert.equal(grid.view?.total, 500);
    grid.scrollTo(6);
    const seventh = await grid.waitForPaint((p) => p.activeRow === 6);
    assert.ok(seventh.first <= 6);
    assert.ok(paint.texts.includes('1'));
    const firstGeneration = grid.view!.generation;
    appendFileSync(path, '501,"added\nlater",1\r\n');
    const current = () => grid.view;
    await waitFor('the preview to follow the change to 501 rows', () => current()?.generation !== firstGeneration && current()?.complete && current()?.total === 501);
    grid.scrollTo(500);
    const last = await grid.waitForPaint((p) => p.last === 500 && p.generation > firstGeneration);
    assert.ok(last.texts.includes('added\nlater'), last.texts.join(' | '));
  });

  it('warns about invalid UTF-8 in a CSV and still shows its rows', async () => {
    const path = join(scratch, 'latin.csv');
    const bytes = Buffer.concat([Buffer.from('name,city\n'), Buffer.from('Jos\u00e9,Oklahoma City\n'), Buffer.from([0x52, 0x65, 0xe9, 0x2c, 0x4f, 0x4b, 0x43, 0x0a]), Buffer.from('Ann,Norman\n')]);
    writeFileSync(path, bytes);
    const grid = await vscode.commands.executeCommand<GridHandle>('okcOpenData.openCsvPreview', vscode.Uri.file(path));
    await grid.waitForPaint((p) => p.first === 0);
    await waitFor('the CSV indexed', () => grid.view?.complete);
    assert.equal(grid.view?.total, 3);
    assert.ok(grid.view!.warnings.length >= 1, 'a warning about the encoding');
  });

  it('previews a CSV on a file system other than the disk (read through vscode.workspace.fs)', async () => {
    const files = new Map<string, Uint8Array>([['/remote/data.csv', new TextEncoder().encode('k;v\n1;"a;b"\n2;c\n')]]);
    const changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
    const provider: vscode.FileSystemProvider = {
      onDidChangeFile: changes.event,
      watch: () => new vscode.Disposable(() => undefined),
      stat: (uri) => {
        const data = files.get(uri.path);
        if (!data) throw vscode.FileSystemError.FileNotFound(uri);
        return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: data.length };
      },
      readDirectory: () => [],
      createDirectory: () => undefined,
      readFile: (uri) => {
        const data = files.get(uri.path);
        if (!data) throw vscode.FileSystemError.FileNotFound(uri);
        return data;
      },
      writeFile: (uri, content) => void files.set(uri.path, content),
      delete: (uri) => void files.delete(uri.path),
      rename: () => undefined,
    };
    const registration = vscode.workspace.registerFileSystemProvider('okc-grid-test', provider, { isReadonly: true });
    try {
      const grid = await vscode.commands.executeCommand<GridHandle>('okcOpenData.openCsvPreview', vscode.Uri.parse('okc-grid-test:/remote/data.csv'));
      const paint = await grid.waitForPaint((p) => p.first === 0 && p.last === 1);
      assert.deepEqual(grid.view?.columns.map((c) => c.name), ['k', 'v']);
      assert.deepEqual(paint.texts, ['1', 'a;b', '2', 'c']);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      registration.dispose();
      changes.dispose();
    }
  });

  it('opens a .tsv file in the custom read-only editor', async () => {
    const path = join(scratch, 'tabs.tsv');
    writeFileSync(path, 'a\tb\n1\t2\n3\t4\n');
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(path), 'okcOpenData.csvEditor');
    const input = await waitFor('a custom editor tab', () => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return active instanceof vscode.TabInputCustom && active;
    });
    assert.equal(input.viewType, 'okcOpenData.csvEditor');
  });
});
