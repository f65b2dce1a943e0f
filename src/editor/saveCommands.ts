// "Save Dataset to Workspace" and "Refresh Saved Dataset": the editor side of src/save.
// The engine streams pages into a temp file and renames it into place only when the row
// count checks out; here we ask the questions, show progress, and map failures to words.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CatalogStore } from '../catalog/store';
import { plural, portalProblem } from '../messages';
import { isPortalError } from '../portal/errors';
import type { DatasetSchema, DatasetSummary, Portal } from '../portal/types';
import type { DatasetQuery } from '../query/model';
import {
  NodeSaveFs,
  refreshSavedDataset,
  SAVE_FORMATS,
  saveDataset,
  SaveError,
  sidecarPathFor,
  SIDECAR_SUFFIX,
  SpoolingSaveFs,
  targetPathFor,
  type SaveFormat,
  type SaveFs,
  type WholeFileFs,
} from '../save/index';
import { showControls } from '../util/text';

/** Answers for tests and callers that already know them (the grid passes its query). */
export interface SaveCommandOptions {
  /** The caller's current query (the grid's filters and sort); the user then chooses it or the whole dataset. */
  query?: DatasetQuery;
  /** Skips that choice: `query` saves the query as given, `all` the whole dataset. */
  scope?: 'query' | 'all';
  format?: SaveFormat;
  /** Folder URI (string) to save into; default the `okcOpenData.saveFolder` of the first workspace folder. */
  folder?: string;
  fileName?: string;
  /** Replace an existing file without asking. */
  overwrite?: boolean;
  /** Cancels like the notification's Cancel button (for callers with their own UI). */
  signal?: AbortSignal;
}

export interface SaveOutcome {
  uri: vscode.Uri;
  rows: number;
}

const FORMAT_LABELS: Record<SaveFormat, string> = { csv: 'CSV', json: 'JSON', geojson: 'GeoJSON', ndjson: 'NDJSON' };

export async function saveDatasetCommand(store: CatalogStore, dataset: DatasetSummary, options: SaveCommandOptions = {}): Promise<SaveOutcome | undefined> {
  const portal = store.portal(dataset.portal);
  if (!portal) return undefined;
  let schema: DatasetSchema;
  try {
    portal.forget?.(dataset);
    schema = await portal.getSchema(dataset);
  } catch (error) {
    void vscode.window.showErrorMessage(describeFailure(dataset.portal, error));
    return undefined;
  }

  const format = options.format ?? (await askFormat(schema));
  if (!format) return undefined;
  // From the palette or the tree there is no current query: the whole dataset it is.
  let query: DatasetQuery = {};
  if (options.query && (options.query.filters?.length || options.query.sort?.length)) {
    const scope = options.scope ?? (await askScope(portal, dataset, options.query));
    if (!scope) return undefined;
    if (scope === 'query') query = options.query;
  } else if (options.query) query = options.query;

  const folderUri = options.folder ? vscode.Uri.parse(options.folder) : await defaultFolder();
  if (!folderUri) return undefined;
  const fs = saveFsFor(folderUri);
  const folder = fsPath(folderUri);
  await vscode.workspace.fs.createDirectory(folderUri);

  let name = options.fileName;
  if (name === undefined) {
    const proposed = fs.path.basename(targetPathFor(fs, folder, dataset.title, format));
    name = await vscode.window.showInputBox({
      title: vscode.l10n.t('Save {0} as {1}', showControls(dataset.title), FORMAT_LABELS[format]),
      prompt: vscode.l10n.t('File name in {0}', vscode.workspace.asRelativePath(folderUri)),
      value: proposed,
      valueSelection: [0, proposed.length - path.extname(proposed).length],
    });
    if (!name) return undefined;
  }
  const target = targetPathFor(fs, folder, name.replace(/\.[^.]+$/, ''), format);
  let overwrite = options.overwrite ?? false;
  if (!overwrite && (await fs.exists(target))) {
    const replace = vscode.l10n.t('Replace');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} already exists. Replace it? The current file stays untouched until the new one is complete.', fs.path.basename(target)),
      { modal: true },
      replace,
    );
    if (answer !== replace) return undefined;
    overwrite = true;
  }

  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Saving {0}', showControls(dataset.title)), cancellable: true },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        options.signal?.addEventListener('abort', () => controller.abort());
        if (options.signal?.aborted) controller.abort();
        let reported = 0;
        return saveDataset({
          portal,
          dataset,
          schema,
          query,
          format,
          fs,
          folder,
          fileName: fs.path.basename(target).replace(/\.[^.]+$/, ''),
          overwrite,
          escapeFormulae: format === 'csv' && vscode.workspace.getConfiguration('okcOpenData').get<boolean>('csvEscapeFormulas', false),
          signal: controller.signal,
          onProgress: (p) => {
            const percent = Math.floor(p.percent);
            progress.report({
              increment: Math.max(0, percent - reported),
              message: p.total
                ? plural(p.total, () => vscode.l10n.t('{0} of {1} row', p.rows.toLocaleString(), p.total!.toLocaleString()), () => vscode.l10n.t('{0} of {1} rows', p.rows.toLocaleString(), p.total!.toLocaleString()))
                : rowCount(p.rows),
            });
            reported = Math.max(reported, percent);
          },
        });
      },
    );
    const uri = folderUri.with({ path: path.posix.join(folderUri.path, fs.path.basename(result.path)) });
    const open = vscode.l10n.t('Open');
    void vscode.window
      .showInformationMessage(plural(
          result.rows,
          () => vscode.l10n.t('Saved {0} row of {1} to {2}.', result.rows.toLocaleString(), showControls(dataset.title), vscode.workspace.asRelativePath(uri)),
          () => vscode.l10n.t('Saved {0} rows of {1} to {2}.', result.rows.toLocaleString(), showControls(dataset.title), vscode.workspace.asRelativePath(uri)),
        ), open)
      .then((choice) => (choice === open ? vscode.commands.executeCommand('vscode.open', uri) : undefined));
    return { uri, rows: result.rows };
  } catch (error) {
    void vscode.window.showErrorMessage(describeFailure(dataset.portal, error));
    return undefined;
  }
}

