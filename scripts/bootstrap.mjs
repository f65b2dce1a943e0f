// First step of `npm start` and `npm test`, so that each works as the first command typed after
// `git clone`: installs the Debian packages in scripts/debian-packages.txt that are missing, and
// runs `npm ci` when node_modules is missing or out of date with package-lock.json. Node built-ins
// only: nothing from node_modules can be assumed here.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stdout.write(`[setup] ${line}\n`);

/** Packages from the list; `forTests` includes the ones marked `[test]`. */
export function debianPackages(forTests) {
  const text = readFileSync(join(root, 'scripts', 'debian-packages.txt'), 'utf8');
  const names = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [name, tag] = line.split(/\s+/);
    if (tag === '[test]' && !forTests) continue;
    names.push(name);
  }
  return [...new Set(names)];
}

function installed(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && String(result.stdout).includes('install ok installed');
}

function aptListsPresent() {
  try {
    return readdirSync('/var/lib/apt/lists').some((f) => f.endsWith('_Packages') || f.endsWith('_Packages.lz4'));
  } catch {
    return false;
  }
}

function ensureDebianPackages(forTests) {
  if (process.platform !== 'linux' || !existsSync('/usr/bin/dpkg-query')) return;
  const missing = debianPackages(forTests).filter((name) => !installed(name));
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}; run: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
  }
  say(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  let result = aptListsPresent() ? install() : { status: 1 };
  if (result.status !== 0) {
    // A fresh machine has no package lists yet (or stale ones): refresh them once and retry.
    const update = spawnSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
    if (update.status !== 0) throw new Error(`apt-get update failed:\n${update.stderr}`);
    result = install();
  }
  if (result.status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed:\n${String(result.stderr).trim().split('\n').slice(-10).join('\n')}`);
}

const STAMP = join(root, 'node_modules', '.okc-lock-sha256');

function lockHash() {
  // The lock file also records package.json's dependency ranges, so it alone says when to reinstall.
  return createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
}

function ensureNodeModules() {
  if (!existsSync(join(root, 'package-lock.json'))) throw new Error('package-lock.json is missing: npm ci needs it');
  const want = lockHash();
  const have = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
  if (have === want) return;
  say(existsSync(join(root, 'node_modules')) ? 'node_modules is out of date with package-lock.json: running npm ci' : 'node_modules is missing: running npm ci');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm ci failed (exit ${result.status})`);
  writeFileSync(STAMP, `${want}\n`);
}

/** `forTests`: also the Debian packages only the tests need. */
export function bootstrap({ forTests }) {
  ensureDebianPackages(forTests);
  ensureNodeModules();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    bootstrap({ forTests: process.argv.includes('--tests') });
  } catch (error) {
    process.stderr.write(`[setup] ${error.message}\n`);
    process.exit(1);
  }
}
