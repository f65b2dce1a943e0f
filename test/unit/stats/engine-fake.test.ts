// The statistics engine (profileColumn, aggregate) through HubPortal and LegacyPortal against the
// fake portal over HTTP: every figure of every field kind matches an oracle computed from the
// fake's own rows with filters applied, on the portal, in the supportsStatistics:false fallback
// and on the legacy portal.

import * as assert from 'node:assert/strict';
import { PortalHttp } from '../../../src/portal/http';
import { HubPortal } from '../../../src/portal/hub';
import { LegacyPortal } from '../../../src/portal/legacy';
import type { DatasetSummary, Portal } from '../../../src/portal/types';
import { parseDateUtc } from '../../../src/stats/accumulator';
import { aggregate } from '../../../src/stats/aggregate';
import { profileColumn } from '../../../src/stats/profile';
import type { ColumnProfile } from '../../../src/stats/types';
import type { DatasetQuery } from '../../../src/query/model';
import { BIG_TITLE } from '../../portal/data';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { bucketCounts, close, oracleProfile, rowsWhere, type OracleProfile, type Row } from './oracle';

const noToken = { token: async () => undefined };
const BIG_ROWS = 20_000;

function client(): PortalHttp {
  return new PortalHttp({ userAgent: 'okc-open-data-test', retries: 1, backoffLimitMs: 20, timeoutMs: 20_000 });
}

/** Asserts every figure of a profile against the oracle. */
function assertProfile(profile: ColumnProfile, expected: OracleProfile, options: { topValues: boolean; meanOfDates?: boolean }): void {
  const what = `${profile.field} (${profile.computedOn})`;
  assert.equal(profile.count, expected.count, `${what} count`);
  assert.equal(profile.missing, expected.missing, `${what} missing`);
  assert.deepEqual(profile.distinct, { value: expected.distinct, exact: true }, `${what} distinct`);
  if (profile.kind !== 'text') {
    assert.equal(profile.min, expected.min, `${what} min`);
    assert.equal(profile.max, expected.max, `${what} max`);
    if (profile.kind === 'number' || options.meanOfDates) {
      close(profile.mean, expected.mean, `${what} mean`);
      close(profile.stddev, expected.stddev, `${what} stddev`, 1e-7);
    } else {
      assert.equal(profile.mean, undefined, `${what}: the portal computes no mean of dates`);
    }
    const histogram = profile.histogram ?? [];
    assert.ok(histogram.length >= 1, `${what} histogram`);
    assert.ok(histogram[0].from <= expected.min!, `${what} histogram starts at or below the min`);
    assert.equal(histogram[histogram.length - 1].to, expected.max, `${what} histogram ends at the max`);
    assert.deepEqual(histogram.map((b) => b.count), bucketCounts(expected.present as number[], histogram), `${what} bucket counts`);
    assert.equal(histogram.reduce((a, b) => a + b.count, 0), expected.count - expected.missing);
  } else {
    assert.equal(profile.histogram, undefined);
  }
  if (options.topValues) assert.deepEqual(profile.topValues, expected.ranked.slice(0, 10), `${what} top values`);
  else assert.deepEqual(profile.topValues, [], `${what} has no top values`);
}

