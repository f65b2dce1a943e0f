// Reads a window of rows through the index: one read of the rows' bytes, then papaparse on
// each row on its own, so a malformed row reports its own error and cannot shift the others.

import Papa from 'papaparse';
import type { CsvDialect } from './dialect';
import { textDecoderFor } from './encoding';
import type { RowIndex } from './rowIndex';
import type { RandomAccessSource } from './source';

export interface RowError {
  /** Data row (0-based, after the header). */
  row: number;
  message: string;
}

export interface RowWindow {
  /** Data row of `rows[0]`. */
  firstRow: number;
  rows: string[][];
  errors: RowError[];
}

export interface ReadRowsOptions {
  /** A longer row is cut to this many bytes and reported (default 16 MiB), so one runaway field cannot exhaust memory. */
  maxRowBytes?: number;
}

const DEFAULT_MAX_ROW_BYTES = 16 * 1024 * 1024;
/** Windows up to this size are read in one go; bigger ones row by row. */
const SINGLE_READ_LIMIT = 32 * 1024 * 1024;

/**
 * Data rows `[firstRow, firstRow + count)`, clipped to the rows indexed so far (see
 * `RowIndex.rowCount`), so the result may hold fewer than `count` rows.
 */
export async function readRows(
  source: RandomAccessSource,
  index: RowIndex,
  dialect: CsvDialect,
  firstRow: number,
  count: number,
  opts: ReadRowsOptions = {},
): Promise<RowWindow> {
  const first = Math.max(0, Math.floor(firstRow));
  const end = Math.min(index.rowCount, first + Math.max(0, Math.floor(count)));
  const ranges: [number, number][] = [];
  for (let row = first; row < end; row++) ranges.push(index.byteRangeOf(row));
  const { records, errors } = await readRecords(source, dialect, ranges, opts.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES);
  return { firstRow: first, rows: records, errors: errors.map((e) => ({ row: first + e.record, message: e.message })) };
}

/** The header's cells, or undefined when the dialect has none or it is not indexed yet. */
export async function readHeader(source: RandomAccessSource, index: RowIndex, dialect: CsvDialect): Promise<string[] | undefined> {
  const range = dialect.hasHeader ? index.headerRange() : undefined;
  if (!range) return undefined;
  const { records } = await readRecords(source, dialect, [range], DEFAULT_MAX_ROW_BYTES);
  return records[0];
}

async function readRecords(
  source: RandomAccessSource,
  dialect: CsvDialect,
  ranges: [number, number][],
  maxRowBytes: number,
): Promise<{ records: string[][]; errors: { record: number; message: string }[] }> {
  const records: string[][] = [];
  const errors: { record: number; message: string }[] = [];
  if (ranges.length === 0) return { records, errors };

  const windowStart = ranges[0][0];
  const windowEnd = ranges[ranges.length - 1][1];
  const whole = windowEnd - windowStart <= SINGLE_READ_LIMIT ? await source.read(windowStart, windowEnd - windowStart) : undefined;
  const decode = textDecoderFor(dialect.encoding);
  const unit = dialect.encoding.startsWith('utf-16') ? 2 : 1;

  for (let r = 0; r < ranges.length; r++) {
    const [start, end] = ranges[r];
    let length = end - start;
    if (length > maxRowBytes) {
      length = maxRowBytes - (maxRowBytes % unit);
      errors.push({ record: r, message: `The row is ${formatBytes(end - start)}; only its first ${formatBytes(length)} are shown.` });
    }
    const bytes = whole ? whole.subarray(start - windowStart, start - windowStart + length) : await source.read(start, length);
    records.push(parseRecord(decode(bytes), dialect, (message) => errors.push({ record: r, message })));
  }
  return { records, errors };
}

/**
 * One record's text to cells. Its line break (and any empty lines after it) becomes one
 * `\n`, because papaparse only accepts spaces after a closing quote when a delimiter or
 * line break follows them.
 */
function parseRecord(raw: string, dialect: CsvDialect, report: (message: string) => void): string[] {
  const parsed = Papa.parse<string[]>(stripLineBreaks(raw) + '\n', { delimiter: dialect.delimiter, quoteChar: dialect.quote, newline: '\n' });
  const rows = parsed.data;
  const last = rows[rows.length - 1];
  if (rows.length > 1 && last.length === 1 && last[0] === '') rows.pop();
  for (const error of parsed.errors) report(error.message);
  if (parsed.errors.some((e) => e.code === 'MissingQuotes')) {
    // An unterminated quote swallowed the line break added above; give it back.
    const cells = rows[rows.length - 1];
    if (cells && cells[cells.length - 1].endsWith('\n')) cells[cells.length - 1] = cells[cells.length - 1].slice(0, -1);
  }
  if (rows.length > 1) report(`The row parsed as ${rows.length} rows; their cells were joined.`);
  return rows.length === 0 ? [''] : rows.length === 1 ? rows[0] : rows.flat();
}

/** A row's bytes run to the next row's start: drop its line break and any empty lines after it. */
function stripLineBreaks(text: string): string {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 10 && c !== 13) break;
    end--;
  }
  return end === text.length ? text : text.slice(0, end);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${bytes} bytes`;
}
