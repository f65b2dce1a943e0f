// Turns rows with geometry into what the map webview draws: points packed as flat numbers,
// other shapes as GeoJSON, each keyed by its position in the query; reads GeoJSON files and
// finds latitude/longitude columns in CSV headers and values; sizes the generalisation a
// view asks of the portal. No `vscode` import.

import type { CellValue, DataRow, GeoJsonGeometry } from '../portal/types';
import type { MapCoords, MapFeatureBatch, MapShapes } from '../protocol';

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);

/** Offsets from a batch's origin within this many degrees fit a 32-bit float to within about
 * 1e-6 degree (11 cm); past it, 64-bit floats. */
const FLOAT32_SPAN = 16;

/** One page of rows, the first at query position `first`, as a batch for the webview: points
 * and the coordinates of other shapes in typed arrays, which the webview's postMessage carries
 * as binary instead of as JSON numbers. A MultiPoint is one point per position, same row. */
export function packFeatures(rows: readonly DataRow[], first: number, colorField?: string): Omit<MapFeatureBatch, 'generation'> {
  const values: Record<number, string | number | null> | undefined = colorField ? {} : undefined;
  // First pass: what each row is and how much room it needs, so the arrays are made once.
  let pointCount = 0;
  /** Rows that are exactly one point. */
  let onePointRows = 0;
  let origin: [number, number] | undefined;
  let shapeCount = 0;
  let partCount = 0;
  let pairCount = 0;
  const kinds = new Int8Array(rows.length).fill(-1);
  const partsOf: [number, number][][][] = [];
  for (let i = 0; i < rows.length; i++) {
    const g = rows[i].geometry;
    if (!g || !GEOMETRY_TYPES.has(g.type) || !Array.isArray(g.coordinates)) continue;
    const c = g.coordinates as unknown[];
    switch (g.type) {
      case 'Point':
        if (isPosition(c)) {
          kinds[i] = POINT;
          pointCount++;
          onePointRows++;
          origin ??= [c[0], c[1]];
        }
        break;
      case 'MultiPoint': {
        const positions = c.filter(isPosition);
        if (positions.length) {
          kinds[i] = POINT;
          pointCount += positions.length;
          if (positions.length === 1) onePointRows++;
          origin ??= [positions[0][0], positions[0][1]];
        }
        break;
      }
      default: {
        const parts = shapeParts(g.type, c);
        if (!parts.length) break;
        partsOf[i] = parts;
        origin ??= [parts[0][0][0], parts[0][0][1]];
        kinds[i] = g.type === 'LineString' || g.type === 'MultiLineString' ? LINE : POLYGON;
        shapeCount++;
        partCount += parts.length;
        for (const part of parts) pairCount += part.length;
      }
    }
  }
  const [x0, y0] = origin ?? [0, 0];
  const pointRows = new Int32Array(pointCount);
  const points = new Float64Array(pointCount * 2);
  const shapes = {
    rows: new Int32Array(shapeCount),
    kinds: new Uint8Array(shapeCount),
    partStart: new Int32Array(shapeCount + 1),
    coordStart: new Int32Array(partCount + 1),
    coords: new Float64Array(pairCount * 2),
  };
  let span = 0;
  let p = 0;
  let s = 0;
  let part = 0;
  let pair = 0;
  let empty = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const row = first + i;
    if (values) {
      const v = r.attributes[colorField!] ?? null;
      values[row] = typeof v === 'boolean' ? String(v) : v;
    }
    const kind = kinds[i];
    if (kind < 0) {
      empty++;
      continue;
    }
    const g = r.geometry!;
    const c = g.coordinates as unknown[];
    if (kind === POINT) {
      for (const position of g.type === 'Point' ? [c] : c) {
        if (!isPosition(position)) continue;
        pointRows[p] = row;
        const dx = (points[2 * p] = position[0] - x0);
        const dy = (points[2 * p + 1] = position[1] - y0);
        span = Math.max(span, Math.abs(dx), Math.abs(dy));
        p++;
      }
      continue;
    }
    shapes.rows[s] = row;
    shapes.kinds[s] = kind;
    shapes.partStart[s] = part;
    for (const positions of partsOf[i]) {
      shapes.coordStart[part++] = pair;
      for (const position of positions) {
        const dx = (shapes.coords[2 * pair] = position[0] - x0);
        const dy = (shapes.coords[2 * pair + 1] = position[1] - y0);
        span = Math.max(span, Math.abs(dx), Math.abs(dy));
        pair++;
      }
    }
    s++;
  }
  shapes.partStart[s] = part;
  shapes.coordStart[part] = pair;
  const narrow = (a: Float64Array): MapCoords => (span < FLOAT32_SPAN ? Float32Array.from(a) : a);
  // A page of points, one a row and none missing, needs no row numbers: point k is row first + k.
  const consecutive = onePointRows === rows.length;
  return {
    origin: [x0, y0],
    ...(consecutive ? {} : { pointRows }),
    firstRow: first,
    points: narrow(points),
    shapes: { ...shapes, coords: narrow(shapes.coords) } satisfies MapShapes,
    empty,
    rows: rows.length,
    ...(values ? { values } : {}),
  };
}

