import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DataRow, DatasetSchema } from '../../../src/portal/types';
import { NodeSaveFs } from '../../../src/save/nodeSaveFs';
import { parseSidecar } from '../../../src/save/provenance';
import { readSavedRecords } from '../../../src/save/readBack';
import { IdHashIndex, refreshSavedDataset, rowHash } from '../../../src/save/refresh';
import { saveDataset } from '../../../src/save/save';
import { SAVE_FORMATS, type SaveFormat } from '../../../src/save/values';
import { MemoryPortal, SAMPLE_DATASET, SAMPLE_SCHEMA, sampleRow } from './memoryPortal';

/** The dataset after an edit upstream: ids 1-10 deleted, every 7th row renamed, 25 new rows. */
function editedRows(): DataRow[] {
  const rows: DataRow[] = [];
  for (let i = 10; i < 300; i++) {
    const row = sampleRow(i);
    if (i % 7 === 0) rows.push({ ...row, attributes: { ...row.attributes, Name: `Renamed ${i}` } });
    else rows.push(row);
  }
  for (let i = 0; i < 25; i++) rows.push(sampleRow(1000 + i));
  return rows;
}

function portalOver(rows: DataRow[]): MemoryPortal {
  return new MemoryPortal({ total: rows.length, row: (i) => rows[i] });
}

