// DOM building that never parses portal text as HTML: every string goes in as a text node,
// and long unbroken runs get break opportunities so huge values cannot freeze layout.

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    // Event handlers are bound in code; attributes named on* are never set from data.
    if (/^on/i.test(name)) continue;
    element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

export function icon(name: string): HTMLElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

/** Longest run of text without a break opportunity that is laid out as it is. */
const BREAK_EVERY = 80;
const LONG_RUN = new RegExp(`(\\S{${BREAK_EVERY + 1},})`);

/** `text` as nodes a browser can lay out fast: every run of more than BREAK_EVERY characters
 * without a space gets a `<wbr>` every BREAK_EVERY characters. Chromium needs tens of seconds
 * to wrap one unbreakable word of 100,000 characters (pre-wrap, overflow-wrap: anywhere),
 * and a few milliseconds once it has break opportunities. Copying the text is unchanged. */
export function breakableText(text: string): Node[] {
  if (!LONG_RUN.test(text)) return [document.createTextNode(text)];
  const out: Node[] = [];
  text.split(LONG_RUN).forEach((piece, i) => {
    if (i % 2 === 0) {
      if (piece) out.push(document.createTextNode(piece));
      return;
    }
    for (let at = 0; at < piece.length; ) {
      let end = Math.min(piece.length, at + BREAK_EVERY);
      // Never split a surrogate pair: each half would show as a replacement box.
      if (end < piece.length && /[\ud800-\udbff]/.test(piece[end - 1])) end++;
      out.push(document.createTextNode(piece.slice(at, end)));
      if (end < piece.length) out.push(document.createElement('wbr'));
      at = end;
    }
  });
  return out;
}
