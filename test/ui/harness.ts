// The one fixture every UI test shares: fake portal + code-server with the extension under
// development (payload `extensionDevelopmentPath`) + a Chromium page on the workbench, started
// lazily on first use and stopped by the root `afterAll` hook (`--require out/test/ui/harness.js`)
// or, failing that, on process exit. Plus the page helpers the tests speak in.

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { findInFrames, launchBrowser, openWorkbench as loadWorkbench, screenshot as savePng, type BrowserSession } from '../harness/browser';
import { startCodeServer, workbenchUrl, type CodeServer } from '../harness/codeServer';
import { ensureDeps } from '../harness/deps';
import { fakePortalSettings, startPortal, type RunningPortal } from '../harness/portal';
import { waitFor } from '../harness/wait';

export const EXTENSION_TITLE = 'OKC Open Data';
export const CATALOG_VIEW_ID = 'okcOpenData.catalog';

export interface UiSession {
  portal: RunningPortal;
  server: CodeServer;
  browser: BrowserSession;
  page: Page;
  /** The payload URL that loads the extension under development. */
  url: string;
}

/** The project whose extension is loaded; OKC_EXTENSION_PATH points elsewhere (e.g. the probe fixture). */
export function extensionPath(): string {
  return resolve(process.env.OKC_EXTENSION_PATH ?? '.');
}

// Each test file is its own bundle with its own copy of this module; the session lives on
// globalThis so they all share one code-server and one browser.
const STATE = Symbol.for('okc-open-data.ui-harness');
type State = {
  starting?: Promise<UiSession>;
  /** Set once `starting` resolved: the hooks reset only a session that exists. */
  started?: UiSession;
  /** settings.json as the session started: what every test leaves behind. */
  settingsBaseline?: string;
  stops: (() => Promise<void>)[];
  activePage?: Page;
};
function state(): State {
  const holder = globalThis as unknown as Record<symbol, State | undefined>;
  return (holder[STATE] ??= { stops: [] });
}

/** The page a failed test's screenshot shows: the latest one a test opened. */
export function setActivePage(page: Page): void {
  state().activePage = page;
}

/** Runs `stop` when the harness shuts down (root afterAll), latest first. */
export function onShutdown(stop: () => Promise<void>): void {
  state().stops.unshift(stop);
}

async function start(): Promise<UiSession> {
  const deps = ensureDeps();
  const portal = await startPortal();
  onShutdown(() => portal.close());
  const server = await startCodeServer({
    deps,
    label: 'ui',
    settings: fakePortalSettings(portal.baseUrl),
    env: { OKC_FAKE_PORTAL_URL: portal.baseUrl },
  });
  onShutdown(() => server.stop());
  const browser = await launchBrowser({ chromium: deps.chromium });
  onShutdown(() => browser.close());
  const url = workbenchUrl(server, { extensionDevelopmentPath: extensionPath() });
  setActivePage(browser.page);
  // A browser dialog left open blocks every later step; tests that look at dialogs record
  // them with recordDialogs().
  browser.page.on('dialog', (dialog) => void dialog.dismiss().catch(() => undefined));
  state().settingsBaseline = readFileSync(userSettingsPath(server), 'utf8');
  return { portal, server, browser, page: browser.page, url };
}

export function session(): Promise<UiSession> {
  const current = state();
  current.starting ??= start().then((started) => (current.started = started));
  return current.starting;
}

export async function stopUiHarness(): Promise<void> {
  const current = state();
  current.starting = undefined;
  current.started = undefined;
  current.activePage = undefined;
  const stops = current.stops.splice(0);
  for (const stop of stops) await stop().catch((error) => process.stderr.write(`[ui harness] stop: ${String(error)}\n`));
}

/** Every UI test, in every file, starts from a known workbench and leaves one behind, also
 * when it fails: see resetWorkbench(). */
