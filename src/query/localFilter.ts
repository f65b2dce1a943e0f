// Filters evaluated here rather than on a portal: over a download-only dataset's rows, over
// the grid's loaded rows when the portal refused a filter, and for the legacy portal, whose
// documented API has no filter parameters. Strings compare as hosted layers and SQL Server
// do by default (`..._CI_AS`): case-insensitively, accents kept, trailing spaces ignored. No
// `vscode` import.

import { compareCells } from '../portal/cells';
import type { CellValue, FieldKind } from '../portal/types';
import type { FieldFilter } from './model';

const caseless = new Intl.Collator('en', { sensitivity: 'accent' });

/** SQL compares strings padded to one length: `'abc' = 'abc  '`. */
function withoutTrailingSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Case-insensitive for text, numeric for numbers, nulls first: the portal's collation. */
export function compareCaseless(a: CellValue, b: CellValue): number {
  if (typeof a === 'string' && typeof b === 'string') return caseless.compare(withoutTrailingSpaces(a), withoutTrailingSpaces(b));
  return compareCells(a, b);
}

/** A test of one cell value against a filter, for a field of `kind`. */
export function cellTest(filter: FieldFilter, kind: FieldKind | undefined): (value: CellValue) => boolean {
  const numeric = kind === 'integer' || kind === 'double' || kind === 'oid';
  const norm = (v: unknown): CellValue => (v === undefined || v === null ? null : numeric ? Number(v) : String(v));
  const value = Array.isArray(filter.value) ? filter.value.map(norm) : norm(filter.value);
  switch (filter.op) {
    case 'is null':
      return (v) => v === null;
    case 'is not null':
      return (v) => v !== null;
    case 'in': {
      const list = Array.isArray(value) ? value : [value];
      return (v) => v !== null && list.some((x) => compareCaseless(v, x) === 0);
    }
    case 'like': {
      const pattern = new RegExp(`^${String(value ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'is');
      return (v) => v !== null && pattern.test(String(v));
    }
    default: {
      const op = filter.op;
      return (v) => {
        if (v === null || value === null || Array.isArray(value)) return false;
        const c = compareCaseless(v, value as CellValue);
        return op === '=' ? c === 0 : op === '<>' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
      };
    }
  }
}

/** One test for a row, given how to read a field's value from it; `join` as the query says. */
export function rowTest<R>(filters: FieldFilter[], join: 'and' | 'or' | undefined, kindOf: (field: string) => FieldKind | undefined, read: (row: R, field: string) => CellValue): (row: R) => boolean {
  const tests = filters.map((f) => {
    const test = cellTest(f, kindOf(f.field));
    return (row: R) => test(read(row, f.field));
  });
  if (!tests.length) return () => true;
  return join === 'or' ? (row) => tests.some((t) => t(row)) : (row) => tests.every((t) => t(row));
}
