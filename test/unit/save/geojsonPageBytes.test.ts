// The GeoJSON save's fast path must write exactly what parsing the page and encoding its
// rows writes, and must hand every page it does not fully understand back to that ordinary
// path. Generated pages (seeded) hold the first; hand-made bodies the second.

import assert from 'node:assert/strict';
import { readPage } from '../../../src/portal/hub';
import type { DatasetSchema, FieldKind } from '../../../src/portal/types';
import type { DatasetQuery } from '../../../src/query/model';
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

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)];

const KINDS: FieldKind[] = ['integer', 'double', 'date', 'string', 'other'];
/** Field names a portal may use, the awkward ones included: JavaScript orders integer-like
 * keys first, `__proto__` is no ordinary key, quotes and non-ASCII need escaping. */
const NAMES = ['Name', '__proto__', 'constructor', 'toString', '2020', '1', '10', '01', 'Ünïcode名', 'a"b', 'When', 'Amount', 'Status', 'x y', 'back\\slash'];

function schemaOf(fields: [string, FieldKind][]): DatasetSchema {
  return {
    fields: [...fields.map(([name, kind]) => ({ name, kind, nativeType: `esriFieldType-${kind}` })), { name: 'Shape', kind: 'geometry', nativeType: 'esriGeometryPolygon' }],
    geometry: 'polygon',
    objectIdField: fields.find(([, kind]) => kind === 'oid')?.[0],
    maxRecordCount: 2000,
  };
}

const STRINGS = [
  'plain', '', ' ', 'a,b', 'q"q', 'back\\slash', 'cr\rlf\n', 'tab\there', 'x\u2028y', '\uFEFFbom', 'é café', '🚒 engine', '\u202Eevil', '-12', '12',
  ' 7 ', '1e5', 'NaN', 'null', 'Apr 11, 2023', '2023-04-11', '04/11/2023 4:12 PM', '1700000000000', '<script>alert(1)</script>', '\u0000nul', '/slash/',
  '\ud800lone', 'x'.repeat(300), '{"a":1}',
];
const NUMBERS = [
  0, 1, -1, 42, 1234.5, 0.1, 0.000001, 0.0000001, 1e21, 1e-7, 123456789012345, 1234567890123456, 9007199254740993, -98.12345678901234,
  5e-324, Number.MAX_VALUE, 1700000000000, -62167219200000, -62167219200001, 253402300799999, 253402300800000, 1700000000000.5,
];
/** Number spellings JSON allows that are not JavaScript's own: String(Number(text)) differs. */
const SPELLED = ['0.30000000000000001', '1.10', '100.0', '0.0000001', '1E2', '-0.0', '-0', '123456789012345678', '99999999999999999999999', '2e-7', '1e400'];

class Spelled {
  constructor(readonly text: string) {}
}

function randomValue(random: () => number): unknown {
  const r = random();
  if (r < 0.06) return new Spelled(pick(random, SPELLED));
  if (r < 0.35) return pick(random, STRINGS);
  if (r < 0.7) return pick(random, NUMBERS);
  if (r < 0.8) return null;
  if (r < 0.85) return random() < 0.5;
  if (r < 0.88) return random() < 0.5 ? { nested: [1, 'two'], __proto__x: null } : ['a', { b: 2 }];
  return Math.floor(random() * 2e12) - 1e11;
}

