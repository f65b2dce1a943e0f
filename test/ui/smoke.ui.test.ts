// A user's first minute, in a real VS Code in a real browser: the OKC Open Data entry in the
// activity bar opens the Catalog, which lists datasets from the (fake) portal; and the same
// from the packaged .vsix installed the way a user installs it.

import assert from 'node:assert/strict';
import { openWorkbench as loadWorkbench, screenshot as savePng } from '../harness/browser';
import { waitFor } from '../harness/wait';
import {
  CATALOG_VIEW_ID,
  EXTENSION_TITLE,
  clickActivity,
  commandTitle,
  findInWebviews,
  openWorkbench,
  problemRows,
  runCommand,
  screenshot,
  session,
  treeItems,
  treeRow,
  treeRows,
  viewPane,
  type TreeRow,
} from './harness';
import type { PackagedVsix } from '../harness/vsix';
import { openInstalledVsix, packageForTest } from './harnessVsix';

describe('UI smoke: extension under development', function () {
  // Generous: on a loaded machine the first workbench load alone can take minutes.
  this.timeout(300_000);

  it('opens the workbench with the extension development host', async () => {
    const paintMs = await openWorkbench();
    const { page } = await session();
    assert.ok(paintMs > 0);
    await page.waitForFunction("document.title.includes('Extension Development Host')", undefined, { timeout: 30_000 });
  });

  it('shows the Catalog view with datasets from the portal after a click on the activity bar', async () => {
    await clickActivity(EXTENSION_TITLE);
    const pane = await viewPane('Catalog');
    await pane.waitFor({ state: 'visible', timeout: 30_000 });
    const items = await treeItems('Catalog');
    assert.ok(items.length >= 1, `no tree items in ${CATALOG_VIEW_ID}`);
    await waitFor('the catalog loaded', async () => (await treeRows('Catalog')).some((r) => r.level === 1 && /^\d+ datasets$/.test(r.description)), { timeoutMs: 180_000 });
    const problems = await problemRows('Catalog');
    assert.deepEqual(problems.map((r) => r.label), [], 'the tree shows a problem');
    const path = await screenshot('catalog');
    assert.match(path, /catalog\.png$/);
  });

  it('refreshes the catalog from the command palette and lists datasets again', async () => {
    const { portal } = await session();
    const before = portal.requests.length;
    await runCommand(commandTitle('okcOpenData.refreshCatalog'));
    const items = await treeItems('Catalog');
    assert.ok(items.length >= 1);
    // The refresh has to reach the portal, not just redraw a cached tree.
    await waitFor('Refresh Catalog to send a request to the portal', () => portal.requests.length > before, { timeoutMs: 30_000 });
  });

  it('shows a failing portal as problem rows (the rows the error checks look for), and recovers', async () => {
    const { portal } = await session();
    const HUB = 'OKC Open Data (fake)';
    try {
      portal.faults.set([{ kind: 'botChallenge' }]);
      await runCommand(commandTitle('okcOpenData.refreshCatalog'));
      // The portal row and its error row are drawn in separate renders: wait for both.
      let seen: string[] = [];
      await waitFor('the failing portal marked, with its error row', async () => {
        const rows = await problemRows('Catalog');
        seen = rows.map((r) => `${r.level}:${r.label}`);
        return rows.some((r) => r.level === 1 && r.label === HUB) && rows.some((r) => r.level === 2 && r.label.startsWith(`${HUB}: the portal answered with a browser check page`));
      }, { timeoutMs: 60_000 }).catch((error: Error) => assert.fail(`${error.message}; problem rows: ${seen.join(' | ')}`));
      await screenshot('catalog-problem-rows');
    } finally {
      portal.faults.clear();
      await runCommand(commandTitle('okcOpenData.refreshCatalog'));
    }
    await waitFor('no problem rows once the portal answers', async () => (await problemRows('Catalog')).length === 0, { timeoutMs: 60_000 });
  });

  it('opens a dataset from the tree into a webview whose content the harness can read', async () => {
    const { page } = await session();
    // A group is a collapsed row under a portal row (portal rows say "N datasets"); the
    // Favorites and Recently Used sections hold datasets at the same depth.
    const rows = await treeRows('Catalog');
    const portalRow = rows.find((row) => row.level === 1 && /datasets/.test(row.description));
    const collapsedGroup = portalRow && rows.find((row) => row.index > portalRow.index && row.level === 2 && row.expanded === false);
    assert.ok(collapsedGroup, 'no collapsed group under a portal');
    await (await treeRow(collapsedGroup.index)).click();
    const dataset: TreeRow = await waitFor(`group ${collapsedGroup.label} expanded into datasets`, async () =>
      (await treeRows('Catalog')).find((row) => row.index === collapsedGroup.index + 1 && row.level === 3),
    );
    await (await treeRow(dataset.index)).click();
    const heading = await findInWebviews('h1', { hasText: dataset.label, timeoutMs: 30_000 });
    assert.ok(heading, `no webview shows a heading "${dataset.label}"`);
    await screenshot('metadata-webview', page);
  });
});

describe('UI smoke: packaged .vsix', function () {
  this.timeout(240_000);
  let vsix: PackagedVsix;

  before(function () {
    vsix = packageForTest();
  });

  it('is under 1 MB (the bundle needs no node_modules)', () => {
    assert.ok(vsix.bytes < 1024 * 1024, `the .vsix is ${vsix.bytes} bytes; check .vscodeignore`);
  });

  it('installs into a fresh code-server and loads its tree from the fake portal without a development payload', async () => {
    const { page, url } = await openInstalledVsix(vsix.path);
    await loadWorkbench(page, url);
    assert.ok(!(await page.title()).includes('Extension Development Host'));
    await clickActivity(EXTENSION_TITLE, page);
    const items = await treeItems('Catalog', page);
    assert.ok(items.length >= 1);
    await waitFor('the catalog loaded', async () => (await treeRows('Catalog', page)).some((r) => r.level === 1 && /^\d+ datasets$/.test(r.description)), { timeoutMs: 60_000 });
    const problems = await problemRows('Catalog', page);
    assert.deepEqual(problems.map((r) => r.label), [], 'the tree shows a problem');
    await savePng(page, 'vsix-catalog');
  });
});
