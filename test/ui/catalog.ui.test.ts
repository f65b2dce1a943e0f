// The Catalog as a user meets it, in a real VS Code in a real browser: dataset search from the
// palette (titles and, once indexed, field names), the tree filter, portal tokens that reach
// the FeatureServer and nowhere else, the offline and welcome states, the offline start from
// the cache, the metadata panel fed hostile data, and the dataset context menu. Screenshots of each.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { findInFrames } from '../harness/browser';
import { executionMarkers } from '../harness/markers';
import { waitFor } from '../harness/wait';
import {
  EXTENSION_TITLE,
  acceptQuickPickRow,
  clickActivity,
  closeAllEditors,
  commandTitle,
  dismissQuickInput,
  filesUnder,
  findInWebviews,
  openWorkbench,
  quickInput,
  quickPickRow,
  replaceUserSettings,
  restoreUserSettings,
  runCommand,
  screenshot,
  session,
  treeRow,
  treeRows,
  treeItems,
  viewPane,
  userSettingsPath,
  type TreeRow,
} from './harness';
import { expectNothingRan } from './injection';
import { HOSTILE_WIDE_TITLE, WIDE_COLUMNS } from '../portal/data';
import type { RequestLogEntry } from '../portal/server';
import { expectTokenOnlyOnFeatureServer, tokenSent } from '../portal/tokenChecks';

const HUB = 'OKC Open Data (fake)';
const LEGACY = 'OKC Legacy (fake)';
const HOSTILE_TITLE = 'Hostile Test Data';
/** The title of a field's Missing cell when the figure is the portal's count over the whole dataset. */
const WHOLE_DATASET_MISSING = 'Share of NULL values in the whole dataset, counted by the portal';

/** The fake portal's control endpoints, as any client (or another process) would use them. */
async function control(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const { portal } = await session();
  const response = await fetch(`${portal.baseUrl}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: HTTP ${response.status}`);
  return response.json();
}

const failEveryPath = (): Promise<unknown> => control('POST', '/__fake/faults', [{ kind: 'botChallenge' }]);
const clearFaults = (): Promise<unknown> => control('DELETE', '/__fake/faults');
const clearRequestLog = (): Promise<unknown> => control('DELETE', '/__fake/requests');
async function requestLog(): Promise<RequestLogEntry[]> {
  return (await control('GET', '/__fake/requests')) as RequestLogEntry[];
}

/** Polls `probe` until it returns a value that is not undefined/false; fails naming `what`. */
function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  return waitFor(what, probe, { timeoutMs, intervalMs: 200 });
}

/** A button of the Catalog view's title bar (hover first: VS Code shows pane actions on hover). */
async function viewTitleAction(page: Page, label: string): Promise<Locator> {
  const pane = await viewPane('Catalog', page);
  await pane.hover().catch(() => undefined);
  return page.locator(`.part.sidebar a.action-label[aria-label^="${label}"]`).first();
}

/** Expands group `group` under `portal` (if collapsed) and returns the row of dataset `title` in it. */
async function datasetRowIn(portal: string, group: string, title: string): Promise<TreeRow> {
  const groupRow = async (): Promise<TreeRow | undefined> => {
    const rows = await treeRows('Catalog');
    const top = rows.find((r) => r.level === 1 && r.label === portal);
    return top && rows.find((r) => r.index > top.index && r.level === 2 && r.label === group);
  };
  const found = await until(`group ${group} under ${portal}`, groupRow);
  if (found.expanded === false) {
    await (await treeRow(found.index)).locator('.monaco-tl-twistie').click();
  }
  return until(`dataset ${title} in ${portal} / ${group}`, async () => {
    const g = await groupRow();
    if (!g) return undefined;
    return (await treeRows('Catalog')).find((r) => r.index > g.index && r.level === 3 && r.label === title);
  });
}

/** Opens the metadata of `title` (in `portal` / `group`) with a click on its tree row, as a user
 * does; clicks again if a redraw of the tree swallowed the click. */
