// A large dataset's map asks the portal for generalised geometry (maxAllowableOffset matched
// to the view's pixel size): the offset a view asks for, the parameter the query compiler
// sends, and the fake FeatureServer simplifying lines and rings within that offset the way a
// real server does.

import assert from 'node:assert/strict';
import { generalizeOffset } from '../../../src/map/features';
import type { GeoJsonGeometry } from '../../../src/portal/types';
import { hubObjectIdBatchParams, hubQueryParams } from '../../../src/query/compile';
import type { FakeDataset } from '../../portal/data';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { getJson, query } from '../portal/fake-http';

type Pos = number[];

/** Distance from `p` to the nearest segment of `line` (planar). */
function toLine(p: Pos, line: Pos[]): number {
  let best = Infinity;
  for (let i = 1; i < line.length; i++) {
    const [ax, ay] = line[i - 1];
    const dx = line[i][0] - ax;
    const dy = line[i][1] - ay;
    const len = dx * dx + dy * dy;
    const t = len ? Math.max(0, Math.min(1, ((p[0] - ax) * dx + (p[1] - ay) * dy) / len)) : 0;
    best = Math.min(best, Math.hypot(ax + t * dx - p[0], ay + t * dy - p[1]));
  }
  return best;
}

function partsOf(g: GeoJsonGeometry): Pos[][] {
  const c = g.coordinates as never;
  if (g.type === 'LineString') return [c];
  if (g.type === 'MultiLineString' || g.type === 'Polygon') return c;
  if (g.type === 'MultiPolygon') return (c as Pos[][][]).flat();
  return [];
}

describe('map generalisation (maxAllowableOffset)', () => {
  it('asks for about one pixel, in degrees of latitude at the view\'s middle', () => {
    assert.equal(generalizeOffset(0.001, 0), 0.001);
    // cos(60°) = 0.5; three significant digits so that nearby views repeat the same request.
    assert.equal(generalizeOffset(0.001, 60), 0.0005);
    assert.equal(generalizeOffset(0.000123456, 35.5), Number((0.000123456 * Math.cos((35.5 * Math.PI) / 180)).toPrecision(3)));
  });

  it('sends maxAllowableOffset only when the query asks for it', () => {
    const target = { layerUrl: 'https://example.test/FeatureServer/0', objectIdField: 'OBJECTID', maxRecordCount: 2000 };
    assert.equal(hubQueryParams({ returnGeometry: true, maxAllowableOffset: 0.00025 }, target, { offset: 0, count: 10 }).get('maxAllowableOffset'), '0.00025');
    assert.equal(hubQueryParams({ returnGeometry: true }, target, { offset: 0, count: 10 }).get('maxAllowableOffset'), null);
    assert.equal(hubQueryParams({ returnGeometry: true, maxAllowableOffset: 0 }, target).get('maxAllowableOffset'), null);
    assert.equal(hubObjectIdBatchParams({ returnGeometry: true, maxAllowableOffset: 0.01 }, target, [1, 2]).get('maxAllowableOffset'), '0.01');
  });

  describe('the fake FeatureServer', function () {
    // Whole layers through HTTP: slow on a loaded machine.
    this.timeout(20_000);
    let portal: FakePortal;
    const features = async (ds: FakeDataset, params: Record<string, string | number>): Promise<GeoJsonGeometry[]> => {
      const answer = await getJson(portal, `${ds.layerPath}/query?${query({ where: '1=1', outFields: 'OBJECTID', resultRecordCount: 500, f: 'geojson', ...params })}`);
      assert.ok(Array.isArray(answer.features), JSON.stringify(answer).slice(0, 300));
      return answer.features.map((f: { geometry: GeoJsonGeometry }) => f.geometry);
    };
    before(async () => {
      portal = await startFakePortal({ port: 0, bigRows: 1000 });
    });
    after(() => portal.close());

    for (const title of ['Bike Routes', 'Parks']) {
      it(`simplifies ${title} within the offset, in the answer's degrees, and keeps every feature`, async () => {
        const ds = portal.catalog.byTitle(title)!;
        const offset = 0.0015;
        const full = await features(ds, {});
        const simple = await features(ds, { maxAllowableOffset: offset });
        assert.equal(simple.length, full.length);
        let dropped = 0;
        full.forEach((g, i) => {
          const original = partsOf(g);
          const generalised = partsOf(simple[i]);
          assert.equal(generalised.length, original.length);
          original.forEach((part, k) => {
            const kept = generalised[k];
            assert.ok(kept.length >= (simple[i].type.endsWith('Polygon') ? 4 : 2), JSON.stringify(kept));
            assert.ok(kept.length <= part.length);
            assert.deepEqual(kept[0], part[0], 'the ends stay');
            assert.deepEqual(kept[kept.length - 1], part[part.length - 1]);
            dropped += part.length - kept.length;
            // Douglas-Peucker's promise, except where a ring keeps a triangle to stay a ring.
            if (kept.length > 4 || !simple[i].type.endsWith('Polygon')) for (const p of part) assert.ok(toLine(p, kept) <= offset + 1e-9, `${JSON.stringify(p)} is ${toLine(p, kept)} from ${JSON.stringify(kept)}`);
          });
        });
        assert.ok(dropped > 0, 'some vertices were dropped');
      });
    }

    it('measures the offset in outSR units and refuses a bad one', async () => {
      const ds = portal.catalog.byTitle('Bike Routes')!;
      const degrees = await getJson(portal, `${ds.layerPath}/query?${query({ where: '1=1', resultRecordCount: 50, f: 'json', outSR: 4326, maxAllowableOffset: 0.05 })}`);
      // 0.05 of a degree is 5 km: every route (a few hundred metres long) is two points.
      assert.ok(degrees.features.every((f: { geometry: { paths: Pos[][] } }) => f.geometry.paths[0].length === 2));
      // The same number in Web Mercator metres is 5 cm: nothing changes.
      const metres = await getJson(portal, `${ds.layerPath}/query?${query({ where: '1=1', resultRecordCount: 50, f: 'json', outSR: 3857, maxAllowableOffset: 0.05 })}`);
      const plain = await getJson(portal, `${ds.layerPath}/query?${query({ where: '1=1', resultRecordCount: 50, f: 'json', outSR: 3857 })}`);
      assert.deepEqual(metres.features, plain.features);
      assert.ok(plain.features.some((f: { geometry: { paths: Pos[][] } }) => f.geometry.paths[0].length > 2));
      const bad = await getJson(portal, `${ds.layerPath}/query?${query({ where: '1=1', f: 'json', maxAllowableOffset: 'wide' })}`);
      assert.equal(bad.error.code, 400);
    });
  });
});
