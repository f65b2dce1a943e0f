// CSV/TSV previews beside the editor and as a custom read-only editor: the file is indexed
// in the background (src/csv), windows of rows are read on demand, encoding problems become
// warnings, and a change to the file rebuilds the index while the grid keeps its place.

import * as vscode from 'vscode';
import { buildRowIndex, memorySource, nodeFileSource, readHeader, readRows, resolveCsvOptions, type CsvChoices, type CsvDialect, type CsvOptionRequest, type RandomAccessSource, type RowIndex } from '../csv/index';
import type { GridCell, GridColumn, GridPanelState, GridView, ProfileView } from '../protocol';
import { profileCsvColumn } from '../stats/csvProfile';
import { profileCsvInWorker } from '../stats/csvProfileInWorker';
import type { ColumnProfile } from '../stats/types';
import { Disposable } from '../util/disposable';
import { askOtherDelimiter, csvOptionLabels, CsvOverrideStore, pickCsvOption } from './csvOptions';
import { GridHost, gridLabels, type GridData, type GridHandle } from './gridHost';
import { profileLabels, toProfileView } from './profileView';
import { webviewOptions } from './webviewHost';

export const CSV_PANEL_VIEW_TYPE = 'okcOpenData.csvPreview';
export const CSV_EDITOR_VIEW_TYPE = 'okcOpenData.csvEditor';
/** Rows read to name the columns of a file without a header. */
const WIDTH_SAMPLE_ROWS = 200;
/** Indexing past this many bytes waits until the first rows are on screen (or FIRST_PAINT_WAIT_MS). */
const HEAD_START_BYTES = 1024 * 1024;
const FIRST_PAINT_WAIT_MS = 2000;
/** Files on other file systems are read whole; beyond this they are refused. */
const MAX_REMOTE_BYTES = 512 * 1024 * 1024;

export class CsvPreviews extends Disposable {
  private readonly open = new Map<string, CsvGrid>();
  /** Every grid, the custom editors' too: CSV Preview Options… acts on the active one. */
  private readonly all = new Set<CsvGrid>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly overrides: CsvOverrideStore,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(CSV_PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const s = state as Partial<Extract<GridPanelState, { kind: 'csv' }>> | undefined;
          if (!s?.uri) {
            panel.dispose();
            return;
          }
          this.attach(panel, vscode.Uri.parse(s.uri), typeof s.row === 'number' ? s.row : undefined);
        },
      }),
    );
    this.register(
      vscode.window.registerCustomEditorProvider(
        CSV_EDITOR_VIEW_TYPE,
        {
          openCustomDocument: (uri) => ({ uri, dispose: () => undefined }),
          resolveCustomEditor: (document, panel) => {
            this.attach(panel, document.uri, undefined, false);
          },
        },
        { supportsMultipleEditorsPerDocument: true, webviewOptions: { retainContextWhenHidden: false } },
      ),
    );
  }

  /** Opens (or reveals) the preview of a file beside the active editor. */
  async show(uri: vscode.Uri): Promise<GridHandle> {
    const existing = this.open.get(uri.toString());
    if (existing) {
      existing.host.panel.reveal(undefined, true);
      return existing.host;
    }
    const panel = vscode.window.createWebviewPanel(CSV_PANEL_VIEW_TYPE, previewTitle(uri), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(this.extensionUri));
    return this.attach(panel, uri).host;
  }

  private attach(panel: vscode.WebviewPanel, uri: vscode.Uri, keepRow?: number, track = true): CsvGrid {
    panel.title = previewTitle(uri);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'okc-open-data.svg');
    const grid = new CsvGrid(panel, this.extensionUri, uri, this.overrides);
    if (track) this.open.set(uri.toString(), grid);
    this.all.add(grid);
    panel.onDidDispose(() => {
      grid.dispose();
      this.all.delete(grid);
      if (this.open.get(uri.toString()) === grid) this.open.delete(uri.toString());
    });
    void grid.load(keepRow);
    return grid;
  }

  /** The preview beside the editor of `uri`, if open. */
  of(uri: vscode.Uri): CsvGrid | undefined {
    return this.open.get(uri.toString());
  }

  /** The preview in the active tab, if one is. */
  active(): CsvGrid | undefined {
    return [...this.all].find((grid) => grid.host.panel.active);
  }

  override dispose(): void {
    for (const grid of this.all) grid.dispose();
    this.open.clear();
    this.all.clear();
    super.dispose();
  }
}

