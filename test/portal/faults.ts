// Fault injection for the fake portal: rules chosen by path (and query) that delay, fail,
// throttle, disguise, corrupt, cut or stall responses the way real portals and their CDNs do,
// and the transports real servers use (gzip, chunked). Applied when a response is sent.

import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export type FaultKind =
  | 'latency' | 'status5xx' | 'rateLimit' | 'botChallenge' | 'malformedJson' | 'truncated' | 'reset' | 'slowDrip'
  | 'stall' | 'arcgisError' | 'gzip' | 'chunked' | 'corruptBody' | 'hold';

export const FAULT_KINDS: readonly FaultKind[] = [
  'latency', 'status5xx', 'rateLimit', 'botChallenge', 'malformedJson', 'truncated', 'reset', 'slowDrip',
  'stall', 'arcgisError', 'gzip', 'chunked', 'corruptBody', 'hold',
];

/** Kinds that change how or when a body travels, not what it says: they stack with one other rule. */
const TRANSPORT_KINDS: readonly FaultKind[] = ['latency', 'gzip', 'chunked', 'hold'];

/** How long a `hold` waits at most when nothing clears the rules. */
const HOLD_DEFAULT_MS = 120_000;

export interface FaultRule {
  /** Prefix of the pathname, or the source of a RegExp tested against it; every path when absent. */
  path?: string;
  /** Source of a RegExp tested against the decoded parameters (query string and form body,
   * `k=v&k=v`), e.g. `resultOffset=[1-9]` for pages past the first or `orderByFields` for sorts. */
  query?: string;
  kind: FaultKind;
  /** latency: added delay (default 500); slowDrip: delay between chunks (default 20); hold: the
   * longest wait when the rules are not cleared (default 120000). */
  ms?: number;
  /** status5xx: 500, 502, 503 or 504 (default 503); arcgisError: `error.code` (default 400). */
  status?: number;
  /** rateLimit: the Retry-After header in seconds (default 1). */
  retryAfterSeconds?: number;
  /** rateLimit: send Retry-After as an HTTP date `retryAfterSeconds` from now, as some CDNs do. */
  retryAfterDate?: boolean;
  /** arcgisError: `error.message` (default "Unable to complete operation.", as real servers say). */
  message?: string;
  /** arcgisError: `error.details` (default none). */
  details?: string[];
  /** arcgisError: the HTTP status to send it with (default 200, as ArcGIS Server and Online do;
   * some servers and proxies send the same body with 400). */
  httpStatus?: number;
  /** Apply to the next N matching requests, then expire; unlimited when absent. */
  times?: number;
  /** Let the first N matching requests through untouched, then apply (a fault mid-download). */
  after?: number;
}

export interface FaultController {
  readonly rules: readonly FaultRule[];
  set(rules: FaultRule[]): void;
  add(rule: FaultRule): void;
  clear(): void;
}

/** The response a handler produced, before faults. */
export interface PlannedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function validateRule(value: unknown): FaultRule {
  const r = value as FaultRule;
  if (!r || typeof r !== 'object' || !FAULT_KINDS.includes(r.kind)) throw new Error(`Bad fault rule: ${JSON.stringify(value)}`);
  if (r.path !== undefined && typeof r.path !== 'string') throw new Error('Fault rule path must be a string');
  if (r.query !== undefined && typeof r.query !== 'string') throw new Error('Fault rule query must be a string');
  return { ...r };
}

function pathMatches(rule: FaultRule, pathname: string): boolean {
  if (rule.path === undefined || rule.path === '' || pathname.startsWith(rule.path)) return true;
  try {
    return new RegExp(rule.path).test(pathname);
  } catch {
    return false;
  }
}

function queryMatches(rule: FaultRule, params: URLSearchParams | undefined): boolean {
  if (rule.query === undefined || rule.query === '') return true;
  const text = params ? [...params].map(([k, v]) => `${k}=${v}`).join('&') : '';
  try {
    return new RegExp(rule.query, 'i').test(text);
  } catch {
    return false;
  }
}

