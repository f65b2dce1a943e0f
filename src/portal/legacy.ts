// The legacy data.okc.gov Records API. It has no paging and answers every value as a
// string, so this reads its positional records into typed rows once per query and serves
// pages from that copy. The site sits behind a bot check that PortalHttp recognises.

import { legacyRecordsUrl, legacyRequest, LEGACY_RECORDS_PATH } from '../query/compile';
import type { DatasetQuery } from '../query/model';
import { compareCells, ownCell, setCell } from './cells';
import { rowTest } from '../query/localFilter';
import type { Credentials } from './hub';
import type { PortalHttp } from './http';
import { PromiseCache } from '../util/promiseCache';
import { asArray, asObject, optionalString, type JsonObject } from './shape';
import type { CellValue, DataRow, DatasetField, DatasetSchema, DatasetSummary, FieldKind, GeoJsonGeometry, Portal, PortalConfig, RowPage, SchemaLimits } from './types';

/** Header the legacy portal reads an issued API key from. */
export const LEGACY_TOKEN_HEADER = 'X-Api-Key';
/** The Records API's word for a missing value. */
const NOT_AVAILABLE = 'Not Available';
const RESULT_CACHE_SIZE = 2;
/** A fetched result serves pages for this long; then the portal is asked again. */
const RESULT_TTL_MS = 2 * 60_000;

interface LegacyResult {
  fields: DatasetField[];
  rows: DataRow[];
}

export class LegacyPortal implements Portal {
  private readonly results = new Map<string, { at: number; result: Promise<LegacyResult> }>();
  private readonly schemas = new PromiseCache<string, DatasetSchema>();

  constructor(
    readonly config: PortalConfig,
    private readonly http: PortalHttp,
    private readonly credentials: Credentials,
  ) {}

  private get siteUrl(): string {
    return this.config.url.replace(/\/+$/, '').replace(new RegExp(`${LEGACY_RECORDS_PATH}$`), '');
  }

  async listDatasets(signal?: AbortSignal): Promise<DatasetSummary[]> {
    const list = await this.http.json({ url: `${this.siteUrl}${LEGACY_RECORDS_PATH}`, headers: await this.headers(), signal, conditional: true }, (v) =>
      asArray(Array.isArray(v) ? v : asObject(v, 'the dataset list').Datasets ?? (v as JsonObject).datasets, 'the dataset list'),
    );
    const datasets: DatasetSummary[] = [];
    for (const entry of list) {
      const summary = this.fromListEntry(entry);
      if (summary) datasets.push(summary);
    }
    return datasets;
  }

  /** The documented answer is "an array of available datasets"; names come as strings or objects. */
  private fromListEntry(entry: unknown): DatasetSummary | undefined {
    const o: JsonObject = typeof entry === 'string' ? { DatasetName: entry } : asObject(entry, 'a dataset entry');
    const name = optionalString(o.DatasetName) ?? optionalString(o.Name) ?? optionalString(o.name);
    if (!name) return undefined;
    const group = optionalString(o.Group) ?? optionalString(o.GroupName) ?? optionalString(o.Category) ?? 'Other';
    const viewer = `${this.siteUrl}/portal/page/viewer?datasetName=${encodeURIComponent(name)}`;
    return {
      portal: this.config.name,
      id: name,
      title: name,
      description: optionalString(o.Description) ?? '',
      groups: [group],
      keywords: [],
      license: optionalString(o.License),
      updateFrequency: optionalString(o.UpdateFrequency),
      publisher: optionalString(o.Department) ?? optionalString(o.Publisher),
      contact: optionalString(o.ContactEmail) || optionalString(o.Contact) ? { name: optionalString(o.Contact), email: optionalString(o.ContactEmail) } : undefined,
      modified: optionalString(o.LastUpdated) ?? optionalString(o.Modified),
      landingPage: viewer,
      apiUrl: legacyRecordsUrl(this.siteUrl, name),
      downloads: [],
      geometry: 'unknown',
    };
  }