/** Shape kinds as `MapShapes.kinds` holds them; a point row is marked apart while packing. */
const LINE = 0;
const POLYGON = 1;
const POINT = 2;

function isPosition(c: unknown): c is [number, number] {
  return Array.isArray(c) && Number.isFinite(c[0]) && Number.isFinite(c[1]);
}

/** The lines of a (Multi)LineString or the rings of a (Multi)Polygon, each as its valid
 * positions; parts with fewer than two are left out. */
function shapeParts(type: string, c: unknown[]): [number, number][][] {
  const lists = type === 'LineString' ? [c] : type === 'MultiLineString' || type === 'Polygon' ? c : type === 'MultiPolygon' ? c.flatMap((polygon) => (Array.isArray(polygon) ? polygon : [])) : [];
  const parts: [number, number][][] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    const positions = list.filter(isPosition);
    if (positions.length >= 2) parts.push(positions);
  }
  return parts;
}

export class GeoJsonFileError extends Error {}

/** Features of a GeoJSON file (FeatureCollection, Feature or bare geometry) as rows. */
export function geoJsonRows(text: string): DataRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GeoJsonFileError(`not JSON: ${(error as Error).message}`);
  }
  const o = value as { type?: unknown; features?: unknown; geometry?: unknown; properties?: unknown };
  if (!o || typeof o !== 'object') throw new GeoJsonFileError('not a GeoJSON object');
  const features = o.type === 'FeatureCollection' && Array.isArray(o.features) ? o.features : o.type === 'Feature' ? [o] : typeof o.type === 'string' && GEOMETRY_TYPES.has(o.type) ? [{ type: 'Feature', geometry: o, properties: {} }] : undefined;
  if (!features) throw new GeoJsonFileError('no FeatureCollection, Feature or geometry at the top level');
  return features.map((f) => {
    const feature = (f && typeof f === 'object' ? f : {}) as { geometry?: unknown; properties?: unknown };
    const attributes: Record<string, CellValue> = {};
    if (feature.properties && typeof feature.properties === 'object') {
      for (const [k, v] of Object.entries(feature.properties as Record<string, unknown>)) {
        attributes[k] = v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : (v as CellValue);
      }
    }
    const g = feature.geometry as GeoJsonGeometry | null | undefined;
    return { attributes, geometry: g && typeof g === 'object' && GEOMETRY_TYPES.has(g.type) ? g : null };
  });
}

export interface LatLonGuess {
  lat: number;
  lon: number;
  /** False when the names did not say it or the values left doubt: ask the user. */
  sure: boolean;
}

const LAT_NAMES = /^(lat|latitude|y|lat_dd|latitude_dd|point_y|ycoord|y_coord)$/i;
const LON_NAMES = /^(lon|lng|long|longitude|x|lon_dd|longitude_dd|point_x|xcoord|x_coord)$/i;

