// activation_ms: how long the extension's activate() takes in a real VS Code (code-server's
// extension host), median over fresh servers and window loads; plus the workbench's first
// paint and a whole harness round trip, which say what every integration run costs.

import { resolve } from 'node:path';
import { median, reportBench } from './common';
import { runIntegration } from '../test/harness/runIntegration';

const RUNS = Number(process.env.OKC_BENCH_RUNS ?? 5);

async function main(): Promise<void> {
  const activation: number[] = [];
  const endToEnd: number[] = [];
  const firstPaint: number[] = [];
  const roundTrip: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await runIntegration({ testsModule: resolve('out/test/harness/activationProbe'), label: 'bench-activation', timeoutMs: 120_000, log: () => undefined });
    const failure = run.results.failures[0];
    if (failure) throw new Error(`activation failed: ${failure.error}`);
    const m = run.results.measurements ?? {};
    if (m.was_already_active) process.stderr.write('note: the extension was already active when the probe ran; activation_ms is then ~0\n');
    activation.push(m.activation_ms ?? NaN);
    endToEnd.push(m.activation_end_to_end_ms ?? NaN);
    firstPaint.push(run.timings.firstPaintMs);
    roundTrip.push(run.timings.totalMs);
    process.stderr.write(`run ${i + 1}/${RUNS}: activation ${m.activation_ms?.toFixed(1)} ms (code loading ${m.code_loading_ms?.toFixed(1)}, activate call ${m.activate_call_ms?.toFixed(1)}), end to end ${m.activation_end_to_end_ms?.toFixed(1)} ms, first paint ${run.timings.firstPaintMs.toFixed(0)} ms\n`);
  }
  reportBench({ activation_ms: median(activation), activation_end_to_end_ms: median(endToEnd), workbench_first_paint_ms: median(firstPaint), harness_round_trip_ms: median(roundTrip) });
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
