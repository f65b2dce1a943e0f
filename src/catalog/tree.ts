// The Catalog view: Favorites and Recently Used, then portal -> group -> dataset -> field.
// Datasets show their licence, update frequency and size in a Markdown tooltip; fields
// load from the dataset's service when the dataset is expanded.

import * as vscode from 'vscode';
import { isPortalError } from '../portal/errors';
import type { DatasetField, DatasetSchema, DatasetSummary, FieldKind, GeometryKind } from '../portal/types';
import { plural, portalProblem } from '../messages';
import { Disposable } from '../util/disposable';
import { htmlToText, showControls, truncate } from '../util/text';
import type { DatasetLists, DatasetRef } from './favorites';
import { searchDatasets } from './search';
import { datasetKey, describeAge, type CatalogStore, type PortalState } from './store';

export type CatalogNode =
  | { type: 'section'; section: 'favorites' | 'recent' }
  | { type: 'portal'; portal: string }
  | { type: 'group'; portal: string; group: string }
  | { type: 'dataset'; dataset: DatasetSummary; section?: 'favorites' | 'recent'; group?: string }
  | { type: 'missing'; ref: DatasetRef; section: 'favorites' | 'recent' }
  | { type: 'field'; dataset: DatasetSummary; field: DatasetField; section?: string; group?: string }
  | { type: 'message'; portal: string; text: string; icon: string; command?: vscode.Command; description?: string; tooltip?: string };

const GEOMETRY_ICONS: Record<GeometryKind, string> = {
  point: 'location',
  multipoint: 'location',
  line: 'pulse',
  polygon: 'symbol-structure',
  none: 'table',
  unknown: 'database',
};

const FIELD_ICONS: Record<FieldKind, string> = {
  oid: 'key',
  integer: 'symbol-number',
  double: 'symbol-number',
  string: 'symbol-string',
  date: 'calendar',
  guid: 'symbol-key',
  geometry: 'globe',
  other: 'symbol-field',
};

