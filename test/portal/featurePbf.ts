// The fake FeatureServer's `f=pbf` answers: a feature query written as Esri's FeatureCollection
// protocol buffer (github.com/Esri/arcgis-pbf, version 1), coordinates quantized to integers by
// `quantizationParameters` and delta-encoded per part, attributes as typed Values (an empty one
// for null). Written from the spec, independently of the client's reader, so the two check
// each other.

import { PbfWriter as Pbf } from 'pbf';
import type { FakeValue } from './data';

/** esriPBuffer.FeatureCollectionPBuffer.GeometryType */
const GEOMETRY_TYPES: Record<string, number> = {
  esriGeometryPoint: 0, esriGeometryMultipoint: 1, esriGeometryPolyline: 2, esriGeometryPolygon: 3, esriGeometryMultiPatch: 4,
};

/** esriPBuffer.FeatureCollectionPBuffer.FieldType */
const FIELD_TYPES: Record<string, number> = {
  esriFieldTypeSmallInteger: 0, esriFieldTypeInteger: 1, esriFieldTypeSingle: 2, esriFieldTypeDouble: 3, esriFieldTypeString: 4,
  esriFieldTypeDate: 5, esriFieldTypeOID: 6, esriFieldTypeGeometry: 7, esriFieldTypeBlob: 8, esriFieldTypeRaster: 9,
  esriFieldTypeGUID: 10, esriFieldTypeGlobalID: 11, esriFieldTypeXML: 12,
};
const INTEGER_TYPES = new Set(['esriFieldTypeSmallInteger', 'esriFieldTypeInteger', 'esriFieldTypeOID']);

/** How integer coordinates map to the answer's: world x = xTranslate + i * scale, and y is
 * measured down from the top edge (upperLeft) or up from the bottom one (lowerLeft). */
export interface PbfTransform {
  upperLeft: boolean;
  scale: number;
  xTranslate: number;
  yTranslate: number;
}

export interface PbfFeature {
  attributes: Record<string, FakeValue>;
  /** esri JSON in the answer's spatial reference: `{x,y}`, `{points}`, `{paths}` or `{rings}`. */
  geometry?: Record<string, unknown> | null;
}

export interface PbfFeatureSet {
  objectIdField: string;
  globalIdField: string;
  /** `esriGeometryPoint` and so on; null for a table. */
  geometryType: string | null;
  wkid: number;
  fields: { name: string; type: string; alias: string }[];
  features: PbfFeature[];
  exceededTransferLimit: boolean;
  transform: PbfTransform;
}

/** The transform for `quantizationParameters` (already parsed) over `extent` [xmin, ymin,
 * xmax, ymax] in the answer's units: the extent's top-left or bottom-left corner is the origin
 * and `tolerance` the size of one integer step. */
export function quantizationTransform(extent: number[], tolerance: number, upperLeft: boolean): PbfTransform {
  const [xmin, ymin, , ymax] = extent;
  return { upperLeft, scale: tolerance, xTranslate: xmin, yTranslate: upperLeft ? ymax : ymin };
}

/** Esri parts (`points` is one part) of an esri JSON geometry; [] when empty or unknown. */
function esriParts(g: Record<string, unknown>): number[][][] {
  if (typeof g.x === 'number' && typeof g.y === 'number') return [[[g.x, g.y]]];
  if (Array.isArray(g.points)) return g.points.length ? [g.points as number[][]] : [];
  if (Array.isArray(g.paths)) return g.paths as number[][][];
  if (Array.isArray(g.rings)) return g.rings as number[][][];
  return [];
}

function writeValue(value: FakeValue, type: string, pbf: Pbf): void {
  // An empty Value is a null: no member of the oneof is set.
  if (value === null || value === undefined) return;
  if (typeof value === 'string') pbf.writeStringField(1, value);
  else if (type === 'esriFieldTypeSingle') pbf.writeFloatField(2, value);
  else if (type === 'esriFieldTypeDate') pbf.writeSVarintField(8, value);
  else if (INTEGER_TYPES.has(type) && Number.isInteger(value)) pbf.writeSVarintField(4, value);
  else pbf.writeDoubleField(3, value);
}

