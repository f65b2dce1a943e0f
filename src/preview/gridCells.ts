// Cell handling on the host side of the grid: cutting long cells before they cross into the
// webview, CSV for the clipboard, local sorting of loaded rows, and filter values typed by
// field kind. No `vscode` import.

import Papa from 'papaparse';
import type { GridCell, GridColumn, GridFilter, GridSortKey } from '../protocol';
import { compareCaseless } from '../query/localFilter';
import type { FieldFilter, SortKey } from '../query/model';

/** Longest cell text sent for the grid; the row detail gets more (DETAIL_CHARS). */
export const DISPLAY_CHARS = 500;
/** Longest cell text the row detail shows; 10 MB cells stop here. */
export const DETAIL_CHARS = 100_000;
/** Most rows one copy puts on the clipboard. */
export const MAX_COPY_ROWS = 10_000;

export function cutCell(value: GridCell, max: number): { value: GridCell; cut: boolean } {
  if (typeof value !== 'string' || value.length <= max) return { value, cut: false };
  // Never split a surrogate pair: a lone half would render as a replacement box.
  let end = max;
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return { value: value.slice(0, end), cut: true };
}

export function cutRows(rows: GridCell[][], max = DISPLAY_CHARS): { rows: GridCell[][]; cut: [number, number][] } {
  const cut: [number, number][] = [];
  const out = rows.map((row, r) =>
    row.map((cell, c) => {
      const result = cutCell(cell, max);
      if (result.cut) cut.push([r, c]);
      return result.value;
    }),
  );
  return { rows: out, cut };
}

/** Most columns one window of a wide grid carries. */
export const MAX_WINDOW_COLUMNS = 1_000;

/** The columns a webview asked for, made safe: whole indexes of existing columns, each once,
 * in order, at most MAX_WINDOW_COLUMNS; undefined (every column) when it asked for none. */
export function windowColumns(asked: unknown, width: number): number[] | undefined {
  if (!Array.isArray(asked)) return undefined;
  const wanted = new Set<number>();
  for (const i of asked) if (Number.isInteger(i) && i >= 0 && i < width) wanted.add(i as number);
  return [...wanted].sort((a, b) => a - b).slice(0, MAX_WINDOW_COLUMNS);
}

/** Each row's cells of `columns` only (every cell when `columns` is undefined). */
export function pickColumns(rows: GridCell[][], columns: number[] | undefined): GridCell[][] {
  if (!columns) return rows;
  return rows.map((row) => columns.map((i) => row[i] ?? null));
}

/** RFC 4180 CSV (papaparse) of rows, with an optional header; null becomes an empty field. */
export function rowsToCsv(header: string[] | undefined, rows: GridCell[][]): string {
  const data = rows.map((row) => row.map((cell) => (cell === null ? '' : String(cell))));
  return Papa.unparse(header ? [header, ...data] : data, { newline: '\r\n', escapeFormulae: false });
}

/** Orders rows by one column as the portal would (`compareCaseless`: nulls lowest, numbers
 * numerically, text case-insensitively), so a sort done here matches the server's; stable. */
export function sortRowsLocally(rows: GridCell[][], column: number, descending: boolean): GridCell[][] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => {
      const c = compareCaseless(a.row[column] ?? null, b.row[column] ?? null);
      return (descending ? -c : c) || a.i - b.i;
    })
    .map((e) => e.row);
}

/** A filter the grid cannot send; the host words it for the user (this module has no l10n). */
export class FilterValueError extends Error {
  constructor(
    readonly problem: 'noField' | 'notNumber',
    readonly field: string,
    readonly value: string,
  ) {
    super(problem === 'noField' ? `There is no field named ${JSON.stringify(field)}.` : `${field} is a number field; "${value}" is not a number.`);
  }
}

/** The grid's filters as the query model wants them: numbers for numeric fields, ISO text for dates. */
export function toFieldFilters(filters: GridFilter[], columns: GridColumn[]): FieldFilter[] {
  return filters.map((f) => {
    const column = columns.find((c) => c.name === f.field);
    if (!column) throw new FilterValueError('noField', f.field, '');
    if (f.op === 'is null' || f.op === 'is not null') return { field: f.field, op: f.op };
    const raw = String(f.value ?? '').trim();
    if (['integer', 'double', 'oid'].includes(column.kind)) {
      const n = Number(raw);
      if (raw === '' || !Number.isFinite(n)) throw new FilterValueError('notNumber', column.label, raw);
      return { field: f.field, op: f.op, value: n };
    }
    if (f.op === 'like' && !/[%_]/.test(raw)) return { field: f.field, op: 'like', value: `%${raw}%` };
    return { field: f.field, op: f.op, value: raw };
  });
}

export function toSortKeys(sort: GridSortKey[]): SortKey[] {
  return sort.map((s) => ({ field: s.field, descending: s.descending === true }));
}

/** Keeps only well-formed filters and sort keys from an untrusted webview message. */
export function cleanQuery(query: { sort?: unknown; filters?: unknown }, columns: GridColumn[]): { sort: GridSortKey[]; filters: GridFilter[] } {
  const names = new Set(columns.map((c) => c.name));
  const ops = new Set(['=', '<>', '<', '<=', '>', '>=', 'like', 'is null', 'is not null']);
  const sort = (Array.isArray(query.sort) ? query.sort : [])
    .filter((s): s is GridSortKey => !!s && typeof s.field === 'string' && names.has(s.field))
    .map((s) => ({ field: s.field, descending: s.descending === true }))
    .slice(0, 3);
  const filters = (Array.isArray(query.filters) ? query.filters : [])
    .filter((f): f is GridFilter => !!f && typeof f.field === 'string' && names.has(f.field) && ops.has(f.op))
    .map((f) => ({ field: f.field, op: f.op, value: typeof f.value === 'number' || typeof f.value === 'string' ? f.value : undefined }))
    .slice(0, 20);
  return { sort, filters };
}
