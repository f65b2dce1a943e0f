// What a query should return, computed straight from the fake portal's data (data.ts)
// with the DatasetQuery's own meaning, not through SQL: so an execution test checks the
// compiler, the generated program and the fake server together.

import type { DatasetQuery, FieldFilter } from '../../src/query/model';
import type { FakeDataset, FakeValue } from '../portal/data';
import { envelopeGeoJson, shapesWithin, toLocalShape } from '../portal/geo';

type Attributes = Record<string, FakeValue>;

function likeToRegExp(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'su');
}

function matches(filter: FieldFilter, attributes: Attributes): boolean {
  const actual = attributes[filter.field];
  const { value } = filter;
  switch (filter.op) {
    case 'is null':
      return actual === null || actual === undefined;
    case 'is not null':
      return actual !== null && actual !== undefined;
    case 'in':
      return actual !== null && (Array.isArray(value) ? value : [value]).some((v) => v === actual);
    case 'like':
      return typeof actual === 'string' && likeToRegExp(String(value)).test(actual);
    default: {
      if (actual === null || actual === undefined || value === undefined || Array.isArray(value)) return false;
      const a = actual as string | number;
      // Typed compilation turns ISO dates into timestamps and numeric text into numbers.
      const b = typeof a === 'number' && typeof value === 'string' ? (/^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number(value)) : value;
      switch (filter.op) {
        case '=':
          return a === b;
        case '<>':
          return a !== b;
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        case '>=':
          return a >= b;
      }
    }
  }
  return false;
}

function compare(a: FakeValue, b: FakeValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** The query's spatial filter in the fake's local shape, with the distance for `near`. */
function spatialTarget(query: DatasetQuery): { target: ReturnType<typeof toLocalShape> | undefined; radius: number } {
  const spatial = query.spatial;
  if (!spatial) return { target: undefined, radius: 0 };
  const shape =
    spatial.kind === 'bbox'
      ? envelopeGeoJson(spatial.xmin, spatial.ymin, spatial.xmax, spatial.ymax)
      : ({ type: 'Point', coordinates: [spatial.longitude, spatial.latitude] } as const);
  return { target: toLocalShape(shape), radius: spatial.kind === 'near' ? spatial.meters : 0 };
}

/** Attribute rows, in the order and window the query asks for. */
export function expectedRows(ds: FakeDataset, query: DatasetQuery): Attributes[] {
  const filters = query.filters ?? [];
  const { target, radius } = spatialTarget(query);
  const rows: Attributes[] = [];
  for (let i = 0; i < ds.rowCount; i++) {
    const attributes = ds.attributesAt(i);
    const passes = query.join === 'or' ? filters.some((f) => matches(f, attributes)) : filters.every((f) => matches(f, attributes));
    if (filters.length && !passes) continue;
    if (target) {
      const geometry = ds.rowAt(i).geometry;
      if (!geometry || !shapesWithin(toLocalShape(geometry), target, radius)) continue;
    }
    rows.push(attributes);
  }
  const oid = ds.objectIdField;
  const keys = [...(query.sort ?? []), { field: oid, descending: false }];
  rows.sort((x, y) => {
    for (const key of keys) {
      const c = compare(x[key.field], y[key.field]);
      if (c) return key.descending ? -c : c;
    }
    return 0;
  });
  const start = query.offset ?? 0;
  const window = rows.slice(start, query.limit === undefined ? undefined : start + query.limit);
  const fields = query.fields;
  return fields?.length ? window.map((r) => Object.fromEntries(fields.map((f) => [f, r[f]]))) : window;
}

/** Legacy rows: every record as the fake's Records API serves it (strings), then the query's
 * filters, sort, spatial filter and window applied here, typed by the legacy field types. */
export async function expectedLegacyRows(baseUrl: string, ds: FakeDataset, query: DatasetQuery): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${baseUrl}/services/portal/api/data/records/${encodeURIComponent(ds.legacyName)}`, {
    headers: ds.legacyApiKey ? { 'X-Api-Key': ds.legacyApiKey } : {},
  });
  if (!response.ok) throw new Error(`The fake Records API answered ${response.status}`);
  const data = (await response.json()) as { Fields: { FieldName: string; FieldType: string }[]; Records: string[][] };
  const numeric = new Set(data.Fields.filter((f) => /Int|Double|Single|Decimal/.test(f.FieldType)).map((f) => f.FieldName));
  const oidName = ds.legacyFields.find((f) => f.source === ds.objectIdField)?.name ?? 'Object_ID';
  const typed = (name: string, value: string): FakeValue => (numeric.has(name) && value !== '' && value !== 'Not Available' ? Number(value) : value);
  const records = data.Records.map((record) => Object.fromEntries(data.Fields.map((f, i) => [f.FieldName, record[i]])) as Record<string, string>);
  const filters = query.filters ?? [];
  const { target, radius } = spatialTarget(query);
  const kept = records.filter((record) => {
    const attributes = Object.fromEntries(Object.entries(record).map(([k, v]) => [k, typed(k, v)]));
    if (filters.length) {
      const passes = query.join === 'or' ? filters.some((f) => matches(f, attributes)) : filters.every((f) => matches(f, attributes));
      if (!passes) return false;
    }
    if (target) {
      const geometry = ds.rowByOid(Number(record[oidName]))?.geometry;
      if (!geometry || !shapesWithin(toLocalShape(geometry), target, radius)) return false;
    }
    return true;
  });
  const sort = query.sort?.[0];
  if (sort) {
    // The Records API's database compares text without regard to case (SQL Server's default
    // collation), as the fake does.
    const key = (record: Record<string, string>): FakeValue => {
      const value = typed(sort.field, record[sort.field]);
      return typeof value === 'string' ? value.toLowerCase() : value;
    };
    kept.sort((x, y) => {
      const c = compare(key(x), key(y));
      return sort.descending ? -c : c;
    });
  }
  const start = query.offset ?? 0;
  const window = kept.slice(start, query.limit === undefined ? undefined : start + query.limit);
  const fields = query.fields;
  return fields?.length ? window.map((r) => Object.fromEntries(fields.map((f) => [f, r[f]]))) : window;
}
