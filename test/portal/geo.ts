// Geometry for the fake portal: the Oklahoma North state plane projection (wkid 103512),
// Web Mercator, esri <-> GeoJSON conversion and the intersects/distance tests queries need.
// Distances are planar in a local metre grid centred on Oklahoma City: exact enough at city scale.

import type { GeoJsonGeometry } from '../../src/portal/types';

export const NATIVE_WKID = 103512;
export const US_FOOT_M = 1200 / 3937;

// NAD83 (CORS96) / Oklahoma North (ftUS): Lambert conformal conic, two standard parallels, GRS80.
const A = 6378137;
const F_INV = 298.257222101;
const E2 = (2 - 1 / F_INV) / F_INV;
const E = Math.sqrt(E2);
const RAD = Math.PI / 180;
const LAT1 = (35 + 34 / 60) * RAD;
const LAT2 = (36 + 46 / 60) * RAD;
const LAT0 = 35 * RAD;
const LON0 = -98 * RAD;
const FALSE_EASTING_M = 600000;

function mFn(phi: number): number {
  const s = Math.sin(phi);
  return Math.cos(phi) / Math.sqrt(1 - E2 * s * s);
}
function tFn(phi: number): number {
  const s = Math.sin(phi);
  return Math.tan(Math.PI / 4 - phi / 2) / Math.pow((1 - E * s) / (1 + E * s), E / 2);
}
const N = (Math.log(mFn(LAT1)) - Math.log(mFn(LAT2))) / (Math.log(tFn(LAT1)) - Math.log(tFn(LAT2)));
const BIG_F = mFn(LAT1) / (N * Math.pow(tFn(LAT1), N));
const RHO0 = A * BIG_F * Math.pow(tFn(LAT0), N);

/** lon/lat degrees -> Oklahoma North state plane, US survey feet. */
export function toStatePlane(lon: number, lat: number): [number, number] {
  const rho = A * BIG_F * Math.pow(tFn(lat * RAD), N);
  const theta = N * (lon * RAD - LON0);
  const xM = FALSE_EASTING_M + rho * Math.sin(theta);
  const yM = RHO0 - rho * Math.cos(theta);
  return [xM / US_FOOT_M, yM / US_FOOT_M];
}

/** Oklahoma North state plane feet -> lon/lat degrees. */
export function fromStatePlane(x: number, y: number): [number, number] {
  const dx = x * US_FOOT_M - FALSE_EASTING_M;
  const dy = RHO0 - y * US_FOOT_M;
  const rho = Math.sign(N) * Math.sqrt(dx * dx + dy * dy);
  const t = Math.pow(rho / (A * BIG_F), 1 / N);
  const theta = Math.atan2(dx, dy);
  let phi = Math.PI / 2 - 2 * Math.atan(t);
  for (let i = 0; i < 8; i++) {
    const s = Math.sin(phi);
    phi = Math.PI / 2 - 2 * Math.atan(t * Math.pow((1 - E * s) / (1 + E * s), E / 2));
  }
  return [(theta / N + LON0) / RAD, phi / RAD];
}

const MERC_R = 6378137;
export function toWebMercator(lon: number, lat: number): [number, number] {
  return [lon * RAD * MERC_R, Math.log(Math.tan(Math.PI / 4 + (lat * RAD) / 2)) * MERC_R];
}
export function fromWebMercator(x: number, y: number): [number, number] {
  return [x / MERC_R / RAD, (2 * Math.atan(Math.exp(y / MERC_R)) - Math.PI / 2) / RAD];
}

export const SUPPORTED_WKIDS = [4326, 4269, 3857, 102100, 102113, NATIVE_WKID, 2267];

export function isSupportedWkid(wkid: number): boolean {
  return SUPPORTED_WKIDS.includes(wkid);
}

/** Projects one lon/lat position into `wkid` (4326 and NAD83 4269 treated alike). */
export function project(lon: number, lat: number, wkid: number): [number, number] {
  if (wkid === NATIVE_WKID || wkid === 2267) return toStatePlane(lon, lat);
  if (wkid === 3857 || wkid === 102100 || wkid === 102113) return toWebMercator(lon, lat);
  return [lon, lat];
}

