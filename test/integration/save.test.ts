// Save Dataset to Workspace and Refresh Saved Dataset in the real editor: each format is
// compared with the fake portal's data; a fault mid-download or a cancellation leaves no
// partial file and an untouched previous file; hostile names stay inside the folder;
// a refresh after the portal's data changed reports the right differences.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import * as vscode from 'vscode';
import type { SaveOutcome } from '../../src/editor/saveCommands';
import type { OkcOpenDataApi } from '../../src/extension';
import type { DatasetSummary } from '../../src/portal/types';
import { BIG_TITLE, HOSTILE_TITLE } from '../portal/data';
import type { FakePortal } from '../portal/server';
import { waitFor } from '../harness/wait';
import { datasetIn, recordUserMessages, startFake, usePortals } from './helpers';

describe('Save Dataset to Workspace', function () {
  this.timeout(120_000);
  let fake: FakePortal;
  let okc: OkcOpenDataApi;
  let folder: string;

  before(async () => {
    fake = await startFake({ bigRows: 30_000 });
    okc = await usePortals([
      { name: 'Save Hub', kind: 'hub', url: fake.baseUrl },
      { name: 'Save Legacy', kind: 'legacy', url: fake.baseUrl },
    ]);
    folder = join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'saved-by-tests');
  });
  beforeEach(() => {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
  });
  after(async () => {
    rmSync(folder, { recursive: true, force: true });
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
    await fake.close();
  });

  const dataset = (portal: string, title: string): DatasetSummary => datasetIn(okc, portal, title);
  const save = (d: DatasetSummary, options: Record<string, unknown>) =>
    vscode.commands.executeCommand<SaveOutcome | undefined>('okcOpenData.saveDataset', d, { folder: vscode.Uri.file(folder).toString(), overwrite: true, ...options });
  const leftovers = () => readdirSync(folder).filter((f) => f.includes('.okc-tmp-'));

  it('saves CSV that matches the portal\'s rows, with a provenance sidecar', async () => {
    const truth = fake.catalog.byTitle('Work Zones')!;
    const result = await save(dataset('Save Hub', 'Work Zones'), { format: 'csv', fileName: 'work-zones' });
    assert.ok(result, 'saved');
    assert.equal(result.rows, truth.rowCount);
    const parsed = Papa.parse<Record<string, string>>(readFileSync(join(folder, 'work-zones.csv'), 'utf8'), { header: true, skipEmptyLines: true });
    assert.equal(parsed.data.length, truth.rowCount);
    assert.equal(Number(parsed.data[0][truth.objectIdField]), truth.oidAt(0));
    assert.equal(parsed.data[5].Worklocation ?? parsed.data[5].WorkLocation ?? '', String(truth.attributesAt(5).Worklocation ?? truth.attributesAt(5).WorkLocation ?? ''));
    const sidecar = JSON.parse(readFileSync(join(folder, 'work-zones.csv.okc.json'), 'utf8'));
    assert.equal(sidecar.rows ?? sidecar.rowCount, truth.rowCount);
    assert.ok(JSON.stringify(sidecar).includes(truth.layerPath));
    assert.deepEqual(leftovers(), []);
  });

  it('saves JSON with typed values and GeoJSON in WGS84', async () => {
    const truth = fake.catalog.byTitle('Fire Stations')!;
    await save(dataset('Save Hub', 'Fire Stations'), { format: 'json', fileName: 'stations' });
    const rows = JSON.parse(readFileSync(join(folder, 'stations.json'), 'utf8')) as Record<string, unknown>[];
    assert.equal(rows.length, truth.rowCount);
    assert.equal(typeof rows[0][truth.objectIdField], 'number');

    await save(dataset('Save Hub', 'Fire Stations'), { format: 'geojson', fileName: 'stations' });
    const fc = JSON.parse(readFileSync(join(folder, 'stations.geojson'), 'utf8')) as { type: string; features: { geometry: { coordinates: number[] } }[] };
    assert.equal(fc.type, 'FeatureCollection');
    assert.equal(fc.features.length, truth.rowCount);
    const [lon, lat] = fc.features[0].geometry.coordinates;
    assert.ok(lon < -96 && lon > -99 && lat > 34 && lat < 37, `${lon},${lat}`);
  });

  it('saves the legacy portal\'s points as GeoJSON and NDJSON lines', async () => {
    const truth = fake.catalog.byTitle('Fire Stations')!;
    await save(dataset('Save Legacy', 'Fire Stations'), { format: 'geojson', fileName: 'legacy-stations' });
    const fc = JSON.parse(readFileSync(join(folder, 'legacy-stations.geojson'), 'utf8')) as { features: { geometry: { type: string } }[] };
    assert.equal(fc.features.length, truth.rowCount);
    assert.equal(fc.features[0].geometry.type, 'Point');
    await save(dataset('Save Legacy', 'Fire Stations'), { format: 'ndjson', fileName: 'legacy-stations' });
    const lines = readFileSync(join(folder, 'legacy-stations.ndjson'), 'utf8').trim().split('\n');
    assert.equal(lines.length, truth.rowCount);
    JSON.parse(lines[0]);
  });

  it('saves the current query when asked to (the grid hands over its filters and sort)', async () => {
    const truth = fake.catalog.byTitle('Work Zones')!;
    const worktype = String(truth.attributesAt(0).Worktype);
    let expected = 0;
    for (let i = 0; i < truth.rowCount; i++) if (truth.attributesAt(i).Worktype === worktype) expected++;
    const query = { filters: [{ field: 'Worktype', op: '=' as const, value: worktype }], sort: [{ field: truth.objectIdField, descending: true }] };
    const result = await save(dataset('Save Hub', 'Work Zones'), { format: 'csv', fileName: 'zones-query', query, scope: 'query' });
    assert.ok(result);
    assert.equal(result.rows, expected);
    const rows = Papa.parse<Record<string, string>>(readFileSync(join(folder, 'zones-query.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
    assert.ok(rows.every((r) => r.Worktype === worktype));
    assert.ok(Number(rows[0][truth.objectIdField]) > Number(rows[rows.length - 1][truth.objectIdField]), 'sorted descending');
    const sidecar = readFileSync(join(folder, 'zones-query.csv.okc.json'), 'utf8');
    assert.ok(sidecar.includes('Worktype'), 'the query is recorded');
  });

  // Each fault hits the layer's query endpoint after the first pages of the download came
  // through (`after`), whatever the machine's speed; the user reads what went wrong.
  const PASSED_QUERIES = 5;
  const NOTHING_WRITTEN = /Nothing was written and any existing file is unchanged\.$/;
  const faults = [
    { rule: { kind: 'status5xx', status: 500 }, shown: /^Save Hub had a server error, also after retries/ },
    { rule: { kind: 'rateLimit', retryAfterSeconds: 0 }, shown: /^Save Hub is limiting requests \(HTTP 429\)/ },
    { rule: { kind: 'malformedJson' }, shown: /^Save Hub sent a response that could not be read/ },
    { rule: { kind: 'truncated' }, shown: /^Save Hub: The connection broke while the portal was sending data/ },
    { rule: { kind: 'reset' }, shown: /^Save Hub: (The connection broke|Could not connect)/ },
    { rule: { kind: 'botChallenge' }, shown: /^Save Hub: the portal answered with a browser check page/ },
  ] as const;
  for (const fault of faults) {
    it(`on ${fault.rule.kind} mid-download: pages arrived, then the fault; the user is told; no partial file, the previous file untouched`, async () => {
      const big = dataset('Save Hub', BIG_TITLE);
      const truth = fake.catalog.byTitle(BIG_TITLE)!;
      const queryPath = `${truth.layerPath}/query`;
      writeFileSync(join(folder, 'big.csv'), 'previous contents\n');
      const shown = recordUserMessages();
      const from = fake.requests.length;
      fake.faults.set([{ path: queryPath, ...fault.rule, after: PASSED_QUERIES }]);
      const result = await save(big, { format: 'csv', fileName: 'big' });
      assert.equal(result, undefined, 'the save failed');

      const queries = fake.requests.slice(from).filter((r) => r.path.startsWith(queryPath));
      const firstFaulted = queries.findIndex((r) => r.fault !== undefined);
      assert.ok(firstFaulted >= 0, `the ${fault.rule.kind} fault never hit: ${queries.length} queries, none faulted`);
      const pagesFirst = queries.slice(0, firstFaulted).filter((r) => r.status === 200 && /[?&]resultOffset=/.test(r.path));
      assert.ok(pagesFirst.length >= 2, `only ${pagesFirst.length} pages arrived before the fault`);
      assert.equal(shown.errors.length, 1, `errors shown: ${JSON.stringify(shown.errors)}`);
      assert.match(shown.errors[0], fault.shown);
      assert.match(shown.errors[0], NOTHING_WRITTEN);

      assert.equal(readFileSync(join(folder, 'big.csv'), 'utf8'), 'previous contents\n');
      assert.ok(!existsSync(join(folder, 'big.csv.okc.json')));
      assert.deepEqual(leftovers(), []);
    });
  }

  it('cancelling after the first page leaves no partial file and the previous file untouched', async () => {
    writeFileSync(join(folder, 'big.json'), '[]');
    const shown = recordUserMessages();
    const controller = new AbortController();
    fake.faults.set([{ path: '/usrsvcs', kind: 'latency', ms: 50 }]);
    const from = fake.requests.length;
    const pending = save(dataset('Save Hub', BIG_TITLE), { format: 'json', fileName: 'big', signal: controller.signal });
    await waitFor('a first page of the download answered', () =>
      fake.requests.slice(from).some((r) => /\/query\?.*resultOffset=/.test(r.path) && r.status === 200),
    );
    controller.abort();
    assert.equal(await pending, undefined);
    assert.deepEqual(shown.errors, ['The save was cancelled. No file was written and any existing file is unchanged.']);
    assert.equal(readFileSync(join(folder, 'big.json'), 'utf8'), '[]');
    assert.deepEqual(leftovers(), []);
  });

  it('keeps hostile names inside the chosen folder', async () => {
    const hostile = dataset('Save Hub', HOSTILE_TITLE);
    for (const name of ['../../escape', 'CON', 'a/b\\c', '..', 'x\u202Etxt.exe']) {
      const result = await save(hostile, { format: 'csv', fileName: name });
      assert.ok(result, name);
      assert.equal(vscode.Uri.joinPath(result.uri, '..').fsPath, folder, `${name} -> ${result.uri.fsPath}`);
      const base = result.uri.path.split('/').pop()!;
      assert.ok(!/^(con|prn|aux|nul)(\.|$)/i.test(base), base);
      assert.ok(!base.includes('\u202E'));
    }
    assert.ok(!existsSync(join(folder, '..', '..', 'escape.csv')));
  });

  it('refresh reports rows added, removed and changed after the portal\'s data changed', async () => {
    const truth = fake.catalog.byTitle('Garage Sales')!;
    const saved = await save(dataset('Save Hub', 'Garage Sales'), { format: 'csv', fileName: 'garage-sales' });
    assert.ok(saved);
    const remove = [truth.oidAt(0), truth.oidAt(1)];
    const change = [truth.oidAt(5), truth.oidAt(6), truth.oidAt(7)];
    fake.catalog.mutate('Garage Sales', { add: 4, remove, change });
    const diff = await vscode.commands.executeCommand<{ added: number; removed: number; changed: number } | undefined>('okcOpenData.refreshSavedDataset', saved.uri);
    assert.ok(diff);
    assert.deepEqual({ added: diff.added, removed: diff.removed, changed: diff.changed }, { added: 4, removed: 2, changed: 3 });
    const rows = Papa.parse(readFileSync(join(folder, 'garage-sales.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
    assert.equal(rows.length, truth.rowCount);
  });
});
