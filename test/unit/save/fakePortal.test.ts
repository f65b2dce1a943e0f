// The save engine against the project's fake OKC portal over HTTP, through the real
// HubPortal and LegacyPortal: formats parsed back, faults mid-download, token-free
// sidecars and refresh after the portal's data changes.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Papa from 'papaparse';
import { PortalHttp } from '../../../src/portal/http';
import { PortalError } from '../../../src/portal/errors';
import { HubPortal } from '../../../src/portal/hub';
import { LegacyPortal } from '../../../src/portal/legacy';
import type { DataRow, DatasetSummary, Portal } from '../../../src/portal/types';
import { NodeSaveFs } from '../../../src/save/nodeSaveFs';
import { parseSidecar } from '../../../src/save/provenance';
import { refreshSavedDataset } from '../../../src/save/refresh';
import { saveDataset } from '../../../src/save/save';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { tokenSent } from '../../portal/tokenChecks';

const BIG_TITLE = 'Synthetic Performance Records';
const BIG_ROWS = 4321;

describe('save against the fake portal over HTTP', function () {
  this.timeout(180_000);
  let fake: FakePortal;
  let folder: string;
  let hub: HubPortal;
  let token: string | undefined;
  const fs = new NodeSaveFs();

  const http = () => new PortalHttp({ userAgent: 'okc-open-data-tests', retries: 1, backoffLimitMs: 5, timeoutMs: 10_000 });

  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: BIG_ROWS });
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'okc-save-fake-'));
    token = undefined;
    hub = new HubPortal({ name: 'Fake OKC', kind: 'hub', url: fake.baseUrl }, http(), { token: async () => token });
    fake.faults.clear();
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function dataset(portal: Portal, title: string): Promise<DatasetSummary> {
    const found = (await portal.listDatasets()).find((d) => d.title === title);
    assert.ok(found, `the fake portal lists ${title}`);
    return found;
  }

  /** Every row as the portal serves them, fetched independently of the pipeline. */
  async function allRows(portal: Portal, ds: DatasetSummary, returnGeometry: boolean): Promise<DataRow[]> {
    const rows: DataRow[] = [];
    const total = await portal.countRows(ds, { returnGeometry });
    while (rows.length < total) rows.push(...(await portal.queryPage(ds, { returnGeometry }, rows.length, 1000)).rows);
    return rows;
  }

  it('saves the big dataset as CSV and GeoJSON that parse back to the served rows', async () => {
    const ds = await dataset(hub, BIG_TITLE);
    const schema = await hub.getSchema(ds);
    const csv = await saveDataset({ portal: hub, fs, folder, dataset: ds, schema, query: {}, format: 'csv', pageSize: 500 });
    assert.equal(csv.rows, BIG_ROWS);
    const served = await allRows(hub, ds, false);
    const [header, ...records] = Papa.parse<string[]>((await readFile(csv.path, 'utf8')).trimEnd(), { newline: '\r\n' }).data;
    assert.deepEqual(header, schema.fields.filter((f) => f.kind !== 'geometry').map((f) => f.name));
    assert.equal(records.length, served.length);
    for (const [i, cells] of records.entries()) {
      const row = served[i];
      for (const [c, name] of header.entries()) {
        const value = row.attributes[name];
        const kind = schema.fields.find((f) => f.name === name)!.kind;
        const expected = value === null || value === undefined ? '' : kind === 'date' ? new Date(value as number).toISOString() : String(value);
        assert.equal(cells[c], expected, `row ${i} ${name}`);
      }
    }

    const geo = await saveDataset({ portal: hub, fs, folder, dataset: ds, schema, query: { filters: [{ field: 'Ward', op: '=', value: 3 }] }, format: 'geojson' });
    const collection = JSON.parse(await readFile(geo.path, 'utf8')) as { features: { geometry: { coordinates: number[] }; properties: Record<string, unknown> }[] };
    const ward3 = (await allRows(hub, ds, true)).filter((r) => r.attributes.Ward === 3);
    assert.equal(collection.features.length, ward3.length);
    assert.ok(ward3.length > 0);
    for (const [i, feature] of collection.features.entries()) {
      assert.equal(feature.properties.OBJECTID, ward3[i].attributes.OBJECTID);
      assert.deepEqual(feature.geometry, ward3[i].geometry);
      const [lon, lat] = feature.geometry.coordinates;
      assert.ok(lon > -98 && lon < -97 && lat > 35 && lat < 36, 'WGS84 around Oklahoma City');
    }
  });

  it('a portal failing mid-download leaves the previous file and no temp file', async () => {
    const ds = await dataset(hub, BIG_TITLE);
    const schema = await hub.getSchema(ds);
    const target = path.join(folder, `${BIG_TITLE}.ndjson`);
    await writeFile(target, 'previous\n');
    let armed = false;
    await assert.rejects(saveDataset({
      portal: hub, fs, folder, dataset: ds, schema, query: {}, format: 'ndjson', pageSize: 500, concurrency: 2, overwrite: true,
      onProgress: (p) => {
        if (p.rows >= 1000 && !armed) {
          armed = true;
          fake.faults.add({ kind: 'status5xx', path: '/usrsvcs/', status: 503 });
        }
      },
    }));
    assert.ok(armed);
    assert.deepEqual(await readdir(folder), [`${BIG_TITLE}.ndjson`]);
    assert.equal(await readFile(target, 'utf8'), 'previous\n');
  });

  /** The same portal with its raw pages hidden: every page is parsed and encoded. */
  function parsingOnly(portal: HubPortal): Portal {
    const wrapper = Object.create(portal) as Portal;
    wrapper.queryPageRaw = undefined;
    return wrapper;
  }

  it('the CSV fast path writes the same files as parsing every page, for every Hub layer', async function () {
    // Two saves of every layer: about half a minute on a shared machine.
    this.timeout(120_000);
    let layers = 0;
    for (const ds of await hub.listDatasets()) {
      const schema = await hub.getSchema(ds).catch(() => undefined);
      if (!schema || !(await hub.queryPageRaw(ds, { returnGeometry: false }, 0, 1))) continue;
      layers++;
      let parsedPages = 0;
      const counting = Object.create(hub) as HubPortal;
      counting.queryPage = (...args) => {
        parsedPages++;
        return hub.queryPage(...args);
      };
      // The first 2,500 rows of each: every field and value shape, without minutes of paging.
      const options = { fs, dataset: ds, schema, query: { limit: 2500 }, format: 'csv' as const, pageSize: 700, overwrite: true, recount: false };
      const fast = await saveDataset({ ...options, portal: counting, folder, fileName: 'fast' });
      const parsed = await saveDataset({ ...options, portal: parsingOnly(hub), folder, fileName: 'parsed' });
      assert.equal(fast.rows, parsed.rows, ds.title);
      assert.equal(fast.sha256, parsed.sha256, `${ds.title}: same bytes`);
      // One column is quoted throughout, which only the encoder does.
      const columns = schema.fields.filter((f) => f.kind !== 'geometry').length;
      if (columns > 1) assert.equal(parsedPages, 0, `${ds.title}: every page took the fast path`);
    }
    assert.ok(layers > 40, `${layers} layers compared`);
  });

  it('the GeoJSON fast path writes the same files as parsing every page, for every Hub layer with geometry', async function () {
    // Two saves of every layer: about half a minute on a shared machine.
    this.timeout(120_000);
    const declined: string[] = [];
    let layers = 0;
    for (const ds of await hub.listDatasets()) {
      const schema = await hub.getSchema(ds).catch(() => undefined);
      if (!schema || schema.geometry === 'none' || !(await hub.queryPageRaw(ds, { returnGeometry: true }, 0, 1))) continue;
      layers++;
      // A page the fast path hands back is parsed from the same bytes: counted here.
      let parsedPages = 0;
      const counting = Object.create(hub) as HubPortal;
      counting.queryPageRaw = async (...args) => {
        const raw = await hub.queryPageRaw(...args);
        return raw && { ...raw, parse: () => (parsedPages++, raw.parse()) };
      };
      const options = { fs, dataset: ds, schema, query: { limit: 1500 }, format: 'geojson' as const, pageSize: 700, overwrite: true, recount: false };
      const fast = await saveDataset({ ...options, portal: counting, folder, fileName: 'fast' });
      const parsed = await saveDataset({ ...options, portal: parsingOnly(hub), folder, fileName: 'parsed' });
      assert.equal(fast.rows, parsed.rows, ds.title);
      assert.equal(fast.sha256, parsed.sha256, `${ds.title}: same bytes`);
      if (parsedPages) declined.push(ds.title);
    }
    assert.ok(layers > 20, `${layers} layers compared`);
    assert.deepEqual(declined, [], 'every page took the fast path');
  });

  it('asks for raw pages only when the fast path can take them', async () => {
    const ds = await dataset(hub, BIG_TITLE);
    const schema = await hub.getSchema(ds);
    let rawPages = 0;
    const counting = Object.create(hub) as HubPortal;
    counting.queryPageRaw = (...args) => {
      rawPages++;
      return hub.queryPageRaw(...args);
    };
    const save = (format: 'csv' | 'ndjson', escapeFormulae = false) =>
      saveDataset({ portal: counting, fs, folder, dataset: ds, schema, query: { limit: 1200 }, format, escapeFormulae, pageSize: 500, overwrite: true });
    await save('ndjson');
    await save('csv', true);
    assert.equal(rawPages, 0, 'NDJSON and formula-escaped CSV parse their pages');
    await save('csv');
    assert.equal(rawPages, 3);
  });

  for (const kind of ['status5xx', 'truncated', 'reset', 'malformedJson', 'botChallenge'] as const) {
    it(`a ${kind} fault mid-download in the CSV fast path leaves the previous file and no temp file`, async () => {
      const ds = await dataset(hub, BIG_TITLE);
      const schema = await hub.getSchema(ds);
      const target = path.join(folder, `${BIG_TITLE}.csv`);
      await writeFile(target, 'previous\r\n');
      let armed = false;
      const error = await saveDataset({
        portal: hub, fs, folder, dataset: ds, schema, query: {}, format: 'csv', pageSize: 500, concurrency: 2, overwrite: true,
        onProgress: (p) => {
          if (p.rows >= 1000 && !armed) {
            armed = true;
            fake.faults.add({ kind, path: '/usrsvcs/', status: 503 });
          }
        },
      }).then(() => undefined, (e: unknown) => e);
      assert.ok(armed);
      assert.ok(error instanceof PortalError, `${kind}: ${String(error)}`);
      const expected = { status5xx: 'server', truncated: 'network', reset: 'network', malformedJson: 'malformed', botChallenge: 'botChallenge' }[kind];
      assert.equal(error.kind, expected);
      assert.deepEqual(await readdir(folder), [`${BIG_TITLE}.csv`]);
      assert.equal(await readFile(target, 'utf8'), 'previous\r\n');
    });
  }

  it('cancelling over HTTP stops the requests and cleans up', async () => {
    const ds = await dataset(hub, BIG_TITLE);
    const schema = await hub.getSchema(ds);
    fake.faults.add({ kind: 'latency', path: '/usrsvcs/', ms: 30 });
    const controller = new AbortController();
    const before = fake.requests.length;
    await assert.rejects(saveDataset({
      portal: hub, fs, folder, dataset: ds, schema, query: {}, format: 'csv', pageSize: 200, signal: controller.signal,
      onProgress: (p) => { if (p.rows >= 400) controller.abort(); },
    }), /cancelled/);
    assert.deepEqual(await readdir(folder), []);
    assert.ok(fake.requests.length - before < 12, 'no further pages were fetched');
  });

  it('writes no token into the sidecar even when the layer needs one', async () => {
    const fakeDs = fake.catalog.byTitle(BIG_TITLE)!;
    fakeDs.token = 'S3CRET-T0KEN';
    token = 'S3CRET-T0KEN';
    try {
      const ds = await dataset(hub, BIG_TITLE);
      const schema = await hub.getSchema(ds);
      const saved = await saveDataset({ portal: hub, fs, folder, dataset: ds, schema, query: { limit: 100 }, format: 'json' });
      assert.equal(saved.rows, 100);
      assert.ok(fake.requests.some((r) => tokenSent(r) === 'S3CRET-T0KEN'), 'the token was sent to the portal');
      const raw = await readFile(saved.sidecarPath, 'utf8');
      assert.ok(!raw.includes('S3CRET'), 'and never written down');
      const sidecar = parseSidecar(Buffer.from(raw));
      assert.match(sidecar.apiUrl, /^http:\/\/127\.0\.0\.1:\d+\/.*\/FeatureServer\/0\/query\?/);
      assert.equal(sidecar.portal.kind, 'hub');
      assert.equal(sidecar.dataset.title, BIG_TITLE);
    } finally {
      delete fakeDs.token;
    }
  });

  it('refresh reports the rows the portal added, removed and changed', async () => {
    const ds = await dataset(hub, BIG_TITLE);
    const schema = await hub.getSchema(ds);
    const saved = await saveDataset({ portal: hub, fs, folder, dataset: ds, schema, query: {}, format: 'csv', pageSize: 1000 });
    fake.catalog.mutate(BIG_TITLE, { add: 7, remove: [1, 2, 3, 4, 5], change: [10, 11, 12] });
    const fresh = new HubPortal({ name: 'Fake OKC', kind: 'hub', url: fake.baseUrl }, http(), { token: async () => undefined });
    const result = await refreshSavedDataset({ portal: fresh, fs, dataPath: saved.path, pageSize: 1000 });
    assert.deepEqual([result.added, result.removed, result.changed], [7, 5, 3]);
    assert.equal(result.rows, BIG_ROWS + 2);
    assert.equal(parseSidecar(await readFile(saved.sidecarPath)).rows, BIG_ROWS + 2);
  });

  it('saves from the legacy Records API with its date strings as ISO 8601', async () => {
    const legacy = new LegacyPortal({ name: 'Fake legacy', kind: 'legacy', url: fake.baseUrl }, http(), { token: async () => undefined });
    const datasets = await legacy.listDatasets();
    let withDate: { d: DatasetSummary; s: Awaited<ReturnType<LegacyPortal['getSchema']>> } | undefined;
    for (const d of datasets) {
      const s = await legacy.getSchema(d);
      if (s.fields.some((f) => f.kind === 'date')) {
        withDate = { d, s };
        break;
      }
    }
    assert.ok(withDate, 'a legacy dataset with a date field');
    const { d, s } = withDate;
    const saved = await saveDataset({ portal: legacy, fs, folder, dataset: d, schema: s, query: { limit: 3000 }, format: 'ndjson' });
    const lines = (await readFile(saved.path, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, saved.rows);
    const dateField = s.fields.find((f) => f.kind === 'date')!.name;
    const dates = lines.map((l) => l[dateField]).filter((v) => v !== null);
    assert.ok(dates.length > 0);
    for (const value of dates) assert.match(String(value), /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{3}Z)?)?)?$/, `${dateField}: ${value}`);
  });
});
