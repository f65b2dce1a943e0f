// The result file a tests module in the extension host hands to the harness waiting outside:
// its shape, and an atomic write so the harness never reads half a file.

import { renameSync, writeFileSync } from 'node:fs';

export interface TestOutcome {
  title: string;
  fullTitle: string;
  durationMs?: number;
  error?: string;
  stack?: string;
}

export interface IntegrationResults {
  passes: TestOutcome[];
  failures: TestOutcome[];
  pending: number;
  durationMs: number;
  vscodeVersion?: string;
  /** Numbers a measuring tests module (e.g. the activation probe) reports to its harness. */
  measurements?: Record<string, number>;
  /** Spans (epoch ms) a bench marks so the harness can report the window's longest task in each
   * under the span's key (see longTasks.ts). */
  spans?: { key: string; startMs: number; endMs: number }[];
}

/** Writes to $OKC_TEST_RESULTS (set by the harness in code-server's environment, which the
 * extension host inherits); does nothing when the variable is unset. */
export function writeResults(results: IntegrationResults): void {
  const target = process.env.OKC_TEST_RESULTS;
  if (!target) return;
  writeFileSync(`${target}.partial`, JSON.stringify(results, null, 2));
  renameSync(`${target}.partial`, target);
}
