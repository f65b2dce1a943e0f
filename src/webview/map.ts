// The map webview: Leaflet over Oklahoma's county outlines (offline) or the tiles the setting
// names, the dataset's features drawn by FeatureLayer page by page, a legend (count, share
// without geometry, colour classes), a feature's row detail on click, the grid's selected row
// centred, and rectangle or circle drawing handed back as a spatial filter. Portal text is
// only ever a text node.

import * as L from 'leaflet';
import type { GridColumn, MapFeatureBatch, MapSpatial, MapSpatialAction, MapView } from '../protocol';
import { CellFormatter } from './grid/format';
import { fill } from './grid/toolbar';
import { categoryClasses, chartColors, graduatedClasses, themeColor, type ColorClasses } from './map/colors';
import { FeatureLayer } from './map/featureLayer';
import { showControls } from '../util/text';
import { h, icon } from './shared/dom';
import { showRowDetail } from './shared/rowDetail';
import { onNotify, ready, request, vscodeApi } from './shared/rpc';

const app = document.getElementById('app')!;
document.body.classList.add('map-page');
const toolbar = h('header', { class: 'map-toolbar grid-toolbar' });
const messages = h('div', { class: 'grid-messages', id: 'map-messages' });
const mapElement = h('div', { class: 'map', id: 'map', role: 'application' });
const legend = h('section', { class: 'map-legend', id: 'map-legend', 'aria-live': 'polite' });
const shapeBar = h('div', { class: 'map-shape-bar', id: 'map-shape-bar', hidden: '' });
const detail = h('div', { class: 'grid-detail', id: 'map-detail', role: 'dialog', 'aria-modal': 'true', hidden: '' });
app.replaceChildren(toolbar, messages, h('div', { class: 'map-frame' }, mapElement, legend, shapeBar), detail);

const map = L.map(mapElement, { zoomControl: true, attributionControl: true, preferCanvas: true, boxZoom: false, minZoom: 3, maxZoom: 19 }).setView([35.47, -97.52], 10);
map.attributionControl.setPrefix(false);
const features = new FeatureLayer().addTo(map);
const basemapRenderer = L.canvas({ padding: 0.5 });
let counties: L.GeoJSON | undefined;
let tiles: L.TileLayer | undefined;
const overlays = new Map<string, FeatureLayer>();
const overlayBoxes = new Map<string, HTMLInputElement>();
const highlight = L.layerGroup().addTo(map);
let drawn: L.Rectangle | L.Circle | undefined;

let view: MapView | undefined;
let received = 0;
let empty = 0;
let complete = false;
let inViewMatching: number | undefined;
const values = new Map<number, string | number | null>();
let classes: ColorClasses | undefined;
let formatter = new CellFormatter('en', 'missing');
let focus: { row: number; center: [number, number] } | undefined;
let panFrameMs: number | undefined;
/** Time this generation's pages took to take in, for the paint report's `stages`. */
let ingestMs = 0;
/** `whole` mode: the pages taken in so far, in arrival order (the paint report's `pages`). */
const pagesIn: number[] = [];

function show(next: MapView): void {
  // The ready's replay of a view posted before the page was ready: the pages already taken stay.
  if (view && view.generation === next.generation) return;
  const first = !view;
  const newBasemap = !view || JSON.stringify(view.tiles) !== JSON.stringify(next.tiles);
  view = next;
  // What the panel serializer restores after a window reload.
  vscodeApi.setState(next.state);
  formatter = new CellFormatter(next.locale, next.labels.missing);
  document.title = next.title;
  mapElement.setAttribute('aria-label', fill(next.labels.mapLabel, showControls(next.title)));
  // The view first: the county outlines are then drawn once, at the extent they are seen at.
  if (first && next.extent) fitExtent(next.extent);
  if (newBasemap) drawBasemap(next);
  renderToolbar(next);
  messages.replaceChildren();
  features.clear();
  values.clear();
  classes = undefined;
  received = 0;
  empty = 0;
  complete = false;
  inViewMatching = undefined;
  ingestMs = 0;
  pagesIn.length = 0;
  features.paintMs = 0;
  applyPalette();
  highlight.clearLayers();
  renderLegend();
  if (next.mode === 'whole') wholeDone(next);
  else void loadInView(next);
}