export interface RefreshOutcome {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  rows: number;
}

/** Re-runs the query recorded beside a saved file and reports what changed. */
export async function refreshSavedDatasetCommand(store: CatalogStore, resource: vscode.Uri | undefined): Promise<RefreshOutcome | undefined> {
  const uri = resource ?? (await pickSavedFile());
  if (!uri) return undefined;
  const dataUri = uri.path.endsWith(SIDECAR_SUFFIX) ? uri.with({ path: uri.path.slice(0, -SIDECAR_SUFFIX.length) }) : uri;
  const folderUri = dataUri.with({ path: path.posix.dirname(dataUri.path) });
  const fs = saveFsFor(folderUri);
  const dataPath = fs.path.join(fsPath(folderUri), path.posix.basename(dataUri.path));
  if (!(await fs.exists(sidecarPathFor(dataPath)))) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('{0} has no provenance file ({1}) beside it, so there is no query to re-run. Save the dataset again with "Save Dataset to Workspace".', path.posix.basename(dataUri.path), path.posix.basename(dataUri.path) + SIDECAR_SUFFIX),
    );
    return undefined;
  }
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Refreshing {0}', path.posix.basename(dataUri.path)), cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        const sidecarBytes = await vscode.workspace.fs.readFile(dataUri.with({ path: dataUri.path + SIDECAR_SUFFIX }));
        const recorded = JSON.parse(new TextDecoder().decode(sidecarBytes)) as { portal?: { name?: string }; dataset?: { id?: string } };
        const portal = recorded.portal?.name ? store.portal(recorded.portal.name) : undefined;
        if (!portal) throw new SaveError('badSidecar', vscode.l10n.t('The portal "{0}" this file came from is not configured any more.', recorded.portal?.name ?? '?'));
        const dataset = recorded.dataset?.id ? store.find(portal.config.name, recorded.dataset.id) : undefined;
        if (dataset) portal.forget?.(dataset);
        return refreshSavedDataset({
          fs,
          dataPath,
          portal,
          dataset,
          signal: controller.signal,
          onProgress: (p) => progress.report({ message: rowCount(p.rows) }),
        });
      },
    );
    const summary = vscode.l10n.t(
      '{0}: rows added {1}, removed {2}, changed {3}, unchanged {4}.',
      path.posix.basename(dataUri.path),
      result.added,
      result.removed,
      result.changed,
      result.unchanged,
    );
    const notes = [
      result.editedSinceSave
        ? vscode.l10n.t('The file did not match its provenance file (edited since it was saved, or an earlier save was interrupted); both are now rewritten and match.')
        : '',
      result.columnsChanged ? vscode.l10n.t('The dataset\'s columns changed since the last save.') : '',
    ].filter(Boolean);
    void vscode.window.showInformationMessage([summary, ...notes].join(' '));
    return { added: result.added, removed: result.removed, changed: result.changed, unchanged: result.unchanged, rows: result.rows };
  } catch (error) {
    void vscode.window.showErrorMessage(describeFailure(undefined, error));
    return undefined;
  }
}

/** "1 row", "2,500 rows". */
function rowCount(n: number): string {
  return plural(n, () => vscode.l10n.t('{0} row', n.toLocaleString()), () => vscode.l10n.t('{0} rows', n.toLocaleString()));
}

