// A column profile of a local CSV/TSV file of any size: one streaming pass of the CSV scanner
// (src/csv/columnScan.ts) through the shared ColumnAccumulator, and for numbers and dates a
// second pass that counts the histogram once the range is known. Runs in a worker thread (see
// csvProfileWorker.ts); no `vscode` import.

import { scanColumn } from '../csv/columnScan';
import type { CsvDialect } from '../csv/dialect';
import { memorySource, type RandomAccessSource } from '../csv/source';
import { ColumnAccumulator, histogramEdges, HistogramCounter, isMissing, parseDateUtc } from './accumulator';
import { CODE_DISTINCT_LIMIT, showsTopValues } from './profile';
import type { ColumnProfile, ProfileKind, ProfileOptions } from './types';

export interface CsvProfileOptions extends ProfileOptions {
  /** How to read the values; guessed from the first rows when absent. */
  kind?: ProfileKind;
  signal?: AbortSignal;
  /** Share of the work done, 0 to 1. */
  onProgress?(fraction: number): void;
}

/** Bytes read from the start of the file to guess a column's kind. */
const GUESS_BYTES = 256 * 1024;
const GUESS_VALUES = 2000;

/**
 * A column is numeric when every value of the file's first rows is a plain number that does not
 * start with a zero (ZIP and FIPS codes are text), a date when every one reads as a date, else
 * text.
 */
export async function guessColumnKind(source: RandomAccessSource, dialect: CsvDialect, column: number): Promise<ProfileKind> {
  const size = await source.size();
  const head = await source.read(0, Math.min(size, GUESS_BYTES));
  let numbers = 0;
  let dates = 0;
  let seen = 0;
  await scanColumn(memorySource(head), dialect, column, (value) => {
    if (seen >= GUESS_VALUES || typeof value !== 'string' || isMissing(value)) return;
    seen++;
    const text = value.trim();
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) && !/^[-+]?0\d/.test(text)) numbers++;
    else if (/^\d{4}[-/]\d{2}[-/]\d{2}|^[A-Za-z]{3}[a-z]*\.? +\d/.test(text) && Number.isFinite(parseDateUtc(text))) dates++;
  });
  if (seen > 0 && numbers === seen) return 'number';
  if (seen > 0 && dates === seen) return 'date';
  return 'text';
}

/**
 * Numbers and dates are read here, once, and handed to the accumulator as numbers (it takes
 * them as they are); text that does not read stays text, which the accumulator counts as
 * invalid for the kind, and blanks stay blanks.
 */
function readerFor(kind: ProfileKind): (value: string | number | null) => string | number | null {
  if (kind === 'text') return (value) => value;
  return (value) => {
    if (value === null || typeof value === 'number' || isMissing(value)) return value;
    const n = kind === 'number' ? Number(value) : parseDateUtc(value.trim());
    return Number.isFinite(n) ? n : value;
  };
}

export async function profileCsvColumn(
  source: RandomAccessSource,
  dialect: CsvDialect,
  column: number,
  field: string,
  options: CsvProfileOptions = {},
): Promise<ColumnProfile> {
  const { signal, onProgress } = options;
  const kind = options.kind ?? (await guessColumnKind(source, dialect, column));
  const size = Math.max(1, await source.size());
  const passes = kind === 'text' ? 1 : 2;
  const topN = options.topValues ?? 10;
  // Numbers keep enough distinct counts to tell codes (few values) from measurements.
  const accumulator = new ColumnAccumulator({ kind, topValues: kind === 'text' ? topN : Math.max(topN, CODE_DISTINCT_LIMIT + 1) });
  const read = readerFor(kind);
  const rows = await scanColumn(source, dialect, column, (value) => accumulator.add(read(value)), {
    signal,
    numbers: kind === 'number',
    onProgress: (bytes) => onProgress?.(bytes / size / passes),
  });
  const summary = accumulator.summary();
  const profile: ColumnProfile = { field, ...summary, computedOn: 'file' };
  profile.topValues = showsTopValues(kind, summary.distinct?.value) ? summary.topValues.slice(0, topN) : [];
  if (kind !== 'text' && profile.min !== undefined && profile.max !== undefined) {
    const step = kind === 'date' ? 1000 : Number.isInteger(profile.min) && Number.isInteger(profile.max) && Number.isInteger(profile.mean ?? 0.5) ? 1 : 0;
    const counter = new HistogramCounter(histogramEdges(profile.min, profile.max, options.buckets ?? 20, step));
    await scanColumn(
      source,
      dialect,
      column,
      (value) => {
        const n = read(value);
        if (typeof n === 'number') counter.add(n);
      },
      { signal, numbers: kind === 'number', onProgress: (bytes) => onProgress?.(0.5 + bytes / size / 2) },
    );
    profile.histogram = counter.buckets();
  }
  if (rows !== profile.count) throw new Error(`The profile counted ${profile.count} values in ${rows} rows.`);
  onProgress?.(1);
  return profile;
}
