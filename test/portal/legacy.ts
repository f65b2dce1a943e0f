// The fake legacy data.okc.gov portal: the Records API (GET and POST, every value a string,
// "Not Available", "lat,lon,N" shapes, .NET type names), its dataset lists and human pages.
// It serves the same rows as the Hub generation, named by legacy name (usually the title).

import type { GeoJsonGeometry } from '../../src/portal/types';
import type { FakeDataset, FakeValue, LegacyField } from './data';
import { legacyShape, mediumDate, sqlServerDate } from './data';
import type { PlannedResponse } from './faults';
import { parseWkt, shapesWithin, toLocalShape } from './geo';
import { escapeHtml, htmlPage, json, type FakeRequest } from './respond';

const RECORDS = /^\/services\/portal\/api\/data\/records(?:\/([^/]*))?\/?$/;
export const LEGACY_KEY_HEADER = 'x-api-key';
const FEET = 0.3048;

/** ASP.NET Web API's error body shape. */
function aspError(status: number, message: string): PlannedResponse {
  return json({ Message: message }, status);
}

export interface LegacyOptions {
  recordID: number;
  schemaOnly: boolean;
  orderByField?: string;
  ascending: boolean;
  spatialFilter?: string;
  /** Feet, as the city's SQL Server geometry works in state plane feet. */
  bufferDistance: number;
}

class LegacyRequestError extends Error {}

function lowerKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
}

function asBool(v: unknown, fallback: boolean): boolean {
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new LegacyRequestError(`The value '${String(v)}' is not valid for Boolean.`);
}

function asNumber(v: unknown, fallback: number, what: string): number {
  if (v === undefined || v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new LegacyRequestError(`The value '${String(v)}' is not valid for ${what}.`);
  return n;
}

function parseOptions(query: URLSearchParams, body: Record<string, unknown> | undefined): LegacyOptions {
  const q: Record<string, unknown> = {};
  for (const [k, v] of query) q[k.toLowerCase()] = v;
  const o = { ...q, ...(body ? lowerKeys(body) : {}) };
  // Only the options the city's guide documents are read. Anything else (`filters`,
  // `filterJoin`, ...) is ignored, as ASP.NET Web API's model binding ignores unknown members.
  return {
    recordID: asNumber(o.recordid, -1, 'Int32'),
    schemaOnly: asBool(o.schemaonly, false),
    orderByField: o.orderbyfield === undefined || o.orderbyfield === null || o.orderbyfield === '' ? undefined : String(o.orderbyfield),
    ascending: asBool(o.ascending, true),
    spatialFilter: o.spatialfilter === undefined || o.spatialfilter === null || o.spatialfilter === '' ? undefined : String(o.spatialfilter),
    bufferDistance: asNumber(o.bufferdistance, 0, 'Double'),
  };
}

/** The string the legacy portal prints for one value. */
export function legacyValue(ds: FakeDataset, field: LegacyField, value: FakeValue): string {
  if (value === null || value === undefined) return 'Not Available';
  if (field.type === 'System.DateTime' && typeof value === 'number') {
    return ds.legacyDateStyle === 'sql' ? sqlServerDate(value, true) : mediumDate(value);
  }
  return String(value);
}

/** One record as the legacy portal sends it: strings aligned with legacyFields. */
export function legacyRecord(ds: FakeDataset, index: number): string[] {
  const needsShape = ds.legacyFields.some((f) => f.source === null);
  const row = needsShape ? ds.rowAt(index) : { attributes: ds.attributesAt(index), geometry: null };
  return ds.legacyFields.map((f) =>
    f.source === null ? legacyShape(ds, ds.oidAt(index), row.geometry) : legacyValue(ds, f, row.attributes[f.source] ?? null),
  );
}

function resolveLegacyField(ds: FakeDataset, name: string): LegacyField {
  const f = ds.legacyFields.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!f || f.source === null) throw new LegacyRequestError(`Invalid field '${name}'.`);
  return f;
}

type Typed = number | string | null;

function typedOf(field: LegacyField, raw: unknown): Typed {
  if (raw === null || raw === undefined) return null;
  if (field.type === 'System.String') return String(raw).toLowerCase();
  if (field.type === 'System.DateTime') {
    const n = typeof raw === 'number' ? raw : Date.parse(String(raw));
    if (!Number.isFinite(n)) throw new LegacyRequestError(`The value '${String(raw)}' is not valid for DateTime.`);
    return n;
  }
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new LegacyRequestError(`The value '${String(raw)}' is not valid for ${field.type.replace('System.', '')}.`);
  return n;
}