  getSchema(dataset: DatasetSummary, signal?: AbortSignal, limits?: SchemaLimits): Promise<DatasetSchema> {
    if (limits?.maxBytes === undefined) return this.schemas.get(dataset.id, () => this.fetchSchema(dataset, signal));
    // Not shared while in flight (see HubPortal.getSchema).
    return this.schemas.peek(dataset.id) ?? this.fetchSchema(dataset, signal, limits.maxBytes).then((schema) => {
      this.schemas.offer(dataset.id, schema);
      return schema;
    });
  }

  forget(dataset: DatasetSummary): void {
    this.schemas.delete(dataset.id);
    const prefix = JSON.stringify([dataset.id]).slice(0, -1);
    for (const key of [...this.results.keys()]) if (key.startsWith(prefix + ',')) this.results.delete(key);
  }

  private async fetchSchema(dataset: DatasetSummary, signal?: AbortSignal, maxBytes?: number): Promise<DatasetSchema> {
    const params = new URLSearchParams({ schemaOnly: 'true' });
    const fields = await this.http.json(
      { url: legacyRecordsUrl(this.siteUrl, dataset.id), searchParams: params, headers: await this.headers(), signal, conditional: true, maxBytes },
      (v) => asArray(asObject(v, 'the records answer').Fields, 'the Fields list').map((f) => legacyField(asObject(f, 'a field'))),
    );
    const oid = fields.find((f) => /^object_?id$/i.test(f.name));
    if (oid) oid.kind = 'oid';
    return { fields, objectIdField: oid?.name, geometry: fields.some((f) => f.kind === 'geometry') ? 'unknown' : 'none' };
  }

  async queryPage(dataset: DatasetSummary, query: DatasetQuery, offset: number, count: number, signal?: AbortSignal): Promise<RowPage> {
    const { rows } = await this.result(dataset, query, signal);
    const start = Math.max(0, (query.offset ?? 0) + offset);
    const end = Math.min(rows.length, start + count, query.limit !== undefined ? (query.offset ?? 0) + query.limit : Infinity);
    const wantGeometry = query.returnGeometry ?? query.format === 'geojson';
    const fields = query.fields?.length ? new Set(query.fields.map((f) => f.toLowerCase())) : undefined;
    const page = rows.slice(start, Math.max(start, end)).map((row) => project(row, fields, wantGeometry));
    return { rows: page, more: end < rows.length && (query.limit === undefined || end < (query.offset ?? 0) + query.limit) };
  }

  async countRows(dataset: DatasetSummary, query: DatasetQuery, signal?: AbortSignal): Promise<number> {
    const { rows } = await this.result(dataset, query, signal);
    const available = Math.max(0, rows.length - (query.offset ?? 0));
    return query.limit !== undefined ? Math.min(available, query.limit) : available;
  }

  queryUrl(dataset: DatasetSummary, query: DatasetQuery): string {
    return legacyRequest(query, this.siteUrl, dataset.id).url;
  }

  feedbackUrl(dataset: DatasetSummary): string {
    return `${this.siteUrl}/portal/page/viewer?datasetName=${encodeURIComponent(dataset.id)}`;
  }

  /** One request per distinct filter/sort: the API returns every matching row at once. */
  private result(dataset: DatasetSummary, query: DatasetQuery, signal?: AbortSignal): Promise<LegacyResult> {
    // Filters are applied here (the API documents none), so they are part of the key.
    const key = JSON.stringify([dataset.id, query.filters ?? [], query.join ?? 'and', query.sort ?? [], query.spatial ?? null]);
    const cached = this.results.get(key);
    this.results.delete(key);
    if (cached && Date.now() - cached.at < RESULT_TTL_MS) {
      // Re-inserted so the most recently used results stay.
      this.results.set(key, cached);
      return cached.result;
    }
    const result = this.fetchResult(dataset, query, signal);
    const entry = { at: Date.now(), result };
    this.results.set(key, entry);
    result.catch(() => {
      if (this.results.get(key) === entry) this.results.delete(key);
    });
    while (this.results.size > RESULT_CACHE_SIZE) this.results.delete(this.results.keys().next().value as string);
    return result;
  }

