// Expected statistics computed straight from the fake portal's rows with plain array code: no
// where engine, no accumulator, no portal client. Shared by the stats engine's tests.

import type { FakeDataset, FakeValue } from '../../portal/data';

export type Row = Record<string, FakeValue>;

export interface OracleProfile {
  count: number;
  missing: number;
  distinct: number;
  min?: number;
  max?: number;
  mean?: number;
  stddev?: number;
  /** Every present value with its count, most frequent first, ties by value. */
  ranked: { value: string | number; count: number }[];
  present: (string | number)[];
}

export function rowsWhere(ds: FakeDataset, keep: (row: Row) => boolean): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < ds.rowCount; i++) {
    const row = ds.attributesAt(i);
    if (keep(row)) out.push(row);
  }
  return out;
}

export function oracleProfile(rows: Row[], field: string, read: (v: string | number) => string | number = (v) => v): OracleProfile {
  const all = rows.map((r) => r[field] ?? null);
  const isMissing = (v: FakeValue): boolean => v === null || (typeof v === 'string' && v.trim() === '');
  const present = all.filter((v) => !isMissing(v)).map((v) => read(v as string | number));
  const counts = new Map<string | number, number>();
  for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
  const ranked = [...counts].map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (typeof a.value === 'number' && typeof b.value === 'number' ? a.value - b.value : String(a.value) < String(b.value) ? -1 : 1));
  const out: OracleProfile = { count: all.length, missing: all.length - present.length, distinct: counts.size, ranked, present };
  const numbers = present.filter((v): v is number => typeof v === 'number');
  if (numbers.length && numbers.length === present.length) {
    out.min = numbers.reduce((a, b) => (b < a ? b : a));
    out.max = numbers.reduce((a, b) => (b > a ? b : a));
    out.mean = numbers.reduce((a, b) => a + b, 0) / numbers.length;
    const mean = out.mean;
    if (numbers.length > 1) out.stddev = Math.sqrt(numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / (numbers.length - 1));
  }
  return out;
}

/** Count of values in [from, to), the last bucket [from, to]. */
export function bucketCounts(values: number[], buckets: { from: number; to: number }[]): number[] {
  return buckets.map((b, k) => values.filter((v) => v >= b.from && (k === buckets.length - 1 ? v <= b.to : v < b.to)).length);
}

export function close(actual: number | undefined, expected: number | undefined, what: string, relative = 1e-9): void {
  if (expected === undefined || actual === undefined) {
    if (actual !== expected) throw new Error(`${what}: ${actual} != ${expected}`);
    return;
  }
  const tolerance = Math.max(Math.abs(expected) * relative, 1e-9);
  if (Math.abs(actual - expected) > tolerance) throw new Error(`${what}: ${actual} != ${expected}`);
}
