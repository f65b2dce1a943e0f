// Renders portal HTML (dataset descriptions, license text) safely: parsed by an inert
// DOMParser document (scripts never run there), then rebuilt from an allow-list of
// elements with text nodes only. Links become buttons that ask the host to open them.

import { h } from './dom';
import { externalLink } from '../../util/links';
import { showControls } from '../../util/text';

const KEEP = new Set(['P', 'BR', 'B', 'STRONG', 'I', 'EM', 'U', 'UL', 'OL', 'LI', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'CODE', 'PRE', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TD', 'TH']);
// Elements whose content is code or never shown. Everything else that is not kept (span,
// div, font, and foreign content such as svg and math, which an unclosed tag can stretch over
// the rest of the description) gives up its markup and keeps its text.
const DROP = new Set(['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'TEMPLATE', 'NOSCRIPT', 'TITLE', 'HEAD']);
/** Longest text we render from one description; the rest is cut with a note. */
const MAX_TEXT = 200_000;
/** Deepest kept element; the HTML parser itself stops nesting at 512. */
const MAX_DEPTH = 40;

export function sanitizedFragment(html: string, openLink: (url: string) => void): DocumentFragment {
  const source = new DOMParser().parseFromString(html.length > MAX_TEXT ? html.slice(0, MAX_TEXT) : html, 'text/html');
  const out = document.createDocumentFragment();
  copyChildren(source.body, out, openLink, 0);
  return out;
}

function copyChildren(from: Node, to: Node, openLink: (url: string) => void, depth: number): void {
  for (const node of Array.from(from.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.appendChild(document.createTextNode(showControls(node.textContent ?? '')));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const element = node as Element;
    const tag = element.tagName.toUpperCase();
    if (DROP.has(tag)) continue;
    if (tag === 'A') {
      const href = element.getAttribute('href') ?? '';
      const link = h('a', { href: '#', class: 'external-link', title: externalLink(href) ?? '' });
      copyChildren(element, link, openLink, depth + 1);
      const url = externalLink(href);
      if (url) link.addEventListener('click', (event) => {
        event.preventDefault();
        openLink(url);
      });
      to.appendChild(link);
      continue;
    }
    // Past MAX_DEPTH only the text is kept: deep nesting must not cost text either.
    if (KEEP.has(tag) && depth < MAX_DEPTH) {
      const copy = document.createElement(tag.toLowerCase());
      copyChildren(element, copy, openLink, depth + 1);
      to.appendChild(copy);
    } else {
      // Unknown wrappers (span, div, font, svg, math) keep their text, not themselves.
      copyChildren(element, to, openLink, depth + 1);
    }
  }
}
