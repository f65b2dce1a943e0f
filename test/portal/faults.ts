// Fault injection for the fake portal: rules chosen by path that delay, fail, throttle, disguise,
// corrupt or cut responses the way real portals and their CDNs do. Applied when a response is sent.

import type { ServerResponse } from 'node:http';

export type FaultKind = 'latency' | 'status5xx' | 'rateLimit' | 'botChallenge' | 'malformedJson' | 'truncated' | 'reset' | 'slowDrip';

export const FAULT_KINDS: readonly FaultKind[] = ['latency', 'status5xx', 'rateLimit', 'botChallenge', 'malformedJson', 'truncated', 'reset', 'slowDrip'];

export interface FaultRule {
  /** Prefix of the pathname, or the source of a RegExp tested against it; every path when absent. */
  path?: string;
  kind: FaultKind;
  /** latency: added delay (default 500); slowDrip: delay between chunks (default 20). */
  ms?: number;
  /** status5xx: 500, 502, 503 or 504 (default 503). */
  status?: number;
  /** rateLimit: the Retry-After header (default 1). */
  retryAfterSeconds?: number;
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

export class Faults implements FaultController {
  private list: FaultRule[] = [];

  get rules(): readonly FaultRule[] {
    return this.list;
  }

  set(rules: FaultRule[]): void {
    this.list = rules.map(validateRule);
  }

  add(rule: FaultRule): void {
    this.list.push(validateRule(rule));
  }

  clear(): void {
    this.list = [];
  }

  /** The rules that apply to this request, consuming one use of each counted rule. */
  take(pathname: string): FaultRule[] {
    const matching = this.list.filter((r) => pathMatches(r, pathname) && (r.times === undefined || r.times > 0));
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

/**
 * Sends `planned`, bent by `rules`: latency rules add up, then the first other rule decides.
 * Resolves with the status actually written (0 when the socket was cut before headers).
 */
export async function sendWithFaults(res: ServerResponse, planned: PlannedResponse, rules: FaultRule[]): Promise<{ status: number; fault?: FaultKind }> {
  const delay = rules.filter((r) => r.kind === 'latency').reduce((sum, r) => sum + (r.ms ?? 500), 0);
  if (delay) await sleep(delay);
  const rule = rules.find((r) => r.kind !== 'latency');
  let out = planned;
  switch (rule?.kind) {
    case 'status5xx':
      out = errorPage(rule.status ?? 503);
      break;
    case 'rateLimit':
      out = {
        status: 429,
        headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(rule.retryAfterSeconds ?? 1) },
        body: Buffer.from(JSON.stringify({ error: { code: 429, message: 'Too many requests. Please try again later.', details: [] } })),
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
    default:
      break;
  }
  const headers = { ...out.headers, 'content-length': String(out.body.length) };
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
  if (rule?.kind === 'slowDrip') {
    res.writeHead(out.status, headers);
    const chunk = Math.max(8, Math.ceil(out.body.length / 100));
    for (let i = 0; i < out.body.length; i += chunk) {
      if (res.destroyed) break;
      res.write(out.body.subarray(i, i + chunk));
      await sleep(rule.ms ?? 20);
    }
    res.end();
    return { status: out.status, fault: 'slowDrip' };
  }
  res.writeHead(out.status, headers);
  res.end(out.body);
  return { status: out.status, fault: rule?.kind ?? (delay ? 'latency' : undefined) };
}
