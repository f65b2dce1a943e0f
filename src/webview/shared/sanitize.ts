// Renders portal HTML (dataset descriptions, license text) safely: parsed by an inert
// DOMParser document (scripts never run there), then rebuilt from an allow-list of
// elements with text nodes only. Links become buttons that ask the host to open them.

import { h, visibleText } from './dom';

const KEEP = new Set(['P', 'BR', 'B', 'STRONG', 'I', 'EM', 'U', 'UL', 'OL', 'LI', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'CODE', 'PRE', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TD', 'TH']);
const DROP = new Set(['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'TEMPLATE', 'NOSCRIPT', 'SVG', 'MATH', 'TITLE', 'HEAD']);
/** Longest text we render from one description; the rest is cut with a note. */
const MAX_TEXT = 200_000;

export function sanitizedFragment(html: string, openLink: (url: string) => void): DocumentFragment {
  const source = new DOMParser().parseFromString(html.length > MAX_TEXT ? html.slice(0, MAX_TEXT) : html, 'text/html');
  const out = document.createDocumentFragment();
  copyChildren(source.body, out, openLink, 0);
  return out;
}

function copyChildren(from: Node, to: Node, openLink: (url: string) => void, depth: number): void {
  if (depth > 40) return;
  for (const node of Array.from(from.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.appendChild(document.createTextNode(visibleText(node.textContent ?? '')));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const element = node as Element;
    const tag = element.tagName.toUpperCase();
    if (DROP.has(tag)) continue;
    if (tag === 'A') {
      const href = element.getAttribute('href') ?? '';
      const link = h('a', { href: '#', class: 'external-link', title: safeUrl(href) ?? '' });
      copyChildren(element, link, openLink, depth + 1);
      const url = safeUrl(href);
      if (url) link.addEventListener('click', (event) => {
        event.preventDefault();
        openLink(url);
      });
      to.appendChild(link);
      continue;
    }
    if (KEEP.has(tag)) {
      const copy = document.createElement(tag.toLowerCase());
      copyChildren(element, copy, openLink, depth + 1);
      to.appendChild(copy);
    } else {
      // Unknown wrappers (span, div, font) keep their text, not themselves.
      copyChildren(element, to, openLink, depth + 1);
    }
  }
}

/** Only web and mail links; `javascript:`, `data:` and the rest are dropped. */
export function safeUrl(href: string): string | undefined {
  try {
    const url = new URL(href.trim());
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}
