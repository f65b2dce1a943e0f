// "Show on Map": for a dataset (tree, metadata panel, grid toolbar, palette), a saved
// .geojson file, or a CSV/TSV with latitude and longitude columns (found by name and value
// range; the user picks when the guess is unsure). Returns the panel's MapHandle for tests.
// Also brings map panels back after a window reload.

import * as vscode from 'vscode';
import { buildRowIndex, nodeFileSource, readHeader, readRows, sniffDialect } from '../csv/index';
import { resolveDataset } from '../catalog/commands';
import type { CatalogStore } from '../catalog/store';
import type { CellValue, DataRow, DatasetSummary } from '../portal/types';
import type { GridColumn } from '../protocol';
import { showControls } from '../util/text';
import { GeoJsonFileError, geoJsonRows, guessLatLon, latLonRows } from './features';
import type { LinkedQuery } from './gridLink';
import { MAP_VIEW_TYPE, MapPanels, WHOLE_LIMIT, type MapHandle } from './mapPanel';
import { readMapPanelState } from './panelState';
import { showDatasetGone } from '../preview/webviewHost';
import { setMapAssets } from './mapSettings';

/** Files larger than this are not mapped whole from memory. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;
const SAMPLE_ROWS = 200;

export interface ShowOnMapOptions {
  /** The grid's query (filters and portal sort) to draw; the open grid's when absent. */
  query?: LinkedQuery;
  /** For tests: the lat/lon columns to use instead of asking. */
  latLon?: { lat: string; lon: string };
  /** The panel VS Code restored after a reload. */
  restored?: vscode.WebviewPanel;
}

export function registerMapCommands(c: { context: vscode.ExtensionContext; store: CatalogStore }): vscode.Disposable {
  setMapAssets(c.context.extensionUri);
  const panels = new MapPanels(c.context.extensionUri, c.store);
  const pick = (arg: unknown): Promise<DatasetSummary | undefined> => resolveDataset(c, arg, vscode.l10n.t('Which dataset should the map show?'));
  return vscode.Disposable.from(
    panels,
    vscode.window.registerWebviewPanelSerializer(MAP_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const s = readMapPanelState(state);
        if (s?.kind === 'remote') {
          const dataset = await c.store.waitFor(s.portal, s.id);
          if (dataset) panels.showDataset(dataset, { filters: s.filters ?? [], sort: s.sort ?? [] }, panel);
          else showDatasetGone(panel, c.context.extensionUri);
        } else if (s?.kind === 'file') {
          // No questions on a restore: a CSV maps from the columns it was mapped from (a
          // changed file fails with a message), and one without them is not restored.
          const uri = vscode.Uri.parse(s.uri);
          const handle = s.latLon || /\.geojson$/i.test(uri.path) ? await showFile(panels, uri, { latLon: s.latLon, restored: panel }) : undefined;
          if (!handle) panel.dispose();
        } else panel.dispose();
      },
    }),
    vscode.commands.registerCommand('okcOpenData.showOnMap', async (arg?: unknown, options?: ShowOnMapOptions): Promise<MapHandle | undefined> => {
      const uri = arg instanceof vscode.Uri ? arg : arg === undefined ? activeFileUri() : undefined;
      if (uri && /\.(geojson|csv|tsv)$/i.test(uri.path)) return showFile(panels, uri, options);
      const dataset = await pick(arg);
      if (!dataset) return undefined;
      if (dataset.geometry === 'none') {
        void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" has no geometry to map.', showControls(dataset.title)));
        return undefined;
      }
      return panels.showDataset(dataset, options?.query);
    }),
  );
}

function activeFileUri(): vscode.Uri | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' ? uri : undefined;
}

