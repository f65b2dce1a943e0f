// Hostile names in the real extension host: a dataset title that is markup, a script, a bidi
// override and a climbing path, and field names that objects inherit (`__proto__`,
// `constructor`, `toString`) in the tree, the grid, every save format (checked on the written
// bytes), and CSV formula escaping where the user asked for it.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CatalogNode } from '../../src/catalog/tree';
import type { SaveOutcome } from '../../src/editor/saveCommands';
import type { OkcOpenDataApi } from '../../src/extension';
import type { DatasetSummary } from '../../src/portal/types';
import type { GridHandle } from '../../src/preview/gridHost';
import type { MetadataHandle } from '../../src/preview/metadataPanel';
import {
  HOSTILE_LONG_DESCRIPTION_TITLE, HOSTILE_NAMES_TITLE, HOSTILE_WIDE_TITLE, LONG_DESCRIPTION_CHARS, LONG_DESCRIPTION_HEAD, PROTOTYPE_FIELD_NAMES, WIDE_COLUMNS,
} from '../portal/data';
import { startFakePortal, type FakePortal } from '../portal/server';
import { datasetIn, until, usePortals } from './helpers';
import { csvRecords } from '../unit/save/csvRecords';

const HUB = 'Hostile Hub';
const LEGACY = 'Hostile Legacy';


/** Own keys and values of a parsed record, in order (never through an object literal). */
const pairs = (record: Record<string, unknown>) => Object.entries(record);

