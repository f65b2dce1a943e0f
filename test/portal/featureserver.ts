// The fake ArcGIS FeatureServer behind utility.arcgis.com: service root, layer metadata and /query
// (where, outFields, orderBy, paging caps, counts, ids, geometry filters, outSR, f=json|geojson),
// with ArcGIS's habit of reporting errors as HTTP 200 bodies.

import type { GeoJsonGeometry } from '../../src/portal/types';
import type { FakeDataset, FakeField, FakeValue } from './data';
import {
  envelopeGeoJson, generalizeGeoJson, isSupportedWkid, localXY, NATIVE_WKID, project, projectGeoJson, shapesWithin, spatialReferenceJson,
  toEsriGeometry, toLocalShape, unproject, type LocalShape,
} from './geo';
import type { PlannedResponse } from './faults';
import { encodeFeaturePbf, quantizationTransform } from './featurePbf';
import { escapeHtml, htmlPage, json, text, type FakeRequest } from './respond';
import { compileWhere, parseOrderBy, WhereError } from './where';
import { runStatistics, statisticsCapabilities, wantsStatistics } from './statistics';
import { OLD_SERVER_UNSUPPORTED, OLD_SERVER_VERSION, oldFieldJson, storageOrder } from './oldServer';

const FEATURE_SERVER = /^\/usrsvcs\/servers\/([0-9a-fA-F]{32})\/rest\/services\/OpenData\/([^/]+)\/FeatureServer(?:\/(\d+)(?:\/(query))?)?\/?$/;

export class QueryError extends Error {
  constructor(message: string, readonly details: string[] = [], readonly code = 400) {
    super(message);
  }
}

export function arcgisError(code: number, message: string, details: string[] = []): PlannedResponse {
  return json({ error: { code, message, details } });
}

export const INVALID_QUERY = 'Cannot perform query. Invalid query parameters.';

/** Page caps a current layer writes beside `maxRecordCount` (featureserver-layer.json): the
 * `/query` `resultType=standard` and `resultType=tile` take these in its place. */
export const STANDARD_MAX_RECORD_COUNT = 32000;
export const TILE_MAX_RECORD_COUNT = 8000;
/** The largest `maxRecordCountFactor` a query may ask (ArcGIS's; the JS API asks no more). */
export const MAX_RECORD_COUNT_FACTOR = 5;

/** The token of an `X-Esri-Authorization: Bearer` header (web-tier auth) or the standard
 * `Authorization` one, which ArcGIS Online and Enterprise read in place of the `token`
 * parameter. The 10.x profile predates them and ignores both, as those servers do. */
function bearerToken(req: FakeRequest): string | undefined {
  const header = String(req.headers['x-esri-authorization'] ?? req.headers['authorization'] ?? '');
  return /^Bearer (.+)$/.exec(header)?.[1];
}

/** Routes FeatureServer requests; null when the path is not one. */
export function handleFeatureServer(req: FakeRequest): PlannedResponse | null {
  const m = FEATURE_SERVER.exec(req.pathname);
  if (!m) return null;
  const [, itemId, service, layerText, query] = m;
  const item = req.catalog.byItemId(itemId);
  if (!item || item.service.toLowerCase() !== service.toLowerCase()) return arcgisError(400, 'Invalid URL', ['Invalid URL']);
  const siblings = req.catalog.datasets.filter((d) => d.service.toLowerCase() === service.toLowerCase());
  const f = (req.params.get('f') ?? 'html').toLowerCase();
  if (layerText === undefined) {
    if (f === 'html') return htmlPage(`${service} (FeatureServer)`, `<h2>${escapeHtml(service)} (FeatureServer)</h2>`);
    return json(serviceRoot(item, siblings));
  }
  const ds = req.catalog.byLayer(service, Number(layerText));
  if (!ds) return arcgisError(400, 'Invalid URL', ['Invalid URL']);
  if (ds.token !== undefined) {
    const token = req.params.get('token') || (ds.serverProfile === 'old' ? undefined : bearerToken(req));
    // 499 is the body an Enterprise 11.1 secured folder sent (query-error-variants.json), with
    // HTTP 200 as ArcGIS sends its errors; the 498 body has no captured sample.
    if (!token) return json({ error: { code: 499, message: 'Token Required' } });
    if (token !== ds.token) return arcgisError(498, 'Invalid token.', ['Invalid token.']);
  }
  if (!query) {
    if (f === 'html') return htmlPage(`Layer: ${ds.title} (ID: ${ds.layer})`, `<h2>Layer: ${escapeHtml(ds.title)} (ID: ${ds.layer})</h2>`);
    return json(ds.serverProfile === 'old' ? oldLayerJson(ds) : layerJson(ds, req.baseUrl));
  }
  const where = (req.params.get('where') ?? '').trim();
  if (ds.refuses?.where && where && where !== '1=1') return arcgisError(500, 'Syntax error [].');
  const orderBy = (req.params.get('orderByFields') ?? '').split(',').map((k) => k.trim().split(/\s+/)[0]).filter(Boolean);
  if (ds.refuses?.orderBy && orderBy.some((f) => f.toLowerCase() !== ds.objectIdField.toLowerCase())) return arcgisError(400, 'Unable to complete operation.');
  try {
    return runQuery(ds, req.params);
  } catch (err) {
    if (err instanceof QueryError) return arcgisError(err.code, err.message, err.details);
    throw err;
  }
}