export const mochaHooks = {
  async beforeEach(this: Mocha.Context): Promise<void> {
    this.timeout(RESET_TIMEOUT_MS);
    await resetQuietly('before');
  },
  /** A failed UI test leaves a picture of what the user would have seen, then is cleaned up. */
  async afterEach(this: Mocha.Context): Promise<void> {
    this.timeout(RESET_TIMEOUT_MS + 30_000);
    const test = this.currentTest;
    const page = state().activePage;
    if (test?.state === 'failed' && page) {
      const path = await savePng(page, `failed-${test.fullTitle()}`).catch(() => undefined);
      if (path) process.stderr.write(`[ui harness] screenshot of the failure: ${path}\n`);
      // What the extension and the portal saw: all a CI log keeps of a failure on another machine.
      const current = state().started;
      if (current) process.stderr.write(failureContext(current));
    }
    await resetQuietly('after');
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await stopUiHarness();
  },
};

/** The last lines of the extension's output channel and the fake portal's last requests. */
function failureContext({ server, portal }: UiSession): string {
  const logs = filesUnder(join(server.userDataDir, 'logs')).filter((path) => path.endsWith(join('okc-open-data.okc-open-data', 'OKC Open Data.log')));
  const newest = logs.sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs).at(-1);
  const lines = newest ? readFileSync(newest, 'utf8').trimEnd().split('\n').slice(-15) : ['(no output channel log)'];
  const requests = portal.requests.slice(-15).map((r) => `${r.method} ${r.url.slice(0, 160)} -> ${r.status}${r.fault ? ` (${r.fault})` : ''}`);
  const clip = (line: string): string => `  ${line.slice(0, 300)}`;
  return `[ui harness] the extension's log, last lines:\n${lines.map(clip).join('\n')}\n[ui harness] the fake portal's last requests:\n${requests.map(clip).join('\n')}\n`;
}

/** Every file under `dir`, recursively (none if it does not exist). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** (Re)loads the workbench with the extension under development; returns ms to first paint. */
export async function openWorkbench(): Promise<number> {
  const { page, url } = await session();
  return loadWorkbench(page, url, 180_000);
}

/** Dismisses every browser dialog (alert, confirm, prompt) the page opens and returns the
 * list their messages are collected in: hostile text must never get to open one. */
export async function recordDialogs(): Promise<string[]> {
  const { page } = await session();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return dialogs;
}

async function currentPage(page?: Page): Promise<Page> {
  return page ?? (await session()).page;
}

/** The palette title ("Category: Title") of a contributed command, `%key%` strings resolved
 * through package.nls.json, so tests follow the manifest instead of copying its words. */
export function commandTitle(commandId: string): string {
  const dir = extensionPath();
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const nlsPath = join(dir, 'package.nls.json');
  const nls: Record<string, string> = existsSync(nlsPath) ? JSON.parse(readFileSync(nlsPath, 'utf8')) : {};
  const text = (value?: string): string | undefined => value?.replace(/^%(.+)%$/, (whole, key: string) => nls[key] ?? whole);
  const command = (manifest.contributes?.commands ?? []).find((c: { command: string }) => c.command === commandId);
  if (!command) throw new Error(`${commandId} is not contributed by ${dir}/package.json`);
  const category = text(command.category);
  return category ? `${category}: ${text(command.title)}` : (text(command.title) ?? commandId);
}

/** Runs a command by its title through the F1 palette, as a user would. */
export async function runCommand(title: string, page?: Page): Promise<void> {
  const p = await currentPage(page);
  const input = p.locator('.quick-input-widget input').first();
  await p.keyboard.press('F1');
  const opened = await input.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
  if (!opened) {
    // Focus was somewhere that swallows F1 (or nowhere): the status bar is a neutral place to click.
    await p.locator('.part.statusbar').first().click({ position: { x: 5, y: 5 } });
    await p.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
  }
  await input.fill(`>${title}`);
  await acceptQuickPickRow(p, p.locator('.quick-input-list .monaco-list-row', { hasText: title }).first());
}

