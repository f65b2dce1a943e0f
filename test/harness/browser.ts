// Debian's Chromium driven by playwright-core, quiet on a closed network, with a fresh profile,
// plus the few page helpers every UI test needs: open the workbench, search webviews, screenshot.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Frame, type Locator, type Page } from 'playwright-core';
import { ensureDeps } from './deps';
import { scratchDir } from './processes';

export const SCREENSHOT_DIR = join('test-output', 'screenshots');

/** Flags that keep Chromium from phoning home or waiting on a GPU in a container. */
export const QUIET_CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console lines of the page (the workbench forwards extension host output there too). */
  consoleLines: string[];
  close(): Promise<void>;
}

export async function launchBrowser(options: { chromium?: string; headless?: boolean } = {}): Promise<BrowserSession> {
  const executablePath = options.chromium ?? ensureDeps().chromium;
  const profile = scratchDir('chromium');
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath,
    headless: options.headless ?? true,
    args: QUIET_CHROMIUM_FLAGS,
    viewport: { width: 1440, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines: string[] = [];
  page.on('console', (message) => {
    if (consoleLines.length < 5000) consoleLines.push(`[${message.type()}] ${message.text()}`);
  });
  let closed = false;
  return {
    context,
    page,
    consoleLines,
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      profile.remove();
    },
  };
}

/** Loads the workbench and resolves when its layout has painted; returns the ms that took. */
export async function openWorkbench(page: Page, url: string, timeoutMs = 60_000): Promise<number> {
  const start = performance.now();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.activitybar').first().waitFor({ state: 'visible', timeout: timeoutMs });
  return performance.now() - start;
}

/** The first element matching `selector` (and containing `hasText`) in any frame, since webviews
 * are nested iframes; undefined after `timeoutMs`. */
export async function findInFrames(
  page: Page,
  selector: string,
  { hasText, timeoutMs = 15_000 }: { hasText?: string | RegExp; timeoutMs?: number } = {},
): Promise<{ frame: Frame; locator: Locator } | undefined> {
  const deadline = Date.now() + timeoutMs;
  do {
    for (const frame of page.frames()) {
      const locator = frame.locator(selector, hasText === undefined ? undefined : { hasText }).first();
      if ((await locator.count().catch(() => 0)) > 0) return { frame, locator };
    }
    await page.waitForTimeout(250);
  } while (Date.now() < deadline);
  return undefined;
}

/** Saves a PNG of the page to test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = resolve(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
