// Streaming per-column reducers: one value at a time, bounded memory, no I/O. `ColumnAccumulator`
// gives a column's profile figures (counts, distinct, min/max/mean/stddev, top values, histogram)
// for client-side fallbacks and local files; `RunningStats` is the numeric core both share with the
// grouped aggregates. Figures follow the portal's meanings so a profile reads the same wherever it
// was computed: the standard deviation is the sample one (n - 1), as ArcGIS's STDDEV.

import type { CellValue } from '../portal/types';
import type { ColumnProfile, HistogramBucket, ProfileKind, ValueCount } from './types';

/** Welford's running mean and variance (stable over a million values), with sum, min and max. */
export class RunningStats {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private mean_ = 0;
  private m2 = 0;

  add(value: number): void {
    this.count++;
    this.sum += value;
    const delta = value - this.mean_;
    this.mean_ += delta / this.count;
    this.m2 += delta * (value - this.mean_);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  get mean(): number | undefined {
    return this.count ? this.mean_ : undefined;
  }

  /** Sample variance; undefined under two values (SQL's VAR gives NULL). */
  get variance(): number | undefined {
    return this.count > 1 ? this.m2 / (this.count - 1) : undefined;
  }

  get stddev(): number | undefined {
    const v = this.variance;
    return v === undefined ? undefined : Math.sqrt(v);
  }
}

/** Lower bound, width and count of histogram buckets over [min, max]. `step` is the data's unit
 * (1 for integers, 1000 for dates in epoch ms, 0 for doubles): widths are whole steps and the
 * origin sits on a step, so a portal asked for `x >= from AND x < to` sees the same edges. */
export function histogramEdges(min: number, max: number, buckets: number, step = 0): number[] {
  const wanted = Math.max(1, Math.floor(buckets));
  const origin = step > 0 ? Math.floor(min / step) * step : min;
  const span = max - origin;
  if (!(span > 0)) return [origin, max];
  let width = span / wanted;
  if (step > 0) width = Math.max(step, Math.ceil(width / step) * step);
  const count = Math.max(1, Math.min(wanted, Math.ceil(span / width)));
  const edges: number[] = [];
  for (let k = 0; k < count; k++) edges.push(origin + k * width);
  edges.push(max);
  return edges;
}

/** Index of the bucket holding `value`; the last bucket includes its upper edge. Decided by the
 * same comparisons a portal's range clauses make, not by a division that may round the other way. */
export function bucketIndex(edges: number[], value: number): number {
  const last = edges.length - 2;
  const width = edges.length > 2 ? edges[1] - edges[0] : 1;
  let k = Math.min(last, Math.max(0, Math.floor((value - edges[0]) / width)));
  while (k > 0 && value < edges[k]) k--;
  while (k < last && value >= edges[k + 1]) k++;
  return k;
}

/** Counts values into buckets with `histogramEdges`' edges (a second pass, or a known range). */
export class HistogramCounter {
  readonly counts: number[];
  constructor(readonly edges: number[]) {
    this.counts = new Array<number>(Math.max(1, edges.length - 1)).fill(0);
  }
  add(value: number): void {
    if (value < this.edges[0] || value > this.edges[this.edges.length - 1]) return;
    this.counts[bucketIndex(this.edges, value)]++;
  }
  buckets(): HistogramBucket[] {
    return this.counts.map((count, k) => ({ from: this.edges[k], to: this.edges[k + 1], count }));
  }
}

/** HyperLogLog with 2^14 registers (about 0.8 % standard error): distinct counts past the exact cap. */
export class DistinctSketch {
  private static readonly P = 14;
  private readonly registers = new Uint8Array(1 << DistinctSketch.P);

  add(key: string | number): void {
    const h = typeof key === 'number' ? hashNumber(key) : hashText(key);
    const index = h >>> (32 - DistinctSketch.P);
    const rest = (h << DistinctSketch.P) | (1 << (DistinctSketch.P - 1));
    const rank = Math.clz32(rest) + 1;
    if (rank > this.registers[index]) this.registers[index] = rank;
  }

  estimate(): number {
    const m = this.registers.length;
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const raw = (0.7213 / (1 + 1.079 / m)) * m * m / sum;
    // Small cardinalities: linear counting is the better estimate.
    if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(raw);
  }
}

/** murmur3's finaliser, so nearby keys spread over all bits. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of the text, started as if after an 's' so text keys and number keys hash apart. */
function hashText(text: string): number {
  let h = Math.imul(0x811c9dc5 ^ 0x73, 0x01000193);
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h);
}

// A number's eight bytes, read as two words: hashing them costs no string per value (a column
// past the exact cap sends every value here).
const numberBits = new Float64Array(1);
const numberWords = new Uint32Array(numberBits.buffer);

/** murmur3 of the number's IEEE-754 bits (with its own seed, apart from text keys). Equal numbers
 * hash equal and -0 hashes as 0, as the exact counts' Map keys compare them. */
