// `npm test`: dependencies, build, then unit tests (plain Node), integration tests (inside a real
// VS Code's extension host) and UI tests (real browser); prints each phase's result and ends with
// exactly one line `N passed, N failed`. A phase that cannot run counts as one failure.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrap } from './bootstrap.mjs';
import { bundleDeps } from './bundle-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const MOCHA = join('node_modules', 'mocha', 'bin', 'mocha.js');
const children = new Set();
const started = Date.now();
let interrupted = false;
let finished = false;

/** Runs a child with its output shown live; resolves with its exit code and stdout. */
function runChild(label, command, args, { timeoutMs = 10 * 60_000, env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    children.add(child);
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    const timer = setTimeout(() => {
      process.stdout.write(`\n[test] ${label} exceeded ${timeoutMs / 1000} s; stopping it\n`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    child.on('error', (error) => {
      stdout += `\n${error.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code: code ?? (signal ? 128 : 1), signal, stdout });
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stdout.write(`\n[test] ${signal}: stopping ${children.size} running process(es)\n`);
    // Each child stops the code-server and browser it started on SIGTERM.
    for (const child of children) child.kill('SIGTERM');
    const deadline = Date.now() + 15_000;
    const wait = setInterval(() => {
      if (children.size === 0 || Date.now() > deadline) {
        for (const child of children) child.kill('SIGKILL');
        clearInterval(wait);
        record('interrupted', 0, 1, `${signal} before all phases ran`);
        finish();
        process.exit(130);
      }
    }, 100);
  });
}

/** Counts from mocha's spec epilogue ("  3 passing (20ms)", "  1 failing"). */
function mochaCounts(output) {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const last = (word) => {
    const matches = [...plain.matchAll(new RegExp(`^\\s*(\\d+) ${word}`, 'gm'))];
    return matches.length ? Number(matches[matches.length - 1][1]) : 0;
  };
  return { passed: last('passing'), failed: last('failing') };
}

function hasFiles(dir, suffix) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true }).some((name) => String(name).endsWith(suffix));
}

const phases = [];
function record(name, passed, failed, note = '') {
  phases.push({ name, passed, failed, note });
  process.stdout.write(`\n[test] ${name}: ${passed} passed, ${failed} failed${note ? ` (${note})` : ''}\n`);
}

function heading(text) {
  process.stdout.write(`\n=== ${text} ===\n`);
}

async function mochaPhase(name, glob, dir, suffix, extraArgs, timeoutMs) {
  // A phase that finds nothing to run has lost its tests: that is a failure, not a pass.
  if (!hasFiles(dir, suffix)) return record(name, 0, 1, `no ${suffix} files in ${dir}`);
  const color = process.stdout.isTTY ? ['--color'] : ['--no-color'];
  // On CI a stray .only must fail the run instead of silently skipping the rest.
  const ci = process.env.CI ? ['--forbid-only'] : [];
  const run = await runChild(name, process.execPath, [MOCHA, ...color, ...ci, '--reporter', 'spec', ...extraArgs, glob], { timeoutMs });
  const { passed, failed } = mochaCounts(run.stdout);
  if (run.code !== 0 && failed === 0) record(name, passed, 1, `mocha exited with code ${run.code} before reporting a failure`);
  else if (passed + failed === 0) record(name, 0, 1, 'mocha ran no test');
  else record(name, passed, failed);
}

async function main() {
  heading('setup (Debian packages, npm ci when needed)');
  try {
    bootstrap({ forTests: true });
  } catch (error) {
    record('setup', 0, 1, error.message.split('\n')[0]);
    process.stderr.write(`${error.message}\n`);
    return finish();
  }

  heading('dependencies (Node 24, code-server, Chromium)');
  await bundleDeps();
  const deps = await runChild('dependencies', process.execPath, ['out/test/harness/deps.js'], { timeoutMs: 20 * 60_000 });
  const depsOk = deps.code === 0;
  if (!depsOk) record('dependencies', 0, 1, 'see the message above');

  heading('build');
  const build = await runChild('build', process.execPath, ['esbuild.mjs', '--tests'], { timeoutMs: 5 * 60_000 });
  if (interrupted) return;
  if (build.code !== 0) {
    record('build', 0, 1, 'node esbuild.mjs --tests failed');
    for (const phase of ['unit', 'integration', 'ui']) record(phase, 0, 1, 'could not run: the build failed');
    return finish();
  }

  heading('unit tests');
  // Phase timeouts only catch hangs (speed is for the benchmarks). They are several times what a
  // phase takes with a CPU hog on one core (the whole suite about 18 minutes, integration 5 of
  // them), because a machine busier than that (load 18 on two cores) took the unit phase alone
  // past 15 minutes.
  await mochaPhase('unit', 'out/test/unit/**/*.test.js', 'out/test/unit', '.test.js', ['--timeout', '60000'], 40 * 60_000);
  if (interrupted) return;

  heading('integration tests (real VS Code extension host)');
  if (!depsOk) record('integration', 0, 1, 'could not run: dependencies missing');
  else {
    const resultsPath = join('test-output', 'integration-results.json');
    mkdirSync('test-output', { recursive: true });
    rmSync(resultsPath, { force: true });
    const run = await runChild('integration', process.execPath, ['out/test/harness/runIntegration.js', '--json', resultsPath], { timeoutMs: 40 * 60_000 });
    let results;
    try {
      results = JSON.parse(readFileSync(resultsPath, 'utf8'));
    } catch {
      results = { error: `runner exited with code ${run.code} without results` };
    }
    if (results.error) record('integration', 0, 1, `could not complete: ${results.error.split('\n')[0]}`);
    else if (results.passes.length + results.failures.length === 0) record('integration', 0, 1, 'the extension host ran no test');
    else {
      const t = results.timings ?? {};
      record('integration', results.passes.length, results.failures.length, `VS Code ${results.vscodeVersion}, ${Math.round((t.totalMs ?? 0) / 100) / 10} s`);
    }
  }
  if (interrupted) return;

  heading('UI tests (real browser)');
  if (!depsOk) record('ui', 0, 1, 'could not run: dependencies missing');
  else await mochaPhase('ui', 'out/test/ui/**/*.ui.test.js', 'out/test/ui', '.ui.test.js', ['--require', 'out/test/ui/harness.js', '--timeout', '240000'], 50 * 60_000);

  if (!interrupted) finish();
}

function finish() {
  if (finished) return;
  finished = true;
  const passed = phases.reduce((sum, p) => sum + p.passed, 0);
  const failed = phases.reduce((sum, p) => sum + p.failed, 0);
  heading(`summary (${Math.round((Date.now() - started) / 1000)} s)`);
  for (const p of phases) process.stdout.write(`  ${p.name.padEnd(13)} ${String(p.passed).padStart(4)} passed ${String(p.failed).padStart(3)} failed${p.note ? `  ${p.note}` : ''}\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error) => {
  record('harness', 0, 1, `scripts/test.mjs crashed: ${error?.stack ?? error}`);
  finish();
});
