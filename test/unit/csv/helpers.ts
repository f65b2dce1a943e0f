// Shared by the CSV engine tests: index a string or bytes in memory and read every row back.

import { buildRowIndex, type BuildRowIndexOptions, type RowIndex } from '../../../src/csv/rowIndex';
import { memorySource, type RandomAccessSource } from '../../../src/csv/source';
import { readRows, type RowWindow } from '../../../src/csv/window';
import type { CsvDialect } from '../../../src/csv/dialect';

export function dialectOf(overrides: Partial<CsvDialect> = {}): CsvDialect {
  return { delimiter: ',', quote: '"', hasHeader: false, encoding: 'utf-8', bom: 0, ...overrides };
}

export async function indexText(
  data: string | Uint8Array,
  dialect: CsvDialect = dialectOf(),
  opts: BuildRowIndexOptions = {},
): Promise<{ source: RandomAccessSource; index: RowIndex; dialect: CsvDialect }> {
  const source = memorySource(data);
  const { done } = buildRowIndex(source, dialect, opts);
  return { source, index: await done, dialect };
}

export async function readAll(data: string | Uint8Array, dialect: CsvDialect = dialectOf(), opts: BuildRowIndexOptions = {}): Promise<RowWindow & { index: RowIndex }> {
  const { source, index } = await indexText(data, dialect, opts);
  const window = await readRows(source, index, dialect, 0, index.rowCount);
  return { ...window, index };
}

/** Chunk sizes that put a chunk boundary at every position of a short input. */
export function everyChunkSize(length: number): number[] {
  return Array.from({ length: Math.max(1, length) }, (_, i) => i + 1);
}