function nativeExtent(ds: FakeDataset): Record<string, unknown> {
  const [w, s, e, n] = ds.extent;
  const corners = [project(w, s, NATIVE_WKID), project(e, s, NATIVE_WKID), project(w, n, NATIVE_WKID), project(e, n, NATIVE_WKID)];
  return {
    xmin: Math.min(...corners.map((c) => c[0])), ymin: Math.min(...corners.map((c) => c[1])),
    xmax: Math.max(...corners.map((c) => c[0])), ymax: Math.max(...corners.map((c) => c[1])),
    spatialReference: spatialReferenceJson(NATIVE_WKID),
  };
}

function serviceRoot(item: FakeDataset, siblings: FakeDataset[]): Record<string, unknown> {
  const sorted = [...siblings].sort((a, b) => a.layer - b.layer);
  const extent = nativeExtent(sorted.find((d) => d.geometryType) ?? item);
  const old = item.serverProfile === 'old';
  return {
    currentVersion: old ? OLD_SERVER_VERSION : 11.1,
    serviceDescription: '',
    hasVersionedData: false,
    supportsDisconnectedEditing: false,
    hasStaticData: false,
    hasSharedDomains: false,
    maxRecordCount: Math.max(...sorted.map((d) => d.maxRecordCount)),
    supportedQueryFormats: old ? 'JSON, AMF' : 'JSON',
    supportsVCSProjection: false,
    supportedExportFormats: '',
    capabilities: 'Query',
    description: '',
    copyrightText: 'City of Oklahoma City',
    spatialReference: spatialReferenceJson(NATIVE_WKID),
    initialExtent: extent,
    fullExtent: extent,
    allowGeometryUpdates: true,
    units: 'esriFeet',
    supportsAppend: false,
    syncEnabled: false,
    supportsApplyEditsWithGlobalIds: false,
    editorTrackingInfo: { enableEditorTracking: false, enableOwnershipAccessControl: false, allowOthersToQuery: true, allowOthersToUpdate: true, allowOthersToDelete: false },
    layers: sorted.filter((d) => d.geometryType).map((d) => ({
      id: d.layer, name: d.title, parentLayerId: -1, defaultVisibility: true, subLayerIds: null, minScale: 0, maxScale: 0,
      type: 'Feature Layer', geometryType: d.geometryType,
    })),
    tables: sorted.filter((d) => !d.geometryType).map((d) => ({ id: d.layer, name: d.title, parentLayerId: -1, defaultVisibility: true, subLayerIds: null, minScale: 0, maxScale: 0, type: 'Table' })),
    serviceItemId: item.itemId,
  };
}

function fieldJson(f: FakeField, forLayer: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = { name: f.name, type: f.type, alias: f.alias, sqlType: 'sqlTypeOther' };
  if (f.length !== undefined) base.length = f.length;
  if (forLayer) {
    base.nullable = f.type !== 'esriFieldTypeOID' && f.type !== 'esriFieldTypeGlobalID';
    base.editable = f.type !== 'esriFieldTypeOID' && f.type !== 'esriFieldTypeGlobalID' && !f.name.startsWith('Shape__');
  }
  base.domain = null;
  base.defaultValue = null;
  return base;
}