export class CatalogTreeProvider extends Disposable implements vscode.TreeDataProvider<CatalogNode> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<CatalogNode | undefined | void>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly schemas = new Map<string, DatasetSchema>();
  /** Lower-cased filter text; datasets that do not match are hidden. */
  private filterText = '';

  constructor(
    private readonly store: CatalogStore,
    private readonly lists: DatasetLists,
  ) {
    super();
    const unsubscribe = [store.onDidChange(() => this.refresh()), lists.onDidChange(() => this.refresh())];
    this.register({ dispose: () => unsubscribe.forEach((u) => u()) });
  }

  refresh(): void {
    this.changeEmitter.fire();
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    void vscode.commands.executeCommand('setContext', 'okcOpenData.filtered', this.filterText !== '');
    this.refresh();
  }

  schemaOf(dataset: DatasetSummary): DatasetSchema | undefined {
    return this.schemas.get(datasetKey(dataset));
  }

  getChildren(node?: CatalogNode): vscode.ProviderResult<CatalogNode[]> {
    if (!node) return this.roots();
    switch (node.type) {
      case 'section':
        return this.sectionChildren(node.section);
      case 'portal':
        return this.portalChildren(node.portal);
      case 'group':
        return this.visibleDatasets(node.portal)
          .filter((d) => d.groups.includes(node.group))
          .sort(byTitle)
          .map((dataset) => ({ type: 'dataset', dataset, group: node.group }));
      case 'dataset':
        return this.fieldChildren(node);
      default:
        return [];
    }
  }

  getParent(node: CatalogNode): vscode.ProviderResult<CatalogNode> {
    switch (node.type) {
      case 'group':
        return { type: 'portal', portal: node.portal };
      case 'dataset':
        if (node.section) return { type: 'section', section: node.section };
        return node.group ? { type: 'group', portal: node.dataset.portal, group: node.group } : { type: 'portal', portal: node.dataset.portal };
      case 'missing':
        return { type: 'section', section: node.section };
      case 'field':
        return { type: 'dataset', dataset: node.dataset, section: node.section as 'favorites' | 'recent' | undefined, group: node.group };
      case 'message':
        return { type: 'portal', portal: node.portal };
      default:
        return undefined;
    }
  }

  /** The node under which the tree shows a dataset in its portal (for reveal). */
  nodeFor(dataset: DatasetSummary): CatalogNode {
    return { type: 'dataset', dataset, group: dataset.groups[0] };
  }

  getTreeItem(node: CatalogNode): vscode.TreeItem {
    switch (node.type) {
      case 'section':
        return this.sectionItem(node.section);
      case 'portal':
        return this.portalItem(node.portal);
      case 'group': {
        const count = this.visibleDatasets(node.portal).filter((d) => d.groups.includes(node.group)).length;
        const item = new vscode.TreeItem(node.group, this.filterText ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `group/${node.portal}/${node.group}${this.filterText ? '/filtered' : ''}`;
        item.description = String(count);
        item.iconPath = new vscode.ThemeIcon('folder-library');
        item.contextValue = 'group';
        return item;
      }
      case 'dataset':
        return this.datasetItem(node);
      case 'missing': {
        const item = new vscode.TreeItem(node.ref.title, vscode.TreeItemCollapsibleState.None);
        item.id = `${node.section}/${node.ref.portal}/${node.ref.id}/missing`;
        item.description = vscode.l10n.t('not in the loaded catalog');
        item.iconPath = new vscode.ThemeIcon('circle-slash');
        item.contextValue = node.section === 'favorites' ? 'missing.favorite' : 'missing';
        return item;
      }
      case 'field':
        return this.fieldItem(node);
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.description = node.description;
        item.tooltip = node.tooltip ?? node.text;
        item.command = node.command;
        item.contextValue = 'message';
        return item;
      }
    }
  }

  private roots(): CatalogNode[] {
    // VS Code shows the welcome view ("No portal answered", Retry, Open Settings) only for an
    // empty tree, so when every portal failed with nothing cached the tree must be empty.
    if (this.store.allFailed()) return [];
    const roots: CatalogNode[] = [];
    if (!this.filterText && this.lists.favorites().length) roots.push({ type: 'section', section: 'favorites' });
    if (!this.filterText && this.lists.recent().length) roots.push({ type: 'section', section: 'recent' });
    for (const s of this.store.states()) roots.push({ type: 'portal', portal: s.config.name });
    return roots;
  }

  private sectionChildren(section: 'favorites' | 'recent'): CatalogNode[] {
    const refs = section === 'favorites' ? this.lists.favorites() : this.lists.recent();
    return refs.map((ref) => {
      const dataset = this.store.find(ref.portal, ref.id);
      return dataset ? { type: 'dataset', dataset, section } : { type: 'missing', ref, section };
    });
  }

  private visibleDatasets(portal: string): DatasetSummary[] {
    const state = this.store.states().find((s) => s.config.name === portal);
    if (!state) return [];
    if (!this.filterText) return state.datasets;
    return searchDatasets(state.datasets, this.filterText, this.store.fields, Number.MAX_SAFE_INTEGER).map((hit) => hit.dataset);
  }

  private portalChildren(portal: string): CatalogNode[] {
    const state = this.store.states().find((s) => s.config.name === portal);
    if (!state) return [];
    const nodes: CatalogNode[] = [];
    if (state.error) {
      nodes.push({
        type: 'message',
        portal,
        text: portalProblem(portal, state.error),
        icon: 'warning',
        command: { command: 'okcOpenData.refreshCatalog', title: vscode.l10n.t('Retry'), arguments: [portal] },
      });
    }
    if (state.notes?.groupsUnavailable && !this.filterText) {
      // The datasets still list, grouped by their feed themes; say why not by the site's categories.
      const why = state.notes.groupsUnavailable;
      nodes.push({
        type: 'message',
        portal,
        text: vscode.l10n.t('Groups unavailable: {0}', why),
        icon: 'info',
        tooltip: vscode.l10n.t("The site's categories could not be read from its Hub Search API ({0}). Datasets are grouped by the themes of the catalog feed instead.", why),
      });
    }
    if (!state.datasets.length && state.loading) nodes.push({ type: 'message', portal, text: vscode.l10n.t('Loading catalog…'), icon: 'loading~spin' });
    const groups = new Set<string>();
    for (const d of this.visibleDatasets(portal)) for (const g of d.groups) groups.add(g);
    for (const group of [...groups].sort((a, b) => a.localeCompare(b))) nodes.push({ type: 'group', portal, group });
    if (this.filterText && !groups.size) nodes.push({ type: 'message', portal, text: vscode.l10n.t('No dataset matches "{0}".', this.filterText), icon: 'filter' });
    return nodes;
  }

  private async fieldChildren(node: Extract<CatalogNode, { type: 'dataset' }>): Promise<CatalogNode[]> {
    const dataset = node.dataset;
    const portal = this.store.portal(dataset.portal);
    if (!portal) return [];
    try {
      const schema = this.schemas.get(datasetKey(dataset)) ?? (await portal.getSchema(dataset));
      const known = this.schemas.has(datasetKey(dataset));
      this.schemas.set(datasetKey(dataset), schema);
      // The dataset's icon and tooltip improve once its geometry and size are known.
      if (!known) setTimeout(() => this.changeEmitter.fire(node), 0);
      return schema.fields.map((field) => ({ type: 'field', dataset, field, section: node.section, group: node.group }));
    } catch (error) {
      const message = isPortalError(error) ? portalProblem(dataset.portal, error) : String(error);
      return [{ type: 'message', portal: dataset.portal, text: message, icon: 'warning' }];
    }
  }

  private sectionItem(section: 'favorites' | 'recent'): vscode.TreeItem {
    const item = new vscode.TreeItem(
      section === 'favorites' ? vscode.l10n.t('Favorites') : vscode.l10n.t('Recently Used'),
      vscode.TreeItemCollapsibleState.Expanded,
    );
    item.id = `section/${section}`;
    item.iconPath = new vscode.ThemeIcon(section === 'favorites' ? 'star-full' : 'history');
    item.contextValue = `section.${section}`;
    return item;
  }

  private portalItem(portal: string): vscode.TreeItem {
    const state = this.store.states().find((s) => s.config.name === portal)!;
    const item = new vscode.TreeItem(portal, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `portal/${portal}${this.filterText ? '/filtered' : ''}`;
    item.contextValue = 'portal';
    item.description = this.filterText
      ? datasetsMatch(this.visibleDatasets(portal).length, state.datasets.length)
      : portalDescription(state);
    item.iconPath = new vscode.ThemeIcon(state.loading ? 'loading~spin' : state.error ? 'warning' : state.config.kind === 'legacy' ? 'archive' : 'globe');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escapeMarkdown(portal)}**\n\n`);
    // Inside a code span backslash escapes would show literally; only backticks need removing.
    tooltip.appendMarkdown(`${state.config.kind === 'legacy' ? vscode.l10n.t('Legacy Records API') : vscode.l10n.t('ArcGIS Hub / DCAT-US')}: \`${showControls(state.config.url).replace(/`/g, '')}\`\n\n`);
    if (state.error) tooltip.appendMarkdown(`$(warning) ${escapeMarkdown(portalProblem(portal, state.error))}\n\n`);
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    return item;
  }

  private datasetItem(node: Extract<CatalogNode, { type: 'dataset' }>): vscode.TreeItem {
    const d = node.dataset;
    const schema = this.schemas.get(datasetKey(d));
    const title = showControls(d.title);
    const highlights = this.filterText ? searchDatasets([d], this.filterText)[0]?.titleRanges : undefined;
    const item = new vscode.TreeItem(highlights?.length ? { label: title, highlights } : title, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `${node.section ?? 'catalog'}/${d.portal}/${node.group ?? ''}/${d.id}`;
    item.contextValue = this.lists.isFavorite(d) ? 'dataset.favorite' : 'dataset';
    item.iconPath = new vscode.ThemeIcon(GEOMETRY_ICONS[schema?.geometry ?? d.geometry]);
    item.description = node.section ? d.portal : shortFrequency(d.updateFrequency);
    item.tooltip = datasetTooltip(d, schema);
    item.command = { command: 'okcOpenData.showMetadata', title: vscode.l10n.t('Show Dataset Metadata'), arguments: [d] };
    item.accessibilityInformation = { label: vscode.l10n.t('Dataset {0}', showControls(d.title)) };
    return item;
  }

  private fieldItem(node: Extract<CatalogNode, { type: 'field' }>): vscode.TreeItem {
    const f = node.field;
    const item = new vscode.TreeItem(showControls(f.name), vscode.TreeItemCollapsibleState.None);
    item.id = `${node.section ?? 'catalog'}/${node.dataset.portal}/${node.group ?? ''}/${node.dataset.id}/${f.name}`;
    item.description = f.kind === 'other' ? f.nativeType : f.kind;
    item.iconPath = new vscode.ThemeIcon(FIELD_ICONS[f.kind]);
    item.contextValue = 'field';
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escapeMarkdown(f.name)}** \`${escapeMarkdown(f.nativeType)}\`\n\n`);
    if (f.alias) tooltip.appendMarkdown(`${vscode.l10n.t('Alias')}: ${escapeMarkdown(f.alias)}\n\n`);
    if (f.description) tooltip.appendMarkdown(`${escapeMarkdown(truncate(f.description, 500))}\n\n`);
    item.tooltip = tooltip;
    return item;
  }
}


