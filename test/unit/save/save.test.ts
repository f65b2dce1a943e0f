import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { SaveError } from '../../../src/save/export';
import { NodeSaveFs, SpoolingSaveFs, type WholeFileFs } from '../../../src/save/nodeSaveFs';
import { parseSidecar } from '../../../src/save/provenance';
import { saveDataset } from '../../../src/save/save';
import { refreshSavedDataset } from '../../../src/save/refresh';
import { isTempFileName, type SaveFileWriter, type SaveFs } from '../../../src/save/saveFs';
import { MemoryPortal, SAMPLE_DATASET, SAMPLE_SCHEMA } from './memoryPortal';

const PREVIOUS = 'previous contents\n';

describe('save/saveDataset (atomic writes)', () => {
  let folder: string;
  const fs = new NodeSaveFs();

  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'okc-save-test-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function listing(): Promise<string[]> {
    return (await readdir(folder)).sort();
  }

  function save(portal: MemoryPortal, extra: Partial<Parameters<typeof saveDataset>[0]> = {}) {
    return saveDataset({
      portal, fs, folder, dataset: SAMPLE_DATASET, schema: SAMPLE_SCHEMA, query: {}, format: 'csv',
      pageSize: 50, concurrency: 3, overwrite: true, now: () => new Date('2026-11-27T01:02:03Z'), ...extra,
    });
  }

  it('writes the file and its sidecar, and nothing else', async () => {
    const result = await save(new MemoryPortal({ total: 333 }));
    assert.deepEqual(await listing(), ['Fire Stations.csv', 'Fire Stations.csv.okc.json']);
    const bytes = await readFile(result.path);
    assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(result.bytes, bytes.byteLength);
    assert.equal(result.rows, 333);
  });

  it('a failing page mid-download leaves no temp file and the previous target unchanged', async () => {
    await writeFile(path.join(folder, 'Fire Stations.csv'), PREVIOUS);
    const portal = new MemoryPortal({ total: 1000, failAt: (offset) => (offset === 450 ? new Error('HTTP 500 from portal') : undefined) });
    await assert.rejects(save(portal), /HTTP 500/);
    assert.deepEqual(await listing(), ['Fire Stations.csv']);
    assert.equal(await readFile(path.join(folder, 'Fire Stations.csv'), 'utf8'), PREVIOUS);
  });

  it('a cancellation leaves no temp file and the previous target unchanged', async () => {
    await writeFile(path.join(folder, 'Fire Stations.csv'), PREVIOUS);
    const controller = new AbortController();
    const portal = new MemoryPortal({ total: 5000, delayMs: () => 2 });
    let sawTemp = false;
    const pending = save(portal, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.rows >= 500 && !controller.signal.aborted) {
          void readdir(folder).then((names) => { sawTemp ||= names.some(isTempFileName); });
          controller.abort();
        }
      },
    });
    await assert.rejects(pending, (e: unknown) => e instanceof SaveError && e.kind === 'cancelled');
    assert.ok(sawTemp, 'data went to a temp file beside the target');
    assert.deepEqual(await listing(), ['Fire Stations.csv']);
    assert.equal(await readFile(path.join(folder, 'Fire Stations.csv'), 'utf8'), PREVIOUS);
  });

  it('a verification mismatch fails and cleans up', async () => {
    await writeFile(path.join(folder, 'Fire Stations.csv'), PREVIOUS);
    await assert.rejects(save(new MemoryPortal({ total: 200, count: () => 201 })), (e: unknown) => e instanceof SaveError && e.kind === 'countMismatch');
    assert.deepEqual(await listing(), ['Fire Stations.csv']);
    assert.equal(await readFile(path.join(folder, 'Fire Stations.csv'), 'utf8'), PREVIOUS);
  });

  it('does not overwrite unless asked, and replaces atomically when asked', async () => {
    await writeFile(path.join(folder, 'Fire Stations.csv'), PREVIOUS);
    const portal = new MemoryPortal({ total: 10 });
    await assert.rejects(save(portal, { overwrite: false }), (e: unknown) => e instanceof SaveError && e.kind === 'exists');
    assert.equal(portal.countCalls, 0, 'refused before downloading');
    await save(portal);
    assert.notEqual(await readFile(path.join(folder, 'Fire Stations.csv'), 'utf8'), PREVIOUS);
  });

  it('hostile titles land inside the folder', async () => {
    for (const title of ['../../escape', 'CON', 'x\u202Etxt.exe', '..']) {
      const result = await save(new MemoryPortal({ total: 3 }), { fileName: title, format: 'ndjson' });
      assert.equal(path.dirname(result.path), folder, title);
    }
    const names = await listing();
    assert.equal(names.length, 8, names.join(' | '));
    for (const name of ['_CON.ndjson', 'dataset.ndjson', 'xtxt.exe.ndjson', '_.._escape.ndjson']) assert.ok(names.includes(name), name);
  });

  it('sidecar: provenance complete and without any token', async () => {
    const query = { filters: [{ field: 'Units', op: '>' as const, value: 3 }] };
    const result = await save(new MemoryPortal({ total: 42 }), { query, format: 'geojson' });
    const raw = await readFile(result.sidecarPath, 'utf8');
    assert.ok(!/SECRET|token/i.test(raw), 'no token anywhere in the sidecar');
    const sidecar = parseSidecar(Buffer.from(raw));
    assert.deepEqual(sidecar.portal, { name: 'Test portal', kind: 'hub', url: 'https://hub.example/' });
    assert.equal(sidecar.dataset.id, 'abc123_4');
    assert.equal(sidecar.dataset.title, 'Fire Stations');
    assert.equal(sidecar.dataset.apiUrl, 'https://utility.example/usrsvcs/servers/abc123/rest/services/OpenData/Public_Safety/FeatureServer/4');
    assert.deepEqual(sidecar.query, query);
    assert.equal(sidecar.apiUrl, 'https://utility.example/usrsvcs/servers/abc123/rest/services/OpenData/Public_Safety/FeatureServer/4/query?where=1%3D1&outFields=*&f=json');
    assert.equal(sidecar.license, 'CC-BY-4.0');
    assert.equal(sidecar.retrievedAt, '2026-11-27T01:02:03.000Z');
    assert.equal(sidecar.rows, 42);
    assert.equal(sidecar.format, 'geojson');
    assert.equal(sidecar.dataFile, 'Fire Stations.geojson');
    assert.equal(sidecar.schema.objectIdField, 'OBJECTID');
    assert.deepEqual(sidecar.schema.fields.map((f) => f.name), SAMPLE_SCHEMA.fields.map((f) => f.name));
    assert.equal(sidecar.sha256, createHash('sha256').update(await readFile(result.path)).digest('hex'));
    assert.equal(sidecar.bytes, (await readFile(result.path)).byteLength);
  });
});