/** Accepts quick pick row `row` from the keyboard: arrows until it is the focused row, then
 * Enter. A click is not safe: the list renders under a mouse that stands still, and the hover
 * of the row under it takes the click. */
export async function acceptQuickPickRow(page: Page, row: Locator, timeoutMs = 15_000): Promise<void> {
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  const focused = (): Promise<boolean> => row.evaluate((element) => element.classList.contains('focused')).catch(() => false);
  await waitFor('the quick pick row to be focused', async () => {
    if (await focused()) return true;
    const at = async (locator: Locator): Promise<number> => Number((await locator.getAttribute('data-index', { timeout: 1000 }).catch(() => null)) ?? -1);
    const current = await at(page.locator('.quick-input-list .monaco-list-row.focused').first());
    await page.keyboard.press(current > (await at(row)) ? 'ArrowUp' : 'ArrowDown');
    return focused();
  }, { timeoutMs, intervalMs: 50 });
  await page.keyboard.press('Enter');
}

/** The activity bar entry whose label starts with `label`. */
export async function activityEntry(label = EXTENSION_TITLE, page?: Page): Promise<Locator> {
  const p = await currentPage(page);
  return p.locator(`.part.activitybar [aria-label^="${label}"]`).first();
}

/** Shows the view container of the activity bar entry `label`. Not a blind click: a click on
 * the entry of the container already shown hides the side bar (state left by an earlier test). */
export async function clickActivity(label = EXTENSION_TITLE, page?: Page): Promise<void> {
  const p = await currentPage(page);
  const entry = await activityEntry(label, p);
  await entry.waitFor({ state: 'visible', timeout: 30_000 });
  const isShown = async (): Promise<boolean> =>
    (await p.locator('.part.sidebar').first().isVisible()) &&
    (await entry.evaluate((element) => (element.closest('.action-item') ?? element).classList.contains('checked')));
  if (await isShown()) return;
  // A hover or menu left by the step before would take the click.
  await dismissOverlays(p).catch(() => undefined);
  // Click the entry's action item, not its label: while a view of the container shows
  // progress, its badge lies over the label and would take a click meant for the label (it is
  // inside the item). The entry may be the item itself (VS Code puts the label on either).
  const item = entry.locator('xpath=ancestor-or-self::li[contains(concat(" ", normalize-space(@class), " "), " action-item ")][1]');
  await item.click();
  if (!(await waitFor('the view container shown', isShown, { timeoutMs: 3000 }).catch(() => false))) await item.click();
}

/** The side bar pane showing the view named `viewName` (its header title). */
export async function viewPane(viewName: string, page?: Page): Promise<Locator> {
  const p = await currentPage(page);
  return p.locator('.part.sidebar .pane', { has: p.locator('.pane-header .title', { hasText: viewName }) }).first();
}

export interface TreeRow {
  /** Position in the tree as shown (the list renders rows out of order and reuses them). */
  index: number;
  /** 1 for a root item. */
  level: number;
  label: string;
  description: string;
  /** undefined for a leaf. */
  expanded?: boolean;
  /** The codicon the row shows ('warning' for the extension's problem rows), '' for none. */
  icon: string;
}

/** The rendered rows of the tree in the side bar view `viewName`, top to bottom, waiting up to
 * `timeoutMs` for at least one. */