async function openFromTree(portal: string, group: string, title: string): Promise<Frame> {
  const { page } = await session();
  for (let attempt = 1; ; attempt++) {
    const row = await datasetRowIn(portal, group, title);
    await (await treeRow(row.index)).locator('.label-name').click();
    const found = await findInFrames(page, '#app h1#title', { hasText: title, timeoutMs: 10_000 });
    if (found) {
      await found.frame.locator('#app[aria-busy="false"]').waitFor({ timeout: 30_000 });
      return found.frame;
    }
    if (attempt === 3) throw new Error(`no metadata panel titled ${title} after ${attempt} clicks on its tree row`);
  }
}

/** Collapses group `group` under `portal` if it is expanded, so the tree is left as found. */
async function collapseGroup(portal: string, group: string): Promise<void> {
  const rows = await treeRows('Catalog');
  const top = rows.find((r) => r.level === 1 && r.label === portal);
  const g = top && rows.find((r) => r.index > top.index && r.level === 2 && r.label === group);
  if (g?.expanded) await (await treeRow(g.index)).locator('.monaco-tl-twistie').click();
}

/** Both portals listed with datasets and neither marked offline: the catalog as first loaded. */
async function waitForHealthyCatalog(timeoutMs = 60_000): Promise<void> {
  await until(
    'both portals loaded and online',
    async () => {
      const rows = await treeRows('Catalog').catch(() => [] as TreeRow[]);
      const portals = rows.filter((r) => r.level === 1 && (r.label === HUB || r.label === LEGACY));
      if (portals.length !== 2 || !portals.every((r) => /^\d+ datasets$/.test(r.description))) return false;
      // Not still loading: a refresh in flight redraws the tree under the next click.
      return (await (await viewPane('Catalog')).locator('.monaco-list-row[aria-level="1"] .codicon-loading').count()) === 0;
    },
    timeoutMs,
  );
}

async function closeEditors(): Promise<void> {
  await closeAllEditors();
}

/** Hovers `target` until a hover showing `text` is up. A re-render of the tree (the catalog's
 * late updates, later under load) closes a hover it had opened, so one hover is not enough. */
async function hoverUntilShown(page: Page, target: Locator, text: string): Promise<void> {
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: text }).first();
  await waitFor(`a hover showing ${JSON.stringify(text)}`, async () => {
    if (await hover.isVisible()) return true;
    await page.mouse.move(2, 450);
    await target.hover();
    return hover.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
  }, { timeoutMs: 45_000 });
}

