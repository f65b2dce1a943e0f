// Compiles a portal-neutral DatasetQuery to each portal kind's wire API: ArcGIS
// FeatureServer `/query` parameters (SQL-92 where clause) and legacy Records API requests.
// Pure functions, no I/O and no tokens: callers add credentials at send time.

import type { FieldKind, QueryCapabilities, StatisticsRequest } from '../portal/types';
import type { DatasetQuery, FieldFilter, SpatialFilter } from './model';

export interface HubQueryTarget {
  /** FeatureServer layer URL, without `/query`. */
  layerUrl: string;
  objectIdField?: string;
  maxRecordCount?: number;
  /** Lets the where clause type values: numbers for numeric fields, timestamps for dates. */
  fieldTypes?: Record<string, FieldKind>;
  /** What the layer accepts; absent means a current layer (geoJSON, paging, orderByFields). */
  capabilities?: QueryCapabilities;
}

/** True when rows of the layer are paged by object id (no resultOffset). */
export function pagesByObjectId(target: HubQueryTarget): boolean {
  return target.capabilities?.pagination === false;
}

/** One page of the query's own window: `offset` counts from the query's `offset`. */
export interface PageRequest {
  offset: number;
  count: number;
}

export interface LegacyRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: Record<string, unknown>;
}

export type HubDownloadFormat = 'csv' | 'geojson';

/** The spatial reference every compiled query speaks: longitude/latitude. */
export const WGS84 = '4326';

const SAFE_FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_ ]*$/;
const BARE_FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A field reference for SQL and `orderByFields`: bare when plain, double-quoted when it
 * holds spaces (`"Service Provider"`); anything else is refused so no name can smuggle SQL. */
export function sqlFieldName(name: string): string {
  if (!SAFE_FIELD_NAME.test(name)) {
    throw new Error(`Field name ${JSON.stringify(name)} is not a valid field name.`);
  }
  return BARE_FIELD_NAME.test(name) ? name : `"${name}"`;
}

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function utcTimestamp(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

/** ArcGIS wants `timestamp 'YYYY-MM-DD HH:MM:SS'` (UTC). ISO strings without a zone are
 * taken as written; with a zone they are converted; numbers are epoch milliseconds like
 * the service's own date values. */
export function sqlTimestamp(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Date value ${value} is not a finite number.`);
    return `timestamp '${utcTimestamp(new Date(value))}'`;
  }
  const match = ISO_DATE.exec(value.trim());
  if (!match) throw new Error(`Date value ${JSON.stringify(value)} is not an ISO date (YYYY-MM-DD[THH:MM[:SS]]).`);
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = match;
  if (zone) {
    const parsed = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')}`);
    if (Number.isNaN(parsed.getTime())) throw new Error(`Date value ${JSON.stringify(value)} is not a valid date.`);
    return `timestamp '${utcTimestamp(parsed)}'`;
  }
  return `timestamp '${y}-${mo}-${d} ${h}:${mi}:${s}'`;
}