function fitExtent([xmin, ymin, xmax, ymax]: [number, number, number, number]): void {
  if ([xmin, ymin, xmax, ymax].every(Number.isFinite) && xmax > xmin && ymax > ymin) map.fitBounds([[ymin, xmin], [ymax, xmax]], { animate: false });
}

function drawBasemap(v: MapView): void {
  counties?.remove();
  tiles?.remove();
  if (v.tiles) {
    // The CSP admits images from this host only; the attribution says whose they are.
    tiles = L.tileLayer(v.tiles.url, { attribution: showControls(v.tiles.attribution).replace(/[<>&"]/g, ''), maxZoom: 19, crossOrigin: false }).addTo(map);
  }
  const line = themeColor('--vscode-editorIndentGuide-activeBackground1', '') || themeColor('--vscode-descriptionForeground', '#888888');
  counties = L.geoJSON(v.counties as GeoJSON.FeatureCollection, {
    interactive: false,
    style: () => ({ color: line, weight: 1, opacity: 0.7, fill: false, renderer: basemapRenderer }),
  }).addTo(map);
  counties.bringToBack();
}

/** `whole` mode: pages the host sent (all at once when all were in before the ready, or at the
 * ready those in by then; then each as it comes; `map/resend` asks again for any lost). A
 * page already taken is skipped. */
function takePages(generation: number, pages: { page: number; batch: MapFeatureBatch }[]): void {
  const v = view;
  if (!v || v.mode !== 'whole' || generation !== v.generation) return;
  let added = false;
  for (const { page, batch } of pages) {
    if (batch.generation !== v.generation || pagesIn.includes(page)) continue;
    add(batch);
    pagesIn.push(page);
    added = true;
  }
  if (!added) return;
  // New pages are painted at the next frame (only their new points); say what was drawn then.
  reportPaint(false);
  wholeDone(v);
}

/** `whole` mode: once every page is in, the map is complete. */
function wholeDone(v: MapView): void {
  if (complete || pagesIn.length < v.pages) return;
  complete = true;
  if (!v.extent || v.extent.some((n) => !Number.isFinite(n))) {
    const b = features.bounds();
    if (b) map.fitBounds(b, { animate: false });
  }
  finish();
}

let inViewTimer = 0;
async function loadInView(v: MapView): Promise<void> {
  const b = map.getBounds();
  const extent: [number, number, number, number] = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  const degreesPerPixel = (b.getEast() - b.getWest()) / Math.max(1, mapElement.clientWidth);
  let batch: MapFeatureBatch;
  try {
    batch = await request('map/features', { generation: v.generation, extent, degreesPerPixel });
  } catch (error) {
    if (view === v) showError((error as Error).message);
    return;
  }
  if (batch.stale || view !== v) return;
  features.clear();
  values.clear();
  received = 0;
  empty = 0;
  add(batch);
  inViewMatching = batch.inView;
  complete = true;
  finish();
}

map.on('moveend', () => {
  if (view?.mode !== 'inView') return;
  clearTimeout(inViewTimer);
  const v = view;
  // Pages for the new extent once the user pauses; the old features stay drawn meanwhile.
  inViewTimer = window.setTimeout(() => void loadInView(v), 150);
});

function colorOf(row: number): number {
  return classes ? classes.classOf(values.get(row)) : 0;
}

function add(batch: MapFeatureBatch): void {
  const started = performance.now();
  received += batch.rows;
  empty += batch.empty;
  if (batch.values) for (const [row, value] of Object.entries(batch.values)) values.set(Number(row), value);
  features.addPoints(batch, colorOf);
  features.addShapes(batch, colorOf);
  renderLegend();
  ingestMs += performance.now() - started;
}

/** All pages are in: colour classes from every value, then report what was drawn. */
function finish(): void {
  if (view?.colorField) {
    const field = view.fields.find((f) => f.name === view!.colorField);
    const colors = chartColors();
    const words = { other: view.labels.other, missing: view.labels.missing };
    if (field?.kind === 'text') classes = categoryClasses(values.values(), colors, words);
    else if (field) {
      const column: GridColumn = { name: field.name, label: field.label, kind: field.kind === 'date' ? 'date' : 'double' };
      classes = graduatedClasses(values.values(), colors[5], colors[4], colors[6], (n) => formatter.format(n, column).text, words);
    }
    features.recolor(colorOf);
  }
  applyPalette();
  renderLegend();
  // Without colour classes every page is already painted: no need to paint it all again.
  reportPaint(!!view?.colorField);
}

function applyPalette(): void {
  features.palette = classes ? classes.palette : [themeColor('--vscode-charts-blue', '#3794ff')];
}

let reportFrame = 0;
/** After the next paint, tells the host what the feature layer drew (tests and benchmarks).
 * A report still waiting is replaced: it would tell of a paint that is no longer the last.
 * `repaint` forces a paint even if nothing changed; a page just added has scheduled one. */
function reportPaint(repaint = true): void {
  cancelAnimationFrame(reportFrame);
  reportFrame = 0;
  features.onPaint = () => {
    features.onPaint = undefined;
    reportFrame = requestAnimationFrame(() => {
      reportFrame = 0;
      sendPaint();
    });
  };
  if (repaint) features.recolor(colorOf);
  else features.requestPaint();
}

function sendPaint(ink?: { shapes: number; inked: number }): void {
  if (!view) return;
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  const d = features.drawn;
  mapElement.dataset.featureCount = String(d.points + d.lines + d.polygons);
  mapElement.dataset.points = String(d.points);
  mapElement.dataset.lines = String(d.lines);
  mapElement.dataset.polygons = String(d.polygons);
  mapElement.dataset.complete = String(complete);
  // Where the first feature is on screen, so UI tests can click it as a user would.
  const first = features.locate(0);
  if (first) {
    const p = map.latLngToContainerPoint(first.center);
    mapElement.dataset.firstFeature = `${Math.round(p.x)},${Math.round(p.y)}`;
  }
  const b = map.getBounds();
  const bounds: [number, number, number, number] = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  const inView = view.mode === 'inView' && inViewMatching !== undefined ? { shown: features.size, matching: inViewMatching, label: countLabel() } : undefined;
  let drawnClasses: { label: string; legendCount: number; drawn: number }[] | undefined;
  if (classes) {
    const byColor = features.countByColor();
    drawnClasses = classes.legend.map((entry) => ({ label: entry.label, legendCount: entry.count, drawn: byColor[entry.index] ?? 0 }));
  }
  const overlayCounts: Record<string, number> = {};
  for (const [id, layer] of overlays) overlayCounts[id] = layer.drawnTotal;
  void request('map/painted', {
    generation: view.generation, points: d.points, lines: d.lines, polygons: d.polygons, empty, complete, heapMb: memory ? memory.usedJSHeapSize / 1048576 : undefined, focus, panFrameMs,
    bounds, zoom: map.getZoom(), inView, classes: drawnClasses, overlays: overlayCounts, stages: { ingestMs, paintMs: features.paintMs },
    ...(view.mode === 'whole' ? { pages: pagesIn.slice() } : {}),
    ...(ink ? { ink } : {}),
  });
}

function renderLegend(): void {
  if (!view) return;
  const L_ = view.labels;
  const parts: Node[] = [];
  parts.push(h('div', { class: 'map-count', id: 'map-count' }, countLabel()));
  if (!complete && view.mode === 'whole' && view.total > 0) parts.push(h('div', { class: 'map-progress' }, fill(L_.loading, Math.round((100 * received) / view.total))));
  if (received > 0) parts.push(h('div', { class: 'map-empty', id: 'map-empty' }, fill(L_.noGeometry, ((100 * empty) / received).toLocaleString(view.locale, { maximumFractionDigits: 1 }))));
  if (view.queryText) parts.push(h('div', { class: 'map-query' }, showControls(fill(L_.filtered, view.queryText))));
  if (classes) {
    const list = h('ul', { class: 'map-classes' });
    for (const entry of classes.legend) {
      const swatch = h('span', { class: 'map-swatch' });
      swatch.style.background = entry.color;
      list.append(h('li', {}, swatch, showControls(entry.label), h('span', { class: 'map-class-count' }, ` ${entry.count.toLocaleString(view.locale)}`)));
    }
    parts.push(list);
  }
  legend.replaceChildren(...parts);
}

/** "N features", or "Showing N of M in view" for a large dataset. */
function countLabel(): string {
  if (!view) return '';
  const count = features.size;
  if (view.mode === 'inView' && inViewMatching !== undefined) return fill(view.labels.inView, count.toLocaleString(view.locale), inViewMatching.toLocaleString(view.locale));
  return count === 1 ? view.labels.feature : fill(view.labels.features, count.toLocaleString(view.locale));
}

function renderToolbar(v: MapView): void {
  const L_ = v.labels;
  const parts: Node[] = [h('span', { class: 'grid-title' }, icon('globe'), ' ', showControls(v.title))];
  const color = h('select', { id: 'map-color-by', title: L_.colorBy, 'aria-label': L_.colorBy });
  color.append(h('option', { value: '' }, L_.noColor));
  for (const f of v.fields) {
    const option = h('option', { value: f.name }, showControls(f.label));
    if (f.name === v.colorField) option.selected = true;
    color.append(option);
  }
  color.addEventListener('change', () => void request('map/colorBy', { field: color.value || undefined }).catch((e: Error) => showError(e.message)));
  parts.push(h('label', { class: 'map-color' }, icon('symbol-color'), ' ', color));
  overlayBoxes.clear();
  for (const overlay of v.overlays) {
    const box = h('input', { type: 'checkbox', id: `map-overlay-${overlayBoxes.size}` });
    overlayBoxes.set(overlay.id, box);
    box.checked = overlays.has(overlay.id);
    box.addEventListener('change', () => void toggleOverlay(overlay.id, box.checked));
    parts.push(h('label', { class: 'map-overlay' }, box, ' ', showControls(overlay.label)));
  }
  const fit = h('button', { type: 'button', class: 'icon-button', id: 'map-fit', title: L_.zoomToData, 'aria-label': L_.zoomToData }, icon('screen-full'));
  fit.addEventListener('click', () => {
    const b = features.bounds();
    if (b) map.fitBounds(b);
  });
  parts.push(fit);
  if (v.canDraw) {
    for (const [mode, label, iconName] of [['box', L_.drawBox, 'primitive-square'], ['circle', L_.drawCircle, 'circle-large']] as const) {
      const button = h('button', { type: 'button', class: 'icon-button', id: `map-draw-${mode}`, title: `${label} (${L_.drawHint})`, 'aria-label': label, 'aria-pressed': 'false' }, icon(iconName));
      button.addEventListener('click', () => startDrawing(mode, button));
      parts.push(button);
    }
  }
  toolbar.replaceChildren(...parts);
}

async function toggleOverlay(id: string, on: boolean): Promise<void> {
  overlays.get(id)?.remove();
  overlays.delete(id);
  if (!on) {
    sendPaint();
    return;
  }
  try {
    const batch = await request('map/overlay', { id });
    const layer = new FeatureLayer();
    layer.palette = [themeColor('--vscode-charts-foreground', '#cccccc')];
    layer.addPoints(batch, () => 0);
    // The city's outline over the data: rings as lines, nothing filled.
    layer.addShapes(batch, () => 0, true);
    layer.onPaint = () => {
      layer.onPaint = undefined;
      requestAnimationFrame(() => sendPaint());
    };
    overlays.set(id, layer.addTo(map));
  } catch (error) {
    showError((error as Error).message);
  }
}

// ---- clicking a feature: the row detail, as the grid shows it -----------------------------------

map.on('click', (event: L.LeafletMouseEvent) => {
  if (drawing || !view) return;
  const row = features.hit(event.containerPoint);
  if (row !== undefined) void openDetail(row);
});

async function openDetail(row: number): Promise<void> {
  if (!view) return;
  const v = view;
  mark(row, false);
  try {
    const d = await request('map/detail', { generation: v.generation, row });
    const columns = d.values.map((x) => ({ name: x.name, label: x.label, kind: x.kind }));
    showRowDetail(detail, d, columns, formatter, { rowDetail: v.labels.rowDetail, close: v.labels.close, cutNote: v.labels.cutNote, showMore: v.labels.showMore }, v.locale, { dismissed: () => mapElement.focus() });
  } catch (error) {
    showError((error as Error).message);
  }
}

/** Rings the feature of `row`; with `centre`, moves the map to it. */
function mark(row: number, centre: boolean): void {
  highlight.clearLayers();
  const at = features.locate(row);
  if (!at) return;
  const color = themeColor('--vscode-focusBorder', '#007fd4');
  if (at.bounds) highlight.addLayer(L.rectangle(at.bounds, { color, weight: 3, fill: false, interactive: false }));
  else highlight.addLayer(L.circleMarker(at.center, { radius: 9, color, weight: 3, fill: false, interactive: false }));
  mapElement.dataset.focusRow = String(row);
  if (centre) map.panTo(at.center, { animate: false });
  const c = map.getCenter();
  focus = { row, center: [c.lng, c.lat] };
  sendPaint();
}

// ---- drawing a rectangle or a circle ----------------------------------------------------------

let drawing: 'box' | 'circle' | undefined;
let drawStart: L.LatLng | undefined;

function startDrawing(mode: 'box' | 'circle', button: HTMLElement): void {
  drawing = mode;
  button.setAttribute('aria-pressed', 'true');
  map.dragging.disable();
  mapElement.classList.add('map-drawing');
}

function stopDrawing(): void {
  drawing = undefined;
  drawStart = undefined;
  map.dragging.enable();
  mapElement.classList.remove('map-drawing');
  for (const b of toolbar.querySelectorAll('[aria-pressed="true"]')) b.setAttribute('aria-pressed', 'false');
}

map.on('mousedown', (event: L.LeafletMouseEvent) => {
  if (!drawing) return;
  drawStart = event.latlng;
  drawn?.remove();
  const color = themeColor('--vscode-focusBorder', '#007fd4');
  drawn = drawing === 'box'
    ? L.rectangle(L.latLngBounds(event.latlng, event.latlng), { color, weight: 2, fillOpacity: 0.1, interactive: false }).addTo(map)
    : L.circle(event.latlng, { radius: 1, color, weight: 2, fillOpacity: 0.1, interactive: false }).addTo(map);
});

map.on('mousemove', (event: L.LeafletMouseEvent) => {
  if (!drawing || !drawStart || !drawn) return;
  if (drawn instanceof L.Rectangle) drawn.setBounds(L.latLngBounds(drawStart, event.latlng));
  else drawn.setRadius(map.distance(drawStart, event.latlng));
});

map.on('mouseup', (event: L.LeafletMouseEvent) => {
  if (!drawing || !drawStart || !drawn) return;
  let spatial: MapSpatial;
  if (drawn instanceof L.Rectangle) {
    const b = L.latLngBounds(drawStart, event.latlng);
    spatial = { kind: 'bbox', xmin: b.getWest(), ymin: b.getSouth(), xmax: b.getEast(), ymax: b.getNorth() };
  } else {
    spatial = { kind: 'near', longitude: drawStart.lng, latitude: drawStart.lat, meters: map.distance(drawStart, event.latlng) };
  }
  stopDrawing();
  offerShape(spatial);
});

function offerShape(spatial: MapSpatial): void {
  if (!view) return;
  const L_ = view.labels;
  mapElement.dataset.shape = JSON.stringify(spatial);
  const buttons: Node[] = [];
  for (const [action, label, iconName] of [['filterGrid', L_.filterGrid, 'filter'], ['insertSnippet', L_.insertSnippet, 'code'], ['save', L_.save, 'save']] as [MapSpatialAction, string, string][]) {
    const button = h('button', { type: 'button', class: 'action', id: `map-shape-${action}` }, icon(iconName), h('span', {}, label));
    button.addEventListener('click', () => void request('map/spatial', { spatial, action }).catch((e: Error) => showError(e.message)));
    buttons.push(button);
  }
  const clear = h('button', { type: 'button', class: 'icon-button', id: 'map-shape-clear', title: L_.clearShape, 'aria-label': L_.clearShape }, icon('close'));
  clear.addEventListener('click', () => {
    drawn?.remove();
    drawn = undefined;
    shapeBar.hidden = true;
    delete mapElement.dataset.shape;
  });
  shapeBar.replaceChildren(...buttons, clear);
  shapeBar.hidden = false;
}

function showError(message: string): void {
  messages.replaceChildren(h('p', { class: 'grid-error', role: 'alert' }, icon('error'), ' ', showControls(message)));
}

onNotify('map/show', show);
onNotify('map/pages', ({ generation, pages }) => takePages(generation, pages));
onNotify('map/sent', ({ generation, pages }) => {
  // Sent at the first ready, after the pages posted before it: one not taken by now was lost.
  const missing = view?.generation === generation ? pages.filter((page) => !pagesIn.includes(page)) : [];
  if (missing.length) void request('map/resend', { generation, pages: missing }).catch((error: Error) => showError(error.message));
});
onNotify('map/pageError', ({ generation, page, message }) => {
  if (view?.generation === generation && !pagesIn.includes(page)) showError(message);
});
onNotify('map/focus', ({ generation, row }) => {
  if (view?.generation === generation) mark(row, true);
});
/** Moves the map pane frame by frame and fires move events, as Leaflet's own drag handler does. */
onNotify('map/pan', async ({ steps, dx, dy }) => {
  const pane = map.getPane('mapPane')!;
  let at = L.DomUtil.getPosition(pane);
  const frames: number[] = [];
  map.fire('movestart');
  let last = performance.now();
  for (let i = 0; i < steps; i++) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now();
    frames.push(now - last);
    last = now;
    const back = i % 60 < 30 ? 1 : -1;
    at = at.add(L.point(dx * back, dy * back));
    L.DomUtil.setPosition(pane, at);
    map.fire('move');
  }
  map.fire('moveend');
  frames.sort((a, b) => a - b);
  panFrameMs = frames[frames.length >> 1];
  sendPaint();
});
onNotify('map/goTo', ({ center, zoom }) => {
  map.setView([center[1], center[0]], zoom, { animate: false });
});
onNotify('map/probeInk', () => sendPaint(features.probeInk()));
onNotify('map/setOverlay', ({ id, on }) => {
  const box = overlayBoxes.get(id);
  if (box) box.checked = on;
  void toggleOverlay(id, on);
});
onNotify('panel/error', ({ message }) => {
  app.setAttribute('aria-busy', 'false');
  showError(message);
});
ready();
app.setAttribute('aria-busy', 'false');
