// The map's settings and fixed assets: the online tile source (`okcOpenData.map.basemap`),
// the county outlines built into dist/webview at build time, and the words the webview shows.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const OSM = { url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: '© OpenStreetMap contributors' };

/** The tile source the setting names, or undefined for `none` (or a value that is no https template). */
export function basemapTiles(): { url: string; attribution: string; origin: string } | undefined {
  const value = (vscode.workspace.getConfiguration('okcOpenData.map').get<string>('basemap') ?? 'none').trim();
  if (!value || value === 'none') return undefined;
  const tiles = value === 'osm' ? OSM : { url: value, attribution: '' };
  let origin: string;
  try {
    const probe = new URL(tiles.url.replace(/\{[a-z]\}/gi, '0'));
    if (probe.protocol !== 'https:' && !(probe.protocol === 'http:' && probe.hostname === '127.0.0.1')) throw new Error('not https');
    origin = probe.origin;
  } catch {
    void vscode.window.showWarningMessage(vscode.l10n.t('okcOpenData.map.basemap must be none, osm or an https URL template with {z}, {x} and {y}; the map shows the county outlines only.'));
    return undefined;
  }
  return { ...tiles, attribution: tiles.attribution || vscode.l10n.t('Tiles: {0}', new URL(origin).host), origin };
}

let counties: unknown;
let countiesPath = '';

export function setMapAssets(extensionUri: vscode.Uri): void {
  countiesPath = join(extensionUri.fsPath, 'dist', 'webview', 'oklahoma-counties.json');
}

/** Oklahoma's county outlines (GeoJSON), read once. */
export function countiesGeoJson(): unknown {
  if (counties === undefined) {
    try {
      counties = JSON.parse(readFileSync(countiesPath, 'utf8'));
    } catch {
      counties = { type: 'FeatureCollection', features: [] };
    }
  }
  return counties;
}

/** Words the map webview shows; it has no access to vscode.l10n. */
export function mapLabels(): Record<string, string> {
  return {
    features: vscode.l10n.t('{0} features'),
    feature: vscode.l10n.t('1 feature'),
    noGeometry: vscode.l10n.t('{0} % without geometry'),
    inView: vscode.l10n.t('Showing {0} of {1} in view'),
    loading: vscode.l10n.t('Loading features… {0} %'),
    colorBy: vscode.l10n.t('Colour by'),
    noColor: vscode.l10n.t('One colour'),
    other: vscode.l10n.t('Other'),
    missing: vscode.l10n.t('missing'),
    counties: vscode.l10n.t('Counties'),
    drawBox: vscode.l10n.t('Draw a rectangle'),
    drawCircle: vscode.l10n.t('Pick a point and radius'),
    drawHint: vscode.l10n.t('Drag on the map'),
    filterGrid: vscode.l10n.t('Filter Grid'),
    insertSnippet: vscode.l10n.t('Insert Snippet'),
    save: vscode.l10n.t('Save…'),
    clearShape: vscode.l10n.t('Clear shape'),
    rowDetail: vscode.l10n.t('Row {0}'),
    close: vscode.l10n.t('Close'),
    cutNote: vscode.l10n.t('Showing the first {0} of {1} characters.'),
    filtered: vscode.l10n.t('Filtered: {0}'),
    error: vscode.l10n.t('Error'),
    mapLabel: vscode.l10n.t('Map of {0}'),
    zoomToData: vscode.l10n.t('Zoom to features'),
  };
}
