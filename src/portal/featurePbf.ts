// Reads an ArcGIS `/query?f=pbf` answer (Esri's FeatureCollection protocol buffer, version 1:
// github.com/Esri/arcgis-pbf) into the rows the JSON path gives: attributes by field name and
// GeoJSON geometry in the answer's coordinates (WGS84 when asked with outSR=4326). Integer
// coordinates are turned back into world ones with the answer's transform. Anything that does
// not read as a whole, consistent feature result is a PortalError, never a partial page.

import { PbfReader as Pbf } from 'pbf';
import { setCell } from './cells';
import { PortalError } from './errors';
import { esriToGeoJson } from './esriGeometry';
import type { CellValue, DataRow, GeoJsonGeometry, RowPage } from './types';

/** Protobuf wire types (a field's key is `tag << 3 | type`). */
const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;

/** esriPBuffer.FeatureCollectionPBuffer.GeometryType */
const POINT = 0;
const MULTIPOINT = 1;
const POLYLINE = 2;
const POLYGON = 3;

/** esriPBuffer.FeatureCollectionPBuffer.FieldType esriFieldTypeSingle: values sent as 32-bit floats. */
const FIELD_SINGLE = 2;
/** QuantizeOriginPostion upperLeft: y grows downwards from translate. */
const UPPER_LEFT = 0;

interface Transform {
  upperLeft: boolean;
  xScale: number;
  yScale: number;
  zScale: number;
  xTranslate: number;
  yTranslate: number;
  zTranslate: number;
}

interface RawGeometry {
  type?: number;
  lengths: number[];
  coords: number[];
}

interface RawFeature {
  values: CellValue[];
  geometry?: RawGeometry;
}

interface FeatureResult {
  geometryType?: number;
  exceeded: boolean;
  hasZ: boolean;
  hasM: boolean;
  transform?: Transform;
  fields: { name: string; type: number }[];
  features: RawFeature[];
}

/** A decode failure; turned into a PortalError with the URL by decodeFeaturePbf. */
class Unreadable extends Error {}

/**
 * A `f=pbf` feature query answer as a page of rows. Attribute values come as the JSON path
 * gives them (dates as epoch ms, 32-bit floats at their shortest decimal, null for an empty
 * value); M values are dropped, Z kept. Throws PortalError `malformed` for bytes that are not
 * a whole feature result (cut short, garbage, a count or id answer, an unknown version).
 */
export function decodeFeaturePbf(bytes: Uint8Array, url?: string): RowPage {
  try {
    return toRows(readCollection(bytes));
  } catch (error) {
    const reason = error instanceof Unreadable ? error.message : 'it is not a protocol buffer';
    throw new PortalError('malformed', `The portal sent a PBF answer that cannot be read: ${reason} (${bytes.length} bytes).`, { url });
  }
}

/** The end of a length-delimited field about to be read, checked against its parent's end. */
function messageEnd(pbf: Pbf, limit: number): number {
  const end = pbf.readVarint() + pbf.pos;
  if (end > limit) throw new Unreadable('it is cut short');
  return end;
}

/** Skips a field this reader does not need, checking it stays inside `limit`. */
function skip(pbf: Pbf, type: number, limit: number): void {
  if (type === VARINT) pbf.readVarint();
  else if (type === BYTES) pbf.pos = messageEnd(pbf, limit);
  else if (type === FIXED32) pbf.pos += 4;
  else if (type === FIXED64) pbf.pos += 8;
  else throw new Unreadable(`it has a field of unknown wire type ${type}`);
  if (pbf.pos > limit) throw new Unreadable('it is cut short');
}

/** Calls `field(tag, type)` for each field of the message ending at `end`; `field` reads the
 * value and returns true, or returns false to have it skipped. */
function eachField(pbf: Pbf, end: number, field: (tag: number, type: number) => boolean): void {
  while (pbf.pos < end) {
    const key = pbf.readVarint();
    const tag = key >> 3;
    const type = key & 7;
    if (tag === 0) throw new Unreadable('it has a field numbered 0');
    if (!field(tag, type)) skip(pbf, type, end);
    if (pbf.pos > end) throw new Unreadable('it is cut short');
  }
  if (pbf.pos !== end) throw new Unreadable('it is cut short');
}