function describeFailure(portalName: string | undefined, error: unknown): string {
  if (error instanceof SaveError) {
    switch (error.kind) {
      case 'cancelled':
        return vscode.l10n.t('The save was cancelled. No file was written and any existing file is unchanged.');
      case 'countMismatch':
        return vscode.l10n.t('The download did not match the portal\'s row count ({0}). Nothing was written and any existing file is unchanged; try again.', error.message);
      case 'exists':
        return vscode.l10n.t('{0} Choose another name or allow replacing it.', error.message);
      case 'badSidecar':
        return vscode.l10n.t('The provenance file cannot be used: {0}', error.message);
      case 'sidecarStale':
        return vscode.l10n.t('{0}. It still describes the previous save (or is missing); save again or run "Refresh Saved Dataset" to repair it.', error.message);
    }
  }
  if (isPortalError(error)) {
    const prefix = portalProblem(portalName ?? vscode.l10n.t('The portal'), error);
    return vscode.l10n.t('{0} Nothing was written and any existing file is unchanged.', prefix);
  }
  return vscode.l10n.t('Saving failed: {0}. Nothing was written and any existing file is unchanged.', (error as Error)?.message ?? String(error));
}

async function askFormat(schema: DatasetSchema): Promise<SaveFormat | undefined> {
  const hasGeometry = schema.geometry !== 'none' && schema.fields.some((f) => f.kind === 'geometry');
  const items = SAVE_FORMATS.filter((f) => f !== 'geojson' || hasGeometry).map((format) => ({
    label: FORMAT_LABELS[format],
    format,
    detail:
      format === 'csv'
        ? vscode.l10n.t('RFC 4180, UTF-8, header row')
        : format === 'json'
          ? vscode.l10n.t('Array of objects; numbers as numbers, dates as ISO 8601')
          : format === 'geojson'
            ? vscode.l10n.t('FeatureCollection in WGS84 (longitude, latitude)')
            : vscode.l10n.t('One JSON object per line'),
  }));
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Save Dataset to Workspace: format') }))?.format;
}

async function askScope(portal: Portal, dataset: DatasetSummary, query: DatasetQuery): Promise<'query' | 'all' | undefined> {
  const [matching, all] = await Promise.all([portal.countRows(dataset, query).catch(() => undefined), portal.countRows(dataset, {}).catch(() => undefined)]);
  const rows = (n: number | undefined): string | undefined => (n === undefined ? undefined : rowCount(n));
  const pick = await vscode.window.showQuickPick(
    [
      { label: `$(filter) ${vscode.l10n.t('Current query')}`, description: rows(matching), detail: describeQuery(query), scope: 'query' as const },
      { label: `$(database) ${vscode.l10n.t('Whole dataset')}`, description: rows(all), scope: 'all' as const },
    ],
    { title: vscode.l10n.t('Save {0}', showControls(dataset.title)), placeHolder: vscode.l10n.t('Save the rows of the current query, or every row?') },
  );
  return pick?.scope;
}

function describeQuery(query: DatasetQuery): string {
  const filters = (query.filters ?? []).map((f) => `${f.field} ${f.op}${f.value === undefined ? '' : ` ${Array.isArray(f.value) ? f.value.join(', ') : f.value}`}`);
  const sort = (query.sort ?? []).map((s) => `${s.field} ${s.descending ? '↓' : '↑'}`);
  return [filters.join(query.join === 'or' ? ' OR ' : ' AND '), sort.length ? vscode.l10n.t('sorted by {0}', sort.join(', ')) : ''].filter(Boolean).join(' · ');
}

async function defaultFolder(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const relative = vscode.workspace.getConfiguration('okcOpenData').get<string>('saveFolder') || 'data';
  if (folders.length === 1) return vscode.Uri.joinPath(folders[0].uri, relative);
  if (folders.length > 1) {
    const folder = await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Save into which workspace folder?') });
    return folder ? vscode.Uri.joinPath(folder.uri, relative) : undefined;
  }
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, openLabel: vscode.l10n.t('Save Here') });
  return picked?.[0];
}

async function pickSavedFile(): Promise<vscode.Uri | undefined> {
  const sidecars = await vscode.workspace.findFiles(`**/*${SIDECAR_SUFFIX}`, '**/node_modules/**', 200);
  if (!sidecars.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No saved dataset found in the workspace (they have a .okc.json file beside them).'));
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    sidecars.map((uri) => ({ label: vscode.workspace.asRelativePath(uri).slice(0, -SIDECAR_SUFFIX.length), uri })),
    { placeHolder: vscode.l10n.t('Which saved dataset should be refreshed?') },
  );
  return pick?.uri;
}

/** file: folders use node:fs directly (true streaming); anything else goes through vscode.workspace.fs. */
export function saveFsFor(folder: vscode.Uri): SaveFs {
  if (folder.scheme === 'file') return new NodeSaveFs();
  const at = (p: string): vscode.Uri => folder.with({ path: p });
  const whole: WholeFileFs = {
    path: path.posix,
    readFile: async (p) => vscode.workspace.fs.readFile(at(p)),
    writeFile: async (p, bytes) => vscode.workspace.fs.writeFile(at(p), bytes),
    stat: async (p) => {
      try {
        return { size: (await vscode.workspace.fs.stat(at(p))).size };
      } catch (error) {
        if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
        throw error;
      }
    },
    rename: async (from, to, options) => vscode.workspace.fs.rename(at(from), at(to), options),
    delete: async (p) => vscode.workspace.fs.delete(at(p)),
  };
  return new SpoolingSaveFs(whole);
}

export function fsPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.path;
}
