// The fake portal's old-server profile (ArcGIS Server 10.x) and HubPortal on it: the fake
// refuses what a 10.x server refuses, and the client reads the layer's capabilities, pages by
// object id and converts esri geometry, so rows and shapes equal the fake's own data.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortalHttp } from '../../../src/portal/http';
import { HubPortal } from '../../../src/portal/hub';
import { MAX_LOCAL_SORT_ROWS } from '../../../src/portal/idPaging';
import type { DatasetSummary } from '../../../src/portal/types';
import type { DatasetQuery } from '../../../src/query/model';
import type { FakeDataset } from '../../portal/data';
import { OLD_NULL_GEOMETRY_EVERY, OLD_SERVER_ENTRIES } from '../../portal/oldServer';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { expectedRows } from '../../snippets/oracle';

const SAMPLES = join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'oldserver', 'samples');
const UNABLE = JSON.parse(readFileSync(join(SAMPLES, 'query-error-400-unable-to-complete.json'), 'utf8'));

const HYDRANTS = 'Old Server Fire Hydrants';

describe('old ArcGIS Server layers (fake 10.x profile)', function () {
  this.timeout(60_000);
  let fake: FakePortal;
  let hub: HubPortal;
  let datasets: DatasetSummary[];
  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 5000 });
    hub = new HubPortal({ name: 'OKC', kind: 'hub', url: fake.baseUrl }, new PortalHttp({ userAgent: 'okc-test', retries: 1, backoffLimitMs: 20 }), { token: async () => undefined });
    datasets = await hub.listDatasets();
  });
  after(async () => fake.close());

  const truth = (title: string): FakeDataset => fake.catalog.byTitle(title)!;
  const summary = (title: string): DatasetSummary => {
    const d = datasets.find((x) => x.title === title);
    assert.ok(d, `${title} is in the catalog`);
    return d;
  };
  const get = async (path: string): Promise<unknown> => (await fetch(`${fake.baseUrl}${path}`)).json();
  const layerQuery = (ds: FakeDataset, params: string) => get(`${ds.layerPath}/query?${params}`);

  describe('the fake answers like a 10.x server', () => {
    it('refuses f=geojson, resultOffset and resultRecordCount with the 10.22 error body', async () => {
      const ds = truth(HYDRANTS);
      assert.deepEqual(await layerQuery(ds, 'where=1%3D1&f=geojson'), UNABLE);
      assert.deepEqual(await layerQuery(ds, 'where=1%3D1&f=json&resultOffset=0'), UNABLE);
      assert.deepEqual(await layerQuery(ds, 'where=1%3D1&f=json&resultRecordCount=10'), UNABLE);
      const ok = (await layerQuery(ds, 'where=1%3D1&f=json&outFields=*')) as { features: unknown[]; exceededTransferLimit?: boolean; fieldAliases?: unknown };
      assert.equal(ok.features.length, 1000);
      assert.equal(ok.exceededTransferLimit, true);
      assert.ok(ok.fieldAliases, '10.x answers carry fieldAliases');
    });

    it('lists ids unsorted and ignores orderByFields for returnIdsOnly', async () => {
      const ds = truth(HYDRANTS);
      const answer = (await layerQuery(ds, 'where=1%3D1&f=json&returnIdsOnly=true&orderByFields=objectid%20DESC')) as { objectIdFieldName: string; objectIds: number[] };
      assert.equal(answer.objectIdFieldName, 'objectid');
      assert.equal(answer.objectIds.length, ds.rowCount);
      assert.notDeepEqual(answer.objectIds, [...answer.objectIds].sort((a, b) => a - b), 'not in id order');
      assert.notDeepEqual(answer.objectIds, [...answer.objectIds].sort((a, b) => b - a), 'orderByFields ignored');
      // the same envelope as the real 10.22 answer
      const real = JSON.parse(readFileSync(join(SAMPLES, 'query-ids-only.json'), 'utf8'));
      assert.deepEqual(Object.keys(answer), Object.keys(real));
    });

    it('lists one layer per geometry type in the "Old server" group', () => {
      const types = OLD_SERVER_ENTRIES.map((e) => truth(e.title).geometryType).sort();
      assert.deepEqual(types, ['esriGeometryMultipoint', 'esriGeometryPoint', 'esriGeometryPolygon', 'esriGeometryPolyline']);
      for (const e of OLD_SERVER_ENTRIES) assert.deepEqual(summary(e.title).groups, ['Old server']);
    });
  });

  describe('HubPortal follows the layer capabilities', () => {
    it('reads the capabilities and the lowercase objectid', async () => {
      const schema = await hub.getSchema(summary(HYDRANTS));
      assert.deepEqual(schema.queryCapabilities, { geoJson: false, pagination: false, orderBy: true });
      assert.equal(schema.objectIdField, 'objectid');
      assert.equal(schema.maxRecordCount, 1000);
      const current = await hub.getSchema(summary('Fire Stations'));
      assert.deepEqual(current.queryCapabilities, { geoJson: true, pagination: true, orderBy: true, standardMaxRecordCount: 32000, maxRecordCountFactor: true, pbf: true });
    });

    it('pages every row by object id, the last page included, and never sends resultOffset or f=geojson', async () => {
      const ds = truth(HYDRANTS);
      const d = summary(HYDRANTS);
      fake.requests.length = 0;
      const all = [];
      for (let offset = 0; offset < ds.rowCount; offset += 1000) {
        const page = await hub.queryPage(d, {}, offset, 1000);
        all.push(...page.rows);
        assert.equal(page.more, offset + 1000 < ds.rowCount);
      }
      assert.equal(all.length, ds.rowCount);
      all.forEach((row, i) => assert.deepEqual(row.attributes, ds.attributesAt(i), `row ${i}`));
      const last = await hub.queryPage(d, {}, ds.rowCount - 1, 50);
      assert.deepEqual(last.rows.map((r) => r.attributes), [ds.attributesAt(ds.rowCount - 1)]);
      assert.equal(last.more, false);
      assert.equal(await hub.countRows(d, {}), ds.rowCount);
      const queries = fake.requests.filter((r) => r.url.split('?')[0].endsWith('/query'));
      assert.equal(queries.filter((r) => r.url.includes('returnIdsOnly=true')).length, 1, 'ids asked once');
      assert.equal(queries.filter((r) => r.method === 'POST').length, 4, 'three batches of ids, then the last row');
      assert.ok(queries.every((r) => !/resultOffset|resultRecordCount|f=geojson/.test(r.url)));
      assert.ok(queries.every((r) => r.status === 200));
    });

    it('converts each geometry type to the GeoJSON the fake holds: holes, parts, multipoints, null', async () => {
      for (const e of OLD_SERVER_ENTRIES) {
        const ds = truth(e.title);
        const page = await hub.queryPage(summary(e.title), { returnGeometry: true }, 0, 200);
        assert.equal(page.rows.length, Math.min(200, ds.rowCount));
        page.rows.forEach((row, i) => assert.deepEqual(row.geometry, ds.rowAt(i).geometry, `${e.title} row ${i}`));
      }
      const points = (await hub.queryPage(summary(HYDRANTS), { returnGeometry: true }, 0, 100)).rows;
      assert.equal(points[OLD_NULL_GEOMETRY_EVERY - 1].geometry, null);
      const parcels = (await hub.queryPage(summary('Old Server Parcels'), { returnGeometry: true }, 0, 10)).rows;
      assert.ok(parcels.some((r) => r.geometry?.type === 'MultiPolygon') && parcels.every((r) => (r.geometry!.coordinates as unknown[]).length === 2));
    });

    const windows: [string, DatasetQuery][] = [
      ['a filter with offset and limit', { filters: [{ field: 'ward', op: '<=', value: 4 }], offset: 130, limit: 700, fields: ['objectid', 'ward', 'status'] }],
      ['a sort on another field (descending, nulls last), ties by object id', { sort: [{ field: 'diameter', descending: true }], fields: ['facilityid', 'diameter'] }],
      ['a two-key sort on strings then dates', { sort: [{ field: 'status' }, { field: 'installdate', descending: true }], limit: 1500 }],
      ['object id descending', { sort: [{ field: 'objectid', descending: true }], offset: 5 }],
      ['a bounding box', { spatial: { kind: 'bbox', xmin: -97.6, ymin: 35.4, xmax: -97.4, ymax: 35.6 } }],
    ];
    for (const [name, query] of windows) {
      it(`pages ${name} in the query's order`, async () => {
        const ds = truth(HYDRANTS);
        const want = expectedRows(ds, query);
        const got = [];
        for (let offset = 0; ; offset += 1000) {
          const page = await hub.queryPage(summary(HYDRANTS), query, offset, 1000);
          got.push(...page.rows.map((r) => r.attributes));
          if (!page.more) break;
        }
        assert.equal(got.length, want.length);
        got.forEach((row, i) => assert.deepEqual(row, want[i], `row ${i}`));
        if (query.fields) assert.deepEqual(Object.keys(got[0]), query.fields, 'only the fields asked');
      });
    }

    it('hands raw pages to the CSV fast path only when the server orders them', async () => {
      const d = summary(HYDRANTS);
      const raw = await hub.queryPageRaw(d, {}, 1000, 1000);
      assert.ok(raw);
      const parsed = raw.parse();
      assert.deepEqual(parsed.rows.map((r) => r.attributes), Array.from({ length: 1000 }, (_, k) => truth(HYDRANTS).attributesAt(1000 + k)));
      assert.equal(await hub.queryPageRaw(d, { sort: [{ field: 'status' }] }, 0, 1000), undefined);
    });

    it('refuses, with a reason, to sort more rows here than it can', async () => {
      const big = fake.catalog.byTitle('Synthetic Performance Records')!;
      assert.ok(big.rowCount < MAX_LOCAL_SORT_ROWS, 'this test only checks the small case runs');
      big.serverProfile = 'old';
      try {
        const d = (await hub.listDatasets()).find((x) => x.title === big.title)!;
        hub.forget(d);
        const page = await hub.queryPage(d, { sort: [{ field: 'Amount' }] }, 0, 10);
        assert.deepEqual(page.rows.map((r) => r.attributes), expectedRows(big, { sort: [{ field: 'Amount' }], limit: 10 }));
      } finally {
        big.serverProfile = 'current';
      }
    });
  });
});
