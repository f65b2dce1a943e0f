// The one place that talks HTTP. Everything else asks this module for validated JSON or
// text, so timeouts, retries, Retry-After, per-host limits, the User-Agent, conditional
// requests and the mapping of failures to PortalError live here and nowhere else.

import type { KyInstance } from 'ky';
import { PortalError, classifyArcgisError, redactUrl } from './errors';
import { OFF_THREAD_JSON_BYTES, parseJsonBytesOffThread } from './jsonOffThread';

// ky is loaded with the first request, not with this module: its import builds a Request,
// which loads Node's fetch (undici), a cost a process that may never fetch (the MCP server
// answering its handshake, the extension activating) should not pay up front.
type KyModule = typeof import('ky');
let kyModule: KyModule | undefined;
let kyLoading: Promise<KyModule> | undefined;
function loadKy(): Promise<KyModule> {
  return (kyLoading ??= import('ky').then((module) => (kyModule = module)));
}

export interface HttpSettings {
  /** Sent on every request so the city can see who calls it. */
  userAgent: string;
  /** Longest wait for the headers, and for each next piece of the body once they came. */
  timeoutMs?: number;
  /** Retries after the first attempt, for 5xx, 429, timeouts and network errors. */
  retries?: number;
  /** Upper bound of one backoff delay; tests lower it to stay fast. */
  backoffLimitMs?: number;
  /** Longest Retry-After we are willing to sleep; longer answers fail as rate limited. */
  maxRetryAfterMs?: number;
  /** Told before a wait of `LONG_WAIT_MS` or more that a 429's Retry-After asked for, so
   * the user knows why nothing happens; `done` settles when the wait is over. */
  onLongWait?: (wait: { host: string; seconds: number; done: Promise<void> }) => void;
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
  /** Longest body worth reading: a longer one fails (kind `rejected`) as soon as it passes
   * this, the rest never downloaded. For background work that must stay cheap whatever a
   * portal sends (the field index); unset, any size is read. */
  maxBytes?: number;
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

// 429 is retried here, not by ky: ky 2 sleeps min(Retry-After, max) even when the portal
// asked for far longer, and tells nobody about a long wait.
const RETRY_STATUS = [408, 500, 502, 503, 504];
/** A Retry-After at least this long is said to the user while we wait. */
export const LONG_WAIT_MS = 5_000;
/** Bodies kept for revalidation: each at most this many bytes on the wire, all together at
 * most MAX_STORED_TOTAL characters. */
const MAX_STORED_BODY = 8 * 1024 * 1024;
const MAX_STORED_TOTAL = 64 * 1024 * 1024;
const MAX_PREALLOCATED_BODY = 16 * 1024 * 1024;
/** readBytes lets other work run after every this many bytes. */
const YIELD_EVERY_BYTES = 1024 * 1024;

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
  private client?: Promise<KyInstance>;
  private readonly gates = new Map<string, Gate>();
  private readonly stored = new Map<string, StoredResponse>();
  private storedBytes = 0;

  constructor(private readonly settings: HttpSettings) {}

  private kyClient(): Promise<KyInstance> {
    return (this.client ??= loadKy().then((ky) => this.createClient(ky)));
  }

