// The map's layers in the real extension host with a real browser drawing the webview:
// colour by a text field (categories) and by numbers and dates (graduated classes), each
// class's count read from the feature layer's colours and checked against the fake portal's
// rows; the city-limits overlay offered, drawn and counted; and a dataset of more than
// 100,000 features drawn in view, with the extent and a pixel-sized maxAllowableOffset sent
// to the portal and a "showing N of M in view" label that matches the portal's count.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OkcOpenDataApi } from '../../src/extension';
import { generalizeOffset } from '../../src/map/features';
import type { MapHandle } from '../../src/map/mapPanel';
import type { MapPaintReport } from '../../src/protocol';
import { BIG_TITLE, type FakeDataset } from '../portal/data';
import { startFakePortal, type FakePortal } from '../portal/server';
import { expectedRows } from '../snippets/oracle';
import { datasetIn, usePortals } from './helpers';

type Paint = MapPaintReport & { at: number };

async function showOnMap(okc: OkcOpenDataApi, portal: string, title: string): Promise<MapHandle> {
  const handle = await vscode.commands.executeCommand<MapHandle | undefined>('okcOpenData.showOnMap', datasetIn(okc, portal, title));
  assert.ok(handle, 'Show on Map returned no panel');
  return handle;
}

/** Values of `field` for every row that has a geometry (those the layer can draw). */
function drawnValues(ds: FakeDataset, field: string): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < ds.rowCount; i++) if (ds.geometryAt(i)) out.push(ds.attributesAt(i)[field] ?? null);
  return out;
}

