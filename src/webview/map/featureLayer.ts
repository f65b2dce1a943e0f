// A Leaflet layer that draws up to 100,000+ features on one canvas: coordinates projected
// once to Web Mercator world pixels in typed arrays, drawn by colour in a few canvas paths
// (points with no shapes under them written as pixels instead, see pointPixels.ts) on
// each Leaflet renderer update (pan and zoom animate the finished canvas, as Leaflet's own
// canvas renderer does), hit-tested by distance. It counts what each paint drew: tests read
// that count, not the data sent.

import * as L from 'leaflet';
import type { MapFeatureBatch } from '../../protocol';
import { PointPixels, rgbaWord } from './pointPixels';

const TILE = 256;
const RAD = Math.PI / 180;
const MAX_LAT = 85.0511287798;

export function worldX(lon: number): number {
  return ((lon + 180) / 360) * TILE;
}
export function worldY(lat: number): number {
  const s = Math.sin(Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * RAD);
  return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * TILE;
}

export type ShapeKind = 'line' | 'polygon';

/** Shapes in one canvas path. Filling and stroking cost more than in proportion to a path's
 * size: the first paint of 20,000 polygons took 330 ms in one path per colour, 120 ms in
 * paths of 3,000, 75 of 1,000 and 40 of 300. */
const SHAPES_PER_PATH = 300;
/** A shape whose box on screen is narrower and lower than this many pixels is drawn as its box. */
const TINY_PX = 2;

interface Shape {
  row: number;
  kind: ShapeKind;
  /** Parts (lines or rings, filled even-odd together) as flat world-pixel [x, y, ...]. */
  parts: Float64Array[];
  bbox: [number, number, number, number];
  color: number;
}

export interface PaintCounts {
  points: number;
  lines: number;
  polygons: number;
}

export class FeatureLayer extends L.Layer {
  private renderer: L.Canvas;
  private px = new Float64Array(1024);
  private py = new Float64Array(1024);
  private rows = new Int32Array(512);
  private colors = new Uint8Array(512);
  private count = 0;
  private readonly shapes: Shape[] = [];
  /** Shapes by row. Points are found by a scan of `rows` instead: a lookup is rare (a click,
   * the grid's selection) and a map entry per point slowed the first draw of 100,000. */
  private readonly shapeByRow = new Map<number, Shape>();
  private colorsByIndex: string[] = ['#3794ff'];
  /** The palette as pixels for `pixels`, worked out at the first paint that needs them. */
  private wordsByIndex: number[] | undefined;
  /** The points of a layer without shapes, as the canvas shows them: see pointPixels.ts. */
  private readonly pixels = new PointPixels();
  /** False when the canvas holds anything other than shapes `[0, paintedShapes)` under points
   * `[0, paintedPoints)`, drawn at the view of `paintedView`: the next paint then draws everything. */
  private upToDate = false;
  private paintedPoints = 0;
  private paintedShapes = 0;
  private paintedView = '';
  pointRadius = 3;
  drawn: PaintCounts = { points: 0, lines: 0, polygons: 0 };
  onPaint: ((counts: PaintCounts) => void) | undefined;
  /** Time spent painting since the owner last set it to 0 (benchmarks read it). */
  paintMs = 0;
  private frame = 0;

  /** CSS colours by index; 0 is the default. */
  get palette(): string[] {
    return this.colorsByIndex;
  }

  set palette(colors: string[]) {
    // The same colours again (every page's finish sets them) need no repaint of the canvas.
    if (colors.length === this.colorsByIndex.length && colors.every((c, i) => c === this.colorsByIndex[i])) return;
    this.colorsByIndex = colors;
    this.wordsByIndex = undefined;
    this.upToDate = false;
    this.schedule();
  }

  /** Paints at the next frame what changed (nothing, if nothing did), so `onPaint` runs. */
  requestPaint(): void {
    this.schedule();
  }

  constructor() {
    super();
    this.renderer = L.canvas({ padding: 0.5 });
  }

  override onAdd(map: L.Map): this {
    map.addLayer(this.renderer);
    this.renderer.on('update', this.repaint, this);
    this.paint();
    return this;
  }

  override onRemove(map: L.Map): this {
    this.renderer.off('update', this.repaint, this);
    map.removeLayer(this.renderer);
    return this;
  }

  /** Features the last paint drew, of every kind. */
  get drawnTotal(): number {
    return this.drawn.points + this.drawn.lines + this.drawn.polygons;
  }

  get size(): number {
    return this.count + this.shapes.length;
  }

  clear(): void {
    this.count = 0;
    this.shapes.length = 0;
    this.shapeByRow.clear();
    this.upToDate = false;
    this.schedule();
  }

