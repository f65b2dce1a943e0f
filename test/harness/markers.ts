// Payloads that prove whether hostile portal text ran, for tests of what renders it (webviews,
// tree, hovers). Browsers stop alert() in sandboxed webviews whatever the product does, so a
// "no dialog opened" check proves nothing; each payload here leaves a marker if it runs: a
// window property, a DOM attribute, or a request for an image on the fake portal, which logs
// every request it gets (`beaconHits`).

import { randomBytes } from 'node:crypto';
import { HUGE_CELL_ROW, type FakeDataset } from '../portal/data';

export interface ExecutionMarkers {
  /** Unique per call, so one test never sees another's markers. */
  id: string;
  /** `window[property]` is set by a payload that ran. */
  property: string;
  /** An element gets this attribute from a payload that ran. */
  attribute: string;
  /** Path prefix on the fake portal that only a loaded beacon image requests. */
  beaconPath: string;
  /** HTML, as portal descriptions and cell values carry it. */
  html: string[];
  /** Link values (javascript:, data:) as a URL field carries them. */
  links: string[];
  /** Markdown, for text that ends in a MarkdownString (tooltips, hovers). */
  markdown: string[];
}

/** Fresh payloads whose beacon points at the fake portal `portalBaseUrl`. */
export function executionMarkers(portalBaseUrl: string): ExecutionMarkers {
  const id = randomBytes(4).toString('hex');
  const property = `__okcRan_${id}`;
  const attribute = `data-okc-ran-${id}`;
  const beaconPath = `/__fake/beacon/${id}`;
  const beacon = `${portalBaseUrl}${beaconPath}`;
  // Each sets the property and the attribute with its own number, so a failure names the payload.
  const mark = (n: number): string => `window.${property}=${n};document.documentElement.setAttribute('${attribute}','${n}')`;
  const parentMark = (n: number): string => `parent.${property}=${n}`;
  return {
    id,
    property,
    attribute,
    beaconPath,
    html: [
      `<img src=x onerror="${mark(1)}">`,
      `<script>${mark(2)}</script>`,
      `<svg onload="${mark(3)}"></svg>`,
      `<img src="${beacon}/img.png" alt="beacon">`,
      `<iframe srcdoc="<script>${parentMark(4)}</script>"></iframe>`,
      `<a href="javascript:${mark(5)}">marker link</a>`,
      `<b onmouseover="${mark(6)}">hover me</b>`,
      `<a href="data:text/html,<script>${parentMark(7)}</script>">data link</a>`,
      `"><img src="${beacon}/attr.png" onerror="${mark(8)}">`,
    ],
    links: [`javascript:${mark(9)}`, `data:text/html,<script>${parentMark(10)}</script>`],
    markdown: [`![beacon](${beacon}/md.png)`, `[marker link](javascript:${mark(11)})`, `<img src="${beacon}/md-html.png">`],
  };
}

/** Requests for the markers' beacon the fake portal logged: 0 unless a payload's image loaded. */
export function beaconHits(requests: readonly { path: string }[], markers: ExecutionMarkers): string[] {
  return requests.map((r) => r.path).filter((path) => path.startsWith(markers.beaconPath));
}

/** Makes the fake portal serve `dataset` (the in-process one a test started) with the markers'
 * payloads in its Title, Link and Notes cells, until the returned restore runs. The huge Notes
 * cell of the hostile dataset stays. */
export function serveMarkerRows(dataset: FakeDataset, markers: ExecutionMarkers): () => void {
  const attributesAt = dataset.attributesAt;
  const rowAt = dataset.rowAt;
  const withMarkers = (i: number, attributes: ReturnType<typeof attributesAt>): ReturnType<typeof attributesAt> => ({
    ...attributes,
    Title: markers.html[i % markers.html.length],
    Link: markers.links[i % markers.links.length],
    Notes: i === HUGE_CELL_ROW ? attributes.Notes : markers.html[(i + 3) % markers.html.length],
  });
  const writable = dataset as { attributesAt: typeof attributesAt; rowAt: typeof rowAt };
  writable.attributesAt = (i) => withMarkers(i, attributesAt(i));
  writable.rowAt = (i) => {
    const row = rowAt(i);
    return { ...row, attributes: withMarkers(i, row.attributes) };
  };
  return () => {
    writable.attributesAt = attributesAt;
    writable.rowAt = rowAt;
  };
}
