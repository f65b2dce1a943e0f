// The assistant's tools over the Model Context Protocol: the same definitions, the same
// answers, through the official SDK's low-level Server (the JSON input schemas are ours,
// shared with the LM tools, so no zod schemas are needed). No `vscode` import.
//
// Saving outside VS Code: the host (main.ts) enables the save tool only with --allow-save DIR
// and it writes only inside DIR. When the client can ask its user (MCP elicitation), the
// server asks first, naming the file and the row count, as VS Code's confirmation does.

import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { describePlan, planSave, runTool, SAVE_DECLINED, TOOL_DEFINITIONS, type AssistantContext, type ToolName } from '../assistant/index';

export const MCP_SERVER_NAME = 'okc-open-data';

function toolList(): Tool[] {
  return TOOL_DEFINITIONS.map((t) => ({
    name: t.name,
    title: t.displayName,
    description: t.modelDescription,
    inputSchema: t.inputSchema as Tool['inputSchema'],
    annotations: {
      title: t.displayName,
      readOnlyHint: t.readOnly,
      // Saving may replace a file (only with overwrite: true) and only inside --allow-save.
      destructiveHint: !t.readOnly,
      idempotentHint: t.readOnly,
      openWorldHint: true,
    },
  }));
}

/** The SDK's default validator, built on first use: building Ajv (with its formats) costs
 * start-up time, and only an elicitation answer (the save confirmation) is ever validated. */
function lazyValidator(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined;
  return { getValidator: (schema) => (ajv ??= new AjvJsonSchemaValidator()).getValidator(schema) };
}

/** `onToolsListed` runs once a tool list has been sent (the host starts its background work then). */
export function createMcpServer(context: AssistantContext, version: string, onToolsListed?: () => void): Server {
  const server = new Server({ name: MCP_SERVER_NAME, version }, { capabilities: { tools: {} }, jsonSchemaValidator: lazyValidator() });
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    if (onToolsListed) setImmediate(onToolsListed);
    return { tools: toolList() };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const name = request.params.name as ToolName;
    const input = request.params.arguments ?? {};
    if (name === 'okcOpenData_saveDataset' && server.getClientCapabilities()?.elicitation) {
      const declined = await askToSave(server, context, input, extra.signal);
      if (declined) return { content: [{ type: 'text', text: declined }], isError: true };
    }
    const answer = await runTool(name, input, context, { signal: extra.signal });
    return { content: [{ type: 'text', text: answer.text }], isError: answer.isError };
  });
  return server;
}

/** Asks the client's user; returns why not to save, or undefined to go ahead. */
async function askToSave(server: Server, context: AssistantContext, input: Record<string, unknown>, signal: AbortSignal): Promise<string | undefined> {
  let plan;
  try {
    plan = describePlan(await planSave(context, input, signal));
  } catch {
    // runTool plans again and answers with the reason.
    return undefined;
  }
  const result = await server.elicitInput({
    message: `Save ${plan.rows} row${plan.rows === 1 ? '' : 's'} as ${plan.format.toUpperCase()} to ${plan.file}${plan.replaces ? ', replacing the file there' : ''}?`,
    requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean', title: 'Save the file', default: true } }, required: ['confirm'] },
  });
  if (result.action === 'accept' && result.content?.confirm !== false) return undefined;
  return SAVE_DECLINED;
}
