// The extension as a user gets it: `vsce package` into a .vsix, installed by code-server's
// `--install-extension` into a fresh extensions dir, and a workbench opened WITHOUT any
// development payload, so only the packaged bundle can make the OKC Open Data entry appear.

import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../harness/browser';
import { installExtension, startCodeServer, workbenchUrl } from '../harness/codeServer';
import { ensureDeps } from '../harness/deps';
import { scratchDir } from '../harness/processes';
import { fakePortalSettings, startPortal } from '../harness/portal';
import { packageVsix, type PackagedVsix } from '../harness/vsix';
import { extensionPath, onShutdown, setActivePage } from './harness';

/** The extension under test as a .vsix in a temp folder removed at shutdown. */
export function packageForTest(projectDir = extensionPath()): PackagedVsix {
  const outDir = scratchDir('vsix');
  onShutdown(async () => outDir.remove());
  return packageVsix(projectDir, join(outDir.path, 'okc-open-data.vsix'));
}

/** code-server with only the .vsix installed and settings pointing at a fresh fake portal, and a
 * browser page on its plain workbench URL. Stopped with the rest of the UI harness. */
export async function openInstalledVsix(vsix: string): Promise<{ page: Page; url: string }> {
  const deps = ensureDeps();
  const scratch = scratchDir('vsix-install');
  onShutdown(async () => scratch.remove());
  const extensionsDir = join(scratch.path, 'extensions');
  installExtension(vsix, extensionsDir, deps);
  const portal = await startPortal();
  onShutdown(() => portal.close());
  const server = await startCodeServer({ deps, label: 'ui-vsix', extensionsDir, settings: fakePortalSettings(portal.baseUrl) });
  onShutdown(() => server.stop());
  const browser = await launchBrowser({ chromium: deps.chromium });
  onShutdown(() => browser.close());
  setActivePage(browser.page);
  const url = workbenchUrl(server);
  return { page: browser.page, url };
}
