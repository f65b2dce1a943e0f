// Turns rows with geometry into what the map webview draws: points packed as flat numbers,
// other shapes as GeoJSON, each keyed by its position in the query; reads GeoJSON files and
// finds latitude/longitude columns in CSV headers and values; sizes the generalisation a
// view asks of the portal. No `vscode` import.

import type { CellValue, DataRow, GeoJsonGeometry } from '../portal/types';
import type { MapFeatureBatch, MapGeometry } from '../protocol';

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);

/** One page of rows, the first at query position `first`, as a batch for the webview. */
export function packFeatures(rows: readonly DataRow[], first: number, colorField?: string): Omit<MapFeatureBatch, 'generation'> {
  const pointRows: number[] = [];
  const points: number[] = [];
  const shapes: MapFeatureBatch['shapes'] = [];
  const values: Record<number, string | number | null> | undefined = colorField ? {} : undefined;
  let empty = 0;
  rows.forEach((r, i) => {
    const row = first + i;
    if (values) {
      const v = r.attributes[colorField!] ?? null;
      values[row] = typeof v === 'boolean' ? String(v) : v;
    }
    const g = r.geometry;
    if (!g || !GEOMETRY_TYPES.has(g.type) || !Array.isArray(g.coordinates)) {
      empty++;
      return;
    }
    if (g.type === 'Point') {
      const [lon, lat] = g.coordinates as number[];
      if (Number.isFinite(lon) && Number.isFinite(lat)) {
        pointRows.push(row);
        points.push(lon, lat);
      } else empty++;
      return;
    }
    shapes.push({ row, geometry: g as MapGeometry });
  });
  return { pointRows, points, shapes, empty, rows: rows.length, ...(values ? { values } : {}) };
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
