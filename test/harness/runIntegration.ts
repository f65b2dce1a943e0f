// Runs a tests module (default: test/integration/index) inside the extension host of a real
// VS Code: fake portal, code-server, headless Chromium on the payload URL, then waits for the
// result file the module writes. As a script it prints the outcome and writes it as JSON.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { launchBrowser, openWorkbench, screenshot } from './browser';
import { startCodeServer, workbenchUrl } from './codeServer';
import { ensureDeps } from './deps';
import { recordLongTasks, type LongTask } from './longTasks';
import { fakePortalSettings, startPortal } from './portal';
import { scratchDir } from './processes';
import type { IntegrationResults } from './results';

export interface IntegrationRunOptions {
  /** Folder holding the extension's package.json; default: $OKC_EXTENSION_PATH or the project root (cwd). */
  extensionPath?: string;
  /** Module path without `.js`, as VS Code's `extensionTestsPath` wants it; default out/test/integration/index. */
  testsModule?: string;
  timeoutMs?: number;
  /** Extra environment for the extension host. */
  env?: Record<string, string>;
  label?: string;
  log?: (line: string) => void;
  /** Record the browser window's long tasks (for benches that mark spans). */
  recordLongTasks?: boolean;
}

export interface IntegrationRun {
  results: IntegrationResults;
  timings: { totalMs: number; serverStartMs: number; firstPaintMs: number; testsDoneAfterLoadMs: number };
  /** With `recordLongTasks`: every long task of the window's frames. */
  longTasks?: LongTask[];
}

export async function runIntegration(options: IntegrationRunOptions = {}): Promise<IntegrationRun> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[integration] ${line}\n`));
  const started = performance.now();
  const extensionPath = resolve(options.extensionPath ?? process.env.OKC_EXTENSION_PATH ?? '.');
  const testsModule = resolve(options.testsModule ?? join('out', 'test', 'integration', 'index'));
  if (!existsSync(`${testsModule}.js`)) throw new Error(`tests module ${testsModule}.js is missing; run node esbuild.mjs --tests first`);
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const scratch = scratchDir('integration');
  const resultsPath = join(scratch.path, 'results.json');
  const deps = ensureDeps();

  const portal = await startPortal();
  const cleanups: (() => Promise<void>)[] = [() => portal.close()];
  try {
    const server = await startCodeServer({
      deps,
      label: options.label ?? 'integration',
      settings: fakePortalSettings(portal.baseUrl),
      env: { ...options.env, OKC_TEST_RESULTS: resultsPath, OKC_FAKE_PORTAL_URL: portal.baseUrl, ...(process.env.OKC_TEST_GREP ? { OKC_TEST_GREP: process.env.OKC_TEST_GREP } : {}) },
    });
    cleanups.unshift(() => server.stop());
    const serverStartMs = performance.now() - started;
    const browser = await launchBrowser({ chromium: deps.chromium });
    cleanups.unshift(() => browser.close());
    const longTasks = options.recordLongTasks ? await recordLongTasks(browser.page) : undefined;

    const url = workbenchUrl(server, { extensionDevelopmentPath: extensionPath, extensionTestsPath: testsModule });
    const loadStarted = performance.now();
    const firstPaintMs = await openWorkbench(browser.page, url);
    log(`workbench painted in ${Math.round(firstPaintMs)} ms`);

    const deadline = Date.now() + timeoutMs;
    while (!existsSync(resultsPath)) {
      if (Date.now() > deadline) {
        const shot = await screenshot(browser.page, `${options.label ?? 'integration'}-timeout`).catch(() => 'none');
        const consoleTail = browser.consoleLines.slice(-25).join('\n');
        throw new Error(`no test results after ${timeoutMs} ms (screenshot ${shot}); last console lines:\n${consoleTail}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as IntegrationResults;
    const testsDoneAfterLoadMs = performance.now() - loadStarted;
    return { results, timings: { totalMs: performance.now() - started, serverStartMs, firstPaintMs, testsDoneAfterLoadMs }, longTasks: longTasks && [...longTasks] };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error) => log(`cleanup: ${String(error)}`));
    scratch.remove();
  }
}

/** Spec-style lines for a result, so the integration phase reads like the others. */
export function formatResults(results: IntegrationResults): string {
  const lines = results.passes.map((t) => `  ✔ ${t.fullTitle}${t.durationMs ? ` (${t.durationMs}ms)` : ''}`);
  results.failures.forEach((t, i) => lines.push(`  ${i + 1}) ${t.fullTitle}\n     ${t.error}\n${(t.stack ?? '').split('\n').slice(1, 6).join('\n')}`));
  lines.push(`  ${results.passes.length} passing, ${results.failures.length} failing, ${results.pending} pending (VS Code ${results.vscodeVersion ?? '?'})`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const output = option('--json');
  try {
    const run = await runIntegration({ extensionPath: option('--extension'), testsModule: option('--tests'), timeoutMs: Number(option('--timeout') ?? 30 * 60_000) });
    process.stdout.write(`${formatResults(run.results)}\n`);
    const t = run.timings;
    process.stdout.write(
      `  timings: total ${Math.round(t.totalMs)} ms, server up ${Math.round(t.serverStartMs)} ms, first paint ${Math.round(t.firstPaintMs)} ms, tests done ${Math.round(t.testsDoneAfterLoadMs)} ms after load\n`,
    );
    if (output) {
      mkdirSync(dirname(output), { recursive: true });
      writeFileSync(output, JSON.stringify({ ...run.results, timings: run.timings }, null, 2));
    }
    process.exitCode = run.results.failures.length > 0 ? 1 : 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`integration run could not complete: ${message}\n`);
    if (output) {
      mkdirSync(dirname(output), { recursive: true });
      writeFileSync(output, JSON.stringify({ error: message }));
    }
    process.exitCode = 1;
  }
}

// Bundles inline their imports, so `require.main === module` would be true for every module here.
if (/[\\/]runIntegration\.js$/.test(process.argv[1] ?? '')) void main();
