// HubPortal and LegacyPortal against the project's fake OKC portal: the catalog, schemas,
// pages and counts agree with the fake's own data, tokens go where each kind expects them,
// and every fault becomes the typed error the UI explains.

import * as assert from 'node:assert/strict';
import { PortalError } from '../../../src/portal/errors';
import { PortalHttp } from '../../../src/portal/http';
import { HubPortal, siteDatasetCollection } from '../../../src/portal/hub';
import { LegacyPortal } from '../../../src/portal/legacy';
import type { DatasetSummary } from '../../../src/portal/types';
import { SITE_COLLECTION_ID } from '../../portal/hub';
import { startFakePortal, type FakePortal } from '../../portal/server';

const noToken = { token: async () => undefined };

function client(): PortalHttp {
  return new PortalHttp({ userAgent: 'okc-open-data-test', retries: 2, backoffLimitMs: 20, timeoutMs: 3000, maxRetryAfterMs: 2000 });
}

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof PortalError, String(error));
    return error.kind;
  }
}

describe('siteDatasetCollection', () => {
  const api = 'https://open-okc.hub.arcgis.com/api/search/v1';
  const items = (id: string, href?: string) => ({ id, links: [{ rel: 'items', href: href ?? `${api}/collections/${id}/items` }] });
  it('takes the collection the site\'s catalog keys `dataset`, whatever its id, and never `all`', () => {
    const list = [{ ...items('all'), key: 'dataset' }, { ...items('collectionab12'), key: 'appAndMap' }, { ...items('collectiondm3n84mi'), key: 'dataset' }];
    assert.equal(siteDatasetCollection(list, api), `${api}/collections/collectiondm3n84mi/items`);
  });
  it('falls back to the id `dataset`, and finds nothing in a list of `all` only', () => {
    assert.equal(siteDatasetCollection([items('all'), { id: 'dataset', title: 'Data' }], api), `${api}/collections/dataset/items`);
    assert.equal(siteDatasetCollection([items('all'), 'x', null, { key: 'dataset' }], api), undefined);
  });
  it('follows a listed items link only on the site itself', () => {
    const elsewhere = { ...items('collectiondm3n84mi', 'https://evil.example/collect?x=1'), key: 'dataset' };
    assert.equal(siteDatasetCollection([elsewhere], api), `${api}/collections/collectiondm3n84mi/items`);
    const onSite = { ...items('c1', `${api}/collections/c1/items?limit=5`), key: 'dataset' };
    assert.equal(siteDatasetCollection([onSite], api), `${api}/collections/c1/items`);
  });
});

