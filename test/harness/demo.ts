// `npm start` after the build: the fake portal (or the real portals with --live), the packaged
// extension installed into a persistent demo extensions dir, and code-server on 127.0.0.1:8080
// with a demo workspace, until Ctrl-C. Falls back to the development payload URL when the
// extension cannot be packaged.

import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { installExtension, makeSampleWorkspace, portIsFree, startCodeServer, workbenchUrl, type CodeServer } from './codeServer';
import { cacheDir, ensureDeps } from './deps';
import { fakePortalSettings, startPortal, type RunningPortal } from './portal';
import { packageVsix } from './vsix';

interface DemoOptions {
  portalPort: number;
  codePort: number;
  live: boolean;
}

function parseArgs(args: string[]): DemoOptions {
  const options: DemoOptions = { portalPort: 8765, codePort: 8080, live: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): number => {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${arg} needs a port number`);
      return n;
    };
    if (arg === '--port') options.portalPort = value();
    else if (arg === '--code-port') options.codePort = value();
    else if (arg === '--live') options.live = true;
    else throw new Error(`unknown option ${arg}; use --port N (fake portal), --code-port N (code-server), --live`);
  }
  return options;
}

const say = (line: string): void => void process.stdout.write(`[start] ${line}\n`);

export async function startDemo(args: string[]): Promise<void> {
  const options = parseArgs(args);
  const deps = ensureDeps(say);
  const project = resolve('.');
  const demoDir = join(cacheDir(), 'demo');
  const workspaceDir = makeSampleWorkspace(join(demoDir, 'workspace'));
  const stops: (() => Promise<void>)[] = [];

  let portal: RunningPortal | undefined;
  if (!options.live) {
    const port = (await portIsFree(options.portalPort)) ? options.portalPort : 0;
    if (port === 0) say(`port ${options.portalPort} is taken; the fake portal takes a free one`);
    const started = await startPortal(port);
    portal = started;
    stops.push(() => started.close());
    say(`fake portal on ${started.baseUrl}`);
  } else {
    say('--live: the extension uses its default portals (the real City of Oklahoma City sites)');
  }

  if (!(await portIsFree(options.codePort))) throw new Error(`port ${options.codePort} is taken; pass --code-port N`);

  // A persistent extensions dir holding only this build of the extension.
  const extensionsDir = join(demoDir, 'extensions');
  let loadedFrom: 'vsix' | 'payload' = 'vsix';
  try {
    const vsix = packageVsix(project, join(demoDir, 'okc-open-data.vsix'));
    rmSync(extensionsDir, { recursive: true, force: true });
    installExtension(vsix.path, extensionsDir, deps);
    say(`installed ${vsix.path} (${Math.round(vsix.bytes / 1024)} KB) into ${extensionsDir}`);
  } catch (error) {
    loadedFrom = 'payload';
    say(`could not package or install the .vsix, loading the extension from source instead:\n${String(error).split('\n').slice(0, 8).join('\n')}`);
  }

  const server: CodeServer = await startCodeServer({
    deps,
    label: 'demo',
    port: options.codePort,
    workspaceDir,
    extensionsDir: loadedFrom === 'vsix' ? extensionsDir : undefined,
    settings: portal ? fakePortalSettings(portal.baseUrl) : {},
    env: portal ? { OKC_FAKE_PORTAL_URL: portal.baseUrl } : {},
  });
  stops.unshift(() => server.stop());
  const url = loadedFrom === 'vsix' ? workbenchUrl(server) : workbenchUrl(server, { extensionDevelopmentPath: project });

  let stopping = false;
  const stopAll = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping code-server${portal ? ' and the fake portal' : ''}`);
    for (const stop of stops) await stop().catch((error) => say(`stop: ${String(error)}`));
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(signal));

  say(`workspace ${workspaceDir}; settings in ${server.userDataDir}/User/settings.json`);
  process.stdout.write(`\nOKC Open Data is running in VS Code. Open:\n\n  ${url}\n\nPress Ctrl-C to stop.\n`);
}