async function showFile(panels: MapPanels, uri: vscode.Uri, options?: ShowOnMapOptions): Promise<MapHandle | undefined> {
  const name = uri.path.split('/').pop() ?? uri.path;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_FILE_BYTES) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} is larger than {1} MB; the map reads files of up to that size.', name, MAX_FILE_BYTES / 1024 / 1024));
      return undefined;
    }
    if (/\.geojson$/i.test(uri.path)) {
      const rows = geoJsonRows(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
      return panels.showRows(uri.toString(), name, columnsOf(rows), rows, undefined, options?.restored);
    }
    const rows = await csvPointRows(uri, options?.latLon);
    if (!rows) return undefined;
    return panels.showRows(uri.toString(), name, rows.columns, rows.rows, rows.latLon, options?.restored);
  } catch (error) {
    const reason = error instanceof GeoJsonFileError ? error.message : (error as Error).message ?? String(error);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not map {0}: {1}. The file was not changed.', name, reason));
    return undefined;
  }
}

/** Columns of GeoJSON properties, in first-seen order; kinds from the values. */
function columnsOf(rows: DataRow[]): GridColumn[] {
  const kinds = new Map<string, GridColumn['kind']>();
  for (const row of rows.slice(0, 1000)) {
    for (const [k, v] of Object.entries(row.attributes)) {
      const kind: GridColumn['kind'] = typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'double') : 'string';
      if (!kinds.has(k) || (v !== null && kinds.get(k) !== kind && kinds.get(k) !== 'string')) kinds.set(k, v === null ? (kinds.get(k) ?? 'string') : kind);
    }
  }
  return [...kinds].map(([name, kind]) => ({ name, label: name, kind }));
}

async function csvPointRows(uri: vscode.Uri, given?: { lat: string; lon: string }): Promise<{ columns: GridColumn[]; rows: DataRow[]; latLon: { lat: string; lon: string } } | undefined> {
  const source = nodeFileSource(uri.fsPath);
  try {
    const dialect = await sniffDialect(source, /\.tsv$/i.test(uri.path) ? { delimiter: '\t' } : {});
    const { index, done } = buildRowIndex(source, dialect);
    await done;
    if (index.rowCount > WHOLE_LIMIT * 5) throw new Error(vscode.l10n.t('{0} rows are more than the map draws from a file', index.rowCount));
    const header = (await readHeader(source, index, dialect)) ?? [];
    const all = await readRows(source, index, dialect, 0, index.rowCount);
    const cells: CellValue[][] = all.rows;
    let lat: number;
    let lon: number;
    if (given) {
      lat = header.indexOf(given.lat);
      lon = header.indexOf(given.lon);
      if (lat < 0 || lon < 0) throw new Error(vscode.l10n.t('no columns named {0} and {1}', given.lat, given.lon));
    } else {
      const guess = guessLatLon(header, cells.slice(0, SAMPLE_ROWS));
      if (guess?.sure) ({ lat, lon } = guess);
      else {
        const picked = await pickColumns(header, guess);
        if (!picked) return undefined;
        ({ lat, lon } = picked);
      }
    }
    return { columns: header.map((name) => ({ name, label: name, kind: 'text' })), rows: latLonRows(header, cells, lat, lon), latLon: { lat: header[lat], lon: header[lon] } };
  } finally {
    await source.close();
  }
}

async function pickColumns(header: string[], guess: { lat: number; lon: number } | undefined): Promise<{ lat: number; lon: number } | undefined> {
  const items = header.map((name, i) => ({ label: showControls(name), i }));
  const ask = async (title: string, preferred?: number): Promise<number | undefined> => {
    const ordered = preferred === undefined ? items : [items[preferred], ...items.filter((x) => x.i !== preferred)];
    return (await vscode.window.showQuickPick(ordered, { title, placeHolder: vscode.l10n.t('The columns could not be told for sure; pick them.') }))?.i;
  };
  const lat = await ask(vscode.l10n.t('Which column holds the latitude?'), guess?.lat);
  if (lat === undefined) return undefined;
  const lon = await ask(vscode.l10n.t('Which column holds the longitude?'), guess?.lon);
  return lon === undefined ? undefined : { lat, lon };
}