  /** The points of a batch (offsets from its origin; row numbers given or consecutive). */
  addPoints(batch: Pick<MapFeatureBatch, 'origin' | 'pointRows' | 'firstRow' | 'points'>, color: (row: number) => number): void {
    const { origin: [x0, y0], pointRows, firstRow, points: lonLat } = batch;
    const n = lonLat.length / 2;
    const need = this.count + n;
    if (need > this.rows.length) {
      let size = this.rows.length;
      while (size < need) size *= 2;
      const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number): T => {
        const b = new (a.constructor as new (n: number) => T)(n);
        b.set(a);
        return b;
      };
      this.px = grow(this.px, size);
      this.py = grow(this.py, size);
      this.rows = grow(this.rows, size);
      this.colors = grow(this.colors, size);
    }
    for (let i = 0; i < n; i++) {
      const k = this.count++;
      const row = pointRows ? pointRows[i] : firstRow + i;
      this.px[k] = worldX(x0 + lonLat[2 * i]);
      this.py[k] = worldY(y0 + lonLat[2 * i + 1]);
      this.rows[k] = row;
      this.colors[k] = color(row);
    }
    this.schedule();
  }

  /** Lines and polygons of a batch, projected once into one array the shapes' parts view.
   * `outline` draws polygons as their rings' lines (an overlay over the data). */
  addShapes(batch: Pick<MapFeatureBatch, 'origin' | 'shapes'>, color: (row: number) => number, outline = false): void {
    const { rows, kinds, partStart, coordStart, coords } = batch.shapes;
    const [x0, y0] = batch.origin;
    if (!rows.length) return;
    const world = new Float64Array(coords.length);
    for (let i = 0; i < coords.length; i += 2) {
      world[i] = worldX(x0 + coords[i]);
      world[i + 1] = worldY(y0 + coords[i + 1]);
    }
    for (let s = 0; s < rows.length; s++) {
      const parts: Float64Array[] = [];
      const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
      for (let p = partStart[s]; p < partStart[s + 1]; p++) {
        const part = world.subarray(2 * coordStart[p], 2 * coordStart[p + 1]);
        for (let i = 0; i < part.length; i += 2) {
          const x = part[i];
          const y = part[i + 1];
          if (x < bbox[0]) bbox[0] = x;
          if (y < bbox[1]) bbox[1] = y;
          if (x > bbox[2]) bbox[2] = x;
          if (y > bbox[3]) bbox[3] = y;
        }
        parts.push(part);
      }
      const kind: ShapeKind = kinds[s] === 1 && !outline ? 'polygon' : 'line';
      const shape: Shape = { row: rows[s], kind, parts, bbox, color: color(rows[s]) };
      this.shapes.push(shape);
      this.shapeByRow.set(shape.row, shape);
    }
    this.schedule();
  }

  recolor(color: (row: number) => number): void {
    for (let k = 0; k < this.count; k++) this.colors[k] = color(this.rows[k]);
    for (const s of this.shapes) s.color = color(s.row);
    this.upToDate = false;
    this.schedule();
  }

  /** Features held in each palette colour (a MultiPoint counts once per point). */
  countByColor(): number[] {
    const counts = new Array<number>(this.palette.length).fill(0);
    for (let k = 0; k < this.count; k++) counts[this.colors[k]] = (counts[this.colors[k]] ?? 0) + 1;
    for (const s of this.shapes) counts[s.color] = (counts[s.color] ?? 0) + 1;
    return counts;
  }

  /** `[west, south, east, north]` of every feature, or undefined. */
  bounds(): L.LatLngBounds | undefined {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let k = 0; k < this.count; k++) {
      if (this.px[k] < x0) x0 = this.px[k];
      if (this.px[k] > x1) x1 = this.px[k];
      if (this.py[k] < y0) y0 = this.py[k];
      if (this.py[k] > y1) y1 = this.py[k];
    }
    for (const s of this.shapes) {
      x0 = Math.min(x0, s.bbox[0]);
      y0 = Math.min(y0, s.bbox[1]);
      x1 = Math.max(x1, s.bbox[2]);
      y1 = Math.max(y1, s.bbox[3]);
    }
    if (!Number.isFinite(x0)) return undefined;
    const crs = L.CRS.EPSG3857;
    return L.latLngBounds(crs.pointToLatLng(L.point(x0, y1), 0), crs.pointToLatLng(L.point(x1, y0), 0));
  }

  /** Where the feature of `row` is (its point or its bounding box centre). */
  locate(row: number): { center: L.LatLng; bounds?: L.LatLngBounds } | undefined {
    const crs = L.CRS.EPSG3857;
    const point = this.rows.subarray(0, this.count).indexOf(row);
    if (point >= 0) return { center: crs.pointToLatLng(L.point(this.px[point], this.py[point]), 0) };
    const shape = this.shapeByRow.get(row);
    if (shape) {
      const [x0, y0, x1, y1] = shape.bbox;
      const bounds = L.latLngBounds(crs.pointToLatLng(L.point(x0, y1), 0), crs.pointToLatLng(L.point(x1, y0), 0));
      return { center: bounds.getCenter(), bounds };
    }
    return undefined;
  }

  /** The row of the topmost feature under a container point, within a few pixels. */
  hit(containerPoint: L.Point): number | undefined {
    const map = this._map;
    if (!map) return undefined;
    const scale = Math.pow(2, map.getZoom());
    const origin = map.getPixelBounds().min!;
    const wx = (containerPoint.x + origin.x) / scale;
    const wy = (containerPoint.y + origin.y) / scale;
    const tolerance = Math.max(this.pointRadius + 3, 5) / scale;
    let best: number | undefined;
    let bestD = tolerance * tolerance;
    for (let k = this.count - 1; k >= 0; k--) {
      const dx = this.px[k] - wx;
      const dy = this.py[k] - wy;
      const d = dx * dx + dy * dy;
      if (d <= bestD) {
        bestD = d;
        best = this.rows[k];
      }
    }
    if (best !== undefined) return best;
    for (let i = this.shapes.length - 1; i >= 0; i--) {
      const s = this.shapes[i];
      if (wx < s.bbox[0] - tolerance || wx > s.bbox[2] + tolerance || wy < s.bbox[1] - tolerance || wy > s.bbox[3] + tolerance) continue;
      if (s.kind === 'polygon' ? insidePolygon(s, wx, wy) : nearLine(s, wx, wy, tolerance)) return s.row;
    }
    return undefined;
  }

  private schedule(): void {
    if (this.frame || !this._map) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  /** Leaflet's renderer resized and cleared its canvas (after a move or zoom): draw it all. */
  private repaint(): void {
    this.upToDate = false;
    this.paint();
  }

  /** Draws every feature within the renderer's padded bounds, one canvas path per colour and
   * kind. While pages of points arrive and the view stays, only the new points are drawn over
   * the canvas: a first draw of 100,000 points costs one pass instead of one per page. */
  private paint(): void {
    const started = performance.now();
    this.paintOnce();
    this.paintMs += performance.now() - started;
  }

  /** The renderer's canvas, its padded pixel bounds and the map's view (scale, pixel origin);
   * undefined until the layer is on a map whose renderer has drawn. */
  private canvasView(): { ctx: CanvasRenderingContext2D; b: L.Bounds & { min: L.Point; max: L.Point }; scale: number; origin: L.Point } | undefined {
    const map = this._map;
    const r = this.renderer as unknown as { _ctx?: CanvasRenderingContext2D; _bounds?: L.Bounds };
    const ctx = r._ctx;
    const b = r._bounds;
    if (!map || !ctx || !b || !b.min || !b.max) return undefined;
    return { ctx, b: b as L.Bounds & { min: L.Point; max: L.Point }, scale: Math.pow(2, map.getZoom()), origin: map.getPixelOrigin() };
  }

  private paintOnce(): void {
    const view = this.canvasView();
    if (!view) return;
    const { ctx, b, scale, origin } = view;
    const viewKey = `${scale} ${origin.x} ${origin.y} ${b.min.x} ${b.min.y} ${b.max.x} ${b.max.y}`;
    // New shapes can go over the canvas only while no point is drawn yet: points stay on top.
    const onlyAdded = this.upToDate && viewKey === this.paintedView && this.paintedPoints <= this.count && this.paintedShapes <= this.shapes.length && (this.paintedShapes === this.shapes.length || this.paintedPoints === 0);
    if (onlyAdded) {
      const added: PaintCounts = { points: 0, lines: 0, polygons: 0 };
      this.drawShapes(ctx, this.paintedShapes, scale, origin, b, added);
      this.drawPoints(ctx, this.paintedPoints, scale, origin, b, added);
      this.paintedShapes = this.shapes.length;
      this.paintedPoints = this.count;
      this.drawn = { points: this.drawn.points + added.points, lines: this.drawn.lines + added.lines, polygons: this.drawn.polygons + added.polygons };
      this.onPaint?.(this.drawn);
      return;
    }
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
    const counts: PaintCounts = { points: 0, lines: 0, polygons: 0 };
    this.drawShapes(ctx, 0, scale, origin, b, counts);
    this.drawPoints(ctx, 0, scale, origin, b, counts);
    this.upToDate = true;
    this.paintedShapes = this.shapes.length;
    this.paintedPoints = this.count;
    this.paintedView = viewKey;
    this.drawn = counts;
    this.onPaint?.(counts);
  }

  /** Shapes from index `from` on, within the padded bounds: one canvas path per colour and
   * kind, polygons (filled, translucent) under lines. */
  private drawShapes(ctx: CanvasRenderingContext2D, from: number, scale: number, origin: L.Point, b: L.Bounds, counts: PaintCounts): void {
    if (from >= this.shapes.length) return;
    const [minX, minY, maxX, maxY] = worldBounds(b, origin, scale);
    const ox = -origin.x;
    const oy = -origin.y;
    const colors = this.palette.length;
    for (const kind of ['polygon', 'line'] as const) {
      for (let c = 0; c < colors; c++) {
        ctx.beginPath();
        /** Shapes in the path being built. */
        let inPath = 0;
        for (let k = from; k < this.shapes.length; k++) {
          const s = this.shapes[k];
          if (s.kind !== kind || s.color !== c) continue;
          if (s.bbox[2] < minX || s.bbox[0] > maxX || s.bbox[3] < minY || s.bbox[1] > maxY) continue;
          if (inPath === SHAPES_PER_PATH) {
            this.finishPath(ctx, kind, c);
            ctx.beginPath();
            inPath = 0;
          }
          inPath++;
          if (kind === 'polygon') counts.polygons++;
          else counts.lines++;
          const x0 = s.bbox[0] * scale + ox;
          const y0 = s.bbox[1] * scale + oy;
          const w = (s.bbox[2] - s.bbox[0]) * scale;
          const h = (s.bbox[3] - s.bbox[1]) * scale;
          if (w < TINY_PX && h < TINY_PX) {
            // Within a pixel or two its outline cannot be told from its box, which is far cheaper to raster.
            ctx.rect(Math.round(x0), Math.round(y0), Math.max(1, Math.round(w)), Math.max(1, Math.round(h)));
            continue;
          }
          for (const part of s.parts) {
            // Vertices on the pixel of the last one drawn add nothing to see: a city of small
            // parcels at city zoom has most of them so.
            let lx = Math.round(part[0] * scale + ox);
            let ly = Math.round(part[1] * scale + oy);
            ctx.moveTo(lx, ly);
            const last = part.length - 2;
            for (let i = 2; i < part.length; i += 2) {
              const x = Math.round(part[i] * scale + ox);
              const y = Math.round(part[i + 1] * scale + oy);
              if (x === lx && y === ly && i !== last) continue;
              ctx.lineTo(x, y);
              lx = x;
              ly = y;
            }
            if (kind === 'polygon') ctx.closePath();
          }
        }
        if (inPath) this.finishPath(ctx, kind, c);
      }
    }
  }

  /** Fills (polygons, translucent) and strokes the path built so far in colour `c`. */
  private finishPath(ctx: CanvasRenderingContext2D, kind: 'polygon' | 'line', c: number): void {
    const color = this.palette[c];
    if (kind === 'polygon') {
      ctx.globalAlpha = 0.35;
      ctx.fillStyle = color;
      ctx.fill('evenodd');
      ctx.globalAlpha = 1;
      ctx.lineWidth = 1;
    } else ctx.lineWidth = 2;
    ctx.strokeStyle = color;
    ctx.stroke();
  }

  /** Reads the canvas back (tests): the lines and polygons whose first vertex falls on it,
   * and how many of those have ink at that pixel or one beside it (their outline goes through
   * it; a shape of a pixel or two is drawn as its box, rounded). */
  probeInk(): { shapes: number; inked: number } {
    const view = this.canvasView();
    if (!view) return { shapes: 0, inked: 0 };
    const { ctx, b, scale, origin } = view;
    const { width, height } = ctx.canvas;
    const density = width / Math.max(1, b.max.x - b.min.x);
    const alpha = ctx.getImageData(0, 0, width, height).data;
    let shapes = 0;
    let inked = 0;
    for (const s of this.shapes) {
      const part = s.parts[0];
      const x = Math.round((part[0] * scale - origin.x - b.min.x) * density);
      const y = Math.round((part[1] * scale - origin.y - b.min.y) * density);
      if (x < 1 || y < 1 || x >= width - 1 || y >= height - 1) continue;
      shapes++;
      let ink = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) ink += alpha[((y + dy) * width + x + dx) * 4 + 3];
      if (ink > 0) inked++;
    }
    return { shapes, inked };
  }

  /** Points from index `from` on, within the padded bounds, one canvas path per colour. */
  private drawPoints(ctx: CanvasRenderingContext2D, from: number, scale: number, origin: L.Point, b: L.Bounds, counts: PaintCounts): void {
    // Points alone are written as pixels; over shapes they are drawn as paths, which blend.
    if (!this.shapes.length) {
      this.stampPoints(ctx, from, scale, origin, b, counts);
      return;
    }
    const [minX, minY, maxX, maxY] = worldBounds(b, origin, scale);
    const ox = -origin.x;
    const oy = -origin.y;
    const size = this.pointRadius * 2;
    const half = this.pointRadius;
    for (let c = 0; c < this.colorsByIndex.length; c++) {
      ctx.fillStyle = this.colorsByIndex[c];
      ctx.beginPath();
      let any = false;
      for (let k = from; k < this.count; k++) {
        if (this.colors[k] !== c) continue;
        const x = this.px[k];
        const y = this.py[k];
        if (x < minX || x > maxX || y < minY || y > maxY) continue;
        counts.points++;
        any = true;
        ctx.rect(x * scale + ox - half, y * scale + oy - half, size, size);
      }
      if (any) ctx.fill();
    }
  }

  /** drawPoints for a layer of points alone: the same squares, written into `pixels` (kept
   * between the paints of one view, as the canvas is) and copied to the canvas in one go. */
  private stampPoints(ctx: CanvasRenderingContext2D, from: number, scale: number, origin: L.Point, b: L.Bounds, counts: PaintCounts): void {
    const canvas = ctx.canvas;
    // Canvas pixels per CSS pixel (2 on a high-density screen), as Leaflet sized the canvas.
    const density = canvas.width / Math.max(1, b.max!.x - b.min!.x);
    const pixels = this.pixels;
    // A buffer that is not the canvas's size cannot hold what the canvas shows: all again.
    const fresh = from === 0 || pixels.width !== canvas.width || pixels.height !== canvas.height;
    if (fresh) pixels.reset(canvas.width, canvas.height);
    const words = (this.wordsByIndex ??= this.colorsByIndex.map(cssToWord));
    const [minX, minY, maxX, maxY] = worldBounds(b, origin, scale);
    const size = Math.max(1, Math.round(this.pointRadius * 2 * density));
    const dx = (-origin.x - b.min!.x - this.pointRadius) * density;
    const dy = (-origin.y - b.min!.y - this.pointRadius) * density;
    const k = scale * density;
    for (let c = 0; c < words.length; c++) {
      const word = words[c];
      for (let i = fresh ? 0 : from; i < this.count; i++) {
        if (this.colors[i] !== c) continue;
        const x = this.px[i];
        const y = this.py[i];
        if (x < minX || x > maxX || y < minY || y > maxY) continue;
        if (i >= from) counts.points++;
        pixels.square(Math.round(x * k + dx), Math.round(y * k + dy), size, word);
      }
    }
    const dirty = pixels.takeDirty();
    if (dirty) ctx.putImageData(new ImageData(pixels.bytes, pixels.width, pixels.height), 0, 0, ...dirty);
  }
}

