// Hostile sizes in a real VS Code: how long the extension host's event loop stalls while a
// 5,000-column layer opens in the grid and the metadata panel, while a layer with a 50 MB
// description opens in the metadata panel, and while the row with a 10 MB cell is scrolled to
// and its row detail opened; and, from the harness's side, the longest task of the browser
// window (workbench and webviews) in each of those spans, since no action may freeze the window
// either. The fake portal runs in a child process so that its own work
// (writing 50 MB of JSON) is not counted against the host. Run as a script it starts the
// harness with this same file as the tests module; inside the host `run()` measures.

import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type * as vscodeApi from 'vscode';
import type { DatasetSummary } from '../src/portal/types';
import type { IntegrationResults } from '../test/harness/results';
import type { GridHandle } from '../src/preview/gridHost';
import type { MetadataHandle } from '../src/preview/metadataPanel';
import { HOSTILE_LONG_DESCRIPTION_TITLE, HOSTILE_TITLE, HOSTILE_WIDE_TITLE, HUGE_CELL_ROW } from '../test/portal/data';
import { hostBenchSteps, runHostBench, startFakePortalProcess } from './hostBench';

const RUNS = Number(process.env.OKC_BENCH_RUNS ?? 2);
const EXTENSION_ID = 'okc-open-data.okc-open-data';
const PORTAL = 'Hostile Bench Hub';
/** After a metadata panel has its last message, how long lag is still watched (the webview
 * renders it meanwhile; the host must stay free). */
const SETTLE_MS = 1500;

// ---- inside the extension host ---------------------------------------------------------------

/** The longest event-loop stall, in ms, while `body` runs. The time it ran is marked as a span
 * under `windowKey`, for the harness to find the browser window's longest task in it. */
