// Ordering of cell values where the client sorts itself (legacy extra sort keys, download-only
// datasets): nulls first, numbers numerically, the rest by code point as SQL Server would.

import type { CellValue } from './types';

export function compareCells(a: CellValue, b: CellValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
