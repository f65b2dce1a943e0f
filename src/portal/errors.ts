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