export async function treeRows(viewName = 'Catalog', page?: Page, timeoutMs = 30_000): Promise<TreeRow[]> {
  const pane = await viewPane(viewName, page);
  const rows = pane.locator('.monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: timeoutMs });
  const found = await rows.evaluateAll((elements) =>
    elements.map((row) => {
      const text = (selector: string): string => (row.querySelector(selector)?.textContent ?? '').trim();
      const expanded = row.getAttribute('aria-expanded');
      return {
        index: Number(row.getAttribute('data-index')),
        level: Number(row.getAttribute('aria-level') ?? 1),
        label: text('.label-name') || (row.textContent ?? '').trim(),
        description: text('.label-description'),
        expanded: expanded === null ? undefined : expanded === 'true',
        icon: /(?:^|\s)codicon-([\w-]+)/.exec(row.querySelector('.custom-view-tree-node-item-icon')?.className ?? '')?.[1] ?? '',
      };
    }),
  );
  return found.sort((a, b) => a.index - b.index);
}

/** Rows of the Catalog that report a problem: the extension marks a failing portal and each of
 * its message rows ("<portal>: <what happened>") with the warning codicon. */
export async function problemRows(viewName = 'Catalog', page?: Page): Promise<TreeRow[]> {
  return (await treeRows(viewName, page)).filter((row) => row.icon === 'warning');
}

/** Labels of the rendered rows of the tree in the side bar view `viewName`, top to bottom. */
export async function treeItems(viewName = 'Catalog', page?: Page, timeoutMs = 30_000): Promise<string[]> {
  return (await treeRows(viewName, page, timeoutMs)).map((row) => row.label).filter((label) => label.length > 0);
}

/** The row at `index` (a TreeRow's index) of the tree in view `viewName`, to click or inspect. */
export async function treeRow(index: number, viewName = 'Catalog', page?: Page): Promise<Locator> {
  return (await viewPane(viewName, page)).locator(`.monaco-list-row[data-index="${index}"]`);
}

/** The first element matching `selector` (and containing `hasText`) in any webview frame, or
 * undefined after `timeoutMs`. */
export async function findInWebviews(
  selector: string,
  options: { hasText?: string | RegExp; timeoutMs?: number; page?: Page } = {},
): Promise<Locator | undefined> {
  return (await findInFrames(await currentPage(options.page), selector, options))?.locator;
}

export async function screenshot(name: string, page?: Page): Promise<string> {
  return savePng(await currentPage(page), name);
}

/** The quick input's text box (palette, quick picks, input boxes). */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget input').first();
}

/** The quick pick row whose label is `label` (descriptions and details may repeat the words). */
export function quickPickRow(page: Page, label: string): Locator {
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
}

/** Closes whatever quick input a failed step left open. */
export async function dismissQuickInput(page: Page): Promise<void> {
  if (await page.locator('.quick-input-widget').first().isVisible().catch(() => false)) await page.keyboard.press('Escape');
}

// ---- known state: what every test starts from and leaves behind -----------------------------

/** What one reset may take; the hooks allow more, for the failure screenshot. */
const RESET_BUDGET_MS = 90_000;
const RESET_TIMEOUT_MS = RESET_BUDGET_MS + 60_000;

/** Workbench overlays that take the keyboard: quick input, context menu, modal dialog, hover. */
const OVERLAYS = ['.quick-input-widget', '.context-view .monaco-menu', '.monaco-dialog-box', '.monaco-hover:not(.hidden)'];

export function userSettingsPath(server: CodeServer): string {
  return join(server.userDataDir, 'User', 'settings.json');
}

async function visible(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).first().isVisible().catch(() => false);
}

async function overlaysShown(page: Page): Promise<string[]> {
  const shown: string[] = [];
  for (const selector of OVERLAYS) if (await visible(page, selector)) shown.push(selector);
  return shown;
}

/** Closes quick inputs, menus, dialogs (Cancel) and hovers with Escape, and takes focus out of
 * any webview or editor widget that would swallow the next keystroke. */
export async function dismissOverlays(page: Page): Promise<void> {
  // The mouse over a tree row or a link would raise a hover again.
  await page.mouse.move(2, 450).catch(() => undefined);
  for (let attempt = 0; attempt < 6; attempt++) {
    const shown = await overlaysShown(page);
    if (!shown.length) break;
    await page.keyboard.press('Escape');
    await waitFor('overlays to close after Escape', async () => (await overlaysShown(page)).length < shown.length || undefined, { timeoutMs: 2000 }).catch(() => undefined);
  }
  // Focus inside a webview's iframe keeps F1 from the workbench: give it back to the page.
  await page.evaluate('document.activeElement && document.activeElement !== document.body && document.activeElement.blur()').catch(() => undefined);
  const left = await overlaysShown(page);
  if (left.length) throw new Error(`still open after Escape: ${left.join(', ')}`);
}

