// Grid previews of remote datasets: one panel per dataset, rows fetched page by page as the
// user scrolls, sort and filter pushed to the portal (and done locally over loaded rows only
// when the portal refuses), restored after a reload by the serializer.

import * as vscode from 'vscode';
import { datasetKey, type CatalogStore } from '../catalog/store';
import { plural, portalProblem } from '../messages';
import { ownCell } from '../portal/cells';
import { isPortalError, type PortalError } from '../portal/errors';
import { rowTest } from '../query/localFilter';
import type { DatasetSchema, DatasetSummary, Portal } from '../portal/types';
import type { GridAction, GridCell, GridColumn, GridFilter, GridPanelState, GridSortKey, GridSortMode, GridView, ProfileView } from '../protocol';
import type { DatasetQuery } from '../query/model';
import { Disposable } from '../util/disposable';
import { showControls } from '../util/text';
import { gridLinks } from '../map/gridLink';
import type { SpatialFilter } from '../query/model';
import { FilterValueError, cleanQuery, sortRowsLocally, toFieldFilters, toSortKeys } from './gridCells';
import { GridHost, gridLabels, type GridData, type GridHandle } from './gridHost';
import { PageCache, pageSizeFor, rowsForWidth } from './gridPages';
import { profileForGrid, profileLabels } from './profileView';
import { registerCsvPreview } from './csvPreview';
import { showDatasetGone, webviewOptions } from './webviewHost';

export const GRID_VIEW_TYPE = 'okcOpenData.grid';
/** When the portal will not sort, this many rows are loaded and sorted here instead. */
const LOCAL_SORT_ROWS = 5_000;

export class GridPanels extends Disposable {
  private readonly open = new Map<string, RemoteGrid>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: CatalogStore,
    private readonly log?: (line: string) => void,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(GRID_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const s = state as Partial<Extract<GridPanelState, { kind: 'remote' }>> | undefined;
          const dataset = s?.portal && s.id ? await this.store.waitFor(s.portal, s.id) : undefined;
          if (!dataset) {
            showDatasetGone(panel, this.extensionUri);
            return;
          }
          const columns = [...(s?.sort ?? []), ...(s?.filters ?? [])].map((x) => ({ name: x.field, label: x.field, kind: 'string' as const }));
          const query = cleanQuery({ sort: s?.sort, filters: s?.filters }, columns);
          this.attach(panel, dataset, query.sort, query.filters, typeof s?.row === 'number' ? s.row : undefined);
        },
      }),
    );
  }

  /** Opens (or reveals) the grid of a dataset. */
  show(dataset: DatasetSummary): GridHandle {
    const existing = this.open.get(datasetKey(dataset));
    if (existing) {
      existing.host.panel.reveal();
      return existing.host;
    }
    const panel = vscode.window.createWebviewPanel(GRID_VIEW_TYPE, previewTitle(dataset.title), vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    return this.attach(panel, dataset, [], []).host;
  }

  private attach(panel: vscode.WebviewPanel, dataset: DatasetSummary, sort: GridSortKey[], filters: GridFilter[], keepRow?: number): RemoteGrid {
    const key = datasetKey(dataset);
    panel.title = previewTitle(dataset.title);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'okc-open-data.svg');
    const grid = new RemoteGrid(panel, this.extensionUri, dataset, this.store.portal(dataset.portal), this.log);
    this.open.set(key, grid);
    grid.linkToMap(key);
    panel.onDidDispose(() => {
      grid.dispose();
      if (this.open.get(key) === grid) this.open.delete(key);
    });
    void grid.start(sort, filters, keepRow);
    return grid;
  }


  override dispose(): void {
    for (const grid of this.open.values()) grid.dispose();
    this.open.clear();
    super.dispose();
  }
}

