// Catalog figures: fetch + build from the fake portal cold, from the cache warm, a
// conditional revalidation, search over 5,000 datasets, and the extension bundle size.

import { statSync } from 'node:fs';
import { searchDatasets } from '../src/catalog/search';
import { CatalogStore } from '../src/catalog/store';
import { PortalHttp } from '../src/portal/http';
import { HubPortal } from '../src/portal/hub';
import type { DatasetSummary } from '../src/portal/types';
import { startFakePortal } from '../test/portal/server';
import { median, medianMs, reportBench } from './common';
import { MemoryStorage } from '../test/unit/catalog/memoryStorage';

const RUNS = 9;
const noToken = { token: async () => undefined };


/** What the tree needs first: datasets by portal and group. */
function groupModel(datasets: DatasetSummary[]): Map<string, DatasetSummary[]> {
  const groups = new Map<string, DatasetSummary[]>();
  for (const d of datasets) for (const g of d.groups) (groups.get(g) ?? groups.set(g, []).get(g)!).push(d);
  for (const list of groups.values()) list.sort((a, b) => a.title.localeCompare(b.title));
  return groups;
}

function syntheticCatalog(n: number, base: DatasetSummary[]): DatasetSummary[] {
  const words = ['permits', 'zones', 'stations', 'routes', 'parcels', 'inspections', 'calls', 'projects', 'districts', 'facilities'];
  return Array.from({ length: n }, (_, i) => {
    const b = base[i % base.length];
    return { ...b, id: `${b.id}-${i}`, title: `${b.title} ${words[i % words.length]} ${i}`, keywords: [...b.keywords, words[(i * 7) % words.length]] };
  });
}

async function main(): Promise<void> {
  const fake = await startFakePortal({ port: 0, bigRows: 1000 });
  const config = { name: 'OKC', kind: 'hub' as const, url: fake.baseUrl };
  try {
    const cold = await medianMs(RUNS, async () => {
      // A new client each run: no connection reuse, no stored ETag.
      const portal = new HubPortal(config, new PortalHttp({ userAgent: 'bench' }), noToken);
      groupModel(await portal.listDatasets());
    });

    const storage = new MemoryStorage();
    const seed = new CatalogStore([new HubPortal(config, new PortalHttp({ userAgent: 'bench' }), noToken)], storage);
    await seed.refresh();
    const warm = await medianMs(RUNS, async () => {
      const store = new CatalogStore([new HubPortal(config, new PortalHttp({ userAgent: 'bench' }), noToken)], storage);
      await store.loadCache();
      groupModel(store.allDatasets());
    });

    const http = new PortalHttp({ userAgent: 'bench' });
    const revalidating = new HubPortal(config, http, noToken);
    await revalidating.listDatasets();
    const revalidate = await medianMs(RUNS, async () => groupModel(await revalidating.listDatasets()));

    const base = await new HubPortal(config, new PortalHttp({ userAgent: 'bench' }), noToken).listDatasets();
    const big = syntheticCatalog(5000, base);
    const fields = new Map(big.map((d) => [`${d.portal}\u0000${d.id}`, ['OBJECTID', 'Address', 'Status', 'Permit_Date']]));
    const queries = ['fire', 'zones trash', 'permit', 'oklahoma city stations', 'xyz-no-match', 'address'];
    const perQuery: number[] = [];
    for (const q of queries) perQuery.push(await medianMs(RUNS, () => searchDatasets(big, q, fields), 2));

    let bundle = NaN;
    try {
      bundle = statSync('dist/extension.js').size;
    } catch {
      // scripts/bench.mjs builds first; run alone, the figure is left out.
    }

    process.stdout.write(`catalog of ${base.length} datasets; search over ${big.length}: ${queries.map((q, i) => `${q}=${perQuery[i].toFixed(2)}ms`).join(' ')}\n`);
    reportBench({
      catalog_cold_ms: cold,
      catalog_warm_ms: warm,
      catalog_revalidate_ms: revalidate,
      catalog_search_5000_ms: median(perQuery),
      ...(Number.isFinite(bundle) ? { bundle_extension_bytes: bundle } : {}),
    });
  } finally {
    await fake.close();
  }
}

void main();
