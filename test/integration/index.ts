// The tests module VS Code loads into its extension host (code-server via the harness, or
// @vscode/test-electron): runs every integration test with Mocha and writes a JSON result
// file to $OKC_TEST_RESULTS, which the harness waits for.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { writeResults, type IntegrationResults } from '../harness/results';
import { rememberKnownState, restoreKnownState } from './reset';

export type { IntegrationResults, TestOutcome } from '../harness/results';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return testFiles(path);
      return entry.name.endsWith('.test.js') ? [path] : [];
    })
    .sort();
}

/** Around every test of every file: the known state (./reset.ts). A root hook that threw would
 * stop the whole run, so a failed cleanup is reported as a line and the run goes on. */
const rootHooks: Mocha.RootHookObject = {
  beforeEach(this: Mocha.Context) {
    rememberKnownState();
  },
  async afterEach(this: Mocha.Context) {
    this.timeout(60_000);
    try {
      const done = await restoreKnownState();
      if (done.length && this.currentTest?.state === 'failed') console.log(`[reset] after a failed test, cleaned: ${done.join(', ')}`);
    } catch (error) {
      console.log(`[reset] ${this.currentTest?.fullTitle()}: ${error instanceof Error ? error.message : String(error)}`);
    }
  },
};

export function run(): Promise<void> {
  // OKC_TEST_GREP (from the harness's environment) runs a subset while working on one area.
  const grep = process.env.OKC_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec', rootHooks, forbidOnly: Boolean(process.env.CI), ...(grep ? { grep } : {}) });
  for (const file of testFiles(__dirname)) mocha.addFile(file);
  const results: IntegrationResults = { passes: [], failures: [], pending: 0, durationMs: 0, vscodeVersion: vscode.version };
  const started = performance.now();

  return new Promise((resolve, reject) => {
    const write = (): void => {
      results.durationMs = performance.now() - started;
      writeResults(results);
    };
    try {
      const runner = mocha.run((failures) => {
        write();
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
      runner.on('pass', (test) => results.passes.push({ title: test.title, fullTitle: test.fullTitle(), durationMs: test.duration }));
      runner.on('fail', (test, error: Error) =>
        results.failures.push({ title: test.title, fullTitle: test.fullTitle(), error: error?.message ?? String(error), stack: error?.stack }),
      );
      runner.on('pending', () => results.pending++);
    } catch (error) {
      // A test file that fails to load counts as a failure the harness can show.
      const err = error instanceof Error ? error : new Error(String(error));
      results.failures.push({ title: 'loading integration tests', fullTitle: 'loading integration tests', error: err.message, stack: err.stack });
      write();
      reject(err);
    }
  });
}