/** JSON text with the freedoms a portal has: \u escapes, escaped slashes, number spellings. */
function spell(value: unknown, random: () => number): string {
  if (value instanceof Spelled) return value.text;
  if (typeof value === 'string') {
    let text = JSON.stringify(value);
    if (random() < 0.3) text = text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (random() < 0.1) text = text.replace(/\//g, '\\/');
    return text;
  }
  if (typeof value === 'number' && random() < 0.1 && Number.isInteger(value) && Math.abs(value) < 1e15) return `${value}.0`;
  return JSON.stringify(value) ?? 'null';
}

/** A coordinate as JavaScript writes it, sometimes with 17 digits or a spelling JSON allows. */
function coordinate(random: () => number, limit: number): string {
  const value = (random() * 2 - 1) * limit;
  const r = random();
  if (r < 0.4) return String(Math.round(value * 1e6) / 1e6);
  if (r < 0.8) return String(value);
  if (r < 0.85) return value.toExponential();
  if (r < 0.9) return `${Math.round(value)}.0`;
  if (r < 0.95) return value.toFixed(18);
  return String(Math.round(value));
}

function position(random: () => number, sp: string): string {
  const z = random() < 0.1 ? `,${sp}${coordinate(random, 500)}` : '';
  return `[${coordinate(random, 180)},${sp}${coordinate(random, 90)}${z}]`;
}

function list(sp: string, count: number, item: () => string): string {
  return `[${Array.from({ length: count }, item).join(`,${sp}`)}]`;
}

function geometry(random: () => number, sp: string): string {
  const ring = () => list(sp, 4 + Math.floor(random() * 4), () => position(random, sp));
  const r = random();
  let type: string;
  let coordinates: string;
  if (r < 0.3) [type, coordinates] = ['Point', position(random, sp)];
  else if (r < 0.5) [type, coordinates] = ['LineString', list(sp, 2 + Math.floor(random() * 5), () => position(random, sp))];
  else if (r < 0.7) [type, coordinates] = ['Polygon', list(sp, 1 + Math.floor(random() * 2), ring)];
  else if (r < 0.85) [type, coordinates] = ['MultiPolygon', list(sp, 1 + Math.floor(random() * 2), () => list(sp, 1 + Math.floor(random() * 2), ring))];
  else if (r < 0.9) [type, coordinates] = ['MultiPoint', '[]'];
  else [type, coordinates] = ['MultiLineString', list(sp, 2, () => list(sp, 2, () => position(random, sp)))];
  const members = [`"type":${sp}"${type}"`, `"coordinates":${sp}${coordinates}`];
  if (random() < 0.1) members.reverse();
  if (random() < 0.05) members.push(`"bbox":${sp}[-1,${sp}-1,${sp}1,${sp}1]`);
  if (random() < 0.03) members.push(`"crs":{"type":"name","properties":{"name":"EPSG:4326","2":1}}`);
  if (random() < 0.03) members.push(`"type":"${type}"`);
  if (random() < 0.02) members.push(`"t\\u0079pe":"${type}"`);
  if (random() < 0.03) members.push(`"name":${sp}"caf\\u00e9 \\/ ${random() < 0.5 ? 'é' : 'e'}"`);
  return `{${members.join(`,${sp}`)}}`;
}

/** One `f=geojson` answer with `rowCount` features over these names. */
function generatePage(random: () => number, names: string[], rowCount: number): string {
  const pretty = random() < 0.15;
  const sp = pretty ? ' ' : '';
  const nl = pretty ? '\n  ' : '';
  const features: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    const entries: [string, unknown][] = [];
    for (const name of names) if (random() > 0.05) entries.push([name, randomValue(random)]);
    if (random() < 0.1) entries.push(['NotSaved', randomValue(random)]);
    if (random() < 0.15) entries.sort(() => random() - 0.5);
    if (random() < 0.03 && entries.length) entries.push([entries[0][0], randomValue(random)]);
    const properties = entries
      .map(([k, v]) => `${random() < 0.05 ? JSON.stringify(k).replace(/[A-Z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : JSON.stringify(k)}:${sp}${spell(v, random)}`)
      .join(`,${sp}`);
    const members: string[] = [`"type":${sp}"Feature"`];
    if (random() < 0.7) members.push(`"id":${sp}${r + 1}`);
    const g = random();
    if (g < 0.1) members.push(`"geometry":${sp}null`);
    else if (g < 0.85) members.push(`"geometry":${sp}${geometry(random, random() < 0.1 ? ' ' : sp)}`);
    const p = random();
    if (p < 0.03) members.push(`"properties":${sp}null`);
    else if (p < 0.97) members.push(`"properties":${sp}{${properties}}`);
    if (random() < 0.05) members.push(`"bbox":${sp}[1,2,3,4]`);
    if (random() < 0.1) members.sort(() => random() - 0.5);
    features.push(`{${members.join(`,${sp}`)}}`);
  }
  const head = `{${nl}"type":${sp}"FeatureCollection",${random() < 0.3 ? `${nl}"properties":${sp}{"exceededTransferLimit":${sp}true},` : ''}${nl}"features":${sp}[`;
  const tail = `]${random() < 0.2 ? `,${nl}"exceededTransferLimit":${sp}true` : ''}${nl}}`;
  return head + features.join(`,${nl}`) + tail;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const decoded = (chunk: Uint8Array) => new TextDecoder().decode(chunk);
/** The ordinary path's rows: the page parsed as HubPortal parses an f=geojson answer. */
const rowsOf = (text: string) => readPage(JSON.parse(text), 'geojson').rows;

interface Saved {
  text: string;
  fastPages: number;
}

/** A whole file written through the fast path where it takes a page, and the encoder where not. */
function saveFast(encoder: StreamEncoder, pages: string[]): Saved {
  let text = encoder.start();
  let fastPages = 0;
  for (const page of pages) {
    const rows = rowsOf(page);
    const fast = encoder.pageFromGeoJson!(bytes(page), rows.length);
    if (fast) fastPages++;
    text += fast ? decoded(fast.bytes) : encoder.page(rows);
  }
  return { text: text + encoder.end(), fastPages };
}

function saveParsed(encoder: StreamEncoder, pages: string[]): string {
  return encoder.start() + pages.map((page) => encoder.page(rowsOf(page))).join('') + encoder.end();
}

function encoderFor(fields: [string, FieldKind][], query: DatasetQuery = {}): StreamEncoder {
  return createEncoder('geojson', planColumns('geojson', schemaOf(fields), query));
}

const POINT_PAGE = (features: string) => `{"type":"FeatureCollection","features":[${features}]}`;

describe('save/geojsonPageBytes: the GeoJSON fast path', () => {
  it('writes byte for byte what parsing and encoding write, over generated pages', function () {
    // Seconds on a quiet machine; the machine is shared.
    this.timeout(120_000);
    let fastPages = 0;
    let pages = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const random = rng(seed);
      const count = Math.floor(random() * 7);
      const names = [...new Set(Array.from({ length: count }, () => pick(random, NAMES)))];
      const fields: [string, FieldKind][] = [['OBJECTID', random() < 0.1 ? 'string' : 'oid'], ...names.map((n): [string, FieldKind] => [n, pick(random, KINDS)])];
      // Sometimes only some fields, in another order (a save of the grid's columns).
      const query: DatasetQuery = random() < 0.25 ? { fields: [...fields.map(([n]) => n)].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * fields.length)) } : {};
      const generated = Array.from({ length: 1 + Math.floor(random() * 3) }, () => generatePage(random, fields.map(([n]) => n), Math.floor(random() * 25)));
      const saved = saveFast(encoderFor(fields, query), generated);
      assert.equal(saved.text, saveParsed(encoderFor(fields, query), generated), `seed ${seed}`);
      fastPages += saved.fastPages;
      pages += generated.length;
    }
    assert.ok(fastPages > pages * 0.9, `${fastPages} of ${pages} pages went through the fast path`);
  });

  it('copies a compact geometry and plain values as they came, and types the rest', () => {
    const encoder = encoderFor([['OBJECTID', 'oid'], ['Name', 'string'], ['When', 'date'], ['Amount', 'double'], ['2020', 'integer']]);
    const page = POINT_PAGE(
      '{"type":"Feature","id":9,"geometry":{"type":"Point","coordinates":[-97.51640000000001,35.4676]},' +
        '"properties":{"Amount":"12.50","When":86400000,"Name":"caf\\u00e9","OBJECTID":"7","extra":1,"2020":{"a":1}}},' +
        '{"type":"Feature","geometry":{ "type": "LineString", "coordinates": [[1.50, 2], [3e0, 4]] },"properties":{"OBJECTID":null}}',
    );
    const fast = encoder.pageFromGeoJson!(bytes(page), 2);
    assert.ok(fast);
    assert.equal(
      decoded(fast.bytes),
      // 17 digits JavaScript writes shorter: that geometry alone is parsed and written again.
      '{"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[-97.5164,35.4676]},"properties":{"2020":"{\\"a\\":1}","OBJECTID":7,"Name":"café","When":"1970-01-02T00:00:00.000Z","Amount":12.5}},\n' +
        '{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1.5,2],[3,4]]},"properties":{"2020":null,"OBJECTID":null,"Name":null,"When":null,"Amount":null}}',
    );
    // The next page continues the list.
    const next = encoder.pageFromGeoJson!(bytes(POINT_PAGE('{"type":"Feature","geometry":null,"properties":{"OBJECTID":3}}')), 1);
    assert.equal(decoded(next!.bytes), ',\n{"type":"Feature","id":3,"geometry":null,"properties":{"2020":null,"OBJECTID":3,"Name":null,"When":null,"Amount":null}}');
  });

  it('keeps the last of repeated members, as JSON.parse does', () => {
    const encoder = encoderFor([['OBJECTID', 'oid'], ['Name', 'string']]);
    const page = POINT_PAGE(
      '{"properties":{"OBJECTID":1,"Name":"first","Name":"second"},"geometry":{"type":"Point","coordinates":[1,2]},"geometry":null},' +
        '{"properties":{"OBJECTID":2},"properties":{"Name":"x"}}',
    );
    assert.equal(
      decoded(encoder.pageFromGeoJson!(bytes(page), 2)!.bytes),
      '{"type":"Feature","id":1,"geometry":null,"properties":{"OBJECTID":1,"Name":"second"}},\n{"type":"Feature","geometry":null,"properties":{"OBJECTID":null,"Name":"x"}}',
    );
  });

  it('writes an empty page as nothing, and the next page as the first', () => {
    const encoder = encoderFor([['OBJECTID', 'oid']]);
    const empty = encoder.pageFromGeoJson!(bytes('{"type":"FeatureCollection","properties":{"exceededTransferLimit":false},"features":[]}'), 0);
    assert.deepEqual({ rows: empty?.rows, text: decoded(empty!.bytes) }, { rows: 0, text: '' });
    const page = encoder.pageFromGeoJson!(bytes(POINT_PAGE('{"type":"Feature","geometry":null,"properties":{"OBJECTID":1}}')), 1);
    assert.equal(decoded(page!.bytes), '{"type":"Feature","id":1,"geometry":null,"properties":{"OBJECTID":1}}');
  });

  it('hands back a page with another number of features, leaving the separators to the encoder', () => {
    const fields: [string, FieldKind][] = [['OBJECTID', 'oid']];
    const pages = [POINT_PAGE('{"properties":{"OBJECTID":1}},{"properties":{"OBJECTID":2}}'), POINT_PAGE('{"properties":{"OBJECTID":3}}')];
    const encoder = encoderFor(fields);
    let text = encoder.start();
    assert.equal(encoder.pageFromGeoJson!(bytes(pages[0]), 3), undefined);
    text += encoder.page(rowsOf(pages[0]));
    text += decoded(encoder.pageFromGeoJson!(bytes(pages[1]), 1)!.bytes) + encoder.end();
    assert.equal(text, saveParsed(encoderFor(fields), pages));
  });

  it('leaves a geometry outside WGS84 to the encoder, which refuses it', () => {
    const encoder = encoderFor([['OBJECTID', 'oid']]);
    for (const coordinates of ['[-10836000.5,4230000]', '[[180.5,0],[0,0]]', '[[[0,90.000001],[0,0]]]', '[ 181, 0 ]', '[1,"95"]']) {
      const page = POINT_PAGE(`{"type":"Feature","geometry":{"type":"Point","coordinates":${coordinates}},"properties":{"OBJECTID":1}}`);
      assert.equal(encoder.pageFromGeoJson!(bytes(page), 1), undefined, coordinates);
      assert.throws(() => encoder.page(rowsOf(page)), /not in WGS84/, coordinates);
    }
    for (const coordinates of ['[180,-90]', '[-180,90]', '[[],[500,500]]', '[500]', '{"x":500}', 'null']) {
      const page = POINT_PAGE(`{"type":"Feature","geometry":{"type":"Point","coordinates":${coordinates}},"properties":{"OBJECTID":1}}`);
      const fast = encoderFor([['OBJECTID', 'oid']]).pageFromGeoJson!(bytes(page), 1);
      assert.ok(fast, coordinates);
      assert.equal(decoded(fast.bytes), encoderFor([['OBJECTID', 'oid']]).page(rowsOf(page)), coordinates);
    }
  });

  it('hands back every page it does not fully understand', () => {
    const encoder = encoderFor([['OBJECTID', 'oid'], ['Name', 'string']]);
    const refused = [
      '{"error":{"code":400,"message":"Invalid query"},"features":[]}',
      '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":[1,2],"properties":{}}]}',
      '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":"Point","properties":{}}]}',
      '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":[1]}]}',
      '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":"x"}]}',
      '{"type":"FeatureCollection","features":[null]}',
      '{"type":"FeatureCollection","features":[{"type":"Feature","geom\\u0065try":null}]}',
      '{"type":"FeatureCollection","features":[{"properties":{"OBJECTID":01}}]}',
      '{"type":"FeatureCollection","features":[{"properties":{"Name":"bad \\x escape"}}]}',
      '{"type":"FeatureCollection","features":[{"properties":{"Name":"raw\ttab"}}]}',
      '{"type":"FeatureCollection","features":[{"geometry":{"type":"Point","coordinates":[1,2,]}}]}',
      '{"type":"FeatureCollection","features":[{"geometry":{"type":"Point","coordinates":[1 2]}}]}',
      '{"type":"FeatureCollection","features":[{"properties":{}},]}',
      '{"type":"FeatureCollection","features":[],"features":[]}',
      '{"type":"FeatureCollection","features":[]}{}',
      '[]',
      '<html><body>Access denied</body></html>',
    ];
    for (const body of refused) assert.equal(encoder.pageFromGeoJson!(bytes(body), 1), undefined, body);
  });

  it('refuses a body cut at any point', () => {
    const encoder = encoderFor([['OBJECTID', 'oid'], ['Name', 'string']]);
    const whole =
      '{"type":"FeatureCollection","features":[{"type":"Feature","id":1,"geometry":{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,6],[1,2]]]},' +
      '"properties":{"OBJECTID":1,"Name":"a \\"b\\""}},{"type":"Feature","geometry":null,"properties":{"OBJECTID":2,"Name":"ç"}}],"properties":{"exceededTransferLimit":true}}';
    const body = bytes(whole);
    assert.ok(encoder.pageFromGeoJson!(body, 2));
    for (let cut = 0; cut < body.length; cut++) assert.equal(encoder.pageFromGeoJson!(body.subarray(0, cut), 2), undefined, `cut at ${cut}`);
  });

  it('is not offered where each record\'s text is observed or names repeat', () => {
    const schema = schemaOf([['OBJECTID', 'oid'], ['Name', 'string']]);
    assert.ok(createEncoder('geojson', planColumns('geojson', schema, {})).pageFromGeoJson);
    assert.equal(createEncoder('geojson', planColumns('geojson', schema, {}), { onRecord: () => undefined }).pageFromGeoJson, undefined);
    assert.equal(createEncoder('geojson', planColumns('geojson', schema, { fields: ['Name', 'Name'] })).pageFromGeoJson, undefined);
    assert.equal(createEncoder('json', planColumns('json', schema, {})).pageFromGeoJson, undefined);
  });

  it('writes pages bigger than its first buffer', () => {
    const encoder = encoderFor([['OBJECTID', 'oid'], ['When', 'date'], ['Note', 'string']]);
    // One-digit dates become 26 characters, and feature wrappers are added.
    const features = Array.from({ length: 3000 }, (_, i) => `{"properties":{"OBJECTID":${i},"When":${i % 10},"Note":"a\\u0022b"}}`);
    const page = POINT_PAGE(features.join(','));
    assert.equal(decoded(encoder.pageFromGeoJson!(bytes(page), 3000)!.bytes), encoderFor([['OBJECTID', 'oid'], ['When', 'date'], ['Note', 'string']]).page(rowsOf(page)));
  });
});