function sqlValue(value: string | number, kind: FieldKind | undefined): string {
  if (kind === 'date') return sqlTimestamp(value);
  if (kind === 'integer' || kind === 'double' || kind === 'oid') {
    const n = typeof value === 'number' ? value : Number(value);
    // A non-numeric string against a numeric field is kept as a string so the service
    // reports the mistake instead of us silently changing the question.
    if (typeof value === 'number' || (value.trim() !== '' && Number.isFinite(n))) {
      if (!Number.isFinite(n)) throw new Error(`Number value ${value} is not finite.`);
      return String(n);
    }
    return sqlString(value);
  }
  if (kind === 'string' || kind === 'guid') return sqlString(String(value));
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Number value ${value} is not finite.`);
    return String(value);
  }
  return sqlString(value);
}

function scalar(filter: FieldFilter): string | number {
  const { value } = filter;
  if (value === undefined || Array.isArray(value)) {
    throw new Error(`Filter on ${filter.field} with "${filter.op}" needs one value.`);
  }
  return value;
}

function filterClause(filter: FieldFilter, fieldTypes: Record<string, FieldKind> | undefined): string {
  const field = sqlFieldName(filter.field);
  const kind = fieldTypes?.[filter.field];
  switch (filter.op) {
    case 'is null':
      return `${field} IS NULL`;
    case 'is not null':
      return `${field} IS NOT NULL`;
    case 'like':
      return `${field} LIKE ${sqlString(String(scalar(filter)))}`;
    case 'in': {
      const values = Array.isArray(filter.value) ? filter.value : filter.value === undefined ? [] : [filter.value];
      // `IN ()` is a syntax error; an empty set matches nothing.
      if (values.length === 0) return '1=0';
      return `${field} IN (${values.map((v) => sqlValue(v, kind)).join(', ')})`;
    }
    case '=':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return `${field} ${filter.op} ${sqlValue(scalar(filter), kind)}`;
    default:
      throw new Error(`Unknown filter operator ${JSON.stringify((filter as FieldFilter).op)}.`);
  }
}

/** SQL-92 where clause for a FeatureServer; `1=1` when the query has no filter. */
export function hubWhereClause(query: DatasetQuery, fieldTypes?: Record<string, FieldKind>): string {
  const filters = query.filters ?? [];
  if (filters.length === 0) return '1=1';
  const clauses = filters.map((f) => filterClause(f, fieldTypes));
  if (clauses.length === 1) return clauses[0];
  const joiner = query.join === 'or' ? ' OR ' : ' AND ';
  return clauses.map((c) => `(${c})`).join(joiner);
}

function spatialParams(spatial: SpatialFilter | undefined, params: URLSearchParams): void {
  if (!spatial) return;
  if (spatial.kind === 'bbox') {
    params.set('geometry', [spatial.xmin, spatial.ymin, spatial.xmax, spatial.ymax].join(','));
    params.set('geometryType', 'esriGeometryEnvelope');
  } else {
    params.set('geometry', `${spatial.longitude},${spatial.latitude}`);
    params.set('geometryType', 'esriGeometryPoint');
    params.set('distance', String(spatial.meters));
    params.set('units', 'esriSRUnit_Meter');
  }
  params.set('inSR', WGS84);
  params.set('spatialRel', 'esriSpatialRelIntersects');
}

/** `orderByFields` with the object id appended, so pages never overlap or skip rows. */
export function hubOrderByFields(query: DatasetQuery, objectIdField?: string): string | undefined {
  const keys = (query.sort ?? []).map((k) => `${sqlFieldName(k.field)} ${k.descending ? 'DESC' : 'ASC'}`);
  if (objectIdField && !(query.sort ?? []).some((k) => k.field.toLowerCase() === objectIdField.toLowerCase())) {
    keys.push(`${sqlFieldName(objectIdField)} ASC`);
  }
  return keys.length ? keys.join(',') : undefined;
}

/** Parameters of a FeatureServer `/query` for the query, or for one page of its window. */
export function hubQueryParams(query: DatasetQuery, target: HubQueryTarget, page?: PageRequest): URLSearchParams {
  const params = new URLSearchParams();
  const caps = target.capabilities;
  params.set('f', query.format === 'geojson' && caps?.geoJson !== false ? 'geojson' : 'json');
  params.set('where', hubWhereClause(query, target.fieldTypes));
  params.set('outFields', query.fields?.length ? query.fields.map(sqlFieldName).join(',') : '*');
  const orderBy = caps?.orderBy === false ? undefined : hubOrderByFields(query, target.objectIdField);
  if (orderBy) params.set('orderByFields', orderBy);
  if (caps?.pagination === false) {
    // An old server refuses resultOffset/resultRecordCount: one request gives the first
    // maxRecordCount rows; whole results are paged by object id (hubObjectIdsParams).
    params.set('returnGeometry', String(query.returnGeometry ?? query.format === 'geojson'));
    params.set('outSR', WGS84);
    generalizeParams(query, params);
    spatialParams(query.spatial, params);
    return params;
  }

  const baseOffset = Math.max(0, query.offset ?? 0);
  const pageOffset = Math.max(0, page?.offset ?? 0);
  let count: number | undefined = page ? Math.max(0, page.count) : undefined;
  if (query.limit !== undefined) {
    const remaining = Math.max(0, query.limit - pageOffset);
    count = count === undefined ? remaining : Math.min(count, remaining);
  }
  let large: [string, string] | undefined;
  if (target.maxRecordCount !== undefined && count !== undefined) {
    const cap = query.largePages ? largestPage(target.maxRecordCount, caps) : target.maxRecordCount;
    count = Math.min(count, cap);
    if (count > target.maxRecordCount) large = largePageParam(count, target.maxRecordCount, caps);
  }
  const offset = baseOffset + pageOffset;
  if (offset > 0 || page) params.set('resultOffset', String(offset));
  if (count !== undefined) params.set('resultRecordCount', String(count));
  if (large) params.set(...large);

  params.set('returnGeometry', String(query.returnGeometry ?? query.format === 'geojson'));
  params.set('outSR', WGS84);
  generalizeParams(query, params);
  spatialParams(query.spatial, params);
  return params;
}

/** The most a current ArcGIS server multiplies maxRecordCount by (and the ArcGIS JS API asks). */
const MAX_RECORD_COUNT_FACTOR = 5;

/** Rows one page of a layer holds at most when the query asks for large pages: what its
 * description says `resultType=standard` or `maxRecordCountFactor` serves, else maxRecordCount. */
export function largestPage(maxRecordCount: number, caps: QueryCapabilities | undefined): number {
  if (caps?.pagination === false) return maxRecordCount;
  // The factor first, as the ArcGIS JS API asks for all features: pages of 10,000 rather than
  // 32,000 still come several to a map, painted one by one while the next is on its way.
  if (caps?.maxRecordCountFactor) return maxRecordCount * MAX_RECORD_COUNT_FACTOR;
  return Math.max(maxRecordCount, caps?.standardMaxRecordCount ?? 0);
}

/** The parameter that lets a page of `count` rows past maxRecordCount through (see largestPage). */
function largePageParam(count: number, maxRecordCount: number, caps: QueryCapabilities | undefined): [string, string] {
  const factor = Math.ceil(count / maxRecordCount);
  return caps?.maxRecordCountFactor && factor <= MAX_RECORD_COUNT_FACTOR ? ['maxRecordCountFactor', String(factor)] : ['resultType', 'standard'];
}

/** `maxAllowableOffset` in degrees (the answers are in WGS84); servers ignore it without geometry. */
function generalizeParams(query: DatasetQuery, params: URLSearchParams): void {
  const offset = query.maxAllowableOffset;
  if (offset !== undefined && Number.isFinite(offset) && offset > 0) params.set('maxAllowableOffset', String(offset));
}

/** Parameters asking for the object ids of every matching row (`returnIdsOnly`): the first
 * step of paging by object id. Old servers ignore orderByFields here, so none is sent. */
export function hubObjectIdsParams(query: DatasetQuery, target: HubQueryTarget): URLSearchParams {
  const params = new URLSearchParams();
  params.set('f', 'json');
  params.set('where', hubWhereClause(query, target.fieldTypes));
  params.set('returnIdsOnly', 'true');
  spatialParams(query.spatial, params);
  return params;
}

/** Parameters fetching the rows of the given object ids (at most maxRecordCount of them): no
 * where (the ids already satisfy it), ordered by object id when the layer can order. */
export function hubObjectIdBatchParams(query: DatasetQuery, target: HubQueryTarget, objectIds: readonly number[], fields = query.fields): URLSearchParams {
  const params = new URLSearchParams();
  params.set('f', 'json');
  params.set('objectIds', objectIds.join(','));
  params.set('outFields', fields?.length ? fields.map(sqlFieldName).join(',') : '*');
  if (target.objectIdField && target.capabilities?.orderBy !== false) params.set('orderByFields', `${sqlFieldName(target.objectIdField)} ASC`);
  params.set('returnGeometry', String(query.returnGeometry ?? query.format === 'geojson'));
  params.set('outSR', WGS84);
  generalizeParams(query, params);
  return params;
}

/** Parameters asking how many rows match (paging and sort do not apply). */
export function hubCountParams(query: DatasetQuery, target: HubQueryTarget): URLSearchParams {
  const params = new URLSearchParams();
  params.set('f', 'json');
  params.set('where', hubWhereClause(query, target.fieldTypes));
  params.set('returnCountOnly', 'true');
  spatialParams(query.spatial, params);
  return params;
}

/** The query's where clause with more filters ANDed to it (a histogram bucket's range, IS NOT NULL). */
export function hubWhereWith(query: DatasetQuery, extra: FieldFilter[] | undefined, fieldTypes?: Record<string, FieldKind>): string {
  const base = hubWhereClause(query, fieldTypes);
  if (!extra?.length) return base;
  const more = hubWhereClause({ filters: extra }, fieldTypes);
  return base === '1=1' ? more : `(${base}) AND (${more})`;
}

/** Parameters of a FeatureServer statistics query: `outStatistics`, `groupByFieldsForStatistics`
 * and `orderByFields` over the answer's columns. Every statistic is named, so the answer's
 * columns are known (servers may fold the names' case). */
export function hubStatisticsParams(query: DatasetQuery, target: HubQueryTarget, request: StatisticsRequest): URLSearchParams {
  const params = new URLSearchParams();
  params.set('f', 'json');
  params.set('where', hubWhereWith(query, request.extraFilters, target.fieldTypes));
  for (const s of request.statistics) {
    if (!/^[A-Za-z0-9_]+$/.test(s.outName)) throw new Error(`Statistic name ${JSON.stringify(s.outName)} may hold only letters, digits and _.`);
    sqlFieldName(s.field);
  }
  params.set('outStatistics', JSON.stringify(request.statistics.map((s) => ({ statisticType: s.type, onStatisticField: s.field, outStatisticFieldName: s.outName }))));
  if (request.groupBy?.length) params.set('groupByFieldsForStatistics', request.groupBy.map(sqlFieldName).join(','));
  if (request.orderBy?.length) params.set('orderByFields', request.orderBy.map((k) => `${sqlFieldName(k.column)} ${k.descending ? 'DESC' : 'ASC'}`).join(','));
  if (request.limit !== undefined) params.set('resultRecordCount', String(Math.max(1, Math.floor(request.limit))));
  params.set('returnGeometry', 'false');
  spatialParams(query.spatial, params);
  return params;
}

/** Parameters asking how many distinct values a field takes over the query's rows. */
export function hubDistinctCountParams(query: DatasetQuery, target: HubQueryTarget, field: string): URLSearchParams {
  const params = new URLSearchParams();
  params.set('f', 'json');
  params.set('where', hubWhereClause(query, target.fieldTypes));
  params.set('outFields', sqlFieldName(field));
  params.set('returnDistinctValues', 'true');
  params.set('returnCountOnly', 'true');
  params.set('returnGeometry', 'false');
  spatialParams(query.spatial, params);
  return params;
}

/** A token-free statistics `/query` URL (what the agent tools cite as the query they ran). */
export function hubStatisticsUrl(query: DatasetQuery, target: HubQueryTarget, request: StatisticsRequest): string {
  return `${target.layerUrl.replace(/\/+$/, '')}/query?${hubStatisticsParams(query, target, request).toString()}`;
}

/** A complete, token-free `/query` URL (what "Copy API URL" and the `url` snippet give). */
export function hubQueryUrl(query: DatasetQuery, target: HubQueryTarget, page?: PageRequest): string {
  return `${target.layerUrl.replace(/\/+$/, '')}/query?${hubQueryParams(query, target, page).toString()}`;
}

/** Hub download API; the file may be generated asynchronously by the site. */
export function hubDownloadUrl(siteUrl: string, itemId: string, layer: number | string, format: HubDownloadFormat): string {
  const site = siteUrl.replace(/\/+$/, '');
  return `${site}/api/download/v1/items/${encodeURIComponent(itemId)}/${format}?layers=${encodeURIComponent(String(layer))}`;
}

export const LEGACY_RECORDS_PATH = '/services/portal/api/data/records';

/** Records API URL of one dataset; `baseUrl` is the site root (or already the records URL). */
export function legacyRecordsUrl(baseUrl: string, datasetName: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const records = base.endsWith(LEGACY_RECORDS_PATH) ? base : `${base}${LEGACY_RECORDS_PATH}`;
  // encodeURIComponent gives `%20` for spaces, as the portal's own page shows.
  return `${records}/${encodeURIComponent(datasetName)}`;
}

/** The city's SQL Server geometry works in state plane feet, so `bufferDistance` is in feet
 * (inferred; the fake portal in test/portal/legacy.ts agrees). */
export const FEET_PER_METER = 1 / 0.3048;

/** WKT in longitude/latitude order, as OGC WKT requires; the buffer in feet. */
export function spatialFilterWkt(spatial: SpatialFilter): { spatialFilter: string; bufferDistance: number } {
  if (spatial.kind === 'bbox') {
    const { xmin, ymin, xmax, ymax } = spatial;
    const ring = [
      [xmin, ymin],
      [xmax, ymin],
      [xmax, ymax],
      [xmin, ymax],
      [xmin, ymin],
    ];
    return { spatialFilter: `POLYGON((${ring.map((p) => p.join(' ')).join(', ')}))`, bufferDistance: 0 };
  }
  // Rounded to a micro-foot so the code a snippet shows stays readable.
  const feet = Math.round(spatial.meters * FEET_PER_METER * 1e6) / 1e6;
  return { spatialFilter: `POINT(${spatial.longitude} ${spatial.latitude})`, bufferDistance: feet };
}

/** The Records API request for a query, from documented parameters only (GET `recordID`,
 * `schemaOnly`; POST `orderByField`, `ascending`, `spatialFilter`, `bufferDistance`). The
 * API has no documented attribute filter, paging or field list: filters, `limit`/`offset`
 * and fields are applied by the client to the rows it gets back. */
export function legacyRequest(query: DatasetQuery, baseUrl: string, datasetName: string): LegacyRequest {
  const url = legacyRecordsUrl(baseUrl, datasetName);
  const sort = query.sort ?? [];
  if (!sort.length && !query.spatial) return { method: 'GET', url };

  const body: Record<string, unknown> = {};
  if (sort.length) {
    // The API orders by one field only; further keys are applied by the client.
    body.orderByField = sort[0].field;
    body.ascending = !sort[0].descending;
  }
  if (query.spatial) Object.assign(body, spatialFilterWkt(query.spatial));
  return { method: 'POST', url, body };
}
