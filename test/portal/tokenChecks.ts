// Where a request to the fake portal carried a portal token: shared by the unit tests (plain
// Node) and the integration tests (in VS Code), so both check the same rule.
import assert from 'node:assert/strict';
import type { RequestLogEntry } from './server';

const FEATURE_SERVER = /\/FeatureServer(\/|\?|$)/;

/** The token a request carried the ways ArcGIS reads it outside the URL: the
 * X-Esri-Authorization Bearer header, or the `token` field of a POST form. */
export function tokenSent(r: RequestLogEntry): string | undefined {
  const header = String(r.headers['x-esri-authorization'] ?? '');
  return /^Bearer (.+)$/.exec(header)?.[1] ?? (r.form !== undefined ? new URLSearchParams(r.form).get('token') ?? undefined : undefined);
}

/** Fails unless `token` went to every FeatureServer request among `requests` (at least one) in
 * its X-Esri-Authorization header or its form body, never in a URL (proxies and VS Code's
 * proxy resolver log URLs), and to no other request (URL, header or body): not the DCAT feed,
 * the Hub search or a file download, each of which must be among `requests` when listed in
 * `mustSee`. */
export function expectTokenOnlyOnFeatureServer(
  requests: readonly RequestLogEntry[],
  token: string,
  mustSee: ('feed' | 'search' | 'download')[] = [],
): void {
  const featureServer = requests.filter((r) => FEATURE_SERVER.test(r.path));
  assert.ok(featureServer.length > 0, 'no FeatureServer request to check the token on');
  const without = featureServer.filter((r) => tokenSent(r) !== token);
  assert.deepEqual(without.map((r) => r.path), [], 'FeatureServer requests without the token');
  const inUrl = requests.filter((r) => /[?&]token=/i.test(r.path) || r.path.includes(token) || r.path.includes(encodeURIComponent(token)));
  assert.deepEqual(inUrl.map((r) => r.path), [], 'requests with a token in the URL');
  const others = requests.filter((r) => !FEATURE_SERVER.test(r.path));
  const leaked = others.filter((r) => JSON.stringify(r).includes(token));
  assert.deepEqual(leaked.map((r) => r.path), [], 'requests other than FeatureServer ones carry the token');
  // A file download is the Hub download API or an item's data (a CSV file item of the feed).
  const kinds = { feed: /\/api\/feed\//, search: /\/api\/search\//, download: /\/api\/download\/|\/sharing\/rest\/content\/items\/\w+\/data/ } as const;
  for (const kind of mustSee) assert.ok(others.some((r) => kinds[kind].test(r.path)), `no ${kind} request was made to check`);
}
