// esri JSON geometry -> GeoJSON, for layers that cannot answer `f=geojson` (ArcGIS Server
// 10.x): the conversion itself is @terraformer/arcgis (Esri's own, used by esri-leaflet and
// Koop), which sorts rings into outer rings and holes by winding and containment. Here only
// what it leaves to the caller: M values, empty geometries and the geometry kinds we accept.

import { arcgisToGeoJSON } from '@terraformer/arcgis';
import type { GeoJsonGeometry } from './types';

const GEOJSON_TYPES = new Set<GeoJsonGeometry['type']>(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);

type Position = number[];

/** Flags that say what a position holds beyond x and y, from the geometry or its feature set. */
export interface EsriGeometryFlags {
  hasZ?: boolean;
  hasM?: boolean;
}

/** Drops M from every position (x, y[, z], m -> x, y[, z]): GeoJSON has no place for a measure,
 * and a third number would be read as an altitude. */
function withoutM(value: unknown, hasZ: boolean): unknown {
  if (!Array.isArray(value)) return value;
  if (typeof value[0] === 'number') return (value as Position).slice(0, hasZ ? 3 : 2);
  return value.map((v) => withoutM(v, hasZ));
}

function hasPositions(coordinates: unknown): boolean {
  if (!Array.isArray(coordinates)) return false;
  if (typeof coordinates[0] === 'number') return coordinates.length >= 2;
  return coordinates.length > 0 && coordinates.every(hasPositions);
}

/**
 * One esri JSON geometry (`{x,y}`, `{points}`, `{paths}`, `{rings}`, `{xmin,...}`) as GeoJSON,
 * or null when it is absent or empty (`{}`, `{"x":null}`, `{"x":"NaN"}`, `{"rings":[]}`).
 * Z is kept; M is dropped. The geometry must already be in WGS84 (ask with `outSR=4326`).
 */
export function esriToGeoJson(geometry: unknown, flags: EsriGeometryFlags = {}): GeoJsonGeometry | null {
  if (!geometry || typeof geometry !== 'object' || Array.isArray(geometry)) return null;
  const g = geometry as Record<string, unknown>;
  const hasM = g.hasM === true || (g.hasM === undefined && flags.hasM === true);
  const hasZ = g.hasZ === true || (g.hasZ === undefined && flags.hasZ === true);
  let source: Record<string, unknown> = g;
  if (hasM) {
    source = { ...g };
    for (const key of ['points', 'paths', 'rings'] as const) if (key in g) source[key] = withoutM(g[key], hasZ);
    // A point's m is its own key, which the converter ignores.
  }
  // Never let a spatial reference reach the converter: it only warns on the console.
  if ('spatialReference' in source) source = { ...source, spatialReference: undefined };
  const converted = arcgisToGeoJSON(source);
  const type = converted.type as GeoJsonGeometry['type'] | undefined;
  if (!type || !GEOJSON_TYPES.has(type) || !hasPositions(converted.coordinates)) return null;
  return { type, coordinates: converted.coordinates };
}