export class Faults implements FaultController {
  private list: FaultRule[] = [];
  private release?: { promise: Promise<void>; resolve: () => void };

  get rules(): readonly FaultRule[] {
    return this.list;
  }

  set(rules: FaultRule[]): void {
    this.list = rules.map(validateRule);
    this.releaseHeld();
  }

  add(rule: FaultRule): void {
    this.list.push(validateRule(rule));
  }

  clear(): void {
    this.list = [];
    this.releaseHeld();
  }

  /** Settles when the rules are next cleared or replaced: what a `hold` answer waits for, so a
   * test decides when the answer comes instead of guessing a delay longer than its own steps. */
  cleared(): Promise<void> {
    if (!this.release) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.release = { promise, resolve };
    }
    return this.release.promise;
  }

  private releaseHeld(): void {
    this.release?.resolve();
    this.release = undefined;
  }

  /** The rules that apply to this request, consuming one use of each counted rule. */
  take(pathname: string, params?: URLSearchParams): FaultRule[] {
    const matching = this.list.filter((r) => pathMatches(r, pathname) && queryMatches(r, params) && (r.times === undefined || r.times > 0));
    // A rule still letting requests through (`after`) counts this one and stays out of the way.
    const hit = matching.filter((r) => {
      if (!r.after) return true;
      r.after--;
      return false;
    });
    for (const r of hit) if (r.times !== undefined) r.times--;
    this.list = this.list.filter((r) => r.times === undefined || r.times > 0);
    return hit;
  }
}

/** What Incapsula sends a non-browser client instead of the page (about 212 bytes). */
export const INCAPSULA_PAGE =
  '<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW"></head><body style="margin:0px;height:100%">' +
  '<iframe id="main-iframe" src="/_Incapsula_Resource?SWUDNSAI=9"></iframe></body></html>';

// Unref'd so a test that closes the portal mid-delay does not keep Node alive.
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

function errorPage(status: number): PlannedResponse {
  const text = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[status] ?? 'Server Error';
  if (status === 500) {
    return {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: Buffer.from(JSON.stringify({ error: { code: 500, message: 'An internal server error occurred.', details: [] } })),
    };
  }
  return {
    status,
    headers: { 'content-type': 'text/html' },
    body: Buffer.from(`<html><head><title>${status} ${text}</title></head><body><center><h1>${status} ${text}</h1></center><hr><center>nginx</center></body></html>`),
  };
}

/** Retry-After as an HTTP date (IMF-fixdate), rounded up so the wait is never shorter than asked. */
export function retryAfterDate(seconds: number, now = Date.now()): string {
  return new Date(Math.ceil((now + seconds * 1000) / 1000) * 1000).toUTCString();
}

/**
 * Sends `planned`, bent by `rules`: a hold waits for `released` (or its `ms`), latency rules add
 * up, gzip and chunked change the transport, then the first other rule decides. Resolves with
 * the status actually written (0 when the socket was cut before headers).
 */
