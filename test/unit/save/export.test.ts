import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import Papa from 'papaparse';
import { exportDataset, SaveError } from '../../../src/save/export';
import { planColumns, type SaveFormat } from '../../../src/save/values';
import { createEncoder } from '../../../src/save/encoders';
import type { DatasetQuery } from '../../../src/query/model';
import type { DatasetSchema } from '../../../src/portal/types';
import { MemoryPortal, MemorySink, SAMPLE_DATASET, SAMPLE_SCHEMA, sampleRow } from './memoryPortal';

const PERMIT_ISO: Record<string, string | null> = {
  'Apr 11, 2023': '2023-04-11',
  'Jan 05 2024 04:12PM': '2024-01-05T16:12:00',
  'not a date': 'not a date',
};

/** What a saved record must contain for source row `index`, worked out independently of the encoders. */
function expectedRecord(index: number): Record<string, unknown> {
  const a = sampleRow(index).attributes;
  return {
    OBJECTID: a.OBJECTID,
    Name: a.Name,
    Units: a.Units,
    Ratio: a.Ratio,
    Reported: a.Reported === null ? null : new Date(a.Reported as number).toISOString(),
    Permit_Date: a.Permit_Date === null ? null : PERMIT_ISO[a.Permit_Date as string],
  };
}

// Pages answer in scrambled order so "written strictly in order" is really tested.
const scrambled = (offset: number) => ((offset * 7919) % 13) + 1;

async function run(format: SaveFormat, total: number, query: DatasetQuery = {}, portal = new MemoryPortal({ total, delayMs: scrambled })) {
  const sink = new MemorySink();
  const progress: number[] = [];
  const result = await exportDataset({
    portal,
    dataset: SAMPLE_DATASET,
    schema: SAMPLE_SCHEMA,
    query,
    format,
    sink,
    pageSize: 40,
    concurrency: 3,
    onProgress: (p) => progress.push(p.percent),
  });
  return { result, text: sink.text(), progress, portal, bytes: Buffer.concat(sink.chunks) };
}