  private createClient(ky: KyModule): KyInstance {
    const settings = this.settings;
    const log = settings.log;
    return ky.default.create({
      timeout: settings.timeoutMs ?? 30_000,
      throwHttpErrors: (status) => status >= 400,
      headers: { 'user-agent': settings.userAgent },
      retry: {
        limit: settings.retries ?? 3,
        methods: ['get', 'post'],
        statusCodes: RETRY_STATUS,
        afterStatusCodes: [413, 503],
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
    // A body cut short or stalled (truncated, reset or silent mid-body) is not seen by ky's
    // retry, which ends at the headers; more attempts here cover it. A body error carries
    // the status its headers had, a failure before the headers does not (ky retried those).
    const bodyAttempts = 1 + Math.min(2, this.settings.retries ?? 3);
    const rateLimitAttempts = 1 + (this.settings.retries ?? 3);
    let bodyFailures = 0;
    let rateLimits = 0;
    for (;;) {
      try {
        return await gate.run(() => fetchOnce(url));
      } catch (error) {
        if (!(error instanceof PortalError) || request.signal?.aborted) throw error;
        if ((error.kind === 'network' || error.kind === 'timeout') && error.details.status !== undefined && ++bodyFailures < bodyAttempts) {
          this.settings.log?.(`retry body ${redactUrl(url)}: ${error.message}`);
          continue;
        }
        if (error.kind === 'rateLimited' && ++rateLimits < rateLimitAttempts) {
          const waitMs = this.rateLimitWait(error, rateLimits);
          if (waitMs === undefined) throw error;
          this.settings.log?.(`retry after ${waitMs} ms (HTTP 429) ${redactUrl(url)}`);
          const done = sleep(waitMs, request.signal);
          if (waitMs >= LONG_WAIT_MS) this.settings.onLongWait?.({ host, seconds: Math.ceil(waitMs / 1000), done: done.catch(() => undefined) });
          try {
            await done;
          } catch {
            throw new PortalError('cancelled', 'The request was cancelled.', { url: redactUrl(url) });
          }
          continue;
        }
        throw error;
      }
    }
  }

  /** How long to sleep before retrying a 429: what the portal asked for (seconds or a
   * date), else a short backoff; undefined when it asked for more than we will wait. */
  private rateLimitWait(error: PortalError, attempt: number): number | undefined {
    const asked = error.details.retryAfterSeconds;
    const max = this.settings.maxRetryAfterMs ?? 30_000;
    if (asked === undefined) return Math.min(max, this.settings.backoffLimitMs ?? 8_000, 1000 * 2 ** (attempt - 1));
    const ms = asked * 1000;
    return ms > max ? undefined : ms;
  }

  /** Fetch and parse JSON, then let `check` reject a body of the wrong shape. A big body is
   * decoded and parsed in a worker thread, so the host stays responsive meanwhile. */
  async json<T>(request: HttpRequest, check: (value: unknown) => T): Promise<T> {
    const response = await this.withBodyRetry(request, (url) => this.once(url, request, OFF_THREAD_JSON_BYTES));
    if ('text' in response) return parseJsonResponse(response, request.url, check);
    // Only the start is needed to tell a web page from data, and web pages are small.
    const head = new TextDecoder().decode(response.bytes.subarray(0, 4096)).trimStart();
    if (looksLikeHtml(response.contentType, head)) return parseJsonResponse(decodeBody(response), request.url, check);
    const size = response.bytes.length;
    const parsed = await parseJsonBytesOffThread(response.bytes).then(
      (value) => ({ value }),
      () => undefined,
    );
    if (!parsed) throw notJson(request.url, response.status, size);
    return checkJsonValue(parsed.value, redactUrl(request.url), check);
  }

  /** Sends the request (ky retries what fails before the headers) and returns the response
   * with a reader for its body that fails when the body stalls. ky's own `timeout` (ky 2.1)
   * covers only the wait for the headers when the body is read from the Response, as here. */
  private async send(url: string, request: HttpRequest, headers: Record<string, string>): Promise<{ response: Response; body: () => Promise<Uint8Array> }> {
    const bodyTimeout = new AbortController();
    const signal = request.signal ? AbortSignal.any([request.signal, bodyTimeout.signal]) : bodyTimeout.signal;
    let response: Response;
    try {
      response = await (await this.kyClient())(url, { method: request.method ?? 'GET', headers, body: request.body, signal });
    } catch (error) {
      throw toPortalError(error, url, request.signal);
    }
    const timeoutMs = this.settings.timeoutMs ?? 30_000;
    const body = async (): Promise<Uint8Array> => {
      try {
        return await readBytes(response, timeoutMs, bodyTimeout, request.maxBytes);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          throw new PortalError('rejected', `The portal's answer is larger than ${megabytes(error.limit)} MB, the most read for this.`, { url: redactUrl(url), status: response.status });
        }
        if (bodyTimeout.signal.aborted && !request.signal?.aborted) {
          throw new PortalError('timeout', `The portal stopped sending data mid-answer (nothing for ${Math.round(timeoutMs / 1000)} s).`, { url: redactUrl(url), status: response.status });
        }
        throw bodyBroken(error, url, request.signal, response.status);
      }
    };
    return { response, body };
  }

  private async onceBytes(url: string, request: HttpRequest): Promise<BytesResponse> {
    const headers: Record<string, string> = { ...request.headers };
    if (request.contentType) headers['content-type'] = request.contentType;
    const { response, body } = await this.send(url, request, headers);
    const bytes = await body();
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', bytes };
  }

  /** One request, its body decoded to text; a body of `bytesFrom` bytes or more that is not
   * kept for revalidation stays bytes instead, for a caller that decodes it elsewhere. */
  private async once(url: string, request: HttpRequest): Promise<TextResponse>;
  private async once(url: string, request: HttpRequest, bytesFrom: number): Promise<TextResponse | BytesResponse>;
  private async once(url: string, request: HttpRequest, bytesFrom = Infinity): Promise<TextResponse | BytesResponse> {
    const headers: Record<string, string> = { ...request.headers };
    if (request.contentType) headers['content-type'] = request.contentType;
    const storeKey = request.conditional && (request.method ?? 'GET') === 'GET' ? redactUrl(url) : undefined;
    const stored = storeKey ? this.stored.get(storeKey) : undefined;
    if (stored?.etag) headers['if-none-match'] = stored.etag;
    if (stored?.lastModified) headers['if-modified-since'] = stored.lastModified;
    const { response, body } = await this.send(url, request, headers);
    if (response.status === 304 && stored) {
      await response.body?.cancel().catch(() => undefined);
      return { status: 304, contentType: stored.contentType, text: stored.text, notModified: true };
    }
    const bytes = await body();
    const contentType = response.headers.get('content-type') ?? '';
    if (bytes.length >= bytesFrom && (!storeKey || bytes.length > MAX_STORED_BODY)) {
      if (storeKey) this.forget(storeKey);
      return { status: response.status, contentType, bytes };
    }
    // Decoded as response.text() would (UTF-8, a leading BOM dropped).
    const text = new TextDecoder().decode(bytes);
    if (storeKey) this.remember(storeKey, response, contentType, text, bytes.length);
    return { status: response.status, contentType, text, notModified: false };
  }

  private forget(key: string): void {
    const previous = this.stored.get(key);
    if (!previous) return;
    this.storedBytes -= previous.text.length;
    this.stored.delete(key);
  }

  private remember(key: string, response: Response, contentType: string, text: string, size: number): void {
    const etag = response.headers.get('etag') ?? undefined;
    const lastModified = response.headers.get('last-modified') ?? undefined;
    this.forget(key);
    if ((!etag && !lastModified) || size > MAX_STORED_BODY) return;
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
export function parseJsonResponse<T>(response: TextResponse, rawUrl: string, check: (value: unknown) => T, parse: (text: string) => unknown = JSON.parse): T {
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
    value = parse(response.text);
  } catch {
    throw notJson(url, response.status, response.text.length);
  }
  return checkJsonValue(value, url, check);
}

function notJson(url: string, status: number, size: number): PortalError {
  return new PortalError('malformed', `The portal sent a response that is not valid JSON (${size} bytes).`, { url: redactUrl(url), status });
}

/** An ArcGIS error sent with HTTP 200 is an error, and `check` rejects a value of the wrong shape. */
function checkJsonValue<T>(value: unknown, url: string, check: (value: unknown) => T): T {
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
 * header must not make us allocate gigabytes. A compressed body's Content-Length is the
 * size on the wire: the decoded body is several times larger, so the hint then only says
 * "at least this much". */
export function initialBodyCapacity(contentLength: string | null, contentEncoding: string | null = null): number {
  const declared = Number(contentLength ?? Number.NaN);
  if (!(Number.isSafeInteger(declared) && declared > 0)) return 64 * 1024;
  const encoded = !!contentEncoding && !/^\s*identity\s*$/i.test(contentEncoding);
  return Math.min(encoded ? Math.max(64 * 1024, declared * 4) : declared, MAX_PREALLOCATED_BODY);
}

/** Thrown by readBytes when a body passes its `maxBytes`. */
class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`body over ${limit} bytes`);
  }
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** The body's bytes, gathered into one array sized by Content-Length when the portal sends
 * it: arrayBuffer() copies every page twice more, and a million-row save is 500 pages.
 * `stall` is aborted (which stops the read) when no bytes came for `idleMs`. Past `maxBytes`
 * (declared or received) the read stops and the rest of the body is cancelled. */
async function readBytes(response: Response, idleMs: number, stall: AbortController, maxBytes = Infinity): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  // A compressed body's length on the wire is already less than what it decodes to.
  if (declared > maxBytes) {
    await response.body.cancel().catch(() => undefined);
    throw new BodyTooLarge(maxBytes);
  }
  let buffer = new Uint8Array(Math.min(maxBytes, initialBodyCapacity(response.headers.get('content-length'), response.headers.get('content-encoding'))));
  let used = 0;
  const reader = response.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stall.abort();
      // Undici ends the stream on abort, but a reader elsewhere might not: cancel it too.
      void reader.cancel().catch(() => undefined);
    }, idleMs);
  };
  let sinceYield = 0;
  try {
    for (;;) {
      arm();
      const { done, value } = await reader.read();
      if (stall.signal.aborted) throw new Error('stalled');
      if (done) break;
      if (used + value.byteLength > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new BodyTooLarge(maxBytes);
      }
      if (used + value.byteLength > buffer.length) {
        const bigger = new Uint8Array(Math.max(buffer.length * 2, used + value.byteLength));
        bigger.set(buffer.subarray(0, used));
        buffer = bigger;
      }
      buffer.set(value, used);
      used += value.byteLength;
      // Chunks already received resolve each read at once: without a pause now and then, a
      // 50 MB body is read in one task and the host does nothing else meanwhile.
      sinceYield += value.byteLength;
      if (sinceYield >= YIELD_EVERY_BYTES) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    clearTimeout(timer);
  }
  return used === buffer.length ? buffer : buffer.subarray(0, used);
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
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
  if (kyModule && error instanceof kyModule.HTTPError) return `HTTP ${error.response.status}`;
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

function toPortalError(error: unknown, rawUrl: string, signal: AbortSignal | undefined): PortalError {
  const url = redactUrl(rawUrl);
  if (signal?.aborted) return new PortalError('cancelled', 'The request was cancelled.', { url });
  if (kyModule && error instanceof kyModule.TimeoutError) return new PortalError('timeout', 'The portal did not answer in time.', { url });
  if (kyModule && error instanceof kyModule.HTTPError) {
    const status = error.response.status;
    if (status === 429) {
      return new PortalError('rateLimited', 'The portal is limiting requests (HTTP 429).', {
        url,
        status,
        retryAfterSeconds: retryAfterSeconds(error.response.headers.get('retry-after')),
      });
    }
    // ky has read the body already (bounded by the timeout and 10 MiB): what it says decides,
    // as for an error sent with HTTP 200 ("Unable to complete operation." plus details).
    const said = errorBodyOf(error.data);
    if (said) {
      const code = said.code ?? status;
      return new PortalError(classifyArcgisError(code, said.message, said.details), said.message, { url, status: code, portalDetails: said.details });
    }
    if (status === 401 || status === 403) return new PortalError('auth', `The portal refused access (HTTP ${status}).`, { url, status });
    if (status === 404) return new PortalError('notFound', 'The portal has nothing at this address (HTTP 404).', { url, status });
    if (status >= 500) return new PortalError('server', `The portal had a server error (HTTP ${status}).`, { url, status });
    return new PortalError('rejected', `The portal rejected the request (HTTP ${status}).`, { url, status });
  }
  if (error instanceof DOMException && error.name === 'AbortError') return new PortalError('cancelled', 'The request was cancelled.', { url });
  return new PortalError('network', `Could not connect (${describe(error)}).`, { url });
}

/** Retry-After as whole seconds from now: delay-seconds or an HTTP date (RFC 9110 10.2.3);
 * undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // Date.parse reads IMF-fixdate, RFC 850 and asctime dates; a bare number is handled above.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined;
}

function looksLikeHtml(contentType: string, trimmedBody: string): boolean {
  return /html/i.test(contentType) || trimmedBody.startsWith('<');
}

/** Incapsula's page: a tiny HTML document whose only content is an iframe to its resource. */
function isBotChallenge(body: string): boolean {
  return body.length < 4096 && /incapsula|_Incapsula_Resource|<iframe/i.test(body);
}

/** What an error body says: an ArcGIS `{"error": {code, message, details}}` or a Hub API
 * (NestJS) `{"statusCode", "message", "error"}`; undefined for anything else (an HTML page). */
export function errorBodyOf(data: unknown): { code?: number; message: string; details: string[] } | undefined {
  let value = data;
  if (typeof value === 'string') {
    const text = value.trimStart();
    if (!text.startsWith('{') || text.length > 65_536) return undefined;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  if (!value || typeof value !== 'object') return undefined;
  const body = value as { error?: unknown; message?: unknown; statusCode?: unknown };
  if (body.error && typeof body.error === 'object') {
    const { code, message, details } = body.error as { code?: unknown; message?: unknown; details?: unknown };
    if (typeof message !== 'string' || !message) return undefined;
    return { code: typeof code === 'number' ? code : undefined, message, details: Array.isArray(details) ? details.map(String).filter(Boolean) : [] };
  }
  if (typeof body.message === 'string' && body.message) return { code: typeof body.statusCode === 'number' ? body.statusCode : undefined, message: body.message, details: [] };
  return undefined;
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