export function unproject(x: number, y: number, wkid: number): [number, number] {
  if (wkid === NATIVE_WKID || wkid === 2267) return fromStatePlane(x, y);
  if (wkid === 3857 || wkid === 102100 || wkid === 102113) return fromWebMercator(x, y);
  return [x, y];
}

export function spatialReferenceJson(wkid: number): { wkid: number; latestWkid: number } {
  if (wkid === 102100) return { wkid: 102100, latestWkid: 3857 };
  return { wkid, latestWkid: wkid };
}

type Pos = number[];

/** Maps every position of a GeoJSON geometry. */
export function mapPositions(g: GeoJsonGeometry, fn: (p: Pos) => Pos): GeoJsonGeometry {
  const walk = (c: unknown): unknown =>
    typeof (c as unknown[])[0] === 'number' ? fn(c as Pos) : (c as unknown[]).map(walk);
  return { type: g.type, coordinates: walk(g.coordinates) };
}

/** GeoJSON (WGS84) -> esri JSON geometry in `wkid` (rings clockwise as esri wants outer rings). */
export function toEsriGeometry(g: GeoJsonGeometry, wkid: number): Record<string, unknown> {
  const p = (pos: Pos): number[] => project(pos[0], pos[1], wkid);
  const c = g.coordinates as never;
  switch (g.type) {
    case 'Point': {
      const [x, y] = p(c);
      return { x, y };
    }
    case 'MultiPoint':
      return { points: (c as Pos[]).map(p) };
    case 'LineString':
      return { paths: [(c as Pos[]).map(p)] };
    case 'MultiLineString':
      return { paths: (c as Pos[][]).map((l) => l.map(p)) };
    case 'Polygon':
      return { rings: (c as Pos[][]).map((r) => [...r].reverse().map(p)) };
    case 'MultiPolygon':
      return { rings: (c as Pos[][][]).flatMap((poly) => poly.map((r) => [...r].reverse().map(p))) };
  }
}

/** GeoJSON in `wkid` for an f=geojson answer with outSR. */
export function projectGeoJson(g: GeoJsonGeometry, wkid: number): GeoJsonGeometry {
  if (wkid === 4326 || wkid === 4269) return g;
  return mapPositions(g, (pos) => project(pos[0], pos[1], wkid));
}

// ---- planar tests in a local metre grid --------------------------------------------------

const LAT_REF = 35.5 * RAD;
const M_PER_DEG_LAT = 110574;
const M_PER_DEG_LON = 111320 * Math.cos(LAT_REF);

/** A geometry in local metres, flattened into what the distance test needs. */
export interface LocalShape {
  points: Pos[];
  /** Each a polyline (or a ring, closed). */
  lines: Pos[][];
  /** Each polygon as its rings. */
  polygons: Pos[][][];
  bbox: [number, number, number, number];
}

export function localXY(lon: number, lat: number): Pos {
  return [(lon + 97.5) * M_PER_DEG_LON, (lat - 35.5) * M_PER_DEG_LAT];
}

export function toLocalShape(g: GeoJsonGeometry): LocalShape {
  const shape: LocalShape = { points: [], lines: [], polygons: [], bbox: [Infinity, Infinity, -Infinity, -Infinity] };
  const loc = (p: Pos): Pos => {
    const q = localXY(p[0], p[1]);
    const b = shape.bbox;
    if (q[0] < b[0]) b[0] = q[0];
    if (q[1] < b[1]) b[1] = q[1];
    if (q[0] > b[2]) b[2] = q[0];
    if (q[1] > b[3]) b[3] = q[1];
    return q;
  };
  const c = g.coordinates as never;
  switch (g.type) {
    case 'Point':
      shape.points.push(loc(c));
      break;
    case 'MultiPoint':
      for (const p of c as Pos[]) shape.points.push(loc(p));
      break;
    case 'LineString':
      shape.lines.push((c as Pos[]).map(loc));
      break;
    case 'MultiLineString':
      for (const l of c as Pos[][]) shape.lines.push(l.map(loc));
      break;
    case 'Polygon': {
      const rings = (c as Pos[][]).map((r) => r.map(loc));
      shape.polygons.push(rings);
      shape.lines.push(...rings);
      break;
    }
    case 'MultiPolygon':
      for (const poly of c as Pos[][][]) {
        const rings = poly.map((r) => r.map(loc));
        shape.polygons.push(rings);
        shape.lines.push(...rings);
      }
      break;
  }
  return shape;
}

