// Map panels: one per dataset or file. The host pages features out of the portal (every
// feature up to WHOLE_LIMIT, else only those in view), answers row details as the grid does,
// follows the linked grid's query and selection, and hands drawn areas to the grid, Insert
// Snippet and Save.

import * as vscode from 'vscode';
import { datasetKey, type CatalogStore } from '../catalog/store';
import { portalProblem } from '../messages';
import { isPortalError } from '../portal/errors';
import type { DataRow, DatasetSchema, DatasetSummary, Portal } from '../portal/types';
import { DETAIL_CHARS, cutCell, toFieldFilters, toSortKeys } from '../preview/gridCells';
import { WebviewHost } from '../preview/webviewHost';
import type { GridColumn, GridRowDetail, MapFeatureBatch, MapField, MapPaintReport, MapSpatial, MapSpatialAction, MapView } from '../protocol';
import { largestPage } from '../query/compile';
import type { DatasetQuery } from '../query/model';
import { Disposable } from '../util/disposable';
import { generalizeOffset, packFeatures, rowsExtent } from './features';
import { gridLinks, type LinkedQuery } from './gridLink';
import { basemapTiles, countiesGeoJson, mapLabels } from './mapSettings';

export const MAP_VIEW_TYPE = 'okcOpenData.map';
/** Up to this many features a map draws every one; past it, only those in view. */
export const WHOLE_LIMIT = 100_000;
/** Most features drawn in view for a larger dataset. */
const IN_VIEW_LIMIT = 20_000;
/** Portal pages of a `whole` map fetched at once: as many as the HTTP layer runs per host. The
 * fetches start with the count, while the webview is still loading; the pages packed by then
 * go to it in one message, later ones each as it is packed (see postEarly, atReady). */
const PAGES_AT_ONCE = 4;

/** What a map reads its features from: a portal query or rows already in memory (a file). */
interface MapSource {
  readonly title: string;
  readonly key: string;
  readonly dataset?: DatasetSummary;
  /** A CSV file's latitude and longitude columns. */
  readonly latLon?: { lat: string; lon: string };
  /** Loads the schema and counts; returns the frame's facts. */
  open(query: LinkedQuery): Promise<{ total: number; pageSize: number; fields: MapField[]; extent?: [number, number, number, number]; columns: GridColumn[] }>;
  page(offset: number, count: number, colorField: string | undefined, signal: AbortSignal): Promise<DataRow[]>;
  inView?(extent: [number, number, number, number], degreesPerPixel: number, colorField: string | undefined, signal: AbortSignal): Promise<{ rows: DataRow[]; matching: number }>;
  row(position: number): Promise<DataRow | undefined>;
}

export interface MapHandle {
  readonly panel: vscode.WebviewPanel;
  readonly view: MapView | undefined;
  readonly lastPaint: MapPaintReport | undefined;
  /** performance.now() when the command started (benchmarks measure from here). */
  readonly startedAt: number;
  /** Host time on the current generation, in ms, for benchmarks: the count and schema (`open`),
   * pages from the portal (`fetch`, summed over pages in flight) and packing them (`pack`). */
  readonly stages: { openMs: number; fetchMs: number; packMs: number };
  waitForPaint(accept: (paint: MapPaintReport & { at: number }) => boolean, timeoutMs?: number): Promise<MapPaintReport & { at: number }>;
  detail(row: number): Promise<GridRowDetail>;
  /** As if the user drew `spatial` and chose `action`; `options` go to the command (tests skip its questions). */
  spatial(spatial: MapSpatial, action: MapSpatialAction, options?: Record<string, unknown>): Promise<void>;
  colorBy(field: string | undefined): Promise<void>;
  /** Pans as a drag does; the frame times come back in a paint report's `panFrameMs`. */
  pan(steps: number, dx: number, dy: number): void;
  /** Moves the map to `center` (`[lon, lat]`) at `zoom`, as the wheel and a drag do. */
  goTo(center: [number, number], zoom: number): void;
  /** Turns an overlay on or off, as its checkbox does. */
  setOverlay(id: string, on: boolean): void;
  /** Pages of the current `whole` generation fetched so far (or failed). */
  readonly settledPages: number;
  /** The lines and polygons on the canvas and how many show ink there (see MapPaintReport.ink). */
  probeInk(): Promise<{ shapes: number; inked: number }>;
}

