// The OKC tools as VS Code runs them: listed in vscode.lm.tools and called through
// vscode.lm.invokeTool with no chat session (toolInvocationToken undefined) against the fake
// portal: answers from the fake's data, cut answers that say so, hostile text as data,
// faults as error results, saves through the save engine inside the workspace folder.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { TOOL_DEFINITIONS } from '../../src/assistant/definitions';
import type { OkcOpenDataApi } from '../../src/extension';
import { BIG_TITLE, HOSTILE_TITLE } from '../portal/data';
import { startFakePortal, type FakePortal } from '../portal/server';
import { usePortals } from './helpers';

const HUB = 'Tools Hub';
const LEGACY = 'Tools Legacy';

async function invoke(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

function block(text: string, label: string): string {
  const match = new RegExp(`<untrusted-data label="${label}" format="[a-z]+">\\n([\\s\\S]*?)\\n</untrusted-data>`).exec(text);
  assert.ok(match, `a ${label} block in:\n${text}`);
  return match[1];
}

describe('OKC tools in VS Code (vscode.lm)', function () {
  this.timeout(120_000);
  let fake: FakePortal;
  let okc: OkcOpenDataApi;
  const big = (): string => fake.catalog.byTitle(BIG_TITLE)!.hubId;

  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 50_000 });
    okc = await usePortals([
      { name: HUB, kind: 'hub', url: fake.baseUrl },
      { name: LEGACY, kind: 'legacy', url: fake.baseUrl },
    ]);
    await okc.store.indexFields();
  });
  afterEach(() => fake.faults.clear());
  after(async () => {
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
    await fake.close();
  });

  it('lists every tool in vscode.lm.tools with its input schema', () => {
    for (const definition of TOOL_DEFINITIONS) {
      const tool = vscode.lm.tools.find((t) => t.name === definition.name);
      assert.ok(tool, `${definition.name} listed`);
      assert.deepEqual(tool.inputSchema, definition.inputSchema);
    }
  });

  it('searches by a field name', async () => {
    const text = await invoke('okcOpenData_searchDatasets', { text: 'RecordKey', portal: HUB });
    const [hit] = JSON.parse(block(text, 'datasets')) as { id: string; matchedFields: string[]; recordCount: number }[];
    assert.equal(hit.id, big());
    assert.deepEqual(hit.matchedFields, ['RecordKey']);
    assert.equal(hit.recordCount, 50_000);
  });

  it('describes a dataset with sample values', async () => {
    const text = await invoke('okcOpenData_describeDataset', { dataset: big() });
    const facts = JSON.parse(block(text, 'dataset')) as { fields: { name: string; samples: unknown[] }[] };
    assert.ok(facts.fields.find((f) => f.name === 'Category')!.samples.length > 0);
  });

  it('counts per group exactly as the fake\'s data says, on the portal', async () => {
    const truth = fake.catalog.byTitle(BIG_TITLE)!;
    const oracle = new Map<string, number>();
    for (let i = 0; i < truth.rowCount; i++) {
      const category = String(truth.attributesAt(i).Category);
      oracle.set(category, (oracle.get(category) ?? 0) + 1);
    }
    const text = await invoke('okcOpenData_queryDataset', { dataset: big(), groupBy: ['Category'], statistics: [{ type: 'count', field: '*' }], orderBy: 'Category' });
    assert.match(text, /Computed on the portal/);
    const [, ...rows] = block(text, 'statistics').split('\n');
    assert.deepEqual(
      rows.map((line) => line.split(',')).map(([c, n]) => [c, Number(n)]),
      [...oracle.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
  });

  it('says when rows were cut and how to get the rest', async () => {
    const text = await invoke('okcOpenData_queryDataset', { dataset: big(), limit: 1000 });
    assert.match(text, /^50000 rows match/);
    assert.match(text, /CUT: \d+ of 1000 rows shown.*okcOpenData_saveDataset/);
  });

  it('gives the snippet generators\' code', async () => {
    const text = await invoke('okcOpenData_generateSnippet', { dataset: 'Fire Stations', portal: LEGACY, language: 'curl' });
    assert.match(block(text, 'code'), /curl[\s\S]*Fire(%20| )Stations/);
  });

  it('returns hostile titles and descriptions only inside data blocks', async () => {
    const text = await invoke('okcOpenData_searchDatasets', { text: 'Hostile', portal: HUB });
    const outside = text.replace(/<untrusted-data[\s\S]*?<\/untrusted-data>/g, '');
    assert.ok(!outside.includes(HOSTILE_TITLE), 'title only inside the block');
    assert.ok(block(text, 'datasets').includes(HOSTILE_TITLE));
    assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(text));
  });

  for (const [name, rule, expected] of [
    ['a 5xx', { kind: 'status5xx', status: 503, path: '/usrsvcs/' }, /server error/],
    ['rate limiting', { kind: 'rateLimit', retryAfterSeconds: 0, path: '/usrsvcs/' }, /limiting requests/],
    ['malformed JSON', { kind: 'malformedJson', path: '/usrsvcs/' }, /could not be read/],
    ['the bot check', { kind: 'botChallenge', path: '/services/portal/api/data/records/' }, /bot protection/],
  ] as const) {
    it(`answers ${name} with an error result, not a throw`, async () => {
      fake.faults.add({ ...rule });
      const input = rule.kind === 'botChallenge' ? { dataset: 'Hotel Motel Tax', portal: LEGACY, limit: 2 } : { dataset: big(), limit: 2, where: `Ward = ${rule.kind.length}` };
      const text = await invoke('okcOpenData_queryDataset', input);
      assert.match(text, expected);
    });
  }

  it('answers a refused where clause in the portal\'s words', async () => {
    const text = await invoke('okcOpenData_queryDataset', { dataset: big(), where: 'Nope = 1' });
    assert.match(text, /^The portal refused this where clause: Nope = 1/);
  });

  describe('the save tool', () => {
    const folder = join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'tool-saves');
    beforeEach(() => rmSync(folder, { recursive: true, force: true }));
    afterEach(() => rmSync(folder, { recursive: true, force: true }));

    // Through invokeTool with no chat session, VS Code 1.139 (code-server) ran this call
    // without showing a confirmation; see the report. What is checked here: the file comes
    // through the save engine, atomically, inside the workspace folder.
    it('writes atomically inside the workspace folder', async () => {
      const text = await invoke('okcOpenData_saveDataset', { dataset: fake.catalog.byTitle('Fire Stations')!.hubId, format: 'csv', fileName: 'tool-saves/fire' });
      assert.match(text, /^Saved 36 rows .* to tool-saves\/fire\.csv/);
      assert.equal(readFileSync(join(folder, 'fire.csv'), 'utf8').trim().split(/\r?\n/).length, 37);
      assert.ok(existsSync(join(folder, 'fire.csv.okc.json')));
      assert.deepEqual(readdirSync(folder).filter((f) => f.includes('.okc-tmp-')), []);
    });

    it('refuses a path outside the workspace folder', async () => {
      const text = await invoke('okcOpenData_saveDataset', { dataset: big(), format: 'csv', fileName: '../outside' });
      assert.match(text, /must be a plain name or a path inside the workspace folder/);
      assert.ok(!existsSync(join(vscode.workspace.workspaceFolders![0].uri.fsPath, '..', 'outside.csv')));
    });
  });
});
