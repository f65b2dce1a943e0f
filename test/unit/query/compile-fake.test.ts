// The compiled requests against the fake portal: typed where clauses (dates as timestamp
// literals), counts, paging windows and legacy POST bodies give the rows the data holds.

import assert from 'node:assert/strict';
import { hubCountParams, hubQueryParams, legacyRequest } from '../../../src/query/compile';
import type { DatasetQuery } from '../../../src/query/model';
import type { FakeDataset } from '../../portal/data';
import { startFakePortal } from '../../portal/server';
import { hubLayerFacts, type LayerFacts } from '../../snippets/cases';
import { expectedLegacyRows, expectedRows } from '../../snippets/oracle';

type FakePortal = Awaited<ReturnType<typeof startFakePortal>>;


function target(portal: FakePortal, ds: FakeDataset): LayerFacts {
  return hubLayerFacts(portal.baseUrl, ds);
}

async function getJson(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, init);
  assert.equal(response.status, 200, url);
  const body = (await response.json()) as Record<string, unknown>;
  assert.equal(body.error, undefined, JSON.stringify(body.error));
  return body;
}

describe('compiled queries against the fake portal', function () {
  this.timeout(30_000);
  let portal: FakePortal;

  before(async () => {
    portal = await startFakePortal({ port: 0, bigRows: 5000 });
  });

  after(async () => {
    await portal?.close();
  });

  it('filters a date field with timestamp literals and a string field by value', async () => {
    const ds = portal.catalog.byTitle('Public Infrastructure Projects') as FakeDataset;
    const query: DatasetQuery = {
      filters: [
        { field: 'planstart', op: '>=', value: '2015-06-01' },
        { field: 'projtype', op: '=', value: 'Transportation' },
        { field: 'estcost', op: '<', value: '2000000' },
      ],
      fields: ['OBJECTID', 'planstart', 'projtype', 'estcost'],
      sort: [{ field: 'planstart', descending: true }],
    };
    const t = target(portal, ds);
    const page = await getJson(`${t.layerUrl}/query?${hubQueryParams(query, t).toString()}`);
    const rows = (page.features as { attributes: Record<string, unknown> }[]).map((f) => f.attributes);
    const cutoff = Date.UTC(2015, 5, 1);
    const want = expectedRows(ds, { ...query, filters: [{ field: 'planstart', op: '>=', value: cutoff }, ...(query.filters ?? []).slice(1).map((f) => (f.field === 'estcost' ? { ...f, value: 2000000 } : f))] });
    assert.ok(want.length > 5, 'the filter keeps some rows');
    assert.deepEqual(rows, want);
    const count = await getJson(`${t.layerUrl}/query?${hubCountParams(query, t).toString()}`);
    assert.equal(count.count, want.length);
  });

  it('pages a window across several requests without gaps or repeats', async () => {
    const ds = portal.catalog.byTitle('Overlay Parcel Zoning') as FakeDataset;
    const query: DatasetQuery = { offset: 1500, limit: 900, fields: ['OBJECTID', 'CODE'] };
    const t = target(portal, ds);
    const rows: unknown[] = [];
    for (let offset = 0; offset < 900; offset += 400) {
      const page = await getJson(`${t.layerUrl}/query?${hubQueryParams(query, t, { offset, count: 400 }).toString()}`);
      rows.push(...(page.features as { attributes: unknown }[]).map((f) => f.attributes));
    }
    assert.deepEqual(rows, expectedRows(ds, query));
  });

  it('counts a spatial query like the data says', async () => {
    const ds = portal.catalog.byTitle('Work Zones') as FakeDataset;
    const query: DatasetQuery = { spatial: { kind: 'near', longitude: -97.52, latitude: 35.47, meters: 4000 } };
    const t = target(portal, ds);
    const count = await getJson(`${t.layerUrl}/query?${hubCountParams(query, t).toString()}`);
    const want = expectedRows(ds, query).length;
    assert.ok(want > 0);
    assert.equal(count.count, want);
  });

  it('posts legacy sort and a buffered point, and never the filters (the Records API documents none)', async () => {
    const ds = portal.catalog.byLegacyName('Hotel Motel Tax') as FakeDataset;
    const query: DatasetQuery = {
      join: 'or',
      filters: [
        { field: 'Object_ID', op: '<', value: 40 },
        { field: 'Object_ID', op: 'in', value: [100, 101, 350] },
      ],
      sort: [{ field: 'Object_ID', descending: true }],
      spatial: { kind: 'near', longitude: -97.52, latitude: 35.47, meters: 9000 },
    };
    const request = legacyRequest(query, portal.baseUrl, ds.legacyName);
    assert.equal(request.method, 'POST');
    assert.ok(!JSON.stringify(request.body).includes('filter'), `undocumented filter parameters sent: ${JSON.stringify(request.body)}`);
    const body = await getJson(request.url, { method: 'POST', headers: { 'content-type': 'text/json' }, body: JSON.stringify(request.body) });
    const names = (body.Fields as { FieldName: string }[]).map((f) => f.FieldName);
    const rows = (body.Records as string[][]).map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
    // The portal applies the sort and the area; the extension filters what comes back.
    const want = await expectedLegacyRows(portal.baseUrl, ds, { ...query, filters: undefined, join: undefined });
    assert.ok(want.length > 0);
    assert.deepEqual(rows, want);
  });
});