/** Closes every editor without saving: dirty ones are reverted first, and a "Save changes?"
 * dialog that still comes is answered Don't Save. */
export async function closeAllEditors(page?: Page): Promise<void> {
  const p = await currentPage(page);
  const tabs = p.locator('.part.editor .tabs-container .tab');
  if ((await tabs.count()) === 0) return;
  for (let attempt = 0; attempt < 10; attempt++) {
    const dirty = p.locator('.part.editor .tabs-container .tab.dirty').first();
    if (!(await dirty.isVisible().catch(() => false))) break;
    await dirty.click();
    await runCommand('View: Revert and Close Editor', p);
    await dirty.waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
  }
  await runCommand('View: Close All Editors', p);
  const dontSave = p.locator('.monaco-dialog-box .monaco-button', { hasText: /Don't Save/ }).first();
  await waitFor('every editor closed', async () => {
    if (await dontSave.isVisible().catch(() => false)) await dontSave.click();
    return (await tabs.count()) === 0;
  }, { timeoutMs: 20_000 });
}

/** Replaces the user settings through the settings.json editor and saves: code-server does not
 * notice the file changing under it, a save from the workbench it does. One line of JSON, since
 * the editor indents every inserted line break. What was saved is read back: the editor's
 * auto-closing can add a quote and a brace after the text, and typing that comes before the
 * select-all lands beside the old settings; either would leave VS Code reading other settings
 * than the test asked for, so the edit is made again until the file says what was asked. */
export async function replaceUserSettings(settings: Record<string, unknown>, page?: Page): Promise<void> {
  const p = await currentPage(page);
  const { server } = await session();
  const path = userSettingsPath(server);
  const wanted = JSON.stringify(settings);
  let saved = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    await runCommand('Preferences: Open User Settings (JSON)', p);
    const tab = p.locator('.part.editor .tabs-container .tab.active', { hasText: 'settings.json' }).first();
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    const lines = p.locator('.editor-instance .monaco-editor .view-lines').first();
    await lines.waitFor({ state: 'visible', timeout: 30_000 });
    // The file is never empty: an empty editor has not loaded it yet, and would load it under the typing.
    await waitFor('settings.json loaded in the editor', async () => (await lines.innerText()).trim() !== '', { timeoutMs: 30_000 });
    await lines.click();
    // The editor has the keyboard once its hidden text area is focused; typing earlier goes nowhere.
    await p.locator('.editor-instance .monaco-editor.focused').first().waitFor({ timeout: 10_000 });
    await p.keyboard.press('Control+A');
    await p.keyboard.press('Delete');
    await waitFor('the settings editor emptied', async () => (await lines.innerText()).trim() === '', { timeoutMs: 10_000 });
    // One input event: no auto-closed brackets or quotes on the way.
    await p.keyboard.insertText(wanted);
    await p.keyboard.press('Control+S');
    await p.locator('.part.editor .tabs-container .tab.active:not(.dirty)', { hasText: 'settings.json' }).first().waitFor({ timeout: 30_000 });
    await closeAllEditors(p);
    const written = await waitFor('settings.json to hold what was typed', async () => (saved = readFileSync(path, 'utf8')).trim() === wanted, { timeoutMs: 5000 }).catch(() => false);
    if (written) return;
    process.stderr.write(`[ui harness] settings.json saved as something else than typed (attempt ${attempt}): ${JSON.stringify(saved)}\n`);
  }
  throw new Error(`settings.json could not be set through the editor; it holds ${JSON.stringify(saved)}`);
}

/** Puts back the settings the session started with, through the workbench and then byte for byte. */
export async function restoreUserSettings(): Promise<boolean> {
  const { server } = await session();
  const baseline = state().settingsBaseline;
  const path = userSettingsPath(server);
  if (baseline === undefined) return false;
  const now = readFileSync(path, 'utf8');
  if (now === baseline) return false;
  let changed = true;
  try {
    const [was, is] = [JSON.parse(baseline) as Record<string, unknown>, JSON.parse(now) as Record<string, unknown>];
    const keys = [...new Set([...Object.keys(was), ...Object.keys(is)])].filter((key) => JSON.stringify(was[key]) !== JSON.stringify(is[key]));
    changed = keys.length > 0;
    if (changed) process.stderr.write(`[ui harness] settings changed since the session started: ${keys.join(', ')}\n`);
  } catch {
    // Not JSON (a half-typed edit that got saved): certainly changed.
  }
  // Only the layout differs (the workbench rewrote the file): the bytes are enough.
  if (changed) await replaceUserSettings(JSON.parse(baseline) as Record<string, unknown>);
  writeFileSync(path, baseline);
  return changed;
}

/** The extension's own state a test may leave: portal faults and a tree filter. */
async function resetExtensionState(current: UiSession): Promise<string[]> {
  const done: string[] = [];
  if (current.portal.faults.rules.length) {
    current.portal.faults.clear();
    done.push('portal faults');
  }
  const filter = current.page.locator('.part.sidebar .pane .message', { hasText: 'Filter:' }).first();
  if (await filter.isVisible().catch(() => false)) {
    await runCommand(commandTitle('okcOpenData.clearTreeFilter'), current.page);
    await filter.waitFor({ state: 'hidden', timeout: 15_000 });
    done.push('catalog filter');
  }
  return done;
}

/** Brings the session's workbench back to the known state: no overlay or dialog, no editor
 * (unsaved changes reverted), no notification, the settings the session started with, no
 * portal fault, no tree filter, focus on the workbench. Returns what it had to clean up. */
export async function resetWorkbench(): Promise<string[]> {
  const current = state().started;
  if (!current) return [];
  const page = current.page;
  if (page.isClosed()) return [];
  const done: string[] = [];
  if ((await overlaysShown(page)).length) done.push('overlays');
  // A hover Escape does not close (the activity bar's, slow to go once the mouse left it under
  // load) must not stop the rest: editors left open would meet the next test. Tried again last.
  const overlaysLeft = await dismissOverlays(page).then(() => false, () => true);
  if ((await page.locator('.part.editor .tabs-container .tab').count()) > 0) {
    done.push('editors');
    await closeAllEditors(page);
  }
  if (await visible(page, '.notifications-toasts .notification-toast, .notifications-center.visible')) {
    done.push('notifications');
    await runCommand('Notifications: Clear All Notifications', page);
    if (await visible(page, '.notifications-center.visible')) await runCommand('Notifications: Hide Notifications', page);
  }
  if (await restoreUserSettings()) done.push('settings');
  done.push(...(await resetExtensionState(current)));
  if (overlaysLeft) await dismissOverlays(page);
  return done;
}

async function resetQuietly(when: 'before' | 'after'): Promise<void> {
  try {
    // Bounded well inside the hook's own timeout: a root hook that times out stops the run.
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      resetWorkbench(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not done after ${RESET_BUDGET_MS} ms`)), RESET_BUDGET_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    // Before a test, anything to clean means an earlier test (or hook) left it: worth saying.
    if (done.length && when === 'before') process.stderr.write(`[ui harness] left over before this test, cleaned: ${done.join(', ')}\n`);
  } catch (error) {
    // A failing root hook would stop every later test: report, and let the next test show it.
    process.stderr.write(`[ui harness] reset ${when} the test failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    const page = state().started?.page;
    const shot = page && (await savePng(page, `reset-failed-${when}-${Date.now()}`).catch(() => undefined));
    if (shot) process.stderr.write(`[ui harness] screenshot of the failed reset: ${shot}\n`);
  }
}
