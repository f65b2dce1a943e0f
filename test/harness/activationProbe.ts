// A tests module for the extension host that measures one thing: how long the extension's
// activate() takes in a freshly loaded window. bench/activation.bench.ts loads it through the
// harness and writes the result to $OKC_TEST_RESULTS like the integration suite does.

import * as vscode from 'vscode';
import { writeResults, type IntegrationResults } from './results';

const EXTENSION_ID = 'okc-open-data.okc-open-data';

export async function run(): Promise<void> {
  const results: IntegrationResults = { passes: [], failures: [], pending: 0, durationMs: 0, vscodeVersion: vscode.version };
  try {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
    // When something activated it before the tests module ran, the figure would be ~0; say so.
    const wasActive = extension.isActive;
    const start = performance.now();
    const api = (await extension.activate()) as { timings?: { loadStart: number; loadEnd: number; activateStart: number; activateEnd: number } } | undefined;
    const activationMs = performance.now() - start;
    const t = api?.timings;
    results.durationMs = activationMs;
    results.measurements = {
      // What VS Code's Running Extensions view calls activation: code loading plus the
      // activate() call. The end-to-end figure adds VS Code's own work around them
      // (finding the extension, building its context, waiting for its stored state).
      activation_ms: t ? t.loadEnd - t.loadStart + (t.activateEnd - t.activateStart) : activationMs,
      activation_end_to_end_ms: activationMs,
      ...(t ? { code_loading_ms: t.loadEnd - t.loadStart, activate_call_ms: t.activateEnd - t.activateStart } : {}),
      was_already_active: wasActive ? 1 : 0,
    };
    results.passes.push({ title: 'activate', fullTitle: 'activation probe: activate', durationMs: activationMs });
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    results.failures.push({ title: 'activate', fullTitle: 'activation probe: activate', error: err.message, stack: err.stack });
  }
  writeResults(results);
}