function hashNumber(value: number): number {
  numberBits[0] = value === 0 ? 0 : value;
  let h = 0x6e756d62;
  for (let w = 0; w < 2; w++) {
    let k = Math.imul(numberWords[w], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return mix32(h ^ 8);
}

export interface AccumulatorOptions {
  kind: ProfileKind;
  /** Top values kept (default 10). */
  topValues?: number;
  /** Distinct values counted exactly before the count becomes an estimate (default 100,000). */
  distinctCap?: number;
  /** Bucket edges (from `histogramEdges`) when the range is known before the pass. */
  histogramEdges?: number[];
}

/** The figures of a ColumnProfile that a pass over values gives. */
export type ColumnSummary = Omit<ColumnProfile, 'field' | 'computedOn' | 'sampled' | 'fallbackReason'>;

/** True for null, empty and whitespace-only values: what a profile counts as missing. */
export function isMissing(value: CellValue | undefined): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** The value as the kind reads it (dates as epoch ms), or undefined when it cannot be read. */
export function readValue(kind: ProfileKind, value: CellValue): string | number | undefined {
  if (kind === 'text') return typeof value === 'string' ? value : String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return kind === 'number' ? Number(value) : undefined;
  const text = String(value).trim();
  const n = kind === 'number' ? Number(text) : parseDateUtc(text);
  return Number.isFinite(n) ? n : undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Date text as epoch ms, read as UTC when it names no zone (the portals' dates are UTC): ISO
 * forms, and the legacy portal's "Apr 11, 2023" and "Jan 05 2024 04:12PM". NaN when unreadable. */
export function parseDateUtc(text: string): number {
  const iso = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = iso;
    const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.round(Number(frac || 0) * 1000));
    if (!zone || zone.toUpperCase() === 'Z') return ms;
    const z = /([+-])(\d{2}):?(\d{2})?/.exec(zone)!;
    return ms - (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0)) * 60_000;
  }
  const named = /^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?$/i.exec(text);
  if (named) {
    const month = MONTHS.indexOf(named[1].toLowerCase());
    if (month < 0) return NaN;
    let hour = Number(named[4] ?? 0);
    const half = named[7]?.toUpperCase();
    if (half === 'PM' && hour < 12) hour += 12;
    if (half === 'AM' && hour === 12) hour = 0;
    return Date.UTC(Number(named[3]), month, Number(named[2]), hour, Number(named[5] ?? 0), Number(named[6] ?? 0));
  }
  return Date.parse(text);
}

/** Ties of the top values go by value: numbers numerically, text by code units (as the portal's
 * ORDER BY on the fake). */
export function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function topOf(counts: Map<string | number, number>, n: number): ValueCount[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || compareValues(a[0], b[0]))
    .slice(0, n)
    .map(([value, count]) => ({ value, count }));
}

/** One column's profile, one value at a time. */
export class ColumnAccumulator {
  private rows = 0;
  private missing = 0;
  private invalid = 0;
  private readonly stats = new RunningStats();
  private readonly counts = new Map<string | number, number>();
  private sketch: DistinctSketch | undefined;
  private readonly histogram: HistogramCounter | undefined;
  private readonly cap: number;

  constructor(private readonly options: AccumulatorOptions) {
    this.cap = Math.max(1, options.distinctCap ?? 100_000);
    this.histogram = options.histogramEdges ? new HistogramCounter(options.histogramEdges) : undefined;
  }

  add(value: CellValue | undefined): void {
    this.rows++;
    if (isMissing(value)) {
      this.missing++;
      return;
    }
    const read = readValue(this.options.kind, value as CellValue);
    if (read === undefined) {
      this.invalid++;
      return;
    }
    if (typeof read === 'number') {
      this.stats.add(read);
      this.histogram?.add(read);
    }
    const seen = this.counts.get(read);
    if (seen !== undefined) this.counts.set(read, seen + 1);
    else if (!this.sketch) {
      this.counts.set(read, 1);
      if (this.counts.size > this.cap) {
        // Past the cap: the distinct count becomes an estimate, and values not yet counted are
        // no longer counted (the top values' counts become lower bounds).
        this.sketch = new DistinctSketch();
        for (const key of this.counts.keys()) this.sketch.add(key);
      }
    } else this.sketch.add(read);
  }

  summary(): ColumnSummary {
    const { kind } = this.options;
    const out: ColumnSummary = {
      kind,
      count: this.rows,
      missing: this.missing,
      distinct: this.sketch ? { value: this.sketch.estimate(), exact: false } : { value: this.counts.size, exact: true },
      topValues: topOf(this.counts, this.options.topValues ?? 10),
    };
    if (this.invalid) out.invalid = this.invalid;
    if (this.sketch) out.topValuesApproximate = true;
    if (kind !== 'text' && this.stats.count) {
      out.min = this.stats.min;
      out.max = this.stats.max;
      out.mean = this.stats.mean;
      out.stddev = this.stats.stddev;
    }
    if (this.histogram) out.histogram = this.histogram.buckets();
    return out;
  }
}
