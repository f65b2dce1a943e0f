// The assistant's context inside VS Code: the extension's catalog store, its tokens (from
// SecretStorage, only to scrub them from answers) and the first workspace folder as the one
// place saves may go, through the same file-system adapter as Save Dataset to Workspace.

import * as vscode from 'vscode';
import type { AssistantContext, SaveTarget } from '../assistant/index';
import type { CatalogStore } from '../catalog/store';
import type { PortalTokens } from '../catalog/tokens';
import { fsPath, saveFsFor } from '../editor/saveCommands';
import { TOKEN_ENV_VAR } from '../snippets/request';

function workspaceSaveTarget(): SaveTarget | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  const fs = saveFsFor(folder.uri);
  const root = fsPath(folder.uri);
  const uriOf = (path: string): vscode.Uri => (folder.uri.scheme === 'file' ? vscode.Uri.file(path) : folder.uri.with({ path }));
  return {
    fs,
    root,
    defaultFolder: vscode.workspace.getConfiguration('okcOpenData').get<string>('saveFolder') || 'data',
    ensureFolder: async (path) => vscode.workspace.fs.createDirectory(uriOf(path)),
    display: (path) => vscode.workspace.asRelativePath(uriOf(path), false),
  };
}

export function vscodeAssistantContext(store: CatalogStore, tokens: PortalTokens, firstLoad: Promise<void>): AssistantContext {
  return {
    store,
    ready: () => firstLoad,
    // Schemas are cached per portal, so this shares the fetches of the indexing the refresh started.
    fieldsIndexed: () => firstLoad.then(() => store.indexFields()),
    secrets: async () => (await Promise.all(store.states().map((s) => tokens.get(s.config.name)))).filter((t): t is string => !!t),
    get save() {
      return workspaceSaveTarget();
    },
    saveDisabledReason: 'Saving needs an open workspace folder; ask the user to open one, or use okcOpenData_generateSnippet for code that downloads the rows.',
    tokenEnvVar: TOKEN_ENV_VAR,
  };
}
