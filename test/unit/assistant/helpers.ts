// What the assistant's unit tests share: a fake portal with both generations, the MCP host's
// assistant context on it (fast retries), and readers for the blocks of an answer.

import type { AssistantContext } from '../../../src/assistant/index';
import { nodeAssistantContext } from '../../../src/mcp/host';

export const HUB = 'Hub';
export const LEGACY = 'Legacy';

export function assistantOn(baseUrl: string, options: { allowSave?: string; env?: Record<string, string>; timeoutSeconds?: number } = {}): AssistantContext {
  return nodeAssistantContext(
    {
      portals: [
        { name: HUB, kind: 'hub', url: baseUrl },
        { name: LEGACY, kind: 'legacy', url: baseUrl },
      ],
      saveFolder: '',
      timeoutSeconds: options.timeoutSeconds ?? 3,
      allowSave: options.allowSave,
    },
    options.env ?? {},
    () => undefined,
    { retries: 1, backoffLimitMs: 20, maxRetryAfterMs: 2000 },
  );
}

/** The bodies of an answer's <untrusted-data> blocks with the given label. */
export function blocks(text: string, label: string): string[] {
  const found: string[] = [];
  const re = new RegExp(`<untrusted-data label="${label}" format="[a-z]+">\\n([\\s\\S]*?)\\n</untrusted-data>`, 'g');
  for (const m of text.matchAll(re)) found.push(m[1]);
  return found;
}

export function jsonBlock<T>(text: string, label: string): T {
  const [body] = blocks(text, label);
  if (body === undefined) throw new Error(`no ${label} block in:\n${text}`);
  return JSON.parse(body) as T;
}

/** CSV block rows as arrays (the tool writes plain RFC 4180 with \n). */
export function csvBlock(text: string, label: string): string[][] {
  const [body] = blocks(text, label);
  if (body === undefined) throw new Error(`no ${label} block in:\n${text}`);
  return body.split('\n').map((line) => line.split(','));
}

/** The text outside every block: what the tool itself says. */
export function outsideBlocks(text: string): string {
  return text.replace(/<untrusted-data label="[^"]*" format="[a-z]+">\n[\s\S]*?\n<\/untrusted-data>/g, '<BLOCK>');
}
