// Runs inside the real extension host: the extension is installed, activates, and every
// command its package.json contributes is registered with VS Code.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './helpers';


describe('extension smoke', () => {
  it('is present in the extension host', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded; loaded: ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
    assert.equal(extension.packageJSON.name, 'okc-open-data');
  });

  it('activates without throwing', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers its contributed commands', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(registered.has('okcOpenData.refreshCatalog'), 'okcOpenData.refreshCatalog is not registered');
    const contributed: { command: string }[] = extension.packageJSON.contributes?.commands ?? [];
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('registers no command it does not contribute, so each has a stand-in until the commands bundle has loaded', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    // Any command loads the commands bundle (through its stand-in if it has not loaded yet).
    await vscode.commands.executeCommand('okcOpenData.clearTreeFilter');
    const contributed = new Set((extension.packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command));
    // VS Code itself registers commands for the Catalog view (okcOpenData.catalog.focus, ...).
    const own = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('okcOpenData.') && !id.startsWith('okcOpenData.catalog.'));
    assert.ok(own.includes('okcOpenData.showOnMap') && own.includes('okcOpenData.previewDataset'));
    assert.deepEqual(own.filter((id) => !contributed.has(id)), [], 'registered but not contributed: no stand-in calls them before the commands bundle loads');
  });

  it('sees the workspace folder the harness opened', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.equal(folders[0].uri.scheme, 'file');
  });
});
