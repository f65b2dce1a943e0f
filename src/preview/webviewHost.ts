// Host side of one webview: a strict CSP page that carries its bundled script and styles;
// the latest notification of each kind, kept until (and re-sent whenever) the webview says it
// is ready; and request dispatch with responses that always come back (result or error).

import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  isFromWebview,
  type HostRequestMethod,
  type HostRequests,
  type ToWebview,
  type WebviewNotificationMethod,
  type WebviewNotifications,
} from '../protocol';
import { Disposable } from '../util/disposable';

export type RequestHandlers = { [M in HostRequestMethod]?: (params: HostRequests[M]['params']) => Promise<HostRequests[M]['result']> | HostRequests[M]['result'] };

export function nonce(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** Options for panels: scripts on, nothing loadable but the bundle folder. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    retainContextWhenHidden: false,
  };
}

/** What a restored panel shows when its dataset is no longer in the catalog. */
export function showDatasetGone(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
  panel.webview.options = webviewOptions(extensionUri);
  panel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body>${escapeAttribute(vscode.l10n.t('This dataset is no longer in the catalog.'))}</body></html>`;
}

export class WebviewHost extends Disposable {
  private ready = false;
  /** The latest notification of each method: a webview recreated after being hidden says
   * ready again and gets these, so it shows the current state instead of a blank page. */
  private readonly latest = new Map<string, ToWebview>();
  private readonly becameReady = this.register(new vscode.EventEmitter<void>());
  /** Fires each time the webview says it is ready (first load, or made anew after being hidden),
   * after the latest notifications were sent again: what it had before is gone. */
  readonly onDidBecomeReady = this.becameReady.event;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly extensionUri: vscode.Uri,
    private readonly script: string,
    private readonly title: string,
    private readonly handlers: RequestHandlers,
    /** More stylesheets from the bundle folder, and image hosts (a map's tile server) the CSP
     * admits. `early`: notifications are posted at once, also before the page says ready (VS
     * Code holds them for the loading page, though not always all of them): for a panel whose
     * first state is large and whose page ignores what it already has when the ready's replay
     * brings it again. */
    private readonly extra: { styles?: string[]; imgSources?: string[]; early?: boolean } = {},
  ) {
    super();
    webview.options = webviewOptions(extensionUri);
    this.register(webview.onDidReceiveMessage((message) => this.receive(message)));
    webview.html = this.html();
  }

  /** `replay: false` for one-off events (a button press) that a recreated webview must not repeat. */
  notify<M extends WebviewNotificationMethod>(method: M, params: WebviewNotifications[M], replay = true): void {
    const message = { kind: 'notify', method, params } as ToWebview;
    if (replay) {
      // Re-inserted so replay follows the order they were last sent in.
      this.latest.delete(method);
      this.latest.set(method, message);
    }
    if (this.ready || this.extra.early) void this.webview.postMessage(message);
  }


  /** Replaces what a recreated webview is sent for `method`, without posting it: for a state
   * the webview already reached through smaller updates (a `metadata/missingShares`). */
  remember<M extends WebviewNotificationMethod>(method: M, params: WebviewNotifications[M]): void {
    this.latest.delete(method);
    this.latest.set(method, { kind: 'notify', method, params } as ToWebview);
  }

  /** Stops replaying a notification whose state is over (an error after a successful retry). */
  forget(method: WebviewNotificationMethod): void {
    this.latest.delete(method);
  }

  private async receive(message: unknown): Promise<void> {
    if (!isFromWebview(message)) return;
    if (message.kind === 'ready') {
      // First ready or a recreated webview: either way it needs the current state, and
      // the latest notification of each kind is that state.
      this.ready = true;
      for (const current of this.latest.values()) void this.webview.postMessage(current);
      this.becameReady.fire();
      return;
    }
    const handler = this.handlers[message.method] as ((params: unknown) => unknown) | undefined;
    try {
      if (!handler) throw new Error(vscode.l10n.t('Unknown request: {0}', message.method));
      const result = await handler(message.params);
      void this.webview.postMessage({ kind: 'response', id: message.id, result } satisfies ToWebview);
    } catch (error) {
      void this.webview.postMessage({ kind: 'response', id: message.id, error: (error as Error)?.message ?? String(error) } satisfies ToWebview);
    }
  }

  /** The page, with the panel's script and stylesheets inside it under the CSP's nonce: a
   * webview's files otherwise load one by one through the workbench's service worker and (under
   * code-server) the remote file system, which took about 150 ms before the script could run,
   * and VS Code hands the page what was posted to it only once the page has loaded. The codicon
   * font stays a file, its stylesheet pointed at it. */
  private html(): string {
    const n = nonce();
    const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const font = this.webview.asWebviewUri(vscode.Uri.joinPath(root, 'codicon.ttf'));
    const csp = [
      "default-src 'none'",
      `style-src 'nonce-${n}'`,
      `font-src ${this.webview.cspSource}`,
      `img-src ${[this.webview.cspSource, 'data:', ...(this.extra.imgSources ?? [])].join(' ')}`,
      `script-src 'nonce-${n}'`,
    ].join('; ');
    // A function, not a string: `$` in the extension's path must not read as a replacement pattern.
    const codicons = bundleText(root, 'codicon.css').replace(/url\("\.\/codicon\.ttf/g, () => `url("${font.toString()}`);
    const styles = [codicons, ...['webview.css', ...(this.extra.styles ?? [])].map((name) => bundleText(root, name))].map((text) => `<style nonce="${n}">${text}</style>\n`).join('');
    return `<!DOCTYPE html>
<html lang="${escapeAttribute(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}<title>${escapeAttribute(this.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"></main>
<script nonce="${n}">${bundleText(root, `${this.script}.js`)}</script>
</body>
</html>`;
  }
}

/** The bundle's scripts and stylesheets by path, read once per extension host. */
const bundleFiles = new Map<string, string>();

/** A file of the webview bundle as text to put inside a page: `</script` or `</style` in it
 * would end the element early, so its slash is escaped (the same text in JS and CSS). */
function bundleText(root: vscode.Uri, name: string): string {
  const path = vscode.Uri.joinPath(root, name).fsPath;
  let text = bundleFiles.get(path);
  if (text === undefined) {
    text = readFileSync(path, 'utf8').replace(/<\/(script|style)/gi, '<\\/$1');
    bundleFiles.set(path, text);
  }
  return text;
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
