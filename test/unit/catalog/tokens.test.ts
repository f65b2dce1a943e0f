// Portal tokens: each portal's SecretStorage read is kept (a read is a round trip to the window
// in a browser or remote VS Code, and every request asks), and dropped whenever the secret
// changes: here (set, clear) or in another window (the storage's change event).

import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { PortalTokens } from '../../../src/catalog/tokens';

/** SecretStorage in memory that counts reads; `failNext` makes the next read reject. */
class CountingSecrets {
  readonly values = new Map<string, string>();
  reads = 0;
  failNext = false;
  /** While set, store() waits for it: a read can then run in the middle of a change. */
  storeGate: Promise<void> | undefined;
  /** The change event of a store or delete comes only after it resolved (here: never). */
  lateEvents = false;
  readonly listeners = new Set<(e: { key: string }) => void>();

  async get(key: string): Promise<string | undefined> {
    this.reads++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('the window did not answer');
    }
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    await this.storeGate;
    this.values.set(key, value);
    if (!this.lateEvents) this.fire(key);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
    if (!this.lateEvents) this.fire(key);
  }
  /** What another window's change looks like here: the value changes, then the event. */
  changeElsewhere(key: string, value: string): void {
    this.values.set(key, value);
    this.fire(key);
  }
  onDidChange = (listener: (e: { key: string }) => void): vscode.Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) } as vscode.Disposable;
  };
  private fire(key: string): void {
    for (const listener of [...this.listeners]) listener({ key });
  }
}

const KEY = 'okcOpenData.token:City Hub';

/** Tokens over a fresh storage that holds `stored` (key: value). */
function tokensOver(stored: Record<string, string> = {}): { secrets: CountingSecrets; tokens: PortalTokens } {
  const secrets = new CountingSecrets();
  for (const [key, value] of Object.entries(stored)) secrets.values.set(key, value);
  return { secrets, tokens: new PortalTokens(secrets as unknown as vscode.SecretStorage) };
}

describe('PortalTokens', () => {
  it('reads SecretStorage once for any number of requests to a portal', async () => {
    const { secrets, tokens } = tokensOver({ [KEY]: 'abc' });
    const credentials = tokens.credentialsFor('City Hub');
    const got = await Promise.all([credentials.token(), credentials.token(), tokens.get('City Hub')]);
    assert.deepEqual(got, ['abc', 'abc', 'abc']);
    assert.equal(await credentials.token(), 'abc');
    assert.equal(secrets.reads, 1);
  });

  it('reads again after another window changes the token', async () => {
    const { secrets, tokens } = tokensOver({ [KEY]: 'old' });
    assert.equal(await tokens.get('City Hub'), 'old');
    secrets.changeElsewhere(KEY, 'new');
    assert.equal(await tokens.get('City Hub'), 'new');
    assert.equal(secrets.reads, 2);
  });

  it('answers with the token just set or cleared, even when a read ran during the change', async () => {
    const { secrets, tokens } = tokensOver({ [KEY]: 'old' });
    assert.equal(await tokens.get('City Hub'), 'old');
    secrets.lateEvents = true;
    let release!: () => void;
    secrets.storeGate = new Promise((resolve) => (release = resolve));
    const setting = tokens.set('City Hub', 'new');
    // Read while the store is under way: it sees the old value, which must not be kept.
    assert.equal(await tokens.get('City Hub'), 'old');
    release();
    await setting;
    assert.equal(await tokens.get('City Hub'), 'new');
    await tokens.clear('City Hub');
    assert.equal(await tokens.get('City Hub'), undefined);
  });

  it('keeps no failed read, and takes an empty token as none', async () => {
    const { secrets, tokens } = tokensOver();
    secrets.failNext = true;
    await assert.rejects(tokens.get('City Hub'), /did not answer/);
    secrets.values.set(KEY, '');
    assert.equal(await tokens.get('City Hub'), undefined);
    assert.equal(secrets.reads, 2);
  });

  it('keeps each portal apart, and stops listening when disposed', async () => {
    const { secrets, tokens } = tokensOver({ [KEY]: 'one', 'okcOpenData.token:Other': 'two' });
    assert.equal(await tokens.get('City Hub'), 'one');
    assert.equal(await tokens.get('Other'), 'two');
    secrets.changeElsewhere('okcOpenData.token:Other', 'three');
    assert.equal(await tokens.get('City Hub'), 'one');
    assert.equal(await tokens.get('Other'), 'three');
    assert.equal(secrets.reads, 3);
    tokens.dispose();
    assert.equal(secrets.listeners.size, 0);
  });
});
