// Column profiles on the portal: one numeric (Amount) and one text (Category) column of the
// 1,000,000-row layer profiled through HubPortal over loopback HTTP, the fake portal in a worker
// thread as a remote portal would be. Reports the warm median of 5 runs (the portal's columns
// built), the first, cold run on its own, and a grouped count through aggregate().

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { PortalHttp } from '../src/portal/http';
import { HubPortal } from '../src/portal/hub';
import { aggregate } from '../src/stats/aggregate';
import { profileColumn } from '../src/stats/profile';
import { BIG_TITLE } from '../test/portal/data';
import { startFakePortal } from '../test/portal/server';
import { medianMs, reportBench } from './common';

const ROWS = 1_000_000;

async function portalInWorker(): Promise<{ baseUrl: string; stop: () => Promise<number> }> {
  const worker = new Worker(__filename, { workerData: { role: 'fake-portal', rows: ROWS } });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { baseUrl: string }) => resolve(m.baseUrl));
    worker.once('error', reject);
  });
  return { baseUrl, stop: () => worker.terminate() };
}

async function main(): Promise<void> {
  const fake = await portalInWorker();
  try {
    const http = new PortalHttp({ userAgent: 'okc-open-data-bench', timeoutMs: 60_000 });
    const hub = new HubPortal({ name: 'Bench', kind: 'hub', url: fake.baseUrl }, http, { token: async () => undefined });
    const dataset = (await hub.listDatasets()).find((d) => d.title === BIG_TITLE)!;
    const schema = await hub.getSchema(dataset);
    const profileBoth = async (): Promise<void> => {
      const [amount, category] = await Promise.all([
        profileColumn(hub, dataset, schema, {}, 'Amount'),
        profileColumn(hub, dataset, schema, {}, 'Category'),
      ]);
      if (amount.computedOn !== 'portal' || category.computedOn !== 'portal' || amount.count !== ROWS) throw new Error('not profiled on the portal');
    };
    const coldStart = performance.now();
    await profileBoth();
    const cold = performance.now() - coldStart;
    const warm = await medianMs(5, profileBoth, 0);
    const grouped = await medianMs(5, () => aggregate(hub, dataset, schema, { query: {}, groupBy: ['Category'], statistics: [{ kind: 'count', field: 'OBJECTID' }], orderBy: [{ column: 'count_OBJECTID', descending: true }] }));
    reportBench({ profile_remote_1m_ms: warm, profile_remote_1m_cold_ms: cold, stats_grouped_count_1m_ms: grouped });
  } finally {
    await fake.stop();
  }
}

if (isMainThread) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else if ((workerData as { role?: string })?.role === 'fake-portal') {
  void startFakePortal({ port: 0, bigRows: (workerData as { rows: number }).rows }).then((fake) => parentPort!.postMessage({ baseUrl: fake.baseUrl }));
}
