// Entry point: wires the portal layer and the Catalog view together, and does nothing slow
// on the way: the catalog loads after activation returns, and the commands, panels and tools
// come from a bundle of their own (features.ts) loaded just after activation or on first use.

import { loadStart } from './util/loadStart';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DatasetLists } from './catalog/favorites';
import { CatalogStore, listingNoteLines } from './catalog/store';
import { PortalTokens } from './catalog/tokens';
import { CatalogTreeProvider } from './catalog/tree';
import { rateLimitWait } from './messages';
import type { FeatureContext } from './features';
import { PortalHttp } from './portal/http';
import { createPortal, readPortalConfigs } from './portal/index';
import type { Portal } from './portal/types';

export interface OkcOpenDataApi {
  /** For tests and other extensions: the live catalog store. */
  readonly store: CatalogStore;
  /** The Catalog view's data, as the user sees it (tests read labels and tooltips here). */
  readonly tree: CatalogTreeProvider;
  /** Resolves when the first refresh after activation has finished. */
  readonly firstLoad: Promise<void>;
  /** Re-reads the catalogs; resolves when every portal has answered or failed. */
  refresh(names?: string[]): Promise<void>;
  /** performance.now() marks of code loading (first and last module evaluated) and of the
   * activate() call: VS Code's own activation time is loading plus the call. */
  readonly timings: { loadStart: number; loadEnd: number; activateStart: number; activateEnd: number };
}

/** Every module of the bundle has been evaluated by this line: code loading ends here. */
const loadEnd = performance.now();

export function activate(context: vscode.ExtensionContext): OkcOpenDataApi {
  const activateStart = performance.now();
  const output = vscode.window.createOutputChannel('OKC Open Data', { log: true });
  context.subscriptions.push(output);
  const version = String(context.extension.packageJSON.version ?? '0');
  const tokens = new PortalTokens(context.secrets);
  context.subscriptions.push(tokens);

  let http = makeHttp(version, output);
  const portalsFromSettings = (): Portal[] => {
    const { portals, problems } = readPortalConfigs(vscode.workspace.getConfiguration('okcOpenData').get('portals'));
    for (const p of problems) output.warn(`okcOpenData.portals ${p}`);
    return portals.map((config) => createPortal(config, http, tokens.credentialsFor(config.name)));
  };

  const cacheUri = vscode.Uri.joinPath(context.globalStorageUri, 'catalog-cache.json');
  const store = new CatalogStore(portalsFromSettings(), {
    read: async () => {
      try {
        return await vscode.workspace.fs.readFile(cacheUri);
      } catch {
        return undefined;
      }
    },
    write: async (data) => {
      await vscode.workspace.fs.createDirectory(context.globalStorageUri);
      await vscode.workspace.fs.writeFile(cacheUri, data);
    },
  });
  const lists = new DatasetLists(context.globalState);
  const tree = new CatalogTreeProvider(store, lists);
  const view = vscode.window.createTreeView('okcOpenData.catalog', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(tree, view);

  const updateViewState = (): void => {
    const states = store.states();
    const state = !states.length ? 'empty' : store.allFailed() ? 'failed' : 'ok';
    void vscode.commands.executeCommand('setContext', 'okcOpenData.state', state);
    view.message = tree.filter ? vscode.l10n.t('Filter: {0}', tree.filter) : undefined;
  };
  const unsubscribe = store.onDidChange(updateViewState);
  context.subscriptions.push({ dispose: unsubscribe });

  const refresh = async (names?: string[]): Promise<void> => {
    await vscode.window.withProgress({ location: { viewId: 'okcOpenData.catalog' } }, () => store.refresh(names));
    for (const s of store.states()) if (s.error && (!names || names.includes(s.config.name))) output.warn(`${s.config.name}: ${s.error.kind}: ${s.error.message}`);
    for (const s of store.states()) if (!names || names.includes(s.config.name)) for (const line of listingNoteLines(s)) output.info(line);
    // Field names feed search; they load quietly after the catalog.
    void store.indexFields();
  };

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('okcOpenData')) return;
      if (e.affectsConfiguration('okcOpenData.requestTimeoutSeconds') || e.affectsConfiguration('okcOpenData.maxConcurrentRequests')) http = makeHttp(version, output);
      const portals = portalsFromSettings();
      output.info(`portals from the settings: ${portals.map((p) => p.config.name).join(', ') || 'none'}`);
      store.setPortals(portals);
      void refresh();
    }),
    tokens.onDidChange((name) => void refresh([name])),
  );

  // Show the cached catalog at once, then refresh in the background.
  const firstLoad = (async () => {
    await store.loadCache();
    if (store.cacheProblem) output.info(`catalog cache ignored: ${store.cacheProblem}`);
    updateViewState();
    await refresh();
  })();
  registerFeaturesLater(context, output, { context, store, tree, view, lists, tokens, refresh, updateViewState, firstLoad });
  return { store, tree, firstLoad, refresh, timings: { loadStart, loadEnd, activateStart, activateEnd: performance.now() } };
}

/**
 * Loads dist/features.js (commands, panels, tools) once activate() has returned. Until then
 * each contributed command is a stand-in that loads it at once and runs the real command, so
 * a command called right after activation (by VS Code, a test or another extension) behaves
 * as before; panels to restore and tools are asked for only after activation has returned.
 */
function registerFeaturesLater(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, features: FeatureContext): void {
  let loaded = false;
  const standIns: vscode.Disposable[] = [];
  const load = (): void => {
    if (loaded) return;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { registerFeatures } = require(join(__dirname, 'features.js')) as typeof import('./features');
    loaded = true;
    for (const standIn of standIns.splice(0)) standIn.dispose();
    context.subscriptions.push(registerFeatures(features));
  };
  const contributed = (context.extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? [];
  for (const { command } of contributed) {
    standIns.push(
      vscode.commands.registerCommand(command, (...args: unknown[]) => {
        load();
        return vscode.commands.executeCommand(command, ...args);
      }),
    );
  }
  context.subscriptions.push({ dispose: () => standIns.splice(0).forEach((d) => d.dispose()) });
  setImmediate(() => {
    try {
      load();
    } catch (error) {
      output.error(`could not load the extension's commands (dist/features.js): ${(error as Error).message}`);
    }
  });
}

function makeHttp(version: string, output: vscode.LogOutputChannel): PortalHttp {
  const config = vscode.workspace.getConfiguration('okcOpenData');
  return new PortalHttp({
    userAgent: `okc-open-data-vscode/${version} (VS Code ${vscode.version})`,
    timeoutMs: Math.round((config.get<number>('requestTimeoutSeconds') ?? 30) * 1000),
    maxConcurrentPerHost: config.get<number>('maxConcurrentRequests') ?? 4,
    log: (line) => output.debug(line),
    onLongWait: ({ host, seconds, done }) => {
      // Named as the user named the portal; the host only when no configured portal has it.
      const { portals } = readPortalConfigs(vscode.workspace.getConfiguration('okcOpenData').get('portals'));
      const names = portals.filter((p) => hostOf(p.url) === host).map((p) => p.name);
      const text = rateLimitWait(names.length ? names.join(', ') : host, seconds);
      output.info(text);
      vscode.window.setStatusBarMessage(`$(watch) ${text}`, done);
    },
  });
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