describe('save/refresh', () => {
  let folder: string;
  const fs = new NodeSaveFs();
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'okc-refresh-test-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function saveOriginal(format: SaveFormat, schema: DatasetSchema = SAMPLE_SCHEMA) {
    const original = Array.from({ length: 300 }, (_, i) => sampleRow(i));
    return saveDataset({ portal: portalOver(original), fs, folder, dataset: SAMPLE_DATASET, schema, query: {}, format, pageSize: 64 });
  }

  // Rows changed: i in 10..299 with i % 7 === 0 -> 42 of them.
  const changedCount = Array.from({ length: 290 }, (_, k) => k + 10).filter((i) => i % 7 === 0).length;

  for (const format of SAVE_FORMATS) {
    it(`${format}: counts rows added, removed and changed, and rewrites file and sidecar`, async () => {
      const first = await saveOriginal(format);
      const edited = editedRows();
      const result = await refreshSavedDataset({ portal: portalOver(edited), fs, dataPath: first.path, pageSize: 50, schema: SAMPLE_SCHEMA });
      assert.deepEqual(
        { added: result.added, removed: result.removed, changed: result.changed, unchanged: result.unchanged, keyedBy: result.keyedBy },
        { added: 25, removed: 10, changed: changedCount, unchanged: 290 - changedCount, keyedBy: 'OBJECTID' },
      );
      assert.equal(result.previousRows, 300);
      assert.equal(result.rows, edited.length);
      assert.equal(result.editedSinceSave, false);
      assert.equal(result.columnsChanged, false);
      const sidecar = parseSidecar(await readFile(`${first.path}.okc.json`));
      assert.equal(sidecar.rows, edited.length);
      assert.notEqual(sidecar.sha256, first.sha256);
      assert.deepEqual((await readdir(folder)).length, 2);

      // Refreshing again with no upstream change reports nothing new.
      const again = await refreshSavedDataset({ portal: portalOver(edited), fs, dataPath: first.path, schema: SAMPLE_SCHEMA });
      assert.deepEqual([again.added, again.removed, again.changed, again.unchanged], [0, 0, 0, edited.length]);
    });
  }

  it('a dry run reports the diff and leaves both files untouched', async () => {
    const first = await saveOriginal('csv');
    const before = await readFile(first.path);
    const result = await refreshSavedDataset({ portal: portalOver(editedRows()), fs, dataPath: first.path, schema: SAMPLE_SCHEMA, apply: false });
    assert.equal(result.applied, false);
    assert.equal(result.added, 25);
    assert.deepEqual(await readFile(first.path), before);
    assert.deepEqual((await readdir(folder)).sort(), ['Fire Stations.csv', 'Fire Stations.csv.okc.json']);
  });

  it('without an object id column it matches rows by content', async () => {
    const first = await saveDataset({
      portal: portalOver(Array.from({ length: 300 }, (_, i) => sampleRow(i))), fs, folder, dataset: SAMPLE_DATASET,
      schema: SAMPLE_SCHEMA, query: { fields: ['Name', 'Units', 'Ratio'] }, format: 'ndjson',
    });
    const result = await refreshSavedDataset({ portal: portalOver(editedRows()), fs, dataPath: first.path, schema: SAMPLE_SCHEMA });
    assert.equal(result.keyedBy, undefined);
    assert.equal(result.changed, 0);
    assert.equal(result.added, 25 + changedCount);
    assert.equal(result.removed, 10 + changedCount);
  });

  it('notices a data file edited by hand since the save', async () => {
    const first = await saveOriginal('ndjson');
    const text = await readFile(first.path, 'utf8');
    await writeFile(first.path, text.split('\n').slice(1).join('\n'));
    const result = await refreshSavedDataset({ portal: portalOver(Array.from({ length: 300 }, (_, i) => sampleRow(i))), fs, dataPath: first.path, schema: SAMPLE_SCHEMA, apply: false });
    assert.equal(result.editedSinceSave, true);
    assert.equal(result.added, 1);
  });

  it('says when the columns changed since the save', async () => {
    const first = await saveOriginal('json');
    const wider = { ...SAMPLE_SCHEMA, fields: [...SAMPLE_SCHEMA.fields, { name: 'Extra', kind: 'string' as const, nativeType: 'esriFieldTypeString' }] };
    const result = await refreshSavedDataset({ portal: portalOver(Array.from({ length: 300 }, (_, i) => sampleRow(i))), fs, dataPath: first.path, schema: wider });
    assert.equal(result.columnsChanged, true);
    assert.deepEqual([result.added, result.removed, result.changed], [0, 0, 300]);
    assert.deepEqual(parseSidecar(await readFile(`${first.path}.okc.json`)).schema.fields.at(-1)?.name, 'Extra');
  });

  it('refuses a file without a sidecar', async () => {
    await writeFile(path.join(folder, 'plain.csv'), 'a,b\r\n');
    await assert.rejects(refreshSavedDataset({ portal: portalOver([]), fs, dataPath: path.join(folder, 'plain.csv') }), /no provenance/);
  });

  it('reads CSV records across chunk boundaries, multi-byte characters included', async () => {
    const csv = Buffer.from('OBJECTID,Name\r\n1,"a\r\nb"\r\n2,Ōklahoma 🚒\r\n3,""\r\n', 'utf8');
    async function* oneByteChunks() {
      for (const byte of csv) yield Uint8Array.of(byte);
    }
    const seen: [unknown, string][] = [];
    await readSavedRecords('csv', oneByteChunks(), 'OBJECTID', (id, canonical) => seen.push([id, canonical]));
    assert.deepEqual(seen, [[1, '["1","a\\r\\nb"]'], [2, '["2","Ōklahoma 🚒"]'], [3, '["3",""]']]);
  });

  it('the id index handles unsorted, duplicate and non-numeric ids', () => {
    const unsorted = new IdHashIndex();
    const ids = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    for (const id of ids) unsorted.add(id, id * 10);
    unsorted.add(42, 999);
    unsorted.seal();
    assert.equal(unsorted.take(42), 420);
    assert.equal(unsorted.take(42), 999, 'the duplicate is its own entry');
    assert.equal(unsorted.take(42), undefined);
    assert.equal(unsorted.take(4999), 49990);
    assert.equal(unsorted.take(5000), undefined);
    assert.equal(unsorted.take('7'), undefined);
    assert.equal(unsorted.remaining(), 4998);

    const mixed = new IdHashIndex();
    mixed.add(1, 11);
    mixed.add('{ABC-GUID}', 22);
    mixed.add(3, 33);
    mixed.seal();
    assert.deepEqual([mixed.take('{ABC-GUID}'), mixed.take(1), mixed.take(2)], [22, 11, undefined]);
    assert.equal(mixed.remaining(), 1);
  });

  it('rowHash spreads similar texts apart', () => {
    const hashes = new Set(Array.from({ length: 10_000 }, (_, i) => rowHash(`{"OBJECTID":${i},"Name":"x"}`)));
    assert.equal(hashes.size, 10_000);
    assert.ok([...hashes].every((h) => Number.isSafeInteger(h) && h >= 0));
  });
});