export function layerJson(ds: FakeDataset, _baseUrl: string): Record<string, unknown> {
  const globalId = ds.fields.find((f) => f.type === 'esriFieldTypeGlobalID')?.name ?? '';
  const displayField = ds.fields.find((f) => f.type === 'esriFieldTypeString')?.name ?? '';
  const out: Record<string, unknown> = {
    currentVersion: 11.1,
    id: ds.layer,
    name: ds.title,
    type: ds.geometryType ? 'Feature Layer' : 'Table',
    serviceItemId: ds.itemId,
    cacheMaxAge: 30,
    displayField,
    description: ds.layerDescription ?? ds.description,
    copyrightText: 'City of Oklahoma City',
    defaultVisibility: true,
    editingInfo: { lastEditDate: ds.lastEditDate },
    relationships: [],
    isDataVersioned: false,
    hasContingentValuesDefinition: false,
    supportsAppend: false,
    supportsCalculate: false,
    supportsASyncCalculate: false,
    supportsTruncate: false,
    supportsAttachmentsByUploadId: false,
    supportsAttachmentsResizing: false,
    supportsRollbackOnFailureParameter: true,
    supportsStatistics: statisticsCapabilities(ds).statistics,
    supportsExceedsLimitStatistics: statisticsCapabilities(ds).statistics,
    supportsAdvancedQueries: true,
    supportsValidateSql: true,
    supportsCoordinatesQuantization: true,
    supportsFieldDescriptionProperty: true,
    supportsQuantizationEditMode: false,
    supportsApplyEditsWithGlobalIds: false,
    supportsReturningQueryGeometry: true,
    advancedQueryCapabilities: {
      supportsPagination: true, supportsPaginationOnAggregatedQueries: true, supportsQueryRelatedPagination: true,
      supportsQueryWithDistance: true, supportsReturningQueryExtent: true, supportsPercentileStatistics: false,
      ...statisticsCapabilities(ds).advanced, supportsOrderBy: true,
      supportsAdvancedQueryRelated: true, supportsQueryWithResultType: true, supportsReturningGeometryCentroid: false,
      supportsSqlExpression: true, supportsOutFieldSQLExpression: true, supportsTopFeaturesQuery: false,
      supportsQueryWithDatumTransformation: true, supportsQueryWithCacheHint: true, supportsMaxRecordCountFactor: true,
    },
    useStandardizedQueries: true,
    ...(ds.geometryType
      ? { geometryType: ds.geometryType, minScale: 0, maxScale: 0, extent: nativeExtent(ds), sourceSpatialReference: spatialReferenceJson(NATIVE_WKID) }
      : {}),
    hasM: false,
    hasZ: false,
    allowGeometryUpdates: true,
    hasAttachments: false,
    htmlPopupType: 'esriServerHTMLPopupTypeAsHTMLText',
    objectIdField: ds.objectIdField,
    uniqueIdField: { name: ds.objectIdField, isSystemMaintained: true },
    globalIdField: globalId,
    typeIdField: '',
    dateFieldsTimeReference: { timeZone: 'UTC', respectsDaylightSaving: false },
    preferredTimeReference: null,
    fields: ds.fields.map((f) => fieldJson(f, true)),
    geometryField: ds.geometryType ? { name: 'Shape', type: 'esriFieldTypeGeometry', alias: 'Shape' } : undefined,
    indexes: [{ name: `PK__${ds.service}_${ds.layer}`, fields: ds.objectIdField, isAscending: true, isUnique: true, description: 'clustered, unique, primary key' }],
    types: [],
    templates: [],
    maxRecordCount: ds.maxRecordCount,
    standardMaxRecordCount: STANDARD_MAX_RECORD_COUNT,
    standardMaxRecordCountNoGeometry: STANDARD_MAX_RECORD_COUNT,
    tileMaxRecordCount: TILE_MAX_RECORD_COUNT,
    maxRecordCountFactor: 1,
    supportedQueryFormats: ds.noPbf ? 'JSON, geoJSON' : 'JSON, geoJSON, PBF',
    supportedExportFormats: '',
    hasMetadata: true,
    hasStaticData: false,
    capabilities: 'Query',
  };
  if (out.geometryField === undefined) delete out.geometryField;
  if (ds.noLargePages) {
    for (const key of ['standardMaxRecordCount', 'standardMaxRecordCountNoGeometry', 'tileMaxRecordCount', 'maxRecordCountFactor']) delete out[key];
    const advanced = out.advancedQueryCapabilities as Record<string, unknown>;
    out.advancedQueryCapabilities = Object.fromEntries(Object.entries(advanced).filter(([k]) => k !== 'supportsQueryWithResultType' && k !== 'supportsMaxRecordCountFactor'));
  }
  return out;
}

/** Layer JSON as a 10.22 server writes it (key order of pyesridump's us-mi-kent fixture, plus
 * the 10.3 sample's objectIdField and a time-aware layer's timeInfo with a null reference):
 * no advancedQueryCapabilities, no supportsPagination, no geoJSON among the formats. */
export function oldLayerJson(ds: FakeDataset): Record<string, unknown> {
  const date = ds.fields.find((x) => x.type === 'esriFieldTypeDate')?.name;
  return {
    currentVersion: OLD_SERVER_VERSION,
    id: ds.layer,
    name: ds.title,
    type: ds.geometryType ? 'Feature Layer' : 'Table',
    description: ds.layerDescription ?? ds.description,
    ...(ds.geometryType ? { geometryType: ds.geometryType } : {}),
    copyrightText: '',
    parentLayer: null,
    subLayers: [],
    minScale: 0,
    maxScale: 0,
    defaultVisibility: true,
    ...(ds.geometryType ? { extent: nativeExtent(ds) } : {}),
    hasAttachments: false,
    htmlPopupType: 'esriServerHTMLPopupTypeNone',
    displayField: ds.fields.find((x) => x.type === 'esriFieldTypeString')?.name ?? '',
    typeIdField: null,
    objectIdField: ds.objectIdField,
    fields: ds.fields.map(oldFieldJson),
    relationships: [],
    canModifyLayer: false,
    canScaleSymbols: false,
    hasLabels: false,
    capabilities: 'Map,Query,Data',
    maxRecordCount: ds.maxRecordCount,
    supportsStatistics: true,
    supportsAdvancedQueries: true,
    supportedQueryFormats: 'JSON, AMF',
    ownershipBasedAccessControlForFeatures: { allowOthersToQuery: true },
    ...(date ? { timeInfo: { startTimeField: date, endTimeField: null, trackIdField: null, timeExtent: null, timeReference: null, timeInterval: 1, timeIntervalUnits: 'esriTimeUnitsYears', hasLiveData: false } } : {}),
    useStandardizedQueries: true,
  };
}