function inRings(p: Pos, rings: Pos[][]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function pointSegment(p: Pos, a: Pos, b: Pos): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

function segmentsCross(a: Pos, b: Pos, c: Pos, d: Pos): boolean {
  const o = (p: Pos, q: Pos, r: Pos): number => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  return o(a, b, c) !== o(a, b, d) && o(c, d, a) !== o(c, d, b);
}

function segmentSegment(a: Pos, b: Pos, c: Pos, d: Pos): number {
  if (segmentsCross(a, b, c, d)) return 0;
  return Math.min(pointSegment(a, c, d), pointSegment(b, c, d), pointSegment(c, a, b), pointSegment(d, a, b));
}

function allVertices(s: LocalShape): Pos[] {
  return s.points.length ? s.points : s.lines.flat();
}

/** Shortest planar distance in metres; 0 when the shapes touch or one contains the other. */
export function shapeDistance(s: LocalShape, t: LocalShape): number {
  for (const poly of s.polygons) for (const v of allVertices(t)) if (inRings(v, poly)) return 0;
  for (const poly of t.polygons) for (const v of allVertices(s)) if (inRings(v, poly)) return 0;
  let best = Infinity;
  for (const p of s.points) {
    for (const q of t.points) best = Math.min(best, Math.hypot(p[0] - q[0], p[1] - q[1]));
    for (const l of t.lines) for (let i = 1; i < l.length; i++) best = Math.min(best, pointSegment(p, l[i - 1], l[i]));
  }
  for (const q of t.points)
    for (const l of s.lines) for (let i = 1; i < l.length; i++) best = Math.min(best, pointSegment(q, l[i - 1], l[i]));
  for (const l of s.lines)
    for (let i = 1; i < l.length; i++)
      for (const m of t.lines)
        for (let j = 1; j < m.length; j++) {
          best = Math.min(best, segmentSegment(l[i - 1], l[i], m[j - 1], m[j]));
          if (best === 0) return 0;
        }
  return best;
}

/** True when `s` lies within `meters` of `t` (intersects when 0); bbox test first for speed. */
export function shapesWithin(s: LocalShape, t: LocalShape, meters: number): boolean {
  const a = s.bbox;
  const b = t.bbox;
  if (a[0] > b[2] + meters || b[0] > a[2] + meters || a[1] > b[3] + meters || b[1] > a[3] + meters) return false;
  return shapeDistance(s, t) <= meters;
}

export function envelopeGeoJson(xmin: number, ymin: number, xmax: number, ymax: number): GeoJsonGeometry {
  return {
    type: 'Polygon',
    coordinates: [[[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax], [xmin, ymin]]],
  };
}

/** Area (m²) and length (m) of a geometry in the local grid, for Shape__Area / Shape__Length. */
export function measure(g: GeoJsonGeometry): { area: number; length: number } {
  const s = toLocalShape(g);
  let length = 0;
  for (const l of s.lines) for (let i = 1; i < l.length; i++) length += Math.hypot(l[i][0] - l[i - 1][0], l[i][1] - l[i - 1][1]);
  let area = 0;
  for (const poly of s.polygons)
    poly.forEach((ring, k) => {
      let a = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
      area += (k === 0 ? 1 : -1) * Math.abs(a / 2);
    });
  return { area, length };
}

/** Parses OGC WKT POINT / LINESTRING / POLYGON (lon lat order) into GeoJSON. */
export function parseWkt(wkt: string): GeoJsonGeometry {
  const m = /^\s*(POINT|LINESTRING|POLYGON)\s*\((.*)\)\s*$/is.exec(wkt);
  if (!m) throw new Error(`Unsupported WKT: ${wkt.slice(0, 60)}`);
  const pos = (s: string): Pos => {
    const nums = s.trim().split(/\s+/).map(Number);
    if (nums.length < 2 || nums.some((n) => !Number.isFinite(n))) throw new Error(`Bad WKT coordinate: ${s}`);
    return [nums[0], nums[1]];
  };
  const kind = m[1].toUpperCase();
  const body = m[2];
  if (kind === 'POINT') return { type: 'Point', coordinates: pos(body) };
  if (kind === 'LINESTRING') return { type: 'LineString', coordinates: body.split(',').map(pos) };
  const rings = [...body.matchAll(/\(([^()]*)\)/g)].map((r) => r[1].split(',').map(pos));
  if (!rings.length) throw new Error('Bad WKT polygon');
  return { type: 'Polygon', coordinates: rings };
}

/** The point the legacy portal reports for a shape: the point, a polygon's vertex mean, a line's middle vertex. */
export function representativePoint(g: GeoJsonGeometry): [number, number] {
  const c = g.coordinates as never;
  switch (g.type) {
    case 'Point':
      return c;
    case 'LineString': {
      const l = c as Pos[];
      const m = l[Math.floor(l.length / 2)];
      return [m[0], m[1]];
    }
    case 'Polygon': {
      const ring = (c as Pos[][])[0].slice(0, -1);
      const sx = ring.reduce((s, p) => s + p[0], 0);
      const sy = ring.reduce((s, p) => s + p[1], 0);
      return [sx / ring.length, sy / ring.length];
    }
    default: {
      const flat = JSON.stringify(c).match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? ['0', '0'];
      return [Number(flat[0]), Number(flat[1])];
    }
  }
}

// ---- generalisation (maxAllowableOffset) ---------------------------------------------------

/** Douglas–Peucker over `line` (planar), keeping vertices farther than `offset` from the
 * simplified line; the ends always stay. */
function simplifyLine(line: Pos[], offset: number): Pos[] {
  if (line.length <= 2) return line;
  const keep = new Uint8Array(line.length);
  keep[0] = keep[line.length - 1] = 1;
  const stack: [number, number][] = [[0, line.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    let far = -1;
    let farD = offset;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance(line[i], line[a], line[b]);
      if (d > farD) {
        farD = d;
        far = i;
      }
    }
    if (far < 0) continue;
    keep[far] = 1;
    stack.push([a, far], [far, b]);
  }
  return line.filter((_, i) => keep[i]);
}

function segmentDistance(p: Pos, a: Pos, b: Pos): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len)) : 0;
  return Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
}

