// Commands of the catalog: refresh, search, filter, metadata, favorites, links, tokens.
// Each accepts a tree node, a dataset, or nothing (then it asks with the dataset search).

import * as vscode from 'vscode';
import { copyAsCurl, insertSnippet, type InsertSnippetOptions } from '../editor/insertSnippet';
import { refreshSavedDatasetCommand, saveDatasetCommand, type SaveCommandOptions } from '../editor/saveCommands';
import { registerPreviewCommands } from '../preview/gridPanel';
import { MetadataPanels, openExternal } from '../preview/metadataPanel';
import type { DatasetSummary } from '../portal/types';
import type { MetadataAction } from '../protocol';
import { htmlToText, showControls, truncate } from '../util/text';
import type { DatasetLists } from './favorites';
import { searchDatasets } from './search';
import type { CatalogStore } from './store';
import type { PortalTokens } from './tokens';
import type { CatalogNode, CatalogTreeProvider } from './tree';

export interface CatalogCommandContext {
  context: vscode.ExtensionContext;
  store: CatalogStore;
  tree: CatalogTreeProvider;
  view: vscode.TreeView<CatalogNode>;
  lists: DatasetLists;
  tokens: PortalTokens;
  refresh(names?: string[]): Promise<void>;
  updateViewState(): void;
}

/** Actions the metadata panel offers; later features add theirs here when they exist. */
const METADATA_ACTIONS: MetadataAction[] = ['preview', 'showOnMap', 'insertSnippet', 'save', 'openInBrowser', 'copyApiUrl', 'reportProblem', 'requestRecords'];

