// `node dist/mcp.js`: the OKC open-data tools as a stdio MCP server for any MCP client
// (see host.ts for the command line). Only the protocol goes to stdout; logs go to stderr.

import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { version } from '../../package.json';
import { nodeAssistantContext, parseArgs, type McpOptions } from './host';
import { createMcpServer } from './server';

async function main(): Promise<void> {
  let options: McpOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const log = (line: string): void => void process.stderr.write(`[okc-open-data-mcp] ${line}\n`);
  const context = nodeAssistantContext(options, process.env, log);
  // The catalog loads in the background, the first tool call waits for it. It starts once the
  // client has its tool list (what clients ask first), or soon after the handshake, so its first
  // request (which loads Node's fetch) does not hold up the handshake.
  let loading = false;
  const startLoading = (): void => {
    if (loading) return;
    loading = true;
    void context.fieldsIndexed?.();
  };
  const server = createMcpServer(context, version, startLoading);
  server.oninitialized = () => void setTimeout(startLoading, 200);
  await server.connect(new StdioServerTransport());
  log(`serving ${options.portals.map((p) => `${p.name} (${p.kind}) ${p.url}`).join(', ')}${options.allowSave ? `; saves allowed inside ${options.allowSave}` : '; saving off'}`);
}

void main();
