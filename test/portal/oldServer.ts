// The fake portal's "old server" profile: layers as an on-premises ArcGIS Server 10.x
// publishes them (no geoJSON, no pagination, lowercase `objectid`, null time reference), one
// per geometry type, and the way such a server answers what it cannot do. Layer JSON follows
// the verbatim 10.22 layer in pyesridump's us-mi-kent fixture and the 10.3 Facilities layer in
// ../shared/portal-samples/arcgis/featureserver-layer-ags103-facilities.json.

import type { GeoJsonGeometry } from '../../src/portal/types';

/** The Hub group (and Hub Search category) the old-server layers are filed under. */
export const OLD_SERVER_GROUP = 'Old server';
export const OLD_SERVER_SERVICE = 'Legacy_AGS';
export const OLD_SERVER_VERSION = 10.22;

/** What a 10.x server answers to `f=geojson` or `resultOffset`: the envelope of the observed
 * 10.22 answer to an operation it does not support (query-error-400-unable-to-complete.json). */
export const OLD_SERVER_UNSUPPORTED = { error: { code: 400, message: 'Unable to complete operation.', details: [] as string[] } };

export type OldShape = 'point' | 'multipoint' | 'multiline' | 'polygon-holes';

export interface OldServerEntry {
  title: string;
  itemId: string;
  layer: number;
  shape: OldShape;
  rowCount: number;
  fields: { name: string; type: string; alias: string }[];
}

const F = (name: string, type: string, alias: string) => ({ name, type: `esriFieldType${type}`, alias });

/** Every 37th point has no geometry: old layers often carry unlocated rows. */
export const OLD_NULL_GEOMETRY_EVERY = 37;

export const OLD_SERVER_ENTRIES: OldServerEntry[] = [
  {
    title: 'Old Server Fire Hydrants', itemId: '0a1d5e7e70a14a0b9c0d5e7e70a14a01', layer: 0, shape: 'point', rowCount: 2345,
    fields: [F('objectid', 'OID', 'OBJECTID'), F('facilityid', 'String', 'Facility ID'), F('installdate', 'Date', 'Install Date'),
      F('diameter', 'Double', 'Diameter'), F('ward', 'SmallInteger', 'Ward'), F('status', 'String', 'Status')],
  },
  {
    title: 'Old Server Survey Clusters', itemId: '0a1d5e7e70a14a0b9c0d5e7e70a14a02', layer: 1, shape: 'multipoint', rowCount: 140,
    fields: [F('objectid', 'OID', 'OBJECTID'), F('name', 'String', 'Name'), F('surveydate', 'Date', 'Survey Date'), F('county', 'String', 'County')],
  },
  {
    title: 'Old Server Drainage Lines', itemId: '0a1d5e7e70a14a0b9c0d5e7e70a14a03', layer: 2, shape: 'multiline', rowCount: 410,
    fields: [F('objectid', 'OID', 'OBJECTID'), F('material', 'String', 'Material'), F('diameter', 'Double', 'Diameter'),
      F('installdate', 'Date', 'Install Date')],
  },
  {
    title: 'Old Server Parcels', itemId: '0a1d5e7e70a14a0b9c0d5e7e70a14a04', layer: 3, shape: 'polygon-holes', rowCount: 260,
    fields: [F('objectid', 'OID', 'OBJECTID'), F('parcelid', 'String', 'Parcel ID'), F('owner_name', 'String', 'Owner Name'),
      F('acres', 'Double', 'Acres'), F('code', 'String', 'Zoning')],
  },
];

export function esriTypeOf(shape: OldShape): 'esriGeometryPoint' | 'esriGeometryMultipoint' | 'esriGeometryPolyline' | 'esriGeometryPolygon' {
  return shape === 'point' ? 'esriGeometryPoint' : shape === 'multipoint' ? 'esriGeometryMultipoint' : shape === 'multiline' ? 'esriGeometryPolyline' : 'esriGeometryPolygon';
}

const BOX = { west: -97.75, south: 35.33, east: -97.15, north: 35.67 };
const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;
const at = (r: number, lo: number, hi: number): number => round6(lo + r * (hi - lo));

/** A square ring around (cx, cy) of half-size h, counter-clockwise (RFC 7946 exterior). */
function square(cx: number, cy: number, h: number): number[][] {
  const ring = [[cx - h, cy - h], [cx + h, cy - h], [cx + h, cy + h], [cx - h, cy + h], [cx - h, cy - h]];
  return ring.map(([x, y]) => [round6(x), round6(y)]);
}

/**
 * WGS84 geometry of one row in RFC 7946 winding (exteriors counter-clockwise, holes clockwise),
 * so esri JSON (the reverse) and GeoJSON agree. Shapes: points (some null), multipoints of 2-5
 * points, lines of 2-3 parts, polygons with one hole, every fifth a two-part polygon whose
 * parts each have a hole.
 */
export function oldServerGeometry(shape: OldShape, oid: number, rand: (stream: number) => number): GeoJsonGeometry | null {
  const x = at(rand(900), BOX.west, BOX.east);
  const y = at(rand(901), BOX.south, BOX.north);
  switch (shape) {
    case 'point':
      return oid % OLD_NULL_GEOMETRY_EVERY === 0 ? null : { type: 'Point', coordinates: [x, y] };
    case 'multipoint': {
      const n = 2 + Math.floor(rand(902) * 4);
      return { type: 'MultiPoint', coordinates: Array.from({ length: n }, (_, k) => [round6(x + (rand(910 + k) - 0.5) * 0.01), round6(y + (rand(920 + k) - 0.5) * 0.01)]) };
    }
    case 'multiline': {
      const parts = 2 + Math.floor(rand(902) * 2);
      return {
        type: 'MultiLineString',
        coordinates: Array.from({ length: parts }, (_, p) => {
          const sx = x + p * 0.01;
          return Array.from({ length: 2 + Math.floor(rand(930 + p) * 3) }, (_, k) => [round6(sx + k * 0.002), round6(y + (rand(940 + p * 8 + k) - 0.5) * 0.004)]);
        }),
      };
    }
    case 'polygon-holes': {
      const h = 0.002 + rand(902) * 0.004;
      const withHole = (cx: number, cy: number): number[][][] => [square(cx, cy, h), [...square(cx, cy, h / 3)].reverse()];
      if (oid % 5 === 0) return { type: 'MultiPolygon', coordinates: [withHole(x, y), withHole(round6(x + 4 * h), y)] };
      return { type: 'Polygon', coordinates: withHole(x, y) };
    }
  }
}

/** A field as a 10.x layer lists it: no sqlType, nullable or editable. */
export function oldFieldJson(f: { name: string; type: string; alias: string; length?: number }): Record<string, unknown> {
  return { name: f.name, type: f.type, alias: f.alias, ...(f.length !== undefined ? { length: f.length } : {}), domain: null };
}

/**
 * Object ids as a 10.x server lists them for `returnIdsOnly`: every id that matches, in storage
 * order rather than sorted (orderByFields is ignored), so clients must sort them themselves.
 * The fake's storage order puts even positions first, then odd ones.
 */
export function storageOrder<T>(ids: T[]): T[] {
  const out: T[] = [];
  for (let k = 0; k < ids.length; k += 2) out.push(ids[k]);
  for (let k = 1; k < ids.length; k += 2) out.push(ids[k]);
  return out;
}
