// Datasets a DCAT catalog offers only as a CSV or JSON download (no FeatureServer layer):
// the file is fetched once (through PortalHttp), parsed with papaparse or JSON.parse, typed
// by sniffing its values, and queried here. Spatial filters need a layer and are refused.
// Nothing the portal serves is changed: a CSV column becomes numeric only when every value
// reads back as the same text (so ZIP `08123` and FIPS `01` stay text), and JSON values keep
// the type the file gave them.

import type Papa from 'papaparse';
import type { DatasetQuery } from '../query/model';
import { compareCaseless, rowTest } from '../query/localFilter';
import { ownCell, setCell } from './cells';
import { PortalError } from './errors';
import type { PortalHttp } from './http';
import type { CellValue, DataRow, DatasetField, DatasetSchema, DatasetSummary, FieldKind, RowPage } from './types';

/** A fetched file serves queries for this long; then it is downloaded again. */
const TABLE_TTL_MS = 5 * 60_000;

interface Table {
  fields: DatasetField[];
  rows: DataRow[];
}

export class DownloadTables {
  private readonly tables = new Map<string, { at: number; table: Promise<Table> }>();

  constructor(private readonly http: PortalHttp) {}

  /** The download a dataset can be read from, CSV first. */
  static source(dataset: DatasetSummary): { format: 'csv' | 'json'; url: string } | undefined {
    const csv = dataset.downloads.find((d) => d.format === 'csv');
    if (csv) return { format: 'csv', url: csv.url };
    const json = dataset.downloads.find((d) => d.format === 'json');
    return json ? { format: 'json', url: json.url } : undefined;
  }

  async schema(dataset: DatasetSummary, signal?: AbortSignal): Promise<DatasetSchema> {
    const table = await this.table(dataset, signal);
    return { fields: table.fields, geometry: 'none', recordCount: table.rows.length };
  }

  async page(dataset: DatasetSummary, query: DatasetQuery, offset: number, count: number, signal?: AbortSignal): Promise<RowPage> {
    const rows = await this.matching(dataset, query, signal);
    const start = Math.max(0, (query.offset ?? 0) + offset);
    const stop = Math.min(rows.length, start + count, query.limit !== undefined ? (query.offset ?? 0) + query.limit : Infinity);
    const fields = query.fields?.length ? query.fields : undefined;
    const page = rows.slice(start, Math.max(start, stop)).map((row) => (fields ? { attributes: Object.fromEntries(fields.map((f) => [f, ownCell(row.attributes, f) ?? null])) } : row));
    return { rows: page, more: stop < rows.length && (query.limit === undefined || stop < (query.offset ?? 0) + query.limit) };
  }

  async count(dataset: DatasetSummary, query: DatasetQuery, signal?: AbortSignal): Promise<number> {
    const rows = await this.matching(dataset, query, signal);
    const available = Math.max(0, rows.length - (query.offset ?? 0));
    return query.limit !== undefined ? Math.min(available, query.limit) : available;
  }

  forget(dataset: DatasetSummary): void {
    this.tables.delete(dataset.id);
  }

  private async matching(dataset: DatasetSummary, query: DatasetQuery, signal?: AbortSignal): Promise<DataRow[]> {
    if (query.spatial) throw new PortalError('rejected', 'This dataset is only a file download; spatial filters need a FeatureServer layer.');
    const table = await this.table(dataset, signal);
    const kinds = new Map(table.fields.map((f) => [f.name, f.kind]));
    const keep = rowTest<DataRow>(query.filters ?? [], query.join, (f) => kinds.get(f), (r, f) => ownCell(r.attributes, f) ?? null);
    let rows = query.filters?.length ? table.rows.filter(keep) : table.rows;
    const sort = query.sort ?? [];
    if (sort.length) {
      rows = [...rows].sort((a, b) => {
        for (const key of sort) {
          const c = compareCaseless(ownCell(a.attributes, key.field) ?? null, ownCell(b.attributes, key.field) ?? null);
          if (c) return key.descending ? -c : c;
        }
        return 0;
      });
    }
    return rows;
  }

