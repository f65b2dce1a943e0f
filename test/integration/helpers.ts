// What the integration suites share: the extension's API, pointed at fake portals, and
// datasets looked up by portal and title.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OkcOpenDataApi } from '../../src/extension';
import type { DatasetSummary } from '../../src/portal/types';

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

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
