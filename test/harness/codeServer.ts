// Starts code-server (a real VS Code: server plus web workbench) on loopback with a throwaway
// profile, settings and workspace, in its own process group so stopping it stops every helper.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { ensureDeps, type HarnessDeps } from './deps';
import { scratchDir, stopGroup, trackGroup } from './processes';

export interface CodeServerOptions {
  /** Written to `User/settings.json`, on top of settings that keep the workbench quiet offline. */
  settings?: Record<string, unknown>;
  /** Folder opened in the workbench; default: a fresh one holding a sample CSV. */
  workspaceDir?: string;
  /** Default: a fresh empty one, so only the extension under test is loaded. */
  extensionsDir?: string;
  /** Default: 0, a free port. */
  port?: number;
  /** Extra environment for the server and so for its extension host (e.g. OKC_TEST_RESULTS). */
  env?: Record<string, string>;
  /** Name for the log folder under test-output/logs. */
  label?: string;
  deps?: HarnessDeps;
}

export interface CodeServer {
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  workspaceDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** code-server's own stdout/stderr. */
  logPath: string;
  /** An absolute server path as the workbench names it: `vscode-remote://127.0.0.1:PORT/abs/path`. */
  remoteUri(path: string): string;
  /** Stops the whole process group, keeps the logs in test-output/logs/<label>, removes temp dirs. */
  stop(): Promise<void>;
}

/** Settings that keep a fresh profile from opening welcome pages, tips or network checks. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  // 'off', not false: VS Code rewrites false to 'off' in settings.json, which would look like a test's change.
  'extensions.autoUpdate': 'off',
  // The value VS Code writes there itself on a remote workbench (same reason).
  'remote.autoForwardPortsSource': 'hybrid',
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
};

export const SAMPLE_CSV_NAME = 'okc-fire-stations-sample.csv';

const SAMPLE_CSV = [
  'station_number,address,city,latitude,longitude,engine_companies',
  '1,820 NW 5th St,Oklahoma City,35.4727,-97.5271,2',
  '2,2217 NW 23rd St,Oklahoma City,35.4930,-97.5540,1',
  '3,901 SE 29th St,Oklahoma City,35.4381,-97.4987,1',
  '7,4300 N Meridian Ave,Oklahoma City,35.5162,-97.6003,1',
  '',
].join('\n');

/** A folder with the sample CSV, the workspace a user of the extension would have open. */
export function makeSampleWorkspace(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, SAMPLE_CSV_NAME);
  if (!existsSync(csv)) writeFileSync(csv, SAMPLE_CSV);
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** True when nothing listens on 127.0.0.1:port yet. */
export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

export function writeSettings(userDataDir: string, settings: Record<string, unknown> = {}): void {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
}

function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitForHealthy(origin: string, exited: () => string | undefined, logPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit) throw new Error(`code-server exited during startup (${exit}):\n${tail(logPath)}`);
    try {
      const response = await fetch(`${origin}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${timeoutMs} ms:\n${tail(logPath)}`);
}

function commonArgs(userDataDir: string, extensionsDir: string, configPath: string): string[] {
  return ['--config', configPath, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

/** `code-server --install-extension` installs into the extensions dir and exits without serving. */
export function installExtension(vsixPath: string, extensionsDir: string, deps: HarnessDeps = ensureDeps()): void {
  const { path: scratch, remove } = scratchDir('install');
  try {
    const configPath = join(scratch, 'config.yaml');
    writeFileSync(configPath, 'auth: none\n');
    mkdirSync(extensionsDir, { recursive: true });
    const result = spawnSync(
      deps.node,
      [deps.codeServerEntry, ...commonArgs(join(scratch, 'user-data'), extensionsDir, configPath), '--install-extension', resolve(vsixPath), '--force'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status !== 0 || /\bfailed\b/i.test(output)) {
      throw new Error(`code-server --install-extension ${vsixPath} failed (exit ${result.status}):\n${output.trim()}`);
    }
  } finally {
    remove();
  }
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const deps = options.deps ?? ensureDeps();
  const { path: scratch, remove: removeScratch } = scratchDir('code-server');
  const userDataDir = join(scratch, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(scratch, 'extensions');
  const workspaceDir = options.workspaceDir ?? makeSampleWorkspace(join(scratch, 'workspace'));
  mkdirSync(extensionsDir, { recursive: true });
  writeSettings(userDataDir, options.settings);
  // Our own config file, so code-server never writes ~/.config/code-server/config.yaml.
  const configPath = join(scratch, 'config.yaml');
  writeFileSync(configPath, 'auth: none\n');
  const port = options.port || (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const logPath = join(scratch, 'code-server.log');
  const logFd = openSync(logPath, 'a');

  const child = spawn(
    deps.node,
    [
      deps.codeServerEntry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--vscode-option', 'enable-smoke-test-driver',
      ...commonArgs(userDataDir, extensionsDir, configPath),
      workspaceDir,
    ],
    {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      // NODE_OPTIONS of a test runner (--require hooks, inspector) must not reach VS Code's server.
      // OKC_USER_DATA_DIR: where integration tests find the logs (the output channel) to check.
      env: { ...process.env, ...options.env, OKC_USER_DATA_DIR: userDataDir, NODE_OPTIONS: '' },
    },
  );
  closeSync(logFd);
  if (child.pid === undefined) throw new Error(`could not start code-server (${deps.node} ${deps.codeServerEntry})`);
  const pgid = child.pid;
  trackGroup(pgid);
  let exitStatus: string | undefined;
  child.once('exit', (code, signal) => {
    exitStatus = signal ? `signal ${signal}` : `exit ${code}`;
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopGroup(pgid);
    const keep = join('test-output', 'logs', options.label ?? 'code-server');
    try {
      rmSync(keep, { recursive: true, force: true });
      mkdirSync(keep, { recursive: true });
      cpSync(logPath, join(keep, 'code-server.log'));
      if (existsSync(join(userDataDir, 'logs'))) cpSync(join(userDataDir, 'logs'), join(keep, 'vscode'), { recursive: true });
    } catch {
      // Logs are a courtesy; a failed copy must not fail the run.
    }
    removeScratch();
  };

  try {
    await waitForHealthy(origin, () => exitStatus, logPath, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    origin,
    workspaceDir,
    userDataDir,
    extensionsDir,
    logPath,
    remoteUri: (path) => `vscode-remote://127.0.0.1:${port}${resolve(path)}`,
    stop,
  };
}

/** The workbench URL for a folder, optionally with extension-development options in `payload`
 * (honoured because the server runs with `enable-smoke-test-driver`). */
export function workbenchUrl(
  server: CodeServer,
  options: { folder?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string } = {},
): string {
  const params = new URLSearchParams({ folder: resolve(options.folder ?? server.workspaceDir) });
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', server.remoteUri(options.extensionDevelopmentPath)]);
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', server.remoteUri(options.extensionTestsPath)]);
  if (payload.length > 0) params.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${params.toString()}`;
}
