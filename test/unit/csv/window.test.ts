import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sniffDialect } from '../../../src/csv/dialect';
import { buildRowIndex } from '../../../src/csv/rowIndex';
import { memorySource, nodeFileSource, type RandomAccessSource } from '../../../src/csv/source';
import { readHeader, readRows } from '../../../src/csv/window';
import { dialectOf, indexText } from './helpers';

const rowsText = (n: number) => 'id,label\n' + Array.from({ length: n }, (_, i) => `${i},"label ${i}${i % 7 === 0 ? '\nsecond line' : ''}"`).join('\n') + '\n';
const expectedRow = (i: number) => [String(i), `label ${i}${i % 7 === 0 ? '\nsecond line' : ''}`];

describe('csv window reader', () => {
  it('reads windows at the start, middle and end', async () => {
    const { source, index, dialect } = await indexText(rowsText(1000), dialectOf({ hasHeader: true }), { chunkSize: 777 });
    assert.equal(index.rowCount, 1000);
    for (const [first, count] of [[0, 10], [495, 10], [990, 10]]) {
      const window = await readRows(source, index, dialect, first, count);
      assert.equal(window.firstRow, first);
      assert.deepEqual(window.rows, Array.from({ length: count }, (_, k) => expectedRow(first + k)));
      assert.deepEqual(window.errors, []);
    }
    assert.deepEqual(await readHeader(source, index, dialect), ['id', 'label']);
  });

  it('clips windows past the end and before the start', async () => {
    const { source, index, dialect } = await indexText(rowsText(20), dialectOf({ hasHeader: true }));
    assert.deepEqual((await readRows(source, index, dialect, 18, 10)).rows, [expectedRow(18), expectedRow(19)]);
    assert.deepEqual((await readRows(source, index, dialect, 25, 10)).rows, []);
    const before = await readRows(source, index, dialect, -5, 2);
    assert.equal(before.firstRow, 0);
    assert.deepEqual(before.rows, [expectedRow(0), expectedRow(1)]);
    assert.deepEqual((await readRows(source, index, dialect, 3, 0)).rows, []);
  });

  it('keeps empty and ragged cells as they are', async () => {
    const { source, index, dialect } = await indexText('a,b,c\n,,\n1\n1,2,3,4\n');
    const window = await readRows(source, index, dialect, 0, 10);
    assert.deepEqual(window.rows, [['a', 'b', 'c'], ['', '', ''], ['1'], ['1', '2', '3', '4']]);
  });

  it('reports a malformed quote on its own row without shifting the others', async () => {
    const { source, index, dialect } = await indexText('a,b\n"x"y,1\n2,3\n', dialectOf());
    const window = await readRows(source, index, dialect, 0, 10);
    // The quote never closes, so its row ends at its own line break and the next row is intact.
    assert.deepEqual(window.rows, [['a', 'b'], ['x"y,1'], ['2', '3']]);
    assert.ok(window.errors.length > 0);
    assert.ok(window.errors.every((e) => e.row === 1), JSON.stringify(window.errors));
    assert.deepEqual(index.issues.map((i) => [i.kind, i.row]), [['unterminated-quote', 1]]);
  });

  it('cuts a row longer than maxRowBytes and says so', async () => {
    const { source, index, dialect } = await indexText(`a,"${'x'.repeat(5000)}"\nb,c\n`);
    const window = await readRows(source, index, dialect, 0, 2, { maxRowBytes: 100 });
    assert.equal(window.rows[0][1].length, 100 - 3);
    assert.deepEqual(window.rows[1], ['b', 'c']);
    assert.ok(window.errors.some((e) => e.row === 0 && /only its first/.test(e.message)));
  });

  it('reads only rows already indexed while indexing runs', async () => {
    const inner = memorySource(rowsText(300));
    // Holds every indexing read after the second until released, so indexing pauses mid-file.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    const source: RandomAccessSource = {
      size: () => inner.size(),
      read: async (offset, length) => {
        if (offset % 128 === 0 && length === 128 && ++reads > 2) await gate;
        return inner.read(offset, length);
      },
    };
    const dialect = dialectOf({ hasHeader: true });
    const { index, done } = buildRowIndex(source, dialect, { chunkSize: 128, firstChunkSize: 128 });
    await index.waitForRows(5);
    const partial = index.rowCount;
    assert.ok(partial >= 5 && !index.complete);
    const window = await readRows(source, index, dialect, 0, 1000);
    assert.equal(window.rows.length, partial);
    assert.deepEqual(window.rows[partial - 1], expectedRow(partial - 1));
    release();
    await done;
    assert.equal(index.rowCount, 300);
  });

  it('works end to end on a file through nodeFileSource', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'okc-csv-'));
    const path = join(dir, 'data.tsv');
    try {
      await writeFile(path, '\uFEFFward\tname\tpopulation\n1\t"North\tside"\t51000\n2\tSouth\t48000\n');
      const source = nodeFileSource(path);
      try {
        const dialect = await sniffDialect(source);
        assert.deepEqual(dialect, { delimiter: '\t', quote: '"', hasHeader: true, encoding: 'utf-8', bom: 3 });
        const index = await buildRowIndex(source, dialect).done;
        assert.equal(index.rowCount, 2);
        assert.deepEqual(await readHeader(source, index, dialect), ['ward', 'name', 'population']);
        assert.deepEqual((await readRows(source, index, dialect, 0, 5)).rows, [['1', 'North\tside', '51000'], ['2', 'South', '48000']]);
      } finally {
        await source.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('issues a read into a buffer before readInto returns, so it runs while the caller works on', async function () {
    // The row index starts reading the next chunk and then scans this one without yielding; a read
    // put off to a later tick would only start once the scan is over.
    this.timeout(20_000);
    const dir = await mkdtemp(join(tmpdir(), 'okc-csv-'));
    const path = join(dir, 'data.csv');
    try {
      await writeFile(path, 'x'.repeat(4096));
      const source = nodeFileSource(path);
      try {
        assert.equal(await source.size(), 4096); // opens the file
        const target = new Uint8Array(4096);
        const read = source.readInto!(0, target);
        // Busy, without yielding, until the bytes land (the read runs on libuv's threads) or 10 s pass.
        const deadline = performance.now() + 10_000;
        while (target[4095] === 0 && performance.now() < deadline);
        assert.equal(target[4095], 0x78, 'the read did not run while the caller was busy');
        assert.equal(await read, 4096);
      } finally {
        await source.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