/** Share of non-empty sample values that are numbers within `[min, max]`. */
function shareInRange(rows: readonly (readonly CellValue[])[], column: number, min: number, max: number): number {
  let seen = 0;
  let inside = 0;
  for (const row of rows) {
    const v = row[column];
    if (v === null || v === undefined || v === '') continue;
    seen++;
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    if (Number.isFinite(n) && n >= min && n <= max) inside++;
  }
  return seen ? inside / seen : 0;
}

/** Finds latitude and longitude columns by name, checked against the values' ranges. */
export function guessLatLon(header: readonly string[], sample: readonly (readonly CellValue[])[]): LatLonGuess | undefined {
  const norm = header.map((h) => h.trim().replace(/[\s-]+/g, '_'));
  const lat = norm.findIndex((h) => LAT_NAMES.test(h));
  const lon = norm.findIndex((h) => LON_NAMES.test(h));
  if (lat >= 0 && lon >= 0 && lat !== lon) {
    const fits = shareInRange(sample, lat, -90, 90) >= 0.95 && shareInRange(sample, lon, -180, 180) >= 0.95;
    // X/Y may be state plane feet rather than degrees: a name match alone is not enough.
    if (fits) return { lat, lon, sure: !/^[xy]$/i.test(norm[lat]) || shareInRange(sample, lat, -90, 90) === 1 };
  }
  // No names: the only columns whose values all look like degrees, latitude the one within ±90.
  const candidates = header.map((_, i) => i).filter((i) => shareInRange(sample, i, -180, 180) === 1 && sample.some((r) => r[i] !== null && r[i] !== '' && !Number.isInteger(Number(r[i]))));
  if (candidates.length === 2) {
    const [a, b] = candidates;
    const aLat = shareInRange(sample, a, -90, 90) === 1;
    const bLat = shareInRange(sample, b, -90, 90) === 1;
    if (aLat !== bLat) return { lat: aLat ? a : b, lon: aLat ? b : a, sure: false };
    return { lat: b, lon: a, sure: false };
  }
  return undefined;
}

/** CSV rows as point rows, from the chosen columns; rows without numbers get no geometry. */
export function latLonRows(header: readonly string[], rows: readonly (readonly CellValue[])[], lat: number, lon: number): DataRow[] {
  return rows.map((cells) => {
    const attributes: Record<string, CellValue> = {};
    header.forEach((name, i) => (attributes[name] = cells[i] ?? null));
    const y = Number(cells[lat]);
    const x = Number(cells[lon]);
    const ok = cells[lat] !== null && cells[lat] !== '' && cells[lon] !== null && cells[lon] !== '' && Number.isFinite(x) && Number.isFinite(y) && Math.abs(y) <= 90 && Math.abs(x) <= 180;
    return { attributes, geometry: ok ? { type: 'Point', coordinates: [x, y] } : null };
  });
}

/** `[xmin, ymin, xmax, ymax]` of every coordinate in the rows; undefined when none. */
export function rowsExtent(rows: readonly DataRow[]): [number, number, number, number] | undefined {
  let xmin = Infinity;
  let ymin = Infinity;
  let xmax = -Infinity;
  let ymax = -Infinity;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      const [x, y] = c as number[];
      if (x < xmin) xmin = x;
      if (x > xmax) xmax = x;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
      return;
    }
    for (const inner of c) visit(inner);
  };
  for (const r of rows) if (r.geometry) visit(r.geometry.coordinates);
  return Number.isFinite(xmin) ? [xmin, ymin, xmax, ymax] : undefined;
}

/** The portal's generalisation for a view: a pixel, in degrees of latitude at the view's middle
 * (a longitude degree per pixel shrinks by cos(latitude) on the ground), to 3 significant
 * digits so that requests for nearby zooms repeat. */
export function generalizeOffset(degreesPerPixel: number, latitude: number): number {
  const offset = degreesPerPixel * Math.cos((Math.max(-85, Math.min(85, latitude)) * Math.PI) / 180);
  return Number(offset.toPrecision(3));
}
