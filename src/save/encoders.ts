// Streaming encoders: each turns pages of rows into text chunks (CSV, JSON, GeoJSON,
// NDJSON) so a dataset is written page by page and never held whole. Pure.
//
// JSON and GeoJSON put one record per line on purpose: the refresh reader can then
// re-read a saved file line by line instead of parsing it whole.

import Papa from 'papaparse';
import { cellReader } from '../portal/cells';
import type { CellValue, DataRow } from '../portal/types';
import { EsriJsonCsvConverter, type ConvertedPage } from './esriJsonCsv';
import { GeoJsonPageConverter } from './geojsonPageBytes';
import { assertWgs84, cellText, isoFromEpochMs, pointOf, rowObjectBuilder, typedValue, typedValueFor, type Column, type ColumnPlan, type SaveFormat, type SavedValue } from './values';

/** Called once per encoded record with the record's id (object id field, when the file
 * carries it) and its canonical text; refresh hashes the text to detect changes. */
export type RecordObserver = (id: string | number | undefined, canonical: string) => void;

export interface StreamEncoder {
  readonly format: SaveFormat;
  /** Text before the first row (CSV header, `[`, FeatureCollection opening). */
  start(): string;
  /** Text for one page of rows, in order. */
  page(rows: readonly DataRow[]): string;
  /** Text after the last row. */
  end(): string;
  /** Records for a FeatureServer answer (esri JSON, no geometry) read straight from its bytes;
   * undefined when this encoder or this page needs the rows parsed first. Output is
   * byte-identical to `page(rows)`. */
  pageFromEsriJson?(body: Uint8Array): ConvertedPage | undefined;
  /** Feature lines for an `f=geojson` answer read straight from its bytes, when it holds
   * exactly `rows` features; undefined when this encoder or this page needs the rows parsed
   * first. Output is byte-identical to `page(rows)`. */
  pageFromGeoJson?(body: Uint8Array, rows: number): ConvertedPage | undefined;
}

export interface EncoderOptions {
  onRecord?: RecordObserver;
  /** Prefix CSV text cells starting with = + - @ (not numbers) with `'` so spreadsheet apps do
   * not run them as formulas. Off by default: it changes the data. */
  escapeFormulae?: boolean;
}

/** A stable key for an object id: integers as numbers, anything else as text. */
export function idKey(value: unknown): string | number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number') return value;
  const text = String(value);
  if (/^-?\d{1,15}$/.test(text)) return Number(text);
  return text;
}

const FORMULA_START = /^[=+\-@\t\r]/;
// papaparse quotes a cell holding its BAD_DELIMITERS (CR, LF, quote, BOM), the delimiter,
// or a leading/trailing space.
const PAPA_WOULD_QUOTE = /[\r\n",\uFEFF]|^ | $/;

/** Kinds whose cells cellTextFor types; every other kind writes a string as it came. */
const NUMERIC_OR_DATE = new Set<Column['kind']>(['date', 'integer', 'double', 'oid']);

/** CSV text of a cell, by column kind, with the common cases first: the encoder runs it for
 * every cell of every row. Same result as cellText(typedValue(value, kind)). */
function cellTextFor(kind: Column['kind']): (value: CellValue | undefined) => string {
  switch (kind) {
    case 'date':
      return (value) => (typeof value === 'number' ? (isoFromEpochMs(value) ?? String(value)) : cellText(typedValue(value, kind)));
    case 'integer':
    case 'double':
    case 'oid':
      return (value) => (typeof value === 'number' ? String(value) : cellText(typedValue(value, kind)));
    default:
      return (value) => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));
  }
}

/** A cell's text as a CSV field: quoted by papaparse when papaparse would quote it. */
function csvField(text: string): string {
  return PAPA_WOULD_QUOTE.test(text) ? Papa.unparse([[text]], { newline: '\r\n' }) : text;
}

/** csvField(cellTextFor(kind)(value)), skipping the quoting test where the text is a number
 * or an ISO date and so never needs quotes. */
function csvFieldFor(kind: Column['kind']): (value: CellValue | undefined) => string {
  const text = cellTextFor(kind);
  switch (kind) {
    case 'date':
      return (value) => (typeof value === 'number' ? (isoFromEpochMs(value) ?? String(value)) : csvField(text(value)));
    case 'integer':
    case 'double':
    case 'oid':
      return (value) => (typeof value === 'number' ? String(value) : csvField(text(value)));
    default:
      return (value) => (typeof value === 'string' ? csvField(value) : value === null || value === undefined ? '' : csvField(String(value)));
  }
}

