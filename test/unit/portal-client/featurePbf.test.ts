// The f=pbf reader (src/portal/featurePbf.ts) against the fake's independent writer
// (test/portal/featurePbf.ts): every geometry type, multipart and holes, nulls and value
// types, both quantization origins, and bytes that must fail as a PortalError.

import assert from 'node:assert/strict';
import { PortalError } from '../../../src/portal/errors';
import { decodeFeaturePbf, shortestFloat } from '../../../src/portal/featurePbf';
import { encodeFeaturePbf, quantizationTransform, type PbfFeature, type PbfFeatureSet } from '../../portal/featurePbf';

const TOLERANCE = 1e-7;
const EXTENT = [-98, 35, -97, 36];
const FIELDS = [
  { name: 'OBJECTID', type: 'esriFieldTypeOID', alias: 'OBJECTID' },
  { name: 'Name', type: 'esriFieldTypeString', alias: 'Name' },
  { name: 'Opened', type: 'esriFieldTypeDate', alias: 'Opened' },
  { name: 'Acres', type: 'esriFieldTypeDouble', alias: 'Acres' },
  { name: 'Ratio', type: 'esriFieldTypeSingle', alias: 'Ratio' },
  { name: '__proto__', type: 'esriFieldTypeInteger', alias: 'proto' },
];

function set(geometryType: string | null, features: PbfFeature[], upperLeft = true, extra: Partial<PbfFeatureSet> = {}): PbfFeatureSet {
  return {
    objectIdField: 'OBJECTID', globalIdField: '', geometryType, wkid: 4326, fields: FIELDS, features, exceededTransferLimit: false,
    transform: quantizationTransform(EXTENT, TOLERANCE, upperLeft), ...extra,
  };
}

