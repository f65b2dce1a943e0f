// The hostile-names dataset of the fake portal saved through the real HubPortal and
// LegacyPortal in every format: fields named `__proto__`, `constructor` and `toString` are
// kept with their values, a bidi override is written as sent, formula escaping happens only
// when asked, and the title used as a file name stays in the folder. Checked on the bytes.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PortalHttp } from '../../../src/portal/http';
import { HubPortal } from '../../../src/portal/hub';
import { LegacyPortal } from '../../../src/portal/legacy';
import type { DatasetSummary, Portal } from '../../../src/portal/types';
import { NodeSaveFs } from '../../../src/save/nodeSaveFs';
import { saveDataset } from '../../../src/save/save';
import type { SaveFormat } from '../../../src/save/values';
import { HOSTILE_NAMES_TITLE, PROTOTYPE_FIELD_NAMES } from '../../portal/data';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { csvRecords } from './csvRecords';


describe('save: the hostile-names dataset of the fake portal, every format', function () {
  this.timeout(60_000);
  let fake: FakePortal;
  let folder: string;
  const fs = new NodeSaveFs();
  const http = () => new PortalHttp({ userAgent: 'okc-open-data-tests', retries: 1, backoffLimitMs: 5, timeoutMs: 10_000 });

  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 100 });
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'okc-save-names-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const portals = (): [string, Portal][] => [
    ['hub', new HubPortal({ name: 'Fake Hub', kind: 'hub', url: fake.baseUrl }, http(), { token: async () => undefined })],
    ['legacy', new LegacyPortal({ name: 'Fake Legacy', kind: 'legacy', url: fake.baseUrl }, http(), { token: async () => undefined })],
  ];

  async function save(portal: Portal, format: SaveFormat, fileName: string, escapeFormulae = false): Promise<{ text: string; path: string }> {
    const dataset = (await portal.listDatasets()).find((d) => d.title === HOSTILE_NAMES_TITLE) as DatasetSummary;
    assert.ok(dataset, 'the fake lists the hostile-names dataset');
    const schema = await portal.getSchema(dataset);
    const result = await saveDataset({ portal, fs, folder, dataset, schema, query: {}, format, fileName, escapeFormulae, overwrite: true });
    return { text: await readFile(result.path, 'utf8'), path: result.path };
  }

  for (const format of ['csv', 'json', 'ndjson', 'geojson'] as const) {
    it(`${format}: keeps __proto__, constructor and toString with their values, on both portals`, async () => {
      const truth = fake.catalog.byTitle(HOSTILE_NAMES_TITLE)!;
      for (const [kind, portal] of portals()) {
        const { text } = await save(portal, format, `names-${kind}`);
        let records: Record<string, unknown>[];
        if (format === 'csv') records = csvRecords(text);
        else if (format === 'json') records = JSON.parse(text) as Record<string, unknown>[];
        else if (format === 'ndjson') records = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
        else records = (JSON.parse(text) as { features: { properties: Record<string, unknown> }[] }).features.map((f) => f.properties);
        assert.equal(records.length, truth.rowCount, `${kind} ${format}`);
        const empty = format === 'csv' ? '' : null;
        for (const [i, record] of records.entries()) {
          const row = truth.attributesAt(i);
          const want = PROTOTYPE_FIELD_NAMES.map((name) => [name, row[name] ?? empty]);
          // Object.entries of what JSON.parse / papaparse made: own keys, never an object literal.
          const got = Object.entries(record).filter(([k]) => PROTOTYPE_FIELD_NAMES.includes(k));
          assert.deepEqual(got, want, `${kind} ${format} record ${i}`);
        }
        assert.ok(text.includes('\u202Eevil') && !text.includes('<U+202E>'), `${kind} ${format}: the override is written as sent`);
      }
    });
  }

  it('csv: formulas as sent by default, prefixed with a quote when asked', async () => {
    const [, hub] = portals()[0];
    const plain = (await save(hub, 'csv', 'plain')).text;
    assert.deepEqual(csvRecords(plain).map((r) => r.Formula), ['=1+2', '+SUM(A1:A2)', '-2+3', '@SUM(A1)', '=HYPERLINK("http://example.invalid")', 'plain']);
    const escaped = (await save(hub, 'csv', 'escaped', true)).text;
    assert.deepEqual(csvRecords(escaped).map((r) => r.Formula), ["'=1+2", "'+SUM(A1:A2)", "'-2+3", "'@SUM(A1)", '\'=HYPERLINK("http://example.invalid")', 'plain']);
    assert.ok(escaped.split('\r\n')[1].startsWith('1,'), 'numbers are not escaped');
  });

  it('the hostile title as a file name lands inside the folder', async () => {
    const [, hub] = portals()[0];
    const { path: written } = await save(hub, 'json', HOSTILE_NAMES_TITLE);
    assert.equal(path.dirname(written), folder);
    const base = path.basename(written);
    assert.ok(!/[\u202E/\\<>]/.test(base), base);
    assert.deepEqual((await readdir(folder)).sort(), [base, `${base}.okc.json`].sort());
    assert.deepEqual(await readdir(path.dirname(folder)).then((names) => names.filter((n) => n.startsWith('outside'))), []);
  });
});