describe('Hostile names', function () {
  this.timeout(180_000);
  let fake: FakePortal;
  let okc: OkcOpenDataApi;
  let folder: string;

  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 1000 });
    okc = await usePortals([
      { name: HUB, kind: 'hub', url: fake.baseUrl },
      { name: LEGACY, kind: 'legacy', url: fake.baseUrl },
    ]);
    folder = join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'saved-by-hostile-tests');
  });
  beforeEach(() => {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
  });
  after(async () => {
    rmSync(folder, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('okcOpenData').update('csvEscapeFormulas', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
    await fake?.close();
  });

  const dataset = (portal: string): DatasetSummary => datasetIn(okc, portal, HOSTILE_NAMES_TITLE);
  const save = (d: DatasetSummary, options: Record<string, unknown>) =>
    vscode.commands.executeCommand<SaveOutcome | undefined>('okcOpenData.saveDataset', d, { folder: vscode.Uri.file(folder).toString(), overwrite: true, ...options });

  async function datasetNode(portal: string): Promise<Extract<CatalogNode, { type: 'dataset' }>> {
    const root = ((await okc.tree.getChildren()) ?? []).find((n) => n.type === 'portal' && n.portal === portal);
    assert.ok(root, portal);
    for (const group of (await okc.tree.getChildren(root)) ?? []) {
      const found = ((await okc.tree.getChildren(group)) ?? []).find((n) => n.type === 'dataset' && n.dataset.title === HOSTILE_NAMES_TITLE);
      if (found?.type === 'dataset') return found;
    }
    assert.fail(`the hostile title is not under ${portal}`);
  }

  it('the tree shows the title as text, the bidi override as <U+202E>, and names both dates', async () => {
    const node = await datasetNode(HUB);
    const item = okc.tree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : item.label!.label;
    assert.ok(label.includes('<script>window.__okcPwned="title"</script>'), label);
    assert.ok(label.includes('<U+202E>gnp.exe ../../outside'), label);
    assert.ok(!label.includes('\u202E'), 'the raw override reached the label');
    assert.ok(item.accessibilityInformation?.label.includes('<U+202E>'));
    const before = (item.tooltip as vscode.MarkdownString).value;
    assert.match(before, /Catalog entry updated/);
    // Expanding reads the schema; the tooltip then adds the data's last edit and keeps the catalog date.
    const fields = (await okc.tree.getChildren(node)) ?? [];
    assert.deepEqual(fields.filter((f) => f.type === 'field').map((f) => (f.type === 'field' ? f.field.name : '')).slice(1, 4), PROTOTYPE_FIELD_NAMES);
    const after = (okc.tree.getTreeItem(node).tooltip as vscode.MarkdownString).value;
    assert.match(after, /Catalog entry updated/);
    assert.match(after, /Data last edited/);
    assert.ok(!after.includes('\u202E'));
  });

  it('the grid shows __proto__, constructor and toString as columns with their values', async () => {
    const grid = await vscode.commands.executeCommand<GridHandle | undefined>('okcOpenData.previewDataset', dataset(HUB));
    assert.ok(grid);
    const paint = await grid.waitForPaint((p) => p.first === 0);
    assert.deepEqual(grid.view!.columns.map((c) => c.name).slice(1, 4), PROTOTYPE_FIELD_NAMES);
    assert.ok(paint.texts.includes('proto-1') && paint.texts.includes('ctor-1') && paint.texts.includes('str-1'), paint.texts.join(' | '));
    const detail = await grid.detail(grid.view!.generation, 1);
    assert.deepEqual(detail.values.slice(1, 4).map((v) => [v.name, v.value]), [['__proto__', 'proto-2'], ['constructor', null], ['toString', 'str-2']]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  for (const portal of [HUB, LEGACY]) {
    it(`${portal}: every save format keeps every field whatever its name, written as the portal sent it`, async () => {
      const truth = fake.catalog.byTitle(HOSTILE_NAMES_TITLE)!;
      for (const format of ['csv', 'json', 'ndjson', 'geojson'] as const) {
        const result = await save(dataset(portal), { format, fileName: `names-${format}` });
        assert.ok(result, format);
        assert.equal(result.rows, truth.rowCount, format);
        const text = readFileSync(result.uri.fsPath, 'utf8');
        let records: Record<string, unknown>[];
        if (format === 'csv') records = csvRecords(text);
        else if (format === 'json') records = JSON.parse(text) as Record<string, unknown>[];
        else if (format === 'ndjson') records = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
        else records = (JSON.parse(text) as { features: { properties: Record<string, unknown> }[] }).features.map((f) => f.properties);
        const empty = format === 'csv' ? '' : null;
        for (const [i, record] of records.entries()) {
          const row = truth.attributesAt(i);
          const want = PROTOTYPE_FIELD_NAMES.map((name) => [name, Object.prototype.hasOwnProperty.call(row, name) ? (row[name] ?? empty) : empty]);
          const got = pairs(record).filter(([k]) => PROTOTYPE_FIELD_NAMES.includes(k));
          assert.deepEqual(got, want, `${format} record ${i}`);
        }
        // The bidi override is saved as the portal sent it, not as its display form.
        assert.ok(text.includes('\u202Eevil') && !text.includes('<U+202E>'), `${format} keeps the override as sent`);
      }
    });
  }

  it('CSV formula escaping: off writes cells as sent, on prefixes = + - @ text with a quote', async () => {
    const hub = dataset(HUB);
    const plain = readFileSync((await save(hub, { format: 'csv', fileName: 'formulas-off' }))!.uri.fsPath, 'utf8');
    assert.match(plain, /,=1\+2,/);
    assert.match(plain, /,\+SUM\(A1:A2\),/);
    await vscode.workspace.getConfiguration('okcOpenData').update('csvEscapeFormulas', true, vscode.ConfigurationTarget.Global);
    try {
      const escaped = readFileSync((await save(hub, { format: 'csv', fileName: 'formulas-on' }))!.uri.fsPath, 'utf8');
      const cells = csvRecords(escaped).map((r) => r.Formula);
      assert.deepEqual(cells, ["'=1+2", "'+SUM(A1:A2)", "'-2+3", "'@SUM(A1)", '\'=HYPERLINK("http://example.invalid")', 'plain']);
      // Numbers are never text cells: the object ids stay numbers.
      assert.match(escaped, /\r\n1,/);
    } finally {
      await vscode.workspace.getConfiguration('okcOpenData').update('csvEscapeFormulas', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('the title as a file name stays inside the folder', async () => {
    const result = await save(dataset(HUB), { format: 'json', fileName: HOSTILE_NAMES_TITLE });
    assert.ok(result);
    assert.equal(vscode.Uri.joinPath(result.uri, '..').fsPath, folder);
    const base = result.uri.path.split('/').pop()!;
    assert.ok(!base.includes('\u202E') && !base.includes('/') && !base.includes('<'), base);
    assert.ok(!existsSync(join(folder, '..', '..', 'outside.json')));
    assert.deepEqual(readdirSync(folder).sort(), [base, `${base}.okc.json`].sort());
  });

  it('a 50 MB layer description reaches the metadata panel shortened, and says how much', async function () {
    // Fetching and parsing 50 MB under a loaded machine takes its time.
    this.timeout(420_000);
    const handle = (await vscode.commands.executeCommand<MetadataHandle>('okcOpenData.showMetadata', datasetIn(okc, HUB, HOSTILE_LONG_DESCRIPTION_TITLE)))!;
    try {
      const view = await until('the layer description', () => (handle.view?.fields ? handle.view : undefined), 400_000);
      assert.ok(view.descriptionHtml.startsWith(`<p>${LONG_DESCRIPTION_HEAD}</p>`), view.descriptionHtml.slice(0, 80));
      assert.ok(view.descriptionHtml.length <= 20_000, `${view.descriptionHtml.length} characters crossed to the webview`);
      assert.equal(view.descriptionChars, LONG_DESCRIPTION_CHARS);
      assert.match(view.labels.descriptionShortened, new RegExp(`${view.descriptionHtml.length.toLocaleString()} of ${LONG_DESCRIPTION_CHARS.toLocaleString()} characters`));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it("a 5,000-column layer's grid paints its first rows", async function () {
    this.timeout(240_000);
    try {
      const grid = (await vscode.commands.executeCommand<GridHandle>('okcOpenData.previewDataset', datasetIn(okc, HUB, HOSTILE_WIDE_TITLE)))!;
      // Its page names all 5,000 fields: a GET of that length is refused (414), so it is POSTed.
      const firstRows = (p: { first: number; last: number }) => p.first === 0 && p.last > 0;
      await until('the first rows painted, or an error shown', () => grid.errors.length > 0 || (grid.lastPaint && firstRows(grid.lastPaint)), 180_000);
      assert.deepEqual(grid.errors, []);
      const paint = await grid.waitForPaint(firstRows);
      assert.equal(grid.view!.columns.length, WIDE_COLUMNS);
      // Rows crossed with the columns near the view only, not 5,000 values each.
      assert.ok(paint.texts.includes('r1c1'), `the first columns of the first row are not in the painted rows: ${paint.texts.slice(0, 5).join(' | ')}`);
      assert.ok(!paint.texts.includes('r1c4999') && paint.texts.length < 2 * 200, `${paint.texts.length} cells of the first and last rows crossed to the webview`);
      // Columns are virtualised: a screenful of cells is drawn, not 5,000 for each row.
      assert.ok(paint.shown.length > 2 && paint.shown.length < 400, `${paint.shown.length} cells drawn for the rows in view`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('a 5,000-column layer shows every field in the metadata panel', async function () {
    this.timeout(300_000);
    try {
      const handle = (await vscode.commands.executeCommand<MetadataHandle>('okcOpenData.showMetadata', datasetIn(okc, HUB, HOSTILE_WIDE_TITLE)))!;
      const view = await until('the 5,000 fields', () => (handle.view?.fields ? handle.view : undefined), 280_000);
      assert.equal(view.fields!.length, WIDE_COLUMNS);
      assert.match(view.labels.showAllFields, /5,000|5\.000|5 000/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
