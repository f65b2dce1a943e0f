// Grid and CSV preview benchmarks, end to end in a real VS Code (code-server's extension host,
// webview drawn by Chromium): command to first rows painted, the jump to row 999,999, the
// CSV preview's first rows and the extension host's memory growth while it previews a 1 GB
// CSV, plus the production size of the webview bundles. Run as a script it starts the
// harness with this same file as the tests module; inside the host `run()` measures.

import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscodeApi from 'vscode';
import type { GridHandle } from '../src/preview/gridHost';
import { median } from './common';
import { hostBenchSteps, runHostBench, startFakePortalProcess, webviewBundleBytes } from './hostBench';

const RUNS = Number(process.env.OKC_BENCH_RUNS ?? 5);
const CSV_MB = Number(process.env.OKC_BENCH_CSV_MB ?? 1024);
const EXTENSION_ID = 'okc-open-data.okc-open-data';

// ---- inside the extension host ---------------------------------------------------------------

export async function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode = require('vscode') as typeof vscodeApi;
  const { results, step } = hostBenchSteps(vscode.version, 'grid');
  const started = performance.now();
  const m = results.measurements!;
  const fake = await startFakePortalProcess(1_000_000);
  const scratch = mkdtempSync(join(tmpdir(), 'okc-grid-bench-'));
  try {
    const okc = await vscode.extensions.getExtension<{ refresh(): Promise<void>; store: { allDatasets(): { portal: string; title: string }[] } }>(EXTENSION_ID)!.activate();
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', [{ name: 'Bench Hub', kind: 'hub', url: fake.baseUrl }], vscode.ConfigurationTarget.Global);
    await okc.refresh();
    const big = okc.store.allDatasets().find((d) => d.portal === 'Bench Hub' && d.title === 'Synthetic Performance Records');
    if (!big) throw new Error('the 1,000,000-row dataset is not in the catalog');

    await step('grid first rows and jump', async () => {
      const first: number[] = [];
      const jump: number[] = [];
      for (let i = 0; i < RUNS + 1; i++) {
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        const t0 = performance.now();
        const grid = (await vscode.commands.executeCommand<GridHandle>('okcOpenData.previewDataset', big))!;
        const painted = await grid.waitForPaint((p) => p.first === 0, 60_000);
        const t1 = performance.now();
        grid.scrollTo(999_999);
        const end = await grid.waitForPaint((p) => p.last === 999_999 && p.activeRow === 999_999, 60_000);
        // The first run warms the webview bundle and the schema; it is not counted.
        if (i > 0) {
          first.push(painted.at - t0);
          jump.push(end.at - t1);
        }
      }
      m.grid_first_rows_ms = median(first);
      m.grid_jump_ms = median(jump);
    });

    const csvPath = join(scratch, 'big.csv');
    await step('csv preview first rows and memory', async () => {
      await writeCsv(csvPath, CSV_MB * 1024 * 1024);
      m.csv_preview_file_mb = statSync(csvPath).size / (1024 * 1024);
      const firstRows: number[] = [];
      const frameSent: number[] = [];
      for (let i = 0; i < RUNS + 1; i++) {
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        const t0 = performance.now();
        const grid = (await vscode.commands.executeCommand<GridHandle>('okcOpenData.openCsvPreview', vscode.Uri.file(csvPath)))!;
        const painted = await grid.waitForPaint((p) => p.first === 0, 60_000);
        if (i > 0) firstRows.push(painted.at - t0);
        if (i > 0) frameSent.push((grid.shownAt ?? Number.NaN) - t0);
      }
      m.csv_first_rows_ms = median(firstRows);
      // Where that time goes: until the host has the columns and sends the frame, then the webview's part.
      m.csv_preview_frame_sent_ms = median(frameSent);

      // Memory: one preview that indexes the whole file and is scrolled end to end.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await new Promise((r) => setTimeout(r, 1000));
      (globalThis as { gc?: () => void }).gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
      try {
        const indexStart = performance.now();
        const grid = (await vscode.commands.executeCommand<GridHandle>('okcOpenData.openCsvPreview', vscode.Uri.file(csvPath)))!;
        await grid.waitForPaint((p) => p.first === 0, 60_000);
        const deadline = Date.now() + 20 * 60_000;
        while (!grid.view?.complete && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        m.csv_preview_index_s = (performance.now() - indexStart) / 1000;
        const total = grid.view?.total ?? 0;
        m.csv_preview_rows = total;
        for (const row of [Math.floor(total / 2), total - 1, 0]) {
          grid.scrollTo(row);
          await grid.waitForPaint((p) => p.activeRow === row, 60_000);
        }
        peak = Math.max(peak, process.memoryUsage().rss);
      } finally {
        clearInterval(sampler);
      }
      m.csv_mem_growth_mb = (peak - before) / (1024 * 1024);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
  } finally {
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
    await fake.close();
    rmSync(scratch, { recursive: true, force: true });
    results.durationMs = performance.now() - started;
    const target = process.env.OKC_TEST_RESULTS;
    if (target) writeFileSync(target, JSON.stringify(results));
  }
}

/** A CSV of about `bytes` bytes: a header, numbers, text, dates, and a quoted newline every 97 rows. */
async function writeCsv(path: string, bytes: number): Promise<void> {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  const out = createWriteStream(path);
  let written = 0;
  let row = 0;
  const write = (chunk: string): Promise<void> | undefined => (out.write(chunk) ? undefined : new Promise((r) => out.once('drain', () => r())));
  const header = 'id,category,amount,quantity,recorded_at,note\n';
  written += header.length;
  await write(header);
  while (written < bytes) {
    let block = '';
    for (let i = 0; i < 2000; i++, row++) {
      const note = row % 97 === 0 ? `"line one\nline two, ""quoted"""` : `note ${row}`;
      block += `${row},Category ${row % 12},${(row * 7.31) % 10000},${row % 500},2024-01-${String(1 + (row % 28)).padStart(2, '0')}T10:00:00,${note}\n`;
    }
    written += block.length;
    await write(block);
  }
  await new Promise<void>((r, reject) => out.end((error?: Error | null) => (error ? reject(error) : r())));
}

// ---- as a script -----------------------------------------------------------------------------

async function main(): Promise<void> {
  // Every panel's bundle but the map's, which has its own key (map.bench.ts).
  const entries = readdirSync('src/webview').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'map.ts').map((f) => join('src/webview', f));
  await runHostBench('grid', ['grid_first_rows_ms', 'grid_jump_ms', 'csv_first_rows_ms', 'csv_mem_growth_mb'], { bundle_webview_bytes: await webviewBundleBytes(entries) });
}

if (/[\\/]grid\.bench\.js$/.test(process.argv[1] ?? '')) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