/** One dataset's grid: its schema, the current query, and a page cache for that query. */
class RemoteGrid extends Disposable implements GridData {
  readonly host: GridHost;
  generation = 0;
  columns: GridColumn[] = [];
  private schema: DatasetSchema | undefined;
  private cache: PageCache | undefined;
  /** Rows sorted here when the portal would not sort; the grid shows only these. */
  private localRows: GridCell[][] | undefined;
  private total = 0;
  private sort: GridSortKey[] = [];
  private filters: GridFilter[] = [];
  private sortMode: GridSortMode = 'none';
  private warnings: string[] = [];
  /** An area drawn on the map; it filters the rows like the field filters do. */
  private spatial: SpatialFilter | undefined;
  private mapKey: string | undefined;
  private selectedRow = -1;

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly dataset: DatasetSummary,
    private readonly portal: Portal | undefined,
    private readonly log?: (line: string) => void,
  ) {
    super();
    this.host = this.register(new GridHost(panel, extensionUri, () => this, (paint) => {
      if (this.mapKey && paint.generation === this.generation && paint.activeRow !== this.selectedRow) {
        this.selectedRow = paint.activeRow;
        gridLinks.announceRow(this.mapKey, paint.activeRow);
      }
    }));
  }

  /** Tells the dataset's map of each query and selected row; takes the areas it draws. */
  linkToMap(key: string): void {
    this.mapKey = key;
    this.register(gridLinks.gridOpened(key));
    this.register(gridLinks.onDidAskSpatial((e) => {
      if (e.key !== key) return;
      this.spatial = e.spatial;
      // Before the schema has loaded, start() applies it.
      if (this.schema) void this.apply(this.sort, this.filters).catch((error: unknown) => this.host.error(this.problem(error)));
    }));
  }

  async start(sort: GridSortKey[], filters: GridFilter[], keepRow?: number): Promise<void> {
    if (!this.portal) {
      this.host.error(vscode.l10n.t('The portal "{0}" is no longer configured.', this.dataset.portal));
      return;
    }
    try {
      this.schema = await this.portal.getSchema(this.dataset);
    } catch (error) {
      this.host.error(this.problem(error), true);
      return;
    }
    this.columns = this.schema.fields
      .filter((f) => f.kind !== 'geometry')
      .map((f) => ({ name: f.name, label: f.alias && f.alias !== f.name ? f.alias : f.name, kind: f.kind === 'geometry' ? 'other' : f.kind, nativeType: f.nativeType }));
    const clean = cleanQuery({ sort, filters }, this.columns);
    try {
      await this.apply(clean.sort, clean.filters, keepRow);
    } catch (error) {
      this.host.error(this.problem(error), true);
    }
  }

  /** The user's sort and filters; clearing both clears an area drawn on the map too. */
  async query(sort: GridSortKey[], filters: GridFilter[]): Promise<void> {
    if (!sort.length && !filters.length) this.spatial = undefined;
    await this.apply(sort, filters);
  }

  /** The Retry of a failed start: the schema and the first query again. */
  async retry(): Promise<void> {
    if (this.schema && this.cache) return;
    this.portal?.forget?.(this.dataset);
    await this.start(this.sort, this.filters);
  }

  /** Applies a sort and filters: on the portal when it can, else sorted here over the first rows. */
  private async apply(sortIn: GridSortKey[], filtersIn: GridFilter[], keepRow?: number): Promise<void> {
    const portal = this.portal;
    if (!portal || !this.schema) throw new Error(vscode.l10n.t('The dataset is not loaded yet.'));
    const { sort, filters } = cleanQuery({ sort: sortIn, filters: filtersIn }, this.columns);
    let fieldFilters: ReturnType<typeof toFieldFilters>;
    try {
      fieldFilters = toFieldFilters(filters, this.columns);
    } catch (error) {
      if (!(error instanceof FilterValueError)) throw error;
      throw new Error(
        error.problem === 'noField'
          ? vscode.l10n.t('There is no field named {0}.', error.field)
          : vscode.l10n.t('{0} is a number field; "{1}" is not a number.', error.field, error.value),
      );
    }
    const base: DatasetQuery = { fields: this.columns.map((c) => c.name), filters: fieldFilters, returnGeometry: false, ...(this.spatial ? { spatial: this.spatial } : {}) };
    const warnings: string[] = [];
    let portalQuery: DatasetQuery = { ...base, sort: toSortKeys(sort) };
    let total: number;
    let sortMode: GridSortMode = sort.length ? 'portal' : 'none';
    let localRows: GridCell[][] | undefined;
    try {
      total = await portal.countRows(this.dataset, portalQuery);
      if (sort.length) await portal.queryPage(this.dataset, portalQuery, 0, 1);
    } catch (error) {
      // Only a refusal falls back to working here; an outage is a failure the user retries.
      if (!isRefusal(error) || (!sort.length && !filters.length)) throw new Error(this.problem(error));
      this.log?.(`grid: portal refused the query for ${this.dataset.id}: ${String(error)}`);
      const filtersRefused = fieldFilters.length > 0 && (await this.refuses({ ...base, sort: undefined }));
      portalQuery = filtersRefused ? { ...base, filters: [] } : base;
      const available = await portal.countRows(this.dataset, portalQuery);
      let loaded = await this.loadFirstRows(portalQuery, Math.min(available, LOCAL_SORT_ROWS));
      if (filtersRefused) {
        const kinds = new Map(this.schema.fields.map((f) => [f.name, f.kind]));
        const index = new Map(this.columns.map((c, i) => [c.name, i]));
        loaded = loaded.filter(rowTest<GridCell[]>(fieldFilters, undefined, (f) => kinds.get(f), (row, f) => row[index.get(f) ?? -1] ?? null));
        warnings.push(vscode.l10n.t('The portal refused this filter ({0}); the first {1} rows are filtered here: {2} match.', portalMessage(error), Math.min(available, LOCAL_SORT_ROWS), loaded.length));
      }
      if (sort.length) {
        const column = this.columns.findIndex((c) => c.name === sort[0].field);
        loaded = sortRowsLocally(loaded, column, sort[0].descending === true);
        const n = loaded.length;
        if (!filtersRefused) warnings.push(plural(n, () => vscode.l10n.t('The portal could not sort by {0}; the first {1} row is sorted here.', sort[0].field, n), () => vscode.l10n.t('The portal could not sort by {0}; the first {1} rows are sorted here.', sort[0].field, n)));
      }
      localRows = loaded;
      total = loaded.length;
      sortMode = sort.length ? 'local' : 'none';
    }
    if (portal.config.kind === 'legacy' && filters.length) {
      warnings.push(vscode.l10n.t('The legacy portal documents no filter parameters: these filters run here, over every record it returned.'));
    }
    this.cache?.clear();
    const pageSize = pageSizeFor(this.schema.maxRecordCount, rowsForWidth(this.columns.length, 200));
    this.cache = new PageCache((first, count, signal) => this.fetch(portalQuery, first, count, signal), pageSize);
    this.localRows = localRows;
    this.total = localRows ? localRows.length : total;
    this.sort = sort;
    this.filters = filters;
    this.sortMode = sortMode;
    if (this.spatial) warnings.push(spatialNote(this.spatial));
    this.warnings = warnings;
    this.generation++;
    this.selectedRow = -1;
    await this.host.show(this.view(keepRow));
    if (this.mapKey) gridLinks.announceQuery(this.mapKey, { filters, sort: sortMode === 'portal' ? sort : [], spatial: this.spatial });
  }

  async rows(first: number, count: number, signal: AbortSignal): Promise<{ rows: GridCell[][]; total: number; complete: boolean }> {
    if (this.localRows) return { rows: this.localRows.slice(first, first + count), total: this.total, complete: true };
    if (!this.cache) return { rows: [], total: 0, complete: true };
    const end = Math.min(this.total, first + count);
    try {
      const rows = end > first ? await this.cache.window(first, end - first, signal) : [];
      return { rows, total: this.total, complete: true };
    } catch (error) {
      if (signal.aborted) throw error;
      // Shown in the panel: say which portal failed and how, as everywhere else.
      throw new Error(this.problem(error));
    }
  }

  /** Save and Insert Snippet get the query the grid shows: its filters, and its sort when
   * the portal did the sorting (a local sort covers loaded rows only). */
  async action(action: GridAction): Promise<void> {
    if (action === 'showOnMap') {
      await vscode.commands.executeCommand('okcOpenData.showOnMap', this.dataset, { query: { filters: this.filters, sort: this.sortMode === 'portal' ? this.sort : [], spatial: this.spatial } });
      return;
    }
    const query: DatasetQuery = {
      ...(this.filters.length ? { filters: toFieldFilters(this.filters, this.columns) } : {}),
      ...(this.sortMode === 'portal' && this.sort.length ? { sort: toSortKeys(this.sort) } : {}),
      ...(this.spatial ? { spatial: this.spatial } : {}),
    };
    await vscode.commands.executeCommand(action === 'save' ? 'okcOpenData.saveDataset' : 'okcOpenData.insertSnippet', this.dataset, { query });
  }

  /** The profile of one column over the grid's filters (its sort does not matter). */
  async profile(field: string): Promise<ProfileView> {
    if (!this.portal || !this.schema) throw new Error(vscode.l10n.t('The dataset is not loaded yet.'));
    const column = this.columns.find((c) => c.name === field);
    if (!column) throw new Error(vscode.l10n.t('There is no field named {0}.', field));
    const query: DatasetQuery = this.filters.length ? { filters: toFieldFilters(this.filters, this.columns) } : {};
    const generation = this.generation;
    try {
      return await profileForGrid(this.portal, this.dataset, this.schema, query, field, column.label, generation);
    } catch (error) {
      throw new Error(this.problem(error));
    }
  }

  private async fetch(query: DatasetQuery, first: number, count: number, signal: AbortSignal): Promise<GridCell[][]> {
    const page = await this.portal!.queryPage(this.dataset, query, first, count, signal);
    return page.rows.map((row) => this.columns.map((c) => ownCell(row.attributes, c.name) ?? null));
  }

  /** Whether the portal refuses `query` (as opposed to answering it or failing). */
  private async refuses(query: DatasetQuery): Promise<boolean> {
    try {
      await this.portal!.countRows(this.dataset, query);
      return false;
    } catch (error) {
      if (isRefusal(error)) return true;
      throw new Error(this.problem(error));
    }
  }

  private async loadFirstRows(query: DatasetQuery, count: number): Promise<GridCell[][]> {
    const pageSize = pageSizeFor(this.schema?.maxRecordCount, 1000);
    const rows: GridCell[][] = [];
    while (rows.length < count) {
      const page = await this.fetch(query, rows.length, Math.min(pageSize, count - rows.length), new AbortController().signal);
      rows.push(...page);
      if (page.length === 0) break;
    }
    return rows;
  }

  private view(keepRow?: number): GridView {
    return {
      generation: this.generation,
      source: 'remote',
      title: this.dataset.title,
      columns: this.columns,
      total: this.total,
      complete: true,
      sort: this.sort,
      filters: this.filters,
      sortMode: this.sortMode,
      canQuery: true,
      actions: this.schema?.geometry && this.schema.geometry !== 'none' ? ['insertSnippet', 'save', 'showOnMap'] : ['insertSnippet', 'save'],
      warnings: this.warnings,
      keepRow,
      state: { kind: 'remote', portal: this.dataset.portal, id: this.dataset.id, sort: this.sort, filters: this.filters },
      locale: vscode.env.language,
      labels: { ...gridLabels(), ...profileLabels() },
      canProfile: true,
    };
  }

  private problem(error: unknown): string {
    if (isPortalError(error)) return portalProblem(this.dataset.portal, error);
    return error instanceof Error ? error.message : String(error);
  }

  override dispose(): void {
    this.cache?.clear();
    super.dispose();
  }
}