class CsvEncoder implements StreamEncoder {
  readonly format = 'csv' as const;
  private readonly header: string[];
  private readonly idColumn: number;
  private readonly quoteAll: boolean;
  private readonly texts: ((value: CellValue | undefined) => string)[];
  private readonly fields: ((value: CellValue | undefined) => string)[];
  private readonly readers: ((attributes: Readonly<Record<string, CellValue>>) => CellValue | undefined)[];
  /** Present only when every record is plain cell text (no observer, no formula escaping, no
   * geometry, more than one column, distinct names): then the save asks for raw pages. */
  readonly pageFromEsriJson?: (body: Uint8Array) => ConvertedPage | undefined;

  constructor(private readonly plan: ColumnPlan, private readonly options: EncoderOptions) {
    this.header = plan.columns.map((c) => c.name);
    if (plan.geometry === 'lonlat') this.header.push(plan.longitudeName, plan.latitudeName);
    else if (plan.geometry === 'geojson') this.header.push(plan.geometryName);
    this.idColumn = plan.objectIdField ? this.header.indexOf(plan.objectIdField) : -1;
    // With one column an empty cell would be an empty line, which readers skip.
    this.quoteAll = this.header.length === 1;
    this.texts = plan.columns.map((c) => cellTextFor(c.kind));
    this.fields = plan.columns.map((c) => csvFieldFor(c.kind));
    this.readers = plan.columns.map((c) => cellReader<CellValue>(c.name));
    if (!options.onRecord && !options.escapeFormulae && !this.quoteAll && plan.geometry === 'none') {
      const converter = EsriJsonCsvConverter.create(
        plan.columns.map((c, i) => ({ name: c.name, text: !NUMERIC_OR_DATE.has(c.kind), date: c.kind === 'date', field: this.fields[i] })),
      );
      if (converter) this.pageFromEsriJson = (body) => converter.convert(body);
    }
  }

  start(): string {
    return this.unparse([this.header]);
  }

  page(rows: readonly DataRow[]): string {
    if (!rows.length) return '';
    let text = '';
    if (!this.options.onRecord && !this.options.escapeFormulae && !this.quoteAll) {
      for (const row of rows) text += this.fastRecord(row);
      return text;
    }
    for (const row of rows) {
      const cells = this.cells(row);
      if (this.options.escapeFormulae) {
        for (let c = 0; c < this.plan.columns.length; c++) {
          if (typeof this.readers[c](row.attributes) === 'string' && FORMULA_START.test(cells[c])) cells[c] = `'${cells[c]}`;
        }
      }
      this.options.onRecord?.(this.idColumn >= 0 ? idKey(cells[this.idColumn]) : undefined, JSON.stringify(cells));
      text += this.record(cells);
    }
    return text;
  }

  end(): string {
    return '';
  }

  /** `record(cells(row))` without the intermediate array: the path of a plain save. */
  private fastRecord(row: DataRow): string {
    const columns = this.plan.columns;
    const attributes = row.attributes;
    let line = '';
    for (let c = 0; c < columns.length; c++) {
      const field = this.fields[c](this.readers[c](attributes));
      line = c === 0 ? field : `${line},${field}`;
    }
    if (this.plan.geometry !== 'none') {
      const cells = this.cells(row);
      for (let c = columns.length; c < cells.length; c++) line = c === 0 ? csvField(cells[c]) : `${line},${csvField(cells[c])}`;
    }
    return `${line}\r\n`;
  }

  private cells(row: DataRow): string[] {
    const cells = new Array<string>(this.header.length);
    const columns = this.plan.columns;
    for (let c = 0; c < columns.length; c++) cells[c] = this.texts[c](this.readers[c](row.attributes));
    if (this.plan.geometry === 'lonlat') {
      const [lon, lat] = pointOf(row);
      cells[columns.length] = lon === null ? '' : String(lon);
      cells[columns.length + 1] = lat === null ? '' : String(lat);
    } else if (this.plan.geometry === 'geojson') {
      cells[columns.length] = row.geometry ? JSON.stringify(row.geometry) : '';
    }
    return cells;
  }