// ---- query ------------------------------------------------------------------------------------

export interface SpatialTest {
  shape: LocalShape;
  meters: number;
}

const UNIT_METERS: Record<string, number> = {
  esriSRUnit_Meter: 1, esriSRUnit_Foot: 0.3048, esriSRUnit_SurveyFoot: 1200 / 3937, esriSRUnit_Kilometer: 1000,
  esriSRUnit_StatuteMile: 1609.344, esriSRUnit_NauticalMile: 1852, esriSRUnit_Mile: 1609.344,
};

export function parseBool(v: string | null): boolean | undefined {
  if (v === null || v === '') return undefined;
  return v.toLowerCase() === 'true';
}

function parseWkid(v: string | null, what: string): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  let wkid: number;
  if (v.trim().startsWith('{')) {
    try {
      const sr = JSON.parse(v) as { wkid?: number; latestWkid?: number };
      wkid = Number(sr.latestWkid ?? sr.wkid);
    } catch {
      throw new QueryError(INVALID_QUERY, [`'${what}' parameter is invalid`]);
    }
  } else wkid = Number(v);
  if (!Number.isInteger(wkid) || !isSupportedWkid(wkid)) throw new QueryError(INVALID_QUERY, [`'${what}' parameter is invalid`]);
  return wkid === 102100 ? 3857 : wkid;
}

/** `geometry` + `geometryType` + `inSR` (+ `distance`, `units`) into a test in local metres. */
function parseSpatial(params: URLSearchParams): SpatialTest | undefined {
  const raw = params.get('geometry');
  if (raw === null || raw.trim() === '') return undefined;
  const rel = params.get('spatialRel') ?? 'esriSpatialRelIntersects';
  if (rel !== 'esriSpatialRelIntersects' && rel !== 'esriSpatialRelEnvelopeIntersects')
    throw new QueryError(INVALID_QUERY, [`'spatialRel' parameter value ${rel} is not supported by the fake`]);
  const type = params.get('geometryType') ?? 'esriGeometryEnvelope';
  const bad = (): never => {
    throw new QueryError(INVALID_QUERY, ["'geometry' parameter is invalid"]);
  };
  let obj: Record<string, unknown> | undefined;
  const text = raw.trim();
  if (text.startsWith('{')) {
    try {
      obj = JSON.parse(text) as Record<string, unknown>;
    } catch {
      bad();
    }
  }
  const srOf = (o: Record<string, unknown> | undefined): number | undefined => {
    const sr = o?.spatialReference as { wkid?: number; latestWkid?: number } | undefined;
    return sr ? parseWkid(String(sr.latestWkid ?? sr.wkid), 'inSR') : undefined;
  };
  const inSR = srOf(obj) ?? parseWkid(params.get('inSR'), 'inSR') ?? NATIVE_WKID;
  const un = (x: number, y: number): number[] => unproject(x, y, inSR);
  let g: GeoJsonGeometry;
  if (type === 'esriGeometryEnvelope') {
    const nums = obj ? [obj.xmin, obj.ymin, obj.xmax, obj.ymax].map(Number) : text.split(',').map(Number);
    if (nums.length !== 4 || nums.some((n) => !Number.isFinite(n))) bad();
    const corners = [un(nums[0], nums[1]), un(nums[2], nums[1]), un(nums[2], nums[3]), un(nums[0], nums[3])];
    g = envelopeGeoJson(
      Math.min(...corners.map((c) => c[0])), Math.min(...corners.map((c) => c[1])),
      Math.max(...corners.map((c) => c[0])), Math.max(...corners.map((c) => c[1])),
    );
  } else if (type === 'esriGeometryPoint') {
    const nums = obj ? [obj.x, obj.y].map(Number) : text.split(',').map(Number);
    if (nums.length !== 2 || nums.some((n) => !Number.isFinite(n))) bad();
    g = { type: 'Point', coordinates: un(nums[0], nums[1]) };
  } else if (type === 'esriGeometryPolygon' && obj && Array.isArray(obj.rings)) {
    g = { type: 'Polygon', coordinates: (obj.rings as number[][][]).map((r) => r.map((p) => un(p[0], p[1]))) };
  } else if (type === 'esriGeometryPolyline' && obj && Array.isArray(obj.paths)) {
    g = { type: 'MultiLineString', coordinates: (obj.paths as number[][][]).map((r) => r.map((p) => un(p[0], p[1]))) };
  } else if (type === 'esriGeometryMultipoint' && obj && Array.isArray(obj.points)) {
    g = { type: 'MultiPoint', coordinates: (obj.points as number[][]).map((p) => un(p[0], p[1])) };
  } else {
    return bad();
  }
  let meters = 0;
  const distance = params.get('distance');
  if (distance !== null && distance !== '') {
    const d = Number(distance);
    if (!Number.isFinite(d) || d < 0) throw new QueryError(INVALID_QUERY, ["'distance' parameter is invalid"]);
    // ArcGIS derives the unit from the geometry's spatial reference when none is given.
    const units = params.get('units') || (inSR === NATIVE_WKID || inSR === 2267 ? 'esriSRUnit_Foot' : 'esriSRUnit_Meter');
    const factor = UNIT_METERS[units];
    if (factor === undefined) throw new QueryError(INVALID_QUERY, ["'units' parameter is invalid"]);
    meters = d * factor;
  }
  return { shape: toLocalShape(g), meters };
}

