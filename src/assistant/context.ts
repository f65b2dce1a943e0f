// What the assistant's tools run on, supplied by each host (the VS Code extension, the MCP
// server): the catalog with its portals, where saves may go, and the secrets no answer may
// ever contain. No `vscode` import.

import type { CatalogStore } from '../catalog/store';
import type { SaveFs } from '../save/index';

export interface SaveTarget {
  fs: SaveFs;
  /** The only folder saves may write inside (the workspace folder; the MCP `--allow-save` folder). */
  root: string;
  /** Folder, relative to `root`, for a file name given without one (`okcOpenData.saveFolder`). */
  defaultFolder: string;
  /** Creates a folder (and its parents) inside root. */
  ensureFolder(path: string): Promise<void>;
  /** How the host names a saved file to the user: a workspace-relative path, say. */
  display(path: string): string;
}

export interface AssistantContext {
  store: CatalogStore;
  /** Resolves once the catalog has loaded (cache or portals); tools wait for it. */
  ready(): Promise<void>;
  /** Resolves once field names are indexed for search (see CatalogStore.indexFields). */
  fieldsIndexed?(): Promise<void>;
  /** Every token the host knows; scrubbed from any answer as a last line of defence. */
  secrets(): Promise<string[]>;
  /** Where saves may go; absent: the save tool answers that saving is not enabled here. */
  save?: SaveTarget;
  /** Why saving is off, said to the model when `save` is absent. */
  saveDisabledReason?: string;
  /** Environment variable generated code reads a token from. */
  tokenEnvVar: string;
}

/** What every tool returns, to both adapters: text for the model, and whether it failed. */
export interface ToolAnswer {
  text: string;
  isError: boolean;
}

/** A problem with what the model asked for, explained so it can ask again better. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}

export async function scrubSecrets(answer: ToolAnswer, context: AssistantContext): Promise<ToolAnswer> {
  let text = answer.text;
  for (const secret of await context.secrets().catch(() => [])) {
    if (secret && secret.length >= 4) text = text.split(secret).join('***');
  }
  return { ...answer, text };
}
