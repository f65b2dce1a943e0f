// HubPortal's f=pbf geometry pages against the fake: asked only for compactGeometry queries on
// layers that list PBF, the same rows as JSON (geometry within a centimetre), errors with the
// JSON path's messages, and a layer whose PBF cannot be read falls back to JSON for the session.

import * as assert from 'node:assert/strict';
import { PortalError } from '../../../src/portal/errors';
import { PortalHttp } from '../../../src/portal/http';
import { HubPortal, pbfQuantization } from '../../../src/portal/hub';
import type { DatasetQuery } from '../../../src/query/model';
import type { DatasetSummary, RowPage } from '../../../src/portal/types';
import type { FaultRule } from '../../portal/faults';
import { startFakePortal, type FakePortal } from '../../portal/server';

const MAP_QUERY: DatasetQuery = { fields: ['OBJECTID'], returnGeometry: true, largePages: true, compactGeometry: true };
const JSON_QUERY: DatasetQuery = { fields: ['OBJECTID'], returnGeometry: true, largePages: true };

function maxDifference(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
  assert.ok(Array.isArray(a) && Array.isArray(b) && a.length === b.length);
  return Math.max(0, ...a.map((x, i) => maxDifference(x, b[i])));
}

async function failure(promise: Promise<unknown>): Promise<PortalError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PortalError, String(error));
    return error;
  }
  assert.fail('expected a PortalError');
}

