// The one place that talks HTTP. Everything else asks this module for validated JSON or
// text, so timeouts, retries, Retry-After, per-host limits, the User-Agent, conditional
// requests and the mapping of failures to PortalError live here and nowhere else.

import ky, { HTTPError, TimeoutError, type KyInstance } from 'ky';
import { PortalError, classifyArcgisError, redactUrl } from './errors';

export interface HttpSettings {
  /** Sent on every request so the city can see who calls it. */
  userAgent: string;
  timeoutMs?: number;
  /** Retries after the first attempt, for 5xx, 429, timeouts and network errors. */
  retries?: number;
  /** Upper bound of one backoff delay; tests lower it to stay fast. */
  backoffLimitMs?: number;
  /** Longest Retry-After we are willing to sleep; longer answers fail as rate limited. */
  maxRetryAfterMs?: number;
  /** Requests in flight to one host at a time: the portal's rules ask clients not to hammer it. */
  maxConcurrentPerHost?: number;
  /** Diagnostic lines (URLs are redacted before they get here). */
  log?: (line: string) => void;
}

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST';
  searchParams?: URLSearchParams;
  /** Raw body; `contentType` says what it is (the legacy portal documents `text/json`). */
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Reuse a stored copy when the server answers 304 to If-None-Match / If-Modified-Since. */
  conditional?: boolean;
}

export interface TextResponse {
  status: number;
  contentType: string;
  text: string;
  /** True when the body came from the conditional-request store after a 304. */
  notModified: boolean;
}

/** A body kept as the bytes that came over the wire: for consumers that convert a page
 * without decoding it to text first (the CSV save's fast path). */
export interface BytesResponse {
  status: number;
  contentType: string;
  bytes: Uint8Array;
}

interface StoredResponse {
  etag?: string;
  lastModified?: string;
  contentType: string;
  text: string;
}

const RETRY_STATUS = [408, 429, 500, 502, 503, 504];
const MAX_STORED_BODY = 8 * 1024 * 1024;
const MAX_STORED_TOTAL = 64 * 1024 * 1024;
const MAX_PREALLOCATED_BODY = 16 * 1024 * 1024;

/** A counting semaphore; one per host. */
class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export class PortalHttp {
  private readonly client: KyInstance;
  private readonly gates = new Map<string, Gate>();
  private readonly stored = new Map<string, StoredResponse>();
  private storedBytes = 0;

  constructor(private readonly settings: HttpSettings) {
    const log = settings.log;
    this.client = ky.create({
      timeout: settings.timeoutMs ?? 30_000,
      throwHttpErrors: (status) => status >= 400,
      headers: { 'user-agent': settings.userAgent },
      retry: {
        limit: settings.retries ?? 3,
        methods: ['get', 'post'],
        statusCodes: RETRY_STATUS,
        afterStatusCodes: [413, 429, 503],
        maxRetryAfter: settings.maxRetryAfterMs ?? 30_000,
        backoffLimit: settings.backoffLimitMs ?? 8_000,
        retryOnTimeout: true,
        jitter: true,
      },
      hooks: {
        beforeRetry: [
          ({ request, error, retryCount }) => {
            log?.(`retry ${retryCount} ${request.method} ${redactUrl(request.url)}: ${describe(error)}`);
          },
        ],
      },
    });
  }

  /** GET or POST and return the body as text, whatever the status class below 400. */
  async text(request: HttpRequest): Promise<TextResponse> {
    return this.withBodyRetry(request, (url) => this.once(url, request));
  }

  /** As `text`, but the body stays bytes (never decoded, never stored for revalidation). */
  async bytes(request: HttpRequest): Promise<BytesResponse> {
    return this.withBodyRetry(request, (url) => this.onceBytes(url, request));
  }

  private async withBodyRetry<T>(request: HttpRequest, fetchOnce: (url: string) => Promise<T>): Promise<T> {
    const url = request.searchParams && [...request.searchParams.keys()].length ? `${request.url}?${request.searchParams}` : request.url;
    const host = safeHost(url);
    let gate = this.gates.get(host);
    if (!gate) {
      gate = new Gate(Math.max(1, this.settings.maxConcurrentPerHost ?? 4));
      this.gates.set(host, gate);
    }
    // A body cut short (truncated, reset mid-body) is not seen by ky's retry, which ends at
    // the headers; one more attempt here covers it.
    const bodyAttempts = 1 + Math.min(2, this.settings.retries ?? 3);
    for (let attempt = 1; ; attempt++) {
      try {
        return await gate.run(() => fetchOnce(url));
      } catch (error) {
        if (error instanceof PortalError && error.kind === 'network' && error.details.status !== undefined && attempt < bodyAttempts && !request.signal?.aborted) {
          this.settings.log?.(`retry body ${redactUrl(url)}: ${error.message}`);
          continue;
        }
        throw error;
      }
    }
  }

