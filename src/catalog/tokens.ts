// Portal tokens live in SecretStorage only, keyed by portal name. They are read at send
// time and never logged, shown, written to settings or put into generated code.

import type * as vscode from 'vscode';
import type { Credentials } from '../portal/hub';

const PREFIX = 'okcOpenData.token:';

export class PortalTokens {
  /** Each portal's last read, kept in the host's memory only. Every portal request asks for
   * its token, and in a browser or remote window a SecretStorage read is a round trip to the
   * window, which answers late while it is busy (a webview being made): a map's count waited
   * 150–390 ms for it, and each of its pages again. A change, from this window or another,
   * drops the read. */
  private readonly reads = new Map<string, Promise<string | undefined>>();
  private readonly changes: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.changes = secrets.onDidChange((e) => {
      if (e.key.startsWith(PREFIX)) this.reads.delete(e.key.slice(PREFIX.length));
    });
  }

  credentialsFor(portalName: string): Credentials {
    return { token: () => this.get(portalName) };
  }

  get(portalName: string): Promise<string | undefined> {
    const kept = this.reads.get(portalName);
    if (kept) return kept;
    const read = Promise.resolve(this.secrets.get(PREFIX + portalName)).then((token) => token || undefined);
    this.reads.set(portalName, read);
    // A failed read is not kept: the next request asks again.
    read.catch(() => {
      if (this.reads.get(portalName) === read) this.reads.delete(portalName);
    });
    return read;
  }

  async set(portalName: string, token: string): Promise<void> {
    await this.changing(portalName, () => this.secrets.store(PREFIX + portalName, token));
  }

  async clear(portalName: string): Promise<void> {
    await this.changing(portalName, () => this.secrets.delete(PREFIX + portalName));
  }

  /** Drops the portal's read once `change` is done (a read made meanwhile holds the old token):
   * the storage's change event may come later. */
  private async changing(portalName: string, change: () => Thenable<void>): Promise<void> {
    try {
      await change();
    } finally {
      this.reads.delete(portalName);
    }
  }

  onDidChange(listener: (portalName: string) => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key.startsWith(PREFIX)) listener(e.key.slice(PREFIX.length));
    });
  }

  dispose(): void {
    this.changes.dispose();
    this.reads.clear();
  }
}
