// Text helpers shared by the host and the webviews. No `vscode` import, no DOM.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Portal descriptions are HTML; the tree and quick picks show them as plain text. */
export function htmlToText(html: string): string {
  return html
    .replace(/<\s*(br|\/p|\/div|\/li|\/h\d)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : '';
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

// C0/C1 controls (tab, line feed and carriage return excepted), the Arabic letter mark, the
// LRM/RLM marks and the bidi embeddings, overrides and isolates: invisible characters that
// could make hostile text read differently from what it is.
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Portal text for display, with every invisible control shown as its code point (`<U+202E>`),
 * the same way in tree labels, tooltips, quick picks, notifications and webviews. What is
 * saved to disk keeps the characters as the portal sent them. */
export function showControls(text: string): string {
  return text.replace(CONTROLS, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The first `max` characters of portal HTML, cut before a tag that would be split (so no
 * half tag reaches the sanitiser as text). Huge descriptions are shortened on the host, before
 * they cross to a webview: posting tens of megabytes stalls both sides. */
export function shortenHtml(html: string, max: number): { html: string; shortened: boolean } {
  if (html.length <= max) return { html, shortened: false };
  let cut = max;
  // A tag cut in two (a '<' with no '>' after it before the cut) is left out whole. Looking
  // back from the cut, not forward, keeps this short on a 50 MB text with few tags.
  const open = html.lastIndexOf('<', cut - 1);
  if (open >= 0 && html.lastIndexOf('>', cut - 1) < open) cut = open;
  // Never split a surrogate pair.
  if (cut > 0 && /[\uD800-\uDBFF]/.test(html[cut - 1])) cut--;
  return { html: html.slice(0, cut), shortened: true };
}

/** `template` with `{0}`, `{1}`… replaced by `values` (the shape of vscode.l10n.t's templates). */
export function fillTemplate(template: string, ...values: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => (values[Number(i)] !== undefined ? String(values[Number(i)]) : whole));
}