export class MapPanels extends Disposable {
  private readonly open = new Map<string, MapPanel>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly store: CatalogStore) {
    super();
  }

  /** `restored`: the panel VS Code brought back after a reload, to draw into. */
  showDataset(dataset: DatasetSummary, query?: LinkedQuery, restored?: vscode.WebviewPanel): MapHandle {
    return this.show(new RemoteSource(dataset, this.store), query ?? gridLinks.current(datasetKey(dataset)) ?? { filters: [], sort: [] }, restored);
  }

  /** `latLon`: the CSV columns the points came from, kept for a restore after a reload. */
  showRows(key: string, title: string, columns: GridColumn[], rows: DataRow[], latLon?: { lat: string; lon: string }, restored?: vscode.WebviewPanel): MapHandle {
    return this.show(new MemorySource(key, title, columns, rows, latLon), { filters: [], sort: [] }, restored);
  }

  private show(source: MapSource, query: LinkedQuery, restored?: vscode.WebviewPanel): MapHandle {
    const startedAt = performance.now();
    const existing = this.open.get(source.key);
    if (existing && (!source.dataset || restored)) existing.dispose();
    else if (existing) {
      existing.panel.reveal();
      void existing.load(query);
      return existing;
    }
    const tiles = basemapTiles();
    const title = vscode.l10n.t('Map: {0}', source.title.replace(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/g, ''));
    const options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')] };
    // Beside the dataset's grid, so selecting a row there shows on the map at once.
    const column = gridLinks.hasGrid(source.key) ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    let panel: vscode.WebviewPanel;
    if (restored) {
      panel = restored;
      panel.title = title;
      panel.webview.options = options;
    } else panel = vscode.window.createWebviewPanel(MAP_VIEW_TYPE, title, column, options);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'okc-open-data.svg');
    const map = new MapPanel(panel, this.extensionUri, source, tiles, startedAt);
    this.open.set(source.key, map);
    panel.onDidDispose(() => {
      map.dispose();
      if (this.open.get(source.key) === map) this.open.delete(source.key);
    });
    void map.load(query);
    return map;
  }

  override dispose(): void {
    for (const map of this.open.values()) map.dispose();
    this.open.clear();
    super.dispose();
  }
}

/** A `whole` generation's pages: fetched ahead in page order, and those fetched so far. */
interface PagesAhead {
  generation: number;
  batches: Promise<MapFeatureBatch>[];
  abort: AbortController;
  /** Each page once it is packed, or its problem once it failed. */
  settled: ({ batch: MapFeatureBatch } | { problem: string })[];
  /** Pages posted before the webview first said ready (see postEarly). */
  early: number[];
}