export async function sendWithFaults(
  res: ServerResponse,
  planned: PlannedResponse,
  rules: FaultRule[],
  requestHeaders: IncomingHttpHeaders = {},
  released: Promise<void> = new Promise(() => undefined),
): Promise<{ status: number; fault?: FaultKind }> {
  const hold = rules.find((r) => r.kind === 'hold');
  if (hold) await Promise.race([released, sleep(hold.ms ?? HOLD_DEFAULT_MS)]);
  const delay = rules.filter((r) => r.kind === 'latency').reduce((sum, r) => sum + (r.ms ?? 500), 0);
  if (delay) await sleep(delay);
  const rule = rules.find((r) => !TRANSPORT_KINDS.includes(r.kind));
  let out = planned;
  switch (rule?.kind) {
    case 'status5xx':
      out = errorPage(rule.status ?? 503);
      break;
    case 'rateLimit': {
      const seconds = rule.retryAfterSeconds ?? 1;
      out = {
        status: 429,
        headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': rule.retryAfterDate ? retryAfterDate(seconds) : String(seconds) },
        body: Buffer.from(JSON.stringify({ error: { code: 429, message: 'Too many requests. Please try again later.', details: [] } })),
      };
      break;
    }
    case 'arcgisError':
      // What ArcGIS Server and Online do: HTTP 200, the failure in the body (or `httpStatus`).
      out = {
        status: rule.httpStatus ?? 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: Buffer.from(JSON.stringify({ error: { code: rule.status ?? 400, message: rule.message ?? 'Unable to complete operation.', details: rule.details ?? [] } })),
      };
      break;
    case 'botChallenge':
      out = { status: 200, headers: { 'content-type': 'text/html', 'x-cdn': 'Imperva', 'x-iinfo': '10-77530551-0 0NNN RT(1700000000000 141) q(0 -1 -1 0)' }, body: Buffer.from(INCAPSULA_PAGE) };
      break;
    case 'malformedJson': {
      const text = planned.body.toString('utf8');
      const broken = text.length > 2 ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) + '\u0000<!-- cut' : '{"error": ';
      out = { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(broken) };
      break;
    }
    case 'corruptBody':
      // A proxy that mangled a binary answer: its own content type, whole on the wire, unreadable.
      out = { status: planned.status, headers: { ...planned.headers }, body: Buffer.concat([planned.body.subarray(0, Math.floor(planned.body.length / 2)), Buffer.from([0xff, 0xff, 0xff])]) };
      break;
    default:
      break;
  }
  // Real servers compress when the client accepts it; Content-Length is then the compressed size.
  const gzip = rules.some((r) => r.kind === 'gzip') && /\bgzip\b/i.test(String(requestHeaders['accept-encoding'] ?? '')) && out.body.length > 0;
  const chunked = rules.some((r) => r.kind === 'chunked');
  const transport = gzip || chunked ? (gzip ? 'gzip' : 'chunked') : undefined;
  const body = gzip ? gzipSync(out.body, { level: 1 }) : out.body;
  const headers: Record<string, string> = { ...out.headers };
  if (gzip) {
    headers['content-encoding'] = 'gzip';
    headers.vary = 'Accept-Encoding';
  }
  // Without a Content-Length node sends Transfer-Encoding: chunked.
  if (!chunked) headers['content-length'] = String(body.length);
  out = { ...out, body };
  if (rule?.kind === 'stall') {
    // The headers and a first part of the body, then nothing: a proxy that hangs mid-answer.
    res.writeHead(out.status, headers);
    res.flushHeaders();
    res.write(out.body.subarray(0, Math.min(out.body.length, Math.max(1, Math.floor(out.body.length / 4)))));
    await new Promise<void>((resolve) => res.once('close', () => resolve()));
    return { status: out.status, fault: 'stall' };
  }
  if (rule?.kind === 'truncated' || rule?.kind === 'reset') {
    res.writeHead(out.status, headers);
    const cut = Math.max(1, Math.floor(out.body.length / 2));
    await new Promise<void>((resolve) => res.write(out.body.subarray(0, cut), () => resolve()));
    const socket = res.socket;
    if (socket) {
      if (rule.kind === 'reset') {
        // An RST, as a crashed proxy sends; resetAndDestroy exists from Node 16.17.
        const s = socket as typeof socket & { resetAndDestroy?: () => void };
        if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
        else socket.destroy();
      } else {
        socket.end();
      }
    }
    return { status: out.status, fault: rule.kind };
  }
  if (rule?.kind === 'slowDrip' || (chunked && !rule)) {
    // Chunked bodies go out in pieces, as a server streaming its answer sends them.
    res.writeHead(out.status, headers);
    const chunk = rule ? Math.max(8, Math.ceil(out.body.length / 100)) : 16 * 1024;
    for (let i = 0; i < out.body.length; i += chunk) {
      if (res.destroyed) break;
      res.write(out.body.subarray(i, i + chunk));
      if (rule) await sleep(rule.ms ?? 20);
    }
    res.end();
    return { status: out.status, fault: rule?.kind ?? transport };
  }
  res.writeHead(out.status, headers);
  res.end(out.body);
  return { status: out.status, fault: rule?.kind ?? transport ?? (hold ? 'hold' : delay ? 'latency' : undefined) };
}