function byTitle(a: DatasetSummary, b: DatasetSummary): number {
  return a.title.localeCompare(b.title);
}

function portalDescription(state: PortalState): string {
  const n = state.datasets.length;
  const count = plural(n, () => vscode.l10n.t('{0} dataset', n), () => vscode.l10n.t('{0} datasets', n));
  if (state.loading && !state.datasets.length) return vscode.l10n.t('loading…');
  if (state.fromCache || state.error) {
    if (state.fetchedAt === undefined) return state.error ? vscode.l10n.t('unavailable') : count;
    const ago = ageText(Date.now() - state.fetchedAt);
    return state.error ? vscode.l10n.t('{0} · offline, cached {1}', count, ago) : vscode.l10n.t('{0} · cached {1}', count, ago);
  }
  return count;
}

function datasetsMatch(matching: number, total: number): string {
  return plural(total, () => vscode.l10n.t('{0} of {1} dataset matches', matching, total), () => vscode.l10n.t('{0} of {1} datasets match', matching, total));
}

function ageText(ms: number): string {
  const { value, unit } = describeAge(ms);
  switch (unit) {
    case 'second':
      return vscode.l10n.t('{0} s ago', value);
    case 'minute':
      return vscode.l10n.t('{0} min ago', value);
    case 'hour':
      return vscode.l10n.t('{0} h ago', value);
    default:
      return plural(value, () => vscode.l10n.t('{0} day ago', value), () => vscode.l10n.t('{0} days ago', value));
  }
}

