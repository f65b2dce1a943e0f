// Which field the grid toolbar's typed filter field (layers too wide for a select) names.

import assert from 'node:assert/strict';
import type { GridColumn } from '../../../src/protocol';
import { fieldNamed } from '../../../src/webview/grid/fieldNames';

const columns: GridColumn[] = [
  { name: 'OBJECTID', label: 'OBJECTID', kind: 'oid' },
  { name: 'C0001', label: 'Column 1', kind: 'string' },
  { name: 'C0002', label: 'c0001', kind: 'double' },
  { name: '__proto__', label: '__proto__', kind: 'string' },
];

describe('grid toolbar: typed filter field', () => {
  it('takes a field name as it is, before a label that reads the same', () => {
    assert.equal(fieldNamed({ columns }, 'C0001'), 'C0001');
    assert.equal(fieldNamed({ columns }, 'c0001'), 'C0002');
  });

  it('takes a label, and either ignoring case and surrounding spaces', () => {
    assert.equal(fieldNamed({ columns }, 'Column 1'), 'C0001');
    assert.equal(fieldNamed({ columns }, '  column 1 '), 'C0001');
    assert.equal(fieldNamed({ columns }, 'objectid'), 'OBJECTID');
  });

  it('names no field for text that is none, and keeps odd field names', () => {
    assert.equal(fieldNamed({ columns }, 'Column 9'), undefined);
    assert.equal(fieldNamed({ columns }, ''), undefined);
    assert.equal(fieldNamed({ columns }, 'constructor'), undefined);
    assert.equal(fieldNamed({ columns }, '__proto__'), '__proto__');
  });
});