export function resolveFields(ds: FakeDataset, list: string, what: string): FakeField[] {
  const out: FakeField[] = [];
  for (const raw of list.split(',')) {
    const name = raw.trim();
    if (!name) continue;
    if (name === '*') {
      for (const f of ds.fields) if (!out.includes(f)) out.push(f);
      continue;
    }
    const f = ds.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!f) throw new QueryError(INVALID_QUERY, [`'Invalid field: ${name}' parameter is invalid`, `${what}: unknown field ${name}`]);
    if (!out.includes(f)) out.push(f);
  }
  return out;
}

/** A row test for the spatial filter, with a cheap bounding-box reject for points. */
function spatialPredicate(spatial: SpatialTest): (g: GeoJsonGeometry) => boolean {
  const [xmin, ymin, xmax, ymax] = spatial.shape.bbox;
  const m = spatial.meters;
  return (g) => {
    if (g.type === 'Point') {
      const [lon, lat] = g.coordinates as number[];
      const [x, y] = localXY(lon, lat);
      if (x < xmin - m || x > xmax + m || y < ymin - m || y > ymax + m) return false;
    }
    return shapesWithin(toLocalShape(g), spatial.shape, m);
  };
}

/**
 * Sorts positions by orderByFields keys, NULL lowest and strings ordinal (as where.ts documents),
 * position as the last key. Keys become numeric columns first (strings by rank), so a million
 * rows sort in about a second instead of comparing objects.
 */
function sortPositions(ds: FakeDataset, positions: number[], keys: string[]): number[] {
  const columns: { values: Float64Array; direction: number }[] = [];
  const specs = keys.map((k) => {
    const [rawName, dir] = k.split(/\s+/);
    const name = ds.fields.find((f) => f.name.toLowerCase() === rawName.replace(/^"|"$/g, '').toLowerCase())!.name;
    return { name, direction: dir?.toUpperCase() === 'DESC' ? -1 : 1 };
  });
  const raw = specs.map(() => new Array<FakeValue>(positions.length));
  for (let k = 0; k < positions.length; k++) {
    const a = ds.attributesAt(positions[k]);
    for (let s = 0; s < specs.length; s++) raw[s][k] = a[specs[s].name] ?? null;
  }
  specs.forEach((spec, s) => {
    const values = new Float64Array(positions.length);
    const column = raw[s];
    if (column.some((v) => typeof v === 'string')) {
      const distinct = [...new Set(column.filter((v): v is string => v !== null).map(String))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const rank = new Map(distinct.map((v, r) => [v, r]));
      for (let k = 0; k < column.length; k++) values[k] = column[k] === null ? -Infinity : rank.get(String(column[k]))!;
    } else {
      for (let k = 0; k < column.length; k++) values[k] = column[k] === null ? -Infinity : (column[k] as number);
    }
    columns.push({ values, direction: spec.direction });
  });
  const order = Int32Array.from(positions.keys());
  order.sort((x, y) => {
    for (let c = 0; c < columns.length; c++) {
      const a = columns[c].values[x];
      const b = columns[c].values[y];
      if (a !== b) return a < b ? -columns[c].direction : columns[c].direction;
    }
    return positions[x] - positions[y];
  });
  return Array.from(order, (k) => positions[k]);
}

/** Positions of the rows a query selects, in answer order, plus whether all rows match unsorted. */
export interface Selection {
  total: number;
  /** Position in the dataset of the k-th selected row. */
  at(k: number): number;
}

const TRIVIAL_WHERE = /^\s*(1\s*=\s*1)?\s*$/;

/**
 * Selects rows by where, objectIds and spatial test, then orders them. Shared by /query and the
 * download API. Skips all work (no row is generated) when nothing filters and the order is the
 * object id's, so paging the million-row dataset stays cheap.
 */
export function selectRows(ds: FakeDataset, where: string, orderBy: string, objectIds?: number[], spatial?: SpatialTest): Selection {
  const whereFields = ds.fields.map((f) => ({ name: f.name, type: f.type }));
  let predicate: ((a: Record<string, unknown>) => boolean) | undefined;
  if (!TRIVIAL_WHERE.test(where)) {
    try {
      predicate = compileWhere(where, whereFields);
    } catch (err) {
      if (err instanceof WhereError) throw new QueryError(INVALID_QUERY, ["'where' parameter is invalid", err.message]);
      throw err;
    }
  }
  const keys = orderBy.split(',').map((k) => k.trim()).filter(Boolean);
  const oidOnly = keys.length === 1 ? /^(\S+)(?:\s+(ASC|DESC))?$/i.exec(keys[0]) : null;
  const byOid = keys.length === 0 || (oidOnly !== null && oidOnly[1].toLowerCase() === ds.objectIdField.toLowerCase());
  const descending = byOid && oidOnly?.[2]?.toUpperCase() === 'DESC';
  if (!byOid) {
    // Validates the clause (names, ASC/DESC) with the shared engine; sorting itself is done on columns below.
    try {
      parseOrderBy(orderBy, whereFields);
    } catch (err) {
      if (err instanceof WhereError) throw new QueryError(INVALID_QUERY, ["'orderByFields' parameter is invalid", err.message]);
      throw err;
    }
  }

  let positions: number[] | undefined;
  if (predicate || objectIds || spatial) {
    positions = [];
    const candidates = objectIds
      ? [...new Set(objectIds)].map((oid) => ds.indexOfOid(oid)).filter((i) => i >= 0).sort((a, b) => a - b)
      : undefined;
    const n = candidates ? candidates.length : ds.rowCount;
    const near = spatial ? spatialPredicate(spatial) : undefined;
    for (let k = 0; k < n; k++) {
      const i = candidates ? candidates[k] : k;
      if (predicate && !predicate(ds.attributesAt(i))) continue;
      if (near) {
        const g = ds.geometryAt(i);
        if (!g || !near(g)) continue;
      }
      positions.push(i);
    }
  }
  const total = positions ? positions.length : ds.rowCount;
  if (!byOid) {
    const sorted = sortPositions(ds, positions ?? Array.from({ length: total }, (_, i) => i), keys);
    return { total, at: (k) => sorted[k] };
  }
  if (positions) {
    const p = positions;
    return { total, at: descending ? (k) => p[total - 1 - k] : (k) => p[k] };
  }
  return { total, at: descending ? (k) => total - 1 - k : (k) => k };
}

function parseObjectIds(v: string | null): number[] | undefined {
  if (v === null || v.trim() === '') return undefined;
  const ids = v.split(',').map((s) => Number(s.trim()));
  if (ids.some((n) => !Number.isInteger(n))) throw new QueryError(INVALID_QUERY, ["'objectIds' parameter is invalid"]);
  return ids;
}

export function parseCount(v: string | null, what: string): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new QueryError(INVALID_QUERY, [`'${what}' parameter is invalid`]);
  return n;
}