export function registerCatalogCommands(c: CatalogCommandContext): vscode.Disposable {
  const panels = new MetadataPanels(
    c.context.extensionUri,
    c.store,
    () => METADATA_ACTIONS,
    async (action, dataset) => {
      const command = {
        preview: 'okcOpenData.previewDataset',
        insertSnippet: 'okcOpenData.insertSnippet',
        save: 'okcOpenData.saveDataset',
        openInBrowser: 'okcOpenData.openInBrowser',
        reportProblem: 'okcOpenData.reportProblem',
        requestRecords: 'okcOpenData.requestRecords',
        copyApiUrl: 'okcOpenData.copyApiUrl',
        showOnMap: 'okcOpenData.showOnMap',
      }[action];
      await vscode.commands.executeCommand(command, dataset);
    },
  );

  const pick = (arg: unknown, placeHolder?: string): Promise<DatasetSummary | undefined> => resolveDataset(c, arg, placeHolder);

  const register = (id: string, run: (...args: unknown[]) => unknown): vscode.Disposable => vscode.commands.registerCommand(id, run);

  return vscode.Disposable.from(
    panels,
    registerPreviewCommands(c, (arg) => pick(arg)),
    register('okcOpenData.refreshCatalog', async (arg) => {
      const portal = typeof arg === 'string' ? arg : (arg as CatalogNode | undefined)?.type === 'portal' ? (arg as { portal: string }).portal : undefined;
      await c.refresh(portal ? [portal] : undefined);
    }),
    register('okcOpenData.searchDatasets', async () => {
      const dataset = await searchQuickPick(c, vscode.l10n.t('Search datasets by title, description, keyword or field name'));
      if (!dataset) return;
      const choice = await vscode.window.showQuickPick(
        [
          { label: `$(info) ${vscode.l10n.t('Show Dataset Metadata')}`, action: 'metadata' as const },
          { label: `$(list-tree) ${vscode.l10n.t('Reveal in Catalog')}`, action: 'reveal' as const },
        ],
        { placeHolder: showControls(dataset.title) },
      );
      if (choice?.action === 'reveal') await c.view.reveal(c.tree.nodeFor(dataset), { select: true, focus: true, expand: false });
      else if (choice?.action === 'metadata') await vscode.commands.executeCommand('okcOpenData.showMetadata', dataset);
    }),
    register('okcOpenData.filterTree', async () => {
      const text = await vscode.window.showInputBox({
        title: vscode.l10n.t('Filter Catalog'),
        prompt: vscode.l10n.t('Show only datasets whose title, description, keywords or fields match'),
        value: c.tree.filter,
      });
      if (text === undefined) return;
      c.tree.setFilter(text);
      c.updateViewState();
    }),
    register('okcOpenData.clearTreeFilter', () => {
      c.tree.setFilter('');
      c.updateViewState();
    }),
    register('okcOpenData.showMetadata', async (arg) => {
      const dataset = await pick(arg);
      if (!dataset) return;
      const handle = panels.show(dataset);
      await c.lists.touch(dataset);
      return handle;
    }),
    register('okcOpenData.openInBrowser', async (arg) => {
      const dataset = await pick(arg);
      const url = dataset?.landingPage ?? dataset?.apiUrl;
      if (url) await openExternal(url);
    }),
    register('okcOpenData.copyApiUrl', async (arg) => {
      const dataset = await pick(arg);
      if (!dataset) return;
      const portal = c.store.portal(dataset.portal);
      let url: string | undefined;
      try {
        url = portal?.queryUrl(dataset, {});
      } catch {
        url = dataset.apiUrl;
      }
      if (!url) {
        void vscode.window.showWarningMessage(vscode.l10n.t('"{0}" has no API URL.', showControls(dataset.title)));
        return;
      }
      await vscode.env.clipboard.writeText(url);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) API URL of "{0}" copied', showControls(dataset.title)), 3000);
    }),
    register('okcOpenData.insertSnippet', async (arg, options) => {
      const dataset = await pick(arg, vscode.l10n.t('Which dataset should the query read?'));
      if (!dataset) return false;
      await c.lists.touch(dataset);
      return insertSnippet(c.store, dataset, (options ?? {}) as InsertSnippetOptions);
    }),
    register('okcOpenData.copyAsCurl', async (arg) => {
      const dataset = await pick(arg);
      return dataset ? copyAsCurl(c.store, dataset) : undefined;
    }),
    register('okcOpenData.saveDataset', async (arg, options) => {
      const dataset = await pick(arg, vscode.l10n.t('Which dataset should be saved?'));
      if (!dataset) return undefined;
      await c.lists.touch(dataset);
      return saveDatasetCommand(c.store, dataset, (options ?? {}) as SaveCommandOptions);
    }),
    register('okcOpenData.refreshSavedDataset', (arg) => refreshSavedDatasetCommand(c.store, arg instanceof vscode.Uri ? arg : undefined)),
    register('okcOpenData.clearRecent', () => c.lists.clearRecent()),
    register('okcOpenData.addFavorite', async (arg) => {
      const dataset = await pick(arg);
      if (dataset) await c.lists.addFavorite(dataset);
    }),
    register('okcOpenData.removeFavorite', async (arg) => {
      const node = arg as CatalogNode | undefined;
      if (node?.type === 'missing') await c.lists.removeFavorite(node.ref);
      else {
        const dataset = await pick(arg);
        if (dataset) await c.lists.removeFavorite(dataset);
      }
    }),
    register('okcOpenData.reportProblem', async (arg) => {
      const dataset = await pick(arg, vscode.l10n.t('Which dataset has a problem?'));
      const portal = dataset && c.store.portal(dataset.portal);
      if (dataset && portal) await openExternal(portal.feedbackUrl(dataset));
    }),
    register('okcOpenData.requestRecords', async () => {
      const url = vscode.workspace.getConfiguration('okcOpenData').get<string>('recordsRequestUrl');
      if (url) await openExternal(url);
    }),
    register('okcOpenData.setToken', async (arg) => {
      const portal = await pickPortal(c, arg, vscode.l10n.t('Which portal is the token for?'));
      if (!portal) return;
      const token = await vscode.window.showInputBox({
        title: vscode.l10n.t('Set Portal Token for {0}', portal),
        prompt: vscode.l10n.t('Stored in the editor\'s secret storage; sent only to this portal and never written into settings, logs or generated code.'),
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a token, or press Escape to cancel.')),
      });
      if (!token) return;
      await c.tokens.set(portal, token.trim());
      void vscode.window.showInformationMessage(vscode.l10n.t('Token for {0} saved.', portal));
    }),
    register('okcOpenData.clearToken', async (arg) => {
      const portal = await pickPortal(c, arg, vscode.l10n.t('Clear the token of which portal?'));
      if (!portal) return;
      await c.tokens.clear(portal);
      void vscode.window.showInformationMessage(vscode.l10n.t('Token for {0} cleared.', portal));
    }),
    register('okcOpenData.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', 'okcOpenData')),
  );
}