async function maxLagDuring(results: IntegrationResults, windowKey: string, body: () => Promise<void>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const startMs = Date.now();
  try {
    await body();
  } finally {
    histogram.disable();
    (results.spans ??= []).push({ key: windowKey, startMs, endMs: Date.now() });
  }
  return histogram.max / 1e6;
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode = require('vscode') as typeof vscodeApi;
  const { results, step } = hostBenchSteps(vscode.version, 'hostile');
  const started = performance.now();
  const m = results.measurements!;
  const portal = await startFakePortalProcess(1000);
  const lags: Record<string, number[]> = { wide_grid: [], wide_metadata: [], long_description: [], huge_cell: [] };
  const widePaint: number[] = [];
  const closeAll = () => vscode.commands.executeCommand('workbench.action.closeAllEditors');
  try {
    const okc = await vscode.extensions.getExtension<{ refresh(): Promise<void>; store: { allDatasets(): DatasetSummary[] } }>(EXTENSION_ID)!.activate();
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', [{ name: PORTAL, kind: 'hub', url: portal.baseUrl }], vscode.ConfigurationTarget.Global);
    await okc.refresh();
    const find = (title: string): DatasetSummary => {
      const found = okc.store.allDatasets().find((d) => d.portal === PORTAL && d.title === title);
      if (!found) throw new Error(`${title} is not in the catalog`);
      return found;
    };
    const wide = find(HOSTILE_WIDE_TITLE);
    const long = find(HOSTILE_LONG_DESCRIPTION_TITLE);
    const hostile = find(HOSTILE_TITLE);

    for (let i = 0; i < RUNS; i++) {
      await step(`5,000 columns in the grid, run ${i + 1}`, async () => {
        await closeAll();
        lags.wide_grid.push(await maxLagDuring(results, 'hostile_wide_grid_window_pause_ms', async () => {
          const t0 = performance.now();
          const grid = (await vscode.commands.executeCommand<GridHandle>('okcOpenData.previewDataset', wide))!;
          const painted = await grid.waitForPaint((p) => p.first === 0 && p.last > 0, 120_000);
          widePaint.push(painted.at - t0);
        }));
      });
      await step(`5,000 fields in the metadata panel, run ${i + 1}`, async () => {
        await closeAll();
        lags.wide_metadata.push(await maxLagDuring(results, 'hostile_wide_metadata_window_pause_ms', async () => {
          const panel = (await vscode.commands.executeCommand<MetadataHandle>('okcOpenData.showMetadata', wide))!;
          await until(() => (panel.view?.fields?.length ?? 0) >= 5000, 120_000, 'the 5,000 fields');
          await new Promise((r) => setTimeout(r, SETTLE_MS));
        }));
      });
      await step(`a 50 MB description in the metadata panel, run ${i + 1}`, async () => {
        await closeAll();
        lags.long_description.push(await maxLagDuring(results, 'hostile_long_description_window_pause_ms', async () => {
          const panel = (await vscode.commands.executeCommand<MetadataHandle>('okcOpenData.showMetadata', long))!;
          await until(() => panel.view?.fields !== undefined && panel.view.descriptionHtml.length > 0, 120_000, 'the long description');
          await new Promise((r) => setTimeout(r, SETTLE_MS));
        }));
      });
      await step(`the 10 MB cell and its row detail, run ${i + 1}`, async () => {
        await closeAll();
        lags.huge_cell.push(await maxLagDuring(results, 'hostile_huge_cell_window_pause_ms', async () => {
          const grid = (await vscode.commands.executeCommand<GridHandle>('okcOpenData.previewDataset', hostile))!;
          const painted = await grid.waitForPaint((p) => p.first === 0, 120_000);
          grid.scrollTo(HUGE_CELL_ROW);
          await grid.waitForPaint((p) => p.activeRow === HUGE_CELL_ROW, 120_000);
          await grid.detail(painted.generation, HUGE_CELL_ROW);
        }));
      });
    }
    await closeAll();
    // A scenario that failed has no figure; its failure is reported by `step`.
    const keyOf: Record<string, string> = { wide_grid: 'hostile_wide_grid_lag_ms', wide_metadata: 'hostile_wide_metadata_lag_ms', long_description: 'hostile_long_description_lag_ms', huge_cell: 'hostile_huge_cell_lag_ms' };
    for (const [name, values] of Object.entries(lags)) if (values.length) m[keyOf[name]] = Math.max(...values);
    const all = Object.values(lags).flat();
    if (all.length) m.hostile_max_lag_ms = Math.max(...all);
    // The webview's side: command to the first rows of the 5,000 columns painted.
    if (widePaint.length) m.hostile_wide_grid_first_paint_ms = Math.max(...widePaint);
  } finally {
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
    await portal.close();
    results.durationMs = performance.now() - started;
    const target = process.env.OKC_TEST_RESULTS;
    if (target) writeFileSync(target, JSON.stringify(results));
  }
}

// ---- as a script -----------------------------------------------------------------------------

if (/[\\/]hostile\.bench\.js$/.test(process.argv[1] ?? '')) {
  const windowKeys = ['hostile_wide_grid_window_pause_ms', 'hostile_wide_metadata_window_pause_ms', 'hostile_long_description_window_pause_ms', 'hostile_huge_cell_window_pause_ms'];
  const keys = ['hostile_max_lag_ms', 'hostile_wide_grid_lag_ms', 'hostile_wide_metadata_lag_ms', 'hostile_long_description_lag_ms', 'hostile_huge_cell_lag_ms', 'hostile_wide_grid_first_paint_ms'];
  runHostBench('hostile', [...keys, 'hostile_window_max_pause_ms', ...windowKeys], {}, {
    windowPauses: true,
    // The window's longest task in any of the four, beside the host's longest stall.
    derive: (m) => {
      const pauses = windowKeys.map((k) => m[k]).filter((v) => typeof v === 'number');
      if (pauses.length) m.hostile_window_max_pause_ms = Math.max(...pauses);
    },
  }).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