/** A ring simplified as a line from its first vertex; a ring that would collapse keeps the
 * triangle of its first vertex and the two vertices farthest along it (the fake's choice:
 * a feature never vanishes from a generalised answer). */
function simplifyRing(ring: Pos[], offset: number): Pos[] {
  const out = simplifyLine(ring, offset);
  if (out.length >= 4 || ring.length < 4) return out;
  const open = ring.slice(0, -1);
  let far = 1;
  for (let i = 1; i < open.length; i++) if (Math.hypot(open[i][0] - open[0][0], open[i][1] - open[0][1]) > Math.hypot(open[far][0] - open[0][0], open[far][1] - open[0][1])) far = i;
  let third = far === 1 ? 2 : 1;
  for (let i = 1; i < open.length; i++) if (i !== far && segmentDistance(open[i], open[0], open[far]) > segmentDistance(open[third], open[0], open[far])) third = i;
  const [i1, i2] = third < far ? [third, far] : [far, third];
  return [open[0], open[i1], open[i2], open[0]];
}

/** What `maxAllowableOffset` does to a geometry: lines and rings simplified in the units of
 * `wkid` (the answer's spatial reference, degrees for 4326), points untouched. The result is
 * back in WGS84 for the usual projection of the answer. */
export function generalizeGeoJson(g: GeoJsonGeometry, offset: number, wkid: number): GeoJsonGeometry {
  if (!(offset > 0) || g.type === 'Point' || g.type === 'MultiPoint') return g;
  const planar = wkid === 4326 || wkid === 4269 ? g : mapPositions(g, (pos) => project(pos[0], pos[1], wkid));
  const c = planar.coordinates as never;
  let coordinates: unknown;
  switch (planar.type) {
    case 'LineString':
      coordinates = simplifyLine(c, offset);
      break;
    case 'MultiLineString':
      coordinates = (c as Pos[][]).map((l) => simplifyLine(l, offset));
      break;
    case 'Polygon':
      coordinates = (c as Pos[][]).map((r) => simplifyRing(r, offset));
      break;
    case 'MultiPolygon':
      coordinates = (c as Pos[][][]).map((poly) => poly.map((r) => simplifyRing(r, offset)));
      break;
  }
  const out = { type: planar.type, coordinates } as GeoJsonGeometry;
  return planar === g ? out : mapPositions(out, (pos) => unproject(pos[0], pos[1], wkid));
}