function readCollection(bytes: Uint8Array): FeatureResult {
  const pbf = new Pbf(bytes);
  let result: FeatureResult | undefined;
  let version = '';
  eachField(pbf, bytes.length, (tag, type) => {
    if (tag === 1 && type === BYTES) version = readString(pbf, bytes.length);
    else if (tag === 2 && type === BYTES) {
      const end = messageEnd(pbf, bytes.length);
      eachField(pbf, end, (t, ty) => {
        if (t === 1 && ty === BYTES) result = readFeatureResult(pbf, messageEnd(pbf, end));
        else if ((t === 2 || t === 3) && ty === BYTES) throw new Unreadable('it holds a count or id list, not features');
        else return false;
        return true;
      });
    } else return false;
    return true;
  });
  // "Any compliant implementation must first read the version": only 1.x is known here.
  const major = /^\s*(\d+)/.exec(version)?.[1];
  if (major !== undefined && major !== '1') throw new Unreadable(`its version ${version.slice(0, 20)} is not one this extension reads`);
  if (!result) throw new Unreadable('it holds no feature result');
  return result;
}

const utf8 = new TextDecoder();

function readString(pbf: Pbf, limit: number): string {
  const end = messageEnd(pbf, limit);
  const start = pbf.pos;
  pbf.pos = end;
  return utf8.decode(pbf.buf.subarray(start, end));
}

function readFeatureResult(pbf: Pbf, end: number): FeatureResult {
  const result: FeatureResult = { exceeded: false, hasZ: false, hasM: false, fields: [], features: [] };
  eachField(pbf, end, (tag, type) => {
    if (type === VARINT && tag === 7) result.geometryType = pbf.readVarint();
    else if (type === VARINT && tag === 9) result.exceeded = pbf.readBoolean();
    else if (type === VARINT && tag === 10) result.hasZ = pbf.readBoolean();
    else if (type === VARINT && tag === 11) result.hasM = pbf.readBoolean();
    else if (type === BYTES && tag === 12) result.transform = readTransform(pbf, messageEnd(pbf, end));
    else if (type === BYTES && tag === 13) result.fields.push(readField(pbf, messageEnd(pbf, end)));
    else if (type === BYTES && tag === 15) result.features.push(readFeature(pbf, messageEnd(pbf, end)));
    else return false;
    return true;
  });
  return result;
}

function readTransform(pbf: Pbf, end: number): Transform {
  const t: Transform = { upperLeft: true, xScale: 1, yScale: 1, zScale: 1, xTranslate: 0, yTranslate: 0, zTranslate: 0 };
  eachField(pbf, end, (tag, type) => {
    if (tag === 1 && type === VARINT) t.upperLeft = pbf.readVarint() === UPPER_LEFT;
    else if ((tag === 2 || tag === 3) && type === BYTES) {
      const inner = messageEnd(pbf, end);
      eachField(pbf, inner, (axis, ty) => {
        if (ty !== FIXED64 || axis === 3 || axis > 4) return false;
        const value = pbf.readDouble();
        if (tag === 2) {
          if (axis === 1) t.xScale = value;
          else if (axis === 2) t.yScale = value;
          else t.zScale = value;
        } else if (axis === 1) t.xTranslate = value;
        else if (axis === 2) t.yTranslate = value;
        else t.zTranslate = value;
        return true;
      });
    } else return false;
    return true;
  });
  if (![t.xScale, t.yScale, t.zScale, t.xTranslate, t.yTranslate, t.zTranslate].every(Number.isFinite)) throw new Unreadable('its transform is not finite');
  return t;
}

function readField(pbf: Pbf, end: number): { name: string; type: number } {
  const field = { name: '', type: -1 };
  eachField(pbf, end, (tag, type) => {
    if (tag === 1 && type === BYTES) field.name = readString(pbf, end);
    else if (tag === 2 && type === VARINT) field.type = pbf.readVarint();
    else return false;
    return true;
  });
  if (!field.name) throw new Unreadable('a field has no name');
  return field;
}

