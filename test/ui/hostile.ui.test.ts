// The webviews' defences against hostile portal text, run in the real Chromium on the real
// webview modules (bundled here as the panels bundle them), without the workbench: the
// description sanitiser keeps the text around markup it removes, lets no unsafe link live,
// and runs nothing (marker payloads that would set a window property, a DOM attribute or
// load an image from a loopback server that counts hits; every frame's DOM scanned for
// injected elements and on* attributes); and the first step of a 100,000-character unbroken
// value, as the row detail shows it, lays out without a long task.
//
// The full-workbench checks of the same panels live in catalog.ui.test.ts and grid.ui.test.ts.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';
import type { Frame, Page } from 'playwright-core';
import { launchBrowser, type BrowserSession } from '../harness/browser';

const ENTRY = `
import { sanitizedFragment } from './src/webview/shared/sanitize';
import { breakableText } from './src/webview/shared/dom';
(window as unknown as { okc: unknown }).okc = { sanitizedFragment, breakableText };
`;

/** Injected elements and handler attributes anywhere in a frame's document. */
async function scan(frame: Frame): Promise<{ injected: string[]; handlers: string[]; pwned: unknown; marked: boolean }> {
  return (await frame.evaluate(`(() => {
    const all = Array.from(document.querySelectorAll('*'));
    const tags = ['SCRIPT', 'IMG', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'svg', 'MATH', 'math', 'STYLE', 'LINK', 'META', 'BASE', 'FORM'];
    return {
      injected: all.filter((e) => tags.includes(e.tagName) && !e.hasAttribute('data-harness')).map((e) => e.tagName),
      handlers: all.flatMap((e) => Array.from(e.attributes).filter((a) => /^on/i.test(a.name)).map((a) => e.tagName + '.' + a.name)),
      pwned: window.__okcPwned,
      marked: document.querySelector('[data-pwned]') !== null,
    };
  })()`)) as { injected: string[]; handlers: string[]; pwned: unknown; marked: boolean };
}

describe('hostile text in the real browser (webview modules)', function () {
  this.timeout(240_000);
  let browser: BrowserSession;
  let page: Page;
  let beacon: Server;
  let beaconUrl: string;
  const hits: string[] = [];
  const opened: string[] = [];

  before(async () => {
    beacon = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(204).end();
    });
    await new Promise<void>((done) => beacon.listen(0, '127.0.0.1', done));
    beaconUrl = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}/beacon`;
    const bundle = await esbuild.build({
      stdin: { contents: ENTRY, resolveDir: resolve('.'), loader: 'ts' },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
    });
    browser = await launchBrowser();
    page = browser.page;
    await page.exposeFunction('okcOpenLink', (url: string) => opened.push(url));
    await page.setContent('<!doctype html><html><head><style data-harness>.detail-table td { white-space: pre-wrap; overflow-wrap: anywhere; }</style></head><body><div id="app"></div></body></html>');
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    await page.evaluate(`document.querySelectorAll('script').forEach((s) => s.setAttribute('data-harness', ''))`);
  });
  after(async () => {
    await browser?.close();
    await new Promise((done) => beacon?.close(done));
  });

  it('keeps the text around markup it removes, svg and deep nesting included', async () => {
    const html = '<p>Before <svg><circle r="1"/><text>svg text</text></svg> after the drawing.</p><p>Unclosed <svg><g>inside</p><p>and the rest</p>' + '<div>'.repeat(60) + 'deep text' + '</div>'.repeat(60);
    const text = (await page.evaluate(`(() => {
      const app = document.getElementById('app');
      app.replaceChildren(window.okc.sanitizedFragment(${JSON.stringify(html)}, () => undefined));
      return app.textContent;
    })()`)) as string;
    assert.ok(text!.includes('Before svg text after the drawing.'), text!);
    assert.ok(text!.includes('and the rest'), text!);
    assert.ok(text!.includes('deep text'), text!);
  });

  it('runs no marker payload and lets only web and mail links reach the host', async () => {
    const payloads =
      `<p>Markers: <img src="${beaconUrl}?img" onerror="window.__okcPwned='img';document.body.setAttribute('data-pwned','1')">` +
      `<script>window.__okcPwned='script'</script><svg onload="window.__okcPwned='svg'"><image href="${beaconUrl}?svg"/></svg>` +
      `<iframe srcdoc="<script>parent.__okcPwned='iframe'</script>"></iframe><object data="${beaconUrl}?object"></object>` +
      `<style>@import url("${beaconUrl}?style");</style><link rel="stylesheet" href="${beaconUrl}?link">` +
      `<b onmouseover="window.__okcPwned='hover'">hover</b> <math><mi xlink:href="javascript:window.__okcPwned='math'">m</mi></math>` +
      `<a href="command:workbench.action.terminal.new">command</a> <a href="vscode:extension/evil.publisher">vscode</a> ` +
      `<a href="file:///etc/passwd">file</a> <a href="data:text/html,<script>parent.__okcPwned=1</script>">data</a> ` +
      `<a href="javascript:window.__okcPwned='link'">js</a> <a href="https://example.invalid/safe">safe</a> <a href="mailto:x@example.invalid">mail</a>` +
      ` \u202Ereversed</p>`;
    await page.evaluate(`document.getElementById('app').replaceChildren(window.okc.sanitizedFragment(${JSON.stringify(payloads)}, (url) => window.okcOpenLink(url)))`);
    for (const link of await page.locator('#app a').all()) {
      await link.hover();
      await link.click();
    }
    await page.locator('#app b', { hasText: 'hover' }).hover();
    // Whatever would have run has had its chance once the page is idle again.
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))');
    await page.waitForLoadState('networkidle');
    for (const frame of page.frames()) {
      const found = await scan(frame);
      assert.deepEqual(found.injected, [], `injected elements in ${frame.url()}`);
      assert.deepEqual(found.handlers, [], `handler attributes in ${frame.url()}`);
      assert.equal(found.pwned, undefined, 'a payload set its window property');
      assert.equal(found.marked, false, 'a payload set its DOM attribute');
    }
    assert.deepEqual(hits, [], 'a payload loaded from the loopback beacon');
    assert.deepEqual(opened.sort(), ['https://example.invalid/safe', 'mailto:x@example.invalid']);
    const text = await page.locator('#app').innerText();
    assert.ok(text.includes('\u202Ereversed') || text.includes('<U+202E>reversed'), text);
    assert.ok(text.includes('<U+202E>reversed'), 'the override is shown as its code point');
  });

  it('lays out the first step of a 100,000-character unbroken value as the row detail shows it, with no long task', async () => {
    const longest = (await page.evaluate(`(async () => {
      const tasks = [];
      const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration)));
      observer.observe({ type: 'longtask', buffered: false });
      const table = document.createElement('table');
      table.className = 'detail-table';
      table.style.width = '600px';
      const cell = table.insertRow().insertCell();
      const button = document.createElement('button');
      // The detail shows DETAIL_STEP (10,000) characters at first and adds as many per "Show more".
      cell.append(...window.okc.breakableText('A'.repeat(100000).slice(0, 10000)), button);
      const start = performance.now();
      document.getElementById('app').replaceChildren(table);
      // What froze the window: focus() forcing layout of the value.
      button.focus();
      const layout = performance.now() - start;
      await new Promise((done) => setTimeout(done, 100));
      observer.disconnect();
      return Math.max(layout, ...tasks);
    })()`)) as number;
    assert.ok(longest < 200, `the longest task was ${longest.toFixed(0)} ms`);
  });
});
