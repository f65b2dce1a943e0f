// Queries whose URL would be too long: the fake answers a long GET with 414 as ArcGIS servers
// do, and HubPortal sends such a query as a form POST. The grid of a 5,000-column layer names
// every field in outFields (about 30,000 characters), which once never came back.

import assert from 'node:assert/strict';
import { PortalHttp } from '../../../src/portal/http';
import { HubPortal, layerQuery, MAX_GET_URL_CHARS } from '../../../src/portal/hub';
import { isPortalError } from '../../../src/portal/errors';
import type { DatasetSummary } from '../../../src/portal/types';
import { HOSTILE_WIDE_TITLE, WIDE_COLUMNS } from '../../portal/data';
import { startFakePortal, MAX_REQUEST_TARGET, type FakePortal } from '../../portal/server';

describe('portal client: queries too long for a URL', function () {
  this.timeout(120_000);
  let fake: FakePortal;
  const http = () => new PortalHttp({ userAgent: 'okc-open-data-tests', retries: 1, backoffLimitMs: 5, timeoutMs: 60_000 });

  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 100 });
  });
  after(async () => {
    await fake.close();
  });

  it('layerQuery keeps a short query a GET and POSTs the same parameters once the URL is too long', () => {
    const short = layerQuery('http://x/FeatureServer/0', new URLSearchParams({ f: 'json', where: '1=1' }));
    assert.equal(short.method ?? 'GET', 'GET');
    assert.equal(short.searchParams?.get('where'), '1=1');
    const fields = Array.from({ length: 500 }, (_, i) => `C${i}`).join(',');
    const long = layerQuery('http://x/FeatureServer/0', new URLSearchParams({ f: 'json', outFields: fields }));
    assert.equal(long.method, 'POST');
    assert.equal(long.url, 'http://x/FeatureServer/0/query');
    assert.equal(long.contentType, 'application/x-www-form-urlencoded');
    assert.equal(new URLSearchParams(long.body).get('outFields'), fields);
    assert.ok(fields.length > MAX_GET_URL_CHARS);
  });

  it('the fake answers a GET longer than a server reads with 414, a clear refusal and no retry storm', async () => {
    const long = `${fake.baseUrl}/__fake/health?pad=${'x'.repeat(MAX_REQUEST_TARGET)}`;
    await assert.rejects(http().text({ url: long }), (error: unknown) => {
      assert.ok(isPortalError(error), String(error));
      assert.equal(error.details.status, 414);
      return true;
    });
  });

  it('a page of the 5,000-column layer naming every field is POSTed and brings every field back', async () => {
    const portal = new HubPortal({ name: 'Fake Hub', kind: 'hub', url: fake.baseUrl }, http(), { token: async () => undefined });
    const dataset = (await portal.listDatasets()).find((d) => d.title === HOSTILE_WIDE_TITLE) as DatasetSummary;
    assert.ok(dataset, 'the fake lists the wide layer');
    const schema = await portal.getSchema(dataset);
    const fields = schema.fields.filter((f) => f.kind !== 'geometry').map((f) => f.name);
    assert.equal(fields.length, WIDE_COLUMNS);
    const query = { fields, returnGeometry: false };
    fake.requests.length = 0;
    assert.equal(await portal.countRows(dataset, query), 30);
    const page = await portal.queryPage(dataset, query, 0, 10);
    assert.equal(page.rows.length, 10);
    assert.equal(Object.keys(page.rows[0].attributes).length, WIDE_COLUMNS);
    assert.equal(page.rows[0].attributes.C4999, 'r1c4999');
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/query'));
    assert.equal(posts.length, 1, JSON.stringify(fake.requests.map((r) => `${r.method} ${r.status} ${r.url.slice(0, 120)}`)));
    assert.ok(fake.requests.every((r) => r.status === 200), 'every request answered 200');
  });
});