/** Row positions the options select, in answer order. Exported for tests computing expectations. */
export function legacySelect(ds: FakeDataset, options: LegacyOptions): number[] {
  if (options.recordID !== -1) {
    const i = ds.indexOfOid(options.recordID);
    return i < 0 ? [] : [i];
  }
  let area: ReturnType<typeof toLocalShape> | undefined;
  if (options.spatialFilter) {
    try {
      area = toLocalShape(parseWkt(options.spatialFilter));
    } catch (err) {
      throw new LegacyRequestError(`24114: The label ${options.spatialFilter.slice(0, 40)} in the input well-known text (WKT) is not valid. ${(err as Error).message}`);
    }
  }
  const order = options.orderByField ? resolveLegacyField(ds, options.orderByField) : undefined;
  const out: number[] = [];
  for (let i = 0; i < ds.rowCount; i++) {
    if (area) {
      const g = ds.rowAt(i).geometry;
      if (!g || !shapesWithin(toLocalShape(g), area, options.bufferDistance * FEET)) continue;
    }
    out.push(i);
  }
  if (order) {
    const source = order.source as string;
    const dir = options.ascending ? 1 : -1;
    const keys = new Map(out.map((i) => [i, typedOf(order, ds.attributesAt(i)[source])]));
    out.sort((x, y) => {
      const a = keys.get(x) as Typed;
      const b = keys.get(y) as Typed;
      if (a === b) return x - y;
      if (a === null) return -dir;
      if (b === null) return dir;
      return (a < b ? -1 : 1) * dir || x - y;
    });
  }
  return out;
}

function records(req: FakeRequest, rawName: string): PlannedResponse {
  let name: string;
  try {
    name = decodeURIComponent(rawName);
  } catch {
    return aspError(400, 'The request is invalid.');
  }
  const ds = req.catalog.byLegacyName(name);
  if (!ds) return aspError(404, `Dataset '${name}' was not found.`);
  if (ds.legacyApiKey !== undefined && req.headers[LEGACY_KEY_HEADER] !== ds.legacyApiKey) {
    return aspError(401, 'Authorization has been denied for this request.');
  }
  let body: Record<string, unknown> | undefined;
  if (req.method === 'POST' && req.body.length) {
    try {
      const parsed = JSON.parse(req.body.toString('utf8')) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return aspError(400, 'The request is invalid.');
    }
  }
  let options: LegacyOptions;
  let positions: number[];
  try {
    options = parseOptions(new URLSearchParams(req.params), body);
    positions = options.schemaOnly ? [] : legacySelect(ds, options);
  } catch (err) {
    if (err instanceof LegacyRequestError) return aspError(400, err.message);
    throw err;
  }
  return json({
    DatasetName: name,
    RecordID: options.recordID,
    Fields: ds.legacyFields.map((f, i) => ({ FieldID: i, FieldName: f.name, FieldType: f.type })),
    Records: positions.map((i) => legacyRecord(ds, i)),
  });
}

function datasetList(req: FakeRequest): PlannedResponse {
  return json(req.catalog.datasets.map((ds) => ({ DatasetName: ds.legacyName, Group: ds.groups[0], Description: ds.legacyDescription })));
}

function datasetDetails(req: FakeRequest): PlannedResponse {
  return json(req.catalog.datasets.map((ds, i) => ({
    DatasetID: i + 1,
    DatasetName: ds.legacyName,
    Group: ds.groups[0],
    Description: ds.legacyDescription,
    UpdateFrequency: ds.updateFrequency,
    LastUpdated: mediumDate(ds.lastEditDate),
    RecordCount: String(ds.rowCount),
    Url: `${req.baseUrl}/services/portal/api/data/records/${encodeURIComponent(ds.legacyName)}`,
  })));
}

function pages(req: FakeRequest): PlannedResponse | null {
  const path = req.pathname.replace(/\/$/, '');
  if (path === '/portal/page/viewer') {
    const name = req.params.get('datasetName') ?? '';
    const ds = req.catalog.byLegacyName(name);
    if (!ds) return { ...htmlPage('Dataset not found', `<h1>Dataset not found</h1><p>${escapeHtml(name)}</p>`), status: 404 };
    const view = req.params.get('view') === 'map' ? 'map' : 'table';
    return htmlPage(`${ds.legacyName} - data.okc.gov`,
      `<h1>${escapeHtml(ds.legacyName)}</h1><p>${escapeHtml(ds.legacyDescription)}</p><div id="${view}" data-records="${ds.rowCount}"></div>`);
  }
  if (path === '/portal/page/catalog') {
    const groups = [...new Set(req.catalog.datasets.map((d) => d.groups[0]))];
    return htmlPage('Data Catalog - data.okc.gov', groups.map((g) => `<h2>${escapeHtml(g)}</h2><ul>${req.catalog.datasets
      .filter((d) => d.groups[0] === g)
      .map((d) => `<li><a href="/portal/page/viewer?datasetName=${encodeURIComponent(d.legacyName)}">${escapeHtml(d.legacyName)}</a></li>`)
      .join('')}</ul>`).join(''));
  }
  if (path === '/portal/page/api') {
    return htmlPage('API - data.okc.gov',
      '<h1>Records API</h1><p><code>/services/portal/api/data/records/{ID}</code>: ID is the dataset name, URL-encoded with %20 for spaces. ' +
      'With no ID an array of available datasets is returned.</p><p>GET options: recordID (default -1), schemaOnly (default false). ' +
      'POST (Content-Type: text/json) accepts every GET option plus orderByField, ascending, spatialFilter (OGC WKT), bufferDistance and attribute queries.</p>');
  }
  if (path === '/portal/page/start') return htmlPage('data.okc.gov', '<h1>OKC Open Data</h1><a href="/portal/page/catalog">Catalog</a>');
  return null;
}

