// The two gates portal text passes before a user sees or follows it: control characters
// shown as code points (the same in tree, quick picks, notifications and webviews), and
// links let through to the browser only when they are web or mail links.

import assert from 'node:assert/strict';
import { externalLink } from '../../../src/util/links';
import { htmlToText, shortenHtml, showControls } from '../../../src/util/text';

describe('util/text showControls', () => {
  it('shows bidi overrides, isolates, marks and C0/C1 controls as <U+XXXX>', () => {
    assert.equal(showControls('evil\u202Etxt.exe'), 'evil<U+202E>txt.exe');
    assert.equal(showControls('\u200F\u202Aa\u202C \u2066b\u2069'), '<U+200F><U+202A>a<U+202C> <U+2066>b<U+2069>');
    assert.equal(showControls('nul\u0000 bell\u0007 del\u007f c1\u0085 alm\u061C'), 'nul<U+0000> bell<U+0007> del<U+007F> c1<U+0085> alm<U+061C>');
  });

  it('leaves ordinary text, line breaks, tabs and emoji joiners alone', () => {
    const text = 'Café 🚒 a\tb\nc\r\n👩\u200D🚒 «ü»';
    assert.equal(showControls(text), text);
  });

  it('shows what htmlToText left of a hostile description, nothing dropped', () => {
    assert.equal(showControls(htmlToText('<p>a <svg><circle/></svg>\u202Eb</p>')), 'a <U+202E>b');
  });
});

describe('util/text shortenHtml (descriptions too long to send whole)', () => {
  it('leaves a description within the limit as it is', () => {
    assert.deepEqual(shortenHtml('<p>short</p>', 12), { html: '<p>short</p>', shortened: false });
  });

  it('cuts at the limit, before a tag the limit would split, never inside a surrogate pair', () => {
    assert.deepEqual(shortenHtml('<p>abcdef</p><p>tail</p>', 9), { html: '<p>abcdef', shortened: true });
    assert.deepEqual(shortenHtml('<p>abcdef</p><p>tail</p>', 15), { html: '<p>abcdef</p>', shortened: true });
    assert.deepEqual(shortenHtml('ab🚒cd', 3), { html: 'ab', shortened: true });
    assert.deepEqual(shortenHtml('a > b then more text', 5), { html: 'a > b', shortened: true });
    // A text that ends inside a tag, with no '>' anywhere after the cut.
    assert.deepEqual(shortenHtml('<p>abc<a href="https://example.invalid/', 12), { html: '<p>abc', shortened: true });
  });
});

describe('util/links externalLink (the only way to openExternal)', () => {
  it('lets web and mail links through', () => {
    assert.equal(externalLink('https://data.okc.gov/x?y=1'), 'https://data.okc.gov/x?y=1');
    assert.equal(externalLink(' HTTP://Example.invalid/a '), 'http://example.invalid/a');
    assert.equal(externalLink('mailto:opendata@okc.gov'), 'mailto:opendata@okc.gov');
  });

  it('stops every other scheme, relative and malformed links', () => {
    for (const href of [
      'command:workbench.action.terminal.new',
      'command:okcOpenData.clearToken?%5B%5D',
      'vscode:extension/evil.publisher',
      'vscode-insiders://settings',
      'file:///etc/passwd',
      'data:text/html,<script>alert(1)</script>',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      '\u0000javascript:alert(8)',
      'vbscript:msgbox(1)',
      '//example.invalid',
      '/relative/path',
      '',
      'http://',
    ]) assert.equal(externalLink(href), undefined, href);
  });
});
