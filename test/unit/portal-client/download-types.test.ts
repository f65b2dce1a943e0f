// Column types of CSV-only downloads: nothing the portal serves is changed. A column is
// numeric only when every value reads back as the same text, so ZIP codes and FIPS codes
// keep their leading zeros in the preview, the JSON save and the CSV save.

import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseTable, sniffKind } from '../../../src/portal/download';
import { PortalHttp } from '../../../src/portal/http';
import { HubPortal } from '../../../src/portal/hub';
import { NodeSaveFs } from '../../../src/save/nodeSaveFs';
import { saveDataset } from '../../../src/save/save';

/** Shaped like a Census ZIP Code Tabulation Area / county relationship export. */
const CODES_CSV = 'ZCTA5,STATEFP,COUNTYFP,GEOID,NAME,POP20,AREA_SQMI\r\n08123,34,007,34007,Camden County,1234,2.5\r\n73102,40,109,40109,Oklahoma County,4567,1.25\r\n01001,01,001,01001,Autauga County,890,3\r\n';

describe('download column types keep what the portal served', () => {
  it('keeps codes with leading zeros, padded and signed numbers as text', () => {
    const records = (values: string[]) => values.map((v) => ({ c: v }));
    assert.equal(sniffKind(records(['08123', '73102']), 'c'), 'string');
    assert.equal(sniffKind(records(['01', '40']), 'c'), 'string');
    assert.equal(sniffKind(records(['1.50', '2']), 'c'), 'string');
    assert.equal(sniffKind(records([' 7', '8']), 'c'), 'string');
    assert.equal(sniffKind(records(['1e3']), 'c'), 'string');
    assert.equal(sniffKind(records(['-0']), 'c'), 'string');
    assert.equal(sniffKind(records(['73102', '', '40']), 'c'), 'integer');
    assert.equal(sniffKind(records(['-1.5', '2.25']), 'c'), 'double');
    // A JSON file says what is a number: a string stays a string.
    assert.equal(sniffKind([{ c: '5' }, { c: 6 }], 'c', 'json'), 'string');
    assert.equal(sniffKind([{ c: 5 }, { c: 6.5 }], 'c', 'json'), 'double');
  });

  it('parses a Census-style CSV with every code exactly as written', () => {
    const table = parseTable('csv', CODES_CSV, 'http://x/codes.csv');
    assert.deepEqual(
      table.fields.map((f) => [f.name, f.kind]),
      [['ZCTA5', 'string'], ['STATEFP', 'string'], ['COUNTYFP', 'string'], ['GEOID', 'string'], ['NAME', 'string'], ['POP20', 'integer'], ['AREA_SQMI', 'double']],
    );
    assert.deepEqual(table.rows.map((r) => r.attributes.ZCTA5), ['08123', '73102', '01001']);
    assert.deepEqual(table.rows.map((r) => r.attributes.STATEFP), ['34', '40', '01']);
    assert.deepEqual(table.rows.map((r) => r.attributes.COUNTYFP), ['007', '109', '001']);
    assert.deepEqual(table.rows.map((r) => r.attributes.POP20), [1234, 4567, 890]);
  });

  describe('through a CSV-only DCAT dataset: preview, JSON save and CSV save', () => {
    let server: http.Server;
    let base: string;
    let folder: string;
    before(async () => {
      server = http.createServer((req, res) => {
        if (req.url === '/data.json') {
          res.end(JSON.stringify({
            '@type': 'dcat:Catalog',
            dataset: [{
              '@type': 'dcat:Dataset', identifier: `${base}/id/zcta`, title: 'ZIP Code Areas', description: '', keyword: ['Census'],
              distribution: [{ '@type': 'dcat:Distribution', title: 'CSV', format: 'CSV', mediaType: 'text/csv', accessURL: `${base}/files/zcta.csv` }],
            }],
          }));
        } else if (req.url === '/files/zcta.csv') {
          res.setHeader('content-type', 'text/csv');
          res.end(CODES_CSV);
        } else {
          res.statusCode = 404;
          res.end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      folder = await mkdtemp(path.join(tmpdir(), 'okc-zero-'));
    });
    after(async () => {
      await rm(folder, { recursive: true, force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const portal = () => new HubPortal({ name: 'Census', kind: 'hub', url: `${base}/data.json` }, new PortalHttp({ userAgent: 'test', retries: 0 }), { token: async () => undefined });

    it('keeps 08123 and 01 in the preview rows, the JSON file and the CSV file', async () => {
      const p = portal();
      const [ds] = await p.listDatasets();
      const schema = await p.getSchema(ds);
      const page = await p.queryPage(ds, {}, 0, 10);
      assert.equal(page.rows[0].attributes.ZCTA5, '08123');
      assert.equal(page.rows[2].attributes.STATEFP, '01');
      const fs = new NodeSaveFs();
      const json = await saveDataset({ portal: p, fs, folder, dataset: ds, schema, query: {}, format: 'json' });
      const saved = JSON.parse(await readFile(json.path, 'utf8')) as Record<string, unknown>[];
      assert.deepEqual(saved.map((r) => r.ZCTA5), ['08123', '73102', '01001']);
      assert.deepEqual(saved.map((r) => r.STATEFP), ['34', '40', '01']);
      assert.deepEqual(saved.map((r) => r.POP20), [1234, 4567, 890]);
      const csv = await saveDataset({ portal: p, fs, folder, dataset: ds, schema, query: {}, format: 'csv' });
      const text = await readFile(csv.path, 'utf8');
      const lines = text.replace(/^\ufeff/, '').trimEnd().split(/\r\n/);
      assert.equal(lines[0], 'ZCTA5,STATEFP,COUNTYFP,GEOID,NAME,POP20,AREA_SQMI');
      assert.equal(lines[1], '08123,34,007,34007,Camden County,1234,2.5');
      assert.equal(lines[3], '01001,01,001,01001,Autauga County,890,3');
    });
  });
});