interface LoadedFile {
  source: RandomAccessSource & { close?(): Promise<void> };
  dialect: CsvDialect;
  /** What was guessed and what the user chose instead (the toolbar's selects). */
  choices: CsvChoices;
  index: RowIndex;
  controller: AbortController;
  rowErrors: Map<number, string[]>;
}

/** One file's grid; `load` runs again (new generation) whenever the file changes. */
export class CsvGrid extends Disposable implements GridData {
  readonly host: GridHost;
  generation = 0;
  columns: GridColumn[] = [];
  private file: LoadedFile | undefined;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    readonly uri: vscode.Uri,
    private readonly overrides: CsvOverrideStore,
  ) {
    super();
    this.host = this.register(new GridHost(panel, extensionUri, () => this));
    // A choice made here, in another preview of the file or in CSV Preview Options…: read the file again.
    this.register(overrides.onDidChange((changed) => changed === uri.toString() && void this.load(this.host.lastPaint?.first)));
    const folder = vscode.Uri.joinPath(uri, '..');
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, name)));
    const changed = (): void => {
      clearTimeout(this.reloadTimer);
      // Editors save in bursts; read the file once it has settled.
      this.reloadTimer = setTimeout(() => void this.load(this.host.lastPaint?.first), 300);
    };
    this.register(watcher.onDidChange(changed));
    this.register(watcher.onDidCreate(changed));
    this.register(
      watcher.onDidDelete(() => {
        clearTimeout(this.reloadTimer);
        // A save that replaces the file deletes and creates it: only a file still gone is gone.
        this.reloadTimer = setTimeout(() => void this.gone(), 300);
      }),
    );
    this.register({ dispose: () => clearTimeout(this.reloadTimer) });
  }

  async load(keepRow?: number): Promise<void> {
    this.release();
    const generation = ++this.generation;
    const controller = new AbortController();
    try {
      const source = await this.openSource();
      const isTsv = /\.tsv$/i.test(this.uri.path);
      const { dialect, choices } = await resolveCsvOptions(source, this.overrides.get(this.uri), isTsv ? { delimiter: '\t' } : {});
      // The scan of a big file competes with the webview for the CPU; let the first rows paint first.
      let release!: () => void;
      const firstPaint = new Promise<void>((resolve) => (release = resolve));
      let painted = false;
      void firstPaint.then(() => (painted = true));
      const timer = setTimeout(release, FIRST_PAINT_WAIT_MS);
      void this.host.waitForPaint((p) => p.generation === generation, FIRST_PAINT_WAIT_MS).then(release, release).finally(() => clearTimeout(timer));
      const paced: RandomAccessSource = {
        size: () => source.size(),
        read: async (offset, length) => {
          if (offset + length > HEAD_START_BYTES) await firstPaint;
          return source.read(offset, length);
        },
        // No await once painted: the index starts the next read before scanning this chunk,
        // and a read put off to a later tick would wait for the scan instead of running beside it.
        readInto: source.readInto && ((offset, target) =>
          offset + target.length > HEAD_START_BYTES && !painted ? firstPaint.then(() => source.readInto!(offset, target)) : source.readInto!(offset, target)),
      };
      const { index, done } = buildRowIndex(paced, dialect, {
        signal: controller.signal,
        onProgress: (bytes) => this.progress(generation, bytes),
      });
      const file: LoadedFile = { source, dialect, choices, index, controller, rowErrors: new Map() };
      if (this.isDisposed || generation !== this.generation) {
        controller.abort();
        await source.close?.();
        return;
      }
      this.file = file;
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Indexing {0}', this.uri.path.slice(this.uri.path.lastIndexOf('/') + 1)) },
        () => done.catch(() => undefined),
      );
      done.then(
        () => {
          if (generation === this.generation) this.host.notifyTotal(index.rowCount, true, 100, this.warnings(file));
        },
        (error: unknown) => {
          if (generation !== this.generation || controller.signal.aborted) return;
          this.host.notifyTotal(index.rowCount, true, 100, [...this.warnings(file), vscode.l10n.t('Reading stopped: {0}', String((error as Error)?.message ?? error))]);
        },
      );
      await index.waitForRows(Math.max(1, (keepRow ?? 0) + 1));
      if (generation !== this.generation) return;
      this.columns = await this.readColumns(file);
      await this.host.show(this.view(file, keepRow));
    } catch (error) {
      if (generation === this.generation) this.host.error(vscode.l10n.t('Could not read {0}: {1}', this.uri.fsPath || this.uri.toString(), (error as Error)?.message ?? String(error)));
    }
  }

  /** The file was deleted or moved away: stop reading it, say so, and show it again if it comes back. */
  private async gone(): Promise<void> {
    try {
      await vscode.workspace.fs.stat(this.uri);
      await this.load(this.host.lastPaint?.first);
      return;
    } catch {
      // Still missing.
    }
    this.release();
    this.generation++;
    this.host.error(vscode.l10n.t('{0} was deleted or moved. The preview shows it again if it comes back.', this.uri.fsPath || this.uri.toString()));
  }

  async rows(first: number, count: number): Promise<{ rows: GridCell[][]; total: number; complete: boolean }> {
    const file = this.file;
    if (!file) return { rows: [], total: 0, complete: false };
    const window = await readRows(file.source, file.index, file.dialect, first, count);
    for (const e of window.errors) {
      const list = file.rowErrors.get(e.row) ?? [];
      if (list.length < 5) list.push(e.message);
      file.rowErrors.set(e.row, list);
    }
    const width = this.columns.length;
    const rows = window.rows.map((cells) => (cells.length >= width ? cells : [...cells, ...new Array<GridCell>(width - cells.length).fill(null)]));
    return { rows, total: file.index.rowCount, complete: file.index.complete };
  }

  /** Profile Column: one pass over the whole file in a worker thread, with progress and Cancel. */
  async profile(field: string): Promise<ProfileView> {
    const file = this.file;
    const column = this.columns.findIndex((c) => c.name === field);
    if (!file || column < 0) throw new Error(vscode.l10n.t('There is no column named {0}.', field));
    const generation = this.generation;
    const name = this.uri.path.slice(this.uri.path.lastIndexOf('/') + 1);
    const profile = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Profiling {0} of {1}', this.columns[column].label, name), cancellable: true },
      async (progress, token): Promise<ColumnProfile> => {
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort(new Error(vscode.l10n.t('The profile was cancelled.'))));
        let reported = 0;
        const onProgress = (fraction: number): void => {
          const percent = Math.floor(fraction * 100);
          if (percent > reported) progress.report({ increment: percent - reported });
          reported = Math.max(reported, percent);
        };
        try {
          if (this.uri.scheme !== 'file') {
            // A file from a remote file system is held in memory already (up to MAX_REMOTE_BYTES).
            return await profileCsvColumn(file.source, file.dialect, column, field, { signal: controller.signal, onProgress });
          }
          const worker = vscode.Uri.joinPath(this.extensionUri, 'dist', 'csvProfileWorker.js').fsPath;
          return await profileCsvInWorker(worker, { path: this.uri.fsPath, dialect: file.dialect, column, field }, onProgress, controller.signal);
        } finally {
          cancel.dispose();
        }
      },
    );
    return toProfileView(profile, this.columns[column].label, generation);
  }

  /** Changes one option (nothing on disk changes); every preview of the file reads it again. */
  async csvOption(request: CsvOptionRequest): Promise<void> {
    const change = request.option === 'otherDelimiter' ? await askOtherDelimiter() : request;
    if (change) await this.overrides.change(this.uri, change);
  }

  /** What CSV Preview Options… offers for this file, once it has been read. */
  get choices(): CsvChoices | undefined {
    return this.file?.choices;
  }

  /** The choices once the file's first rows are on screen (undefined if it could not be read). */
  async whenRead(): Promise<CsvChoices | undefined> {
    const generation = this.generation;
    await this.host.waitForPaint((p) => p.generation >= generation, 30_000).catch(() => undefined);
    return this.file?.choices;
  }

  rowErrors(row: number): string[] {
    return this.file?.rowErrors.get(row) ?? [];
  }

  private async openSource(): Promise<RandomAccessSource & { close?(): Promise<void> }> {
    if (this.uri.scheme === 'file') return nodeFileSource(this.uri.fsPath);
    const stat = await vscode.workspace.fs.stat(this.uri);
    if (stat.size > MAX_REMOTE_BYTES) throw new Error(vscode.l10n.t('The file is {0} MB; files outside the local disk are previewed up to {1} MB.', Math.round(stat.size / 1048576), MAX_REMOTE_BYTES / 1048576));
    return memorySource(await vscode.workspace.fs.readFile(this.uri));
  }

  private async readColumns(file: LoadedFile): Promise<GridColumn[]> {
    const header = await readHeader(file.source, file.index, file.dialect);
    const sample = await readRows(file.source, file.index, file.dialect, 0, WIDTH_SAMPLE_ROWS);
    const width = Math.max(header?.length ?? 0, ...sample.rows.map((r) => r.length), 1);
    return Array.from({ length: width }, (_, i) => {
      const name = header?.[i]?.trim() || vscode.l10n.t('Column {0}', i + 1);
      return { name, label: name, kind: 'text' as const };
    });
  }

  private lastProgress = 0;
  private progress(generation: number, bytes: number): void {
    const file = this.file;
    if (!file || generation !== this.generation) return;
    const now = Date.now();
    if (now - this.lastProgress < 250) return;
    this.lastProgress = now;
    const size = file.index.sourceSize || 1;
    this.host.notifyTotal(file.index.rowCount, false, Math.min(99, Math.floor((bytes / size) * 100)), this.warnings(file));
  }

  private warnings(file: LoadedFile): string[] {
    return file.index.issues.slice(0, 5).map((issue) => (issue.row !== undefined ? vscode.l10n.t('Row {0}: {1}', issue.row + 1, issue.message) : issue.message));
  }

  private view(file: LoadedFile, keepRow?: number): GridView {
    return {
      generation: this.generation,
      source: 'csv',
      title: this.uri.path.slice(this.uri.path.lastIndexOf('/') + 1),
      columns: this.columns,
      total: file.index.rowCount,
      complete: file.index.complete,
      sort: [],
      filters: [],
      sortMode: 'none',
      canQuery: false,
      canProfile: true,
      warnings: this.warnings(file),
      csvOptions: file.choices,
      keepRow,
      state: { kind: 'csv', uri: this.uri.toString() },
      locale: vscode.env.language,
      labels: { ...gridLabels(), ...profileLabels(), ...csvOptionLabels() },
    };
  }

  private release(): void {
    const file = this.file;
    this.file = undefined;
    if (!file) return;
    file.controller.abort();
    void file.source.close?.().catch(() => undefined);
  }

  override dispose(): void {
    this.release();
    this.generation++;
    super.dispose();
  }
}