/** The renderer's padded pixel bounds in world pixels (zoom 0), as `[minX, minY, maxX, maxY]`. */
function worldBounds(b: L.Bounds, origin: L.Point, scale: number): [number, number, number, number] {
  return [(b.min!.x + origin.x) / scale, (b.min!.y + origin.y) / scale, (b.max!.x + origin.x) / scale, (b.max!.y + origin.y) / scale];
}

/** A CSS colour as a pixel word, read back from a one-pixel canvas (any CSS colour syntax). */
function cssToWord(color: string): number {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
  return rgbaWord(r, g, b, a);
}

function insidePolygon(s: Shape, x: number, y: number): boolean {
  let inside = false;
  for (const part of s.parts) {
    for (let i = 0, j = part.length - 2; i < part.length; j = i, i += 2) {
      const xi = part[i];
      const yi = part[i + 1];
      const xj = part[j];
      const yj = part[j + 1];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function nearLine(s: Shape, x: number, y: number, tolerance: number): boolean {
  const t2 = tolerance * tolerance;
  for (const part of s.parts) {
    for (let i = 2; i < part.length; i += 2) {
      const ax = part[i - 2];
      const ay = part[i - 1];
      const dx = part[i] - ax;
      const dy = part[i + 1] - ay;
      const len = dx * dx + dy * dy;
      const t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
      const px = ax + t * dx - x;
      const py = ay + t * dy - y;
      if (px * px + py * py <= t2) return true;
    }
  }
  return false;
}