  private async fetchResult(dataset: DatasetSummary, query: DatasetQuery, signal?: AbortSignal): Promise<LegacyResult> {
    const request = legacyRequest(query, this.siteUrl, dataset.id);
    const result = await this.http.json(
      {
        url: request.url,
        method: request.method,
        body: request.body ? JSON.stringify(request.body) : undefined,
        contentType: request.body ? 'text/json' : undefined,
        headers: await this.headers(),
        signal,
      },
      (v) => readRecords(asObject(v, 'the records answer')),
    );
    // The city's guide documents no attribute filter parameter: filter the records here.
    if (query.filters?.length) {
      const kinds = new Map(result.fields.map((f) => [f.name.toLowerCase(), f.kind]));
      const keep = rowTest<DataRow>(query.filters, query.join, (f) => kinds.get(f.toLowerCase()), (r, f) => ownCell(r.attributes, f) ?? null);
      result.rows = result.rows.filter(keep);
    }
    // The API sorts by one field; any further sort keys are applied here, stably.
    const extra = (query.sort ?? []).slice(1);
    if (extra.length) {
      const primary = query.sort![0];
      const keys = [primary, ...extra];
      result.rows.sort((a, b) => {
        for (const k of keys) {
          const c = compareCells(ownCell(a.attributes, k.field) ?? null, ownCell(b.attributes, k.field) ?? null);
          if (c) return k.descending ? -c : c;
        }
        return 0;
      });
    }
    return result;
  }

  private async headers(): Promise<Record<string, string>> {
    const token = await this.credentials.token();
    return token ? { [LEGACY_TOKEN_HEADER]: token } : {};
  }
}

const LEGACY_KINDS: Record<string, FieldKind> = {
  'System.Int16': 'integer',
  'System.Int32': 'integer',
  'System.Int64': 'integer',
  'System.Byte': 'integer',
  'System.Double': 'double',
  'System.Single': 'double',
  'System.Decimal': 'double',
  'System.String': 'string',
  'System.DateTime': 'date',
  'System.Guid': 'guid',
  'System.Boolean': 'other',
  'Microsoft.SqlServer.Types.SqlGeometry': 'geometry',
  'Microsoft.SqlServer.Types.SqlGeography': 'geometry',
};

function legacyField(f: JsonObject): DatasetField {
  const name = optionalString(f.FieldName);
  if (!name) throw new Error('a field has no FieldName');
  const nativeType = optionalString(f.FieldType) ?? 'unknown';
  return { name, kind: LEGACY_KINDS[nativeType] ?? 'other', nativeType };
}

function readRecords(body: JsonObject): LegacyResult {
  const fields = asArray(body.Fields, 'the Fields list').map((f) => legacyField(asObject(f, 'a field')));
  const records = asArray(body.Records, 'the Records list');
  const rows = records.map((r) => {
    const values = asArray(r, 'a record');
    const attributes: Record<string, CellValue> = {};
    let geometry: GeoJsonGeometry | null = null;
    fields.forEach((field, i) => {
      const raw = values[i];
      if (field.kind === 'geometry') geometry = parseShape(raw);
      else setCell(attributes, field.name, legacyValue(raw, field.kind));
    });
    return { attributes, geometry };
  });
  return { fields, rows };
}

/** Every value arrives as a string; numbers become numbers and "Not Available" or "" become null. */
export function legacyValue(raw: unknown, kind: FieldKind): CellValue {
  if (raw === null || raw === undefined) return null;
  const text = String(raw);
  if (text === '' || text === NOT_AVAILABLE) return null;
  if (kind === 'integer' || kind === 'double' || kind === 'oid') {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  return text;
}

/** `"lat,lon,zoom"` (the portal's own form, not WKT) -> a GeoJSON point. */
export function parseShape(raw: unknown): GeoJsonGeometry | null {
  if (typeof raw !== 'string') return null;
  const [lat, lon] = raw.split(',').map(Number);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  return { type: 'Point', coordinates: [lon, lat] };
}

function project(row: DataRow, fields: Set<string> | undefined, wantGeometry: boolean): DataRow {
  const attributes = fields ? Object.fromEntries(Object.entries(row.attributes).filter(([k]) => fields.has(k.toLowerCase()))) : row.attributes;
  return wantGeometry ? { attributes, geometry: row.geometry ?? null } : { attributes };
}