/** NodeSaveFs with one operation made to fail, as a full disk, a lock or a permission would. */
class FailingFs implements SaveFs {
  readonly inner = new NodeSaveFs();
  readonly path = this.inner.path;
  constructor(private readonly fail: { rename?: (from: string, to: string) => boolean; create?: (path: string) => boolean; write?: (path: string) => boolean }) {}
  async create(p: string): Promise<SaveFileWriter> {
    if (this.fail.create?.(p)) throw new Error(`EACCES: permission denied, open '${path.basename(p)}'`);
    const writer = await this.inner.create(p);
    const failWrite = this.fail.write?.(p);
    return {
      write: (chunk) => (failWrite ? Promise.reject(new Error('ENOSPC: no space left on device, write')) : writer.write(chunk)),
      close: () => writer.close(),
      discard: () => writer.discard(),
    };
  }
  async rename(from: string, to: string): Promise<void> {
    if (this.fail.rename?.(from, to)) throw new Error(`EBUSY: resource busy or locked, rename '${path.basename(from)}'`);
    return this.inner.rename(from, to);
  }
  delete(p: string) {
    return this.inner.delete(p);
  }
  exists(p: string) {
    return this.inner.exists(p);
  }
  readFile(p: string) {
    return this.inner.readFile(p);
  }
  readChunks(p: string) {
    return this.inner.readChunks(p);
  }
}

