// What the integration suites share: the extension's API, pointed at fake portals, and
// datasets looked up by portal and title.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OkcOpenDataApi } from '../../src/extension';
import type { DatasetSummary } from '../../src/portal/types';

export const EXTENSION_ID = 'okc-open-data.okc-open-data';

/** The activated extension's API. */
async function extensionApi(): Promise<OkcOpenDataApi> {
  const extension = vscode.extensions.getExtension<OkcOpenDataApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** Sets `okcOpenData.portals` and waits for the catalog to load from them. */
export async function usePortals(portals: { name: string; kind: 'hub' | 'legacy'; url: string }[]): Promise<OkcOpenDataApi> {
  const okc = await extensionApi();
  await vscode.workspace.getConfiguration('okcOpenData').update('portals', portals, vscode.ConfigurationTarget.Global);
  await okc.refresh();
  return okc;
}

export function datasetIn(okc: OkcOpenDataApi, portal: string, title: string): DatasetSummary {
  const found = okc.store.allDatasets().find((d) => d.portal === portal && d.title === title);
  assert.ok(found, `${title} in ${portal}`);
  return found;
}
