// The fault matrix of test/portal/README.md in the real editor: each portal fault against the
// catalog, the metadata panel, the grid (first page, a far page, sort, filter), the CSV side
// preview and save / refresh. Each test scopes its fault to one request kind of the fake
// portal, then checks what the user reads (naming the portal and the problem), how often the
// portal was asked (retries where they make sense), that the panel recovers by itself or with
// one Retry once the fault clears, and that nothing saved is lost.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SaveOutcome } from '../../src/editor/saveCommands';
import type { OkcOpenDataApi } from '../../src/extension';
import type { DatasetSummary } from '../../src/portal/types';
import type { GridHandle } from '../../src/preview/gridHost';
import type { MetadataHandle } from '../../src/preview/metadataPanel';
import { BIG_TITLE } from '../portal/data';
import type { FaultRule } from '../portal/faults';
import { startFakePortal, type FakePortal } from '../portal/server';
import { datasetIn, recordMessages, until, usePortals, type MessageRecorder } from './helpers';

const PORTAL = 'Faulty Hub';
/** Short, so a stalled body fails in seconds; every attempt gets it again for the body. */
const TIMEOUT_SECONDS = 2;
const BIG_ROWS = 20_000;

describe('Portal faults in every panel', function () {
  this.timeout(120_000);
  let fake: FakePortal;
  let okc: OkcOpenDataApi;
  let recorder: MessageRecorder;
  let folder: string;
  let scratch: string;

  const config = () => vscode.workspace.getConfiguration('okcOpenData');
  const dataset = (title: string): DatasetSummary => datasetIn(okc, PORTAL, title);
  /** The layer's path from /rest/services on: the client may reach it through any item id. */
  const layerTail = (title: string): string => fake.catalog.byTitle(title)!.layerPath.replace(/^.*(\/rest\/services\/)/, '$1');
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  /** Requests since `from` whose path matches `path` and, if given, whose query matches `query`. */
  const asked = (from: number, path: RegExp, query?: RegExp): { time: number; status: number }[] =>
    fake.requests.slice(from).filter((r) => {
      const url = new URL(r.url, fake.baseUrl);
      return path.test(url.pathname) && (!query || query.test(decodeURIComponent(url.search.replace(/\+/g, ' '))));
    });

  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: BIG_ROWS });
    await config().update('requestTimeoutSeconds', TIMEOUT_SECONDS, vscode.ConfigurationTarget.Global);
    okc = await usePortals([{ name: PORTAL, kind: 'hub', url: fake.baseUrl }]);
    folder = join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'saved-by-fault-tests');
    scratch = join(tmpdir(), `okc-faults-${process.pid}`);
    mkdirSync(scratch, { recursive: true });
  });
  beforeEach(() => {
    recorder = recordMessages();
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
  });
  afterEach(async () => {
    // Whatever the test did, the next one starts with a healthy portal and no panels.
    fake.faults.clear();
    recorder.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const title of ['Fire Stations', 'Work Zones', BIG_TITLE]) okc.store.portal(PORTAL)?.forget?.(dataset(title));
  });
  after(async () => {
    await config().update('portals', undefined, vscode.ConfigurationTarget.Global);
    await config().update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    rmSync(folder, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    await fake?.close();
  });

  // ---------------------------------------------------------------- catalog

  describe('catalog', () => {
    const failing = () => okc.store.states().find((s) => s.config.name === PORTAL)!;
    const feed = /^\/api\/feed\//;

    it('catalog: a feed that stalls after the headers is retried, reported as a timeout, and loads once it answers', async () => {
      // A changed feed, so the answer is a body (a 304 for the stored copy has none to stall).
      fake.catalog.mutate('Work Zones', { change: [fake.catalog.byTitle('Work Zones')!.oidAt(0)] });
      const from = fake.requests.length;
      fake.faults.set([{ path: '/api/feed', kind: 'stall' }]);
      await okc.refresh();
      assert.match(failing().error?.message ?? '', /stopped sending data/);
      const node = (await okc.tree.getChildren(undefined))!.find((n) => n.type === 'portal' && n.portal === PORTAL)!;
      const first = (await okc.tree.getChildren(node))![0];
      const label = String(okc.tree.getTreeItem(first).label);
      assert.match(label, new RegExp(`^${PORTAL} did not answer in time`));
      assert.equal(asked(from, feed).length, 3, 'the first attempt and two retries of the body');
      fake.faults.clear();
      await okc.refresh();
      assert.equal(failing().error, undefined);
    });

    for (const asDate of [false, true]) {
      it(`catalog: 429 with Retry-After ${asDate ? 'as an HTTP date' : 'in seconds'} is really waited, then the catalog loads`, async () => {
        const from = fake.requests.length;
        fake.faults.set([{ path: '/api/feed', kind: 'rateLimit', retryAfterSeconds: 1, retryAfterDate: asDate, times: 1 }]);
        await okc.refresh();
        assert.equal(failing().error, undefined, failing().error?.message);
        const hits = asked(from, feed);
        assert.equal(hits.length, 2);
        assert.equal(hits[0].status, 429);
        assert.notEqual(hits[1].status, 429, 'answered (200, or 304 for the stored copy)');
        assert.ok(hits[1].time - hits[0].time >= 900, `waited ${hits[1].time - hits[0].time} ms`);
      });
    }

    it('catalog: a long Retry-After is said in the status bar while waited; one beyond the maximum fails at once, saying how long', async () => {
      fake.faults.set([{ path: '/api/feed', kind: 'rateLimit', retryAfterSeconds: 6, times: 1 }]);
      await okc.refresh();
      assert.equal(failing().error, undefined, failing().error?.message);
      await recorder.waitFor(new RegExp(`^\\$\\(watch\\) ${PORTAL} is limiting requests \\(HTTP 429\\); trying again in 6 seconds`));

      const from = fake.requests.length;
      fake.faults.set([{ path: '/api/feed', kind: 'rateLimit', retryAfterSeconds: 3600, retryAfterDate: true }]);
      const started = Date.now();
      await okc.refresh();
      assert.ok(Date.now() - started < 10_000, 'no hour-long wait');
      assert.equal(failing().error?.kind, 'rateLimited');
      const asked3600 = failing().error?.retryAfterSeconds ?? 0;
      assert.ok(asked3600 >= 3600 && asked3600 <= 3601, `${asked3600}`);
      assert.equal(asked(from, feed).length, 1);
    });

    it('catalog: an ArcGIS error object inside HTTP 200 is shown with the portal\'s own words', async () => {
      fake.faults.set([{ path: '/api/feed', kind: 'arcgisError', status: 500, message: 'Error performing query operation' }]);
      await okc.refresh();
      assert.match(failing().error?.message ?? '', /Error performing query operation/);
      fake.faults.clear();
      await okc.refresh();
      assert.equal(failing().error, undefined);
    });

    it('catalog: categories that cannot be had show as an info row under the portal, saying why; it goes once they load', async () => {
      const portalNode = async () => (await okc.tree.getChildren(undefined))!.find((n) => n.type === 'portal' && n.portal === PORTAL)!;
      const infoRows = async () => {
        const rows = (await okc.tree.getChildren(await portalNode()))!.filter((n) => n.type === 'message');
        return rows.map((n) => okc.tree.getTreeItem(n));
      };
      // Only the site collection's first page fails, persistently (past the retries).
      fake.faults.set([{ path: '/api/search/v1/collections/', query: 'startindex=1(&|$)', kind: 'status5xx', status: 503 }]);
      await okc.refresh();
      assert.equal(failing().error, undefined, 'the catalog itself loads');
      assert.ok(failing().datasets.length > 30);
      const rows = await infoRows();
      assert.equal(rows.length, 1, rows.map((r) => String(r.label)).join(' | '));
      assert.match(String(rows[0].label), /^Groups unavailable: The portal had a server error \(HTTP 503\)/);
      assert.equal((rows[0].iconPath as vscode.ThemeIcon).id, 'info');
      assert.match(String(rows[0].tooltip), /categories could not be read .*HTTP 503/);
      fake.faults.clear();
      await okc.refresh();
      assert.deepEqual((await infoRows()).map((r) => String(r.label)), []);
    });
  });

  // ---------------------------------------------------------------- metadata panel

  describe('metadata panel', () => {
    const TITLE = 'Fire Stations';
    const open = async (): Promise<MetadataHandle> => {
      const handle = await vscode.commands.executeCommand<MetadataHandle>('okcOpenData.showMetadata', dataset(TITLE));
      assert.ok(handle, 'Show Dataset Metadata returned no panel');
      return handle;
    };
    const settled = (handle: MetadataHandle) => until('the field list or its error', () => (handle.view?.fields || handle.view?.schemaError ? handle.view : undefined), 60_000);

    // The catalog indexes every layer's fields in the background after each refresh; one such
    // request may meet the panel's fault too, so each count allows one more than the panel's.
    // Indexing reads (and caches) the layer's description: forgotten, so that the first case's
    // panel asks the portal too, whichever tests ran before (run alone, it did not).
    before(async () => {
      await okc.store.indexFields();
      okc.store.portal(PORTAL)?.forget?.(dataset(TITLE));
    });

    interface Case { name: string; rule: Omit<FaultRule, 'path'>; message?: RegExp; requests: (n: number) => boolean; waitedMs?: number }
    const cases: Case[] = [
      // 100 pieces 30 ms apart: longer than the timeout in all, never silent for as long.
      { name: 'slow drip', rule: { kind: 'slowDrip', ms: 30 }, requests: (n) => n >= 1 && n <= 2 },
      { name: 'body stalls after the headers', rule: { kind: 'stall' }, message: /did not answer in time/, requests: (n) => n >= 3 && n <= 4 },
      { name: '5xx, then recovery', rule: { kind: 'status5xx', status: 502, times: 2 }, requests: (n) => n >= 3 && n <= 4 },
      { name: '5xx that persists', rule: { kind: 'status5xx', status: 503 }, message: /had a server error, also after retries \(The portal had a server error \(HTTP 503\)/, requests: (n) => n >= 4 && n <= 5 },
      { name: '429 with Retry-After in seconds', rule: { kind: 'rateLimit', retryAfterSeconds: 1, times: 1 }, requests: (n) => n >= 2 && n <= 3, waitedMs: 900 },
      { name: '429 with Retry-After as an HTTP date', rule: { kind: 'rateLimit', retryAfterSeconds: 1, retryAfterDate: true, times: 1 }, requests: (n) => n >= 2 && n <= 3, waitedMs: 900 },
      { name: 'HTML bot page with HTTP 200', rule: { kind: 'botChallenge' }, message: /browser check page/, requests: (n) => n >= 1 && n <= 2 },
      { name: 'malformed JSON', rule: { kind: 'malformedJson' }, message: /could not be read \(The portal sent a response that is not valid JSON/, requests: (n) => n >= 1 && n <= 2 },
      { name: 'truncated body', rule: { kind: 'truncated' }, message: /connection broke while the portal was sending data/, requests: (n) => n >= 3 && n <= 4 },
      { name: 'connection reset', rule: { kind: 'reset' }, message: /connection broke while the portal was sending data|Could not connect/, requests: (n) => n >= 3 },
      { name: 'ArcGIS error object inside HTTP 200', rule: { kind: 'arcgisError' }, message: /Unable to complete operation\./, requests: (n) => n >= 1 && n <= 2 },
    ];
    for (const c of cases) {
      it(`metadata panel: ${c.name}`, async () => {
        const layer = new RegExp(`${escape(layerTail(TITLE))}$`);
        const from = fake.requests.length;
        fake.faults.set([{ ...c.rule, path: layer.source }]);
        const handle = await open();
        const view = await settled(handle);
        const hits = asked(from, layer);
        assert.ok(c.requests(hits.length), `${hits.length} requests for the layer`);
        if (c.waitedMs) assert.ok(hits[1].time - hits[0].time >= c.waitedMs, `waited ${hits[1].time - hits[0].time} ms`);
        if (!c.message) {
          assert.equal(view.schemaError, undefined);
          assert.ok(view.fields!.length > 3);
          return;
        }
        assert.ok(view.schemaError, 'the panel shows an error');
        assert.ok(view.schemaError.startsWith(PORTAL), view.schemaError);
        assert.match(view.schemaError, c.message);
        // Once the portal answers again, one Retry brings the fields.
        fake.faults.clear();
        await handle.retry();
        const after = await settled(handle);
        assert.equal(after.schemaError, undefined);
        assert.ok((after.fields?.length ?? 0) >= fake.catalog.byTitle(TITLE)!.fields.length, 'every field');
      });
    }
  });

  // ---------------------------------------------------------------- grid

  describe('grid', () => {
    const query = () => new RegExp(`${escape(layerTail(BIG_TITLE))}/query$`);
    const preview = async (): Promise<GridHandle> => {
      const handle = await vscode.commands.executeCommand<GridHandle>('okcOpenData.previewDataset', dataset(BIG_TITLE));
      assert.ok(handle, 'Preview Dataset returned no panel');
      return handle;
    };
    const erred = (grid: GridHandle, count = 1) => until('an error in the grid', () => grid.errors.length >= count && grid.errors[grid.errors.length - 1], 60_000);
    const FIRST_PAGE = 'resultOffset=0(&|$)';
    const FAR = 15_000;
    const FAR_PAGE = 'resultOffset=1[0-9]{4}';
    const FILTER = "where=[^&]*Category";
    const permit = [{ field: 'Category', op: '=' as const, value: 'Permit' }];

    /** First page fails, then Retry paints it. */
    async function firstPage(rule: Omit<FaultRule, 'path' | 'query'>, message: RegExp, retried: (n: number) => boolean): Promise<void> {
      const from = fake.requests.length;
      fake.faults.set([{ ...rule, path: query().source, query: FIRST_PAGE }]);
      const grid = await preview();
      const shown = await erred(grid);
      assert.ok(shown.startsWith(PORTAL), shown);
      assert.match(shown, message);
      assert.ok(retried(asked(from, query(), /resultOffset=0(&|$)/).length), `${asked(from, query(), /resultOffset=0(&|$)/).length} first-page requests`);
      fake.faults.clear();
      grid.retry();
      const paint = await grid.waitForPaint((p) => p.first === 0);
      assert.ok(paint.texts.includes('PR-0000001'), paint.texts.join(' | '));
    }

    /** A far page fails after a healthy start, then Retry paints it. */
    async function farPage(rule: Omit<FaultRule, 'path' | 'query'>, message: RegExp, retried: (n: number) => boolean): Promise<void> {
      const grid = await preview();
      await grid.waitForPaint((p) => p.first === 0);
      const from = fake.requests.length;
      fake.faults.set([{ ...rule, path: query().source, query: FAR_PAGE }]);
      grid.scrollTo(FAR);
      const shown = await erred(grid);
      assert.ok(shown.startsWith(PORTAL), shown);
      assert.match(shown, message);
      const n = asked(from, query(), /resultOffset=1[0-9]{4}/).length;
      assert.ok(retried(n), `${n} far-page requests`);
      fake.faults.clear();
      grid.retry();
      const paint = await grid.waitForPaint((p) => p.first <= FAR && p.last >= FAR);
      assert.ok(paint.texts.some((t) => /^PR-00\d{5}$/.test(t) && Number(t.slice(3)) > FAR - 200), paint.texts.join(' | '));
    }

    /** A filter fails with a message; Retry (the same query again) shows the filtered rows. */
    async function filter(rule: Omit<FaultRule, 'path' | 'query'>, message: RegExp | undefined, retried: (n: number) => boolean): Promise<void> {
      const grid = await preview();
      await grid.waitForPaint((p) => p.first === 0);
      const from = fake.requests.length;
      fake.faults.set([{ ...rule, path: query().source, query: FILTER }]);
      if (message) {
        await assert.rejects(grid.query([], permit), (e: Error) => e.message.startsWith(PORTAL) && message.test(e.message));
        assert.match(grid.errors.at(-1)!, message, 'the panel shows it');
        assert.ok(retried(asked(from, query(), /Category/).length), `${asked(from, query(), /Category/).length} filtered requests`);
        fake.faults.clear();
      }
      const before = grid.view!.generation;
      await grid.query([], permit);
      if (!message) assert.ok(retried(asked(from, query(), /Category/).length), `${asked(from, query(), /Category/).length} filtered requests`);
      if (!message) assert.deepEqual(grid.errors, [], 'nothing for the user to read when the retries succeed');
      const total = grid.view!.total;
      assert.ok(total > 0 && total < BIG_ROWS, `${total}`);
      const paint = await grid.waitForPaint((p) => p.generation > before && p.first === 0);
      assert.ok(paint.texts.includes('Permit'));
    }

    it('grid: slow drip on the first page still paints it', async () => {
      fake.faults.set([{ kind: 'slowDrip', ms: 30, path: query().source, query: FIRST_PAGE }]);
      const grid = await preview();
      const paint = await grid.waitForPaint((p) => p.first === 0, 60_000);
      assert.ok(paint.texts.includes('PR-0000001'));
      assert.deepEqual(grid.errors, []);
    });

    it('grid: a far page whose body stalls is retried, reported as a timeout, and painted after one Retry', () =>
      farPage({ kind: 'stall' }, /did not answer in time/, (n) => n >= 3));

    it('grid: a filter that meets 5xx twice recovers by itself', () => filter({ kind: 'status5xx', status: 503, times: 2 }, undefined, (n) => n >= 3));

    it('grid: a sort that meets 429 (Retry-After in seconds) waits it out and sorts on the portal', async () => {
      const grid = await preview();
      await grid.waitForPaint((p) => p.first === 0);
      const from = fake.requests.length;
      fake.faults.set([{ kind: 'rateLimit', retryAfterSeconds: 1, times: 1, path: query().source, query: 'orderByFields' }]);
      await grid.query([{ field: 'Amount', descending: true }], []);
      assert.equal(grid.view?.sortMode, 'portal');
      const hits = asked(from, query(), /orderByFields/);
      assert.equal(hits[0].status, 429);
      assert.ok(hits[1].time - hits[0].time >= 900, `waited ${hits[1].time - hits[0].time} ms`);
      assert.deepEqual(grid.errors, []);
    });

    it('grid: a first page that meets 429 (Retry-After as an HTTP date) waits it out and paints', async () => {
      const from = fake.requests.length;
      fake.faults.set([{ kind: 'rateLimit', retryAfterSeconds: 1, retryAfterDate: true, times: 1, path: query().source, query: FIRST_PAGE }]);
      const grid = await preview();
      await grid.waitForPaint((p) => p.first === 0, 60_000);
      const hits = asked(from, query(), /resultOffset=0(&|$)/);
      assert.equal(hits[0].status, 429);
      assert.ok(hits[1].time - hits[0].time >= 900, `waited ${hits[1].time - hits[0].time} ms`);
      assert.deepEqual(grid.errors, []);
    });

    it('grid: an HTML bot page instead of the first page is named, not retried, and one Retry paints', () =>
      firstPage({ kind: 'botChallenge' }, /browser check page/, (n) => n >= 1 && n <= 2));

    it('grid: malformed JSON on a far page is reported and one Retry paints it', () => farPage({ kind: 'malformedJson' }, /could not be read/, (n) => n >= 1));

    it('grid: a truncated body on a filter is retried, reported, and the filter runs again once the portal answers', () =>
      filter({ kind: 'truncated' }, /connection broke while the portal was sending data/, (n) => n >= 3));

    it('grid: a connection reset on the first page is retried, reported, and one Retry paints', () =>
      firstPage({ kind: 'reset' }, /connection broke|Could not connect/, (n) => n >= 3));

    // An outage reported as an error object: a refusal ("'where' parameter is invalid") is
    // filtered here instead, which grid.test.ts checks.
    it('grid: an ArcGIS error object inside HTTP 200 on a filter shows the portal\'s words', () =>
      filter({ kind: 'arcgisError', status: 500, message: 'An internal server error occurred.' }, /internal server error occurred/, (n) => n >= 1));
  });

  // ---------------------------------------------------------------- save and refresh

  describe('save and refresh', () => {
    const TITLE = 'Work Zones';
    const save = (options: Record<string, unknown> = {}) =>
      vscode.commands.executeCommand<SaveOutcome | undefined>('okcOpenData.saveDataset', dataset(TITLE), {
        folder: vscode.Uri.file(folder).toString(), overwrite: true, format: 'csv', fileName: 'zones', ...options,
      });
    const data = () => join(folder, 'zones.csv');
    const sidecar = () => join(folder, 'zones.csv.okc.json');
    const leftovers = () => readdirSync(folder).filter((f) => f.includes('.okc-tmp-'));
    const queryPath = () => new RegExp(`${escape(layerTail(TITLE))}/query$`);
    /** A first, good save; returns its bytes and sidecar, which a failed one must leave alone. */
    async function previous(): Promise<{ data: string; sidecar: string }> {
      const first = await save();
      assert.ok(first, 'the first save worked');
      return { data: readFileSync(data(), 'utf8'), sidecar: readFileSync(sidecar(), 'utf8') };
    }
    function intact(before: { data: string; sidecar: string }): void {
      assert.equal(readFileSync(data(), 'utf8'), before.data, 'the previous data file');
      assert.equal(readFileSync(sidecar(), 'utf8'), before.sidecar, 'the previous sidecar');
      assert.deepEqual(leftovers(), []);
    }
    const pagesOnly = 'resultOffset=';
    const rows = fakeRows(() => fake, TITLE);

    it('save: a slow drip on every page still saves every row', async () => {
      fake.faults.set([{ kind: 'slowDrip', ms: 30, path: queryPath().source, query: pagesOnly }]);
      const result = await save();
      assert.equal(result?.rows, rows());
    });

    it('save: a page whose body stalls is retried, then fails naming the portal, leaving the previous save', async () => {
      const before = await previous();
      const from = fake.requests.length;
      fake.faults.set([{ kind: 'stall', path: queryPath().source, query: pagesOnly }]);
      assert.equal(await save(), undefined);
      const message = await recorder.waitFor(new RegExp(`^${PORTAL} did not answer in time`));
      assert.match(message, /Nothing was written and any existing file is unchanged/);
      assert.ok(asked(from, queryPath(), /resultOffset=/).length >= 3, 'retried');
      intact(before);
      fake.faults.clear();
      assert.equal((await save())?.rows, rows(), 'saves again once the portal answers');
    });

    it('save: 429 with Retry-After in seconds on a page is waited out and the save completes', async () => {
      const from = fake.requests.length;
      fake.faults.set([{ kind: 'rateLimit', retryAfterSeconds: 1, times: 1, path: queryPath().source, query: pagesOnly }]);
      assert.equal((await save())?.rows, rows());
      const hits = asked(from, queryPath(), /resultOffset=/);
      const limited = hits.findIndex((h) => h.status === 429);
      assert.ok(limited >= 0);
      assert.ok(hits.slice(limited + 1).some((h) => h.time - hits[limited].time >= 900), 'the retry came after the wait');
    });

    it('refresh: 429 with Retry-After as an HTTP date is waited out and the refresh completes', async () => {
      await previous();
      fake.faults.set([{ kind: 'rateLimit', retryAfterSeconds: 1, retryAfterDate: true, times: 1, path: queryPath().source, query: pagesOnly }]);
      const started = Date.now();
      const diff = await vscode.commands.executeCommand<{ rows: number } | undefined>('okcOpenData.refreshSavedDataset', vscode.Uri.file(data()));
      assert.equal(diff?.rows, rows());
      assert.ok(Date.now() - started >= 900);
    });

    it('save: an ArcGIS error object inside HTTP 200 fails with the portal\'s words, leaving the previous save', async () => {
      const before = await previous();
      fake.faults.set([{ kind: 'arcgisError', status: 500, message: 'Error performing query operation', path: queryPath().source, query: pagesOnly }]);
      assert.equal(await save(), undefined);
      await recorder.waitFor(new RegExp(`^${PORTAL}.*Error performing query operation.*Nothing was written`));
      intact(before);
    });

    it('refresh: a stalled page fails naming the portal, leaves the saved file and sidecar, and the next refresh works', async () => {
      const before = await previous();
      fake.faults.set([{ kind: 'stall', path: queryPath().source, query: pagesOnly }]);
      assert.equal(await vscode.commands.executeCommand('okcOpenData.refreshSavedDataset', vscode.Uri.file(data())), undefined);
      await recorder.waitFor(/did not answer in time/);
      intact(before);
      fake.faults.clear();
      const diff = await vscode.commands.executeCommand<{ unchanged: number } | undefined>('okcOpenData.refreshSavedDataset', vscode.Uri.file(data()));
      assert.equal(diff?.unchanged, rows());
    });

    it('save: when the sidecar cannot be replaced after the data was, the user is told and the next save repairs it', async () => {
      await previous();
      // A folder where the sidecar goes makes its rename fail after the data's succeeded.
      rmSync(sidecar());
      mkdirSync(sidecar());
      writeFileSync(join(sidecar(), 'blocker'), '');
      const truth = fake.catalog.byTitle(TITLE)!;
      assert.equal(await save({ query: { filters: [{ field: truth.objectIdField, op: '<=', value: truth.oidAt(9) }] }, scope: 'query' }), undefined);
      await recorder.waitFor(/zones\.csv was saved, but its provenance file zones\.csv\.okc\.json could not be updated .*save again or run "Refresh Saved Dataset" to repair it/);
      assert.equal(readFileSync(data(), 'utf8').trim().split('\n').length, 11, 'the new data is in place');
      assert.deepEqual(leftovers(), []);
      rmSync(sidecar(), { recursive: true });
      const repaired = await save();
      assert.equal(repaired?.rows, rows());
      assert.equal(JSON.parse(readFileSync(sidecar(), 'utf8')).rows, rows());
    });
  });

  // ---------------------------------------------------------------- CSV side preview

  describe('CSV side preview', () => {
    it('CSV preview: follows a file rewritten, then cut short mid-row, says when it is deleted, and comes back when it returns', async () => {
      const path = join(scratch, 'changing.csv');
      const lines = (n: number, tag: string) => ['id,name', ...Array.from({ length: n }, (_, i) => `${i + 1},${tag} ${i + 1}`)].join('\n') + '\n';
      writeFileSync(path, lines(300, 'first'));
      const grid = await vscode.commands.executeCommand<GridHandle>('okcOpenData.openCsvPreview', vscode.Uri.file(path));
      await grid.waitForPaint((p) => p.first === 0 && p.texts.includes('first 1'));
      await until('300 rows', () => grid.view?.complete && grid.view.total === 300);

      // Rewritten: other rows, other count.
      writeFileSync(path, lines(120, 'second'));
      await until('the rewritten file', () => grid.view?.complete && grid.view.total === 120);
      await grid.waitForPaint((p) => p.texts.includes('second 1'));

      // Cut short in the middle of a row.
      const text = readFileSync(path, 'utf8');
      truncateSync(path, text.indexOf('\n61,') + 5);
      await until('the shortened file', () => grid.view?.complete && grid.view.total === 61);
      grid.scrollTo(60);
      const end = await grid.waitForPaint((p) => p.last === 60);
      assert.ok(end.texts.includes('61'), end.texts.join(' | '));

      // Deleted while previewed: the panel says so instead of showing stale rows silently.
      unlinkSync(path);
      const gone = await until('a message about the deleted file', () => grid.errors.find((e) => /was deleted or moved/.test(e)), 20_000);
      assert.ok(gone.includes('changing.csv'), gone);

      // And when it comes back, the preview follows by itself.
      writeFileSync(path, lines(5, 'third'));
      await until('the file back', () => grid.view?.complete && grid.view.total === 5, 20_000);
      await grid.waitForPaint((p) => p.texts.includes('third 1'));
      assert.ok(existsSync(path));
    });
  });
});

/** The number of rows the fake serves for `title`, read when the test runs. */
function fakeRows(portal: () => FakePortal, title: string): () => number {
  return () => portal().catalog.byTitle(title)!.rowCount;
}
