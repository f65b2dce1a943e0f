// Map view benchmarks, end to end in a real VS Code (code-server's extension host, webview
// drawn by Chromium): command to all of 100,000 points painted, the same for 20,000 polygons,
// the median frame while panning over 100,000 points as a mouse drag does, the webview's heap
// with 100,000 points, and the production size of the map's webview bundle. Run as a script
// it starts the harness with this same file as the tests module; inside the host `run()` measures.

import { writeFileSync } from 'node:fs';
import type * as vscodeApi from 'vscode';
import type { MapHandle } from '../src/map/mapPanel';
import { median } from './common';
import { hostBenchSteps, runHostBench, startFakePortalProcess, webviewBundleBytes } from './hostBench';
import { createCatalog } from '../test/portal/data';

const RUNS = Number(process.env.OKC_BENCH_RUNS ?? 3);
const POINTS = 100_000;
const POLYGONS = 20_000;
const EXTENSION_ID = 'okc-open-data.okc-open-data';

// ---- inside the extension host ---------------------------------------------------------------

export async function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode = require('vscode') as typeof vscodeApi;
  const { results, step } = hostBenchSteps(vscode.version, 'map');
  const started = performance.now();
  const m = results.measurements!;
  // The synthetic point layer, sized to the map's whole-drawing limit.
  const fake = await startFakePortalProcess(POINTS);
  try {
    const okc = await vscode.extensions.getExtension<{ refresh(): Promise<void>; store: { allDatasets(): { portal: string; title: string }[] } }>(EXTENSION_ID)!.activate();
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', [{ name: 'Bench Hub', kind: 'hub', url: fake.baseUrl }], vscode.ConfigurationTarget.Global);
    await okc.refresh();
    const find = (title: string) => {
      const d = okc.store.allDatasets().find((x) => x.portal === 'Bench Hub' && x.title === title);
      if (!d) throw new Error(`${title} is not in the catalog`);
      return d;
    };
    const points = find('Synthetic Performance Records');
    const vegetation = find('Vegetation Polygons');
    // The first 20,000 of its 30,000 polygons, as a grid filter would give them.
    const lastPolygon = createCatalog({ bigRows: POINTS }).byTitle('Vegetation Polygons')!.oidAt(POLYGONS - 1);

    // Where each first draw's time went (host and webview stages), medians beside the keys.
    const stageRuns = new Map<string, number[]>();
    const keepStages = (prefix: string, stages: Record<string, number>): void => {
      for (const [name, ms] of Object.entries(stages)) {
        const key = `${prefix}_${name.replace(/Ms$/, '')}_ms`;
        stageRuns.set(key, [...(stageRuns.get(key) ?? []), ms]);
      }
    };
    const firstDraw = async (dataset: unknown, options: unknown, accept: (p: { points: number; polygons: number }) => boolean): Promise<{ ms: number; map: MapHandle; heapMb?: number; stages: Record<string, number> }> => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const t0 = performance.now();
      const map = (await vscode.commands.executeCommand<MapHandle>('okcOpenData.showOnMap', dataset, options))!;
      const paint = await map.waitForPaint((p) => p.complete && accept(p), 180_000);
      return { ms: paint.at - t0, map, heapMb: paint.heapMb, stages: { host_open: map.stages.openMs, host_fetch: map.stages.fetchMs, host_pack: map.stages.packMs, webview_ingest: paint.stages?.ingestMs ?? NaN, webview_paint: paint.stages?.paintMs ?? NaN } };
    };
    /** With OKC_MAP_CPU_PROFILE=<dir>, one more first draw under the host's CPU profiler. */
    const profiled = async (name: string, draw: () => Promise<unknown>): Promise<void> => {
      const dir = process.env.OKC_MAP_CPU_PROFILE;
      if (!dir) return;
      const { Session } = await import('node:inspector/promises');
      const session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      try {
        await draw();
      } finally {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
        session.disconnect();
      }
    };

    await step('100,000 points: first draw, memory, pan', async () => {
      const draws: number[] = [];
      const heaps: number[] = [];
      const pans: number[] = [];
      for (let i = 0; i < RUNS + 1; i++) {
        const { ms, map, heapMb, stages } = await firstDraw(points, undefined, (p) => p.points === POINTS);
        // The first run warms the webview bundle and the schema; it is not counted.
        if (i === 0) continue;
        draws.push(ms);
        keepStages('map_points', stages);
        if (heapMb !== undefined) heaps.push(heapMb);
        map.pan(120, 6, 3);
        const panned = await map.waitForPaint((p) => p.panFrameMs !== undefined, 120_000);
        pans.push(panned.panFrameMs!);
      }
      m.map_first_draw_ms = median(draws);
      if (heaps.length) m.map_mem_mb = median(heaps);
      m.map_pan_frame_ms = median(pans);
      await profiled('map-points', () => firstDraw(points, undefined, (p) => p.points === POINTS));
    });

    await step('20,000 polygons: first draw', async () => {
      const draws: number[] = [];
      const options = { query: { filters: [{ field: 'OBJECTID', op: '<=', value: lastPolygon }], sort: [] } };
      for (let i = 0; i < RUNS + 1; i++) {
        const { ms, stages } = await firstDraw(vegetation, options, (p) => p.polygons === POLYGONS);
        if (i === 0) continue;
        draws.push(ms);
        keepStages('map_polygons', stages);
      }
      m.map_polygons_first_draw_ms = median(draws);
      await profiled('map-polygons', () => firstDraw(vegetation, options, (p) => p.polygons === POLYGONS));
      for (const [key, runs] of stageRuns) m[key] = median(runs);
    });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  } finally {
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
    await fake.close();
    results.durationMs = performance.now() - started;
    const target = process.env.OKC_TEST_RESULTS;
    if (target) writeFileSync(target, JSON.stringify(results));
  }
}

// ---- as a script -----------------------------------------------------------------------------

async function main(): Promise<void> {
  const figures = { map_bundle_bytes: await webviewBundleBytes(['src/webview/map.ts']) };
  await runHostBench('map', ['map_first_draw_ms', 'map_polygons_first_draw_ms', 'map_pan_frame_ms', 'map_mem_mb'], figures);
}

if (/[\\/]map\.bench\.js$/.test(process.argv[1] ?? '')) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