/** The grid's note on a drawn area: it filters the rows, and Clear Sort and Filters removes it. */
function spatialNote(s: SpatialFilter): string {
  const area = s.kind === 'bbox'
    ? `${s.xmin}, ${s.ymin} – ${s.xmax}, ${s.ymax}`
    : vscode.l10n.t('{0} m around {1}, {2}', s.meters, s.latitude, s.longitude);
  return vscode.l10n.t('Only rows within the area drawn on the map: {0}. Clear Sort and Filters removes it.', area);
}

/** The portal understood the query and refused it: doing it here instead is honest. */
function isRefusal(error: unknown): error is PortalError {
  return isPortalError(error) && error.kind === 'refused';
}

/** The portal's own words, as text. */
function portalMessage(error: PortalError): string {
  return [error.message, ...(error.details.portalDetails ?? [])].filter(Boolean).join(' ');
}

function previewTitle(title: string): string {
  return vscode.l10n.t('Preview: {0}', showControls(title));
}



/** The preview commands: `okcOpenData.previewDataset` (returns the panel's GridHandle) and the CSV preview. */
export function registerPreviewCommands(
  c: { context: vscode.ExtensionContext; store: CatalogStore },
  pick: (arg: unknown) => Promise<DatasetSummary | undefined>,
): vscode.Disposable {
  const panels = new GridPanels(c.context.extensionUri, c.store);
  return vscode.Disposable.from(
    panels,
    vscode.commands.registerCommand('okcOpenData.previewDataset', async (arg?: unknown) => {
      const dataset = await pick(arg);
      return dataset ? panels.show(dataset) : undefined;
    }),
    registerCsvPreview(c.context),
  );
}
