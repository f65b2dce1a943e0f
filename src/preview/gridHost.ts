// The host half of every grid panel (remote dataset or CSV file): serves windows of rows
// with stale ones cancelled, row details, CSV copies and queries, and records what the
// webview painted so tests and benchmarks can see what a user sees.

import * as vscode from 'vscode';
import type { CsvOptionRequest } from '../csv/optionTypes';
import { GRID_WIDE_COLUMNS, type GridCell, type GridColumn, type GridFilter, type GridRowDetail, type GridRowsResult, type GridSortKey, type GridView, type GridAction, type GridPaint, type ProfileView } from '../protocol';
import { Disposable } from '../util/disposable';
import { DETAIL_CHARS, MAX_COPY_ROWS, cutCell, cutRows, pickColumns, rowsToCsv, windowColumns } from './gridCells';
import { WebviewHost } from './webviewHost';

/** What a grid panel reads rows from; `generation` changes whenever the rows change meaning. */
export interface GridData {
  readonly generation: number;
  readonly columns: GridColumn[];
  rows(first: number, count: number, signal: AbortSignal): Promise<{ rows: GridCell[][]; total: number; complete: boolean }>;
  /** Problems reading one row (CSV parse errors), for the row detail. */
  rowErrors?(row: number): string[];
  query?(sort: GridSortKey[], filters: GridFilter[]): Promise<void>;
  /** Runs again what failed before the panel could show anything (remote datasets). */
  retry?(): Promise<void>;
  /** Hands the current query to a command (remote datasets). */
  action?(action: GridAction): Promise<void>;
  /** One column's profile over the current query (remote datasets). */
  profile?(field: string): Promise<ProfileView>;
  /** Overrides a guess of how a CSV file is read (CSV files). */
  csvOption?(request: CsvOptionRequest): Promise<void>;
}

/** What the webview last drew of a profile (for tests). */
export interface ProfileShown {
  field: string;
  generation: number;
  topValues: string[];
}

export interface PaintReport extends GridPaint {
  /** performance.now() in the extension host when the report arrived. */
  at: number;
}

/** Returned by the preview commands: lets tests and benchmarks drive a panel and watch it. */
export interface GridHandle {
  readonly panel: vscode.WebviewPanel;
  /** The frame last sent to the webview. */
  readonly view: GridView | undefined;
  readonly lastPaint: PaintReport | undefined;
  /** The error messages the panel showed, oldest first (tests read what the user read). */
  readonly errors: readonly string[];
  /** Presses the Retry button of the latest error, as a user would. */
  retry(): void;
  /** performance.now() when the last frame was sent to the webview (benchmarks split their time with it). */
  readonly shownAt: number | undefined;
  /** Resolves with the first paint report (past or future) that `accept` takes. */
  waitForPaint(accept: (paint: PaintReport) => boolean, timeoutMs?: number): Promise<PaintReport>;
  scrollTo(row: number, column?: number): void;
  /** What the row detail shows for `row` (what Enter or a double click opens). */
  detail(generation: number, row: number): Promise<GridRowDetail>;
  /** What Copy Row / Copy Selection put on the clipboard; returns rows copied. */
  copyRows(p: { generation: number; first: number; last: number; columns?: number[]; header: boolean }): Promise<number>;
  query(sort: GridSortKey[], filters: GridFilter[]): Promise<void>;
  /** The profile Profile Column computes for `field` over the current query. */
  profile(field: string): Promise<ProfileView>;
  /** Opens the profile section for `field` in the webview (as the header button does). */
  openProfile(field: string): void;
  /** Resolves when the webview has drawn a profile that `accept` takes. */
  waitForProfile(accept: (shown: ProfileShown) => boolean, timeoutMs?: number): Promise<ProfileShown>;
}

/** Rows sent with a frame: a screenful and some margin. */
const INITIAL_ROWS = 80;
/** Columns of a wide grid sent with a frame: a screen's width and some margin from the left. */
const INITIAL_COLUMNS = 100;

