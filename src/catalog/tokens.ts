// Portal tokens live in SecretStorage only, keyed by portal name. They are read at send
// time and never logged, shown, written to settings or put into generated code.

import type * as vscode from 'vscode';
import type { Credentials } from '../portal/hub';

const PREFIX = 'okcOpenData.token:';

export class PortalTokens {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  credentialsFor(portalName: string): Credentials {
    return { token: () => this.get(portalName) };
  }

  async get(portalName: string): Promise<string | undefined> {
    return (await this.secrets.get(PREFIX + portalName)) || undefined;
  }

  async set(portalName: string, token: string): Promise<void> {
    await this.secrets.store(PREFIX + portalName, token);
  }

  async clear(portalName: string): Promise<void> {
    await this.secrets.delete(PREFIX + portalName);
  }

  onDidChange(listener: (portalName: string) => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key.startsWith(PREFIX)) listener(e.key.slice(PREFIX.length));
    });
  }
}
