// Any DCAT-US data.json works as a Hub-kind portal: datasets offered only as CSV or JSON
// downloads are listed, typed from their values, and queried on the client.

import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortalError } from '../../../src/portal/errors';
import { PortalHttp } from '../../../src/portal/http';
import { HubPortal } from '../../../src/portal/hub';
import type { DatasetSummary } from '../../../src/portal/types';

const CSV = 'permit_id,address,fee,issued\r\n3,"12 N Main St, Apt ""B""",10.5,2024-01-02\r\n1,400 W Sheridan Ave,,2023-05-06\r\n2,1 Bricktown Ave,7,2022-09-10\r\n';
const JSON_ROWS = JSON.stringify([
  { ward: 1, name: 'Ward One' },
  { ward: 2, name: 'Ward Two' },
]);

function catalog(base: string): unknown {
  const dataset = (title: string, distribution: unknown[]) => ({
    '@type': 'dcat:Dataset',
    identifier: `${base}/id/${encodeURIComponent(title)}`,
    title,
    description: `<p>${title} of the city. This dataset is updated on a weekly basis.</p>`,
    keyword: ['Permits'],
    modified: '2026-01-01T00:00:00.000Z',
    publisher: { name: 'City' },
    contactPoint: { fn: 'Clerk', hasEmail: 'mailto:clerk@example.org' },
    accessLevel: 'public',
    license: 'Public domain',
    distribution,
  });
  return {
    '@type': 'dcat:Catalog',
    dataset: [
      dataset('Building Permits', [{ '@type': 'dcat:Distribution', title: 'CSV', format: 'CSV', mediaType: 'text/csv', downloadURL: `${base}/files/permits.csv` }]),
      dataset('Wards', [{ '@type': 'dcat:Distribution', title: 'JSON', format: 'JSON', mediaType: 'application/json', downloadURL: `${base}/files/wards.json` }]),
      dataset('A city web app', [{ '@type': 'dcat:Distribution', title: 'Web Page', format: 'Web Page', mediaType: 'text/html', accessURL: `${base}/app` }]),
    ],
  };
}

describe('a plain DCAT-US data.json as a portal', () => {
  let server: http.Server;
  let base: string;
  let downloads = 0;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/data.json') res.end(JSON.stringify(catalog(base)));
      else if (req.url === '/files/permits.csv') {
        downloads++;
        res.setHeader('content-type', 'text/csv');
        res.end(CSV);
      } else if (req.url === '/files/wards.json') res.end(JSON_ROWS);
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const portal = () => new HubPortal({ name: 'City', kind: 'hub', url: `${base}/data.json` }, new PortalHttp({ userAgent: 'test', retries: 0 }), { token: async () => undefined });
  const find = (list: DatasetSummary[], title: string) => list.find((d) => d.title === title)!;

  it('lists the datasets that have data and skips the web app', async () => {
    const list = await portal().listDatasets();
    assert.deepEqual(list.map((d) => d.title).sort(), ['Building Permits', 'Wards']);
    const permits = find(list, 'Building Permits');
    assert.equal(permits.updateFrequency, 'This dataset is updated on a weekly basis.');
    assert.deepEqual(permits.groups, ['Permits']);
    assert.equal(permits.license, 'Public domain');
  });

  it('types the CSV\'s columns from their values and answers counts, filters, sort and paging', async () => {
    const p = portal();
    const permits = find(await p.listDatasets(), 'Building Permits');
    const schema = await p.getSchema(permits);
    assert.deepEqual(
      schema.fields.map((f) => [f.name, f.kind]),
      [
        ['permit_id', 'integer'],
        ['address', 'string'],
        ['fee', 'double'],
        ['issued', 'string'],
      ],
    );
    assert.equal(schema.recordCount, 3);
    const sorted = await p.queryPage(permits, { sort: [{ field: 'permit_id' }] }, 0, 10);
    assert.deepEqual(sorted.rows.map((r) => r.attributes.permit_id), [1, 2, 3]);
    assert.equal(sorted.rows[2].attributes.address, '12 N Main St, Apt "B"');
    assert.equal(sorted.rows[0].attributes.fee, null);
    assert.equal(await p.countRows(permits, { filters: [{ field: 'fee', op: '>', value: 8 }] }), 1);
    assert.equal(await p.countRows(permits, { filters: [{ field: 'address', op: 'like', value: '%ave' }] }), 2);
    const second = await p.queryPage(permits, {}, 1, 1);
    assert.equal(second.rows.length, 1);
    assert.equal(second.more, true);
    assert.equal(p.queryUrl(permits, {}), `${base}/files/permits.csv`);
    assert.equal(downloads, 1, 'the file is downloaded once and queried locally');
  });

  it('reads a JSON download too, and refuses spatial filters clearly', async () => {
    const p = portal();
    const wards = find(await p.listDatasets(), 'Wards');
    const page = await p.queryPage(wards, {}, 0, 10);
    assert.deepEqual(page.rows.map((r) => r.attributes.name), ['Ward One', 'Ward Two']);
    await assert.rejects(
      p.countRows(wards, { spatial: { kind: 'bbox', xmin: 0, ymin: 0, xmax: 1, ymax: 1 } }),
      (e: unknown) => e instanceof PortalError && e.kind === 'rejected' && /spatial/.test(e.message),
    );
  });
});