describe('HubPortal f=pbf pages', function () {
  this.timeout(30_000);
  let fake: FakePortal;
  let hub: HubPortal;
  let datasets: DatasetSummary[];
  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 1000 });
  });
  beforeEach(async () => {
    // A new portal each test: the fallback to JSON lasts a session.
    hub = new HubPortal({ name: 'OKC', kind: 'hub', url: fake.baseUrl }, new PortalHttp({ userAgent: 'okc-open-data-test', retries: 1, backoffLimitMs: 20, timeoutMs: 3000 }), { token: async () => undefined });
    datasets = await hub.listDatasets();
  });
  afterEach(() => fake.faults.clear());
  after(async () => fake.close());

  const dataset = (title: string) => datasets.find((d) => d.title === title)!;
  /** Formats of the geometry page requests to the layer of `title` since request `since`. */
  const formats = (title: string, since: number) => fake.requests.slice(since)
    .map((r) => new URL(r.url, fake.baseUrl))
    .filter((u) => u.pathname === `${fake.catalog.byTitle(title)!.layerPath}/query` && u.searchParams.get('returnGeometry') === 'true')
    .map((u) => u.searchParams.get('f'));

  for (const title of ['Fire Stations', 'Bike Routes', 'Parks']) {
    it(`reads ${title} as PBF with the rows JSON gives`, async () => {
      const since = fake.requests.length;
      const pbf = await hub.queryPage(dataset(title), MAP_QUERY, 0, 5000);
      assert.deepEqual(formats(title, since), ['pbf']);
      const quantization = JSON.parse(new URL(fake.requests.at(-1)!.url, fake.baseUrl).searchParams.get('quantizationParameters')!);
      assert.equal(quantization.tolerance, 1e-7);
      const json = await hub.queryPage(dataset(title), JSON_QUERY, 0, 5000);
      assert.deepEqual(formats(title, since), ['pbf', 'geojson']);
      assert.equal(pbf.rows.length, json.rows.length);
      assert.equal(pbf.more, json.more);
      pbf.rows.forEach((row, i) => {
        assert.deepEqual(row.attributes, json.rows[i].attributes);
        if (!json.rows[i].geometry) return assert.equal(row.geometry, null);
        assert.equal(row.geometry!.type, json.rows[i].geometry!.type);
        assert.ok(maxDifference(row.geometry!.coordinates, json.rows[i].geometry!.coordinates) <= 0.5e-7 + 1e-9);
      });
    });
  }

  it('keeps JSON for queries that do not ask for compact geometry and for layers without PBF', async () => {
    const since = fake.requests.length;
    await hub.queryPage(dataset('Fire Stations'), JSON_QUERY, 0, 10);
    const parks = fake.catalog.byTitle('Parks')!;
    parks.noPbf = true;
    try {
      const other = new HubPortal({ name: 'OKC', kind: 'hub', url: fake.baseUrl }, new PortalHttp({ userAgent: 'okc-open-data-test' }), { token: async () => undefined });
      const page = await other.queryPage((await other.listDatasets()).find((d) => d.title === 'Parks')!, MAP_QUERY, 0, 10);
      assert.equal(page.rows.length, 10);
    } finally {
      parks.noPbf = undefined;
    }
    assert.deepEqual(formats('Fire Stations', since), ['geojson']);
    assert.deepEqual(formats('Parks', since), ['geojson']);
  });

  it('fails a PBF page with the messages of the JSON path: an ArcGIS error, a bot page', async () => {
    const ds = fake.catalog.byTitle('Parks')!;
    const messages = async (rule: Parameters<FakePortal['faults']['add']>[0]) => {
      fake.faults.set([rule]);
      const viaPbf = await failure(hub.queryPage(dataset('Parks'), MAP_QUERY, 0, 10));
      const viaJson = await failure(hub.queryPage(dataset('Parks'), JSON_QUERY, 0, 10));
      fake.faults.clear();
      return [viaPbf, viaJson].map((e) => [e.kind, e.message]);
    };
    const [pbfError, jsonError] = await messages({ path: `${ds.layerPath}/query`, query: 'returnGeometry=true', kind: 'arcgisError', status: 400, message: 'Unable to complete operation.' });
    assert.deepEqual(pbfError, jsonError);
    assert.deepEqual(pbfError, ['refused', 'Unable to complete operation.']);
    const [pbfBot, jsonBot] = await messages({ path: `${ds.layerPath}/query`, kind: 'botChallenge' });
    assert.deepEqual(pbfBot, jsonBot);
    assert.equal(pbfBot[0], 'botChallenge');
    // The PBF path still works afterwards: errors are not a reason to stop asking for it.
    const since = fake.requests.length;
    await hub.queryPage(dataset('Parks'), MAP_QUERY, 0, 10);
    assert.deepEqual(formats('Parks', since), ['pbf']);
  });

  /** Two map pages of Bike Routes with `fault` on its f=pbf requests: the first PBF request
   * fails, that page and the next come as GeoJSON, and every row is there. */
  async function pagesAsJsonAfter(fault: Omit<FaultRule, 'path' | 'query'>): Promise<void> {
    const ds = fake.catalog.byTitle('Bike Routes')!;
    fake.faults.set([{ ...fault, path: `${ds.layerPath}/query`, query: '(^|&)f=pbf(&|$)' }]);
    const since = fake.requests.length;
    const first: RowPage = await hub.queryPage(dataset('Bike Routes'), MAP_QUERY, 0, 50);
    const second = await hub.queryPage(dataset('Bike Routes'), MAP_QUERY, 50, 50);
    assert.deepEqual(formats('Bike Routes', since), ['pbf', 'geojson', 'geojson']);
    assert.equal(first.rows.length, 50);
    assert.equal(second.rows.length, 50);
    assert.deepEqual(first.rows[0].geometry, ds.geometryAt(0));
  }

  it('asks again as JSON when the server refuses the PBF form of a page, and keeps to JSON once JSON answered', async () => {
    await pagesAsJsonAfter({ kind: 'arcgisError', status: 400, message: 'Invalid quantization parameters.' });
  });

  it('falls back to JSON for the session when a layer\'s PBF cannot be read', async () => {
    await pagesAsJsonAfter({ kind: 'corruptBody' });
    // Another layer still gets PBF.
    const again = fake.requests.length;
    await hub.queryPage(dataset('Parks'), MAP_QUERY, 0, 10);
    assert.deepEqual(formats('Parks', again), ['pbf']);
  });

  it('asks for a centimetre over the dataset, coarser only where integers would overflow', () => {
    assert.equal(pbfQuantization([-97.8, 35.3, -97.1, 35.7]).tolerance, 1e-7);
    const world = pbfQuantization(undefined);
    assert.deepEqual(world.extent, { xmin: -180, ymin: -90, xmax: 180, ymax: 90, spatialReference: { wkid: 4326 } });
    assert.ok((world.tolerance as number) * (2 ** 31 - 1) >= 360 && (world.tolerance as number) < 2e-7);
  });
});
