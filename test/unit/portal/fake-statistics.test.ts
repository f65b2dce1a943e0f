// The fake FeatureServer's statistics queries: the envelope and field naming of the real samples,
// lower-cased names on the PostgreSQL-style service, grouped and filtered figures, having, order
// and paging of groups, distinct values, the layers' capability flags and the errors real servers give.

import * as assert from 'node:assert/strict';
import { BIG_TITLE } from '../../portal/data';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { getJson, query, type Loose } from './fake-http';

const stat = (statisticType: string, onStatisticField: string, outStatisticFieldName?: string) =>
  ({ statisticType, onStatisticField, ...(outStatisticFieldName === undefined ? {} : { outStatisticFieldName }) });

describe('fake FeatureServer statistics', function () {
  this.timeout(30_000);
  let fake: FakePortal;
  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 5000 });
  });
  after(async () => fake?.close());

  const ask = (title: string, params: Record<string, string | number | boolean>): Promise<Loose> =>
    getJson(fake, `${fake.catalog.byTitle(title)!.layerPath}/query?${query({ f: 'json', where: '1=1', ...params })}`);

  it('answers min and max in the sample\'s envelope, names as sent, types from the field', async () => {
    const body = await ask('Land Documents', { outStatistics: JSON.stringify([stat('min', 'Date', 'THE_MIN'), stat('max', 'OBJECTID', 'THE_MAX')]) });
    assert.deepEqual(Object.keys(body), ['displayFieldName', 'fieldAliases', 'fields', 'features']);
    assert.deepEqual(body.fieldAliases, { THE_MIN: 'THE_MIN', THE_MAX: 'THE_MAX' });
    assert.deepEqual(body.fields, [{ name: 'THE_MIN', type: 'esriFieldTypeDate', alias: 'THE_MIN' }, { name: 'THE_MAX', type: 'esriFieldTypeInteger', alias: 'THE_MAX' }]);
    const ds = fake.catalog.byTitle('Land Documents')!;
    let min = Infinity;
    for (let i = 0; i < ds.rowCount; i++) {
      const v = ds.attributesAt(i).Date;
      if (typeof v === 'number' && v < min) min = v;
    }
    assert.deepEqual(body.features, [{ attributes: { THE_MIN: min, THE_MAX: ds.oidAt(ds.rowCount - 1) } }]);
  });

  it('names unnamed statistics EXPR_n and folds names to lower case on the Performance service', async () => {
    const plain = await ask('Land Documents', { outStatistics: JSON.stringify([stat('count', 'OBJECTID')]) });
    assert.deepEqual(Object.keys(plain.features[0].attributes), ['EXPR_1']);
    const big = await ask(BIG_TITLE, { outStatistics: JSON.stringify([stat('count', 'OBJECTID', 'Records')]), groupByFieldsForStatistics: 'Category' });
    assert.deepEqual(Object.keys(big.features[0].attributes), ['Category', 'records']);
  });

  it('groups with a filter, orders by a statistic and pages the groups', async () => {
    const ds = fake.catalog.byTitle(BIG_TITLE)!;
    const expected = new Map<unknown, number>();
    for (let i = 0; i < ds.rowCount; i++) {
      const a = ds.attributesAt(i);
      if (a.Ward === 2) expected.set(a.Category, (expected.get(a.Category) ?? 0) + 1);
    }
    const ranked = [...expected].sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : 1));
    const params = { where: 'Ward = 2', outStatistics: JSON.stringify([stat('count', 'OBJECTID', 'n')]), groupByFieldsForStatistics: 'category', orderByFields: 'N DESC, Category ASC' };
    const all = await ask(BIG_TITLE, params);
    assert.deepEqual(all.features.map((f: Loose) => [f.attributes.Category, f.attributes.n]), ranked);
    assert.equal(all.exceededTransferLimit, undefined);
    const first = await ask(BIG_TITLE, { ...params, resultRecordCount: 3 });
    assert.equal(first.features.length, 3);
    assert.equal(first.exceededTransferLimit, true);
    const rest = await ask(BIG_TITLE, { ...params, resultOffset: 10 });
    assert.deepEqual(rest.features.map((f: Loose) => f.attributes.Category), ranked.slice(10).map((x) => x[0]));
  });

  it('filters groups with having over an aggregate', async () => {
    const body = await ask(BIG_TITLE, { outStatistics: JSON.stringify([stat('avg', 'Amount', 'mean')]), groupByFieldsForStatistics: 'Ward', having: 'COUNT(OBJECTID) > 630 AND AVG(Amount) > 0' });
    const ds = fake.catalog.byTitle(BIG_TITLE)!;
    const counts = new Map<unknown, number>();
    for (let i = 0; i < ds.rowCount; i++) counts.set(ds.attributesAt(i).Ward, (counts.get(ds.attributesAt(i).Ward) ?? 0) + 1);
    const wards = [...counts].filter(([, n]) => n > 630).map(([w]) => w).sort();
    assert.ok(wards.length > 0 && wards.length < 8, `some wards pass: ${wards}`);
    assert.deepEqual(body.features.map((f: Loose) => f.attributes.Ward), wards);
  });

  it('counts and lists distinct values (NULL is one)', async () => {
    const count = await ask(BIG_TITLE, { returnDistinctValues: true, outFields: 'Status', returnCountOnly: true });
    assert.deepEqual(count, { count: 5 });
    const values = await ask(BIG_TITLE, { returnDistinctValues: true, outFields: 'Status', returnGeometry: false });
    assert.deepEqual(values.features.map((f: Loose) => f.attributes.Status), [null, 'Cancelled', 'Closed', 'Open', 'Pending']);
  });

  it('declares statistics support per layer; a layer without it refuses statistics and ignores distinct', async () => {
    const off = fake.catalog.byTitle('Hotel Motel Tax')!;
    const layer = await getJson(fake, `${off.layerPath}?f=json`);
    assert.equal(layer.supportsStatistics, false);
    assert.equal(layer.advancedQueryCapabilities.supportsStatistics, false);
    assert.equal(layer.advancedQueryCapabilities.supportsDistinct, false);
    const on = await getJson(fake, `${fake.catalog.byTitle('Work Zones')!.layerPath}?f=json`);
    assert.equal(on.supportsStatistics, true);
    assert.equal(on.advancedQueryCapabilities.supportsDistinct, true);
    assert.deepEqual(await ask('Hotel Motel Tax', { outStatistics: JSON.stringify([stat('count', 'OBJECTID', 'n')]) }),
      { error: { code: 400, message: 'Unable to complete operation.', details: [] } });
    const ignored = await ask('Hotel Motel Tax', { returnDistinctValues: true, outFields: 'Sector', returnCountOnly: true });
    assert.deepEqual(ignored, { count: off.rowCount }, 'the plain row count, as a server that does not know the parameter');
  });

  it('gives real servers\' errors for bad statistics requests', async () => {
    const unable = { error: { code: 400, message: 'Unable to complete operation.', details: [] } };
    assert.deepEqual(await ask(BIG_TITLE, { outStatistics: JSON.stringify([stat('avg', 'Category', 'a')]) }), unable, 'avg of text');
    assert.deepEqual(await ask(BIG_TITLE, { outStatistics: JSON.stringify([stat('sum', 'RecordedAt', 's')]) }), unable, 'sum of dates');
    assert.deepEqual(await ask(BIG_TITLE, { outStatistics: JSON.stringify([stat('median', 'Amount', 'm')]) }), unable, 'unknown statistic');
    assert.deepEqual(await ask(BIG_TITLE, { outStatistics: JSON.stringify([stat('count', 'Nope', 'n')]) }), unable, 'unknown field');
    assert.deepEqual(await ask(BIG_TITLE, { outStatistics: JSON.stringify([stat('count', 'Amount', 'bad name')]) }), unable, 'bad output name');
    const malformed = await ask(BIG_TITLE, { outStatistics: '[{' });
    assert.deepEqual(malformed.error.details, ["'outStatistics' parameter is invalid"]);
    const order = await ask(BIG_TITLE, { outStatistics: JSON.stringify([stat('count', 'Amount', 'n')]), groupByFieldsForStatistics: 'Ward', orderByFields: 'Amount DESC' });
    assert.deepEqual(order.error.details, ["'orderByFields' parameter is invalid"]);
    const having = await ask(BIG_TITLE, { outStatistics: JSON.stringify([stat('count', 'Amount', 'n')]), having: 'COUNT(Amount) > 1' });
    assert.equal(having.error.code, 400);
    const where = await ask(BIG_TITLE, { where: 'Ward = ', outStatistics: JSON.stringify([stat('count', 'Amount', 'n')]) });
    assert.deepEqual(where.error.details[0], "'where' parameter is invalid");
  });

  it('answers an ungrouped query over no rows with one row of zero and NULLs', async () => {
    const body = await ask(BIG_TITLE, { where: 'Ward > 100', outStatistics: JSON.stringify([stat('count', 'Amount', 'n'), stat('max', 'Amount', 'top')]) });
    assert.deepEqual(body.features, [{ attributes: { n: 0, top: null } }]);
  });
});