describe('portals against the fake OKC portal', function () {
  this.timeout(30_000);
  let fake: FakePortal;
  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 50_000 });
  });
  after(async () => fake.close());
  afterEach(() => fake.faults.clear());

  const hub = (): HubPortal => new HubPortal({ name: 'OKC', kind: 'hub', url: fake.baseUrl }, client(), noToken);
  const legacy = (): LegacyPortal => new LegacyPortal({ name: 'Legacy', kind: 'legacy', url: fake.baseUrl }, client(), noToken);
  const find = (list: DatasetSummary[], title: string): DatasetSummary => {
    const d = list.find((x) => x.title === title);
    assert.ok(d, `${title} listed`);
    return d;
  };

  describe('HubPortal', () => {
    it('lists every dataset with its category, licence, update frequency and endpoints', async () => {
      const list = await hub().listDatasets();
      assert.ok(list.length >= 60, `${list.length} datasets`);
      const zones = find(list, 'Work Zones');
      const truth = fake.catalog.byTitle('Work Zones')!;
      assert.equal(zones.id, truth.hubId);
      assert.deepEqual(zones.groups, truth.groups);
      assert.match(zones.updateFrequency ?? '', /updated/i);
      assert.ok(zones.license);
      assert.equal(zones.apiUrl, `${fake.baseUrl}${truth.layerPath}`);
      assert.ok(zones.downloads.some((x) => x.format === 'csv'));
      assert.ok(zones.downloads.some((x) => x.format === 'geojson'));
    });

    it('works from a DCAT feed URL under a second portal name', async () => {
      const other = new HubPortal({ name: 'Another city', kind: 'hub', url: `${fake.baseUrl}/api/feed/dcat-us/1.1.json` }, client(), noToken);
      const list = await other.listDatasets();
      assert.ok(list.length >= 60);
      assert.ok(list.every((d) => d.portal === 'Another city'));
    });

    it('reads a schema with its object id, page cap and size', async () => {
      const p = hub();
      const land = find(await p.listDatasets(), 'Land Documents');
      const schema = await p.getSchema(land);
      const truth = fake.catalog.byTitle('Land Documents')!;
      assert.equal(schema.objectIdField, truth.objectIdField);
      assert.equal(schema.maxRecordCount, truth.maxRecordCount);
      assert.equal(schema.recordCount, 33_986);
      assert.ok(schema.fields.some((f) => f.kind === 'date'));
    });

    it('pages by the object id and stops at the page cap with more=true', async () => {
      const p = hub();
      const land = find(await p.listDatasets(), 'Land Documents');
      const truth = fake.catalog.byTitle('Land Documents')!;
      const page = await p.queryPage(land, {}, 0, 5000);
      assert.equal(page.rows.length, truth.maxRecordCount);
      assert.equal(page.more, true);
      const last = await p.queryPage(land, {}, truth.rowCount - 3, 10);
      assert.equal(last.rows.length, 3);
      assert.equal(last.more, false);
      assert.equal(last.rows[2].attributes[truth.objectIdField], truth.oidAt(truth.rowCount - 1));
    });

    it('filters, sorts and counts on the server like the fake\'s own data', async () => {
      const p = hub();
      const zones = find(await p.listDatasets(), 'Work Zones');
      const truth = fake.catalog.byTitle('Work Zones')!;
      const all = Array.from({ length: truth.rowCount }, (_, i) => truth.attributesAt(i));
      const worktype = String(all[0].Worktype);
      const expected = all.filter((r) => r.Worktype === worktype);
      const query = { filters: [{ field: 'Worktype', op: '=' as const, value: worktype }], sort: [{ field: truth.objectIdField, descending: true }] };
      assert.equal(await p.countRows(zones, query), expected.length);
      const page = await p.queryPage(zones, query, 0, 1000);
      assert.deepEqual(
        page.rows.map((r) => r.attributes[truth.objectIdField]),
        expected.map((r) => r[truth.objectIdField]).sort((a, b) => Number(b) - Number(a)),
      );
    });

    it('hands over raw esri JSON pages that parse to what queryPage returns, retrying a cut body', async () => {
      const p = hub();
      const list = await p.listDatasets();
      const zones = find(list, 'Work Zones');
      const raw = await p.queryPageRaw(zones, {}, 10, 25);
      assert.ok(raw);
      assert.equal(raw.format, 'esri-json');
      assert.deepEqual(raw.parse(), await p.queryPage(zones, {}, 10, 25));
      // Geometry comes as raw GeoJSON pages.
      const geojson = await p.queryPageRaw(zones, { returnGeometry: true }, 0, 5);
      assert.equal(geojson?.format, 'geojson');
      assert.deepEqual(geojson.parse(), await p.queryPage(zones, { returnGeometry: true }, 0, 5));
      fake.faults.set([{ path: '/usrsvcs/', kind: 'truncated', times: 1 }]);
      fake.requests.length = 0;
      assert.deepEqual((await p.queryPageRaw(zones, {}, 10, 25))?.parse(), raw.parse());
      assert.deepEqual(fake.requests.map((r) => r.fault), ['truncated', undefined]);
      fake.faults.set([{ path: '/usrsvcs/', kind: 'botChallenge' }]);
      const challenged = await p.queryPageRaw(zones, {}, 10, 25);
      assert.equal(await kindOf(Promise.resolve().then(() => challenged?.parse())), 'botChallenge');
    });

    it('returns WGS84 GeoJSON geometry when asked', async () => {
      const p = hub();
      const stations = find(await p.listDatasets(), 'Fire Stations');
      const page = await p.queryPage(stations, { returnGeometry: true }, 0, 5);
      const geometry = page.rows[0].geometry as { type: string; coordinates: number[] };
      assert.equal(geometry.type, 'Point');
      assert.ok(geometry.coordinates[0] < -96 && geometry.coordinates[0] > -99, `longitude ${geometry.coordinates[0]}`);
      assert.ok(geometry.coordinates[1] > 34 && geometry.coordinates[1] < 37, `latitude ${geometry.coordinates[1]}`);
    });

    it('sends a token in the X-Esri-Authorization header, never in a URL, and a protected layer answers', async () => {
      const p = new HubPortal({ name: 'OKC', kind: 'hub', url: fake.baseUrl }, client(), { token: async () => 'TOKEN-abc' });
      const stations = find(await p.listDatasets(), 'Fire Stations');
      const truth = fake.catalog.byTitle('Fire Stations')!;
      truth.token = 'TOKEN-abc';
      try {
        fake.requests.length = 0;
        const page = await p.queryPage(stations, {}, 0, 1);
        assert.equal(page.rows.length, 1);
        assert.equal(await p.countRows(stations, {}), truth.rowCount);
        const layerRequests = fake.requests.filter((r) => r.url.includes('/FeatureServer'));
        assert.ok(layerRequests.length >= 3, `${layerRequests.length} layer requests`);
        assert.deepEqual(layerRequests.filter((r) => r.headers['x-esri-authorization'] !== 'Bearer TOKEN-abc').map((r) => r.url), []);
        assert.deepEqual(fake.requests.filter((r) => r.url.includes('TOKEN-abc')).map((r) => r.url), []);
        assert.ok(!p.queryUrl(stations, {}).includes('TOKEN-abc'));
      } finally {
        delete truth.token;
      }
    });

    it('sends the token in a POST form body to a 10.x server that ignores the header', async () => {
      const p = new HubPortal({ name: 'OKC', kind: 'hub', url: fake.baseUrl }, client(), { token: async () => 'TOKEN-old' });
      const hydrants = find(await p.listDatasets(), 'Old Server Fire Hydrants');
      const truth = fake.catalog.byTitle('Old Server Fire Hydrants')!;
      truth.token = 'TOKEN-old';
      try {
        fake.requests.length = 0;
        assert.equal((await p.queryPage(hydrants, {}, 0, 5)).rows.length, 5);
        assert.equal(await p.countRows(hydrants, {}), truth.rowCount);
        const layerRequests = fake.requests.filter((r) => r.url.includes('/FeatureServer'));
        // The first request tried the header and met 499; each since went as a form.
        assert.equal(layerRequests[0].headers['x-esri-authorization'], 'Bearer TOKEN-old');
        const afterFirst = layerRequests.filter((r) => !r.headers['x-esri-authorization']);
        assert.ok(afterFirst.length >= 3, `${afterFirst.length} requests with the token in a form`);
        assert.deepEqual(afterFirst.filter((r) => r.method !== 'POST' || new URLSearchParams(r.form).get('token') !== 'TOKEN-old').map((r) => r.url), []);
        assert.ok(layerRequests.filter((r) => r.headers['x-esri-authorization']).length <= 2, 'the header is tried once per request in flight, then dropped');
        assert.deepEqual(fake.requests.filter((r) => r.url.includes('TOKEN-old')).map((r) => r.url), []);
      } finally {
        delete truth.token;
      }
    });

    it('reports a malformed feed, a truncated feed and a bot-challenge page as typed errors', async () => {
      for (const [kind, expected] of [
        ['malformedJson', 'malformed'],
        ['truncated', 'network'],
        ['botChallenge', 'botChallenge'],
        ['reset', 'network'],
      ] as const) {
        fake.faults.set([{ path: '/api/feed', kind }]);
        assert.equal(await kindOf(hub().listDatasets()), expected, kind);
      }
    });

    it('rides out a short 429 and a transient 503 with retries', async () => {
      fake.faults.set([{ path: '/api/feed', kind: 'rateLimit', retryAfterSeconds: 1, times: 1 }]);
      assert.equal(await kindOf(hub().listDatasets()), 'ok');
      fake.faults.set([{ path: '/api/feed', kind: 'status5xx', status: 503, times: 2 }]);
      assert.equal(await kindOf(hub().listDatasets()), 'ok');
    });

    it('gives up on a persistent 5xx and a persistent 429', async () => {
      fake.faults.set([{ path: '/api/feed', kind: 'status5xx', status: 500 }]);
      assert.equal(await kindOf(hub().listDatasets()), 'server');
      fake.faults.set([{ path: '/api/feed', kind: 'rateLimit', retryAfterSeconds: 0 }]);
      assert.equal(await kindOf(hub().listDatasets()), 'rateLimited');
    });

    it('survives a slow drip and added latency', async () => {
      fake.faults.set([{ path: '/api/feed', kind: 'slowDrip', ms: 1 }]);
      assert.equal(await kindOf(hub().listDatasets()), 'ok');
      fake.faults.set([{ path: '/api/feed', kind: 'latency', ms: 300 }]);
      assert.equal(await kindOf(hub().listDatasets()), 'ok');
    });

    it('finds the site\'s dataset collection in the Search API\'s collection list, once per portal, never `all` or `dataset`', async () => {
      const portal = hub();
      const from = fake.requests.length;
      await portal.listDatasets();
      await portal.listDatasets();
      const paths = fake.requests.slice(from).map((r) => r.url.split('?')[0]).filter((u) => u.startsWith('/api/search/'));
      assert.equal(paths.filter((u) => u === '/api/search/v1/collections').length, 1, 'the list is read once');
      assert.ok(paths.includes(`/api/search/v1/collections/${SITE_COLLECTION_ID}/items`), paths.join(' '));
      assert.deepEqual(paths.filter((u) => /\/collections\/(all|dataset)\b/.test(u)), []);
      assert.equal(portal.listingNotes?.groupsUnavailable, undefined);
    });

    it('lists the catalog and says why when the site\'s categories cannot be had', async () => {
      fake.faults.set([{ path: '/api/search/v1/collections/', query: 'startindex=1(&|$)', kind: 'status5xx', status: 503 }]);
      const portal = hub();
      const list = await portal.listDatasets();
      assert.ok(list.length >= 60, `${list.length} datasets`);
      assert.match(portal.listingNotes?.groupsUnavailable ?? '', /server error \(HTTP 503\)/);
      assert.notDeepEqual(find(list, 'Work Zones').groups, fake.catalog.byTitle('Work Zones')!.groups, 'grouped by feed themes instead');
    });
  });

  describe('LegacyPortal', () => {
    it('lists the same datasets by name with their groups', async () => {
      const list = await legacy().listDatasets();
      assert.ok(list.length >= 60);
      const stations = find(list, 'Fire Stations');
      assert.deepEqual(stations.groups, [fake.catalog.byTitle('Fire Stations')!.groups[0]]);
      assert.match(stations.apiUrl ?? '', /records\/Fire%20Stations$/);
    });

    it('types the all-string records: numbers, nulls for "Not Available", points from lat,lon,zoom', async () => {
      const p = legacy();
      const stations = find(await p.listDatasets(), 'Fire Stations');
      const truth = fake.catalog.byTitle('Fire Stations')!;
      const schema = await p.getSchema(stations);
      assert.ok(schema.fields.some((f) => f.nativeType === 'System.Int32'));
      const page = await p.queryPage(stations, { returnGeometry: true }, 0, 1000);
      assert.equal(page.rows.length, truth.rowCount);
      const numeric = schema.fields.find((f) => f.kind === 'integer' && f.kind !== undefined)!;
      assert.equal(typeof page.rows[0].attributes[numeric.name], 'number');
      const point = page.rows[0].geometry as { type: string; coordinates: number[] };
      assert.equal(point.type, 'Point');
      assert.ok(point.coordinates[0] < -96 && point.coordinates[1] > 34);
      const values = page.rows.flatMap((r) => Object.values(r.attributes));
      assert.ok(!values.includes('Not Available'));
    });

    it('sorts on the server with POST and pages locally', async () => {
      const p = legacy();
      const zones = find(await p.listDatasets(), 'Work Zones');
      const schema = await p.getSchema(zones);
      const oid = schema.objectIdField!;
      const first = await p.queryPage(zones, { sort: [{ field: oid, descending: true }] }, 0, 10);
      const truth = fake.catalog.byTitle('Work Zones')!;
      assert.equal(first.rows[0].attributes[oid], truth.oidAt(truth.rowCount - 1));
      assert.equal(first.more, true);
      assert.ok(fake.requests.some((r) => r.method === 'POST'));
    });

    it('sends its token as the X-Api-Key header', async () => {
      const p = new LegacyPortal({ name: 'Legacy', kind: 'legacy', url: fake.baseUrl }, client(), { token: async () => 'KEY-1' });
      fake.requests.length = 0;
      await p.listDatasets();
      assert.equal(fake.requests.at(-1)?.headers['x-api-key'], 'KEY-1');
      assert.ok(!fake.requests.at(-1)?.url.includes('KEY-1'));
    });

    it('names the bot-challenge page for what it is', async () => {
      fake.faults.set([{ path: '/services/portal', kind: 'botChallenge' }]);
      assert.equal(await kindOf(legacy().listDatasets()), 'botChallenge');
    });
  });
});