/**
 * The most features one answer holds: `resultType` picks the layer's cap (`none` its
 * maxRecordCount, `standard` standardMaxRecordCount, `tile` tileMaxRecordCount) and
 * `maxRecordCountFactor` (1 to 5) multiplies it, as a current ArcGIS server pages them with
 * resultOffset. A 10.x layer knows neither parameter and keeps maxRecordCount.
 */
function pageCap(ds: FakeDataset, params: URLSearchParams): number {
  const resultType = (params.get('resultType') ?? '').trim().toLowerCase();
  let cap: number;
  if (resultType === '' || resultType === 'none') cap = ds.maxRecordCount;
  else if (resultType === 'standard') cap = STANDARD_MAX_RECORD_COUNT;
  else if (resultType === 'tile') cap = TILE_MAX_RECORD_COUNT;
  else throw new QueryError(INVALID_QUERY, ["'resultType' parameter is invalid"]);
  const factorText = params.get('maxRecordCountFactor');
  if (factorText === null || factorText.trim() === '') return cap;
  const factor = Number(factorText);
  if (!Number.isInteger(factor) || factor < 1 || factor > MAX_RECORD_COUNT_FACTOR) throw new QueryError(INVALID_QUERY, ["'maxRecordCountFactor' parameter is invalid"]);
  return cap * factor;
}

