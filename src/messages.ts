// What the user reads when a portal call fails: what happened, what was kept, what to do.

import * as vscode from 'vscode';
import type { PortalErrorKind } from './portal/errors';

export function portalProblem(
  portalName: string,
  error: { kind: PortalErrorKind | 'unknown'; message: string; retryAfterSeconds?: number; details?: { portalDetails?: string[] } },
): string {
  switch (error.kind) {
    case 'refused': {
      // The portal's own words are the useful part: which parameter, which field.
      const said = [error.message, ...(error.details?.portalDetails ?? []).filter((d) => d && d !== error.message)].join(' ');
      return vscode.l10n.t('{0}: the portal refused this query: {1}', portalName, said);
    }
    case 'botChallenge':
      return vscode.l10n.t('{0}: the portal answered with a browser check page instead of data. Its bot protection blocks programs; try again later or use the ArcGIS Hub portal.', portalName);
    case 'rateLimited':
      return error.retryAfterSeconds !== undefined
        ? vscode.l10n.t('{0} is limiting requests (HTTP 429) and asked to wait {1} seconds. Try again after that.', portalName, error.retryAfterSeconds)
        : vscode.l10n.t('{0} is limiting requests (HTTP 429). Wait a little and try again.', portalName);
    case 'timeout':
      return vscode.l10n.t('{0} did not answer in time. Check your connection or raise okcOpenData.requestTimeoutSeconds.', portalName);
    case 'server':
      return vscode.l10n.t('{0} had a server error, also after retries ({1}). Try again later.', portalName, error.message);
    case 'malformed':
      return vscode.l10n.t('{0} sent a response that could not be read ({1}). Try again; if it persists the portal may be changing.', portalName, error.message);
    case 'network':
      return vscode.l10n.t('{0}: {1} Check the portal URL in settings and your connection, then retry.', portalName, error.message);
    case 'notFound':
      return vscode.l10n.t('{0} has nothing at the configured address. Check the portal URL in settings.', portalName);
    case 'auth':
      return vscode.l10n.t('{0} refused access ({1}). Set a valid token with "OKC Open Data: Set Portal Token".', portalName, error.message);
    case 'cancelled':
      return vscode.l10n.t('{0}: cancelled.', portalName);
    default:
      return vscode.l10n.t('{0}: {1}', portalName, error.message);
  }
}

let pluralRules: { language: string; rules: Intl.PluralRules } | undefined;

/** The singular or the plural message for `count`, by the plural rules of VS Code's display
 * language. Both messages are written out at the call (`vscode.l10n.t('{0} row', n)` and
 * `vscode.l10n.t('{0} rows', n)`) so each is translated whole; languages with more forms
 * than two get the plural one for every count that is not singular. */
export function plural(count: number, one: () => string, other: () => string): string {
  const language = vscode.env.language;
  if (pluralRules?.language !== language) {
    let rules: Intl.PluralRules;
    try {
      rules = new Intl.PluralRules(language);
    } catch {
      rules = new Intl.PluralRules('en');
    }
    pluralRules = { language, rules };
  }
  return pluralRules.rules.select(count) === 'one' ? one() : other();
}

/** Said while a request waits out a 429's Retry-After long enough to be noticed. */
export function rateLimitWait(portalName: string, seconds: number): string {
  return seconds === 1
    ? vscode.l10n.t('{0} is limiting requests (HTTP 429); trying again in 1 second.', portalName)
    : vscode.l10n.t('{0} is limiting requests (HTTP 429); trying again in {1} seconds.', portalName, seconds);
}
