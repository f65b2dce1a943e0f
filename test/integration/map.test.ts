// The map view in the real extension host with its webview drawn by a real browser: every
// geometry type draws as many features as the portal has geometries (counted by the map's
// feature layer as it painted, not from the data sent), a feature's row detail, the grid's
// selected row centred, a drawn rectangle turned into a snippet that runs, and a CSV with
// latitude/longitude columns.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { OkcOpenDataApi } from '../../src/extension';
import type { MapHandle } from '../../src/map/mapPanel';
import type { MapPaintReport } from '../../src/protocol';
import type { GeoJsonGeometry } from '../../src/portal/types';
import type { GridHandle } from '../../src/preview/gridHost';
import type { FakeDataset } from '../portal/data';
import { HOSTILE_TITLE } from '../portal/data';
import { startFakePortal, type FakePortal } from '../portal/server';
import { expectedRows } from '../snippets/oracle';
import { runSnippet } from '../snippets/run';
import { waitFor } from '../harness/wait';
import { datasetIn, usePortals } from './helpers';

const HUB = 'Map Hub';
const PLAIN_LAYER = 'Survey Secondary Control Points';
const WITHOUT_PBF = [['Police Stations', 'points'], ['Trail Projects', 'lines'], ['Council Wards', 'polygons']] as const;

function geometries(ds: FakeDataset): (GeoJsonGeometry | null)[] {
  return Array.from({ length: ds.rowCount }, (_, i) => ds.geometryAt(i));
}

