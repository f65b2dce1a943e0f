// The one gate between a URL from a portal (descriptions, values, download links) and the
// user's browser: only web and mail links pass. Used by the webviews before they ask, and by
// the host before it calls openExternal. No `vscode` import, no DOM.

const EXTERNAL_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The URL normalised when it is an http:, https: or mailto: link; undefined for anything
 * else (`command:`, `vscode:`, `file:`, `data:`, `javascript:`, relative or unparseable). */
export function externalLink(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return undefined;
  }
  if (!EXTERNAL_PROTOCOLS.has(url.protocol)) return undefined;
  if (url.protocol !== 'mailto:' && !url.hostname) return undefined;
  return url.href;
}
