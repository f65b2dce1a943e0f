// The OKC tools as VS Code runs them: listed in vscode.lm.tools and called through
// vscode.lm.invokeTool with no chat session (toolInvocationToken undefined) against the fake
// portal: answers from the fake's data, cut answers that say so, hostile text as data,
// faults as error results, saves through the save engine inside the workspace folder and
// only once the user agreed to the file and row count the tool named.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { TOOL_DEFINITIONS } from '../../src/assistant/definitions';
import type { OkcOpenDataApi } from '../../src/extension';
import { BIG_TITLE, HOSTILE_TITLE } from '../portal/data';
import { startFakePortal, type FakePortal } from '../portal/server';
import { expectTokenOnlyOnFeatureServer, logFiles, setPortalToken, usePortals } from './helpers';
import { afterThisTest } from './reset';

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
    const fireStations = (): string => fake.catalog.byTitle('Fire Stations')!.hubId;
    beforeEach(() => rmSync(folder, { recursive: true, force: true }));
    afterEach(() => rmSync(folder, { recursive: true, force: true }));

    /** Answers the save tool's modal question with `answer` (the button, or undefined for
     * Cancel) for the rest of the test, recording what was asked and whether the file existed
     * already when it was. Extension tests skip VS Code's own dialogs, so the stub stands in. */
    function answerSaveQuestion(answer: 'Save' | undefined, file: string): { title: string; detail?: string; modal?: boolean; fileExisted: boolean }[] {
      const asked: { title: string; detail?: string; modal?: boolean; fileExisted: boolean }[] = [];
      const window = vscode.window as unknown as { showWarningMessage: unknown };
      const real = window.showWarningMessage;
      window.showWarningMessage = async (title: string, options: vscode.MessageOptions, ...items: string[]) => {
        asked.push({ title, detail: options?.detail, modal: options?.modal, fileExisted: existsSync(file) });
        assert.deepEqual(items, ['Save']);
        return answer;
      };
      afterThisTest('save question stub', () => {
        window.showWarningMessage = real;
      });
      return asked;
    }

    it('asks first, naming the file and the row count, and writes atomically only once the user agreed', async () => {
      const asked = answerSaveQuestion('Save', join(folder, 'fire.csv'));
      const text = await invoke('okcOpenData_saveDataset', { dataset: fireStations(), format: 'csv', fileName: 'tool-saves/fire' });
      assert.equal(asked.length, 1, 'asked once');
      assert.equal(asked[0].modal, true);
      assert.equal(asked[0].title, 'Save 36 rows to tool-saves/fire.csv?');
      assert.match(asked[0].detail ?? '', /36 rows .* as CSV to tool-saves\/fire\.csv/);
      assert.equal(asked[0].fileExisted, false, 'the file was written before the user agreed');
      assert.match(text, /^Saved 36 rows .* to tool-saves\/fire\.csv/);
      assert.equal(readFileSync(join(folder, 'fire.csv'), 'utf8').trim().split(/\r?\n/).length, 37);
      assert.ok(existsSync(join(folder, 'fire.csv.okc.json')));
      assert.deepEqual(readdirSync(folder).filter((f) => f.includes('.okc-tmp-')), []);
    });

    it('writes nothing when the user refuses', async () => {
      const asked = answerSaveQuestion(undefined, join(folder, 'fire.csv'));
      const text = await invoke('okcOpenData_saveDataset', { dataset: fireStations(), format: 'csv', fileName: 'tool-saves/fire' });
      assert.equal(asked.length, 1, 'asked once');
      assert.equal(text, 'The user did not confirm the save. Nothing was written.');
      assert.ok(!existsSync(folder), `something was written: ${existsSync(folder) ? readdirSync(folder).join(', ') : ''}`);
    });

    it('answers a bad dataset id with a clear result, asking nothing', async () => {
      const asked = answerSaveQuestion('Save', join(folder, 'nothing.csv'));
      const text = await invoke('okcOpenData_saveDataset', { dataset: 'no-such-dataset', format: 'csv', fileName: 'tool-saves/nothing' });
      assert.match(text, /^No dataset has the id "no-such-dataset".*okcOpenData_searchDatasets/);
      assert.equal(asked.length, 0, 'asked to save what cannot be saved');
      assert.ok(!existsSync(folder));
    });

    it('refuses a path outside the workspace folder, asking nothing', async () => {
      const asked = answerSaveQuestion('Save', join(vscode.workspace.workspaceFolders![0].uri.fsPath, '..', 'outside.csv'));
      const text = await invoke('okcOpenData_saveDataset', { dataset: big(), format: 'csv', fileName: '../outside' });
      assert.match(text, /must be a plain name or a path inside the workspace folder/);
      assert.equal(asked.length, 0);
      assert.ok(!existsSync(join(vscode.workspace.workspaceFolders![0].uri.fsPath, '..', 'outside.csv')));
    });
  });

  describe('the MCP server VS Code starts', () => {
    const SERVER_ID = 'okc-open-data.okc-open-data/OKC Open Data';

    it('gets the token set with Set Portal Token, sends it to FeatureServer requests only, and answers without it', async () => {
      const truth = fake.catalog.byTitle('Garage Sales')!;
      const canary = `canary-${randomBytes(8).toString('hex')}`;
      truth.token = canary;
      afterThisTest('Garage Sales token', () => {
        truth.token = undefined;
      });
      await setPortalToken(okc, HUB, canary);
      // The harness turns chat (and with it MCP) off for a quiet workbench; this test needs it.
      const chat = vscode.workspace.getConfiguration('chat');
      const aiOff = chat.inspect('disableAIFeatures')?.globalValue;
      await chat.update('disableAIFeatures', false, vscode.ConfigurationTarget.Global);
      afterThisTest('chat.disableAIFeatures', () => vscode.workspace.getConfiguration('chat').update('disableAIFeatures', aiOff, vscode.ConfigurationTarget.Global));
      afterThisTest('MCP server', () => vscode.commands.executeCommand('workbench.mcp.stopServer', SERVER_ID));
      const from = fake.requests.length;
      await vscode.commands.executeCommand('workbench.mcp.startServer', SERVER_ID, { waitForLiveTools: true });
      const mcpTool = (name: string): string => {
        const found = vscode.lm.tools.find((t) => t.name !== name && t.name.endsWith(name));
        assert.ok(found, `no MCP tool ${name} among ${vscode.lm.tools.map((t) => t.name).join(', ')}`);
        return found.name;
      };
      const answers = [
        await invoke(mcpTool('okcOpenData_queryDataset'), { dataset: truth.hubId, portal: HUB, limit: 2 }),
        await invoke(mcpTool('okcOpenData_describeDataset'), { dataset: truth.hubId, portal: HUB }),
      ];
      assert.match(answers[0], /^\d+ rows? match/, 'the protected layer answered the MCP server: the token reached it');
      for (const answer of answers) assert.ok(!answer.includes(canary), answer);
      expectTokenOnlyOnFeatureServer(fake.requests.slice(from), canary);
      const settings = join(process.env.OKC_USER_DATA_DIR ?? '', 'User', 'settings.json');
      assert.ok(!readFileSync(settings, 'utf8').includes(canary), 'the token is in settings.json');
      for (const [path, text] of logFiles()) assert.ok(!text.includes(canary), `the token is in ${path}`);
    });
  });
});