/** A dataset from a tree node, a dataset object, `{portal, id}`, or asked for with the search. */
export async function resolveDataset(c: Pick<CatalogCommandContext, 'store'>, arg: unknown, placeHolder?: string): Promise<DatasetSummary | undefined> {
  const node = arg as CatalogNode | undefined;
  if (node?.type === 'dataset' || node?.type === 'field') return node.dataset;
  const ref = arg as { portal?: unknown; id?: unknown } | undefined;
  if (ref && typeof ref.portal === 'string' && typeof ref.id === 'string') return c.store.find(ref.portal, ref.id) ?? (isSummary(arg) ? arg : undefined);
  return searchQuickPick(c, placeHolder ?? vscode.l10n.t('Pick a dataset'));
}

function isSummary(value: unknown): value is DatasetSummary {
  const d = value as DatasetSummary;
  return typeof d?.title === 'string' && Array.isArray(d.groups);
}

interface DatasetItem extends vscode.QuickPickItem {
  dataset: DatasetSummary;
}

/** Quick pick over every portal's datasets; ranking and highlights come from searchDatasets. */
export function searchQuickPick(c: Pick<CatalogCommandContext, 'store'>, placeHolder: string): Promise<DatasetSummary | undefined> {
  const qp = vscode.window.createQuickPick<DatasetItem>();
  qp.placeholder = placeHolder;
  qp.matchOnDescription = false;
  qp.matchOnDetail = false;
  const datasets = c.store.allDatasets();
  const update = (): void => {
    const hits = searchDatasets(datasets, qp.value, c.store.fields);
    // Our ranking decides what is listed; alwaysShow keeps VS Code's own label filter from
    // hiding hits found in descriptions or field names (it still highlights title matches).
    qp.items = hits.map((hit) => ({
      label: showControls(hit.dataset.title),
      description: `${hit.dataset.portal} · ${hit.dataset.groups.join(', ')}`,
      detail: hit.matchedFields.length
        ? vscode.l10n.t('Fields: {0}', hit.matchedFields.join(', '))
        : truncate(showControls(htmlToText(hit.dataset.description)).replace(/\s+/g, ' '), 140),
      alwaysShow: true,
      dataset: hit.dataset,
    }));
  };
  update();
  if (!datasets.length) qp.placeholder = vscode.l10n.t('The catalog has not loaded yet. Refresh the Catalog view and try again.');
  return new Promise((resolve) => {
    let done = false;
    qp.onDidChangeValue(update);
    qp.onDidAccept(() => {
      done = true;
      resolve(qp.selectedItems[0]?.dataset);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

async function pickPortal(c: CatalogCommandContext, arg: unknown, placeHolder: string): Promise<string | undefined> {
  const node = arg as CatalogNode | undefined;
  if (node?.type === 'portal') return node.portal;
  if (typeof arg === 'string') return arg;
  const names = c.store.states().map((s) => s.config.name);
  if (names.length === 1) return names[0];
  return vscode.window.showQuickPick(names, { placeHolder });
}
