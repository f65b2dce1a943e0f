// Offers the bundled MCP server (dist/mcp.js) to VS Code's MCP support, where the running
// VS Code has it (1.101 and later; `engines` stays lower, so the API is detected, not
// assumed). The server gets the configured portals and may save only inside the first
// workspace folder. Tokens go to it only when VS Code starts it (resolveMcpServerDefinition):
// read from SecretStorage then and passed in its environment, never in settings, mcp.json or
// the definition VS Code lists.

import * as vscode from 'vscode';
import type { PortalTokens } from '../catalog/tokens';
import { PORTAL_TOKENS_ENV_VAR } from '../mcp/tokens';
import { readPortalConfigs } from '../portal/index';

/** The part of the 1.101 API used here, for a build against older typings. */
interface McpApi {
  registerMcpServerDefinitionProvider(
    id: string,
    provider: {
      onDidChangeMcpServerDefinitions?: vscode.Event<void>;
      provideMcpServerDefinitions(token: vscode.CancellationToken): McpStdioServer[];
      resolveMcpServerDefinition?(server: McpStdioServer, token: vscode.CancellationToken): Promise<McpStdioServer | undefined>;
    },
  ): vscode.Disposable;
}
type McpEnv = Record<string, string | number | null>;
interface McpStdioServer {
  label: string;
  command: string;
  args: string[];
  env: McpEnv;
  version?: string;
}
type McpStdioServerDefinitionCtor = new (label: string, command: string, args?: string[], env?: McpEnv, version?: string) => unknown;

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

/** The server's environment with the configured portals' tokens (from SecretStorage, now). */
export async function withPortalTokens(env: McpEnv, tokens: PortalTokens): Promise<McpEnv> {
  const { portals } = readPortalConfigs(vscode.workspace.getConfiguration('okcOpenData').get('portals'));
  const byName: Record<string, string> = {};
  for (const { name } of portals) {
    const token = await tokens.get(name);
    if (token) byName[name] = token;
  }
  return Object.keys(byName).length ? { ...env, [PORTAL_TOKENS_ENV_VAR]: JSON.stringify(byName) } : env;
}

export function registerMcpServerProvider(context: vscode.ExtensionContext, tokens: PortalTokens): vscode.Disposable | undefined {
  const lm = vscode.lm as unknown as Partial<McpApi>;
  const Definition = (vscode as unknown as { McpStdioServerDefinition?: McpStdioServerDefinitionCtor }).McpStdioServerDefinition;
  if (typeof lm.registerMcpServerDefinitionProvider !== 'function' || typeof Definition !== 'function') return undefined;
  const changed = new vscode.EventEmitter<void>();
  const version = String(context.extension.packageJSON.version ?? '0');
  const registration = lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () => {
      const { command, args, env } = mcpServerCommand(context.extensionPath);
      return [new Definition(vscode.l10n.t('OKC Open Data'), command, args, env, version) as McpStdioServer];
    },
    // Called as VS Code starts the server: the tokens are read now and go only to its process.
    // A new definition, so the listed one VS Code keeps never holds a token.
    resolveMcpServerDefinition: async (server) =>
      new Definition(server.label, server.command, server.args, await withPortalTokens(server.env ?? {}, tokens), server.version) as McpStdioServer,
  });
  const watcher = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('okcOpenData.portals') || e.affectsConfiguration('okcOpenData.saveFolder')) changed.fire();
  });
  const folders = vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire());
  return vscode.Disposable.from(registration, watcher, folders, changed);
}