function toWkt(g: GeoJsonGeometry): string {
  const pos = (p: number[]) => `${p[0]} ${p[1]}`;
  const c = g.coordinates as never;
  if (g.type === 'Point') return `POINT (${pos(c)})`;
  if (g.type === 'LineString') return `LINESTRING (${(c as number[][]).map(pos).join(', ')})`;
  if (g.type === 'Polygon') return `POLYGON (${(c as number[][][]).map((r) => `(${r.map(pos).join(', ')})`).join(', ')})`;
  return `GEOMETRYCOLLECTION EMPTY`;
}

/** The map viewer's layer feed (observed path; the geometry text is a guess: WKT, lon lat). */
function mapLayer(req: FakeRequest, rawName: string): PlannedResponse {
  const ds = req.catalog.byLegacyName(decodeURIComponent(rawName));
  if (!ds) return aspError(404, `Dataset '${decodeURIComponent(rawName)}' was not found.`);
  const num = (k: string, d: number) => {
    const v = Number(req.params.get(k));
    return req.params.get(k) === null || !Number.isFinite(v) ? d : v;
  };
  const [minLat, maxLat, minLon, maxLon] = [num('minLatitude', -90), num('maxLatitude', 90), num('minLongitude', -180), num('maxLongitude', 180)];
  const features: Record<string, unknown>[] = [];
  for (let i = 0; i < ds.rowCount && features.length < 5000; i++) {
    const row = ds.rowAt(i);
    if (!row.geometry) break;
    const [lat, lon] = legacyShape(ds, ds.oidAt(i), row.geometry).split(',').map(Number);
    if (lat < minLat || lat > maxLat || lon < minLon || lon > maxLon) continue;
    features.push({ ID: ds.oidAt(i), GeometryType: row.geometry.type, Geometry: toWkt(row.geometry), CenterLat: lat, CenterLong: lon });
  }
  return json({ Features: features });
}

/** Address search (observed: Esri-geocoder-like candidates with attributes.Ref_ID). */
function locate(req: FakeRequest, rawText: string): PlannedResponse {
  const text = decodeURIComponent(rawText).trim().toUpperCase();
  const candidates: Record<string, unknown>[] = [];
  for (const name of ['Address Trash Services', 'Fire Stations', 'Police Stations']) {
    const ds = req.catalog.byLegacyName(name);
    const field = ds?.fields.find((f) => /addr/i.test(f.name));
    if (!ds || !field || !text) continue;
    for (let i = 0; i < ds.rowCount && candidates.length < 20; i++) {
      const row = ds.rowAt(i);
      const address = String(row.attributes[field.name] ?? '');
      if (!address.toUpperCase().includes(text) || !row.geometry) continue;
      const [x, y] = row.geometry.coordinates as number[];
      candidates.push({ address, location: { x, y }, score: address.toUpperCase() === text ? 100 : 90, attributes: { Ref_ID: ds.oidAt(i) } });
    }
  }
  return json({ spatialReference: { wkid: 4326, latestWkid: 4326 }, candidates });
}

export function handleLegacy(req: FakeRequest): PlannedResponse | null {
  const rawPath = req.pathname;
  const map = /^\/services\/portal\/api\/map\/layers\/([^/]+)\/?$/.exec(rawPath);
  if (map) return mapLayer(req, map[1]);
  const location = /^\/services\/portal\/api\/location\/([^/]+)\/?$/.exec(rawPath);
  if (location) return locate(req, location[1]);
  const m = RECORDS.exec(rawPath);
  if (m) {
    if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'HEAD') return aspError(405, "The requested resource does not support http method '" + req.method + "'.");
    return m[1] ? records(req, m[1]) : datasetList(req);
  }
  if (/^\/services\/portal\/api\/datasets\/?$/.test(rawPath)) return datasetDetails(req);
  return pages(req);
}
