// The Catalog view in the real extension host: what the tree shows for each portal kind,
// the metadata panel, favorites and recent, and what a user sees for every fault of the
// portal while the cache and the other portals stay.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FEED_FILES } from '../portal/feed-items';
import * as vscode from 'vscode';
import type { OkcOpenDataApi } from '../../src/extension';
import type { CatalogNode } from '../../src/catalog/tree';
import type { FakePortal } from '../portal/server';
import { waitFor } from '../harness/wait';
import {
  expectTokenOnlyOnFeatureServer,
  logDebugLines,
  logFiles,
  outputChannelText,
  recordOpenedUrls,
  recordUserMessages,
  setPortalToken,
  startFake,
  usePortals,
} from './helpers';
import { afterThisTest } from './reset';

async function children(okc: OkcOpenDataApi, node?: CatalogNode): Promise<CatalogNode[]> {
  return (await okc.tree.getChildren(node)) ?? [];
}

function label(okc: OkcOpenDataApi, node: CatalogNode): string {
  const l = okc.tree.getTreeItem(node).label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}

function text(value: string | vscode.MarkdownString | undefined): string {
  return typeof value === 'string' ? value : (value?.value ?? '');
}

async function portalNode(okc: OkcOpenDataApi, name: string): Promise<CatalogNode> {
  const node = (await children(okc)).find((n) => n.type === 'portal' && n.portal === name);
  assert.ok(node, `portal ${name} in the tree`);
  return node;
}

/** Label, description and tooltip of every node down to the datasets (and below `expand`). */
async function treeText(okc: OkcOpenDataApi, expand: CatalogNode[] = [], node?: CatalogNode, depth = 0): Promise<string> {
  const parts: string[] = [];
  for (const child of await children(okc, node)) {
    const item = okc.tree.getTreeItem(child);
    parts.push(label(okc, child), String(item.description ?? ''), text(item.tooltip as vscode.MarkdownString | string | undefined));
    const open = child.type !== 'dataset' || expand.some((e) => e.type === 'dataset' && child.type === 'dataset' && e.dataset.id === child.dataset.id);
    if (depth < 4 && open && child.type !== 'field' && child.type !== 'message') parts.push(await treeText(okc, expand, child, depth + 1));
  }
  return parts.join('\n');
}

async function datasetNode(okc: OkcOpenDataApi, portal: string, title: string): Promise<Extract<CatalogNode, { type: 'dataset' }>> {
  for (const group of await children(okc, await portalNode(okc, portal))) {
    if (group.type !== 'group') continue;
    const found = (await children(okc, group)).find((n) => n.type === 'dataset' && n.dataset.title === title);
    if (found?.type === 'dataset') return found;
  }
  assert.fail(`${title} not under ${portal}`);
}

