// Shared by the benchmarks: medians and the one line each bench prints for scripts/bench.mjs.

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `fn` `runs` times (after `warmup` unmeasured runs) and returns the median ms. */
export async function medianMs(runs: number, fn: () => Promise<unknown> | unknown, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

export function reportBench(results: Record<string, number>): void {
  const rounded = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(v * 100) / 100]));
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(rounded)}\n`);
}
