// What the benches that measure inside a real VS Code share: steps recorded as an integration
// result inside the extension host, a production build of webview bundles to weigh, and the
// script side that runs the bench module through the integration harness and reports its keys.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { IntegrationResults } from '../test/integration/index';
import { reportBench } from './common';

/** Inside the extension host: the fake portal's command line started in its own process, as a
 * real portal is another machine: served in the extension host, its work (building a million
 * rows' pages) would count as the extension's and hold the host's event loop. */
export function startFakePortalProcess(bigRows: number): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'test', 'portal', 'cli.js'), '--port', '0', '--big-rows', String(bigRows)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the fake portal exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        resolve({
          baseUrl: match[1],
          close: async () => {
            child.kill();
            await exited;
          },
        });
      }
    });
  });
}

/** Inside the extension host: results to write to $OKC_TEST_RESULTS, and `step`, which records
 * a measured step as passed, or failed with its error, without stopping the bench. */
export function hostBenchSteps(vscodeVersion: string, bench: string): {
  results: IntegrationResults;
  step(title: string, body: () => Promise<void>): Promise<void>;
} {
  const results: IntegrationResults = { passes: [], failures: [], pending: 0, durationMs: 0, vscodeVersion, measurements: {} };
  return {
    results,
    async step(title, body) {
      try {
        await body();
        results.passes.push({ title, fullTitle: `${bench} bench: ${title}` });
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        results.failures.push({ title, fullTitle: `${bench} bench: ${title}`, error: err.message, stack: err.stack });
      }
    },
  };
}

/** Bytes of the production (minified) build of the given webview entry points, built to a
 * scratch folder so dist/ stays as it is. */
export async function webviewBundleBytes(entries: string[]): Promise<number> {
  const esbuild = await import('esbuild');
  const outdir = mkdtempSync(join(tmpdir(), 'okc-webview-bundle-'));
  try {
    await esbuild.build({ entryPoints: entries, outdir, bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, legalComments: 'none', logLevel: 'error' });
    return readdirSync(outdir).filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + statSync(join(outdir, f)).size, 0);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** As a script: runs out/bench/<bench>.bench inside code-server and reports `keys` of its
 * measurements beside `figures` measured outside. With `windowPauses`, the window's long tasks
 * are recorded and the longest in each span the bench marked is a measurement under the span's
 * key; `derive` then adds figures made of both sides. */
export async function runHostBench(
  bench: string,
  keys: string[],
  figures: Record<string, number>,
  options: { windowPauses?: boolean; derive?: (measurements: Record<string, number>) => void } = {},
): Promise<void> {
  const { runIntegration } = await import('../test/harness/runIntegration');
  const { longestTaskPerKey } = await import('../test/harness/longTasks');
  const runResult = await runIntegration({ testsModule: resolve(`out/bench/${bench}.bench`), label: `bench-${bench}`, timeoutMs: 40 * 60_000, log: (l) => process.stderr.write(`${l}\n`), recordLongTasks: options.windowPauses });
  for (const failure of runResult.results.failures) process.stderr.write(`${bench} bench: ${failure.title} failed: ${failure.error}\n`);
  const m = runResult.results.measurements ?? {};
  if (options.windowPauses && runResult.longTasks) Object.assign(m, longestTaskPerKey(runResult.longTasks, runResult.results.spans ?? []));
  options.derive?.(m);
  for (const key of keys) if (typeof m[key] === 'number') figures[key] = m[key];
  for (const [key, value] of Object.entries(m)) process.stderr.write(`${key}: ${value.toFixed(2)}\n`);
  reportBench(figures);
  if (runResult.results.failures.length) process.exitCode = 1;
}