  /** Fetch and parse JSON, then let `check` reject a body of the wrong shape. */
  async json<T>(request: HttpRequest, check: (value: unknown) => T): Promise<T> {
    return parseJsonResponse(await this.text(request), request.url, check);
  }

  private async send(url: string, request: HttpRequest, headers: Record<string, string>): Promise<Response> {
    try {
      return await this.client(url, { method: request.method ?? 'GET', headers, body: request.body, signal: request.signal });
    } catch (error) {
      throw toPortalError(error, url, request.signal);
    }
  }

  private async onceBytes(url: string, request: HttpRequest): Promise<BytesResponse> {
    const headers: Record<string, string> = { ...request.headers };
    if (request.contentType) headers['content-type'] = request.contentType;
    const response = await this.send(url, request, headers);
    let bytes: Uint8Array;
    try {
      bytes = await readBytes(response);
    } catch (error) {
      throw bodyBroken(error, url, request.signal, response.status);
    }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', bytes };
  }

  private async once(url: string, request: HttpRequest): Promise<TextResponse> {
    const headers: Record<string, string> = { ...request.headers };
    if (request.contentType) headers['content-type'] = request.contentType;
    const storeKey = request.conditional && (request.method ?? 'GET') === 'GET' ? redactUrl(url) : undefined;
    const stored = storeKey ? this.stored.get(storeKey) : undefined;
    if (stored?.etag) headers['if-none-match'] = stored.etag;
    if (stored?.lastModified) headers['if-modified-since'] = stored.lastModified;
    const response = await this.send(url, request, headers);
    if (response.status === 304 && stored) {
      return { status: 304, contentType: stored.contentType, text: stored.text, notModified: true };
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw bodyBroken(error, url, request.signal, response.status);
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (storeKey) this.remember(storeKey, response, contentType, text);
    return { status: response.status, contentType, text, notModified: false };
  }

  private remember(key: string, response: Response, contentType: string, text: string): void {
    const etag = response.headers.get('etag') ?? undefined;
    const lastModified = response.headers.get('last-modified') ?? undefined;
    const previous = this.stored.get(key);
    if (previous) {
      this.storedBytes -= previous.text.length;
      this.stored.delete(key);
    }
    if ((!etag && !lastModified) || text.length > MAX_STORED_BODY) return;
    this.stored.set(key, { etag, lastModified, contentType, text });
    this.storedBytes += text.length;
    // Maps iterate in insertion order, so the first keys are the least recently stored.
    for (const [oldKey, old] of this.stored) {
      if (this.storedBytes <= MAX_STORED_TOTAL) break;
      this.stored.delete(oldKey);
      this.storedBytes -= old.text.length;
    }
  }
}

/** Validates a JSON answer: a web page (bot check or error page) is not data, an ArcGIS
 * error sent with HTTP 200 is an error, and `check` rejects a body of the wrong shape.
 * Shared by `PortalHttp.json` and callers that fetched the bytes themselves. */
export function parseJsonResponse<T>(response: TextResponse, rawUrl: string, check: (value: unknown) => T): T {
  const url = redactUrl(rawUrl);
  // Only the start is needed to tell a web page from data; trimming a whole page of rows
  // would copy it.
  const head = response.text.slice(0, 4096).trimStart();
  if (looksLikeHtml(response.contentType, head)) {
    if (isBotChallenge(response.text)) {
      throw new PortalError('botChallenge', 'The portal answered with a browser check page instead of data.', { url, status: response.status });
    }
    throw new PortalError('malformed', 'The portal answered with a web page instead of data.', { url, status: response.status });
  }
  let value: unknown;
  try {
    value = JSON.parse(response.text);
  } catch {
    throw new PortalError('malformed', `The portal sent a response that is not valid JSON (${response.text.length} bytes).`, { url, status: response.status });
  }
  throwIfArcgisError(value, url);
  try {
    return check(value);
  } catch (error) {
    if (error instanceof PortalError) throw error;
    throw new PortalError('malformed', `The portal's response does not have the expected shape: ${(error as Error).message}`, { url });
  }
}

/** Decodes a byte body as `response.text()` would have (UTF-8, a leading BOM dropped). */
export function decodeBody(response: BytesResponse): TextResponse {
  return { status: response.status, contentType: response.contentType, text: new TextDecoder().decode(response.bytes), notModified: false };
}

/** Bytes to set aside for a body before it arrives. The declared length is only a hint: a
 * body may be cut short (the read then fails) or come chunked without one, and a hostile
 * header must not make us allocate gigabytes. */
export function initialBodyCapacity(contentLength: string | null): number {
  const declared = Number(contentLength ?? Number.NaN);
  return Number.isSafeInteger(declared) && declared > 0 ? Math.min(declared, MAX_PREALLOCATED_BODY) : 64 * 1024;
}

/** The body's bytes, gathered into one array sized by Content-Length when the portal sends
 * it: arrayBuffer() copies every page twice more, and a million-row save is 500 pages. */
async function readBytes(response: Response): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  let buffer = new Uint8Array(initialBodyCapacity(response.headers.get('content-length')));
  let used = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (used + value.byteLength > buffer.length) {
      const bigger = new Uint8Array(Math.max(buffer.length * 2, used + value.byteLength));
      bigger.set(buffer.subarray(0, used));
      buffer = bigger;
    }
    buffer.set(value, used);
    used += value.byteLength;
  }
  return used === buffer.length ? buffer : buffer.subarray(0, used);
}