export class GridHost extends Disposable implements GridHandle {
  private readonly webviewHost: WebviewHost;
  private windowRequest: AbortController | undefined;
  private paints: PaintReport[] = [];
  private readonly shownErrors: string[] = [];
  private waiters: { accept(p: PaintReport): boolean; resolve(p: PaintReport): void }[] = [];
  private current: GridView | undefined;
  private profilesShown: ProfileShown[] = [];
  private profileWaiters: { accept(p: ProfileShown): boolean; resolve(p: ProfileShown): void }[] = [];
  shownAt: number | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly data: () => GridData | undefined,
    /** Told of every paint (the map follows the selected row). */
    private readonly onPainted?: (paint: PaintReport) => void,
  ) {
    super();
    this.webviewHost = this.register(
      new WebviewHost(panel.webview, extensionUri, 'grid', panel.title, {
        'grid/rows': (p) => this.window(p.generation, p.first, p.count, p.columns),
        'grid/detail': (p) => this.detail(p.generation, p.row),
        'grid/copy': (p) => this.copyRows(p),
        'grid/copyValue': (p) => this.copyValue(p.generation, p.row, p.column),
        'grid/query': async (p) => {
          const data = this.data();
          if (!data?.query) throw new Error(vscode.l10n.t('This preview cannot be sorted or filtered.'));
          await this.recording(() => data.query!(p.sort, p.filters));
        },
        'panel/retry': async () => {
          await this.data()?.retry?.();
        },
        'grid/csvOption': async (request) => {
          const data = this.data();
          if (!data?.csvOption) throw new Error(vscode.l10n.t('This preview has no CSV options.'));
          await this.recording(() => data.csvOption!(request));
        },
        'grid/action': async ({ action }) => {
          await this.data()?.action?.(action);
        },
        'grid/painted': (p) => this.painted({ ...p, at: performance.now() }),
        'grid/profile': ({ generation, field }) => {
          const data = this.data();
          if (!data?.profile) throw new Error(vscode.l10n.t('This preview cannot profile columns.'));
          if (data.generation !== generation) throw new Error(vscode.l10n.t('The rows changed; profile the column again.'));
          return data.profile(field);
        },
        'grid/profileShown': (p) => {
          this.profilesShown.push(p);
          for (const waiter of this.profileWaiters.slice()) {
            if (waiter.accept(p)) {
              this.profileWaiters = this.profileWaiters.filter((w) => w !== waiter);
              waiter.resolve(p);
            }
          }
        },
        'clipboard/write': async ({ text }) => {
          await vscode.env.clipboard.writeText(text);
        },
      }),
    );
    this.register({ dispose: () => this.windowRequest?.abort() });
  }

  get view(): GridView | undefined {
    return this.current;
  }

  get lastPaint(): PaintReport | undefined {
    return this.paints[this.paints.length - 1];
  }

  get errors(): readonly string[] {
    return this.shownErrors;
  }

  retry(): void {
    this.webviewHost.notify('grid/retry', {}, false);
  }

  /** Runs a request whose failure the webview shows, and remembers the message. */
  private async recording<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.remember((error as Error)?.message ?? String(error));
      throw error;
    }
  }

  private remember(message: string): void {
    this.shownErrors.push(message);
    if (this.shownErrors.length > 20) this.shownErrors.shift();
  }

  /** Sends a new frame, with the rows around `keepRow` (or the first ones) so they paint at once. */
  async show(view: GridView): Promise<void> {
    this.windowRequest?.abort();
    let initialRows: GridRowsResult | undefined;
    const data = this.data();
    if (data && data.generation === view.generation && view.total > 0) {
      const first = Math.max(0, (view.keepRow ?? 0) - 20);
      try {
        const read = await data.rows(first, INITIAL_ROWS, new AbortController().signal);
        const columns = view.columns.length > GRID_WIDE_COLUMNS ? [...Array(INITIAL_COLUMNS).keys()] : undefined;
        const { rows, cut } = cutRows(pickColumns(read.rows, columns));
        initialRows = { generation: view.generation, first, rows, cut, total: read.total, complete: read.complete, columns };
      } catch {
        // The webview asks for the rows itself and shows the error then.
      }
    }
    if (data && data.generation !== view.generation) return;
    this.webviewHost.forget('panel/error');
    this.current = { ...view, initialRows: undefined };
    this.shownAt = performance.now();
    this.webviewHost.notify('grid/show', { ...view, initialRows });
  }

  notifyTotal(total: number, complete: boolean, progress?: number, warnings?: string[]): void {
    if (this.current) this.current = { ...this.current, total, complete, warnings: warnings ?? this.current.warnings };
    this.webviewHost.notify('grid/total', { generation: this.current?.generation ?? 0, total, complete, progress, warnings });
  }

  /** Shows a failure; `canRetry` offers a Retry button that calls `GridData.retry`. */
  error(message: string, canRetry = false): void {
    this.remember(message);
    this.webviewHost.notify('panel/error', { message, retryLabel: canRetry ? vscode.l10n.t('Retry') : undefined });
  }

  scrollTo(row: number, column?: number): void {
    this.webviewHost.notify('grid/scrollTo', { row, column });
  }

  async query(sort: GridSortKey[], filters: GridFilter[]): Promise<void> {
    const data = this.data();
    if (!data?.query) throw new Error('not queryable');
    await this.recording(() => data.query!(sort, filters));
  }

  profile(field: string): Promise<ProfileView> {
    const data = this.data();
    if (!data?.profile) return Promise.reject(new Error('not profilable'));
    return data.profile(field);
  }

  openProfile(field: string): void {
    this.webviewHost.notify('grid/openProfile', { field });
  }

  waitForProfile(accept: (shown: ProfileShown) => boolean, timeoutMs = 60_000): Promise<ProfileShown> {
    const past = this.profilesShown.find(accept);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.profileWaiters = this.profileWaiters.filter((w) => w !== waiter);
        reject(new Error(`no matching profile within ${timeoutMs} ms; shown: ${JSON.stringify(this.profilesShown.slice(-3))}`));
      }, timeoutMs);
      const waiter = { accept, resolve: (p: ProfileShown) => (clearTimeout(timer), resolve(p)) };
      this.profileWaiters.push(waiter);
    });
  }

  waitForPaint(accept: (paint: PaintReport) => boolean, timeoutMs = 30_000): Promise<PaintReport> {
    const past = this.paints.find(accept);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const waiter = {
        accept,
        resolve: (p: PaintReport) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const last = this.lastPaint;
        reject(new Error(`no matching paint within ${timeoutMs} ms; last paint: ${last ? JSON.stringify({ ...last, texts: last.texts.slice(0, 8) }) : 'none'}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private painted(report: PaintReport): void {
    this.onPainted?.(report);
    this.paints.push(report);
    if (this.paints.length > 50) this.paints.splice(0, this.paints.length - 50);
    for (const waiter of this.waiters.slice()) {
      if (waiter.accept(report)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(report);
      }
    }
  }

  /** A newer window makes this one stale: its fetches stop if nobody else wants them. */
  private async window(generation: number, first: number, count: number, askedColumns?: number[]): Promise<GridRowsResult> {
    const data = this.data();
    const stale = (): GridRowsResult => ({ generation, first, rows: [], cut: [], total: 0, complete: false, stale: true });
    if (!data || data.generation !== generation) return stale();
    this.windowRequest?.abort();
    const controller = new AbortController();
    this.windowRequest = controller;
    try {
      const read = await data.rows(Math.max(0, Math.floor(first)), Math.min(1000, Math.max(0, Math.floor(count))), controller.signal);
      if (controller.signal.aborted || data.generation !== generation) return stale();
      const columns = windowColumns(askedColumns, data.columns.length);
      const { rows, cut } = cutRows(pickColumns(read.rows, columns));
      return { generation, first, rows, cut, total: read.total, complete: read.complete, columns };
    } catch (error) {
      if (controller.signal.aborted) return stale();
      this.remember((error as Error)?.message ?? String(error));
      throw error;
    } finally {
      if (this.windowRequest === controller) this.windowRequest = undefined;
    }
  }

  async detail(generation: number, row: number): Promise<GridRowDetail> {
    const data = this.data();
    if (!data || data.generation !== generation) throw new Error(vscode.l10n.t('The rows changed; open the row again.'));
    const read = await data.rows(row, 1, new AbortController().signal);
    const cells = read.rows[0];
    if (!cells) throw new Error(vscode.l10n.t('Row {0} is not available.', row + 1));
    return {
      row,
      values: data.columns.map((column, i) => {
        const cell = cells[i] ?? null;
        const shown = cutCell(cell, DETAIL_CHARS);
        return { name: column.name, label: column.label, kind: column.kind, value: shown.value, fullLength: shown.cut && typeof cell === 'string' ? cell.length : undefined };
      }),
      errors: data.rowErrors?.(row) ?? [],
    };
  }

  /** Puts one whole cell on the clipboard: the row detail shows long values in steps. */
  async copyValue(generation: number, row: number, column: number): Promise<void> {
    const data = this.data();
    if (!data || data.generation !== generation) throw new Error(vscode.l10n.t('The rows changed; open the row again.'));
    if (!Number.isInteger(column) || column < 0 || column >= data.columns.length) throw new Error(vscode.l10n.t('Row {0} is not available.', row + 1));
    const read = await data.rows(row, 1, new AbortController().signal);
    const cells = read.rows[0];
    if (!cells) throw new Error(vscode.l10n.t('Row {0} is not available.', row + 1));
    const cell = cells[column] ?? null;
    await vscode.env.clipboard.writeText(cell === null ? '' : String(cell));
  }

  async copyRows(p: { generation: number; first: number; last: number; columns?: number[]; header: boolean }): Promise<number> {
    const data = this.data();
    if (!data || data.generation !== p.generation) throw new Error(vscode.l10n.t('The rows changed; select them again.'));
    const first = Math.max(0, Math.floor(Math.min(p.first, p.last)));
    const last = Math.min(first + MAX_COPY_ROWS - 1, Math.floor(Math.max(p.first, p.last)));
    const columns = (p.columns ?? data.columns.map((_, i) => i)).filter((i) => Number.isInteger(i) && i >= 0 && i < data.columns.length);
    const rows: GridCell[][] = [];
    const signal = new AbortController().signal;
    for (let at = first; at <= last; ) {
      const chunk = await data.rows(at, Math.min(1000, last - at + 1), signal);
      if (!chunk.rows.length) break;
      for (const row of chunk.rows) rows.push(columns.map((i) => row[i] ?? null));
      at += chunk.rows.length;
    }
    const header = p.header ? columns.map((i) => data.columns[i].name) : undefined;
    await vscode.env.clipboard.writeText(rowsToCsv(header, rows));
    const requested = Math.floor(Math.max(p.first, p.last)) - first + 1;
    if (requested > MAX_COPY_ROWS) void vscode.window.showInformationMessage(vscode.l10n.t('Copied the first {0} of {1} selected rows.', MAX_COPY_ROWS, requested));
    return rows.length;
  }
}

/** Words the grid webview shows; it has no access to vscode.l10n. */
export function gridLabels(): Record<string, string> {
  return {
    missing: vscode.l10n.t('missing'),
    // Singular and plural pairs: the webview picks one by the count (grid/toolbar countText).
    'rows.one': vscode.l10n.t('{0} row'),
    rows: vscode.l10n.t('{0} rows'),
    'rowsIndexing.one': vscode.l10n.t('{0}+ row (reading the file… {1}%)'),
    rowsIndexing: vscode.l10n.t('{0}+ rows (reading the file… {1}%)'),
    loading: vscode.l10n.t('Loading…'),
    sortedByPortal: vscode.l10n.t('Sorted by the portal'),
    sortedLocally: vscode.l10n.t('Sorted locally (loaded rows only)'),
    unsorted: vscode.l10n.t('In the portal\'s order'),
    'action.insertSnippet': vscode.l10n.t('Insert Snippet'),
    'action.save': vscode.l10n.t('Save…'),
    'action.showOnMap': vscode.l10n.t('Show on Map'),
    actionHint: vscode.l10n.t('Uses the current sort and filters'),
    fileOrder: vscode.l10n.t('In file order'),
    filter: vscode.l10n.t('Filter'),
    filterField: vscode.l10n.t('Field'),
    noField: vscode.l10n.t('There is no field named {0}.'),
    filterOperator: vscode.l10n.t('Operator'),
    filterValue: vscode.l10n.t('Value'),
    addFilter: vscode.l10n.t('Add Filter'),
    removeFilter: vscode.l10n.t('Remove filter'),
    clearQuery: vscode.l10n.t('Clear Sort and Filters'),
    sortAscending: vscode.l10n.t('Sort ascending'),
    sortDescending: vscode.l10n.t('Sort descending'),
    copyCell: vscode.l10n.t('Copy Cell'),
    copyRow: vscode.l10n.t('Copy Row'),
    copySelection: vscode.l10n.t('Copy Selection as CSV'),
    rowDetail: vscode.l10n.t('Row {0}'),
    close: vscode.l10n.t('Close'),
    cutNote: vscode.l10n.t('Showing the first {0} of {1} characters.'),
    showMore: vscode.l10n.t('Show {0} more'),
    copyValue: vscode.l10n.t('Copy Whole Value'),
    cellCut: vscode.l10n.t('Cut for display; press Enter for the whole row.'),
    resizeColumn: vscode.l10n.t('Resize column'),
    gridLabel: vscode.l10n.t('Rows of {0}'),
    warning: vscode.l10n.t('Warning'),
    error: vscode.l10n.t('Error'),
    noRows: vscode.l10n.t('No rows match.'),
    rowNumber: vscode.l10n.t('Row'),
    retry: vscode.l10n.t('Retry'),
  };
}
