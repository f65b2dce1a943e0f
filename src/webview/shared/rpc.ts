// Webview side of the protocol: typed requests with ids and responses, notifications by
// method, and the `ready` message the host waits for before it posts anything.

import type { FromWebview, HostRequestMethod, HostRequests, ToWebview, WebviewNotificationMethod, WebviewNotifications } from '../../protocol';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscodeApi: VsCodeApi = acquireVsCodeApi();

let nextId = 1;
const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
const handlers = new Map<string, (params: never) => void>();

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  if (!message || typeof message !== 'object') return;
  if (message.kind === 'response') {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.result);
  } else if (message.kind === 'notify') {
    handlers.get(message.method)?.(message.params as never);
  }
});

export function request<M extends HostRequestMethod>(method: M, params: HostRequests[M]['params']): Promise<HostRequests[M]['result']> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    vscodeApi.postMessage({ kind: 'request', id, method, params } as FromWebview);
  });
}

export function onNotify<M extends WebviewNotificationMethod>(method: M, handler: (params: WebviewNotifications[M]) => void): void {
  handlers.set(method, handler as (params: never) => void);
}

/** Call after every handler is registered. */
export function ready(): void {
  vscodeApi.postMessage({ kind: 'ready' });
}
