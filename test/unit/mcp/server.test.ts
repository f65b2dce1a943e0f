// The bundled MCP server (dist/mcp.js) over stdio, driven by the SDK's own client: it lists
// the five tools and answers each call exactly as the assistant (and so the LM tools)
// answers the same input.

import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { runTool, TOOL_DEFINITIONS, type AssistantContext, type ToolName } from '../../../src/assistant/index';
import { BIG_TITLE } from '../../portal/data';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { assistantOn, HUB, LEGACY } from '../assistant/helpers';

describe('MCP server (dist/mcp.js) over stdio', function () {
  this.timeout(60_000);
  let fake: FakePortal;
  let client: Client;
  let direct: AssistantContext;
  let mcpDir: string;
  let directDir: string;
  let stderr = '';

  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 20_000 });
    mcpDir = mkdtempSync(join(tmpdir(), 'okc-mcp-'));
    directDir = mkdtempSync(join(tmpdir(), 'okc-direct-'));
    const portals = [
      { name: HUB, kind: 'hub', url: fake.baseUrl },
      { name: LEGACY, kind: 'legacy', url: fake.baseUrl },
    ];
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join('dist', 'mcp.js'), '--portals-json', JSON.stringify(portals), '--allow-save', mcpDir],
      env: { PATH: process.env.PATH ?? '' },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'okc-test', version: '1.0.0' });
    await client.connect(transport);
    direct = assistantOn(fake.baseUrl, { allowSave: directDir });
    await direct.fieldsIndexed!();
    // The server indexes field names in the background: wait until a search by one is as
    // whole as the finished index in this process makes it (the index skips a layer whose
    // answer passes INDEX_MAX_SCHEMA_BYTES, the 50 MB description, for good).
    const unknownFields = (text: string): string => /field names of (\d+) datasets? (?:are|is) not known yet/.exec(text)?.[1] ?? '0';
    const whole = unknownFields((await runTool('okcOpenData_searchDatasets', { text: 'RecordKey' }, direct)).text);
    for (let tries = 0; ; tries++) {
      const result = (await client.callTool({ name: 'okcOpenData_searchDatasets', arguments: { text: 'RecordKey' } })) as { content: { text: string }[] };
      if (unknownFields(result.content[0].text) === whole) break;
      if (tries > 100) throw new Error(`the MCP server never finished indexing: ${result.content[0].text}`);
    }
  });
  after(async () => {
    await client?.close();
    rmSync(mcpDir, { recursive: true, force: true });
    rmSync(directDir, { recursive: true, force: true });
    await fake.close();
  });

  it('lists every tool with its input schema and read-only hint', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      TOOL_DEFINITIONS.map((t) => t.name),
    );
    for (const tool of tools) {
      const definition = TOOL_DEFINITIONS.find((t) => t.name === tool.name)!;
      assert.deepEqual(tool.inputSchema, definition.inputSchema);
      assert.equal(tool.annotations?.readOnlyHint, definition.readOnly);
    }
  });

  const big = (): string => fake.catalog.byTitle(BIG_TITLE)!.hubId;
  const calls: [string, ToolName, () => Record<string, unknown>][] = [
    ['a search by field name', 'okcOpenData_searchDatasets', () => ({ text: 'RecordKey' })],
    ['a description', 'okcOpenData_describeDataset', () => ({ dataset: big() })],
    ['rows of a sorted query', 'okcOpenData_queryDataset', () => ({ dataset: big(), where: 'Ward = 2', orderBy: 'Amount DESC', limit: 7 })],
    ['a refused where clause', 'okcOpenData_queryDataset', () => ({ dataset: big(), where: 'Nope = 1' })],
    ['R code for a legacy dataset', 'okcOpenData_generateSnippet', () => ({ dataset: 'Fire Stations', portal: LEGACY, language: 'r' })],
    ['a GeoJSON save', 'okcOpenData_saveDataset', () => ({ dataset: fake.catalog.byTitle('Fire Stations')!.hubId, format: 'geojson', fileName: 'fire' })],
  ];
  for (const [label, name, input] of calls) {
    it(`answers ${label} (${name}) as the assistant does`, async () => {
      const result = (await client.callTool({ name, arguments: input() })) as { content: { type: string; text: string }[]; isError?: boolean };
      const expected = await runTool(name, input(), direct);
      assert.equal(result.content.length, 1);
      assert.equal(result.content[0].type, 'text');
      assert.equal(result.content[0].text, expected.text, stderr);
      assert.equal(result.isError ?? false, expected.isError);
    });
  }

  it('wrote the same file the assistant wrote, inside --allow-save', () => {
    assert.equal(readFileSync(join(mcpDir, 'fire.geojson'), 'utf8'), readFileSync(join(directDir, 'fire.geojson'), 'utf8'));
  });
});
