// Agent tools: a search over a warm catalog, a grouped count over the fake's 1,000,000-row
// layer computed on the portal, the MCP server from spawn to its tool list, and its bundle size.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { runTool } from '../src/assistant/index';
import { nodeAssistantContext } from '../src/mcp/host';
import { BIG_TITLE } from '../test/portal/data';
import { startFakePortal } from '../test/portal/server';
import { median, medianMs, reportBench } from './common';

async function main(): Promise<void> {
  const fake = await startFakePortal({ port: 0, bigRows: 1_000_000 });
  try {
    const portals = [
      { name: 'Hub', kind: 'hub' as const, url: fake.baseUrl },
      { name: 'Legacy', kind: 'legacy' as const, url: fake.baseUrl },
    ];
    const tools = nodeAssistantContext({ portals, saveFolder: '', timeoutSeconds: 60 }, {}, () => undefined);
    await tools.fieldsIndexed!();
    const search = await medianMs(9, () => runTool('okcOpenData_searchDatasets', { text: 'ward amount' }, tools), 2);
    const big = fake.catalog.byTitle(BIG_TITLE)!.hubId;
    const stats = await medianMs(5, async () => {
      const answer = await runTool('okcOpenData_queryDataset', { dataset: big, groupBy: ['Ward'], statistics: [{ type: 'count', field: '*' }] }, tools);
      if (answer.isError || !/Computed on the portal/.test(answer.text)) throw new Error(answer.text);
    });
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const client = new Client({ name: 'bench', version: '1' });
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [join('dist', 'mcp.js'), '--portals-json', JSON.stringify(portals)], stderr: 'ignore' }));
      await client.listTools();
      starts.push(performance.now() - started);
      await client.close();
    }
    reportBench({ tool_search_ms: search, tool_query_stats_ms: stats, mcp_start_ms: median(starts), mcp_bundle_bytes: statSync(join('dist', 'mcp.js')).size });
  } finally {
    await fake.close();
  }
}

void main();
