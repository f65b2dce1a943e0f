// Portal tokens reach the MCP server only through its environment: per portal from
// OKC_PORTAL_TOKENS (what VS Code passes when it starts the server), else OKC_PORTAL_TOKEN for
// every portal. Over stdio with the SDK's client: the token goes to the FeatureServer of its
// portal only, and no tool answer contains it.

import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { envTokens, PORTAL_TOKENS_ENV_VAR } from '../../../src/mcp/tokens';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { HUB, LEGACY } from '../assistant/helpers';
import { expectTokenOnlyOnFeatureServer } from '../../portal/tokenChecks';

describe('MCP server tokens', function () {
  this.timeout(60_000);

  describe('from the environment', () => {
    it('takes a portal\'s own token before the one for every portal', () => {
      const tokens = envTokens({ [PORTAL_TOKENS_ENV_VAR]: JSON.stringify({ A: 'token-a' }), OKC_PORTAL_TOKEN: 'token-all' });
      assert.equal(tokens.tokenFor('A'), 'token-a');
      assert.equal(tokens.tokenFor('B'), 'token-all');
      assert.deepEqual(tokens.all().sort(), ['token-a', 'token-all']);
    });

    it('ignores a malformed list, saying so without its value', () => {
      const problems: string[] = [];
      const tokens = envTokens({ [PORTAL_TOKENS_ENV_VAR]: '{"A": secret-value' }, (line) => problems.push(line));
      assert.equal(tokens.tokenFor('A'), undefined);
      assert.equal(problems.length, 1);
      assert.ok(!problems[0].includes('secret-value'));
    });
  });

  describe('over stdio', () => {
    const canary = `canary-${process.pid}-${Date.now()}`;
    let fake: FakePortal;
    let client: Client;

    before(async () => {
      fake = await startFakePortal({ port: 0, bigRows: 2_000 });
      fake.catalog.byTitle('Garage Sales')!.token = canary;
      const portals = [
        { name: HUB, kind: 'hub', url: fake.baseUrl },
        { name: LEGACY, kind: 'legacy', url: fake.baseUrl },
      ];
      client = new Client({ name: 'okc-test', version: '1.0.0' });
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [join('dist', 'mcp.js'), '--portals-json', JSON.stringify(portals)],
          env: { PATH: process.env.PATH ?? '', [PORTAL_TOKENS_ENV_VAR]: JSON.stringify({ [HUB]: canary }) },
          stderr: 'ignore',
        }),
      );
    });
    after(async () => {
      await client?.close();
      await fake?.close();
    });

    const text = (result: unknown): string => (result as { content: { text: string }[] }).content.map((c) => c.text).join('');

    it('sends the Hub portal\'s token to its FeatureServer only, and answers without it', async () => {
      const id = fake.catalog.byTitle('Garage Sales')!.hubId;
      const answers = [
        text(await client.callTool({ name: 'okcOpenData_queryDataset', arguments: { dataset: id, portal: HUB, limit: 2 } })),
        text(await client.callTool({ name: 'okcOpenData_describeDataset', arguments: { dataset: id, portal: HUB } })),
        text(await client.callTool({ name: 'okcOpenData_generateSnippet', arguments: { dataset: id, portal: HUB, language: 'curl' } })),
      ];
      assert.match(answers[0], /^\d+ rows? match/, 'the protected layer answered: the token reached it');
      for (const answer of answers) assert.ok(!answer.includes(canary), answer);
      expectTokenOnlyOnFeatureServer(fake.requests, canary, ['feed']);
    });
  });
});