describe('save: a failing file system never loses the previous save', () => {
  let folder: string;
  const node = new NodeSaveFs();
  const DATA = 'Fire Stations.csv';
  const SIDECAR = 'Fire Stations.csv.okc.json';

  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'okc-save-fail-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const save = (fs: SaveFs, total: number) =>
    saveDataset({ portal: new MemoryPortal({ total }), fs, folder, dataset: SAMPLE_DATASET, schema: SAMPLE_SCHEMA, query: {}, format: 'csv', pageSize: 50, overwrite: true });
  const read = (name: string) => readFile(path.join(folder, name));
  const snapshot = async () => ({ data: await read(DATA), sidecar: await read(SIDECAR), names: (await readdir(folder)).sort() });

  const failures: [string, ConstructorParameters<typeof FailingFs>[0]][] = [
    ['the data rename', { rename: (_from, to) => to.endsWith(DATA) }],
    ['creating the sidecar temp file', { create: (p) => p.includes(SIDECAR) }],
    ['writing the data temp file', { write: (p) => p.includes(DATA) && !p.includes(SIDECAR) }],
    ['writing the sidecar temp file', { write: (p) => p.includes(SIDECAR) }],
  ];
  for (const [what, fail] of failures) {
    it(`a failed overwrite (${what}) leaves the previous data file and sidecar byte for byte`, async () => {
      await save(node, 120);
      const before = await snapshot();
      // Reported as a plain failure (nothing written), not as a half-done save.
      await assert.rejects(save(new FailingFs(fail), 80), (e: unknown) => !(e instanceof SaveError) && /EBUSY|EACCES|ENOSPC/.test(String(e)));
      assert.deepEqual(await snapshot(), before);
    });
  }

  it('a failure between the two renames is reported as such, and the next refresh or save repairs it', async () => {
    await save(node, 120);
    const previousSidecar = await read(SIDECAR);
    const failing = new FailingFs({ rename: (_from, to) => to.endsWith(SIDECAR) });
    await assert.rejects(save(failing, 80), (e: unknown) => e instanceof SaveError && e.kind === 'sidecarStale' && /was saved, but its provenance file .* could not be updated \(EBUSY/.test(e.message));
    assert.deepEqual((await readdir(folder)).sort(), [DATA, SIDECAR], 'no temp file left');
    assert.deepEqual(await read(SIDECAR), previousSidecar, 'the old sidecar is still there');
    const stale = parseSidecar(previousSidecar);
    const dataSha = () => read(DATA).then((b) => createHash('sha256').update(b).digest('hex'));
    assert.notEqual(stale.sha256, await dataSha(), 'it no longer describes the data');

    // Refresh notices the mismatch and rewrites both.
    const refreshed = await refreshSavedDataset({ portal: new MemoryPortal({ total: 80 }), fs: node, dataPath: path.join(folder, DATA), schema: SAMPLE_SCHEMA, pageSize: 50 });
    assert.equal(refreshed.editedSinceSave, true);
    assert.equal(refreshed.unchanged, 80, 'compared with the data actually on disk');
    const repaired = parseSidecar(await read(SIDECAR));
    assert.equal(repaired.sha256, await dataSha());
    assert.equal(repaired.rows, 80);

    // And so does a plain save after another interrupted one.
    await assert.rejects(save(failing, 60), (e: unknown) => e instanceof SaveError && e.kind === 'sidecarStale');
    await save(node, 60);
    assert.equal(parseSidecar(await read(SIDECAR)).sha256, await dataSha());
  });
});

/** vscode.workspace.fs in miniature: whole files only, on posix paths. */
class MemoryWholeFs implements WholeFileFs {
  readonly path = path.posix;
  readonly files = new Map<string, Uint8Array>();
  writes = 0;
  async readFile(p: string) {
    const bytes = this.files.get(p);
    if (!bytes) throw new Error(`ENOENT ${p}`);
    return bytes;
  }
  async writeFile(p: string, bytes: Uint8Array) {
    this.writes++;
    this.files.set(p, new Uint8Array(bytes));
  }
  async stat(p: string) {
    const bytes = this.files.get(p);
    return bytes ? { size: bytes.byteLength } : undefined;
  }
  async rename(from: string, to: string, options: { overwrite: boolean }) {
    const bytes = await this.readFile(from);
    if (this.files.has(to) && !options.overwrite) throw new Error('exists');
    this.files.set(to, bytes);
    this.files.delete(from);
  }
  async delete(p: string) {
    this.files.delete(p);
  }
}

describe('save/SpoolingSaveFs (whole-file workspaces)', () => {
  let spool: string;
  beforeEach(async () => {
    spool = await mkdtemp(path.join(tmpdir(), 'okc-spool-test-'));
  });
  afterEach(async () => {
    await rm(spool, { recursive: true, force: true });
  });

  it('streams into a local spool, then one writeFile and a rename', async () => {
    const whole = new MemoryWholeFs();
    const result = await saveDataset({
      portal: new MemoryPortal({ total: 500 }), fs: new SpoolingSaveFs(whole, spool), folder: '/ws/data',
      dataset: SAMPLE_DATASET, schema: SAMPLE_SCHEMA, query: {}, format: 'json', pageSize: 40,
    });
    assert.deepEqual([...whole.files.keys()].sort(), ['/ws/data/Fire Stations.json', '/ws/data/Fire Stations.json.okc.json']);
    assert.equal(whole.writes, 2, 'one writeFile for the data, one for the sidecar');
    const bytes = whole.files.get(result.path)!;
    assert.equal((JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown[]).length, 500);
    assert.deepEqual(await readdir(spool), [], 'spool files removed');
  });

  it('refresh works through it too', async () => {
    const whole = new MemoryWholeFs();
    const fs = new SpoolingSaveFs(whole, spool);
    const saved = await saveDataset({
      portal: new MemoryPortal({ total: 200 }), fs, folder: '/ws', dataset: SAMPLE_DATASET, schema: SAMPLE_SCHEMA, query: {}, format: 'geojson',
    });
    const result = await refreshSavedDataset({ portal: new MemoryPortal({ total: 230 }), fs, dataPath: saved.path, schema: SAMPLE_SCHEMA });
    assert.deepEqual([result.added, result.removed, result.changed, result.unchanged], [30, 0, 0, 200]);
    assert.deepEqual([...whole.files.keys()].sort(), ['/ws/Fire Stations.geojson', '/ws/Fire Stations.geojson.okc.json']);
  });

  it('a failure leaves the previous file and no temp or spool files', async () => {
    const whole = new MemoryWholeFs();
    whole.files.set('/ws/data/Fire Stations.csv', Buffer.from(PREVIOUS));
    const portal = new MemoryPortal({ total: 500, failAt: (o) => (o === 200 ? new Error('boom') : undefined) });
    await assert.rejects(saveDataset({
      portal, fs: new SpoolingSaveFs(whole, spool), folder: '/ws/data', overwrite: true,
      dataset: SAMPLE_DATASET, schema: SAMPLE_SCHEMA, query: {}, format: 'csv', pageSize: 40,
    }), /boom/);
    assert.deepEqual([...whole.files.keys()], ['/ws/data/Fire Stations.csv']);
    assert.equal(Buffer.from(whole.files.get('/ws/data/Fire Stations.csv')!).toString(), PREVIOUS);
    assert.deepEqual(await readdir(spool), []);
  });
});
