// Typed failures of a portal call. Every HTTP or parsing problem becomes one of these so
// the UI can say what happened and what to do, and never shows a raw stack or a token.

export type PortalErrorKind =
  /** The legacy portal's bot-protection service answered with its HTML check page. */
  | 'botChallenge'
  /** 429 after the retries allowed; `retryAfterSeconds` says how long the portal asked to wait. */
  | 'rateLimited'
  | 'timeout'
  /** 5xx after retries. */
  | 'server'
  /** The body was not the JSON we expected (HTML, truncated, wrong shape). */
  | 'malformed'
  /** Connection refused, reset, DNS failure. */
  | 'network'
  | 'notFound'
  /** 401/403 or ArcGIS 498/499: the portal wants a (valid) token. */
  | 'auth'
  /** ArcGIS error body (HTTP 200 with `{"error": ...}`) or another 4xx. */
  | 'rejected'
  /** The portal understood the request and refused this query (bad or unsupported where,
   * sort, statistics): the same request will fail again, but a simpler one may work. */
  | 'refused'
  | 'cancelled';

export class PortalError extends Error {
  constructor(
    readonly kind: PortalErrorKind,
    message: string,
    readonly details: {
      /** The URL with any token removed. */
      url?: string;
      status?: number;
      retryAfterSeconds?: number;
      /** Portal-provided detail lines (ArcGIS `details`). */
      portalDetails?: string[];
    } = {},
  ) {
    super(message);
    this.name = 'PortalError';
  }
}

export function isPortalError(value: unknown): value is PortalError {
  return value instanceof PortalError;
}

const TOKEN_PARAM = /([?&](?:token|api_key|apikey|access_token)=)[^&#]*/gi;

/** Strips credentials from a URL before it reaches a message, a log, a snippet or a file. */
export function redactUrl(url: string): string {
  return url.replace(TOKEN_PARAM, '$1***');
}

/** What an ArcGIS error body says about the query: a refusal (the query itself is wrong or
 * unsupported), a token problem, a missing resource, or a server failure. The code alone
 * misleads: Enterprise answers a malformed where with code 500 "Syntax error [].", and
 * servers answer refusals with 400 "Unable to complete operation." or "Invalid query
 * parameters." plus details. */
export function classifyArcgisError(code: number | undefined, message: string, details: string[] = []): PortalErrorKind {
  const text = [message, ...details].join(' ');
  if (code === 498 || code === 499 || /\btoken (required|invalid|expired|is not valid)|invalid token/i.test(text)) return 'auth';
  if (code === 401 || code === 403 || /not authorized|permission denied|access denied/i.test(text)) return 'auth';
  if (QUERY_REFUSAL.test(text)) return 'refused';
  if (code === 404 || /\b(not found|does not exist)\b/i.test(text)) return 'notFound';
  if (code !== undefined && code >= 500) return 'server';
  // Any other 4xx code is the server turning this request down.
  if (code !== undefined && code >= 400) return 'refused';
  return 'rejected';
}

/** Wording ArcGIS servers use when they refuse a query (from real error bodies; see
 * test/unit/portal-client/samples). */
const QUERY_REFUSAL =
  /syntax error|invalid (query|field|sql|where|parameter|input|statistic)|parameter is invalid|invalid or missing input|cannot perform query|unable to perform query|where clause|orderbyfields|not supported|unsupported|outstatistics/i;