export function runQuery(ds: FakeDataset, params: URLSearchParams): PlannedResponse {
  const f = (params.get('f') ?? 'html').toLowerCase();
  const old = ds.serverProfile === 'old';
  // A 10.x layer knows neither geoJSON nor paging parameters and says so in one sentence.
  if (old && (f === 'geojson' || f === 'pbf' || params.has('resultOffset') || params.has('resultRecordCount'))) return json(OLD_SERVER_UNSUPPORTED);
  if (f === 'pbf' && ds.noPbf) throw new QueryError(INVALID_QUERY, ["'f' parameter is invalid"]);
  const where = params.get('where');
  const objectIds = parseObjectIds(params.get('objectIds'));
  const spatial = parseSpatial(params);
  if ((where === null || where.trim() === '') && !objectIds && !spatial) {
    throw new QueryError(INVALID_QUERY, ['Unable to perform query. Please check your parameters.', 'No where clause specified.']);
  }
  if (spatial && !ds.geometryType) throw new QueryError(INVALID_QUERY, ["'geometry' parameter is invalid", 'The layer is a table.']);
  // Counts, ids and statistics as PBF exist on real servers; the client never asks for them.
  if (f === 'pbf' && (wantsStatistics(ds, params) || parseBool(params.get('returnCountOnly')) || parseBool(params.get('returnIdsOnly')))) {
    throw new QueryError('Output format pbf is supported by the fake for feature queries only.', ['Use f=json.']);
  }
  if (wantsStatistics(ds, params)) return runStatistics(ds, params, where ?? '', objectIds, spatial);
  const outFieldsText = params.get('outFields');
  const outFields = outFieldsText === null || outFieldsText.trim() === ''
    ? ds.fields.filter((x) => x.name === ds.objectIdField)
    : resolveFields(ds, outFieldsText, 'outFields');
  const orderBy = params.get('orderByFields') ?? '';
  if (orderBy.trim()) resolveFields(ds, orderBy.split(',').map((k) => k.trim().split(/\s+/)[0]).join(','), 'orderByFields');
  const offset = parseCount(params.get('resultOffset'), 'resultOffset') ?? 0;
  const requested = parseCount(params.get('resultRecordCount'), 'resultRecordCount');
  const countOnly = parseBool(params.get('returnCountOnly')) === true;
  const idsOnly = parseBool(params.get('returnIdsOnly')) === true;
  const returnGeometry = parseBool(params.get('returnGeometry')) !== false && ds.geometryType !== null;
  const geojson = f === 'geojson';
  const outSR = parseWkid(params.get('outSR'), 'outSR') ?? (geojson ? 4326 : NATIVE_WKID);
  const offsetText = params.get('maxAllowableOffset');
  const maxAllowableOffset = offsetText === null || offsetText.trim() === '' ? 0 : Number(offsetText);
  if (!Number.isFinite(maxAllowableOffset) || maxAllowableOffset < 0) throw new QueryError(INVALID_QUERY, ["'maxAllowableOffset' parameter is invalid"]);

  // returnIdsOnly on a 10.x server ignores orderByFields.
  const selection = selectRows(ds, where ?? '', countOnly || (old && idsOnly) ? '' : orderBy, objectIds, spatial);
  if (countOnly) return json(geojson ? { type: 'FeatureCollection', features: [], properties: { count: selection.total } } : { count: selection.total });
  if (idsOnly) {
    const ids: number[] = [];
    for (let k = 0; k < selection.total; k++) ids.push(ds.oidAt(selection.at(k)));
    if (old) return json({ objectIdFieldName: ds.objectIdField, objectIds: storageOrder(ids) });
    return json(geojson ? { type: 'FeatureCollection', features: [], properties: { objectIdFieldName: ds.objectIdField, objectIds: ids } }
      : { objectIdFieldName: ds.objectIdField, objectIds: ids });
  }
  const cap = old || ds.noLargePages ? ds.maxRecordCount : pageCap(ds, params);
  const pageSize = Math.min(requested && requested > 0 ? requested : cap, cap);
  const end = Math.min(selection.total, offset + pageSize);
  const exceeded = end < selection.total;
  const rows: { attributes: Record<string, FakeValue>; geometry: GeoJsonGeometry | null; oid: number }[] = [];
  for (let k = offset; k < end; k++) {
    const i = selection.at(k);
    // The million-row layer computes one field alone: a page of a few fields (a map's object ids)
    // does not build every row whole, as a server reading its columns would not.
    const full = ds.valueAt ? { attributes: undefined, geometry: returnGeometry ? ds.geometryAt(i) : null } : returnGeometry ? ds.rowAt(i) : { attributes: ds.attributesAt(i), geometry: null };
    const attributes: Record<string, FakeValue> = {};
    // Own properties only, both ways: field names may be `__proto__` or `constructor`.
    for (const field of outFields) {
      const value = !full.attributes ? ds.valueAt!(i, field.name) : Object.prototype.hasOwnProperty.call(full.attributes, field.name) ? full.attributes[field.name] : null;
      // Only `__proto__` needs defineProperty; it would make thousands of fields slow for all.
      if (field.name === '__proto__') Object.defineProperty(attributes, field.name, { value: value ?? null, enumerable: true, writable: true, configurable: true });
      else attributes[field.name] = value ?? null;
    }
    // Generalised in the answer's units, as a real server does with maxAllowableOffset.
    const geometry = full.geometry && maxAllowableOffset > 0 ? generalizeGeoJson(full.geometry, maxAllowableOffset, outSR) : full.geometry;
    rows.push({ attributes, geometry, oid: ds.oidAt(i) });
  }
  if (f === 'pbf') return pbfAnswer(ds, params, outSR, outFields, rows, returnGeometry, exceeded);
  if (geojson) {
    const out: Record<string, unknown> = { type: 'FeatureCollection' };
    if (outSR !== 4326 && outSR !== 4269) out.crs = { type: 'name', properties: { name: outSR === NATIVE_WKID ? `ESRI:${outSR}` : `EPSG:${outSR}` } };
    if (exceeded) out.properties = { exceededTransferLimit: true };
    out.features = rows.map((r) => ({
      type: 'Feature',
      id: r.oid,
      geometry: returnGeometry && r.geometry ? projectGeoJson(r.geometry, outSR) : null,
      properties: r.attributes,
    }));
    return json(out);
  }
  if (f !== 'json' && f !== 'pjson') {
    return htmlPage(`Query: ${ds.title}`, `<p>${selection.total} records; use f=json.</p>`);
  }
  const globalId = ds.fields.find((x) => x.type === 'esriFieldTypeGlobalID')?.name ?? '';
  // 10.x answers start with the display field and the aliases (us-ms-madison outStatistics fixture).
  const out: Record<string, unknown> = old
    ? { displayFieldName: ds.fields.find((x) => x.type === 'esriFieldTypeString')?.name ?? '', fieldAliases: Object.fromEntries(outFields.map((x) => [x.name, x.alias])) }
    : { objectIdFieldName: ds.objectIdField, uniqueIdField: { name: ds.objectIdField, isSystemMaintained: true }, globalIdFieldName: globalId };
  if (ds.geometryType) {
    out.geometryType = ds.geometryType;
    out.spatialReference = spatialReferenceJson(outSR);
  }
  out.fields = outFields.map((x) => (old ? oldFieldJson(x) : fieldJson(x, false)));
  if (exceeded) out.exceededTransferLimit = true;
  out.features = rows.map((r) =>
    returnGeometry && r.geometry ? { attributes: r.attributes, geometry: toEsriGeometry(r.geometry, outSR) } : { attributes: r.attributes },
  );
  return json(out);
}