// Features, values and geometries are read by plain loops rather than eachField: a page holds
// tens of thousands of each, and a callback per message shows in the map's first draw.

/** The key of the next field of the message ending at `end`, or -1 at its end. */
function nextKey(pbf: Pbf, end: number): number {
  if (pbf.pos >= end) {
    if (pbf.pos !== end) throw new Unreadable('it is cut short');
    return -1;
  }
  const key = pbf.readVarint();
  if (key >> 3 === 0) throw new Unreadable('it has a field numbered 0');
  return key;
}

const KEY_VALUES = (1 << 3) | BYTES;
const KEY_GEOMETRY = (2 << 3) | BYTES;
const KEY_SHAPE_BUFFER = (3 << 3) | BYTES;

function readFeature(pbf: Pbf, end: number): RawFeature {
  const feature: RawFeature = { values: [] };
  for (let key = nextKey(pbf, end); key >= 0; key = nextKey(pbf, end)) {
    if (key === KEY_VALUES) feature.values.push(readValue(pbf, messageEnd(pbf, end)));
    else if (key === KEY_GEOMETRY) feature.geometry = readGeometry(pbf, messageEnd(pbf, end));
    else if (key === KEY_SHAPE_BUFFER) throw new Unreadable('it holds esri shape buffers, which this extension does not read');
    else skip(pbf, key & 7, end);
    if (pbf.pos > end) throw new Unreadable('it is cut short');
  }
  return feature;
}

