// What the integration suites share: the extension's API, pointed at fake portals, datasets
// looked up by portal and title, fake portals whose faults clear after each test, a portal
// token set through Set Portal Token, and the extension's output channel as written to disk.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../harness/wait';
import type { OkcOpenDataApi } from '../../src/extension';
import type { DatasetSummary } from '../../src/portal/types';
import { startFakePortal, type FakePortal, type FakePortalOptions } from '../portal/server';
import { afterThisTest, clearFaultsAfterEachTest } from './reset';

export const EXTENSION_ID = 'okc-open-data.okc-open-data';

/** The activated extension's API. */
async function extensionApi(): Promise<OkcOpenDataApi> {
  const extension = vscode.extensions.getExtension<OkcOpenDataApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** Sets `okcOpenData.portals` and waits for the catalog to load from them. */
export async function usePortals(portals: { name: string; kind: 'hub' | 'legacy'; url: string }[]): Promise<OkcOpenDataApi> {
  const okc = await extensionApi();
  await vscode.workspace.getConfiguration('okcOpenData').update('portals', portals, vscode.ConfigurationTarget.Global);
  await okc.refresh();
  return okc;
}

export function datasetIn(okc: OkcOpenDataApi, portal: string, title: string): DatasetSummary {
  const found = okc.store.allDatasets().find((d) => d.portal === portal && d.title === title);
  assert.ok(found, `${title} in ${portal}`);
  return found;
}

/** What the extension told the user through notifications and the status bar while it ran.
 * The tests load inside the extension's folder, so they share its `vscode` object and can
 * wrap its window functions; the originals still run, and `dispose` puts them back. */
export interface MessageRecorder {
  readonly messages: { kind: 'error' | 'warning' | 'info' | 'status'; text: string }[];
  /** Resolves with the first message (past or future) that matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  dispose(): void;
}

export function recordMessages(): MessageRecorder {
  type Shown = MessageRecorder['messages'][number];
  const messages: Shown[] = [];
  const window = vscode.window as unknown as Record<string, (...args: unknown[]) => unknown>;
  const wrapped: [string, Shown['kind']][] = [
    ['showErrorMessage', 'error'],
    ['showWarningMessage', 'warning'],
    ['showInformationMessage', 'info'],
    ['setStatusBarMessage', 'status'],
  ];
  const originals = wrapped.map(([name]) => window[name]);
  wrapped.forEach(([name, kind], i) => {
    window[name] = (...args: unknown[]) => {
      messages.push({ kind, text: String(args[0]) });
      return originals[i].apply(vscode.window, args);
    };
  });
  return {
    messages,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((m) => pattern.test(m.text));
        if (found) return found.text;
        if (Date.now() > deadline) assert.fail(`no message matching ${pattern}; saw: ${messages.map((m) => `${m.kind}: ${m.text}`).join(' | ') || 'none'}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    dispose() {
      wrapped.forEach(([name], i) => (window[name] = originals[i]));
    },
  };
}

/** Waits until `probe` gives a value (test/harness/wait.ts); fails with `what` after `timeoutMs`. */
export function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  return waitFor(what, probe, { timeoutMs, intervalMs: 50 });
}

/** A fake portal for a suite (close it in `after`); its faults are cleared after every test. */
export async function startFake(options: FakePortalOptions = {}): Promise<FakePortal> {
  const fake = await startFakePortal({ port: 0, ...options });
  clearFaultsAfterEachTest(fake.faults);
  return fake;
}

/** Sets `token` for `portal` with the Set Portal Token command, answering its password box
 * with `token` as a user would type it; the token is cleared again after the test. Resolves once
 * the extension has re-read that portal's catalog with the token and no request built before
 * the token was stored is still on its way. */
export async function setPortalToken(okc: OkcOpenDataApi, portal: string, token: string): Promise<void> {
  const window = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
  const real = window.showInputBox;
  let asked: vscode.InputBoxOptions | undefined;
  window.showInputBox = async (options) => {
    asked = options;
    return token;
  };
  afterThisTest(`token of ${portal}`, async () => {
    await vscode.commands.executeCommand('okcOpenData.clearToken', portal);
    await okc.refresh([portal]);
  });
  try {
    await vscode.commands.executeCommand('okcOpenData.setToken', portal);
  } finally {
    window.showInputBox = real;
  }
  assert.ok(asked, 'Set Portal Token asked for no token');
  assert.equal(asked.password, true, 'the token box does not hide what is typed');
  await okc.refresh([portal]);
  // Field indexing in the background read the old token (none) for requests it had already
  // queued; once it is done, every request that follows was built with the new token.
  await okc.store.indexFields();
}

/** Asks VS Code to write debug lines (retries, request errors) to every log, the extension's
 * output channel included, so a leak into them shows. Integration runs only. */
export async function logDebugLines(): Promise<void> {
  await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'debug');
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every log file of this VS Code (the extension's output channel among them), by path. */
export function logFiles(): Map<string, string> {
  const userData = process.env.OKC_USER_DATA_DIR;
  assert.ok(userData, 'OKC_USER_DATA_DIR is not set: run the suite through the harness');
  const files = filesUnder(join(userData, 'logs'));
  assert.ok(files.some((path) => path.endsWith('OKC Open Data.log')), `no OKC Open Data output channel among ${files.length} log files`);
  return new Map(files.map((path) => [path, readFileSync(path, 'utf8')]));
}

/** The extension's output channel, as written to its log file. */
export function outputChannelText(): string {
  return [...logFiles()].filter(([path]) => path.endsWith('OKC Open Data.log')).map(([, text]) => text).join('\n');
}

export interface ShownMessages {
  errors: string[];
  warnings: string[];
  infos: string[];
}

/** Records the notifications the extension shows (error, warning, information) for the rest of
 * the test, instead of showing them; each resolves as if dismissed. */
export function recordUserMessages(): ShownMessages {
  const shown: ShownMessages = { errors: [], warnings: [], infos: [] };
  const window = vscode.window as unknown as Record<'showErrorMessage' | 'showWarningMessage' | 'showInformationMessage', unknown>;
  const kinds = { showErrorMessage: shown.errors, showWarningMessage: shown.warnings, showInformationMessage: shown.infos } as const;
  for (const [name, list] of Object.entries(kinds) as [keyof typeof kinds, string[]][]) {
    const real = window[name];
    window[name] = async (message: string) => {
      list.push(message);
      return undefined;
    };
    afterThisTest(`recorded ${name}`, () => {
      window[name] = real;
    });
  }
  return shown;
}

/** Records the URLs the extension asks VS Code to open in the browser, instead of opening them. */
export function recordOpenedUrls(): string[] {
  const opened: string[] = [];
  const env = vscode.env as { openExternal: typeof vscode.env.openExternal };
  const real = env.openExternal;
  env.openExternal = async (target) => {
    opened.push(target.toString(true));
    return true;
  };
  afterThisTest('recorded openExternal', () => {
    env.openExternal = real;
  });
  return opened;
}

export { expectTokenOnlyOnFeatureServer } from '../portal/tokenChecks';
