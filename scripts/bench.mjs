// Runs every benchmark in its own process, merges their BENCH_RESULT lines into
// bench/results.json and prints a table. One bench failing is reported, not fatal to the rest.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';

// One production build: the figures describe what users install (minified, no source maps).
execFileSync(process.execPath, ['esbuild.mjs', '--tests', '--production', '--quiet'], { stdio: 'inherit' });

const only = process.argv.slice(2);
const benches = readdirSync('out/bench')
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));

const resultsPath = 'bench/results.json';
const results = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : {};
let failed = 0;
for (const file of benches) {
  process.stdout.write(`running ${file} ...\n`);
  const run = spawnSync(process.execPath, ['--expose-gc', `out/bench/${file}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 30 * 60_000 });
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (run.status !== 0 || !line) {
    failed++;
    process.stdout.write(`  ${file} failed (exit ${run.status})\n${run.stdout ?? ''}\n`);
    continue;
  }
  Object.assign(results, JSON.parse(line.slice('BENCH_RESULT '.length)));
}
results.machine = `${(await import('node:os')).cpus()[0]?.model ?? 'unknown'} x${(await import('node:os')).cpus().length}`;
results.measured_at = new Date().toISOString();
writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');
const width = Math.max(...Object.keys(results).map((k) => k.length));
for (const [k, v] of Object.entries(results)) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
process.exitCode = failed ? 1 : 0;