/** One attribute: the oneof's member, or null for an empty value (how a null is sent). */
function readValue(pbf: Pbf, end: number): CellValue {
  let value: CellValue = null;
  for (let key = nextKey(pbf, end); key >= 0; key = nextKey(pbf, end)) {
    const tag = key >> 3;
    const type = key & 7;
    if (tag === 1 && type === BYTES) value = readString(pbf, end);
    else if (tag === 2 && type === FIXED32) value = shortestFloat(pbf.readFloat());
    else if (tag === 3 && type === FIXED64) value = pbf.readDouble();
    else if ((tag === 4 || tag === 8) && type === VARINT) value = pbf.readSVarint();
    else if ((tag === 5 || tag === 6 || tag === 7) && type === VARINT) value = pbf.readVarint(tag === 6);
    else if (tag === 9 && type === VARINT) value = pbf.readBoolean();
    else skip(pbf, type, end);
    if (pbf.pos > end) throw new Unreadable('it is cut short');
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

/** A 32-bit float at the fewest digits that give it back, as ArcGIS's JSON writes a Single
 * field (0.1, not 0.10000000149011612). */
export function shortestFloat(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}

function readGeometry(pbf: Pbf, end: number): RawGeometry {
  const geometry: RawGeometry = { lengths: [], coords: [] };
  for (let key = nextKey(pbf, end); key >= 0; key = nextKey(pbf, end)) {
    const tag = key >> 3;
    const type = key & 7;
    if (tag === 1 && type === VARINT) geometry.type = pbf.readVarint();
    else if (tag === 2 && type === BYTES) readPacked(pbf, end, geometry.lengths, false);
    else if (tag === 2 && type === VARINT) geometry.lengths.push(pbf.readVarint());
    else if (tag === 3 && type === BYTES) readPacked(pbf, end, geometry.coords, true);
    else if (tag === 3 && type === VARINT) geometry.coords.push(pbf.readSVarint());
    else skip(pbf, type, end);
    if (pbf.pos > end) throw new Unreadable('it is cut short');
  }
  return geometry;
}

function readPacked(pbf: Pbf, limit: number, into: number[], signed: boolean): void {
  const end = messageEnd(pbf, limit);
  while (pbf.pos < end) into.push(signed ? pbf.readSVarint() : pbf.readVarint());
  if (pbf.pos !== end) throw new Unreadable('it is cut short');
}

function toRows(result: FeatureResult): RowPage {
  const { fields } = result;
  const stride = 2 + (result.hasZ ? 1 : 0) + (result.hasM ? 1 : 0);
  const rows: DataRow[] = [];
  for (let i = 0; i < result.features.length; i++) {
    const feature = result.features[i];
    if (feature.values.length > fields.length) throw new Unreadable('a feature has more values than there are fields');
    const attributes: Record<string, CellValue> = {};
    for (let k = 0; k < fields.length; k++) {
      const value = k < feature.values.length ? feature.values[k] : null;
      // A Single sent as a double (not as a float) still reads as the float it was.
      setCell(attributes, fields[k].name, fields[k].type === FIELD_SINGLE && typeof value === 'number' ? shortestFloat(Math.fround(value)) : value);
    }
    rows.push({ attributes, geometry: feature.geometry ? toGeoJson(feature.geometry, result, stride) : null });
  }

  return { rows, more: result.exceeded };
}

/** The parts of a quantized geometry in world coordinates: deltas restart with each part. */
function parts(geometry: RawGeometry, t: Transform, stride: number, hasZ: boolean): number[][][] {
  const { coords } = geometry;
  const lengths = geometry.lengths.length ? geometry.lengths : [coords.length / stride];
  let total = 0;
  for (const n of lengths) total += n;
  if (total * stride !== coords.length || coords.length % stride !== 0) throw new Unreadable('a geometry\'s lengths do not match its coordinates');
  const out: number[][][] = [];
  let at = 0;
  for (const n of lengths) {
    // Filled by push, not `new Array(n)`: a holey array is slower for every later reader (packing).
    const part: number[][] = [];
    let x = 0;
    let y = 0;
    let z = 0;
    for (let v = 0; v < n; v++, at += stride) {
      x += coords[at];
      y += coords[at + 1];
      const wx = t.xTranslate + x * t.xScale;
      const wy = t.upperLeft ? t.yTranslate - y * t.yScale : t.yTranslate + y * t.yScale;
      if (hasZ) {
        z += coords[at + 2];
        part.push([wx, wy, t.zTranslate + z * t.zScale]);
      } else part.push([wx, wy]);
    }
    out.push(part);
  }
  return out;
}

function toGeoJson(geometry: RawGeometry, result: FeatureResult, stride: number): GeoJsonGeometry | null {
  if (!geometry.coords.length) return null;
  if (!result.transform) throw new Unreadable('it has geometry but no transform');
  const type = geometry.type ?? result.geometryType ?? POINT;
  const t = result.transform;
  // Most pages are points: one position, no parts to build.
  if (type === POINT && geometry.coords.length === stride && geometry.lengths.length <= 1 && !result.hasZ) {
    const [x, y] = geometry.coords;
    return { type: 'Point', coordinates: [t.xTranslate + x * t.xScale, t.upperLeft ? t.yTranslate - y * t.yScale : t.yTranslate + y * t.yScale] };
  }
  const list = parts(geometry, t, stride, result.hasZ);
  switch (type) {
    case POINT:
      return { type: 'Point', coordinates: list[0][0] };
    case MULTIPOINT:
      return { type: 'MultiPoint', coordinates: list.flat() };
    case POLYLINE: {
      const paths = list.filter((p) => p.length >= 2);
      if (!paths.length) return null;
      return paths.length === 1 ? { type: 'LineString', coordinates: paths[0] } : { type: 'MultiLineString', coordinates: paths };
    }
    case POLYGON:
      return polygon(list, result.hasZ);
    default:
      return null;
  }
}

/** Twice the signed area of a ring: negative when clockwise (y up), an esri outer ring. */
function signedArea(ring: number[][]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return sum;
}

/** Esri rings as GeoJSON. The common case, one clockwise outer ring and counter-clockwise
 * holes, is each ring reversed to RFC 7946's winding; any other (several outer rings) is
 * sorted into polygons by winding and containment, as for esri JSON. */
function polygon(rings: number[][][], hasZ: boolean): GeoJsonGeometry | null {
  let outers = 0;
  for (const ring of rings) {
    if (ring.length < 4) return esriToGeoJson({ rings, hasZ });
    if (signedArea(ring) < 0) outers++;
  }
  if (outers !== 1 || signedArea(rings[0]) >= 0) return esriToGeoJson({ rings, hasZ });
  for (const ring of rings) ring.reverse();
  return { type: 'Polygon', coordinates: rings };
}
