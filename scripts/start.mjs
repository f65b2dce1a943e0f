// `npm start`: a real VS Code (code-server) in your browser with the extension installed and
// pointed at the fake OKC portal. Options: --port N (fake portal, default 8765), --code-port N
// (code-server, default 8080), --live (the real portals instead of the fake).

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrap } from './bootstrap.mjs';
import { bundleDeps } from './bundle-deps.mjs';

process.chdir(join(dirname(fileURLToPath(import.meta.url)), '..'));

function step(what, fn) {
  try {
    fn();
  } catch (error) {
    process.stderr.write(`[start] ${what} failed${error?.status ? ` (exit ${error.status})` : `: ${error?.message ?? error}`}\n`);
    process.exit(1);
  }
}

step('setup (Debian packages, npm ci when needed)', () => bootstrap({ forTests: false }));
await bundleDeps();
step('ensuring dependencies (Node 24, code-server, Chromium)', () => execFileSync(process.execPath, ['out/test/harness/deps.js'], { stdio: 'inherit' }));
step('build (node esbuild.mjs --tests)', () => execFileSync(process.execPath, ['esbuild.mjs', '--tests', '--quiet'], { stdio: 'inherit' }));

const demo = await import('../out/test/harness/demo.js');
const startDemo = demo.startDemo ?? demo.default?.startDemo;
try {
  await startDemo(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`[start] ${error?.message ?? error}\n`);
  process.exit(1);
}
