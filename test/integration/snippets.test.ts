// "Insert API Query Snippet" and "Copy as curl" in the real editor: the code lands at the
// cursor (or in a new editor of the language), names the portal's real endpoint, reads the
// token from the environment and never contains the token itself: a canary token is set with
// Set Portal Token before each test, and must reach the FeatureServer requests only.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { OkcOpenDataApi } from '../../src/extension';
import type { FakePortal } from '../portal/server';
import { datasetIn, expectTokenOnlyOnFeatureServer, setPortalToken, startFake, usePortals } from './helpers';

describe('Insert API Query Snippet', function () {
  this.timeout(60_000);
  let fake: FakePortal;
  let okc: OkcOpenDataApi;

  before(async () => {
    fake = await startFake({ bigRows: 1000 });
    okc = await usePortals([
      { name: 'Snippet Hub', kind: 'hub', url: fake.baseUrl },
      { name: 'Snippet Legacy', kind: 'legacy', url: fake.baseUrl },
    ]);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
    await fake.close();
  });

  const dataset = (portal: string, title: string) => datasetIn(okc, portal, title);
  let canary = '';
  let requestsFrom = 0;

  // The token of Snippet Hub, set as a user sets it; the legacy portal on the same host has none.
  beforeEach(async () => {
    canary = `canary-${randomBytes(8).toString('hex')}`;
    await setPortalToken(okc, 'Snippet Hub', canary);
    requestsFrom = fake.requests.length;
    // The feed and the search, read with a token stored.
    await okc.refresh(['Snippet Hub']);
    // Fields are read again, with the token, when a snippet needs them.
    for (const d of okc.store.allDatasets()) okc.store.portal(d.portal)?.forget?.(d);
  });

  it('inserts Python at the cursor of the active editor, with the layer URL and the token read from the environment', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: '# analysis\n' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const zones = dataset('Snippet Hub', 'Work Zones');
    const inserted = await vscode.commands.executeCommand('okcOpenData.insertSnippet', zones, {
      language: 'python-requests',
      query: { filters: [{ field: 'Worktype', op: '=', value: "O'Brien \"quote\"" }] },
      pageAll: true,
    });
    assert.equal(inserted, true);
    const text = document.getText();
    assert.ok(text.startsWith('# analysis\n'), 'inserted after the existing line');
    assert.ok(text.includes(`${fake.catalog.byTitle('Work Zones')!.layerPath}/query`), text);
    assert.match(text, /OKC_PORTAL_TOKEN/);
    assert.match(text, /resultOffset/);
    assert.ok(!text.includes(canary), 'the token is in the inserted code');
    expectTokenOnlyOnFeatureServer(fake.requests.slice(requestsFrom), canary, ['feed', 'search']);
  });

  it('opens an editor of the snippet\'s language when none is open', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const stations = dataset('Snippet Legacy', 'Fire Stations');
    const inserted = await vscode.commands.executeCommand('okcOpenData.insertSnippet', stations, { language: 'javascript', query: {}, pageAll: true });
    assert.equal(inserted, true);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.languageId, 'javascript');
    assert.match(editor.document.getText(), /records\/Fire%20Stations|Fire Stations/);
    assert.match(editor.document.getText(), /X-Api-Key/);
    assert.ok(!editor.document.getText().includes(canary), 'the token is in the inserted code');
    const legacy = fake.requests.slice(requestsFrom).filter((r) => r.path.includes('/records/') || r.path.includes('/api/'));
    assert.ok(legacy.every((r) => !JSON.stringify(r).includes(canary)), 'the Hub portal\'s token went to another portal');
  });

  it('copies a curl command for a dataset', async () => {
    const stations = dataset('Snippet Hub', 'Fire Stations');
    const text = await vscode.commands.executeCommand<string>('okcOpenData.copyAsCurl', stations);
    assert.ok(text);
    assert.equal(await vscode.env.clipboard.readText(), text);
    assert.match(text, /^curl /m);
    assert.ok(text.includes(fake.baseUrl));
    assert.ok(!text.includes(canary), 'the token is in the curl command');
    assert.ok(!(await vscode.env.clipboard.readText()).includes(canary), 'the token is on the clipboard');
    const leaked = fake.requests.slice(requestsFrom).filter((r) => !r.path.includes('/FeatureServer') && JSON.stringify(r).includes(canary));
    assert.deepEqual(leaked.map((r) => r.path), [], 'the token went to a request other than a FeatureServer one');
  });
});
