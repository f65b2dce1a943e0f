// Saving 1,000,000 rows to CSV, then to GeoJSON, through the export pipeline, each against the
// raw rate at which the same portal serves the same pages in the same run (fetched through the
// same client with the same concurrency, bytes dropped unparsed), plus memory growth during the save.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DatasetSchema, DatasetSummary, Portal } from '../src/portal/types';
import type { DatasetQuery } from '../src/query/model';
import { saveDataset } from '../src/save/save';
import { NodeSaveFs } from '../src/save/nodeSaveFs';
import { portalQueryFor } from '../src/save/export';
import type { SaveFormat } from '../src/save/values';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { PortalHttp } from '../src/portal/http';
import { HubPortal } from '../src/portal/hub';
import { medianMs, reportBench } from './common';
import { MemoryPortal, SAMPLE_DATASET, SAMPLE_SCHEMA } from '../test/unit/save/memoryPortal';
import { startFakePortal } from '../test/portal/server';

const ROWS = Number(process.env.SAVE_BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.SAVE_BENCH_RUNS ?? 5);
const PAGE_SIZE = 2000;
const CONCURRENCY = Number(process.env.SAVE_BENCH_CONCURRENCY ?? 3);
/** `http` (default): the fake portal in a worker thread, as a remote portal would be;
 * `http-inprocess`: same thread as the save; `memory`: no HTTP at all. */
const SOURCE = process.env.SAVE_BENCH_SOURCE ?? 'http';
const BIG_TITLE = 'Synthetic Performance Records';
/** Formats measured, in order (SAVE_BENCH_FORMATS=csv,geojson by default). */
const FORMATS = (process.env.SAVE_BENCH_FORMATS ?? 'csv,geojson').split(',').map((f) => f.trim()) as SaveFormat[];

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Source {
  portal: Portal;
  /** The client the portal fetches with, when it has one (the raw GeoJSON pages use it). */
  http?: PortalHttp;
  dataset: DatasetSummary;
  schema: DatasetSchema;
  close(): Promise<void>;
}

async function inMemorySource(): Promise<Source> {
  const portal = new MemoryPortal({ total: ROWS });
  return { portal, dataset: SAMPLE_DATASET, schema: SAMPLE_SCHEMA, close: async () => undefined };
}

/** Starts the fake portal in a worker thread (or here) and returns its base URL. */
async function startServer(inProcess: boolean): Promise<{ baseUrl: string; close(): Promise<void> }> {
  if (inProcess) {
    const fake = await startFakePortal({ port: 0, bigRows: ROWS });
    return { baseUrl: fake.baseUrl, close: () => fake.close() };
  }
  const worker = new Worker(__filename, { workerData: { role: 'fake-portal', rows: ROWS } });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { baseUrl: string }) => resolve(m.baseUrl));
    worker.once('error', reject);
  });
  return {
    baseUrl,
    close: async () => {
      await worker.terminate();
    },
  };
}

async function httpSource(inProcess: boolean): Promise<Source> {
  const server = await startServer(inProcess);
  const http = new PortalHttp({ userAgent: 'okc-open-data-bench', timeoutMs: 60_000 });
  const portal = new HubPortal({ name: 'Fake OKC', kind: 'hub', url: server.baseUrl }, http, { token: async () => undefined });
  const dataset = (await portal.listDatasets()).find((d) => d.title === BIG_TITLE);
  if (!dataset) throw new Error(`the fake portal has no ${BIG_TITLE}`);
  const schema = await portal.getSchema(dataset);
  return { portal, http, dataset, schema, close: () => server.close() };
}

/** The portal's raw serving rate: every page the save fetches, through the same HTTP client
 * with the same concurrency, taken as the bytes that arrive (not parsed) and dropped. */
