// The CSV save's fast path must write exactly what parsing the page and encoding its rows
// writes, and must hand every page it does not fully understand back to that ordinary
// path. Generated pages (seeded) hold the first; hand-made bodies the second.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { esriFieldKind } from '../../../src/portal/hub';
import type { DataRow, DatasetSchema, FieldKind } from '../../../src/portal/types';
import { createEncoder, type StreamEncoder } from '../../../src/save/encoders';
import { planColumns } from '../../../src/save/values';

/** Mulberry32: a small seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS: FieldKind[] = ['oid', 'integer', 'double', 'date', 'string', 'other'];

function schemaOf(fields: [string, FieldKind][]): DatasetSchema {
  return {
    fields: fields.map(([name, kind]) => ({ name, kind, nativeType: `esriFieldType-${kind}` })),
    geometry: 'none',
    objectIdField: fields.find(([, kind]) => kind === 'oid')?.[0],
    maxRecordCount: 2000,
  };
}

const STRINGS = [
  'plain', '', ' ', ' lead', 'trail ', 'a,b', 'q"q', 'back\\slash', 'cr\rlf\n', 'tab\there', 'x\u2028y', '\uFEFFbom', 'é café',
  '🚒 engine', '\u202Eevil', '=SUM(A1)', '-12', '12', ' 7 ', '1e5', 'NaN', 'null', 'Apr 11, 2023', '2023-04-11', '04/11/2023 4:12 PM',
  '1700000000000', '<script>alert(1)</script>', '\u0000nul', 'ü\u0301', 'x'.repeat(300),
];
const NUMBERS = [
  0, -0, 1, -1, 42, 1234.5, 0.1, 0.000001, 0.0000001, 1e21, 1e-7, 123456789012345, 1234567890123456, 9007199254740993, -98.12345678901234,
  5e-324, Number.MAX_VALUE, 1700000000000, -62167219200000, -62167219200001, 253402300799999, 253402300800000, 1700000000000.5, 86399999,
];

/** Number spellings JSON allows that are not JavaScript's own: String(Number(text)) differs. */
const SPELLED_NUMBERS = [
  '0.30000000000000001', '1.10', '100.0', '0.00000010', '0.0000001', '0.000001', '-0.0000005', '1E2', '-0.0', '-0', '123456789012345678',
  '0.1000000000000000055511151231257827', '12345678901234.56', '1234567890123.4567', '99999999999999999999999', '2e-7', '7.0e0',
];

class Spelled {
  constructor(readonly text: string) {}
}

function randomValue(random: () => number): unknown {
  const r = random();
  if (r < 0.08) return new Spelled(SPELLED_NUMBERS[Math.floor(random() * SPELLED_NUMBERS.length)]);
  if (r < 0.35) return STRINGS[Math.floor(random() * STRINGS.length)];
  if (r < 0.75) return NUMBERS[Math.floor(random() * NUMBERS.length)];
  if (r < 0.85) return null;
  if (r < 0.9) return random() < 0.5;
  return Math.floor(random() * 2e12) - 1e11;
}

/** JSON text with the formatting freedoms a portal has: spacing, \u escapes, number
 * spellings JSON allows (exponents, trailing zeros). */