describe('Map view', function () {
  this.timeout(180_000);
  let fake: FakePortal;
  let okc: OkcOpenDataApi;
  let scratch: string;

  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 1000 });
    // A layer that does not say it serves pages past maxRecordCount, from its first description on.
    fake.catalog.byTitle(PLAIN_LAYER)!.noLargePages = true;
    // Layers published without PBF, from their first description on: their pages stay GeoJSON.
    for (const [title] of WITHOUT_PBF) fake.catalog.byTitle(title)!.noPbf = true;
    okc = await usePortals([{ name: HUB, kind: 'hub', url: fake.baseUrl }]);
    scratch = mkdtempSync(join(tmpdir(), 'okc-map-'));
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(async () => {
    await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
    await fake?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The parameters of the map's feature pages of `ds` (geometry and the object id) logged since entry `since`. */
  function pageQueries(ds: FakeDataset, since: number): URLSearchParams[] {
    return fake.requests.slice(since).map((r) => new URL(r.url, fake.baseUrl))
      .filter((u) => u.pathname === `${ds.layerPath}/query` && u.searchParams.get('returnGeometry') === 'true' && u.searchParams.get('outFields') === ds.objectIdField)
      .map((u) => u.searchParams);
  }

  async function showOnMap(title: string, options?: unknown): Promise<MapHandle> {
    const handle = await vscode.commands.executeCommand<MapHandle | undefined>('okcOpenData.showOnMap', datasetIn(okc, HUB, title), options);
    assert.ok(handle, 'Show on Map returned no panel');
    return handle;
  }

  for (const [title, kind] of [['Fire Stations', 'points'], ['Bike Routes', 'lines'], ['Parks', 'polygons']] as const) {
    it(`draws every feature of ${title} (${kind}), as counted by the map's layer`, async () => {
      const ds = fake.catalog.byTitle(title)!;
      const all = geometries(ds);
      const expected = all.filter((g) => g !== null).length;
      assert.ok(expected > 0);
      const asked = fake.requests.length;
      const map = await showOnMap(title);
      const paint = await map.waitForPaint((p) => p.complete);
      assert.equal(paint[kind], expected, JSON.stringify(paint));
      const others = (['points', 'lines', 'polygons'] as const).filter((k) => k !== kind);
      for (const other of others) assert.equal(paint[other], 0, `${other} in ${JSON.stringify(paint)}`);
      assert.equal(paint.empty, all.length - expected);
      assert.equal(map.view?.total, ds.rowCount);
      assert.deepEqual([...new Set(pageQueries(ds, asked).map((r) => r.get('f')))], ['pbf'], 'the layer lists PBF: its pages came as PBF');
    });
  }

  it('paints every polygon of a layer with thousands, its outline read back from the canvas', async () => {
    // More polygons than go into one canvas path: each path filled and stroked shows.
    const title = 'Overlay Parcel Zoning';
    const expected = geometries(fake.catalog.byTitle(title)!).filter((g) => g !== null).length;
    assert.ok(expected > 1000, `${expected} polygons`);
    const map = await showOnMap(title);
    const paint = await map.waitForPaint((p) => p.complete);
    assert.equal(paint.polygons, expected);
    const ink = await map.probeInk();
    assert.ok(ink.shapes > expected / 2, `${ink.shapes} of ${expected} polygons start on the canvas`);
    assert.ok(ink.inked === ink.shapes, `${ink.inked} of ${ink.shapes} polygons have ink where their outline starts`);
  });

  for (const [title, kind] of WITHOUT_PBF) {
    it(`draws every feature of ${title} (${kind}) from GeoJSON pages on a layer without PBF`, async () => {
      const ds = fake.catalog.byTitle(title)!;
      const all = geometries(ds);
      const expected = all.filter((g) => g !== null).length;
      const asked = fake.requests.length;
      const map = await showOnMap(title);
      const paint = await map.waitForPaint((p) => p.complete);
      assert.equal(paint[kind], expected, JSON.stringify(paint));
      assert.equal(paint.empty, all.length - expected);
      assert.deepEqual([...new Set(pageQueries(ds, asked).map((r) => r.get('f')))], ['geojson']);
    });
  }

  it('paints the pages that came while the page loaded at once, then each later page as it comes, each paint as many as the pages in so far hold', async () => {
    const title = 'Storm Sewer Junctions';
    const ds = fake.catalog.byTitle(title)!;
    const all = geometries(ds);
    // The layer says it serves maxRecordCountFactor: portal pages of 5 times maxRecordCount,
    // each one message to the webview.
    const pageRows = 5 * ds.maxRecordCount;
    const pages = Math.ceil(ds.rowCount / pageRows);
    assert.ok(pages >= 3, `${ds.rowCount} rows in pages of ${pageRows}`);
    /** Points the map should hold once the pages `taken` are in (rows in object id order). */
    const oracle = (taken: number[]): number => taken.reduce((n, page) => n + all.slice(page * pageRows, (page + 1) * pageRows).filter((g) => g !== null).length, 0);
    // Each later page held back longer, so that every page arrives, and is painted, on its own.
    const rules = [];
    for (let page = 1; page < pages; page++) {
      rules.push({ path: `${ds.layerPath}/query`, query: `(^|&)resultOffset=${page * pageRows}(&|$)`, kind: 'latency' as const, ms: 1500 * page });
    }
    fake.faults.set(rules);
    const asked = fake.requests.length;
    try {
      const map = await showOnMap(title);
      const reports: MapPaintReport[] = [];
      const last = await map.waitForPaint((p) => {
        if (p.generation === map.view?.generation && p.pages) reports.push(p);
        return p.complete;
      });
      assert.equal(map.view?.pageRows, pageRows);
      assert.deepEqual(last.pages, Array.from({ length: pages }, (_, i) => i), 'the pages came in order');
      for (const r of reports) assert.equal(r.points, oracle(r.pages!), `after pages ${r.pages!.join(',')}: ${JSON.stringify(reports.map((x) => [x.pages, x.points]))}`);
      // The first paint holds the pages that came before the webview was ready (one message),
      // the last at least comes 1.5 s after the one before it: from the first paint on, a paint
      // after every page.
      const afterEach = [...new Set(reports.map((r) => r.pages!.length))];
      const firstPaint = afterEach[0];
      assert.ok(firstPaint < pages, `the last page painted on its own: paints after ${afterEach.join(', ')} pages`);
      assert.deepEqual(afterEach, Array.from({ length: pages - firstPaint + 1 }, (_, i) => firstPaint + i), 'a paint after every later page');
      const grown = afterEach.map((n) => reports.find((r) => r.pages!.length === n)!.points);
      assert.ok(grown.every((n, i) => i === 0 || n > grown[i - 1]), `drawn counts grow: ${grown.join(', ')}`);
      assert.equal(last.points, all.filter((g) => g !== null).length);
      // Asked in page order, several at once: they may reach the portal in another order.
      const pageRequests = pageQueries(ds, asked).map((r) => [r.get('resultOffset'), r.get('resultRecordCount'), r.get('maxRecordCountFactor')]);
      pageRequests.sort((a, b) => Number(a[0]) - Number(b[0]));
      assert.deepEqual(pageRequests, Array.from({ length: pages }, (_, i) => [String(i * pageRows), String(pageRows), '5']), 'one portal request per page, past maxRecordCount by the factor');
    } finally {
      fake.faults.clear();
    }
  });

  it('draws every feature again, without asking the portal, when a hidden map is shown again', async () => {
    const title = 'Fire Stations';
    const ds = fake.catalog.byTitle(title)!;
    const map = await showOnMap(title);
    const first = await map.waitForPaint((p) => p.complete);
    // Another editor in the map's group hides it; VS Code drops a hidden webview's page.
    const doc = await vscode.workspace.openTextDocument({ content: 'hides the map' });
    await vscode.window.showTextDocument(doc, { viewColumn: map.panel.viewColumn, preview: false });
    await waitFor('the map tab to be hidden', () => !map.panel.visible);
    const asked = fake.requests.length;
    const shownAt = performance.now();
    map.panel.reveal();
    const again = await map.waitForPaint((p) => p.complete && p.at > shownAt);
    assert.equal(again.generation, first.generation);
    assert.equal(again.points, geometries(ds).filter((g) => g !== null).length);
    assert.deepEqual(pageQueries(ds, asked), [], 'the pages came from the host, not the portal again');
  });

  it('draws every feature when its tab was hidden before its page first loaded', async () => {
    const title = 'Bike Routes';
    const ds = fake.catalog.byTitle(title)!;
    const doc = await vscode.workspace.openTextDocument({ content: 'hides the map at once' });
    // Hidden in the same turn as it opens, before its page says ready, and kept hidden until
    // every page is in: they are posted then, in one message, to a page that no longer exists.
    // The page that draws is the one that says ready once shown; it is told then which pages
    // were posted, and asks again for those that did not reach it.
    const map = await showOnMap(title);
    await vscode.window.showTextDocument(doc, { viewColumn: map.panel.viewColumn, preview: false });
    await waitFor('the map tab to be hidden', () => !map.panel.visible);
    await waitFor('every page fetched while the map is hidden', () => map.view !== undefined && map.settledPages === map.view.pages);
    assert.ok(!map.panel.visible);
    map.panel.reveal();
    const paint = await map.waitForPaint((p) => p.complete);
    assert.equal(paint.lines, geometries(ds).filter((g) => g !== null).length);
  });

  it('keeps to maxRecordCount pages on a layer that does not say it serves larger ones', async () => {
    const ds = fake.catalog.byTitle(PLAIN_LAYER)!;
    const asked = fake.requests.length;
    const map = await showOnMap(PLAIN_LAYER);
    const paint = await map.waitForPaint((p) => p.complete);
    assert.equal(paint.points, geometries(ds).filter((g) => g !== null).length);
    assert.equal(map.view?.pageRows, ds.maxRecordCount);
    const pageRequests = pageQueries(ds, asked);
    assert.equal(pageRequests.length, Math.ceil(ds.rowCount / ds.maxRecordCount));
    for (const r of pageRequests) {
      assert.ok(Number(r.get('resultRecordCount')) <= ds.maxRecordCount, r.toString());
      assert.equal(r.get('maxRecordCountFactor'), null);
      assert.equal(r.get('resultType'), null);
    }
  });

  it('fills a page the server cut short of what the layer said it serves', async () => {
    // Serves no large page now, though the description the map read said it did.
    const title = 'Storm Sewer Headwalls';
    const ds = fake.catalog.byTitle(title)!;
    // The grid reads the layer's description; closed again so that it does not drive the map's query.
    const grid = await vscode.commands.executeCommand<GridHandle>('okcOpenData.previewDataset', datasetIn(okc, HUB, title));
    await grid.waitForPaint((p) => p.first === 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    ds.noLargePages = true;
    try {
      const asked = fake.requests.length;
      const map = await showOnMap(title);
      const paint = await map.waitForPaint((p) => p.complete);
      assert.equal(map.view?.pageRows, 5 * ds.maxRecordCount, 'the map read the layer as serving large pages');
      assert.equal(paint.points, geometries(ds).filter((g) => g !== null).length, JSON.stringify(paint));
      // One page of 10,000 asked, the rest of it asked again each time the server cut it short.
      assert.deepEqual(pageQueries(ds, asked).map((r) => [r.get('resultOffset'), r.get('resultRecordCount')]),
        Array.from({ length: Math.ceil(ds.rowCount / ds.maxRecordCount) }, (_, i) => [String(i * ds.maxRecordCount), String(5 * ds.maxRecordCount - i * ds.maxRecordCount)]));
    } finally {
      ds.noLargePages = undefined;
    }
  });

  it('gives a feature the same row detail as the grid, portal text as text', async () => {
    const map = await showOnMap(HOSTILE_TITLE);
    await map.waitForPaint((p) => p.complete);
    const detail = await map.detail(0);
    const title = detail.values.find((v) => v.name === 'Title');
    assert.equal(title?.value, '<script>alert("title")</script>');
    const grid = await vscode.commands.executeCommand<GridHandle>('okcOpenData.previewDataset', datasetIn(okc, HUB, HOSTILE_TITLE));
    await grid.waitForPaint((p) => p.first === 0);
    const fromGrid = await grid.detail(grid.view!.generation, 0);
    assert.deepEqual(detail.values, fromGrid.values);
  });

  it('centres the feature of the row selected in the grid, with the grid\'s filters', async () => {
    const d = datasetIn(okc, HUB, 'Fire Stations');
    const grid = await vscode.commands.executeCommand<GridHandle>('okcOpenData.previewDataset', d);
    await grid.waitForPaint((p) => p.first === 0);
    const stations = fake.catalog.byTitle('Fire Stations')!;
    await grid.query([], [{ field: 'OBJECTID', op: '>=', value: stations.oidAt(10) }]);
    const map = await showOnMap('Fire Stations');
    const painted = await map.waitForPaint((p) => p.complete);
    assert.equal(painted.points, 26, 'the map shows the grid\'s filtered rows');
    const filtered = expectedRows(stations, { filters: [{ field: 'OBJECTID', op: '>=', value: stations.oidAt(10) }] });
    const [lon0, lat0] = stations.rowByOid(Number(filtered[0].OBJECTID))!.geometry!.coordinates as number[];
    const [lon, lat] = stations.rowByOid(Number(filtered[4].OBJECTID))!.geometry!.coordinates as number[];
    // At the first row's feature, at street zoom: a pixel is then about 10 m, and the centre
    // can be told to that, whatever size the panel opened at.
    map.goTo([lon0, lat0], 14);
    grid.scrollTo(4);
    const focused = await map.waitForPaint((p) => p.focus?.row === 4);
    assert.equal(focused.zoom, 14);
    assert.ok(Math.abs(focused.focus!.center[0] - lon) < 2e-4 && Math.abs(focused.focus!.center[1] - lat) < 2e-4, `${JSON.stringify(focused.focus)} vs ${lon},${lat}`);
    // Away from the first row's feature: the map moved.
    assert.ok(Math.abs(lon0 - lon) > 4e-3 || Math.abs(lat0 - lat) > 4e-3, 'rows 0 and 4 are far enough apart to tell');
  });

  it('turns a drawn rectangle into a snippet that returns exactly the rows inside it', async () => {
    const map = await showOnMap('Fire Stations');
    await map.waitForPaint((p) => p.complete);
    const bbox = { kind: 'bbox' as const, xmin: -97.6, ymin: 35.4, xmax: -97.45, ymax: 35.55 };
    const document = await vscode.workspace.openTextDocument({ language: 'javascript', content: '' });
    await vscode.window.showTextDocument(document);
    await map.spatial(bbox, 'insertSnippet', { language: 'javascript', pageAll: true });
    const text = document.getText();
    assert.match(text, /-97\.6,35\.4,-97\.45,35\.55/);
    const ds = fake.catalog.byTitle('Fire Stations')!;
    const inside = geometries(ds).filter((g) => {
      const [x, y] = g!.coordinates as number[];
      return x >= bbox.xmin && x <= bbox.xmax && y >= bbox.ymin && y <= bbox.ymax;
    }).length;
    assert.ok(inside > 0 && inside < ds.rowCount, `${inside} stations inside`);
    const run = await runSnippet('javascript', text);
    const got = run.rows.map((r) => r.OBJECTID).sort((a, b) => Number(a) - Number(b));
    const want = expectedRows(ds, { spatial: bbox }).map((r) => r.OBJECTID);
    assert.equal(got.length, inside);
    assert.deepEqual(got, want);
  });

  it('filters the grid to a drawn circle', async () => {
    const map = await showOnMap('Fire Stations');
    await map.waitForPaint((p) => p.complete);
    const near = { kind: 'near' as const, longitude: -97.52, latitude: 35.47, meters: 8000 };
    await map.spatial(near, 'filterGrid');
    const want = expectedRows(fake.catalog.byTitle('Fire Stations')!, { spatial: near }).length;
    const painted = await map.waitForPaint((p) => p.complete && p.points === want);
    assert.ok(want > 0 && want < 36, String(want));
    assert.equal(painted.points, want);
  });

  it('maps a CSV with latitude and longitude columns', async () => {
    const file = join(scratch, 'stops.csv');
    writeFileSync(file, 'name,Latitude,Longitude\nA,35.47,-97.52\nB,35.5,-97.6\nC,,\nD,35.41,-97.44\n');
    const map = await vscode.commands.executeCommand<MapHandle>('okcOpenData.showOnMap', vscode.Uri.file(file));
    assert.ok(map);
    const paint = await map.waitForPaint((p) => p.complete);
    assert.equal(paint.points, 3);
    assert.equal(paint.empty, 1);
    const detail = await map.detail(1);
    assert.equal(detail.values.find((v) => v.name === 'name')?.value, 'B');
  });

  it('maps a saved GeoJSON file', async () => {
    const file = join(scratch, 'shapes.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { n: 1 }, geometry: { type: 'LineString', coordinates: [[-97.5, 35.4], [-97.4, 35.5]] } },
      { type: 'Feature', properties: { n: 2 }, geometry: { type: 'Polygon', coordinates: [[[-97.6, 35.4], [-97.5, 35.4], [-97.5, 35.5], [-97.6, 35.4]]] } },
      { type: 'Feature', properties: { n: 3 }, geometry: null },
    ] }));
    const map = await vscode.commands.executeCommand<MapHandle>('okcOpenData.showOnMap', vscode.Uri.file(file));
    const paint = await map.waitForPaint((p) => p.complete);
    assert.deepEqual([paint.points, paint.lines, paint.polygons, paint.empty], [0, 1, 1, 1]);
  });
});