async function serveOnly(source: Source, format: SaveFormat): Promise<number> {
  const query = portalQueryFor(format, {}, source.schema);
  const total = await source.portal.countRows(source.dataset, query);
  const pages = Math.ceil(total / PAGE_SIZE);
  let next = 0;
  let rows = 0;
  const worker = async () => {
    while (next < pages) {
      const index = next++;
      const offset = index * PAGE_SIZE;
      const count = Math.min(PAGE_SIZE, total - offset);
      // A portal without raw pages (the in-memory one) has nothing cheaper than its rows.
      const raw = format === 'geojson' ? await rawGeoJsonPage(source, query, offset, count) : await source.portal.queryPageRaw?.(source.dataset, query, offset, count);
      rows += raw ? count : (await source.portal.queryPage(source.dataset, query, offset, count)).rows.length;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return rows;
}

/** The bytes of the f=geojson page the save asks for (same parameters as queryPage sends:
 * queryUrl builds them from the same compiler), or undefined without an HTTP portal. */
async function rawGeoJsonPage(source: Source, query: DatasetQuery, offset: number, count: number): Promise<Uint8Array | undefined> {
  if (!source.http) return undefined;
  const url = source.portal.queryUrl(source.dataset, { ...query, format: 'geojson', offset, limit: count });
  return (await source.http.bytes({ url })).bytes;
}

/** One format: the save and the raw serving of its pages, alternated RUNS times. */
async function measure(source: Source, fs: NodeSaveFs, folder: string, format: SaveFormat): Promise<Record<string, number>> {
  let rssGrowth = 0;
  let heapGrowth = 0;
  const save = async () => {
    gc();
    const rss0 = process.memoryUsage().rss;
    const heap0 = process.memoryUsage().heapUsed;
    let rssPeak = rss0;
    let heapPeak = heap0;
    // Sampled on a timer only: memoryUsage() costs enough to show in the save's own time.
    const sample = () => {
      const m = process.memoryUsage();
      rssPeak = Math.max(rssPeak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed);
    };
    const timer = setInterval(sample, 50);
    try {
      const result = await saveDataset({
        portal: source.portal, fs, folder, dataset: source.dataset, schema: source.schema, query: {}, format,
        pageSize: PAGE_SIZE, concurrency: CONCURRENCY, overwrite: true,
      });
      if (result.rows !== ROWS) throw new Error(`saved ${result.rows} rows, expected ${ROWS}`);
    } finally {
      clearInterval(timer);
      sample();
    }
    rssGrowth = Math.max(rssGrowth, (rssPeak - rss0) / 1048576);
    heapGrowth = Math.max(heapGrowth, (heapPeak - heap0) / 1048576);
  };
  // SAVE_BENCH_VERBOSE=1 prints, per run, how busy the main thread was and the process's
  // CPU time: on two cores the save and the portal compete for them.
  const withElu = async (label: string, fn: () => Promise<void>) => {
    const e0 = performance.eventLoopUtilization();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    const e = performance.eventLoopUtilization(e0);
    const c = process.cpuUsage(c0);
    if (process.env.SAVE_BENCH_VERBOSE) process.stderr.write(`${label}: wall ${(performance.now() - t0).toFixed(0)} ms, main active ${e.active.toFixed(0)} ms, process cpu ${((c.user + c.system) / 1000).toFixed(0)} ms\n`);
  };
  const serve = async () => {
    const rows = await serveOnly(source, format);
    if (rows !== ROWS) throw new Error(`served ${rows} rows, expected ${ROWS}`);
  };
  // Alternate the two so a noisy neighbour on the shared machine hurts both alike.
  const portalTimes: number[] = [];
  const saveTimes: number[] = [];
  // SAVE_BENCH_ONLY=save|portal runs one side alone, for profiling.
  const only = process.env.SAVE_BENCH_ONLY;
  for (let run = 0; run < RUNS; run++) {
    portalTimes.push(only === 'save' ? Number.NaN : await medianMs(1, () => withElu(`portal ${format}`, serve), run === 0 ? 1 : 0));
    saveTimes.push(only === 'portal' ? Number.NaN : await medianMs(1, () => withElu(`save ${format}`, save), 0));
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  const portalRate = ROWS / (median(portalTimes) / 1000);
  const saveRate = ROWS / (median(saveTimes) / 1000);
  process.stderr.write(
    `save.bench: ${ROWS} rows, ${format}, source=${SOURCE}, runs=${RUNS}, ` +
      `portal ${median(portalTimes).toFixed(0)} ms, save ${median(saveTimes).toFixed(0)} ms\n`,
  );
  // Key names say when the numbers do not come from the fake portal over HTTP, and the
  // format when it is not CSV (the CSV keys predate the others).
  const tag = (format === 'csv' ? '' : `_${format}`) + (SOURCE === 'memory' ? '_inmemory' : SOURCE === 'http-inprocess' ? '_inprocess' : '');
  return {
    [`save${tag}_rows_per_s`]: saveRate,
    [`portal${tag}_rows_per_s`]: portalRate,
    [`save${tag}_vs_portal_pct`]: (saveRate / portalRate) * 100,
    [`save${format === 'csv' ? '' : `_${format}`}_mem_growth_mb`]: rssGrowth,
    [`save${format === 'csv' ? '' : `_${format}`}_heap_growth_mb`]: heapGrowth,
  };
}

async function main(): Promise<void> {
  const folder = await mkdtemp(path.join(tmpdir(), 'okc-save-bench-'));
  const source = SOURCE === 'memory' ? await inMemorySource() : await httpSource(SOURCE === 'http-inprocess');
  const fs = new NodeSaveFs();
  const results: Record<string, number> = {};
  try {
    for (const format of FORMATS) Object.assign(results, await measure(source, fs, folder, format));
    reportBench(results);
  } finally {
    await source.close();
    await rm(folder, { recursive: true, force: true });
  }
}

if (isMainThread) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
} else if ((workerData as { role?: string })?.role === 'fake-portal') {
  void startFakePortal({ port: 0, bigRows: (workerData as { rows: number }).rows }).then((fake) => parentPort!.postMessage({ baseUrl: fake.baseUrl }));
}