function writeGeometry(g: { type: number; parts: number[][][]; transform: PbfTransform }, pbf: Pbf): void {
  const { transform: t } = g;
  const lengths: number[] = [];
  const coords: number[] = [];
  for (const part of g.parts) {
    lengths.push(part.length);
    // Deltas restart with each part, as the spec's examples show.
    let px = 0;
    let py = 0;
    for (const [x, y] of part) {
      const ix = Math.round((x - t.xTranslate) / t.scale);
      const iy = Math.round((t.upperLeft ? t.yTranslate - y : y - t.yTranslate) / t.scale);
      coords.push(ix - px, iy - py);
      px = ix;
      py = iy;
    }
  }
  pbf.writeVarintField(1, g.type);
  // A point's lengths may be left out (the spec's point example does).
  if (g.type !== GEOMETRY_TYPES.esriGeometryPoint) pbf.writePackedVarint(2, lengths);
  pbf.writePackedSVarint(3, coords);
}

function writeFeatureResult(set: PbfFeatureSet, pbf: Pbf): void {
  pbf.writeStringField(1, set.objectIdField);
  pbf.writeMessage(2, (u: { name: string }, p: Pbf) => {
    p.writeStringField(1, u.name);
    p.writeBooleanField(2, true);
  }, { name: set.objectIdField });
  if (set.globalIdField) pbf.writeStringField(3, set.globalIdField);
  const geometryType = set.geometryType ? GEOMETRY_TYPES[set.geometryType] : undefined;
  if (geometryType !== undefined) pbf.writeVarintField(7, geometryType);
  pbf.writeMessage(8, (wkid: number, p: Pbf) => {
    p.writeVarintField(1, wkid === 3857 ? 102100 : wkid);
    p.writeVarintField(2, wkid);
  }, set.wkid);
  if (set.exceededTransferLimit) pbf.writeBooleanField(9, true);
  pbf.writeMessage(12, (t: PbfTransform, p: Pbf) => {
    p.writeVarintField(1, t.upperLeft ? 0 : 1);
    p.writeMessage(2, (s: number, q: Pbf) => {
      q.writeDoubleField(1, s);
      q.writeDoubleField(2, s);
    }, t.scale);
    p.writeMessage(3, (tt: PbfTransform, q: Pbf) => {
      q.writeDoubleField(1, tt.xTranslate);
      q.writeDoubleField(2, tt.yTranslate);
    }, t);
  }, set.transform);
  for (const field of set.fields) {
    pbf.writeMessage(13, (f: typeof field, p: Pbf) => {
      p.writeStringField(1, f.name);
      p.writeVarintField(2, FIELD_TYPES[f.type] ?? FIELD_TYPES.esriFieldTypeString);
      p.writeStringField(3, f.alias);
    }, field);
  }
  for (const feature of set.features) {
    pbf.writeMessage(15, (feat: PbfFeature, p: Pbf) => {
      for (const field of set.fields) {
        const value = Object.prototype.hasOwnProperty.call(feat.attributes, field.name) ? feat.attributes[field.name] : null;
        p.writeMessage(1, (v: FakeValue, q: Pbf) => writeValue(v, field.type, q), value);
      }
      const parts = feat.geometry ? esriParts(feat.geometry) : [];
      if (parts.length && geometryType !== undefined) p.writeMessage(2, writeGeometry, { type: geometryType, parts, transform: set.transform });
    }, feature);
  }
}

/** A feature query answer as `f=pbf` bytes. */
export function encodeFeaturePbf(set: PbfFeatureSet): Buffer {
  const pbf = new Pbf();
  pbf.writeStringField(1, '1.0.0');
  pbf.writeMessage(2, (s: PbfFeatureSet, p: Pbf) => p.writeMessage(1, writeFeatureResult, s), set);
  const bytes = pbf.finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