function bodyBroken(error: unknown, url: string, signal: AbortSignal | undefined, status: number): PortalError {
  if (signal?.aborted) return new PortalError('cancelled', 'The request was cancelled.', { url: redactUrl(url) });
  return new PortalError('network', `The connection broke while the portal was sending data (${describe(error)}).`, { url: redactUrl(url), status });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    throw new PortalError('rejected', 'The portal URL is not a valid URL.', { url: redactUrl(url) });
  }
}

function describe(error: unknown): string {
  if (error instanceof HTTPError) return `HTTP ${error.response.status}`;
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

function toPortalError(error: unknown, rawUrl: string, signal: AbortSignal | undefined): PortalError {
  const url = redactUrl(rawUrl);
  if (signal?.aborted) return new PortalError('cancelled', 'The request was cancelled.', { url });
  if (error instanceof TimeoutError) return new PortalError('timeout', 'The portal did not answer in time.', { url });
  if (error instanceof HTTPError) {
    const status = error.response.status;
    if (status === 429) {
      const retryAfter = Number(error.response.headers.get('retry-after'));
      return new PortalError('rateLimited', 'The portal is limiting requests (HTTP 429).', {
        url,
        status,
        retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
      });
    }
    if (status === 401 || status === 403) return new PortalError('auth', `The portal refused access (HTTP ${status}).`, { url, status });
    if (status === 404) return new PortalError('notFound', 'The portal has nothing at this address (HTTP 404).', { url, status });
    if (status >= 500) return new PortalError('server', `The portal had a server error (HTTP ${status}).`, { url, status });
    return new PortalError('rejected', `The portal rejected the request (HTTP ${status}).`, { url, status });
  }
  if (error instanceof DOMException && error.name === 'AbortError') return new PortalError('cancelled', 'The request was cancelled.', { url });
  return new PortalError('network', `Could not connect (${describe(error)}).`, { url });
}

function looksLikeHtml(contentType: string, trimmedBody: string): boolean {
  return /html/i.test(contentType) || trimmedBody.startsWith('<');
}

/** Incapsula's page: a tiny HTML document whose only content is an iframe to its resource. */
function isBotChallenge(body: string): boolean {
  return body.length < 4096 && /incapsula|_Incapsula_Resource|<iframe/i.test(body);
}

/** ArcGIS reports failures as HTTP 200 with an `error` object. */
function throwIfArcgisError(value: unknown, url: string): void {
  if (!value || typeof value !== 'object' || !('error' in value)) return;
  const error = (value as { error: unknown }).error;
  if (!error || typeof error !== 'object') return;
  const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
  const portalDetails = Array.isArray(details) ? details.map(String) : undefined;
  const text = typeof message === 'string' && message ? message : 'The portal reported an error.';
  const status = typeof code === 'number' ? code : undefined;
  throw new PortalError(classifyArcgisError(status, text, portalDetails), text, { url, status, portalDetails });
}