describe('Catalog view', function () {
  this.timeout(120_000);
  let fake: FakePortal;
  let second: FakePortal;

  before(async () => {
    fake = await startFake({ bigRows: 20_000 });
    second = await startFake({ bigRows: 20_000, seed: 7 });
  });
  after(async () => {
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('okcOpenData').update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fake?.close();
    await second?.close();
  });

  it('lists groups and datasets from the Hub feed, with licence and update frequency up front', async () => {
    const okc = await usePortals([{ name: 'OKC Hub', kind: 'hub', url: fake.baseUrl }]);
    const groups = (await children(okc, await portalNode(okc, 'OKC Hub'))).filter((n) => n.type === 'group');
    // The feed's CSV file item has no Hub Search categories: it is filed under its first keyword.
    const expectedGroups = new Set([...fake.catalog.datasets.flatMap((d) => d.groups), ...FEED_FILES.map((f) => f.keywords[0])]);
    assert.deepEqual(new Set(groups.map((g) => label(okc, g))), expectedGroups);

    const zones = await datasetNode(okc, 'OKC Hub', 'Work Zones');
    const item = okc.tree.getTreeItem(zones);
    assert.equal(item.contextValue, 'dataset');
    const tooltip = text(item.tooltip as vscode.MarkdownString);
    assert.match(tooltip, /Update frequency/);
    assert.match(tooltip, /License/);
    assert.match(tooltip, /updated/);
  });

  it('shows a dataset\'s fields with their types when it is expanded', async () => {
    const okc = await usePortals([{ name: 'OKC Hub', kind: 'hub', url: fake.baseUrl }]);
    const zones = await datasetNode(okc, 'OKC Hub', 'Work Zones');
    const fields = await children(okc, zones);
    const truth = fake.catalog.byTitle('Work Zones')!;
    assert.deepEqual(
      fields.filter((f) => f.type === 'field').map((f) => label(okc, f)).filter((n) => n !== 'Shape'),
      truth.fields.map((f) => f.name),
    );
    const oid = fields.find((f) => f.type === 'field' && f.field.name === truth.objectIdField)!;
    assert.equal(okc.tree.getTreeItem(oid).description, 'oid');
  });

  it('lists the legacy Records API portal and any DCAT feed under a second name', async () => {
    const okc = await usePortals([
      { name: 'Legacy', kind: 'legacy', url: fake.baseUrl },
      { name: 'Another City', kind: 'hub', url: `${second.baseUrl}/api/feed/dcat-us/1.1.json` },
    ]);
    const states = okc.store.states();
    assert.equal(states.length, 2);
    for (const s of states) {
      assert.equal(s.error, undefined, `${s.config.name}: ${s.error?.message}`);
      assert.ok(s.datasets.length >= 60, `${s.config.name} has ${s.datasets.length}`);
    }
    await datasetNode(okc, 'Legacy', 'Fire Stations');
    await datasetNode(okc, 'Another City', 'Fire Stations');
  });

  it('opens the metadata panel and lists the dataset under Recently Used', async () => {
    const okc = await usePortals([{ name: 'OKC Hub', kind: 'hub', url: fake.baseUrl }]);
    const zones = await datasetNode(okc, 'OKC Hub', 'Work Zones');
    await vscode.commands.executeCommand('okcOpenData.showMetadata', zones);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const panel = tabs.find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('okcOpenData.metadata'));
    assert.ok(panel, `tabs: ${tabs.map((t) => t.label).join(', ')}`);
    assert.equal(panel.label, 'Work Zones');
    const roots = await children(okc);
    const recent = roots.find((n) => n.type === 'section' && n.section === 'recent');
    assert.ok(recent, 'Recently Used section');
    assert.ok((await children(okc, recent)).some((n) => n.type === 'dataset' && n.dataset.title === 'Work Zones'));
  });

  it('adds and removes favorites', async () => {
    const okc = await usePortals([{ name: 'OKC Hub', kind: 'hub', url: fake.baseUrl }]);
    const stations = await datasetNode(okc, 'OKC Hub', 'Fire Stations');
    await vscode.commands.executeCommand('okcOpenData.addFavorite', stations);
    let favorites = (await children(okc)).find((n) => n.type === 'section' && n.section === 'favorites');
    assert.ok(favorites);
    const listed = (await children(okc, favorites)).find((n) => n.type === 'dataset' && n.dataset.title === 'Fire Stations');
    assert.ok(listed);
    assert.equal(okc.tree.getTreeItem(listed).contextValue, 'dataset.favorite');
    await vscode.commands.executeCommand('okcOpenData.removeFavorite', listed);
    favorites = (await children(okc)).find((n) => n.type === 'section' && n.section === 'favorites');
    assert.equal(favorites, undefined);
  });

  it('copies a token-free API URL', async () => {
    const okc = await usePortals([{ name: 'OKC Hub', kind: 'hub', url: fake.baseUrl }]);
    const canary = `canary-${randomBytes(8).toString('hex')}`;
    await setPortalToken(okc, 'OKC Hub', canary);
    const stations = await datasetNode(okc, 'OKC Hub', 'Fire Stations');
    await vscode.commands.executeCommand('okcOpenData.copyApiUrl', stations);
    const copied = await vscode.env.clipboard.readText();
    assert.ok(copied.startsWith(`${fake.baseUrl}${fake.catalog.byTitle('Fire Stations')!.layerPath}/query?`), copied);
    assert.ok(!/token=/.test(copied));
    assert.ok(!copied.includes(canary), 'the token is in the copied URL');
  });

  it('sends a token set with Set Portal Token to FeatureServer requests only, outside their URLs, and shows it nowhere, retries and errors included', async () => {
    await logDebugLines();
    const okc = await usePortals([{ name: 'OKC Hub', kind: 'hub', url: fake.baseUrl }]);
    const canary = `canary-${randomBytes(8).toString('hex')}`;
    const opened = recordOpenedUrls();
    const shown = recordUserMessages();
    await setPortalToken(okc, 'OKC Hub', canary);
    const from = fake.requests.length;
    // The feed and the search, read with a token stored.
    await okc.refresh(['OKC Hub']);
    const stations = await datasetNode(okc, 'OKC Hub', 'Fire Stations');
    const layer = fake.catalog.byTitle('Fire Stations')!.layerPath;
    okc.store.portal('OKC Hub')?.forget?.(stations.dataset);
    // The fields (layer description and count) and the metadata panel, read with the token.
    await children(okc, stations);
    await vscode.commands.executeCommand('okcOpenData.showMetadata', stations);

    // Retries: the layer's queries fail twice, then answer; the save goes through them.
    const folder = join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'token-canary');
    afterThisTest('token canary folder', () => rmSync(folder, { recursive: true, force: true }));
    const save = (format: string) =>
      vscode.commands.executeCommand<{ uri: vscode.Uri } | undefined>('okcOpenData.saveDataset', stations.dataset, {
        folder: vscode.Uri.file(folder).toString(), overwrite: true, format, fileName: 'stations',
      });
    fake.faults.set([{ path: `${layer}/query`, kind: 'status5xx', status: 503, times: 2 }]);
    assert.ok(await save('csv'), 'saved after the retries');
    // A dataset the feed offers only as a CSV file: saved from its download, which must not
    // carry the token.
    const codes = await datasetNode(okc, 'OKC Hub', 'ZIP Codes and County FIPS');
    const savedCodes = await vscode.commands.executeCommand<{ uri: vscode.Uri } | undefined>('okcOpenData.saveDataset', codes.dataset, {
      folder: vscode.Uri.file(folder).toString(), overwrite: true, format: 'csv', fileName: 'codes',
    });
    assert.ok(savedCodes, 'the CSV file dataset saved');
    // Errors: the layer keeps failing a save; the feed fails a refresh (logged as a warning).
    fake.faults.set([{ path: `${layer}/query`, kind: 'status5xx', status: 500 }, { path: '/api/feed', kind: 'status5xx', status: 503 }]);
    assert.equal(await save('geojson'), undefined, 'the save failed');
    assert.equal(shown.errors.length, 1, `errors shown: ${JSON.stringify(shown.errors)}`);
    await okc.refresh(['OKC Hub']);
    assert.ok(okc.store.states()[0].error, 'the refresh failed');
    fake.faults.clear();
    await okc.refresh(['OKC Hub']);

    // Everything a user can take away from the extension.
    await vscode.commands.executeCommand('okcOpenData.copyApiUrl', stations);
    const copiedUrl = await vscode.env.clipboard.readText();
    const curl = (await vscode.commands.executeCommand<string>('okcOpenData.copyAsCurl', stations)) ?? '';
    await vscode.commands.executeCommand('okcOpenData.insertSnippet', stations.dataset, { language: 'python-requests', query: {}, pageAll: true });
    const snippet = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(snippet, /OKC_PORTAL_TOKEN/);
    await vscode.commands.executeCommand('okcOpenData.openInBrowser', stations);
    await vscode.commands.executeCommand('okcOpenData.reportProblem', stations);
    assert.equal(opened.length, 2, `URLs opened: ${opened.join(' ')}`);
    const savedFiles = readdirSync(folder).map((name) => `${name}\n${readFileSync(join(folder, name), 'utf8')}`);
    assert.ok(savedFiles.some((f) => f.startsWith('stations.csv.okc.json')), `no sidecar among ${readdirSync(folder).join(', ')}`);
    // The output channel has the retries and the refresh failure: debug lines are written.
    const output = await waitFor('the retries and the refresh failure in the output channel', () => {
      const channel = outputChannelText();
      return /retry \d/.test(channel) && /OKC Hub: server/.test(channel) && channel;
    });

    const places: Record<string, string> = {
      'the copied API URL': copiedUrl,
      'the curl command': curl,
      'the inserted snippet': snippet,
      'URLs opened in the browser': opened.join('\n'),
      'messages shown': [...shown.errors, ...shown.warnings, ...shown.infos].join('\n'),
      'the tree (labels, descriptions, tooltips)': await treeText(okc, [stations]),
      'saved files and sidecars': savedFiles.join('\n'),
      'the output channel': output,
    };
    // Every log file, VS Code's own among them: its proxy resolver logs each URL fetched at
    // debug level, so a token in a URL would be here.
    const logs = logFiles();
    for (const [path, log] of logs) places[path] = log;
    for (const [where, value] of Object.entries(places)) assert.ok(!value.includes(canary), `the token is in ${where}`);
    for (const [path, log] of logs) assert.doesNotMatch(log, /[?&]token=/, `a URL with a token parameter is in ${path}`);
    assert.ok([...logs.values()].some((log) => log.includes('/FeatureServer/')), 'no log names a FeatureServer URL: the scan would not see one with a token');
    expectTokenOnlyOnFeatureServer(fake.requests.slice(from), canary, ['feed', 'search', 'download']);
  });

  it('filters the tree to matching datasets', async () => {
    const okc = await usePortals([{ name: 'OKC Hub', kind: 'hub', url: fake.baseUrl }]);
    okc.tree.setFilter('trash');
    try {
      const titles: string[] = [];
      for (const group of await children(okc, await portalNode(okc, 'OKC Hub'))) {
        if (group.type === 'group') for (const d of await children(okc, group)) if (d.type === 'dataset') titles.push(d.dataset.title);
      }
      assert.ok(titles.includes('Trash Collection Zones'), titles.join(', '));
      assert.ok(!titles.includes('Fire Stations'));
    } finally {
      okc.tree.setFilter('');
    }
  });

  // Each fault of the portal: the user reads what happened and what to do, the cached
  // catalog of that portal stays, and the other portal still loads.
  const faults: { kind: string; rule: Record<string, unknown>; message: RegExp; setup?: () => Thenable<void> }[] = [
    { kind: 'botChallenge', rule: { kind: 'botChallenge' }, message: /browser check page/ },
    { kind: 'status5xx', rule: { kind: 'status5xx', status: 503 }, message: /server error/ },
    { kind: 'rateLimit', rule: { kind: 'rateLimit', retryAfterSeconds: 0 }, message: /limiting requests \(HTTP 429\)/ },
    { kind: 'malformedJson', rule: { kind: 'malformedJson' }, message: /could not be read/ },
    { kind: 'truncated', rule: { kind: 'truncated' }, message: /Could not connect|connection broke/ },
    { kind: 'reset', rule: { kind: 'reset' }, message: /Could not connect|connection broke/ },
    {
      kind: 'latency (timeout)',
      rule: { kind: 'latency', ms: 4000 },
      message: /did not answer in time/,
      setup: () => vscode.workspace.getConfiguration('okcOpenData').update('requestTimeoutSeconds', 1, vscode.ConfigurationTarget.Global),
    },
  ];
  for (const fault of faults) {
    it(`on ${fault.kind}: explains the problem, keeps the cache, still loads the other portal`, async () => {
      const portals = [
        { name: 'Failing', kind: 'hub' as const, url: fake.baseUrl },
        { name: 'Healthy', kind: 'hub' as const, url: second.baseUrl },
      ];
      await fault.setup?.();
      const okc = await usePortals(portals);
      const before = okc.store.states().find((s) => s.config.name === 'Failing')!;
      assert.equal(before.error, undefined);
      const cachedCount = before.datasets.length;

      fake.faults.set([{ path: '/api/feed', ...(fault.rule as { kind: 'latency' }) }]);
      await okc.refresh();
      const failing = okc.store.states().find((s) => s.config.name === 'Failing')!;
      const healthy = okc.store.states().find((s) => s.config.name === 'Healthy')!;
      assert.ok(failing.error, 'failure recorded');
      assert.equal(failing.datasets.length, cachedCount, 'cached catalog kept');
      assert.equal(healthy.error, undefined);
      assert.ok(healthy.datasets.length >= 60);

      const node = await portalNode(okc, 'Failing');
      const first = (await children(okc, node))[0];
      assert.equal(first.type, 'message');
      const message = label(okc, first);
      assert.match(message, /^Failing/);
      assert.match(message, fault.message);
      assert.match(String(okc.tree.getTreeItem(node).description), /offline, cached/);
      if (fault.setup) await vscode.workspace.getConfiguration('okcOpenData').update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    });
  }

  it('on a slow drip: the catalog still loads, with nothing to report', async () => {
    const okc = await usePortals([{ name: 'Slow', kind: 'hub', url: fake.baseUrl }]);
    fake.faults.set([{ path: '/api/feed', kind: 'slowDrip', ms: 2 }]);
    await okc.refresh();
    const state = okc.store.states()[0];
    assert.equal(state.error, undefined);
    assert.ok(state.datasets.length >= 60);
    const first = (await children(okc, await portalNode(okc, 'Slow')))[0];
    assert.equal(first.type, 'group');
  });

  it('recovers on the next refresh once the portal answers again', async () => {
    const okc = await usePortals([{ name: 'Failing', kind: 'hub', url: fake.baseUrl }]);
    fake.faults.set([{ path: '/api/feed', kind: 'status5xx', status: 500 }]);
    await okc.refresh();
    assert.ok(okc.store.states()[0].error);
    fake.faults.clear();
    await okc.refresh();
    assert.equal(okc.store.states()[0].error, undefined);
    assert.equal(okc.store.states()[0].fromCache, false);
  });
});