function spell(value: unknown, random: () => number): string {
  if (value instanceof Spelled) return value.text;
  if (typeof value === 'string') {
    let text = JSON.stringify(value);
    if (random() < 0.3) text = text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (random() < 0.1) text = text.replace(/\//g, '\\/');
    return text;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    const r = random();
    if (r < 0.1 && Number.isInteger(value) && Math.abs(value) < 1e15 && value !== 0) return `${value}.0`;
    if (r < 0.2) return value.toExponential();
    if (r < 0.25 && Object.is(value, -0)) return '-0';
    return JSON.stringify(value);
  }
  return JSON.stringify(value) ?? 'null';
}

interface GeneratedPage {
  text: string;
  rows: DataRow[];
}

function generatePage(random: () => number, names: string[], rowCount: number): GeneratedPage {
  const pretty = random() < 0.2;
  const sp = pretty ? ' ' : '';
  const nl = pretty ? '\n  ' : '';
  const rows: DataRow[] = [];
  const features: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    const entries: [string, unknown][] = [];
    for (const name of names) if (random() > 0.05) entries.push([name, randomValue(random)]);
    if (random() < 0.1) entries.push(['NotSaved', randomValue(random)]);
    if (random() < 0.15) entries.sort(() => random() - 0.5);
    if (random() < 0.03 && entries.length) entries.push([entries[0][0], randomValue(random)]);
    const body = entries
      .map(([k, v]) => `${random() < 0.05 ? JSON.stringify(k).replace(/[A-Z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : JSON.stringify(k)}:${sp}${spell(v, random)}`)
      .join(`,${sp}`);
    const shape = random();
    if (shape < 0.02) {
      features.push('{}');
      rows.push({ attributes: {} });
    } else if (shape < 0.04) {
      features.push('{"attributes":null}');
      rows.push({ attributes: {} });
    } else {
      features.push(`{${sp}"attributes"${sp}:${sp}{${body}}${sp}}`);
      rows.push({ attributes: JSON.parse(`{${body}}`) as DataRow['attributes'] });
    }
  }
  const head = `{${nl}"objectIdFieldName":${sp}"OBJECTID",${nl}"fields":${sp}[{"name":"OBJECTID","type":"esriFieldTypeOID"}],${nl}"features":${sp}[`;
  const tail = `]${random() < 0.5 ? `,${nl}"exceededTransferLimit":${sp}true` : ''}${nl}}`;
  return { text: head + features.join(`,${nl}`) + tail, rows };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (page: { bytes: Uint8Array } | undefined) => (page ? new TextDecoder().decode(page.bytes) : undefined);

function encoderFor(fields: [string, FieldKind][]): StreamEncoder {
  return createEncoder('csv', planColumns('csv', schemaOf(fields), {}));
}

/** The repository's test/unit/save/samples, from the bundled test in out/. */
const SAMPLES = path.resolve(__dirname, '../../../../test/unit/save/samples');

describe('save/esriJsonCsv: the CSV fast path', () => {
  it('reads real FeatureServer answers as parsing does, and hands back the ones with geometry', () => {
    const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 6);
    for (const file of files) {
      const original = readFileSync(path.join(SAMPLES, file), 'utf8');
      const answer = JSON.parse(original) as { fields: { name: string; type: string }[]; features: { attributes: DataRow['attributes']; geometry?: unknown }[] };
      const encoder = createEncoder('csv', planColumns('csv', schemaOf(answer.fields.map((f) => [f.name, esriFieldKind(f.type)])), {}));
      const rows = answer.features.map((f) => ({ attributes: f.attributes }));
      const withGeometry = answer.features.some((f) => f.geometry !== undefined);
      const asIs = encoder.pageFromEsriJson!(bytes(original));
      if (withGeometry) assert.equal(asIs, undefined, `${file}: geometry is left to the parsing path`);
      else assert.equal(text(asIs), encoder.page(rows), file);
      // As the save asks for it: the same answer without geometry, in the file's own layout.
      for (const feature of answer.features) delete feature.geometry;
      const indent = /^\{\s*\n(\s*)"/.exec(original)?.[1] ?? '';
      const fast = encoder.pageFromEsriJson!(bytes(JSON.stringify(answer, null, indent)));
      assert.ok(fast, `${file}: the fast path took it`);
      assert.equal(text(fast), encoder.page(rows), file);
    }
  });


  it('writes byte for byte what parsing and encoding write, over generated pages', () => {
    let converted = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const random = rng(seed);
      const count = 1 + Math.floor(random() * 7);
      const fields: [string, FieldKind][] = Array.from({ length: count }, (_, i) => [i === 0 ? 'OBJECTID' : `Field${i}`, i === 0 ? 'oid' : KINDS[Math.floor(random() * KINDS.length)]]);
      const encoder = encoderFor(fields);
      const page = generatePage(random, fields.map(([name]) => name), 1 + Math.floor(random() * 40));
      // A single column quotes every cell, which the fast path leaves to the encoder.
      if (count === 1) {
        assert.equal(encoder.pageFromEsriJson, undefined);
        continue;
      }
      const fast = encoder.pageFromEsriJson!(bytes(page.text));
      assert.ok(fast, `seed ${seed}: the fast path took the page`);
      assert.equal(fast.rows, page.rows.length, `seed ${seed}`);
      assert.equal(text(fast), encoder.page(page.rows), `seed ${seed}`);
      converted++;
    }
    assert.ok(converted > 200, `${converted} pages went through the fast path`);
  });

  it('reads pretty-printed pages, a byte order mark and escaped keys', () => {
    const encoder = encoderFor([['OBJECTID', 'oid'], ['Name', 'string'], ['When', 'date']]);
    const compact = '{"features":[{"attributes":{"OBJECTID":1,"Name":"a","When":0}}]}';
    const expected = '1,a,1970-01-01T00:00:00.000Z\r\n';
    assert.equal(text(encoder.pageFromEsriJson!(bytes(compact))), expected);
    const pretty = '\uFEFF{\n  "features" : [ {\r\n "attributes" :\t{ "OBJECTID" : 1 , "N\\u0061me" : "a" , "When" : 0 } } ]\n}\n';
    assert.equal(text(encoder.pageFromEsriJson!(bytes(pretty))), expected);
  });

  it('keeps the last of repeated keys and attributes members, as JSON.parse does', () => {
    const encoder = encoderFor([['OBJECTID', 'oid'], ['Name', 'string']]);
    const page = '{"features":[{"attributes":{"OBJECTID":1,"Name":"first","Name":"second"}},{"attributes":{"OBJECTID":2},"attributes":{"OBJECTID":3,"Name":"x"}},{"attributes":{"OBJECTID":4},"attributes":null}]}';
    assert.equal(text(encoder.pageFromEsriJson!(bytes(page))), '1,second\r\n3,x\r\n,\r\n');
  });

  it('writes an empty page as no records', () => {
    const encoder = encoderFor([['OBJECTID', 'oid'], ['Name', 'string']]);
    const page = encoder.pageFromEsriJson!(bytes('{"objectIdFieldName":"OBJECTID","features":[],"exceededTransferLimit":false}'));
    assert.deepEqual({ rows: page?.rows, text: text(page) }, { rows: 0, text: '' });
  });

  it('hands back every page it does not fully understand', () => {
    const encoder = encoderFor([['OBJECTID', 'oid'], ['Name', 'string']]);
    const refused = [
      '{"features":[{"attributes":{"OBJECTID":1,"Name":{"nested":true}}}]}',
      '{"features":[{"attributes":{"OBJECTID":1,"Name":["a"]}}]}',
      '{"features":[{"attributes":{"OBJECTID":1},"geometry":{"x":1,"y":2}}]}',
      '{"error":{"code":400,"message":"Invalid query"},"features":[]}',
      '{"features":[]}{"features":[]}',
      '{"features":[],"features":[{"attributes":{"OBJECTID":1}}]}',
      '{"feat\\u0075res":[],"features":[]}',
      '{"count":3}',
      '[]',
      '<html><body>Access denied</body></html>',
      '{"features":[{"attributes":{"OBJECTID":01}}]}',
      '{"features":[{"attributes":{"OBJECTID":1.}}]}',
      '{"features":[{"attributes":{"OBJECTID":-}}]}',
      '{"features":[{"attributes":{"OBJECTID":1e}}]}',
      '{"features":[{"attributes":{"OBJECTID":1,"Name":"bad \\x escape"}}]}',
      '{"features":[{"attributes":{"OBJECTID":1,"Name":"raw\ttab"}}]}',
      '{"features":[{"attributes":{"OBJECTID":1,"Name":tru}}]}',
      '{"features":[{"attributes":{"OBJECTID":1,}}]}',
      '{"features":[{"attributes":{"OBJECTID":1}},]}',
      '{"features":[{"attributes":{"OBJECTID":1}}],"fields":[}',
      '{"features":[{"attributes":{"OBJECTID" 1}}]}',
      '{"features":[{"attributes":{"OBJECTID":1}}]',
    ];
    for (const body of refused) assert.equal(encoder.pageFromEsriJson!(bytes(body)), undefined, body);
  });

  it('refuses a body cut at any point', () => {
    const encoder = encoderFor([['OBJECTID', 'oid'], ['Name', 'string'], ['Amount', 'double']]);
    const whole = '{"objectIdFieldName":"OBJECTID","features":[{"attributes":{"OBJECTID":1,"Name":"a \\"b\\"","Amount":12.5}},{"attributes":{"OBJECTID":2,"Name":"ç","Amount":null}}],"exceededTransferLimit":true}';
    const body = bytes(whole);
    assert.ok(encoder.pageFromEsriJson!(body));
    for (let cut = 0; cut < body.length; cut++) {
      assert.equal(encoder.pageFromEsriJson!(body.subarray(0, cut)), undefined, `cut at ${cut}`);
    }
  });

  it('leaves saves that need more than cell text to the encoder', () => {
    const schema = schemaOf([['OBJECTID', 'oid'], ['Name', 'string']]);
    const page = bytes('{"features":[{"attributes":{"OBJECTID":1,"Name":"=1+1"}}]}');
    assert.ok(createEncoder('csv', planColumns('csv', schema, {})).pageFromEsriJson!(page));
    // Without the fast path the save does not even ask for raw pages.
    const without = [
      createEncoder('csv', planColumns('csv', schema, {}), { escapeFormulae: true }),
      createEncoder('csv', planColumns('csv', schema, {}), { onRecord: () => undefined }),
      createEncoder('csv', planColumns('csv', schema, { fields: ['Name', 'Name'] })),
      createEncoder('csv', planColumns('csv', { ...schema, geometry: 'point' }, { returnGeometry: true })),
      createEncoder('json', planColumns('json', schema, {})),
    ];
    for (const [i, encoder] of without.entries()) assert.equal(encoder.pageFromEsriJson, undefined, `case ${i}`);
  });

  it('writes pages bigger than its first buffer', () => {
    const encoder = encoderFor([['OBJECTID', 'oid'], ['When', 'date'], ['Note', 'string']]);
    // Dates grow from one digit to 24 characters and escaped text needs quoting, so the CSV
    // is several times the size of the JSON it came from.
    const features = Array.from({ length: 3000 }, (_, i) => `{"attributes":{"OBJECTID":${i},"When":${i % 10},"Note":"a\\"b"}}`);
    const page = `{"features":[${features.join(',')}]}`;
    const rows = JSON.parse(page).features as DataRow[];
    assert.equal(text(encoder.pageFromEsriJson!(bytes(page))), encoder.page(rows));
  });
});
