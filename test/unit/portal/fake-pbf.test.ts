// The fake FeatureServer's f=pbf answers: the same features as f=geojson for points, lines and
// polygons (coordinates within the quantization step), exceededTransferLimit, both origins of
// quantizationParameters, JSON errors where a real server gives them, and a layer without PBF.

import assert from 'node:assert/strict';
import { decodeFeaturePbf } from '../../../src/portal/featurePbf';
import type { GeoJsonGeometry } from '../../../src/portal/types';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { fetchText, query, type Loose } from './fake-http';

const STEP = 1e-7;

/** Largest distance between matching coordinates of two GeoJSON geometries of one shape. */
function maxDifference(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
  assert.ok(Array.isArray(a) && Array.isArray(b) && a.length === b.length, `${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`);
  return Math.max(0, ...a.map((x, i) => maxDifference(x, b[i])));
}

describe('fake portal FeatureServer f=pbf', () => {
  let portal: FakePortal;
  before(async () => {
    portal = await startFakePortal({ seed: 11 });
  });
  after(() => portal.close());

  async function pbf(title: string, params: Record<string, string | number | boolean>) {
    const ds = portal.catalog.byTitle(title)!;
    const res = await fetch(`${portal.baseUrl}${ds.layerPath}/query?${query({ where: '1=1', outFields: '*', outSR: 4326, ...params, f: 'pbf' })}`);
    return { ds, status: res.status, contentType: res.headers.get('content-type') ?? '', bytes: new Uint8Array(await res.arrayBuffer()) };
  }

  // Fire Stations are the real rows, which have no nulls; the others are generated with some.
  for (const [title, type, hasNulls] of [['Fire Stations', 'Point', false], ['Bike Routes', 'LineString', true], ['Parks', 'Polygon', true]] as const) {
    it(`answers ${title} as PBF with the features f=geojson gives`, async () => {
      const quantization = JSON.stringify({ mode: 'view', originPosition: 'upperLeft', tolerance: STEP, extent: { xmin: -180, ymin: -90, xmax: 180, ymax: 90, spatialReference: { wkid: 4326 } } });
      const answer = await pbf(title, { resultRecordCount: 30, orderByFields: 'OBJECTID', quantizationParameters: quantization });
      assert.equal(answer.status, 200);
      assert.equal(answer.contentType, 'application/x-protobuf');
      const page = decodeFeaturePbf(answer.bytes);
      const geojson = (await fetchText(portal, `${answer.ds.layerPath}/query?${query({ where: '1=1', outFields: '*', resultRecordCount: 30, orderByFields: 'OBJECTID', f: 'geojson' })}`)).json();
      assert.equal(page.rows.length, geojson.features.length);
      assert.equal(page.more, true);
      let nulls = 0;
      page.rows.forEach((row, i) => {
        const feature: Loose = geojson.features[i];
        assert.deepEqual(row.attributes, feature.properties);
        for (const v of Object.values(row.attributes)) if (v === null) nulls++;
        if (feature.geometry === null) return assert.equal(row.geometry, null);
        const g = row.geometry as GeoJsonGeometry;
        assert.equal(g.type.replace('Multi', ''), type);
        assert.equal(g.type, feature.geometry.type);
        assert.ok(maxDifference(g.coordinates, feature.geometry.coordinates) <= STEP / 2 + 1e-9);
      });
      if (hasNulls) assert.ok(nulls > 0, 'the page holds null values');
    });
  }

  it('honours lowerLeft and upperLeft origins, a coarse tolerance, and has a default transform', async () => {
    const near = async (params: Record<string, string>) => decodeFeaturePbf((await pbf('Fire Stations', { resultRecordCount: 5, ...params })).bytes).rows.map((r) => r.geometry!.coordinates as number[]);
    const q = (origin: string, tolerance: number) => JSON.stringify({ mode: 'view', originPosition: origin, tolerance, extent: { xmin: -98, ymin: 35, xmax: -97, ymax: 36 } });
    const exact = (await fetchText(portal, `${portal.catalog.byTitle('Fire Stations')!.layerPath}/query?${query({ where: '1=1', resultRecordCount: 5, f: 'geojson' })}`)).json().features.map((f: Loose) => f.geometry.coordinates);
    // The origin changes the integers sent (y counts down from the top or up from the bottom), not the places.
    const [upper, lower] = await Promise.all(['upperLeft', 'lowerLeft'].map(async (o) => (await pbf('Fire Stations', { resultRecordCount: 5, quantizationParameters: q(o, STEP) })).bytes));
    assert.notDeepEqual(upper, lower);
    assert.ok(maxDifference(await near({ quantizationParameters: q('upperLeft', STEP) }), exact) <= STEP / 2 + 1e-9);
    assert.ok(maxDifference(await near({ quantizationParameters: q('lowerLeft', STEP) }), exact) <= STEP / 2 + 1e-9);
    assert.ok(maxDifference(await near({}), exact) <= 1e-8);
    const coarse = maxDifference(await near({ quantizationParameters: q('lowerLeft', 0.01) }), exact);
    assert.ok(coarse > 1e-4 && coarse <= 0.005 + 1e-9, String(coarse));
  });

  it('answers JSON errors for a bad where, bad quantization, counts and a layer without PBF', async () => {
    const error = async (title: string, params: Record<string, string | number | boolean>) => {
      const answer = await pbf(title, params);
      assert.match(answer.contentType, /application\/json/);
      return JSON.parse(new TextDecoder().decode(answer.bytes)).error;
    };
    assert.deepEqual((await error('Parks', { where: 'NOPE ===' })).details[0], "'where' parameter is invalid");
    assert.deepEqual((await error('Parks', { quantizationParameters: '{"originPosition":"middle"}' })).details, ["'quantizationParameters' parameter is invalid"]);
    assert.equal((await error('Parks', { returnCountOnly: true })).code, 400);
    const parks = portal.catalog.byTitle('Parks')!;
    parks.noPbf = true;
    try {
      assert.equal((await error('Parks', {})).message, 'Cannot perform query. Invalid query parameters.');
      const layer = (await fetchText(portal, `${parks.layerPath}?f=json`)).json();
      assert.equal(layer.supportedQueryFormats, 'JSON, geoJSON');
    } finally {
      parks.noPbf = undefined;
    }
  });
});
