// Profile Column in the real extension host with the webview drawn by a real browser: a grid
// column's profile over the grid's filters matches an oracle computed from the fake portal's rows,
// on the portal, in the supportsStatistics:false fallback and on the legacy portal; the webview
// reports the profile it drew.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { OkcOpenDataApi } from '../../src/extension';
import type { DatasetSummary } from '../../src/portal/types';
import type { GridHandle } from '../../src/preview/gridHost';
import type { ProfileView } from '../../src/protocol';
import { BIG_TITLE } from '../portal/data';
import { startFakePortal, type FakePortal } from '../portal/server';
import { bucketCounts, close, oracleProfile, rowsWhere, type OracleProfile } from '../unit/stats/oracle';
import { datasetIn, usePortals } from './helpers';

async function preview(d: DatasetSummary): Promise<GridHandle> {
  const handle = await vscode.commands.executeCommand<GridHandle | undefined>('okcOpenData.previewDataset', d);
  assert.ok(handle, 'Preview Dataset returned no panel');
  return handle;
}

function assertFigures(p: ProfileView, expected: OracleProfile, top: boolean): void {
  assert.equal(p.count, expected.count, 'count');
  assert.equal(p.missing, expected.missing, 'missing');
  assert.deepEqual(p.distinct, { value: expected.distinct, exact: true }, 'distinct');
  if (p.kind !== 'text') {
    assert.equal(p.min, expected.min, 'min');
    assert.equal(p.max, expected.max, 'max');
    if (p.kind === 'number') {
      close(p.mean, expected.mean, 'mean');
      close(p.stddev, expected.stddev, 'stddev', 1e-7);
    }
    assert.deepEqual(p.histogram!.map((b) => b.count), bucketCounts(expected.present as number[], p.histogram!), 'histogram');
  }
  if (top) assert.deepEqual(p.topValues, expected.ranked.slice(0, 10), 'top values');
}

describe('Profile Column', function () {
  this.timeout(180_000);
  let fake: FakePortal;
  let okc: OkcOpenDataApi;

  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 20_000 });
    okc = await usePortals([
      { name: 'Profile Hub', kind: 'hub', url: fake.baseUrl },
      { name: 'Profile Legacy', kind: 'legacy', url: fake.baseUrl },
    ]);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
    await fake?.close();
  });

  it('profiles a field over the grid\'s filters on the portal; the webview draws it', async () => {
    const grid = await preview(datasetIn(okc, 'Profile Hub', BIG_TITLE));
    await grid.waitForPaint((p) => p.first === 0);
    await grid.query([], [{ field: 'Ward', op: '=', value: 3 }]);
    const rows = rowsWhere(fake.catalog.byTitle(BIG_TITLE)!, (r) => r.Ward === 3);
    const amount = await grid.profile('Amount');
    assertFigures(amount, oracleProfile(rows, 'Amount'), false);
    assert.match(amount.notes[0], /portal/i);
    const statisticsRequests = fake.requests.filter((r) => r.path.includes('outStatistics')).length;
    assert.ok(statisticsRequests >= 1 && statisticsRequests <= 30, `${statisticsRequests} statistics requests`);
    assert.ok(!fake.requests.some((r) => /resultRecordCount=2000/.test(r.path) && /outFields=Amount/.test(r.path)), 'no rows fetched to profile');

    grid.openProfile('Status');
    const shown = await grid.waitForProfile((s) => s.field === 'Status' && s.generation === grid.view!.generation);
    const expected = oracleProfile(rows, 'Status');
    assert.deepEqual(shown.topValues, expected.ranked.slice(0, 10).map((t) => String(t.value)));
    assertFigures(await grid.profile('Status'), expected, true);
    assertFigures(await grid.profile('RecordedAt'), oracleProfile(rows, 'RecordedAt'), false);
  });

  it('computes it here over fetched rows where the layer has no statistics, and says so', async () => {
    const grid = await preview(datasetIn(okc, 'Profile Hub', 'Hotel Motel Tax'));
    await grid.waitForPaint((p) => p.first === 0);
    const p = await grid.profile('Sector');
    assertFigures(p, oracleProfile(rowsWhere(fake.catalog.byTitle('Hotel Motel Tax')!, () => true), 'Sector'), true);
    assert.ok(p.notes.some((n) => /does not compute statistics/.test(n)), p.notes.join(' | '));
  });

  it('profiles a legacy dataset over fetched pages and states the rows it covered', async () => {
    const grid = await preview(datasetIn(okc, 'Profile Legacy', BIG_TITLE));
    await grid.waitForPaint((p) => p.first === 0);
    await grid.query([], [{ field: 'Category', op: '=', value: 'Permit' }]);
    const rows = rowsWhere(fake.catalog.byTitle(BIG_TITLE)!, (r) => r.Category === 'Permit');
    const p = await grid.profile('Quantity');
    assertFigures(p, oracleProfile(rows, 'Quantity'), true);
    assert.ok(p.notes[0].includes(rows.length.toLocaleString(vscode.env.language)), p.notes[0]);
  });

  it('profiles a CSV column in a worker over the whole file; its values are text, not filters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'okc-csv-profile-'));
    try {
      const path = join(dir, 'permits.csv');
      const lines = ['permit,zip,fee'];
      const fees: number[] = [];
      for (let i = 1; i <= 5000; i++) {
        const fee = i % 11 === 0 ? '' : ((i * 37) % 1000) / 4;
        if (fee !== '') fees.push(fee);
        lines.push(`P-${i},"0${73100 + (i % 7)}",${fee}`);
      }
      writeFileSync(path, lines.join('\n') + '\n');
      const grid = await vscode.commands.executeCommand<GridHandle>('okcOpenData.openCsvPreview', vscode.Uri.file(path));
      await grid.waitForPaint((p) => p.first === 0);
      const fee = await grid.profile('fee');
      assert.equal(fee.kind, 'number');
      assert.equal(fee.count, 5000);
      assert.equal(fee.missing, 5000 - fees.length);
      assert.equal(fee.min, Math.min(...fees));
      assert.equal(fee.max, Math.max(...fees));
      close(fee.mean, fees.reduce((a, b) => a + b, 0) / fees.length, 'mean');
      assert.equal(fee.histogram!.reduce((a, b) => a + b.count, 0), fees.length);
      assert.ok(fee.notes.some((n) => n.includes('5,000')), fee.notes.join(' | '));
      const zip = await grid.profile('zip');
      assert.equal(zip.kind, 'text', 'zero-led codes stay text');
      assert.deepEqual(zip.topValues.map((t) => t.value).sort(), ['073100', '073101', '073102', '073103', '073104', '073105', '073106']);
      // The webview draws it as a user sees it: opened from the grid, values as plain text.
      grid.openProfile('zip');
      const shown = await grid.waitForProfile((p) => p.field === 'zip');
      assert.ok(shown.topValues.includes('073100'), shown.topValues.join(','));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
