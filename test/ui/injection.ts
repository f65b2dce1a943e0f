// Did hostile text run anywhere in the workbench? Checks the markers of
// test/harness/markers.ts in every frame (workbench, webview hosts, webview content), the fake
// portal's log for the beacon, and scans the DOM that shows portal text for what no text
// should become: injected elements, on* attributes, live javascript:/data:/vbscript: links.

import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { beaconHits, type ExecutionMarkers } from '../harness/markers';
import { session } from './harness';

/** Elements text must never turn into. */
const INJECTED = 'script, img, iframe, frame, svg, object, embed, link, base, meta, video, audio, math';

export interface FrameScan {
  url: string;
  /** Markers a payload left. */
  property?: unknown;
  attribute?: string;
  /** Content roots scanned in this frame (webview `#app`, or the given workbench scopes). */
  roots: number;
  injected: string[];
  handlers: string[];
  liveLinks: string[];
  /** Scripts with a source in a webview document but no nonce (VS Code's own inline API
   * script has none; a script in the content is an injected element). */
  unnoncedScripts: string[];
  text: string;
}

export interface ScanOptions {
  /** Selectors of the workbench's own DOM (main frame) that show portal text, e.g. the side bar
   * pane and `.monaco-hover`. Webview content (`#app`) is always scanned. */
  workbenchScopes?: string[];
  /** Texts at least one scanned root must show, so the scan is known to have seen the hostile content. */
  mustShow?: string[];
}

// A string: it runs in the page, where the DOM lib exists; this file has none.
const SCAN = `(({ property, attribute, scopes, injected }) => {
  const isWebview = !!document.getElementById('app');
  const roots = isWebview ? [document.getElementById('app')] : scopes.flatMap((s) => [...document.querySelectorAll(s)]);
  const all = roots.flatMap((r) => [r, ...r.querySelectorAll('*')]);
  const describe = (e) => e.outerHTML.slice(0, 160);
  const linkAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'];
  return {
    url: location.href,
    property: window[property],
    attribute: document.querySelector('[' + attribute + ']')?.getAttribute(attribute) ?? undefined,
    roots: roots.length,
    injected: roots.flatMap((r) => [...r.querySelectorAll(injected)]).map(describe),
    handlers: all.filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).map(describe),
    liveLinks: all.filter((e) => linkAttrs.some((n) => /^[\\s\\u0000-\\u001f]*(javascript|data|vbscript):/i.test(e.getAttribute(n) || ''))).map(describe),
    unnoncedScripts: isWebview ? [...document.scripts].filter((s) => s.getAttribute('src') && !(s.nonce || s.getAttribute('nonce'))).map(describe) : [],
    text: roots.map((r) => r.innerText).join('\\n'),
  };
})`;

/** Resolves once `frame` has painted twice more: events already dispatched (an image error, a
 * load, a hover) have run their handlers by then. A condition, not a pause. */
async function settled(frame: Frame): Promise<void> {
  await frame
    .evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))))')
    .catch(() => undefined);
}

/** Scans every frame of `page` (see FrameScan). Frames that went away while scanning are skipped. */
export async function scanFrames(page: Page, markers: ExecutionMarkers, options: ScanOptions = {}): Promise<FrameScan[]> {
  const frames = page.frames();
  await Promise.all(frames.map(settled));
  const scans: FrameScan[] = [];
  for (const frame of frames) {
    const args = { property: markers.property, attribute: markers.attribute, scopes: frame === page.mainFrame() ? (options.workbenchScopes ?? []) : [], injected: INJECTED };
    const scan = (await frame.evaluate(`${SCAN}(${JSON.stringify(args)})`).catch(() => undefined)) as FrameScan | undefined;
    if (scan) scans.push(scan);
  }
  return scans;
}

/** Fails unless no payload of `markers` ran or rendered as markup anywhere in the workbench:
 * no marker property or attribute in any frame, no beacon request at the fake portal, and in
 * every scanned root no injected element, on* attribute or live script link. */
export async function expectNothingRan(page: Page, markers: ExecutionMarkers, options: ScanOptions = {}): Promise<FrameScan[]> {
  const { portal } = await session();
  const scans = await scanFrames(page, markers, options);
  for (const scan of scans) {
    assert.equal(scan.property, undefined, `a payload set window.${markers.property} = ${String(scan.property)} in ${scan.url}`);
    assert.equal(scan.attribute, undefined, `payload ${scan.attribute} set ${markers.attribute} in ${scan.url}`);
    assert.deepEqual(scan.injected, [], `elements injected in ${scan.url}`);
    assert.deepEqual(scan.handlers, [], `on* attributes in ${scan.url}`);
    assert.deepEqual(scan.liveLinks, [], `live javascript:/data:/vbscript: links in ${scan.url}`);
    assert.deepEqual(scan.unnoncedScripts, [], `scripts without a nonce in ${scan.url}`);
  }
  assert.deepEqual(beaconHits(portal.requests, markers), [], 'a payload loaded its beacon image from the fake portal');
  const shown = scans.filter((s) => s.roots > 0).map((s) => s.text).join('\n');
  assert.ok(scans.some((s) => s.roots > 0), 'nothing was scanned: no webview content and no workbench scope found');
  for (const text of options.mustShow ?? []) assert.ok(shown.includes(text), `the scanned content does not show ${JSON.stringify(text)}`);
  return scans;
}