describe('UI: catalog', function () {
  this.timeout(180_000);

  before(async () => {
    await openWorkbench();
    await clickActivity(EXTENSION_TITLE);
    await waitForHealthyCatalog();
  });

  // Opening metadata adds to Recently Used; the next file must meet the tree as this one found it.
  after(async () => {
    const { page } = await session();
    // A context menu left open by the last test would swallow the palette's keystrokes.
    await page.keyboard.press('Escape');
    await runCommand(commandTitle('okcOpenData.clearRecent'));
    await clickActivity(EXTENSION_TITLE);
    await waitForHealthyCatalog();
    await until('Clear Recently Used to take the section out of the tree', async () => !(await treeItems('Catalog')).includes('Recently Used'), 15_000);
  });

  it('searches datasets from the palette by title, with the match highlighted, and opens the metadata', async () => {
    const { page } = await session();
    await runCommand(commandTitle('okcOpenData.searchDatasets'));
    await quickInput(page).fill('trash');
    const row = quickPickRow(page, 'Trash Collection Zones');
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    const highlights = await row.locator('.monaco-icon-label .highlight').allInnerTexts();
    assert.ok(highlights.some((text) => text.toLowerCase() === 'trash'), `highlighted: ${JSON.stringify(highlights)}`);
    await screenshot('catalog-search');
    await acceptQuickPickRow(page, row);
    await acceptQuickPickRow(page, quickPickRow(page, 'Show Dataset Metadata'));
    const heading = await findInWebviews('h1', { hasText: 'Trash Collection Zones', timeoutMs: 30_000 });
    assert.ok(heading, 'the metadata panel does not show "Trash Collection Zones"');
    await screenshot('catalog-search-metadata');
    await closeEditors();
  });

  it('finds a dataset by a field name once the background index has it', async () => {
    const { page } = await session();
    await runCommand(commandTitle('okcOpenData.searchDatasets'));
    const input = quickInput(page);
    // The index fills after the catalog loads; each new value re-runs the search over it.
    const row = await until(
      'Work Zones listed for the field name Worklocation',
      async () => {
        await input.fill('');
        await input.fill('Worklocation');
        const candidate = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Work Zones' }).filter({ hasText: /Fields: .*Worklocation/ }).first();
        return (await candidate.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false)) && candidate;
      },
      60_000,
    );
    const labels = await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
    assert.ok(labels.every((label) => !/trash|garage/i.test(label)), `unrelated datasets listed: ${labels.join(' | ')}`);
    assert.ok(await row.isVisible());
    await screenshot('catalog-search-field');
    await page.keyboard.press('Escape');
  });

  it('filters the tree from the view title and clears the filter', async () => {
    const { page } = await session();
    await (await viewTitleAction(page, 'Filter Catalog')).click();
    const input = quickInput(page);
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('fire');
    await input.press('Enter');
    try {
      const pane = await viewPane('Catalog', page);
      await pane.locator('.message', { hasText: 'Filter: fire' }).first().waitFor({ state: 'visible', timeout: 15_000 });
      const datasets = await until('Fire Stations in the filtered tree', async () => {
        const rows = (await treeRows('Catalog')).filter((r) => r.level === 3);
        return rows.some((r) => r.label === 'Fire Stations') && rows.map((r) => r.label);
      });
      for (const unrelated of ['Garage Sales', 'Work Zones', 'Trash Collection Zones', 'Synthetic Performance Records']) {
        assert.ok(!datasets.includes(unrelated), `${unrelated} is still listed under filter "fire": ${datasets.join(' | ')}`);
      }
      // Favorites and Recently Used step aside while filtering: every root is a portal.
      const roots = (await treeRows('Catalog')).filter((r) => r.level === 1).map((r) => r.label);
      assert.deepEqual(roots.sort(), [HUB, LEGACY].sort());
      await screenshot('catalog-filter');
    } finally {
      await (await viewTitleAction(page, 'Clear Catalog Filter')).click();
    }
    const pane = await viewPane('Catalog', page);
    await pane.locator('.message', { hasText: 'Filter:' }).first().waitFor({ state: 'hidden', timeout: 15_000 });
    await until('collapsed groups back after clearing the filter', async () => (await treeRows('Catalog')).some((r) => r.level === 2 && r.expanded === false));
    await (await viewTitleAction(page, 'Filter Catalog')).waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('sends a portal token to the FeatureServer only, and stops after Clear Portal Token', async () => {
    const { page, server } = await session();
    const token = `ui-token-${Date.now().toString(36)}-secret`;
    const featureServerRequests = async (): Promise<RequestLogEntry[]> => (await requestLog()).filter((r) => r.url.includes('/FeatureServer'));
    const feedRequested = async (): Promise<boolean> => (await requestLog()).some((r) => /dcat-us|data\.json/.test(r.url));
    let tokenSet = false;
    try {
      await clearRequestLog();
      await runCommand(commandTitle('okcOpenData.setToken'));
      await acceptQuickPickRow(page, quickPickRow(page, HUB));
      const password = page.locator('.quick-input-widget input[type="password"]').first();
      await password.waitFor({ state: 'visible', timeout: 10_000 });
      await password.fill(token);
      await password.press('Enter');
      tokenSet = true;
      // A stored token re-reads that portal's catalog: the sign that the secret is in place.
      await until(`${HUB} re-read after the token was stored`, feedRequested);
      await clearRequestLog();
      await runCommand(commandTitle('okcOpenData.refreshCatalog'));
      await waitForHealthyCatalog();
      // Expanding a dataset reads its fields; opening it reads sample rows: both hit the layer.
      await openFromTree(HUB, 'Public Safety', 'Fire Stations');
      const dataset = await datasetRowIn(HUB, 'Public Safety', 'Fire Stations');
      await (await treeRow(dataset.index)).locator('.monaco-tl-twistie').click();
      await until('FeatureServer requests after the token was set', async () => (await featureServerRequests()).some((r) => r.url.includes('/query')));
      expectTokenOnlyOnFeatureServer(await requestLog(), token, ['feed']);
      await screenshot('catalog-token');

      // Nowhere else: not in the workbench's DOM (any frame), the user settings, or the output channel.
      for (const frame of page.frames()) {
        const html = await frame.content().catch(() => '');
        assert.ok(!html.includes(token), `the token is in the DOM of frame ${frame.url()}`);
      }
      const settings = readFileSync(userSettingsPath(server), 'utf8');
      assert.ok(!settings.includes(token), 'the token is in the user settings.json');
      const logs = filesUnder(join(server.userDataDir, 'logs'));
      assert.ok(logs.some((path) => path.endsWith('OKC Open Data.log')), `no OKC Open Data output channel log among ${logs.length} log files`);
      for (const path of logs) assert.ok(!readFileSync(path, 'utf8').includes(token), `the token is in ${path}`);

      await clearRequestLog();
      await runCommand(commandTitle('okcOpenData.clearToken'));
      await acceptQuickPickRow(page, quickPickRow(page, HUB));
      await until(`${HUB} re-read after the token was cleared`, feedRequested);
      tokenSet = false;
      await closeEditors();
      await clearRequestLog();
      await openFromTree(HUB, 'Public Safety', 'Fire Stations');
      const withoutToken = await until('FeatureServer requests after the token was cleared', async () => {
        const requests = await featureServerRequests();
        return requests.some((r) => r.url.includes('/query')) && requests;
      });
      for (const r of withoutToken) assert.equal(tokenSent(r), undefined, `a token is still sent: ${r.url}`);
      assert.ok((await requestLog()).every((r) => !JSON.stringify(r).includes(token)), 'the cleared token still reaches the portal');
    } finally {
      if (tokenSet) {
        await dismissQuickInput(page);
        await runCommand(commandTitle('okcOpenData.clearToken'));
        await acceptQuickPickRow(page, quickPickRow(page, HUB));
      }
      await closeEditors();
      await collapseGroup(HUB, 'Public Safety');
    }
  });

  it('keeps the cached catalog, marked offline, when every portal fails, and names portal and problem', async () => {
    const { page } = await session();
    try {
      await failEveryPath();
      await runCommand(commandTitle('okcOpenData.refreshCatalog'));
      const portals = await until('both portals marked offline, cached', async () => {
        const rows = (await treeRows('Catalog')).filter((r) => r.level === 1 && (r.label === HUB || r.label === LEGACY));
        return rows.length === 2 && rows.every((r) => /\d+ datasets · offline, cached .+ ago/.test(r.description)) && rows;
      });
      const rows = await treeRows('Catalog');
      for (const portal of portals) {
        const next = rows.find((r) => r.index === portal.index + 1);
        assert.ok(next, `nothing under ${portal.label}`);
        assert.equal(next.level, 2);
        assert.match(next.label, new RegExp(`^${portal.label.replace(/[()]/g, '\\$&')}: the portal answered with a browser check page instead of data`));
      }
      // The cached datasets are still there to open.
      assert.ok(rows.some((r) => r.level === 2 && r.label === 'Public Safety'));
      await screenshot('catalog-offline-cached');
    } finally {
      await clearFaults();
      await runCommand(commandTitle('okcOpenData.refreshCatalog'), page);
      await waitForHealthyCatalog();
    }
  });

  it('shows the welcome view when no portal answers, and Retry brings the tree back', async () => {
    const { page, server, portal } = await session();
    const settingsPath = userSettingsPath(server);
    const original = readFileSync(settingsPath, 'utf8');
    const neverCached = 'Never Cached Portal (fake)';
    const pane = await viewPane('Catalog', page);
    const welcome = pane.locator('.welcome-view-content', { hasText: 'No portal answered' }).first();
    try {
      await failEveryPath();
      const settings = JSON.parse(original) as Record<string, unknown>;
      settings['okcOpenData.portals'] = [{ name: neverCached, kind: 'hub', url: portal.baseUrl }];
      await replaceUserSettings(settings);
      await welcome.waitFor({ state: 'visible', timeout: 45_000 });
      assert.ok(await welcome.locator('a, .monaco-button', { hasText: 'Retry' }).first().isVisible());
      assert.ok(await welcome.locator('a, .monaco-button', { hasText: 'Open Settings' }).first().isVisible());
      await screenshot('catalog-welcome');
      await clearFaults();
      await welcome.locator('a, .monaco-button', { hasText: 'Retry' }).first().click();
      await welcome.waitFor({ state: 'hidden', timeout: 30_000 });
      await until(`${neverCached} listed with datasets after Retry`, async () =>
        (await treeRows('Catalog')).some((r) => r.level === 1 && r.label === neverCached && /^\d+ datasets$/.test(r.description)),
      );
      await screenshot('catalog-welcome-retried');
    } finally {
      await clearFaults();
      await dismissQuickInput(page);
      await restoreUserSettings();
    }
    assert.equal(readFileSync(settingsPath, 'utf8'), original);
    await waitForHealthyCatalog();
    assert.ok(!(await treeRows('Catalog')).some((r) => r.label === neverCached));
  });

  it('starts offline from the cache after a window reload', async () => {
    const { page } = await session();
    try {
      // Slow and then failing: the cached tree must be there while the portals are still silent.
      // Only the catalog requests are slow: field indexing and schema reads failing fast keep the
      // connection pool free for the refresh that follows.
      await control('POST', '/__fake/faults', [
        { kind: 'latency', ms: 15_000, path: '^/(api/(feed|search)/|services/portal/api/data/records$)' },
        { kind: 'botChallenge' },
      ]);
      const reloaded = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 30_000 });
      await runCommand('Developer: Reload Window');
      await reloaded;
      await page.waitForLoadState('domcontentloaded');
      await page.locator('.monaco-workbench').first().waitFor({ timeout: 60_000 });
      await clickActivity(EXTENSION_TITLE);
      const cached = await until('the cached catalog while the portals have not answered', async () => {
        const rows = (await treeRows('Catalog', page, 60_000)).filter((r) => r.level === 1 && (r.label === HUB || r.label === LEGACY));
        return rows.length === 2 && rows.every((r) => /^\d+ datasets · cached \d+ (s|min|h) ago$/.test(r.description)) && rows;
      });
      assert.ok(cached.every((r) => r.expanded), 'portal rows expanded with their cached groups');
      assert.ok((await treeRows('Catalog')).some((r) => r.level === 2 && r.label === 'Public Safety'));
      await screenshot('catalog-offline-start-cached');
      await until('both portals marked offline, cached ... ago', async () => {
        const rows = (await treeRows('Catalog')).filter((r) => r.level === 1 && (r.label === HUB || r.label === LEGACY));
        return rows.length === 2 && rows.every((r) => /^\d+ datasets · offline, cached \d+ (s|min|h) ago$/.test(r.description));
      });
      assert.ok((await treeRows('Catalog')).some((r) => r.level === 2 && r.label === 'Public Safety'), 'the cached groups stay');
      await screenshot('catalog-offline-start');
    } finally {
      // Let the slow refresh end before the next one, or its late failure would mark the portals again.
      await until('no portal still loading', async () =>
        (await (await viewPane('Catalog', page)).locator('.monaco-list-row[aria-level="1"] .codicon-loading').count()) === 0,
      90_000);
      await clearFaults();
      await runCommand(commandTitle('okcOpenData.refreshCatalog'), page);
      await waitForHealthyCatalog();
    }
  });

  it('shows hostile metadata as text: nothing runs, no link is live, the CSP is strict', async () => {
    const { page, portal } = await session();
    const hostile = portal.catalog.byTitle(HOSTILE_TITLE);
    assert.ok(hostile, 'the fake portal has no Hostile Test Data');
    const originalDescription = hostile.description;
    // On top of the fake's alert() payloads: ones that would leave a marker if they ran.
    const markers = executionMarkers(portal.baseUrl);
    hostile.description = `<p>Marker payloads: ${markers.html.join(' ')} ${markers.markdown.join(' ')}</p>` + originalDescription;
    try {
      await runCommand(commandTitle('okcOpenData.refreshCatalog'));
      await waitForHealthyCatalog();
      const frame = await openFromTree(HUB, 'Testing', HOSTILE_TITLE);
      await frame.locator('#description', { hasText: 'Marker payloads' }).waitFor({ timeout: 30_000 });
      // Hover and click whatever would run if it were markup.
      const link = frame.locator('#description a', { hasText: 'marker link' });
      if (await link.count()) await link.first().hover();
      const hover = frame.locator('#description b', { hasText: 'hover me' });
      if (await hover.count()) await hover.first().hover();
      const pagesBefore = page.context().pages().length;
      if (await link.count()) await link.first().click();
      await frame.locator('#description a', { hasText: 'click me' }).click();

      // The description is portal HTML the panel renders as sanitized text: tags go, their text stays.
      const scans = await expectNothingRan(page, markers, { mustShow: ['Marker payloads', 'marker link', 'hover me'] });
      assert.equal(page.context().pages().length, pagesBefore, 'a click on a javascript: link opened a page');
      const panel = (await frame.evaluate(`({
        csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') || '',
        text: document.getElementById('app').innerText,
      })`)) as { csp: string; text: string };
      assert.match(panel.csp, /(^|;)\s*default-src 'none'/);
      assert.match(panel.csp, /script-src 'nonce-[^']+'/);
      assert.doesNotMatch(panel.csp, /unsafe-inline|unsafe-eval/);
      // Portal text appears as the characters it is.
      assert.ok(panel.text.includes('<script>alert("kw")</script>'), 'the hostile keyword is not shown literally');
      assert.ok(panel.text.includes('<img src=x onerror=alert("alias")>'), 'the hostile field alias is not shown literally');
      assert.ok(panel.text.includes('<script>alert("title")</script>'), 'the hostile sample value is not shown literally');
      assert.ok(!panel.text.includes('\u202E'), 'a bidi override reached the panel');
      assert.ok(scans.length > 2, `only ${scans.length} frames scanned`);
      await screenshot('catalog-metadata-hostile');
    } finally {
      hostile.description = originalDescription;
      await closeEditors();
      await runCommand(commandTitle('okcOpenData.refreshCatalog'));
      await waitForHealthyCatalog();
      await collapseGroup(HUB, 'Testing');
    }
  });

  it('keeps the description text around the markup it drops, and shortens a huge description with a note', async () => {
    const { page, portal } = await session();
    const hostile = portal.catalog.byTitle(HOSTILE_TITLE)!;
    const originalDescription = hostile.description;
    // Past 20,000 characters the host sends only the start, cut before the last whole tag.
    hostile.description =
      '<p>Before the drawing <svg><circle r="1"/><text>svg text</text></svg> after the drawing.</p>' +
      '<p>A formula <math><mi>x</mi></math> after the formula, <span>in a span</span>, <font>in a font</font>, <style>p { color: red }</style>after the style.</p>' +
      '<p>Unclosed <svg><g>inside</p><p>and the rest.</p>' +
      `<p>${'filler '.repeat(40_000)}</p><p>Past the cut.</p>`;
    try {
      await runCommand(commandTitle('okcOpenData.refreshCatalog'));
      await waitForHealthyCatalog();
      const frame = await openFromTree(HUB, 'Testing', HOSTILE_TITLE);
      const note = frame.locator('#description-shortened');
      await note.waitFor({ timeout: 30_000 });
      const text = await frame.locator('#description').innerText();
      for (const kept of ['Before the drawing svg text after the drawing.', 'A formula x after the formula, in a span, in a font, after the style.', 'Unclosed inside', 'and the rest.', 'filler filler']) {
        assert.ok(text.replace(/\s+/g, ' ').includes(kept), `the panel lost ${JSON.stringify(kept)}`);
      }
      assert.ok(!text.includes('Past the cut.'), 'the whole huge description crossed to the webview');
      const noteText = await note.innerText();
      assert.match(noteText, /Description shortened: .+ characters shown/);
      assert.ok(noteText.replace(/\D/g, '').endsWith(String(hostile.description.length)), `the note does not give the full length: ${noteText}`);
      await screenshot('catalog-metadata-description-shortened');
      await frame.locator('#open-full-description').click();
      // The whole text opens in a focused editor: its last line is there.
      await page.locator('.part.editor .monaco-editor.focused .view-lines', { hasText: 'Before the drawing' }).waitFor({ timeout: 30_000 });
      await page.keyboard.press('Control+End');
      await page.locator('.editor-instance .view-lines', { hasText: 'Past the cut.' }).waitFor({ timeout: 30_000 });
      // Read-only portal text: closing it must not ask to save a document the user never wrote.
      assert.equal(await page.locator('.part.editor .tab.active.dirty').count(), 0, 'the full text opened as an unsaved document');
    } finally {
      hostile.description = originalDescription;
      await closeEditors();
      await runCommand(commandTitle('okcOpenData.refreshCatalog'));
      await waitForHealthyCatalog();
      await collapseGroup(HUB, 'Testing');
    }
  });

  it('lists every field of a 5,000-column layer in the metadata panel once Show All is pressed', async () => {
    // The portal's first count of missing values is held until the table is drawn with the
    // sample's figures: the counts must then patch the table the webview already shows.
    await control('POST', '/__fake/faults', [{ path: '/Testing_Wide', query: 'outStatistics', kind: 'hold', times: 1 }]);
    const frame = await openFromTree(HUB, 'Testing', HOSTILE_WIDE_TITLE);
    try {
      const rows = frame.locator('.field-table tbody tr');
      const showAll = frame.locator('#show-all-fields');
      await showAll.waitFor({ timeout: 120_000 });
      assert.match(await showAll.innerText(), /5,000/);
      // The first rows come at once, the rest only on request.
      const before = await rows.count();
      assert.ok(before > 0 && before < WIDE_COLUMNS, `${before} field rows before Show All`);
      // The portal's whole-dataset counts arrive after the table, as small patches of it: every
      // drawn row's Missing cell turns into the portal's figure (its title says which).
      const counted = rows.locator(`td.number[title="${WHOLE_DATASET_MISSING}"]`);
      assert.match((await rows.first().locator('td.number').getAttribute('title')) ?? '', /first 5 rows/, 'the sample\'s figure before the counts came');
      await clearFaults();
      await until(`the whole-dataset Missing figure in all ${before} drawn rows`, async () => (await counted.count()) === before, 120_000);
      await showAll.click();
      await until(`all ${WIDE_COLUMNS} field rows`, async () => (await rows.count()) === WIDE_COLUMNS, 120_000);
      assert.match(await rows.last().locator('td.field-name').innerText(), new RegExp(`^\\s*C${WIDE_COLUMNS - 1}\\b`));
      // Rows drawn after the patches came take the portal's figures too.
      assert.equal(await rows.last().locator('td.number').getAttribute('title'), WHOLE_DATASET_MISSING);
      assert.equal(await counted.count(), WIDE_COLUMNS);
      await screenshot('catalog-metadata-wide-all-fields');
    } finally {
      await clearFaults();
      await closeEditors();
      await collapseGroup(HUB, 'Testing');
    }
  });

  it('shows hostile text in the tree and its hovers as text: nothing runs or renders', async () => {
    const { page, portal } = await session();
    const hostile = portal.catalog.byTitle(HOSTILE_TITLE)!;
    const originalDescription = hostile.description;
    const markers = executionMarkers(portal.baseUrl);
    hostile.description = `Marker payloads: ${markers.markdown.join(' ')} ${markers.html.join(' ')}`;
    try {
      await runCommand(commandTitle('okcOpenData.refreshCatalog'));
      await waitForHealthyCatalog();
      const dataset = await datasetRowIn(HUB, 'Testing', HOSTILE_TITLE);
      // The dataset's tooltip carries the description; its fields' tooltips carry the hostile aliases.
      const row = await treeRow(dataset.index);
      await hoverUntilShown(page, row.locator('.label-name'), 'Marker payloads');
      await screenshot('catalog-tree-hostile-hover');
      await expectNothingRan(page, markers, { workbenchScopes: ['.part.sidebar .pane', '.monaco-hover'], mustShow: [HOSTILE_TITLE, 'Marker payloads', 'beacon'] });
      await page.mouse.move(2, 450);
      await row.locator('.monaco-tl-twistie').click();
      const field = await until('the Title field under Hostile Test Data', async () =>
        (await treeRows('Catalog')).find((r) => r.index > dataset.index && r.level === 4 && r.label === 'Title'),
      );
      await hoverUntilShown(page, (await treeRow(field.index)).locator('.label-name'), 'onerror');
      await expectNothingRan(page, markers, { workbenchScopes: ['.part.sidebar .pane', '.monaco-hover'], mustShow: ['<img src=x onerror=alert("alias")>'] });
      await screenshot('catalog-tree-hostile-field');
    } finally {
      hostile.description = originalDescription;
      await page.mouse.move(2, 450);
      await runCommand(commandTitle('okcOpenData.refreshCatalog'));
      await waitForHealthyCatalog();
      await collapseGroup(HUB, 'Testing');
    }
  });

  it('lists every dataset action in the context menu of a dataset', async () => {
    const { page } = await session();
    try {
      const dataset = await datasetRowIn(HUB, 'Public Safety', 'Fire Stations');
      await (await treeRow(dataset.index)).click({ button: 'right' });
      const menu = page.locator('.context-view .monaco-menu').first();
      await menu.waitFor({ state: 'visible', timeout: 10_000 });
      const entries = (await menu.locator('.action-item:not(.disabled) .action-label').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
      for (const expected of [
        'Show Dataset Metadata',
        'Preview Dataset',
        'Insert API Query Snippet',
        'Save Dataset to Workspace',
        'Open in Browser',
        'Copy API URL',
        'Copy as curl',
        'Add to Favorites',
        'Report a Data Problem',
        'Request Unpublished Records',
      ]) {
        assert.ok(entries.includes(expected), `"${expected}" missing from the context menu: ${entries.join(' | ')}`);
      }
      assert.ok(!entries.includes('Remove from Favorites'), 'a dataset that is no favorite offers Remove from Favorites');
      await screenshot('catalog-context-menu');
    } finally {
      // A menu left open would take the click that collapses the group, and hide the failure.
      await page.keyboard.press('Escape');
      await page.locator('.context-view .monaco-menu').first().waitFor({ state: 'hidden', timeout: 10_000 });
      await collapseGroup(HUB, 'Public Safety');
    }
  });
});