describe('statistics engine against the fake portal', function () {
  this.timeout(60_000);
  let fake: FakePortal;
  let hub: HubPortal;
  let legacy: LegacyPortal;
  let hubList: DatasetSummary[];
  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: BIG_ROWS });
    hub = new HubPortal({ name: 'OKC', kind: 'hub', url: fake.baseUrl }, client(), noToken);
    legacy = new LegacyPortal({ name: 'Legacy', kind: 'legacy', url: fake.baseUrl }, client(), noToken);
    hubList = await hub.listDatasets();
  });
  after(async () => fake?.close());

  const dataset = async (portal: Portal, title: string): Promise<DatasetSummary> => {
    const list = portal === hub ? hubList : await portal.listDatasets();
    const found = list.find((d) => d.title === title);
    assert.ok(found, title);
    return found;
  };
  const profileOf = async (portal: Portal, title: string, query: DatasetQuery, field: string, options = {}) => {
    const d = await dataset(portal, title);
    return profileColumn(portal, d, await portal.getSchema(d), query, field, options);
  };

  const big = () => fake.catalog.byTitle(BIG_TITLE)!;
  const ward3: DatasetQuery = { filters: [{ field: 'Ward', op: '=', value: 3 }] };
  const inWard3 = (r: Row) => r.Ward === 3;

  describe('on the portal (Hub layer with statistics)', () => {
    it('profiles a double field with a filter: counts, range, mean, stddev, histogram, no top values', async () => {
      const p = await profileOf(hub, BIG_TITLE, ward3, 'Amount');
      assert.equal(p.computedOn, 'portal');
      assert.equal(p.sampled, undefined);
      assertProfile(p, oracleProfile(rowsWhere(big(), inWard3), 'Amount'), { topValues: false });
    });

    it('profiles an integer code field: top values as well, integer bucket edges', async () => {
      const query: DatasetQuery = { filters: [{ field: 'Category', op: 'in', value: ['Permit', 'Audit'] }] };
      const p = await profileOf(hub, BIG_TITLE, query, 'Ward');
      const expected = oracleProfile(rowsWhere(big(), (r) => r.Category === 'Permit' || r.Category === 'Audit'), 'Ward');
      assertProfile(p, expected, { topValues: true });
      assert.ok(p.histogram!.every((b) => Number.isInteger(b.from)));
    });

    it('profiles a date field under a date filter (epoch ms; the portal gives no mean of dates)', async () => {
      const from = Date.UTC(2015, 0, 1);
      const p = await profileOf(hub, BIG_TITLE, { filters: [{ field: 'RecordedAt', op: '>=', value: '2015-01-01' }, { field: 'Ward', op: '<', value: 4 }] }, 'RecordedAt');
      const expected = oracleProfile(rowsWhere(big(), (r) => (r.RecordedAt as number) >= from && (r.Ward as number) < 4), 'RecordedAt');
      assertProfile(p, expected, { topValues: false });
      assert.equal(p.kind, 'date');
    });

    it('profiles a text field with nulls: missing, distinct and top values', async () => {
      const p = await profileOf(hub, BIG_TITLE, ward3, 'Status');
      const expected = oracleProfile(rowsWhere(big(), inWard3), 'Status');
      assert.ok(expected.missing > 0, 'the oracle sees nulls');
      assertProfile(p, expected, { topValues: true });
    });

    it('counts blank strings as missing and keeps them out of distinct and top values', async () => {
      const ds = fake.catalog.byTitle('Land Documents')!;
      const p = await profileOf(hub, 'Land Documents', {}, 'Grantor');
      const expected = oracleProfile(rowsWhere(ds, () => true), 'Grantor');
      const blanks = rowsWhere(ds, (r) => typeof r.Grantor === 'string' && r.Grantor.trim() === '').length;
      assert.ok(blanks > 0, 'the oracle sees blank strings');
      assertProfile(p, expected, { topValues: true });
    });

    it('profiles a date field with far-future sentinels over a table', async () => {
      const ds = fake.catalog.byTitle('Land Documents')!;
      const p = await profileOf(hub, 'Land Documents', { filters: [{ field: 'IndexType', op: '=', value: 'D' }] }, 'Date');
      assertProfile(p, oracleProfile(rowsWhere(ds, (r) => r.IndexType === 'D'), 'Date'), { topValues: false });
    });

    it('computes a grouped count on the portal, ordered by count', async () => {
      const d = await dataset(hub, BIG_TITLE);
      const result = await aggregate(hub, d, await hub.getSchema(d), {
        query: ward3,
        groupBy: ['Category'],
        statistics: [{ kind: 'count', field: 'OBJECTID', as: 'records' }],
        orderBy: [{ column: 'records', descending: true }, { column: 'Category' }],
      });
      assert.equal(result.computedOn, 'portal');
      assert.deepEqual(result.columns, ['Category', 'records']);
      const expected = oracleProfile(rowsWhere(big(), inWard3), 'Category').ranked.map((x) => [x.value, x.count]);
      assert.deepEqual(result.rows, expected);
      assert.equal(result.matchingRows, rowsWhere(big(), inWard3).length);
    });

    it('computes sum, avg, min, max, stddev and var per group on the portal', async () => {
      const d = await dataset(hub, BIG_TITLE);
      const result = await aggregate(hub, d, await hub.getSchema(d), {
        query: { filters: [{ field: 'Status', op: '=', value: 'Open' }] },
        groupBy: ['Ward'],
        statistics: (['sum', 'avg', 'min', 'max', 'stddev', 'var'] as const).map((kind) => ({ kind, field: 'Quantity' })),
      });
      assert.equal(result.computedOn, 'portal');
      const rows = rowsWhere(big(), (r) => r.Status === 'Open');
      assert.equal(result.rows.length, 8);
      for (const row of result.rows) {
        const o = oracleProfile(rows.filter((r) => r.Ward === row[0]), 'Quantity');
        const sum = (o.present as number[]).reduce((a, b) => a + b, 0);
        close(row[1] as number, sum, 'sum');
        close(row[2] as number, o.mean, 'avg');
        assert.equal(row[3], o.min);
        assert.equal(row[4], o.max);
        close(row[5] as number, o.stddev, 'stddev', 1e-7);
        close(row[6] as number, o.stddev! ** 2, 'var', 1e-7);
      }
      assert.deepEqual(result.rows.map((r) => r[0]), [1, 2, 3, 4, 5, 6, 7, 8], 'ordered by the group field');
    });
  });

  describe('fallback where the layer computes no statistics (supportsStatistics: false)', () => {
    it('profiles over fetched rows and says so', async () => {
      const schema = await hub.getSchema(await dataset(hub, 'Hotel Motel Tax'));
      assert.equal(schema.statisticsSupport?.statistics, false);
      const ds = fake.catalog.byTitle('Hotel Motel Tax')!;
      const p = await profileOf(hub, 'Hotel Motel Tax', { filters: [{ field: 'Sector', op: '<>', value: 'NW' }] }, 'Sector');
      assert.equal(p.computedOn, 'client');
      assert.match(p.fallbackReason ?? '', /supportsStatistics is false/);
      const rows = rowsWhere(ds, (r) => r.Sector !== null && r.Sector !== 'NW');
      assert.deepEqual(p.sampled, { rows: rows.length, of: rows.length });
      assertProfile(p, oracleProfile(rows, 'Sector'), { topValues: true });
      const certificate = await profileOf(hub, 'Hotel Motel Tax', {}, 'Certificate');
      assertProfile(certificate, oracleProfile(rowsWhere(ds, () => true), 'Certificate'), { topValues: true });
    });

    it('computes a grouped count over fetched rows and says why', async () => {
      const d = await dataset(hub, 'Hotel Motel Tax');
      const result = await aggregate(hub, d, await hub.getSchema(d), {
        query: {},
        groupBy: ['Sector'],
        statistics: [{ kind: 'count', field: 'OBJECTID', as: 'n' }],
        orderBy: [{ column: 'n', descending: true }, { column: 'Sector' }],
      });
      assert.equal(result.computedOn, 'client');
      assert.match(result.fallbackReason ?? '', /supportsStatistics is false/);
      assert.equal(result.truncated, false);
      const ds = fake.catalog.byTitle('Hotel Motel Tax')!;
      const counts = new Map<unknown, number>();
      for (const r of rowsWhere(ds, () => true)) counts.set(r.Sector, (counts.get(r.Sector) ?? 0) + 1);
      const expected = [...counts].sort((a, b) => b[1] - a[1] || (a[0] === null ? -1 : b[0] === null ? 1 : String(a[0]) < String(b[0]) ? -1 : 1));
      assert.deepEqual(result.rows, expected);
      assert.ok(fake.requests.every((r) => !/outStatistics/.test(r.url) || !/Hotel|Finance\/FeatureServer\/3/.test(r.url)), 'no statistics request to that layer');
    });

    it('stops at the client row limit and says it was truncated', async () => {
      const d = await dataset(hub, 'Hotel Motel Tax');
      const result = await aggregate(hub, d, await hub.getSchema(d), { query: {}, statistics: [{ kind: 'count', field: 'OBJECTID' }], clientRowLimit: 100 });
      assert.equal(result.truncated, true);
      assert.equal(result.rowsScanned, 100);
      assert.deepEqual(result.rows, [[100]]);
      assert.equal(result.matchingRows, 375);
    });
  });

  describe('on the legacy portal (over fetched pages)', () => {
    it('profiles numbers, text and dates and states how many rows it covered', async () => {
      const ds = big();
      const rows = rowsWhere(ds, inWard3);
      const amount = await profileOf(legacy, BIG_TITLE, ward3, 'Amount');
      assert.equal(amount.computedOn, 'client');
      assert.equal(amount.fallbackReason, undefined);
      assert.deepEqual(amount.sampled, { rows: rows.length, of: rows.length });
      assertProfile(amount, oracleProfile(rows, 'Amount'), { topValues: false });
      assertProfile(await profileOf(legacy, BIG_TITLE, ward3, 'Category'), oracleProfile(rows, 'Category'), { topValues: true });
      // The legacy portal prints dates as "Apr 11, 2023": whole UTC days.
      const day = (v: string | number) => Math.floor((v as number) / 86_400_000) * 86_400_000;
      const recorded = await profileOf(legacy, BIG_TITLE, ward3, 'RecordedAt');
      assertProfile(recorded, oracleProfile(rows, 'RecordedAt', day), { topValues: false, meanOfDates: true });
    });

    it('says "profiled N of M rows" when it stops at the row limit', async () => {
      const p = await profileOf(legacy, BIG_TITLE, {}, 'Quantity', { clientRowLimit: 3000 });
      assert.deepEqual(p.sampled, { rows: 3000, of: BIG_ROWS });
      assert.equal(p.count, 3000);
    });
  });

  it('reads the legacy portal\'s date texts as UTC', () => {
    assert.equal(parseDateUtc('Apr 11, 2023'), Date.UTC(2023, 3, 11));
    assert.equal(parseDateUtc('Jan 05 2024 04:12PM'), Date.UTC(2024, 0, 5, 16, 12));
    assert.equal(parseDateUtc('2024/01/02 03:04:05+00'), Date.UTC(2024, 0, 2, 3, 4, 5));
    assert.ok(Number.isNaN(parseDateUtc('soon')));
  });
});
