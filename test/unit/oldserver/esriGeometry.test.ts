// esri JSON geometry -> GeoJSON for layers without geoJSON: every shape an old server sends
// (points, multipoints, multipart lines, polygons with holes, multipart polygons, Z and M
// values, empty and null geometry), and the real query samples.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { esriToGeoJson } from '../../../src/portal/esriGeometry';

const SAMPLES = join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'save', 'samples');
const sample = (name: string): { features: { geometry?: unknown }[]; hasZ?: boolean; hasM?: boolean } => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8'));

/** Signed area (shoelace): positive for counter-clockwise rings. */
function signedArea(ring: number[][]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum / 2;
}

// esri rings: outer rings clockwise, holes counter-clockwise.
const OUTER_CW = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]];
const HOLE_CCW = [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]];
const OUTER2_CW = [[20, 0], [20, 10], [30, 10], [30, 0], [20, 0]];
const HOLE2_CCW = [[22, 2], [24, 2], [24, 4], [22, 4], [22, 2]];

describe('esri geometry to GeoJSON', () => {
  it('points keep x, y and z; m is dropped', () => {
    assert.deepEqual(esriToGeoJson({ x: -97.5, y: 35.4 }), { type: 'Point', coordinates: [-97.5, 35.4] });
    assert.deepEqual(esriToGeoJson({ x: -97.5, y: 35.4, z: 312 }), { type: 'Point', coordinates: [-97.5, 35.4, 312] });
    assert.deepEqual(esriToGeoJson({ x: -97.5, y: 35.4, m: 7 }, { hasM: true }), { type: 'Point', coordinates: [-97.5, 35.4] });
    assert.deepEqual(esriToGeoJson({ x: -97.5, y: 35.4, z: 312, m: 7 }, { hasZ: true, hasM: true }), { type: 'Point', coordinates: [-97.5, 35.4, 312] });
  });

  it('multipoints stay multipoints, with Z kept and M dropped', () => {
    assert.deepEqual(esriToGeoJson({ points: [[1, 2], [3, 4]] }), { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] });
    assert.deepEqual(esriToGeoJson({ hasZ: true, hasM: true, points: [[1, 2, 3, 9], [3, 4, 5, 9]] }), { type: 'MultiPoint', coordinates: [[1, 2, 3], [3, 4, 5]] });
    assert.deepEqual(esriToGeoJson({ hasM: true, points: [[1, 2, 9]] }), { type: 'MultiPoint', coordinates: [[1, 2]] });
  });

  it('one path is a LineString, several a MultiLineString; M never becomes an altitude', () => {
    assert.deepEqual(esriToGeoJson({ paths: [[[0, 0], [1, 1]]] }), { type: 'LineString', coordinates: [[0, 0], [1, 1]] });
    assert.deepEqual(esriToGeoJson({ paths: [[[0, 0], [1, 1]], [[5, 5], [6, 6], [7, 5]]] }), {
      type: 'MultiLineString',
      coordinates: [[[0, 0], [1, 1]], [[5, 5], [6, 6], [7, 5]]],
    });
    // the feature set says hasM; the geometry does not repeat it
    assert.deepEqual(esriToGeoJson({ paths: [[[0, 0, 100], [1, 1, 200]]] }, { hasM: true }), { type: 'LineString', coordinates: [[0, 0], [1, 1]] });
    assert.deepEqual(esriToGeoJson({ hasZ: true, paths: [[[0, 0, 5], [1, 1, 6]]] }), { type: 'LineString', coordinates: [[0, 0, 5], [1, 1, 6]] });
    assert.deepEqual(esriToGeoJson({ hasZ: true, hasM: true, paths: [[[0, 0, 5, 100], [1, 1, 6, 200]]] }), { type: 'LineString', coordinates: [[0, 0, 5], [1, 1, 6]] });
  });

  it('a polygon with a hole: exterior counter-clockwise, the hole clockwise inside it (RFC 7946)', () => {
    const g = esriToGeoJson({ rings: [OUTER_CW, HOLE_CCW] });
    assert.equal(g?.type, 'Polygon');
    const rings = g!.coordinates as number[][][];
    assert.equal(rings.length, 2);
    assert.ok(signedArea(rings[0]) > 0, 'exterior counter-clockwise');
    assert.ok(signedArea(rings[1]) < 0, 'hole clockwise');
    assert.deepEqual(rings[0], [...OUTER_CW].reverse());
    assert.deepEqual(rings[1], [...HOLE_CCW].reverse());
  });

  it('two outer rings, each with its hole, make a MultiPolygon whose holes sit in the right part', () => {
    const g = esriToGeoJson({ rings: [OUTER_CW, HOLE_CCW, OUTER2_CW, HOLE2_CCW] });
    assert.equal(g?.type, 'MultiPolygon');
    const polygons = g!.coordinates as number[][][][];
    assert.deepEqual(polygons, [
      [[...OUTER_CW].reverse(), [...HOLE_CCW].reverse()],
      [[...OUTER2_CW].reverse(), [...HOLE2_CCW].reverse()],
    ]);
  });

  it('a polygon with Z and M keeps Z only', () => {
    const ring = OUTER_CW.map(([x, y], i) => [x, y, 10 + (i % 4), 1000 + (i % 4)]);
    const g = esriToGeoJson({ hasZ: true, hasM: true, rings: [ring] });
    assert.deepEqual(g, { type: 'Polygon', coordinates: [[...ring].reverse().map((p) => p.slice(0, 3))] });
  });

  it('an envelope is a polygon', () => {
    assert.equal(esriToGeoJson({ xmin: 0, ymin: 0, xmax: 1, ymax: 1 })?.type, 'Polygon');
  });

  it('absent, null and empty geometries are null', () => {
    for (const empty of [undefined, null, {}, { x: null, y: null }, { x: 'NaN', y: 'NaN' }, { points: [] }, { paths: [] }, { rings: [] }, { paths: [[]] }, 'POINT (1 2)', [1, 2]]) {
      assert.equal(esriToGeoJson(empty), null, JSON.stringify(empty));
    }
  });

  it('converts the real f=json samples feature by feature', () => {
    const points = sample('query-f-json.json');
    for (const f of points.features) {
      const g = f.geometry as { x: number; y: number };
      assert.deepEqual(esriToGeoJson(f.geometry, points), { type: 'Point', coordinates: [g.x, g.y] });
    }
    const lines = sample('query-f-json-hosted-line.json');
    for (const f of lines.features) {
      const paths = (f.geometry as { paths: number[][][] }).paths;
      const g = esriToGeoJson(f.geometry, lines);
      assert.deepEqual(g, paths.length === 1 ? { type: 'LineString', coordinates: paths[0] } : { type: 'MultiLineString', coordinates: paths });
    }
  });
});
