// Everything the extension registers besides the Catalog view: commands, panels and their
// restore, read-only documents, chat tools and the MCP server. Built as its own bundle
// (dist/features.js) and loaded just after activation or by the first command, so that
// activation evaluates only the catalog's modules. Modules both bundles use are the
// activation bundle's instances (see esbuild.mjs), so state and `instanceof` are shared.

import * as vscode from 'vscode';
import { registerCatalogCommands, type CatalogCommandContext } from './catalog/commands';
import { registerMapCommands } from './map/commands';
import { registerReadOnlyText } from './preview/readOnlyText';
import { vscodeAssistantContext } from './tools/context';
import { registerLanguageModelTools } from './tools/lmTools';
import { registerMcpServerProvider } from './tools/mcpProvider';

export interface FeatureContext extends CatalogCommandContext {
  /** Resolves when the first catalog refresh after activation has finished. */
  firstLoad: Promise<void>;
}

export function registerFeatures(c: FeatureContext): vscode.Disposable {
  const disposables = [
    registerCatalogCommands(c),
    registerMapCommands(c),
    registerReadOnlyText(),
    // The catalog as tools for chat and agents: LM tools, and the MCP server where VS Code has MCP.
    registerLanguageModelTools(vscodeAssistantContext(c.store, c.tokens, c.firstLoad)),
  ];
  const mcp = registerMcpServerProvider(c.context, c.tokens);
  if (mcp) disposables.push(mcp);
  return vscode.Disposable.from(...disposables);
}