  /** One CSV record with its CRLF. The text is exactly what `Papa.unparse` writes for it: a
   * cell papaparse would quote goes through papaparse; the rest (nearly every cell) is
   * joined here, which cut the encoder's cost about threefold on a million rows. A test holds the two
   * byte-identical. */
  private record(cells: string[]): string {
    if (this.quoteAll) return this.unparse([cells]);
    let line = '';
    for (let c = 0; c < cells.length; c++) {
      const cell = csvField(cells[c]);
      line = c === 0 ? cell : `${line},${cell}`;
    }
    return `${line}\r\n`;
  }

  private unparse(records: string[][]): string {
    // Every record ends in CRLF, the last one included (RFC 4180 allows it; appending is simpler).
    return Papa.unparse(records, { newline: '\r\n', quotes: this.quoteAll }) + '\r\n';
  }
}

/** JSON array and NDJSON: the same typed object per row, different framing. */
class ObjectEncoder implements StreamEncoder {
  private first = true;
  private readonly idField?: string;
  private readonly object: (row: DataRow) => Record<string, unknown>;

  constructor(
    readonly format: 'json' | 'ndjson',
    plan: ColumnPlan,
    private readonly options: EncoderOptions,
  ) {
    this.idField = plan.columns.some((c) => c.name === plan.objectIdField) ? plan.objectIdField : undefined;
    this.object = rowObjectBuilder(plan, true);
  }

  start(): string {
    return this.format === 'json' ? '[\n' : '';
  }

  page(rows: readonly DataRow[]): string {
    if (!rows.length) return '';
    const lines = rows.map((row) => {
      const object = this.object(row);
      const text = JSON.stringify(object);
      this.options.onRecord?.(this.idField ? idKey(object[this.idField]) : undefined, text);
      return text;
    });
    if (this.format === 'ndjson') return lines.join('\n') + '\n';
    const text = (this.first ? '' : ',\n') + lines.join(',\n');
    this.first = false;
    return text;
  }

  end(): string {
    if (this.format === 'ndjson') return '';
    return this.first ? ']\n' : '\n]\n';
  }
}

class GeoJsonEncoder implements StreamEncoder {
  readonly format = 'geojson' as const;
  private first = true;
  private readonly idField?: string;
  private readonly properties: (row: DataRow) => Record<string, unknown>;
  /** Present when no observer needs each record's text: then the save asks for raw pages. */
  readonly pageFromGeoJson?: (body: Uint8Array, rows: number) => ConvertedPage | undefined;

  constructor(plan: ColumnPlan, private readonly options: EncoderOptions) {
    this.idField = plan.columns.some((c) => c.name === plan.objectIdField) ? plan.objectIdField : undefined;
    this.properties = rowObjectBuilder(plan, false);
    if (!options.onRecord) {
      const converter = GeoJsonPageConverter.create(
        plan.columns.map((c) => ({
          name: c.name,
          kind: c.kind === 'date' ? 'date' : NUMERIC_OR_DATE.has(c.kind) ? 'number' : 'text',
          typed: typedValueFor(c.kind),
        })),
        this.idField,
      );
      if (converter) {
        this.pageFromGeoJson = (body, rows) => {
          const converted = converter.convert(body, this.first);
          if (!converted || converted.rows !== rows) return undefined;
          if (rows) this.first = false;
          return converted;
        };
      }
    }
  }

  start(): string {
    return '{"type":"FeatureCollection","features":[\n';
  }

  page(rows: readonly DataRow[]): string {
    if (!rows.length) return '';
    const lines = rows.map((row) => {
      const properties = this.properties(row);
      const geometry = row.geometry ?? null;
      if (geometry) assertWgs84(geometry);
      const id = this.idField ? (properties[this.idField] as SavedValue) : null;
      const feature = id === null || id === undefined
        ? { type: 'Feature', geometry, properties }
        : { type: 'Feature', id, geometry, properties };
      const text = JSON.stringify(feature);
      this.options.onRecord?.(this.idField ? idKey(id) : undefined, text);
      return text;
    });
    const text = (this.first ? '' : ',\n') + lines.join(',\n');
    this.first = false;
    return text;
  }

  end(): string {
    return this.first ? ']}\n' : '\n]}\n';
  }
}

export function createEncoder(format: SaveFormat, plan: ColumnPlan, options: EncoderOptions = {}): StreamEncoder {
  switch (format) {
    case 'csv':
      return new CsvEncoder(plan, options);
    case 'json':
    case 'ndjson':
      return new ObjectEncoder(format, plan, options);
    case 'geojson':
      return new GeoJsonEncoder(plan, options);
  }
}
