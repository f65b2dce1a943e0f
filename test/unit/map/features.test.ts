// The map's host-side helpers in plain Node: packing rows into feature batches, reading
// GeoJSON files, and finding latitude/longitude columns in CSV headers and values.

import assert from 'node:assert/strict';
import { GeoJsonFileError, geoJsonRows, guessLatLon, latLonRows, packFeatures, rowsExtent } from '../../../src/map/features';

describe('map features', () => {
  it('packs points and shapes flat in typed arrays and counts rows without geometry', () => {
    const batch = packFeatures([
      { attributes: { k: 'a' }, geometry: { type: 'Point', coordinates: [-97.5, 35.4] } },
      { attributes: { k: 'b' }, geometry: null },
      { attributes: { k: null }, geometry: { type: 'LineString', coordinates: [[-97.5, 35.4], [-97.4, 35.5]] } },
      { attributes: { k: true }, geometry: { type: 'Point', coordinates: [Number.NaN, 35] } },
      { attributes: { k: 'c' }, geometry: { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]], [[0.2, 0.2], [0.4, 0.2], [0.2, 0.4], [0.2, 0.2]]], [[[5, 5], [6, 5], [5, 6], [5, 5]]]] } },
      { attributes: { k: 'd' }, geometry: { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] } },
    ], 100, 'k');
    // Offsets from the first position: this page spans over 100 degrees, so 64-bit floats.
    assert.deepEqual(batch.origin, [-97.5, 35.4]);
    const at = (coords: ArrayLike<number>): number[] => Array.from(coords, (d, i) => d + batch.origin[i % 2]);
    assert.ok(batch.points instanceof Float64Array && batch.pointRows instanceof Int32Array && batch.shapes.coords instanceof Float64Array);
    assert.deepEqual([...batch.pointRows], [100, 105, 105]);
    assert.deepEqual(at(batch.points), [-97.5, 35.4, 1, 2, 3, 4]);
    assert.deepEqual([...batch.shapes.rows], [102, 104]);
    assert.deepEqual([...batch.shapes.kinds], [0, 1]);
    // The line has one part; the MultiPolygon three rings (two of its first polygon).
    assert.deepEqual([...batch.shapes.partStart], [0, 1, 4]);
    assert.deepEqual([...batch.shapes.coordStart], [0, 2, 6, 10, 14]);
    assert.deepEqual(at(batch.shapes.coords.subarray(2 * 10, 2 * 14)), [5, 5, 6, 5, 5, 6, 5, 5]);
    assert.deepEqual(at(batch.shapes.coords.subarray(0, 4)), [-97.5, 35.4, -97.4, 35.5]);
    assert.equal(batch.empty, 2);
    assert.equal(batch.rows, 6);
    assert.deepEqual(batch.values, { 100: 'a', 101: 'b', 102: null, 103: 'true', 104: 'c', 105: 'd' });
  });

  it('carries a city-sized page in 32-bit offsets to within a centimetre, and one point a row without row numbers', () => {
    const positions: [number, number][] = Array.from({ length: 500 }, (_, i) => [-97.7 + (i % 50) * 0.0123456789, 35.3 + Math.floor(i / 50) * 0.0345678912]);
    const points = packFeatures(positions.map((p) => ({ attributes: {}, geometry: { type: 'Point', coordinates: p } })), 2000);
    assert.ok(points.points instanceof Float32Array, 'offsets within a few degrees fit 32 bits');
    assert.equal(points.pointRows, undefined, 'point k is row firstRow + k');
    assert.equal(points.firstRow, 2000);
    positions.forEach(([x, y], k) => {
      assert.ok(Math.abs(points.origin[0] + points.points[2 * k] - x) < 1e-7 && Math.abs(points.origin[1] + points.points[2 * k + 1] - y) < 1e-7, `point ${k} moved`);
    });
    // A row without geometry, or with two points, and the rows are numbered again.
    const gap = packFeatures([{ attributes: {}, geometry: { type: 'Point', coordinates: [1, 2] } }, { attributes: {}, geometry: null }, { attributes: {}, geometry: { type: 'MultiPoint', coordinates: [[1, 1], [2, 2]] } }], 10);
    assert.deepEqual([...gap.pointRows!], [10, 12, 12]);
    const lines = packFeatures([{ attributes: {}, geometry: { type: 'LineString', coordinates: [[-97.5, 35.5], [-97.49999999, 35.50000001]] } }], 0);
    assert.ok(lines.shapes.coords instanceof Float32Array);
    assert.ok(Math.abs(lines.origin[0] + lines.shapes.coords[2] - -97.49999999) < 1e-9, 'a short segment keeps its length');
  });

  it('reads a FeatureCollection, a Feature and a bare geometry, and refuses what is none', () => {
    assert.equal(geoJsonRows(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { a: { b: 1 } }, geometry: null }] }))[0].attributes.a, '{"b":1}');
    assert.equal(geoJsonRows(JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } }))[0].geometry?.type, 'Point');
    assert.equal(geoJsonRows(JSON.stringify({ type: 'Polygon', coordinates: [] })).length, 1);
    assert.throws(() => geoJsonRows('{"type":"Topology"}'), GeoJsonFileError);
    assert.throws(() => geoJsonRows('not json'), GeoJsonFileError);
  });

  it('finds latitude and longitude by name when the values are degrees', () => {
    const sample = [['A', '35.47', '-97.52'], ['B', '35.5', '-97.6']];
    assert.deepEqual(guessLatLon(['name', 'Latitude', 'Longitude'], sample), { lat: 1, lon: 2, sure: true });
    assert.deepEqual(guessLatLon(['name', 'lat', 'lng'], sample), { lat: 1, lon: 2, sure: true });
  });

  it('is unsure of X/Y in state plane feet and of unnamed degree columns', () => {
    // Feet are out of degree range: no guess at all.
    assert.equal(guessLatLon(['X', 'Y'], [['2100000', '180000']]), undefined);
    const unnamed = guessLatLon(['a', 'b', 'c'], [['x', '-97.52', '35.47'], ['y', '-97.6', '35.5']]);
    assert.deepEqual(unnamed, { lat: 2, lon: 1, sure: false });
  });

  it('turns CSV rows into points, rows without numbers into rows without geometry', () => {
    const rows = latLonRows(['n', 'lat', 'lon'], [['a', '35.4', '-97.5'], ['b', '', ''], ['c', '95', '-97']], 1, 2);
    assert.deepEqual(rows.map((r) => r.geometry?.coordinates ?? null), [[-97.5, 35.4], null, null]);
    assert.equal(rows[1].attributes.n, 'b');
    assert.deepEqual(rowsExtent(rows), [-97.5, 35.4, -97.5, 35.4]);
  });
});