/** Every coordinate of `actual` within half a quantization step of `expected`. */
function assertNear(actual: unknown, expected: unknown, path = 'coordinates'): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', path);
    assert.ok(Math.abs((actual as number) - expected) <= TOLERANCE / 2 + 1e-12, `${path}: ${actual} vs ${expected}`);
    return;
  }
  assert.ok(Array.isArray(actual) && Array.isArray(expected) && actual.length === expected.length, `${path}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
  (expected as unknown[]).forEach((e, i) => assertNear((actual as unknown[])[i], e, `${path}[${i}]`));
}

const attrs = (oid: number) => ({ OBJECTID: oid, Name: `n${oid}`, Opened: 1_700_000_000_000 + oid, Acres: 1.25 * oid, Ratio: 0.1, __proto__: null });

// A square ring clockwise (esri outer) and a counter-clockwise hole inside it.
const OUTER = [[-97.5, 35.5], [-97.5, 35.6], [-97.4, 35.6], [-97.4, 35.5], [-97.5, 35.5]];
const HOLE = [[-97.48, 35.52], [-97.42, 35.52], [-97.42, 35.58], [-97.48, 35.58], [-97.48, 35.52]];
const OUTER2 = [[-97.3, 35.3], [-97.3, 35.35], [-97.25, 35.35], [-97.25, 35.3], [-97.3, 35.3]];
const reversed = (ring: number[][]) => [...ring].reverse();

describe('f=pbf feature reader', () => {
  for (const upperLeft of [true, false]) {
    const origin = upperLeft ? 'upperLeft' : 'lowerLeft';
    it(`reads points with attributes and nulls (${origin} origin)`, () => {
      const page = decodeFeaturePbf(encodeFeaturePbf(set('esriGeometryPoint', [
        { attributes: attrs(1), geometry: { x: -97.5123456, y: 35.4654321 } },
        { attributes: { OBJECTID: 2, Name: null, Opened: null, Acres: null, Ratio: null }, geometry: null },
        { attributes: attrs(3), geometry: { x: -97.0000001, y: 35.9999999 } },
      ], upperLeft)));
      assert.equal(page.rows.length, 3);
      assert.equal(page.more, false);
      assert.deepEqual({ ...page.rows[0].attributes }, { OBJECTID: 1, Name: 'n1', Opened: 1_700_000_000_001, Acres: 1.25, Ratio: 0.1, ['__proto__']: null });
      assert.ok(Object.prototype.hasOwnProperty.call(page.rows[0].attributes, '__proto__'));
      assert.equal(page.rows[0].geometry!.type, 'Point');
      assertNear(page.rows[0].geometry!.coordinates, [-97.5123456, 35.4654321]);
      assert.deepEqual({ ...page.rows[1].attributes }, { OBJECTID: 2, Name: null, Opened: null, Acres: null, Ratio: null, ['__proto__']: null });
      assert.equal(page.rows[1].geometry, null);
      assertNear(page.rows[2].geometry!.coordinates, [-97.0000001, 35.9999999]);
    });

    it(`reads multipoints, multipart lines and polygons with holes (${origin} origin)`, () => {
      const multi = decodeFeaturePbf(encodeFeaturePbf(set('esriGeometryMultipoint', [{ attributes: attrs(1), geometry: { points: [[-97.1, 35.1], [-97.2, 35.2]] } }], upperLeft)));
      assert.equal(multi.rows[0].geometry!.type, 'MultiPoint');
      assertNear(multi.rows[0].geometry!.coordinates, [[-97.1, 35.1], [-97.2, 35.2]]);

      const lines = decodeFeaturePbf(encodeFeaturePbf(set('esriGeometryPolyline', [
        { attributes: attrs(1), geometry: { paths: [[[-97.5, 35.5], [-97.4, 35.6], [-97.3, 35.55]]] } },
        { attributes: attrs(2), geometry: { paths: [[[-97.5, 35.5], [-97.4, 35.6]], [[-97.2, 35.2], [-97.1, 35.25], [-97.15, 35.3]]] } },
      ], upperLeft)));
      assert.equal(lines.rows[0].geometry!.type, 'LineString');
      assertNear(lines.rows[0].geometry!.coordinates, [[-97.5, 35.5], [-97.4, 35.6], [-97.3, 35.55]]);
      assert.equal(lines.rows[1].geometry!.type, 'MultiLineString');
      assertNear(lines.rows[1].geometry!.coordinates, [[[-97.5, 35.5], [-97.4, 35.6]], [[-97.2, 35.2], [-97.1, 35.25], [-97.15, 35.3]]]);

      const polygons = decodeFeaturePbf(encodeFeaturePbf(set('esriGeometryPolygon', [
        { attributes: attrs(1), geometry: { rings: [OUTER, HOLE] } },
        { attributes: attrs(2), geometry: { rings: [OUTER, HOLE, OUTER2] } },
      ], upperLeft)));
      // GeoJSON winds outer rings counter-clockwise and holes clockwise (RFC 7946).
      assert.equal(polygons.rows[0].geometry!.type, 'Polygon');
      assertNear(polygons.rows[0].geometry!.coordinates, [reversed(OUTER), reversed(HOLE)]);
      assert.equal(polygons.rows[1].geometry!.type, 'MultiPolygon');
      assertNear(polygons.rows[1].geometry!.coordinates, [[reversed(OUTER), reversed(HOLE)], [reversed(OUTER2)]]);
    });
  }

  it('reads exceededTransferLimit and a table without geometry', () => {
    const page = decodeFeaturePbf(encodeFeaturePbf(set(null, [{ attributes: attrs(1) }], true, { exceededTransferLimit: true })));
    assert.equal(page.more, true);
    assert.equal(page.rows[0].geometry, null);
    assert.equal(page.rows[0].attributes.Name, 'n1');
  });

  it('gives 32-bit floats at their shortest decimal, as the JSON path does', () => {
    assert.equal(shortestFloat(Math.fround(0.1)), 0.1);
    assert.equal(shortestFloat(Math.fround(123.456)), 123.456);
    assert.equal(shortestFloat(Math.fround(16777217)), 16777216);
  });

  it('fails with a clear PortalError on cut, garbage or foreign bytes, never with rows', () => {
    const good = encodeFeaturePbf(set('esriGeometryPolygon', [1, 2, 3].map((oid) => ({ attributes: attrs(oid), geometry: { rings: [OUTER, HOLE] } }))));
    const fails = (bytes: Uint8Array, what: RegExp) => assert.throws(() => decodeFeaturePbf(bytes, 'http://127.0.0.1/q'), (e: unknown) => {
      assert.ok(e instanceof PortalError, String(e));
      assert.equal(e.kind, 'malformed');
      assert.match(e.message, /^The portal sent a PBF answer that cannot be read: /);
      assert.match(e.message, what);
      assert.equal(e.details.url, 'http://127.0.0.1/q');
      return true;
    });
    for (const cut of [1, 10, Math.floor(good.length / 2), good.length - 1]) fails(good.subarray(0, cut), /cut short|not a protocol buffer|no feature result/);
    fails(new TextEncoder().encode('<!DOCTYPE html><html><body>Checking your browser</body></html>'), /./);
    fails(Uint8Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256), /./);
    fails(new TextEncoder().encode('{"error":{"code":400,"message":"Invalid query"}}'), /./);
    // version "2.0" and a count answer (QueryResult.countResult, field 2).
    fails(Uint8Array.from([0x0a, 0x03, 0x32, 0x2e, 0x30, 0x12, 0x02, 0x12, 0x00]), /version 2\.0|count/);
    fails(Uint8Array.from([0x12, 0x04, 0x12, 0x02, 0x08, 0x05]), /count or id list/);
    fails(new Uint8Array(0), /no feature result/);
  });
});
