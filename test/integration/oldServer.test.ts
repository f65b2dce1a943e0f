// Old ArcGIS Server (10.x) layers in the real editor, against the fake portal's old-server
// profile (no geoJSON, no pagination, lowercase objectid): the tree lists them under their
// group, the metadata panel opens, the grid scrolls to the last row (paged by object id), and
// saves as CSV and GeoJSON hold exactly the fake's rows and shapes.

import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import * as vscode from 'vscode';
import type { CatalogNode } from '../../src/catalog/tree';
import type { SaveOutcome } from '../../src/editor/saveCommands';
import type { OkcOpenDataApi } from '../../src/extension';
import type { DatasetSummary } from '../../src/portal/types';
import type { GridHandle } from '../../src/preview/gridHost';
import { OLD_SERVER_ENTRIES, OLD_SERVER_GROUP } from '../portal/oldServer';
import { startFakePortal, type FakePortal } from '../portal/server';
import { datasetIn, usePortals } from './helpers';

const PORTAL = 'Old Server Hub';
const HYDRANTS = 'Old Server Fire Hydrants';

describe('Old ArcGIS Server layers', function () {
  this.timeout(180_000);
  let fake: FakePortal;
  let okc: OkcOpenDataApi;
  let folder: string;

  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 5_000 });
    okc = await usePortals([{ name: PORTAL, kind: 'hub', url: fake.baseUrl }]);
    folder = join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'saved-by-old-server-tests');
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(folder, { recursive: true, force: true });
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
    await fake?.close();
  });

  const dataset = (title: string): DatasetSummary => datasetIn(okc, PORTAL, title);
  const children = async (node?: CatalogNode): Promise<CatalogNode[]> => (await okc.tree.getChildren(node)) ?? [];
  const label = (node: CatalogNode): string => {
    const l = okc.tree.getTreeItem(node).label;
    return typeof l === 'string' ? l : (l?.label ?? '');
  };
  /** Requests to /query that an old server refuses: the client must never send one. */
  const refusedRequests = () =>
    fake.requests.filter((r) => r.url.split('?')[0].endsWith('/query') && /[?&](resultOffset|resultRecordCount)=|[?&]f=geojson/.test(r.url));

  it('lists every old-server layer under its group, with its fields', async () => {
    const portal = (await children()).find((n) => n.type === 'portal' && n.portal === PORTAL);
    assert.ok(portal, 'portal in the tree');
    const group = (await children(portal)).find((n) => n.type === 'group' && label(n) === OLD_SERVER_GROUP);
    assert.ok(group, `group ${OLD_SERVER_GROUP}`);
    const listed = (await children(group)).filter((n) => n.type === 'dataset').map(label).sort();
    assert.deepEqual(listed, OLD_SERVER_ENTRIES.map((e) => e.title).sort());
    const hydrants = (await children(group)).find((n) => n.type === 'dataset' && n.dataset.title === HYDRANTS)!;
    const fields = (await children(hydrants)).filter((n) => n.type === 'field');
    const oid = fields.find((f) => f.type === 'field' && f.field.name === 'objectid');
    assert.ok(oid, 'the lowercase objectid is a field');
    assert.equal(okc.tree.getTreeItem(oid).description, 'oid');
  });

  it('opens the metadata panel of an old-server layer', async () => {
    await vscode.commands.executeCommand('okcOpenData.showMetadata', dataset('Old Server Parcels'));
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const panel = tabs.find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('okcOpenData.metadata') && t.label === 'Old Server Parcels');
    assert.ok(panel, `tabs: ${tabs.map((t) => t.label).join(', ')}`);
    assert.deepEqual(refusedRequests(), []);
  });

  it('previews to the last row, paged by object id', async () => {
    const truth = fake.catalog.byTitle(HYDRANTS)!;
    const grid = await vscode.commands.executeCommand<GridHandle | undefined>('okcOpenData.previewDataset', dataset(HYDRANTS));
    assert.ok(grid, 'Preview Dataset returned no panel');
    await grid.waitForPaint((p) => p.first === 0);
    assert.equal(grid.view?.total, truth.rowCount);
    const last = truth.rowCount - 1;
    grid.scrollTo(last);
    const paint = await grid.waitForPaint((p) => p.last === last && p.activeRow === last);
    const facility = String(truth.attributesAt(last).facilityid);
    assert.ok(paint.texts.includes(facility), `${facility} in ${paint.texts.join(' | ')}`);
    assert.ok(fake.requests.some((r) => r.url.includes('returnIdsOnly=true')), 'ids were asked');
    assert.deepEqual(refusedRequests(), []);
  });

  const save = (d: DatasetSummary, options: Record<string, unknown>) =>
    vscode.commands.executeCommand<SaveOutcome | undefined>('okcOpenData.saveDataset', d, { folder: vscode.Uri.file(folder).toString(), overwrite: true, ...options });

  it('saves CSV with every row of the layer, in object id order', async () => {
    const truth = fake.catalog.byTitle(HYDRANTS)!;
    const result = await save(dataset(HYDRANTS), { format: 'csv', fileName: 'hydrants' });
    assert.ok(result, 'saved');
    assert.equal(result.rows, truth.rowCount);
    const parsed = Papa.parse<Record<string, string>>(readFileSync(join(folder, 'hydrants.csv'), 'utf8'), { header: true, skipEmptyLines: true });
    assert.equal(parsed.data.length, truth.rowCount);
    parsed.data.forEach((row, i) => {
      const want = truth.attributesAt(i);
      assert.equal(Number(row.objectid), want.objectid, `row ${i} objectid`);
      assert.equal(row.facilityid, want.facilityid === null ? '' : String(want.facilityid), `row ${i} facilityid`);
    });
    assert.deepEqual(readdirSync(folder).filter((f) => f.includes('.okc-tmp-')), []);
    assert.deepEqual(refusedRequests(), []);
  });

  it('saves GeoJSON whose shapes equal the fake\'s: holes, parts, multipoints, null geometry', async () => {
    for (const entry of OLD_SERVER_ENTRIES) {
      const truth = fake.catalog.byTitle(entry.title)!;
      const file = `old-${entry.layer}`;
      const result = await save(dataset(entry.title), { format: 'geojson', fileName: file });
      assert.ok(result, `${entry.title} saved`);
      const fc = JSON.parse(readFileSync(join(folder, `${file}.geojson`), 'utf8')) as { features: { geometry: unknown; properties: Record<string, unknown> }[] };
      assert.equal(fc.features.length, truth.rowCount, entry.title);
      fc.features.forEach((f, i) => {
        const row = truth.rowAt(i);
        assert.deepEqual(f.geometry, row.geometry, `${entry.title} row ${i} geometry`);
        assert.equal(f.properties.objectid, row.attributes.objectid, `${entry.title} row ${i} objectid`);
      });
    }
    assert.deepEqual(refusedRequests(), []);
  });
});
