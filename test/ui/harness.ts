// The one fixture every UI test shares: fake portal + code-server with the extension under
// development (payload `extensionDevelopmentPath`) + a Chromium page on the workbench, started
// lazily on first use and stopped by the root `afterAll` hook (`--require out/test/ui/harness.js`)
// or, failing that, on process exit. Plus the page helpers the tests speak in.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { findInFrames, launchBrowser, openWorkbench as loadWorkbench, screenshot as savePng, type BrowserSession } from '../harness/browser';
import { startCodeServer, workbenchUrl, type CodeServer } from '../harness/codeServer';
import { ensureDeps } from '../harness/deps';
import { fakePortalSettings, startPortal, type RunningPortal } from '../harness/portal';

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
type State = { starting?: Promise<UiSession>; stops: (() => Promise<void>)[]; activePage?: Page };
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
  return { portal, server, browser, page: browser.page, url };
}

export function session(): Promise<UiSession> {
  const current = state();
  current.starting ??= start();
  return current.starting;
}

export async function stopUiHarness(): Promise<void> {
  const current = state();
  current.starting = undefined;
  current.activePage = undefined;
  const stops = current.stops.splice(0);
  for (const stop of stops) await stop().catch((error) => process.stderr.write(`[ui harness] stop: ${String(error)}\n`));
}

export const mochaHooks = {
  /** A failed UI test leaves a picture of what the user would have seen. */
  async afterEach(this: Mocha.Context): Promise<void> {
    const test = this.currentTest;
    const page = state().activePage;
    if (test?.state !== 'failed' || !page) return;
    const path = await savePng(page, `failed-${test.fullTitle()}`).catch(() => undefined);
    if (path) process.stderr.write(`[ui harness] screenshot of the failure: ${path}\n`);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await stopUiHarness();
  },
};

/** (Re)loads the workbench with the extension under development; returns ms to first paint. */
export async function openWorkbench(): Promise<number> {
  const { page, url } = await session();
  return loadWorkbench(page, url);
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
  const row = p.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
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
  await entry.click();
  const deadline = Date.now() + 3000;
  while (!(await isShown()) && Date.now() < deadline) await p.waitForTimeout(100);
  if (!(await isShown())) await entry.click();
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
      };
    }),
  );
  return found.sort((a, b) => a.index - b.index);
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