/** The fake's integer step when a query sends no `quantizationParameters`: 1e-8 degrees (about
 * a millimetre) in a geographic answer, a thousandth of the unit (foot or metre) otherwise. */
function defaultTolerance(wkid: number): number {
  return wkid === 4326 || wkid === 4269 ? 1e-8 : 1e-3;
}

/** The layer's extent in `wkid` units, [xmin, ymin, xmax, ymax]. */
function extentIn(ds: FakeDataset, wkid: number): number[] {
  const [w, s, e, n] = ds.extent;
  const corners = [project(w, s, wkid), project(e, s, wkid), project(w, n, wkid), project(e, n, wkid)];
  return [Math.min(...corners.map((c) => c[0])), Math.min(...corners.map((c) => c[1])), Math.max(...corners.map((c) => c[0])), Math.max(...corners.map((c) => c[1]))];
}

/**
 * `quantizationParameters` as ArcGIS reads it: `{"mode":"view"|"edit","originPosition":
 * "upperLeft"|"lowerLeft","tolerance":t,"extent":{xmin,ymin,xmax,ymax[,spatialReference]}}`,
 * tolerance and extent in the answer's units (outSR). Absent, the fake's choice: the layer's
 * extent with its top-left corner as origin and defaultTolerance. The extent's spatial
 * reference, when given, must be the answer's (the fake does not project it).
 */
function pbfTransform(ds: FakeDataset, params: URLSearchParams, outSR: number) {
  const raw = params.get('quantizationParameters');
  if (raw === null || raw.trim() === '') return quantizationTransform(extentIn(ds, outSR), defaultTolerance(outSR), true);
  const bad = (): never => {
    throw new QueryError(INVALID_QUERY, ["'quantizationParameters' parameter is invalid"]);
  };
  let q: Record<string, unknown>;
  try {
    q = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return bad();
  }
  if (!q || typeof q !== 'object' || Array.isArray(q)) return bad();
  if (q.mode !== undefined && q.mode !== 'view' && q.mode !== 'edit') return bad();
  const origin = q.originPosition ?? 'upperLeft';
  if (origin !== 'upperLeft' && origin !== 'lowerLeft') return bad();
  const tolerance = q.tolerance === undefined ? defaultTolerance(outSR) : Number(q.tolerance);
  if (!Number.isFinite(tolerance) || tolerance <= 0) return bad();
  let extent = extentIn(ds, outSR);
  if (q.extent !== undefined) {
    const e = q.extent as Record<string, unknown> | null;
    const box = e && typeof e === 'object' ? [e.xmin, e.ymin, e.xmax, e.ymax].map(Number) : [];
    if (box.length !== 4 || !box.every(Number.isFinite)) return bad();
    const sr = e!.spatialReference as { wkid?: number; latestWkid?: number } | undefined;
    const wkid = sr ? Number(sr.latestWkid ?? sr.wkid) : outSR;
    if ((wkid === 102100 ? 3857 : wkid) !== outSR) throw new QueryError(INVALID_QUERY, ["'quantizationParameters' parameter is invalid", 'The fake needs the extent in outSR.']);
    extent = box;
  }
  return quantizationTransform(extent, tolerance, origin === 'upperLeft');
}

/** A feature page as `f=pbf` (application/x-protobuf), geometry quantized by pbfTransform. */
function pbfAnswer(
  ds: FakeDataset, params: URLSearchParams, outSR: number, outFields: FakeField[],
  rows: { attributes: Record<string, FakeValue>; geometry: GeoJsonGeometry | null }[], returnGeometry: boolean, exceeded: boolean,
): PlannedResponse {
  const transform = pbfTransform(ds, params, outSR);
  const body = encodeFeaturePbf({
    objectIdField: ds.objectIdField,
    globalIdField: ds.fields.find((x) => x.type === 'esriFieldTypeGlobalID')?.name ?? '',
    geometryType: ds.geometryType,
    wkid: outSR,
    fields: outFields.map((x) => ({ name: x.name, type: x.type, alias: x.alias })),
    features: rows.map((r) => ({ attributes: r.attributes, geometry: returnGeometry && r.geometry ? toEsriGeometry(r.geometry, outSR) : null })),
    exceededTransferLimit: exceeded,
    transform,
  });
  return text(body, 'application/x-protobuf');
}
