// Field names are portal data. `__proto__`, `constructor` and `toString` arrive as own keys
// (JSON.parse makes them so) and every save format must keep them, with their values, and
// must not read Object.prototype for a row that lacks them. Checked on the encoded text.

import assert from 'node:assert/strict';
import Papa from 'papaparse';
import { cellReader, ownCell } from '../../../src/portal/cells';
import type { DataRow, DatasetSchema } from '../../../src/portal/types';
import { createEncoder } from '../../../src/save/encoders';
import { planColumns, rowObject, type SaveFormat } from '../../../src/save/values';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

const SCHEMA: DatasetSchema = {
  fields: [{ name: 'OBJECTID', kind: 'oid', nativeType: 'esriFieldTypeOID' }, ...NAMES.map((name) => ({ name, kind: 'string' as const, nativeType: 'esriFieldTypeString' }))],
  geometry: 'point',
  objectIdField: 'OBJECTID',
  maxRecordCount: 1000,
};

// Parsed from text, the way a portal answer becomes rows: the names are own keys.
const ANSWER = '{"features":[' +
  '{"attributes":{"OBJECTID":1,"__proto__":"p1","constructor":"c1","toString":"t1","hasOwnProperty":"h1"},"geometry":{"type":"Point","coordinates":[-97.5,35.5]}},' +
  '{"attributes":{"OBJECTID":2,"__proto__":"\u202Ep2","toString":"=1+1"},"geometry":{"type":"Point","coordinates":[-97.4,35.4]}}' +
  ']}';

function rows(): DataRow[] {
  return (JSON.parse(ANSWER) as { features: DataRow[] }).features;
}

function encode(format: SaveFormat, page = rows()): string {
  const encoder = createEncoder(format, planColumns(format, SCHEMA, {}));
  return encoder.start() + encoder.page(page) + encoder.end();
}

// Key/value pairs, not object literals: a literal's `__proto__` key would set the prototype.
const EXPECTED: [string, unknown][][] = [
  [['OBJECTID', 1], ['__proto__', 'p1'], ['constructor', 'c1'], ['toString', 't1'], ['hasOwnProperty', 'h1']],
  [['OBJECTID', 2], ['__proto__', '\u202Ep2'], ['constructor', null], ['toString', '=1+1'], ['hasOwnProperty', null]],
];

/** Each record's own keys and values, in order, as JSON.parse reads them back. */
function entriesOf(records: Record<string, unknown>[]): [string, unknown][][] {
  return records.map((r) => Object.entries(r));
}

describe('save: fields named like Object.prototype members', () => {
  it('the test data really has __proto__ as an own key', () => {
    const [first] = rows();
    assert.ok(Object.prototype.hasOwnProperty.call(first.attributes, '__proto__'));
    assert.equal(Object.getPrototypeOf(first.attributes), Object.prototype);
  });

  it('JSON keeps every field, values included, and a missing one is null', () => {
    const parsed = JSON.parse(encode('json')) as Record<string, unknown>[];
    assert.deepEqual(entriesOf(parsed), EXPECTED);
  });

  it('NDJSON keeps every field', () => {
    const lines = encode('ndjson').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(entriesOf(lines), EXPECTED);
    assert.ok(encode('ndjson').includes('"__proto__":"p1"'), 'the written text has the field');
  });

  it('GeoJSON keeps every property', () => {
    const collection = JSON.parse(encode('geojson')) as { features: { properties: Record<string, unknown> }[] };
    assert.deepEqual(entriesOf(collection.features.map((f) => f.properties)), EXPECTED);
  });

  it('CSV has a column for each and reads nothing from the prototype', () => {
    const written = encode('csv');
    const parsed = Papa.parse<string[]>(written.trim()).data;
    assert.deepEqual(parsed[0], ['OBJECTID', ...NAMES]);
    assert.deepEqual(parsed[1], ['1', 'p1', 'c1', 't1', 'h1']);
    assert.deepEqual(parsed[2], ['2', '\u202Ep2', '', '=1+1', '']);
    assert.ok(!written.includes('native code'), 'a prototype function was written');
  });

  it('the CSV fast path takes these names and writes what the encoder writes', () => {
    const schema = { ...SCHEMA, geometry: 'none' as const };
    const encoder = createEncoder('csv', planColumns('csv', schema, {}));
    assert.ok(encoder.pageFromEsriJson, 'names like constructor keep the CSV fast path');
    const body = ANSWER.replace(/,"geometry":\{[^}]*\}\}/g, '}');
    const fast = new TextDecoder().decode(encoder.pageFromEsriJson(new TextEncoder().encode(body))!.bytes);
    assert.equal(fast, encoder.page((JSON.parse(body) as { features: DataRow[] }).features));
    assert.ok(fast.startsWith('1,p1,c1,t1,h1\r\n2,\u202Ep2,,=1+1,\r\n'), JSON.stringify(fast));
  });

  it('escaped formulas and bidi controls: the formula option prefixes, the bidi control stays as sent', () => {
    const schema = { ...SCHEMA, geometry: 'none' as const };
    const encoder = createEncoder('csv', planColumns('csv', schema, {}), { escapeFormulae: true });
    const written = encoder.start() + encoder.page(rows());
    assert.ok(written.includes(",'=1+1,"), written);
    assert.ok(written.includes('\u202Ep2'), 'the bidi control is kept as the portal sent it');
  });

  it('rowObject and the cell helpers: own keys only, __proto__ set as a field', () => {
    const row = { attributes: JSON.parse('{"__proto__":{"polluted":true},"a":1}') as DataRow['attributes'] };
    const plan = planColumns('json', { ...SCHEMA, fields: [{ name: '__proto__', kind: 'other', nativeType: 'x' }, { name: 'constructor', kind: 'other', nativeType: 'x' }] }, {});
    const object = rowObject(row, plan, false);
    assert.equal(Object.getPrototypeOf(object), Object.prototype);
    assert.deepEqual(Object.keys(object), ['__proto__', 'constructor']);
    assert.equal(object.constructor, null);
    assert.equal(ownCell(row.attributes, 'toString'), undefined);
    assert.equal(cellReader('constructor')(row.attributes), undefined);
    assert.equal(cellReader('a')(row.attributes), 1);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });
});
