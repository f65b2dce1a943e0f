// Every message between the extension host and its webviews, typed once here and imported
// by both sides, so a renamed field breaks the build instead of the user. Requests carry
// an id and always get a response with a result or an error.

/** Plain data only: this crosses a postMessage boundary. */
export interface FieldView {
  name: string;
  alias?: string;
  /** Portal-neutral kind ('integer', 'date', ...). */
  kind: string;
  nativeType: string;
  description?: string;
  /** A few distinct values from the first rows, already formatted as text. */
  samples: string[];
  /** Share of empty values in the sample, 0..1; absent when no sample was read. */
  missingShare?: number;
}

export interface MetadataView {
  portalName: string;
  portalKind: 'hub' | 'legacy';
  id: string;
  title: string;
  /** As published (HTML on the Hub): the webview sanitises it and shows the rest as text. */
  descriptionHtml: string;
  groups: string[];
  keywords: string[];
  publisher?: string;
  contact?: { name?: string; email?: string };
  license?: string;
  updateFrequency?: string;
  issued?: string;
  modified?: string;
  geometry: string;
  extent?: [number, number, number, number];
  landingPage?: string;
  apiUrl?: string;
  /** Token-free URL of the first page of rows. */
  queryUrl?: string;
  downloads: { format: string; url: string }[];
  /** Filled once the service answers; `schemaError` says why it did not. */
  recordCount?: number;
  lastEdit?: string;
  copyright?: string;
  fields?: FieldView[];
  schemaError?: string;
  /** Actions whose features exist in this build. */
  actions: MetadataAction[];
  /** Localised labels the webview shows (it has no access to vscode.l10n). */
  labels: Record<string, string>;
}

export type MetadataAction = 'preview' | 'insertSnippet' | 'save' | 'openInBrowser' | 'reportProblem' | 'requestRecords' | 'copyApiUrl';

/** Requests a webview may send, by method: params and result. */
export interface HostRequests {
  'metadata/action': { params: { action: MetadataAction }; result: void };
  'clipboard/write': { params: { text: string }; result: void };
  /** Opens an http(s) or mailto link in the user's browser, after the host checks it. */
  'link/open': { params: { url: string }; result: void };
}

/** Notifications the host sends to a webview, by method. */
export interface WebviewNotifications {
  'metadata/show': MetadataView;
  /** Something failed outside a request; shown in the panel. */
  'panel/error': { message: string };
}

export type HostRequestMethod = keyof HostRequests;
export type WebviewNotificationMethod = keyof WebviewNotifications;

export type FromWebview =
  | { kind: 'ready' }
  | { [M in HostRequestMethod]: { kind: 'request'; id: number; method: M; params: HostRequests[M]['params'] } }[HostRequestMethod];

export type ToWebview =
  | { kind: 'response'; id: number; result?: unknown; error?: string }
  | { [M in WebviewNotificationMethod]: { kind: 'notify'; method: M; params: WebviewNotifications[M] } }[WebviewNotificationMethod];

/** Narrow an untrusted message from a webview before acting on it. */
export function isFromWebview(value: unknown): value is FromWebview {
  if (!value || typeof value !== 'object') return false;
  const m = value as { kind?: unknown; id?: unknown; method?: unknown };
  if (m.kind === 'ready') return true;
  return m.kind === 'request' && typeof m.id === 'number' && typeof m.method === 'string';
}