class MapPanel extends Disposable implements MapHandle {
  private readonly host: WebviewHost;
  private generation = 0;
  private current: MapView | undefined;
  private query: LinkedQuery = { filters: [], sort: [] };
  private colorField: string | undefined;
  private pageSize = 2000;
  private columns: GridColumn[] = [];
  private paints: (MapPaintReport & { at: number })[] = [];
  private waiters: { accept(p: MapPaintReport & { at: number }): boolean; resolve(p: MapPaintReport & { at: number }): void }[] = [];
  private inViewRequest: AbortController | undefined;
  /** The current generation's pages, fetched in order. Kept while the generation lasts, so a
   * webview made anew (hidden, then shown) gets them again without asking the portal. */
  private ahead: PagesAhead | undefined;
  /** The webview said ready at least once: pages go to it as they come. Before, they wait to
   * go in one message (see postEarly). */
  private webviewReady = false;
  stages = { openMs: 0, fetchMs: 0, packMs: 0 };

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: MapSource,
    private readonly tiles: { url: string; attribution: string; origin: string } | undefined,
    public startedAt: number,
  ) {
    super();
    this.host = this.register(
      new WebviewHost(panel.webview, extensionUri, 'map', panel.title, {
        'map/features': (p) => this.inView(p.generation, p.extent, p.degreesPerPixel),
        'map/detail': (p) => {
          if (p.generation !== this.generation) throw new Error(vscode.l10n.t('The features changed; click the feature again.'));
          return this.detail(p.row);
        },
        'map/colorBy': ({ field }) => this.colorBy(field),
        'map/overlay': ({ id }) => this.overlay(id),
        'map/spatial': ({ spatial, action }) => this.spatial(spatial, action),
        'map/painted': (p) => this.painted(p),
        'map/resend': ({ generation, pages }) => this.resend(generation, pages),
      }, { styles: ['leaflet.css', 'map.css'], imgSources: tiles ? [tiles.origin] : [], early: true }),
    );
    this.register({ dispose: () => this.ahead?.abort.abort() });
    this.register(this.host.onDidBecomeReady(() => {
      this.atReady();
    }));
    this.register({ dispose: () => this.inViewRequest?.abort() });
    if (source.dataset) {
      const key = source.key;
      this.register(gridLinks.onDidQuery((e) => {
        if (e.key === key) void this.load(e.query);
      }));
      this.register(gridLinks.onDidSelectRow((e) => {
        if (e.key === key && this.current?.mode === 'whole') this.host.notify('map/focus', { generation: this.generation, row: e.row });
      }));
    }
  }

  get view(): MapView | undefined {
    return this.current;
  }

  get lastPaint(): MapPaintReport | undefined {
    return this.paints[this.paints.length - 1];
  }

  async load(query: LinkedQuery): Promise<void> {
    this.query = query;
    const generation = ++this.generation;
    this.ahead?.abort.abort();
    this.ahead = undefined;
    const stages = (this.stages = { openMs: 0, fetchMs: 0, packMs: 0 });
    const openedAt = performance.now();
    let opened: Awaited<ReturnType<MapSource['open']>>;
    try {
      opened = await this.source.open(query);
      stages.openMs = performance.now() - openedAt;
    } catch (error) {
      this.host.notify('panel/error', { message: this.problem(error) });
      return;
    }
    if (generation !== this.generation) return;
    this.pageSize = opened.pageSize;
    this.columns = opened.columns;
    if (this.colorField && !opened.fields.some((f) => f.name === this.colorField)) this.colorField = undefined;
    const mode = opened.total > WHOLE_LIMIT ? 'inView' : 'whole';
    const dataset = this.source.dataset;
    this.current = {
      generation,
      title: this.source.title,
      total: opened.total,
      mode,
      pages: Math.ceil(opened.total / this.pageSize),
      pageRows: this.pageSize,
      extent: opened.extent,
      fields: opened.fields,
      colorField: this.colorField,
      queryText: describeQuery(query),
      counties: countiesGeoJson(),
      tiles: this.tiles ? { url: this.tiles.url, attribution: this.tiles.attribution } : undefined,
      overlays: dataset ? cityLimitsOverlays(dataset, this.store()) : [],
      canDraw: !!dataset,
      state: dataset ? { kind: 'remote', portal: dataset.portal, id: dataset.id, filters: query.filters, sort: query.sort } : { kind: 'file', uri: this.source.key, ...(this.source.latLon ? { latLon: this.source.latLon } : {}) },
      locale: vscode.env.language,
      labels: mapLabels(),
    };
    this.host.notify('map/show', this.current);
    if (mode === 'whole') {
      this.fetchAhead(generation, this.current.pages);
      this.postPages();
    }
  }

  /** Posts each page of the current `whole` generation (or its problem) once it is packed,
   * when the webview has said ready; those that come before wait (see postEarly). */
  private postPages(): void {
    const ahead = this.ahead;
    if (!ahead || ahead.generation !== this.generation) return;
    ahead.batches.forEach((batch, page) =>
      batch.then(
        (b) => {
          if (this.ahead !== ahead || b.stale) return;
          ahead.settled[page] = { batch: b };
          if (this.webviewReady) this.host.notify('map/pages', { generation: ahead.generation, pages: [{ page, batch: b }] }, false);
          else this.postEarly(ahead);
        },
        (error: unknown) => {
          if (this.ahead !== ahead || ahead.abort.signal.aborted) return;
          const problem = this.problem(error);
          ahead.settled[page] = { problem };
          if (this.webviewReady) this.host.notify('map/pageError', { generation: ahead.generation, page, message: problem }, false);
          else this.postEarly(ahead);
        },
      ),
    );
  }

  /** Before the first ready, once every page is in: all of them, in one message, which VS Code
   * holds for the loading page. Posted one a page (or at the ready, a round trip later), they
   * crossed the busy workbench one by one: 100,000 points in ten pages were painted 200-300 ms
   * later. VS Code may drop a post made while the page loads; the ready's `map/sent` tells the
   * page what was posted, and it asks for what it lacks (`map/resend`). */
  private postEarly(ahead: PagesAhead): void {
    if (this.webviewReady || ahead.early.length || ahead.settled.filter(Boolean).length < ahead.batches.length) return;
    const pages = this.settledBatches(ahead, ahead.settled.keys());
    ahead.early = pages.map((p) => p.page);
    if (pages.length) this.host.notify('map/pages', { generation: ahead.generation, pages }, false);
  }

  /** At each ready, every page of the current generation fetched so far that the page may
   * lack: at the first, those not posted early (and `map/sent` for those that were); at a
   * later one (a webview made anew, after being hidden, with nothing), all of them. Posts to a
   * hidden webview are lost, and the ready that follows brings them. */
  private atReady(): void {
    const first = !this.webviewReady;
    this.webviewReady = true;
    const ahead = this.ahead;
    if (!ahead || ahead.generation !== this.generation) return;
    const early = first ? new Set(ahead.early) : new Set<number>();
    const pages = this.settledBatches(ahead, [...ahead.settled.keys()].filter((page) => !early.has(page)));
    if (pages.length) this.host.notify('map/pages', { generation: ahead.generation, pages }, false);
    if (early.size) this.host.notify('map/sent', { generation: ahead.generation, pages: [...early] }, false);
  }

  /** The webview's `map/resend`: the listed pages of the current generation, in one message. */
  private resend(generation: number, pages: number[]): void {
    const ahead = this.ahead;
    if (!ahead || ahead.generation !== generation || generation !== this.generation) return;
    const batches = this.settledBatches(ahead, pages.filter((page) => Number.isInteger(page) && page >= 0 && page < ahead.batches.length));
    if (batches.length) this.host.notify('map/pages', { generation, pages: batches }, false);
  }

  /** The packed batches of `pages` that are in; the problem of each that failed is posted. */
  private settledBatches(ahead: PagesAhead, pages: Iterable<number>): { page: number; batch: MapFeatureBatch }[] {
    const batches: { page: number; batch: MapFeatureBatch }[] = [];
    for (const page of pages) {
      const settled = ahead.settled[page];
      if (!settled) continue;
      if ('batch' in settled) batches.push({ page, batch: settled.batch });
      else this.host.notify('map/pageError', { generation: ahead.generation, page, message: settled.problem }, false);
    }
    return batches;
  }

  /** Starts fetching every page of `generation`, PAGES_AT_ONCE at a time in page order. */
  private fetchAhead(generation: number, pages: number): void {
    const abort = new AbortController();
    const slots = Array.from({ length: pages }, () => {
      let settle!: { resolve(b: MapFeatureBatch): void; reject(e: unknown): void };
      const promise = new Promise<MapFeatureBatch>((resolve, reject) => (settle = { resolve, reject }));
      // A page the webview never takes (the panel closed, the query changed) fails quietly.
      promise.catch(() => undefined);
      return { promise, settle };
    });
    this.ahead = { generation, batches: slots.map((s) => s.promise), abort, settled: [], early: [] };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < pages && !abort.signal.aborted) {
        const page = next++;
        try {
          slots[page].settle.resolve(await this.fetchPage(generation, page, abort.signal));
        } catch (error) {
          slots[page].settle.reject(error);
        }
      }
      // Pages never started: the generation is over.
      for (let page = next; page < pages; page++) slots[page].settle.reject(new Error('stale'));
    };
    for (let i = 0; i < Math.min(PAGES_AT_ONCE, pages); i++) void worker();
  }

  /** The catalog the source's dataset came from (for overlays); empty for files. */
  private store(): DatasetSummary[] {
    return this.source instanceof RemoteSource ? this.source.siblings() : [];
  }

  /** `inView` mode: the features in the webview's extent, at the detail its zoom needs. */
  private async inView(generation: number, extent: [number, number, number, number], degreesPerPixel: number): Promise<MapFeatureBatch> {
    const stale: MapFeatureBatch = { generation, ...packFeatures([], 0), stale: true };
    if (generation !== this.generation || this.current?.mode !== 'inView' || !this.source.inView) return stale;
    this.inViewRequest?.abort();
    const controller = new AbortController();
    this.inViewRequest = controller;
    try {
      const { rows, matching } = await this.source.inView(extent, degreesPerPixel, this.colorField, controller.signal);
      if (controller.signal.aborted || generation !== this.generation) return stale;
      return { generation, ...packFeatures(rows, 0, this.colorField), inView: matching };
    } catch (error) {
      if (controller.signal.aborted) return stale;
      throw error;
    }
  }

  /** One portal page of the whole query, packed for the webview. */
  private async fetchPage(generation: number, page: number, signal: AbortSignal): Promise<MapFeatureBatch> {
    const stale: MapFeatureBatch = { generation, ...packFeatures([], 0), stale: true };
    const offset = page * this.pageSize;
    const stages = this.stages;
    const fetchedAt = performance.now();
    const rows = await this.source.page(offset, this.pageSize, this.colorField, signal);
    if (generation !== this.generation) return stale;
    const packedAt = performance.now();
    const batch: MapFeatureBatch = { generation, ...packFeatures(rows, offset, this.colorField) };
    stages.fetchMs += packedAt - fetchedAt;
    stages.packMs += performance.now() - packedAt;
    return batch;
  }

  async detail(position: number): Promise<GridRowDetail> {
    const row = await this.source.row(position);
    if (!row) throw new Error(vscode.l10n.t('Row {0} is not available.', position + 1));
    return {
      row: position,
      values: this.columns.map((column) => {
        const cell = row.attributes[column.name] ?? null;
        const shown = cutCell(cell, DETAIL_CHARS);
        return { name: column.name, label: column.label, kind: column.kind, value: shown.value, fullLength: shown.cut && typeof cell === 'string' ? cell.length : undefined };
      }),
      errors: [],
    };
  }

  pan(steps: number, dx: number, dy: number): void {
    this.host.notify('map/pan', { steps, dx, dy });
  }

  goTo(center: [number, number], zoom: number): void {
    this.host.notify('map/goTo', { center, zoom });
  }

  get settledPages(): number {
    return this.ahead?.generation === this.generation ? this.ahead.settled.filter(Boolean).length : 0;
  }

  async probeInk(): Promise<{ shapes: number; inked: number }> {
    const since = this.paints.length ? this.paints[this.paints.length - 1].at : 0;
    const waiting = this.waitForPaint((p) => p.at > since && p.ink !== undefined);
    this.host.notify('map/probeInk', {}, false);
    return (await waiting).ink!;
  }

  setOverlay(id: string, on: boolean): void {
    this.host.notify('map/setOverlay', { id, on });
  }

  async colorBy(field: string | undefined): Promise<void> {
    this.colorField = field || undefined;
    await this.load(this.query);
  }

  private async overlay(id: string): Promise<MapFeatureBatch> {
    const dataset = this.store().find((d) => `${d.portal}\u0000${d.id}` === id);
    const portal = dataset && this.source instanceof RemoteSource ? this.source.portalOf(dataset) : undefined;
    if (!dataset || !portal) throw new Error(vscode.l10n.t('The overlay is no longer in the catalog.'));
    const page = await portal.queryPage(dataset, { fields: [], returnGeometry: true }, 0, 2000);
    return { generation: this.generation, ...packFeatures(page.rows, 0) };
  }

  async spatial(spatial: MapSpatial, action: MapSpatialAction, options: Record<string, unknown> = {}): Promise<void> {
    const dataset = this.source.dataset;
    if (!dataset) throw new Error(vscode.l10n.t('Only datasets from a portal can be queried by area.'));
    const clean = cleanSpatial(spatial);
    if (action === 'filterGrid') {
      const key = datasetKey(dataset);
      if (!gridLinks.hasGrid(key)) {
        await vscode.commands.executeCommand('okcOpenData.previewDataset', dataset);
        // The grid opened where the map was: keep both in view.
        this.panel.reveal(vscode.ViewColumn.Beside, true);
      }
      gridLinks.askSpatial(key, clean);
      return;
    }
    const query: DatasetQuery = {
      ...(this.query.filters.length ? { filters: toFieldFilters(this.query.filters, this.columns) } : {}),
      ...(this.query.sort.length ? { sort: toSortKeys(this.query.sort) } : {}),
      spatial: clean,
    };
    await vscode.commands.executeCommand(action === 'save' ? 'okcOpenData.saveDataset' : 'okcOpenData.insertSnippet', dataset, { ...options, query });
  }

  waitForPaint(accept: (paint: MapPaintReport & { at: number }) => boolean, timeoutMs = 60_000): Promise<MapPaintReport & { at: number }> {
    const past = this.paints.find(accept);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const waiter = {
        accept,
        resolve: (p: MapPaintReport & { at: number }) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching map paint within ${timeoutMs} ms; last: ${JSON.stringify(this.lastPaint ?? null)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private painted(report: MapPaintReport): void {
    const paint = { ...report, at: performance.now() };
    this.paints.push(paint);
    if (this.paints.length > 50) this.paints.splice(0, this.paints.length - 50);
    for (const waiter of this.waiters.slice()) {
      if (waiter.accept(paint)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(paint);
      }
    }
  }

  private problem(error: unknown): string {
    if (isPortalError(error) && this.source.dataset) return portalProblem(this.source.dataset.portal, error);
    return error instanceof Error ? error.message : String(error);
  }
}

/** Rounds a drawn shape to about a centimetre and orders the box's corners. */
function cleanSpatial(s: MapSpatial): MapSpatial {
  const r = (n: number): number => Math.round(n * 1e7) / 1e7;
  if (s.kind === 'bbox') {
    return { kind: 'bbox', xmin: r(Math.min(s.xmin, s.xmax)), ymin: r(Math.min(s.ymin, s.ymax)), xmax: r(Math.max(s.xmin, s.xmax)), ymax: r(Math.max(s.ymin, s.ymax)) };
  }
  return { kind: 'near', longitude: r(s.longitude), latitude: r(s.latitude), meters: Math.max(1, Math.round(s.meters)) };
}

function describeQuery(query: LinkedQuery): string | undefined {
  const parts = query.filters.map((f) => `${f.field} ${f.op}${f.value !== undefined ? ` ${f.value}` : ''}`);
  return parts.length ? parts.join(' · ') : undefined;
}

/** Layers that draw the city's outline, offered as an overlay on every map of the catalog. */
function cityLimitsOverlays(dataset: DatasetSummary, catalog: DatasetSummary[]): { id: string; label: string }[] {
  return catalog
    .filter((d) => d.portal === dataset.portal && d.id !== dataset.id && /\b(city (limits|boundar(y|ies)))\b/i.test(d.title))
    .slice(0, 1)
    .map((d) => ({ id: `${d.portal}\u0000${d.id}`, label: d.title }));
}

function mapFields(columns: GridColumn[]): MapField[] {
  const out: MapField[] = [];
  for (const c of columns) {
    if (c.kind === 'oid' || c.kind === 'guid' || c.kind === 'other') continue;
    out.push({ name: c.name, label: c.label, kind: c.kind === 'date' ? 'date' : c.kind === 'integer' || c.kind === 'double' ? 'number' : 'text' });
  }
  return out;
}

class RemoteSource implements MapSource {
  readonly key: string;
  private schema: DatasetSchema | undefined;
  private base: DatasetQuery = {};
  private columns: GridColumn[] = [];
  private readonly portal: Portal | undefined;

  constructor(readonly dataset: DatasetSummary, private readonly catalog: CatalogStore) {
    this.key = datasetKey(dataset);
    this.portal = catalog.portal(dataset.portal);
  }

  /** Datasets of the same catalog (the city-limits overlay comes from there). */
  siblings(): DatasetSummary[] {
    return this.catalog.allDatasets();
  }

  portalOf(dataset: DatasetSummary): Portal | undefined {
    return this.catalog.portal(dataset.portal);
  }

  get title(): string {
    return this.dataset.title;
  }

  async open(query: LinkedQuery): ReturnType<MapSource['open']> {
    const portal = this.need();
    this.schema ??= await portal.getSchema(this.dataset);
    this.columns = this.schema.fields
      .filter((f) => f.kind !== 'geometry')
      .map((f) => ({ name: f.name, label: f.alias && f.alias !== f.name ? f.alias : f.name, kind: f.kind === 'geometry' ? 'other' : f.kind, nativeType: f.nativeType }));
    this.base = {
      ...(query.filters.length ? { filters: toFieldFilters(query.filters, this.columns) } : {}),
      ...(query.sort.length ? { sort: toSortKeys(query.sort) } : {}),
      ...(query.spatial ? { spatial: query.spatial } : {}),
    };
    const total = await portal.countRows(this.dataset, this.base);
    return {
      total,
      // Past maxRecordCount where the layer says it serves larger pages (largePages below).
      pageSize: largestPage(Math.max(1, this.schema.maxRecordCount ?? 2000), this.schema.queryCapabilities),
      fields: mapFields(this.columns),
      extent: this.dataset.extent ?? this.schema.extent,
      columns: this.columns,
    };
  }

  private need(): Portal {
    if (!this.portal) throw new Error(vscode.l10n.t('The portal "{0}" is no longer configured.', this.dataset.portal));
    return this.portal;
  }

  private fields(colorField: string | undefined): string[] {
    const oid = this.schema?.objectIdField;
    return [...new Set([...(oid ? [oid] : []), ...(colorField ? [colorField] : [])])];
  }

  async page(offset: number, count: number, colorField: string | undefined, signal: AbortSignal): Promise<DataRow[]> {
    const query: DatasetQuery = { ...this.base, fields: this.fields(colorField), returnGeometry: true, largePages: true, compactGeometry: true };
    const page = await this.need().queryPage(this.dataset, query, offset, count, signal);
    const rows = page.rows;
    // A server that caps pages below what its layer said (or its cache of it) sends fewer and
    // says there is more: the rest of the page comes in more requests, never a gap in the map.
    for (let more = page.more; more && rows.length < count && !signal.aborted;) {
      const rest = await this.need().queryPage(this.dataset, query, offset + rows.length, count - rows.length, signal);
      if (!rest.rows.length) break;
      for (const row of rest.rows) rows.push(row);
      more = rest.more;
    }
    return rows;
  }

  async inView(extent: [number, number, number, number], degreesPerPixel: number, colorField: string | undefined, signal: AbortSignal): Promise<{ rows: DataRow[]; matching: number }> {
    const portal = this.need();
    const [xmin, ymin, xmax, ymax] = extent;
    const query: DatasetQuery = {
      ...this.base,
      spatial: { kind: 'bbox', xmin, ymin, xmax, ymax },
      fields: this.fields(colorField),
      returnGeometry: true,
      ...(degreesPerPixel > 0 ? { maxAllowableOffset: generalizeOffset(degreesPerPixel, (ymin + ymax) / 2) } : {}),
    };
    const matching = await portal.countRows(this.dataset, query, signal);
    const pageSize = Math.max(1, this.schema?.maxRecordCount ?? 2000);
    const want = Math.min(matching, IN_VIEW_LIMIT);
    const offsets: number[] = [];
    for (let at = 0; at < want; at += pageSize) offsets.push(at);
    const pages = await Promise.all(offsets.map((at) => portal.queryPage(this.dataset, query, at, Math.min(pageSize, want - at), signal)));
    return { rows: pages.flatMap((p) => p.rows), matching };
  }

  async row(position: number): Promise<DataRow | undefined> {
    const page = await this.need().queryPage(this.dataset, { ...this.base, fields: this.columns.map((c) => c.name), returnGeometry: false }, position, 1);
    return page.rows[0];
  }
}

class MemorySource implements MapSource {
  constructor(
    readonly key: string,
    readonly title: string,
    private readonly columns: GridColumn[],
    private readonly rows: DataRow[],
    readonly latLon?: { lat: string; lon: string },
  ) {}

  async open(): ReturnType<MapSource['open']> {
    return { total: this.rows.length, pageSize: 5000, fields: mapFields(this.columns), extent: rowsExtent(this.rows), columns: this.columns };
  }

  async page(offset: number, count: number): Promise<DataRow[]> {
    return this.rows.slice(offset, offset + count);
  }

  async row(position: number): Promise<DataRow | undefined> {
    return this.rows[position];
  }
}
