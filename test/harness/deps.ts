// Makes sure the three things a real-VS-Code test run needs are on this machine: Node 24 (from the
// npm registry), code-server (npm, built against Node 24) and Debian's Chromium. Idempotent; cached.
// Run as a script (`node out/test/harness/deps.js`) it prints the paths or the step that failed.

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

export interface HarnessDeps {
  /** Node 24 binary that code-server requires (`engines.node: "24"`). */
  node: string;
  /** code-server's CLI entry, run as `node <entry> ...`. */
  codeServerEntry: string;
  chromium: string;
  cacheDir: string;
}

/** A missing dependency that could not be provided, with the step that failed. */
export class DependencyError extends Error {
  constructor(readonly step: string, detail: string) {
    super(`${step} failed: ${detail}`);
  }
}

export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'okc-open-data');
}

type Log = (line: string) => void;

export function nodeDir(cache = cacheDir()): string {
  return join(cache, 'node24', 'package');
}

function codeServerDir(cache: string): string {
  return join(cache, `code-server-${CODE_SERVER_VERSION}`);
}

function codeServerPackage(cache: string): string {
  return join(codeServerDir(cache), 'node_modules', 'code-server');
}

/** Files a finished code-server install has; the postinstall builds kerberos and links the CLI. */
function codeServerLooksComplete(cache: string): boolean {
  const pkg = codeServerPackage(cache);
  return (
    existsSync(join(pkg, 'out', 'node', 'entry.js')) &&
    existsSync(join(pkg, 'lib', 'vscode', 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node')) &&
    existsSync(join(pkg, 'lib', 'vscode', 'extensions', 'node_modules'))
  );
}

function run(step: string, command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw new DependencyError(step, result.error.message);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new DependencyError(step, `exit ${result.status}\n${output}`);
  }
  return String(result.stdout ?? '');
}

/** This process's environment without what an outer `npm test` put there: its
 * npm_config_local_prefix would make an inner `npm install` install into the project. */
function cleanNpmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD'));
  return { ...env, ...extra };
}

/** scripts/bootstrap.mjs installs the Debian packages (the list is scripts/debian-packages.txt);
 * this only names what is still missing. */
function requireDebianPackages(packages: string[]): void {
  throw new DependencyError(
    `Debian packages ${packages.join(' ')}`,
    `missing; they are listed in scripts/debian-packages.txt, which npm start and npm test install (as root): sudo apt-get install -y ${packages.join(' ')}`,
  );
}

function debianPackageInstalled(name: string): boolean {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && String(result.stdout).includes('install ok installed');
}

export function ensureNode24(cache: string, log: Log): string {
  const dir = nodeDir(cache);
  const node = join(dir, 'bin', 'node');
  if (existsSync(node) && spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.startsWith('v24.')) return node;
  const pkg = `node-${process.platform}-${process.arch}@${NODE_VERSION}`;
  log(`fetching Node ${NODE_VERSION} from the npm registry (${pkg})`);
  mkdirSync(cache, { recursive: true });
  const tarball = run(`npm pack ${pkg}`, 'npm', ['pack', pkg, '--pack-destination', cache, '--silent'], { cwd: cache, env: cleanNpmEnv() })
    .trim()
    .split('\n')
    .pop();
  if (!tarball) throw new DependencyError(`npm pack ${pkg}`, 'npm printed no tarball name');
  rmSync(join(cache, 'node24'), { recursive: true, force: true });
  mkdirSync(join(cache, 'node24'), { recursive: true });
  run(`unpack ${tarball}`, 'tar', ['xzf', join(cache, tarball), '-C', join(cache, 'node24')]);
  if (!existsSync(node)) throw new DependencyError(`unpack ${tarball}`, `${node} is missing afterwards`);
  return node;
}

export function ensureCodeServer(cache: string, log: Log): string {
  const dir = codeServerDir(cache);
  const marker = join(dir, '.okc-install-complete');
  const entry = join(codeServerPackage(cache), 'out', 'node', 'entry.js');
  if (existsSync(marker) && existsSync(entry)) return entry;
  if (codeServerLooksComplete(cache)) {
    // Installed earlier by hand (or before the marker existed): trust it once verified.
    writeFileSync(marker, `code-server@${CODE_SERVER_VERSION} verified ${new Date().toISOString()}\n`);
    return entry;
  }
  // kerberos (a native module of VS Code's server) needs the GSSAPI headers and a compiler.
  const buildPackages = ['libkrb5-dev', 'build-essential', 'python3'].filter((p) => !debianPackageInstalled(p));
  if (buildPackages.length > 0 && existsSync('/usr/bin/dpkg-query')) requireDebianPackages(buildPackages);

  log(`installing code-server@${CODE_SERVER_VERSION} into ${dir} (about 2 minutes, 600 MB)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"name":"cs-cache","private":true}\n');
  const nodeBin = join(nodeDir(cache), 'bin');
  const logPath = join(cache, 'code-server-install.log');
  const result = spawnSync('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, '--no-audit', '--no-fund'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    // Node 24 first on PATH so the postinstall's version check and node-gyp see it; the
    // headers of Node 24 (not the machine's Node) for the native modules.
    env: cleanNpmEnv({ PATH: `${nodeBin}:${process.env.PATH ?? ''}`, npm_config_nodedir: nodeDir(cache) }),
  });
  writeFileSync(logPath, `${result.stdout ?? ''}${result.stderr ?? ''}\nexit ${result.status}\n`);
  if (result.error || result.status !== 0) {
    const tail = readFileSync(logPath, 'utf8').trim().split('\n').slice(-20).join('\n');
    throw new DependencyError(`npm install code-server@${CODE_SERVER_VERSION}`, `${result.error?.message ?? `exit ${result.status}`} (full log ${logPath})\n${tail}`);
  }
  if (!codeServerLooksComplete(cache)) {
    throw new DependencyError(
      `code-server@${CODE_SERVER_VERSION} postinstall`,
      `native modules or VS Code's own dependencies are missing (did npm skip install scripts?); see ${logPath}`,
    );
  }
  writeFileSync(marker, `code-server@${CODE_SERVER_VERSION} installed ${new Date().toISOString()}\n`);
  return entry;
}

export function ensureChromium(): string {
  const fromEnv = process.env.OKC_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new DependencyError('OKC_CHROMIUM', `${fromEnv} does not exist`);
    return fromEnv;
  }
  const chromium = '/usr/bin/chromium';
  if (!existsSync(chromium)) requireDebianPackages(['chromium']);
  return chromium;
}

export function ensureDeps(log: Log = (line) => process.stderr.write(`[deps] ${line}\n`)): HarnessDeps {
  if (process.platform !== 'linux') throw new DependencyError('platform check', `the harness runs on Linux only, not ${process.platform}`);
  const cache = cacheDir();
  const node = ensureNode24(cache, log);
  const codeServerEntry = ensureCodeServer(cache, log);
  const chromium = ensureChromium();
  return { node, codeServerEntry, chromium, cacheDir: cache };
}

// Bundles inline their imports, so `require.main === module` would be true wherever this is bundled.
if (/[\\/]deps\.js$/.test(process.argv[1] ?? '')) {
  try {
    const deps = ensureDeps();
    process.stdout.write(`deps ok: node ${deps.node}, code-server ${deps.codeServerEntry}, chromium ${deps.chromium}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