  private table(dataset: DatasetSummary, signal?: AbortSignal): Promise<Table> {
    const cached = this.tables.get(dataset.id);
    if (cached && Date.now() - cached.at < TABLE_TTL_MS) return cached.table;
    const source = DownloadTables.source(dataset);
    if (!source) return Promise.reject(new PortalError('rejected', 'This dataset has neither a FeatureServer layer nor a CSV or JSON download.'));
    const table = this.http.text({ url: source.url, signal }).then((response) => parseTable(source.format, response.text, source.url));
    const entry = { at: Date.now(), table };
    this.tables.set(dataset.id, entry);
    table.catch(() => {
      if (this.tables.get(dataset.id) === entry) this.tables.delete(dataset.id);
    });
    return table;
  }
}

export function parseTable(format: 'csv' | 'json', text: string, url: string): Table {
  let records: Record<string, unknown>[];
  if (format === 'csv') {
    if (/^\s*</.test(text.slice(0, 200))) throw new PortalError('malformed', 'The download answered with a web page instead of a CSV file.', { url });
    // Required here rather than imported: this module is part of activation, which never
    // parses a download, and papaparse's module (and Node's stream) would be loaded with it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const papa = require('papaparse') as typeof Papa;
    const parsed = papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
    records = parsed.data;
  } else {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new PortalError('malformed', 'The JSON download is not valid JSON.', { url });
    }
    const list = Array.isArray(value) ? value : (value as { data?: unknown; features?: unknown })?.data ?? (value as { features?: unknown })?.features;
    if (!Array.isArray(list)) throw new PortalError('malformed', 'The JSON download is not a list of records.', { url });
    records = list.map((r) => ((r as { properties?: unknown })?.properties ?? r) as Record<string, unknown>).filter((r) => !!r && typeof r === 'object');
  }
  const names = [...new Set(records.slice(0, 1000).flatMap((r) => Object.keys(r)))];
  const kinds = new Map(names.map((n) => [n, sniffKind(records, n, format)]));
  const fields: DatasetField[] = names.map((name) => ({ name, kind: kinds.get(name)!, nativeType: format === 'csv' ? 'csv' : 'json' }));
  const rows = records.map((r) => {
    const attributes: Record<string, CellValue> = {};
    for (const name of names) setCell(attributes, name, typed(ownCell(r, name), kinds.get(name)!, format));
    return { attributes };
  });
  return { fields, rows };
}

/** A column is numeric only when every non-empty value in it survives the round trip
 * unchanged: JSON numbers, or CSV text that `String(Number(text))` gives back exactly.
 * `08123`, `01`, ` 7`, `1.50`, `1e3` and `-0` all stay text. The first thousand rows decide;
 * `typed` keeps any later value that does not fit as the text it was. */
export function sniffKind(records: Record<string, unknown>[], name: string, format: 'csv' | 'json' = 'csv'): FieldKind {
  let seen = 0;
  let integer = true;
  for (const r of records.slice(0, 1000)) {
    const v = ownCell(r, name);
    if (v === null || v === undefined || v === '') continue;
    // A JSON file says which values are numbers; only CSV text needs reading.
    const n = typeof v === 'number' ? v : typeof v === 'string' && format === 'csv' ? exactNumber(v) : undefined;
    if (n === undefined || !Number.isFinite(n)) return 'string';
    if (!Number.isInteger(n)) integer = false;
    seen++;
  }
  return seen === 0 ? 'string' : integer ? 'integer' : 'double';
}

/** The number `text` spells when it spells it exactly as JavaScript would print it. */
function exactNumber(text: string): number | undefined {
  const n = Number(text);
  return Number.isFinite(n) && String(n) === text ? n : undefined;
}

function typed(value: unknown, kind: FieldKind, format: 'csv' | 'json'): CellValue {
  if (value === null || value === undefined) return null;
  if (kind === 'integer' || kind === 'double') {
    if (value === '') return null;
    if (typeof value === 'number') return value;
    // A value past the sniffed rows that is not an exact number stays as served.
    return typeof value === 'string' && format === 'csv' ? exactNumber(value) ?? value : typeof value === 'object' ? JSON.stringify(value) : (value as CellValue);
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return value as CellValue;
}
