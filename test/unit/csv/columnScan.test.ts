import assert from 'node:assert/strict';
import { scanColumn } from '../../../src/csv/columnScan';
import { memorySource } from '../../../src/csv/source';
import { dialectOf, readAll } from './helpers';
import type { CsvDialect } from '../../../src/csv/dialect';

async function columnOf(data: string | Uint8Array, dialect: CsvDialect, column: number, chunkSize?: number): Promise<(string | number | null)[]> {
  const values: (string | number | null)[] = [];
  const rows = await scanColumn(memorySource(data), dialect, column, (v) => values.push(v), { chunkSize });
  assert.equal(rows, values.length);
  return values;
}

describe('csv column scan', () => {
  it('gives one column of every data row, quotes removed, short rows as null', async () => {
    const text = 'id,name,note\n1,"Smith, J","said ""hi""\nthen left"\n\n2,Lee\n3,"Ng" ,x\r\n4,,last';
    const dialect = dialectOf({ hasHeader: true });
    assert.deepEqual(await columnOf(text, dialect, 0), ['1', '2', '3', '4']);
    assert.deepEqual(await columnOf(text, dialect, 1), ['Smith, J', 'Lee', 'Ng', '']);
    assert.deepEqual(await columnOf(text, dialect, 2), ['said "hi"\nthen left', null, 'x', 'last']);
  });

  it('splits rows and fields exactly as the preview reads them, at every chunk size', async () => {
    // The preview's own reader (row index + papaparse window) is the oracle.
    let seed = 5;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = ['ab', ',', ';', '"', '""', '\n', '\r\n', '\r', ' ', 'x', 'é', '"', ','];
    let compared = 0;
    for (let t = 0; t < 600; t++) {
      let text = '';
      for (let i = 1 + Math.floor(random() * 40); i > 0; i--) text += alphabet[Math.floor(random() * alphabet.length)];
      const dialect = dialectOf({ delimiter: t % 4 === 0 ? ';' : ',', hasHeader: t % 3 === 0 });
      const { rows, index } = await readAll(text, dialect);
      // A quote left open at the end is cut at a line break by the index; the profile keeps it whole.
      if (index.issues.some((issue) => issue.kind === 'unterminated-quote')) continue;
      for (let column = 0; column < 3; column++) {
        const expected = rows.map((row) => (column < row.length ? row[column] : null));
        assert.deepEqual(await columnOf(text, dialect, column, 1 + (t % 9) * 3), expected, `${JSON.stringify(text)} column ${column}`);
      }
      compared++;
    }
    assert.ok(compared > 300, `${compared} compared`);
  });

  it('hands plain decimals over as the same numbers Number() reads, and everything else as text', async () => {
    const cells = ['0', '-12', '+7', '3.25', '.5', '5.', '-0.001', '123456789012345', '1234567890123456', '1e3', '0x10', ' 4', '', '1.2.3', '-', '.', '99.99', '0.1', '2.675'];
    let seed = 9;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 500; k++) cells.push((random() * 10 ** Math.floor(random() * 12) * (random() < 0.5 ? -1 : 1)).toFixed(Math.floor(random() * 7)));
    const values: (string | number | null)[] = [];
    await scanColumn(memorySource(cells.join('\n') + '\n'), dialectOf(), 0, (v) => values.push(v), { numbers: true });
    const nonEmpty = cells.filter((c) => c !== '');
    assert.equal(values.length, nonEmpty.length);
    nonEmpty.forEach((cell, k) => {
      const plain = /^[-+]?(\d+\.?\d*|\.\d+)$/.test(cell) && cell.replace(/\D/g, '').length <= 15;
      if (plain) assert.ok(Object.is(values[k], Number(cell)), `${cell} read as ${values[k]}`);
      else assert.equal(values[k], cell);
    });
  });

  it('reads UTF-16 and windows-1252 files through the same scanner', async () => {
    const text = 'name,city\n"Ωmega","Tulsa, OK"\n😀,x\n';
    const le = new Uint8Array([0xff, 0xfe, ...new Uint8Array(Buffer.from(text, 'utf16le'))]);
    assert.deepEqual(await columnOf(le, dialectOf({ encoding: 'utf-16le', bom: 2, hasHeader: true }), 1, 7), ['Tulsa, OK', 'x']);
    const cp1252 = new Uint8Array([...Buffer.from('a,b\ncaf'), 0xe9, 0x2c, 0x93, 0x71, 0x94, 0x0a]);
    assert.deepEqual(await columnOf(cp1252, dialectOf({ encoding: 'windows-1252', hasHeader: true }), 0, 5), ['café']);
    assert.deepEqual(await columnOf(cp1252, dialectOf({ encoding: 'windows-1252', hasHeader: true }), 1, 5), ['\u201cq\u201d']);
  });

  it('reads a record longer than the chunk size, and stops on abort', async () => {
    const long = 'x'.repeat(5000);
    assert.deepEqual(await columnOf(`a,b\n1,"${long}"\n2,y`, dialectOf({ hasHeader: true }), 1, 64), [long, 'y']);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(scanColumn(memorySource('a\n1\n'), dialectOf(), 0, () => undefined, { signal: controller.signal }));
  });
});
