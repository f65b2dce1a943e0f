// Offers the bundled MCP server (dist/mcp.js) to VS Code's MCP support, where the running
// VS Code has it (1.101 and later; `engines` stays lower, so the API is detected, not
// assumed). The server gets the configured portals and may save only inside the first
// workspace folder. Tokens are not handed over: the server reads OKC_PORTAL_TOKEN from
// the environment, as it does outside VS Code.

import * as vscode from 'vscode';

/** The part of the 1.101 API used here, for a build against older typings. */
interface McpApi {
  registerMcpServerDefinitionProvider(
    id: string,
    provider: { onDidChangeMcpServerDefinitions?: vscode.Event<void>; provideMcpServerDefinitions(token: vscode.CancellationToken): unknown[] },
  ): vscode.Disposable;
}
type McpStdioServerDefinitionCtor = new (label: string, command: string, args?: string[], env?: Record<string, string | number | null>, version?: string) => unknown;

export const MCP_PROVIDER_ID = 'okcOpenData.mcp';

/** The command line that starts the server, for the provider and for tests. */
export function mcpServerCommand(extensionPath: string): { command: string; args: string[]; env: Record<string, string> } {
  const portals = vscode.workspace.getConfiguration('okcOpenData').get<unknown[]>('portals') ?? [];
  const folder = vscode.workspace.workspaceFolders?.[0];
  const saveFolder = vscode.workspace.getConfiguration('okcOpenData').get<string>('saveFolder') || 'data';
  const args = [vscode.Uri.joinPath(vscode.Uri.file(extensionPath), 'dist', 'mcp.js').fsPath, '--portals-json', JSON.stringify(portals)];
  if (folder?.uri.scheme === 'file') args.push('--allow-save', folder.uri.fsPath, '--save-folder', saveFolder);
  // The extension host's executable runs scripts as Node when told to (Electron); it is Node already in a server.
  return { command: process.execPath, args, env: { ELECTRON_RUN_AS_NODE: '1' } };
}

export function registerMcpServerProvider(context: vscode.ExtensionContext): vscode.Disposable | undefined {
  const lm = vscode.lm as unknown as Partial<McpApi>;
  const Definition = (vscode as unknown as { McpStdioServerDefinition?: McpStdioServerDefinitionCtor }).McpStdioServerDefinition;
  if (typeof lm.registerMcpServerDefinitionProvider !== 'function' || typeof Definition !== 'function') return undefined;
  const changed = new vscode.EventEmitter<void>();
  const version = String(context.extension.packageJSON.version ?? '0');
  const registration = lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () => {
      const { command, args, env } = mcpServerCommand(context.extensionPath);
      return [new Definition(vscode.l10n.t('OKC Open Data'), command, args, env, version)];
    },
  });
  const watcher = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('okcOpenData.portals') || e.affectsConfiguration('okcOpenData.saveFolder')) changed.fire();
  });
  const folders = vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire());
  return vscode.Disposable.from(registration, watcher, folders, changed);
}