/** "This dataset is updated on a daily basis." -> "daily". */
export function shortFrequency(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const m = text.match(/updated (?:on )?(?:an? )*(.+?)(?: basis)?\.?$/i);
  return truncate((m ? m[1] : text).trim(), 30);
}

function escapeMarkdown(text: string): string {
  return showControls(text).replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function datasetTooltip(d: DatasetSummary, schema: DatasetSchema | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown(`**${escapeMarkdown(d.title)}**\n\n`);
  const description = truncate(htmlToText(d.description), 400);
  if (description) md.appendMarkdown(`${escapeMarkdown(description)}\n\n`);
  md.appendMarkdown(`$(history) ${vscode.l10n.t('Update frequency')}: ${escapeMarkdown(d.updateFrequency ?? vscode.l10n.t('not stated'))}  \n`);
  md.appendMarkdown(`$(law) ${vscode.l10n.t('License')}: ${escapeMarkdown(truncate(htmlToText(d.license ?? '') || vscode.l10n.t('not stated'), 200))}  \n`);
  // Two dates, each named for what it is, the same in the metadata panel: the catalog entry's
  // (always known) and the layer's last data edit (once its schema has been read).
  if (d.modified) md.appendMarkdown(`$(calendar) ${vscode.l10n.t('Catalog entry updated')}: ${escapeMarkdown(new Date(d.modified).toLocaleString())}  \n`);
  if (schema?.lastEdit) md.appendMarkdown(`$(edit) ${vscode.l10n.t('Data last edited')}: ${escapeMarkdown(new Date(schema.lastEdit).toLocaleString())}  \n`);
  if (schema?.recordCount !== undefined) md.appendMarkdown(`$(list-ordered) ${vscode.l10n.t('Records')}: ${schema.recordCount.toLocaleString()}  \n`);
  return md;
}