describe('save/export', () => {
  it('CSV: RFC 4180 with CRLF, header once, every row parsed back equal', async () => {
    const total = 257;
    const { result, text, bytes } = await run('csv', total);
    assert.equal(result.rows, total);
    assert.equal(result.bytes, bytes.byteLength);
    assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.ok(text.startsWith('OBJECTID,Name,Units,Ratio,Reported,Permit_Date\r\n'));
    assert.ok(text.endsWith('\r\n'));
    assert.equal(text.split('OBJECTID,Name').length, 2, 'header appears once');
    const parsed = Papa.parse<string[]>(text.slice(0, -2), { newline: '\r\n' });
    assert.deepEqual(parsed.errors, []);
    const [header, ...records] = parsed.data;
    assert.equal(records.length, total);
    for (const [i, cells] of records.entries()) {
      const expected = expectedRecord(i);
      const asText = header.map((name) => (expected[name] === null ? '' : String(expected[name])));
      assert.deepEqual(cells, asText, `row ${i}`);
    }
  });

  it('CSV: byte-identical to one Papa.unparse of the whole table', async () => {
    const strings = ['plain', ' lead', 'trail ', '\tTab', 'x\u2028y', '\uFEFFbom', 'a,b', 'q"q', 'cr\rlf', '', ' ', '🚒', '\u202Eevil', 'NaN', '-0'];
    const portal = new MemoryPortal({ total: strings.length * 3, row: (i) => ({ attributes: { OBJECTID: i, Name: strings[i % strings.length], Units: i % 3 ? -i : null } }) });
    const { text } = await run('csv', strings.length * 3, {}, portal);
    const table = [['OBJECTID', 'Name', 'Units', 'Ratio', 'Reported', 'Permit_Date']];
    for (let i = 0; i < strings.length * 3; i++) table.push([String(i), strings[i % strings.length], i % 3 ? String(-i) : '', '', '', '']);
    assert.equal(text, Papa.unparse(table, { newline: '\r\n' }) + '\r\n');
  });

  it('CSV: the plain-save fast path writes the same bytes as the path that reports records', () => {
    const rows = Array.from({ length: 300 }, (_, i) => sampleRow(i));
    const lineSchema = { ...SAMPLE_SCHEMA, geometry: 'line' as const };
    const cases: [DatasetSchema, DatasetQuery][] = [[SAMPLE_SCHEMA, {}], [SAMPLE_SCHEMA, { returnGeometry: true }], [lineSchema, { returnGeometry: true }], [SAMPLE_SCHEMA, { fields: ['Name'] }]];
    for (const [schema, query] of cases) {
      const plan = planColumns('csv', schema, query);
      const fast = createEncoder('csv', plan);
      const observed = createEncoder('csv', plan, { onRecord: () => undefined });
      assert.equal(fast.start() + fast.page(rows), observed.start() + observed.page(rows), JSON.stringify(query));
    }
  });

  it('CSV with geometry requested adds longitude and latitude columns', async () => {
    const { text } = await run('csv', 30, { returnGeometry: true });
    const [header, ...records] = Papa.parse<string[]>(text.trimEnd(), { newline: '\r\n' }).data;
    assert.deepEqual(header.slice(-2), ['longitude', 'latitude']);
    for (const [i, cells] of records.entries()) {
      const g = sampleRow(i).geometry;
      const [lon, lat] = g ? (g.coordinates as number[]) : [null, null];
      assert.deepEqual(cells.slice(-2).map((c) => (c === '' ? null : Number(c))), [lon, lat]);
    }
  });

  it('JSON: one array of typed objects (numbers as numbers, dates ISO)', async () => {
    const total = 123;
    const { text, result } = await run('json', total);
    const records = JSON.parse(text) as Record<string, unknown>[];
    assert.equal(result.rows, total);
    assert.deepEqual(records, Array.from({ length: total }, (_, i) => expectedRecord(i)));
    assert.equal(typeof records[1].Units, 'number');
  });

  it('NDJSON: one typed object per line', async () => {
    const total = 95;
    const { text } = await run('ndjson', total);
    const lines = text.split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(lines.map((l) => JSON.parse(l)), Array.from({ length: total }, (_, i) => expectedRecord(i)));
  });

  it('GeoJSON: a FeatureCollection of WGS84 features with ids and typed properties', async () => {
    const total = 150;
    const { text, portal } = await run('geojson', total);
    const collection = JSON.parse(text) as { type: string; features: { type: string; id: unknown; geometry: unknown; properties: unknown }[] };
    assert.equal(collection.type, 'FeatureCollection');
    assert.equal(collection.features.length, total);
    for (const [i, feature] of collection.features.entries()) {
      assert.equal(feature.type, 'Feature');
      assert.equal(feature.id, i + 1);
      assert.deepEqual(feature.geometry, sampleRow(i).geometry ?? null);
      assert.deepEqual(feature.properties, expectedRecord(i));
    }
    assert.ok(portal.pageCalls.length > 0);
  });

  it('empty results still make valid files', async () => {
    assert.deepEqual(JSON.parse((await run('json', 0)).text), []);
    assert.deepEqual(JSON.parse((await run('geojson', 0)).text), { type: 'FeatureCollection', features: [] });
    assert.equal((await run('ndjson', 0)).text, '');
    assert.equal((await run('csv', 0)).text, 'OBJECTID,Name,Units,Ratio,Reported,Permit_Date\r\n');
  });

  it('refuses to write GeoJSON from coordinates that are not WGS84', async () => {
    const portal = new MemoryPortal({
      total: 5,
      row: (i) => ({ attributes: { OBJECTID: i + 1 }, geometry: { type: 'Point', coordinates: [2_100_000.5, 180_000.25] } }),
    });
    await assert.rejects(run('geojson', 5, {}, portal), /not in WGS84/);
  });

  it('keeps concurrency bounded, reports progress to 100%, and honours offset/limit itself', async () => {
    const { result, progress, portal, text } = await run('ndjson', 500, { offset: 10, limit: 205 });
    assert.equal(result.rows, 205);
    assert.ok(portal.maxInFlight <= 3 && portal.maxInFlight >= 2, `max in flight ${portal.maxInFlight}`);
    assert.equal(progress.at(-1), 100);
    assert.ok(progress.every((p, i) => i === 0 || p >= progress[i - 1]));
    assert.equal(JSON.parse(text.split('\n')[0]).OBJECTID, 11);
    assert.deepEqual(portal.pageCalls.map((c) => c.offset).sort((a, b) => a - b).slice(0, 2), [10, 50]);
  });

  it('fills pages a server capped below the page size, keeping order', async () => {
    const portal = new MemoryPortal({ total: 100, serverPageCap: 15 });
    const { text, result } = await run('ndjson', 100, {}, portal);
    assert.equal(result.rows, 100);
    assert.deepEqual(text.trimEnd().split('\n').map((l) => JSON.parse(l).OBJECTID), Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('fails when the rows sent differ from the count, or the count changes meanwhile', async () => {
    const short = new MemoryPortal({ total: 100, count: () => 120 });
    await assert.rejects(run('csv', 100, {}, short), (e: unknown) => e instanceof SaveError && e.kind === 'countMismatch');
    const growing = new MemoryPortal({ total: 100, count: (call) => (call === 0 ? 100 : 101) });
    await assert.rejects(run('csv', 100, {}, growing), (e: unknown) => e instanceof SaveError && e.kind === 'countMismatch' && /changed/.test(e.message));
  });

  it('stops at once when cancelled, and aborts the pages still in flight', async () => {
    const controller = new AbortController();
    const portal = new MemoryPortal({ total: 10_000, delayMs: () => 5 });
    const pending = exportDataset({
      portal, dataset: SAMPLE_DATASET, schema: SAMPLE_SCHEMA, query: {}, format: 'csv', sink: new MemorySink(),
      pageSize: 100, signal: controller.signal,
      onProgress: (p) => { if (p.rows >= 300) controller.abort(); },
    });
    await assert.rejects(pending, (e: unknown) => e instanceof SaveError && e.kind === 'cancelled');
    assert.ok(portal.pageCalls.length < 20, `${portal.pageCalls.length} page calls`);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(portal.inFlight, 0);
  });
});