function previewTitle(uri: vscode.Uri): string {
  return vscode.l10n.t('Preview {0}', uri.path.slice(uri.path.lastIndexOf('/') + 1));
}

/** The commands and editors of CSV previews; `okcOpenData.openCsvPreview` takes a URI or uses the active editor's. */
export function registerCsvPreview(context: vscode.ExtensionContext): vscode.Disposable {
  const overrides = new CsvOverrideStore(context.workspaceState);
  const previews = new CsvPreviews(context.extensionUri, overrides);
  return vscode.Disposable.from(
    previews,
    overrides,
    vscode.commands.registerCommand('okcOpenData.csvPreviewOptions', async () => {
      let grid = previews.active();
      const editorUri = vscode.window.activeTextEditor?.document.uri;
      if (!grid && editorUri && /\.(csv|tsv)$/i.test(editorUri.path)) {
        await previews.show(editorUri);
        grid = previews.active() ?? previews.of(editorUri);
      }
      if (!grid) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Open a CSV preview first.'));
        return;
      }
      const choices = grid.choices ?? (await grid.whenRead());
      const request = choices && (await pickCsvOption(grid.uri.path.slice(grid.uri.path.lastIndexOf('/') + 1), choices));
      if (request) await grid.csvOption(request);
    }),
    vscode.commands.registerCommand('okcOpenData.openCsvPreview', async (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      if (!uri) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Open a CSV or TSV file first.'));
        return undefined;
      }
      return previews.show(uri);
    }),
  );
}
