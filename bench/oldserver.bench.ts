// Saving a layer of an old ArcGIS Server (10.x, no resultOffset) paged by object id, beside
// the same layer saved with resultOffset from a current server, in the same run: the
// million-row dataset served twice by the fake portal (in a worker thread), once with the
// old-server profile. CSV, so both take the fast path; temp file, SHA-256 and rename included.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { PortalHttp } from '../src/portal/http';
import { HubPortal } from '../src/portal/hub';
import type { DatasetSchema, DatasetSummary } from '../src/portal/types';
import { NodeSaveFs } from '../src/save/nodeSaveFs';
import { saveDataset } from '../src/save/save';
import { BIG_TITLE } from '../test/portal/data';
import { startFakePortal } from '../test/portal/server';
import { median, reportBench } from './common';

const ROWS = Number(process.env.OLDSERVER_BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.OLDSERVER_BENCH_RUNS ?? 3);

interface Side {
  hub: HubPortal;
  dataset: DatasetSummary;
  schema: DatasetSchema;
}

async function side(baseUrl: string): Promise<Side> {
  const hub = new HubPortal({ name: 'Fake OKC', kind: 'hub', url: baseUrl }, new PortalHttp({ userAgent: 'okc-open-data-bench', timeoutMs: 120_000 }), { token: async () => undefined });
  const dataset = (await hub.listDatasets()).find((d) => d.title === BIG_TITLE);
  if (!dataset) throw new Error(`the fake portal has no ${BIG_TITLE}`);
  return { hub, dataset, schema: await hub.getSchema(dataset) };
}

async function main(): Promise<void> {
  const worker = new Worker(__filename, { workerData: { role: 'fake-portals', rows: ROWS } });
  const urls = await new Promise<{ current: string; old: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const folder = await mkdtemp(path.join(tmpdir(), 'okc-oldserver-bench-'));
  const fs = new NodeSaveFs();
  try {
    const [current, old] = [await side(urls.current), await side(urls.old)];
    if (old.schema.queryCapabilities?.pagination !== false) throw new Error('the old-server side still pages by offset');
    const save = async (s: Side): Promise<number> => {
      s.hub.forget(s.dataset);
      const started = performance.now();
      const result = await saveDataset({ portal: s.hub, fs, folder, dataset: s.dataset, schema: s.schema, query: {}, format: 'csv', overwrite: true, fileName: 'bench' });
      if (result.rows !== ROWS) throw new Error(`saved ${result.rows} rows, expected ${ROWS}`);
      return performance.now() - started;
    };
    await save(current);
    await save(old);
    // Alternate the two so a noisy neighbour on the shared machine hurts both alike.
    const offsetTimes: number[] = [];
    const idTimes: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      offsetTimes.push(await save(current));
      idTimes.push(await save(old));
    }
    process.stderr.write(`oldserver.bench: ${ROWS} rows, runs=${RUNS}, by offset ${median(offsetTimes).toFixed(0)} ms, by object id ${median(idTimes).toFixed(0)} ms\n`);
    reportBench({
      save_oldserver_rows_per_s: ROWS / (median(idTimes) / 1000),
      save_offset_rows_per_s: ROWS / (median(offsetTimes) / 1000),
    });
  } finally {
    await worker.terminate();
    await rm(folder, { recursive: true, force: true });
  }
}

if (isMainThread) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
} else if ((workerData as { role?: string })?.role === 'fake-portals') {
  const rows = (workerData as { rows: number }).rows;
  void Promise.all([startFakePortal({ port: 0, bigRows: rows }), startFakePortal({ port: 0, bigRows: rows })]).then(([current, old]) => {
    old.catalog.byTitle(BIG_TITLE)!.serverProfile = 'old';
    parentPort!.postMessage({ current: current.baseUrl, old: old.baseUrl });
  });
}
