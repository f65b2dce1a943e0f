// The known state every integration test starts from and leaves behind, also when it fails:
// root Mocha hooks (test/integration/index.ts) run this around each test of every file, so
// tests added later get it without asking. Per test: quick inputs closed, editors closed
// (unsaved ones reverted, never saved), notifications cleared, the extension's settings put
// back as the test found them, fake portal faults cleared, and the cleanups a test registered
// (tokens it set, stubs it installed) run.

import * as vscode from 'vscode';
import type { OkcOpenDataApi } from '../../src/extension';

const EXTENSION_ID = 'okc-open-data.okc-open-data';

type Cleanup = { what: string; run: () => unknown };
// Each test file is its own bundle with its own copy of this module; the state lives on
// globalThis so what a test file registers is what the root hooks (index.js) run.
type State = { cleanups: Cleanup[]; faultControllers: Set<{ clear(): void }>; settingsAtStart?: SettingsSnapshot };
const STATE = Symbol.for('okc-open-data.integration-reset');
function state(): State {
  const holder = globalThis as unknown as Record<symbol, State | undefined>;
  return (holder[STATE] ??= { cleanups: [], faultControllers: new Set() });
}

/** Runs `run` after the current test (pass or fail), latest first. */
export function afterThisTest(what: string, run: () => unknown): void {
  state().cleanups.push({ what, run });
}

/** Fault rules of `faults` are cleared after every test. */
export function clearFaultsAfterEachTest(faults: { clear(): void }): void {
  state().faultControllers.add(faults);
}

/** The extension's settings (every `okcOpenData.*` key it contributes) at user and workspace level. */
type SettingsSnapshot = Map<string, { global: unknown; workspace: unknown }>;

function contributedKeys(): string[] {
  const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as
    | { contributes?: { configuration?: { properties?: Record<string, unknown> } | { properties?: Record<string, unknown> }[] } }
    | undefined;
  const configuration = manifest?.contributes?.configuration;
  const blocks = Array.isArray(configuration) ? configuration : configuration ? [configuration] : [];
  return blocks.flatMap((block) => Object.keys(block.properties ?? {}));
}

function snapshotSettings(): SettingsSnapshot {
  const config = vscode.workspace.getConfiguration();
  const snapshot: SettingsSnapshot = new Map();
  for (const key of contributedKeys()) {
    const inspected = config.inspect(key);
    snapshot.set(key, { global: inspected?.globalValue, workspace: inspected?.workspaceValue });
  }
  return snapshot;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Writes back every setting that differs from `snapshot`; true when one did. */
async function restoreSettings(snapshot: SettingsSnapshot): Promise<string[]> {
  const current = snapshotSettings();
  const changed: string[] = [];
  for (const [key, was] of snapshot) {
    const now = current.get(key);
    const config = vscode.workspace.getConfiguration();
    if (!same(now?.global, was.global)) {
      await config.update(key, was.global, vscode.ConfigurationTarget.Global);
      changed.push(key);
    }
    if (!same(now?.workspace, was.workspace) && vscode.workspace.workspaceFolders?.length) {
      await config.update(key, was.workspace, vscode.ConfigurationTarget.Workspace);
      changed.push(`${key} (workspace)`);
    }
  }
  return changed;
}

/** Closes every editor without saving anything: dirty documents are reverted first. */
export async function closeAllEditorsWithoutSaving(): Promise<number> {
  let reverted = 0;
  for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty && !d.isClosed)) {
    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    reverted++;
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  return reverted;
}

/** Before a test: the settings it will be held to. */
export function rememberKnownState(): void {
  state().settingsAtStart = snapshotSettings();
}

/** After a test: back to the known state. Returns what had to be cleaned. */
export async function restoreKnownState(): Promise<string[]> {
  const { cleanups, faultControllers, settingsAtStart } = state();
  const done: string[] = [];
  const problems: string[] = [];
  while (cleanups.length) {
    const cleanup = cleanups.pop()!;
    try {
      await cleanup.run();
      done.push(cleanup.what);
    } catch (error) {
      problems.push(`${cleanup.what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const faults of faultControllers) faults.clear();
  // A quick input left open (a test that timed out inside a command) would take the next one's keys.
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  if (vscode.window.tabGroups.all.some((g) => g.tabs.length)) {
    const reverted = await closeAllEditorsWithoutSaving();
    done.push(reverted ? `editors (${reverted} reverted)` : 'editors');
  }
  await vscode.commands.executeCommand('notifications.clearAll');
  if (settingsAtStart) {
    const changed = await restoreSettings(settingsAtStart);
    if (changed.length) {
      done.push(`settings ${changed.join(', ')}`);
      // The extension reloads its catalog on a settings change; the next test starts after that.
      const api = vscode.extensions.getExtension<OkcOpenDataApi>(EXTENSION_ID)?.exports;
      await api?.refresh();
    }
  }
  if (problems.length) throw new Error(`cleanup failed: ${problems.join('; ')}`);
  return done;
}
