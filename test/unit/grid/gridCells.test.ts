// Host-side cell handling: display cuts, a wide grid's column windows, clipboard CSV, local
// sorting and filter typing.

import assert from 'node:assert/strict';
import Papa from 'papaparse';
import { MAX_WINDOW_COLUMNS, cleanQuery, cutCell, cutRows, pickColumns, rowsToCsv, sortRowsLocally, toFieldFilters, windowColumns } from '../../../src/preview/gridCells';
import type { GridColumn } from '../../../src/protocol';

const columns: GridColumn[] = [
  { name: 'OBJECTID', label: 'OBJECTID', kind: 'oid' },
  { name: 'Amount', label: 'Amount', kind: 'double' },
  { name: 'Title', label: 'Title', kind: 'string' },
  { name: 'RecordedAt', label: 'Recorded', kind: 'date' },
];

describe('grid cells on the host', () => {
  it('cuts long text for display and says which cells were cut', () => {
    const huge = 'A'.repeat(10 * 1024 * 1024);
    const { rows, cut } = cutRows([[1, huge, null], [2, 'short', 3]], 500);
    assert.equal((rows[0][1] as string).length, 500);
    assert.deepEqual(cut, [[0, 1]]);
    assert.deepEqual(rows[1], [2, 'short', 3]);
  });

  it('never splits a surrogate pair', () => {
    const text = 'a'.repeat(9) + '😀' + 'b';
    const { value, cut } = cutCell(text, 10);
    assert.equal(cut, true);
    assert.equal(value, 'a'.repeat(9));
  });

  it('writes CSV that papaparse reads back to the same cells, quotes and line breaks included', () => {
    const rows = [
      [1, 'Line\r\nBreak,"quoted",cell', null],
      [2, '<script>alert(1)</script>', true],
    ];
    const csv = rowsToCsv(['id', 'text', 'flag'], rows);
    const back = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
    assert.deepEqual(back, [['id', 'text', 'flag'], ['1', 'Line\r\nBreak,"quoted",cell', ''], ['2', '<script>alert(1)</script>', 'true']]);
  });

  it('sorts loaded rows locally as the portal does: numbers numerically, nulls lowest, text case-insensitively, stable', () => {
    const rows = [[1, 10], [2, null], [3, 9], [4, 10], [5, 100]];
    assert.deepEqual(sortRowsLocally(rows, 1, false).map((r) => r[0]), [2, 3, 1, 4, 5]);
    assert.deepEqual(sortRowsLocally(rows, 1, true).map((r) => r[0]), [5, 1, 4, 3, 2]);
    assert.deepEqual(sortRowsLocally([['b'], ['a9'], ['A10'], ['B']], 0, false).map((r) => r[0]), ['A10', 'a9', 'b', 'B']);
  });

  it('types filter values by field kind and wraps a plain like in wildcards', () => {
    assert.deepEqual(toFieldFilters([{ field: 'Amount', op: '>', value: ' 12.5 ' }], columns), [{ field: 'Amount', op: '>', value: 12.5 }]);
    assert.deepEqual(toFieldFilters([{ field: 'Title', op: 'like', value: 'Permit' }], columns), [{ field: 'Title', op: 'like', value: '%Permit%' }]);
    assert.deepEqual(toFieldFilters([{ field: 'Title', op: 'is null', value: 'x' }], columns), [{ field: 'Title', op: 'is null' }]);
    assert.throws(() => toFieldFilters([{ field: 'Amount', op: '=', value: 'abc' }], columns), /not a number/);
    assert.throws(() => toFieldFilters([{ field: 'Nope', op: '=', value: '1' }], columns), /no field/);
  });

  it('drops malformed sort keys and filters sent by a webview', () => {
    const clean = cleanQuery(
      {
        sort: [{ field: 'Amount', descending: 'yes' }, { field: 'Evil); DROP' }, null],
        filters: [{ field: 'Title', op: '=', value: 'x' }, { field: 'Title', op: 'OR 1=1', value: 'x' }, { field: 'Title', op: '=', value: { toString: 1 } }],
      },
      columns,
    );
    assert.deepEqual(clean.sort, [{ field: 'Amount', descending: false }]);
    assert.deepEqual(clean.filters, [{ field: 'Title', op: '=', value: 'x' }, { field: 'Title', op: '=', value: undefined }]);
  });

  it('keeps of a webview\'s column window only whole indexes of existing columns, each once, in order', () => {
    assert.equal(windowColumns(undefined, 10), undefined);
    assert.equal(windowColumns('0,1', 10), undefined);
    assert.deepEqual(windowColumns([5, 0, 5, 2.5, -1, 10, '3', 9], 10), [0, 5, 9]);
    assert.equal(windowColumns([...Array(5000).keys()], 5000)!.length, MAX_WINDOW_COLUMNS);
  });

  it('sends of each row only the cells of the window\'s columns, and cuts are counted in them', () => {
    const rows = [[1, 'a', 'b', 'c'], [2, 'd']];
    assert.equal(pickColumns(rows, undefined), rows);
    assert.deepEqual(pickColumns(rows, [0, 3]), [[1, 'c'], [2, null]]);
    const { cut } = cutRows(pickColumns([[1, 'short', 'x'.repeat(600)]], [0, 2]), 500);
    assert.deepEqual(cut, [[0, 1]]);
  });
});