describe('Map layers', function () {
  this.timeout(240_000);

  describe('colour by a field and the city-limits overlay', () => {
    const HUB = 'Map Layers Hub';
    let fake: FakePortal;
    let okc: OkcOpenDataApi;
    before(async () => {
      fake = await startFakePortal({ port: 0, bigRows: 1000 });
      okc = await usePortals([{ name: HUB, kind: 'hub', url: fake.baseUrl }]);
    });
    afterEach(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
    after(async () => {
      await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
      await fake?.close();
    });

    async function colouredBy(field: string): Promise<{ paint: Paint; map: MapHandle }> {
      const map = await showOnMap(okc, HUB, BIG_TITLE);
      await map.waitForPaint((p) => p.complete);
      await map.colorBy(field);
      const paint = await map.waitForPaint((p) => p.complete && p.generation === map.view?.generation && !!p.classes);
      return { paint, map };
    }

    it('colours a text field by category: the commonest values, Other and missing, counted on the layer', async () => {
      const ds = fake.catalog.byTitle(BIG_TITLE)!;
      for (const field of ['Category', 'Status']) {
        const { paint, map } = await colouredBy(field);
        const values = drawnValues(ds, field);
        const counts = new Map<string, number>();
        let missing = 0;
        for (const v of values) {
          if (v === null || v === '') missing++;
          else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
        }
        const labels = map.view!.labels;
        const classes = paint.classes!;
        const named = classes.filter((c) => c.label !== labels.other && c.label !== labels.missing);
        assert.ok(named.length >= 1 && named.length <= 5, JSON.stringify(classes));
        for (const c of named) assert.equal(c.drawn, counts.get(c.label), `${field} = ${c.label}: ${JSON.stringify(classes)}`);
        // The named classes are the commonest values: none left out is commoner.
        const least = Math.min(...named.map((c) => c.drawn));
        for (const [value, n] of counts) if (!named.some((c) => c.label === value)) assert.ok(n <= least, `${value} (${n}) is commoner than a named class`);
        const other = values.length - missing - named.reduce((n, c) => n + c.drawn, 0);
        assert.equal(classes.find((c) => c.label === labels.other)?.drawn ?? 0, other, JSON.stringify(classes));
        assert.equal(classes.find((c) => c.label === labels.missing)?.drawn ?? 0, missing, JSON.stringify(classes));
        for (const c of classes) assert.equal(c.drawn, c.legendCount, `the legend says what the layer drew: ${JSON.stringify(c)}`);
        if (field === 'Category') assert.ok(other > 0, 'twelve categories leave some for Other');
        if (field === 'Status') assert.ok(missing > 0, 'Status has missing values');
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      }
    });

    for (const field of ['Amount', 'RecordedAt']) {
      it(`colours ${field} in graduated classes at the quintiles, counted on the layer`, async () => {
        const ds = fake.catalog.byTitle(BIG_TITLE)!;
        const { paint } = await colouredBy(field);
        const numbers = drawnValues(ds, field).map((v) => (typeof v === 'number' ? v : v === null ? NaN : Date.parse(String(v)))).filter(Number.isFinite).sort((a, b) => a - b);
        assert.ok(numbers.length > 900, `${numbers.length} values`);
        const breaks = [1, 2, 3, 4].map((g) => numbers[Math.floor((g * numbers.length) / 5)]);
        const want = [0, 1, 2, 3, 4].map((g) => numbers.filter((n) => (g === 0 || n >= breaks[g - 1]) && (g === 4 || n < breaks[g])).length).filter((n) => n > 0);
        const graded = paint.classes!.slice(0, want.length);
        assert.deepEqual(graded.map((c) => c.drawn), want, JSON.stringify(paint.classes));
        assert.equal(paint.classes!.reduce((n, c) => n + c.drawn, 0), paint.points, 'every drawn point is in a class');
      });
    }

    it('offers the catalog\'s city limits as an overlay and draws every boundary', async () => {
      const map = await showOnMap(okc, HUB, 'Fire Stations');
      await map.waitForPaint((p) => p.complete);
      const overlay = map.view!.overlays.find((o) => o.label === 'City Boundaries');
      assert.ok(overlay, `overlays: ${JSON.stringify(map.view!.overlays)}`);
      const boundaries = fake.catalog.byTitle('City Boundaries')!;
      const want = Array.from({ length: boundaries.rowCount }, (_, i) => boundaries.geometryAt(i)).filter((g) => g !== null).length;
      assert.ok(want > 0);
      // The whole county in view, so every boundary is on screen.
      map.goTo([-97.5, 35.5], 8);
      map.setOverlay(overlay.id, true);
      const on = await map.waitForPaint((p) => p.overlays?.[overlay.id] !== undefined && p.overlays[overlay.id] > 0);
      assert.equal(on.overlays![overlay.id], want, JSON.stringify(on.overlays));
      map.setOverlay(overlay.id, false);
      const off = await map.waitForPaint((p) => p.at > on.at && p.overlays?.[overlay.id] === undefined);
      assert.deepEqual(off.overlays, {});
    });

    it('offers no city-limits overlay on the city limits themselves', async () => {
      const map = await showOnMap(okc, HUB, 'City Boundaries');
      await map.waitForPaint((p) => p.complete);
      assert.deepEqual(map.view!.overlays, []);
    });
  });

  describe('a dataset larger than the map draws whole', () => {
    const HUB = 'Map Big Hub';
    const ROWS = 120_000;
    let fake: FakePortal;
    let okc: OkcOpenDataApi;
    before(async () => {
      fake = await startFakePortal({ port: 0, bigRows: ROWS });
      okc = await usePortals([{ name: HUB, kind: 'hub', url: fake.baseUrl }]);
    });
    afterEach(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
    after(async () => {
      await vscode.workspace.getConfiguration('okcOpenData').update('portals', undefined, vscode.ConfigurationTarget.Global);
      await fake?.close();
    });

    /** The last feature query with a geometry sent to the big layer since `since` requests. */
    function lastViewQuery(ds: FakeDataset, since: number): URLSearchParams {
      const sent = fake.requests.slice(since).map((r) => new URL(r.url, fake.baseUrl)).filter((u) => u.pathname === `${ds.layerPath}/query` && u.searchParams.has('geometry') && u.searchParams.get('returnCountOnly') !== 'true');
      assert.ok(sent.length, 'a query for the features in view was sent');
      return sent[sent.length - 1].searchParams;
    }

    it('draws only what is in view, generalised to the pixel, as the view pans and zooms', async () => {
      const ds = fake.catalog.byTitle(BIG_TITLE)!;
      const map = await showOnMap(okc, HUB, BIG_TITLE);
      await map.waitForPaint((p) => p.complete);
      assert.equal(map.view?.mode, 'inView');
      assert.equal(map.view?.total, ROWS);
      let seenCapped = false;
      let seenWhole = false;
      for (const [center, zoom] of [[[-97.45, 35.5], 11], [[-97.3, 35.62], 14], [[-97.6, 35.4], 13]] as [[number, number], number][]) {
        const since = fake.requests.length;
        map.goTo(center, zoom);
        // One pixel at this zoom: 360° over 256 · 2^zoom pixels.
        const pixel = 360 / (256 * 2 ** zoom);
        const paint = await map.waitForPaint((p) => p.complete && !!p.inView && !!p.bounds && Math.abs((p.bounds[0] + p.bounds[2]) / 2 - center[0]) < pixel && Math.abs((p.bounds[1] + p.bounds[3]) / 2 - center[1]) < pixel && p.zoom === zoom);
        const [west, south, east, north] = paint.bounds!;
        const params = lastViewQuery(ds, since);
        assert.deepEqual(params.get('geometry')!.split(',').map(Number), [west, south, east, north], 'the visible extent is the query geometry');
        assert.equal(params.get('geometryType'), 'esriGeometryEnvelope');
        // A pixel, in degrees of latitude here (the map's width in pixels is a whole number).
        const offset = Number(params.get('maxAllowableOffset'));
        const want = generalizeOffset(pixel, (south + north) / 2);
        assert.ok(Math.abs(offset - want) <= want * 0.01, `maxAllowableOffset ${offset}, a pixel is ${want}`);
        const matching = expectedRows(ds, { spatial: { kind: 'bbox', xmin: west, ymin: south, xmax: east, ymax: north } }).length;
        const shown = Math.min(matching, 20_000);
        assert.deepEqual([paint.inView!.matching, paint.inView!.shown, paint.points], [matching, shown, shown], JSON.stringify(paint.inView));
        const locale: string = map.view!.locale;
        assert.equal(paint.inView!.label, map.view!.labels.inView.replace('{0}', shown.toLocaleString(locale)).replace('{1}', matching.toLocaleString(locale)));
        seenCapped ||= matching > shown;
        seenWhole ||= matching === shown && matching > 0;
      }
      assert.ok(seenCapped && seenWhole, 'one view has more features than it draws and one has them all');
    });
  });
});
