// The fake FeatureServer's statistics queries: `outStatistics` (count, sum, min, max, avg, stddev,
// var), `groupByFieldsForStatistics`, `having`, `orderByFields` over the result, paging of the
// groups, and `returnDistinctValues` (with `returnCountOnly`), answered in the envelope of the real
// samples (query-outstatistics-*.json). Values are read as cached typed columns per dataset state,
// so a grouped count over the million-row layer is one pass over arrays, not a million rows built.
// As a real server answers from its indexes, numeric columns keep sorted copies of their values
// (per where clause, a few at a time): a histogram bucket's count is two binary searches and a
// numeric distinct count a walk over sorted values, each correct for any where.
//
// Choices where real servers differ (see README.md beside this file):
// - `outStatisticFieldName` comes back as sent, except on layers served as from a PostgreSQL
//   geodatabase (here the Performance service), which fold it to lower case, as Esri's
//   sampleserver6 does. Without one the server names the column `EXPR_1`, `EXPR_2`, ... (a guess).
// - stddev and var are the sample figures (n - 1), as SQL Server's STDEV / VAR; with fewer than two
//   values they are NULL. sum / avg / stddev / var on a string or date field, an unknown statistic
//   or field, a bad output name, and any statistics on a layer with `supportsStatistics: false` give
//   the HTTP-200 error `{"code":400,"message":"Unable to complete operation.","details":[]}` that a
//   real server sent for a statistics request (query-error-400-unable-to-complete.json).
// - `returnDistinctValues` on a layer without `supportsDistinct` is ignored, as servers ignore
//   parameters they do not know: the caller gets ordinary rows and must read the capabilities.
// - Without `orderByFields` groups come ordered by the group fields (NULL first); real servers
//   promise no order.

import type { FakeDataset, FakeField, FakeValue } from './data';
import type { PlannedResponse } from './faults';
import { INVALID_QUERY, parseBool, parseCount, QueryError, resolveFields, selectRows, type SpatialTest } from './featureserver';
import { json } from './respond';
import { compileWhere, WhereError, type WhereField } from './where';

const UNABLE = 'Unable to complete operation.';
const STATISTIC_TYPES = ['count', 'sum', 'min', 'max', 'avg', 'stddev', 'var'] as const;
type StatisticType = (typeof STATISTIC_TYPES)[number];
const OUT_NAME = /^[A-Za-z0-9_]+$/;

/** Layers that answer no statistics (older services): the client must fall back and say so. */
const NO_STATISTICS = new Set(['hotel motel tax']);
/** Services whose statistics columns come back in lower case (PostgreSQL-backed). */
const LOWER_CASE_NAMES = new Set(['performance']);

export interface StatisticsCapabilities {
  statistics: boolean;
  /** Spread into the layer's `advancedQueryCapabilities`. */
  advanced: Record<string, boolean>;
}

export function statisticsCapabilities(ds: FakeDataset): StatisticsCapabilities {
  const on = !NO_STATISTICS.has(ds.title.toLowerCase());
  return {
    statistics: on,
    advanced: { supportsStatistics: on, supportsHavingClause: on, supportsDistinct: on, supportsCountDistinct: on, supportsPaginationOnAggregatedQueries: on },
  };
}

/** True when the request is a statistics or distinct-values query this module answers. */
export function wantsStatistics(ds: FakeDataset, params: URLSearchParams): boolean {
  if ((params.get('outStatistics') ?? '').trim() !== '') return true;
  return parseBool(params.get('returnDistinctValues')) === true && statisticsCapabilities(ds).statistics;
}

// ---- columns -------------------------------------------------------------------------------

/** One field's values in row-position order: numbers (NaN for NULL) or dictionary codes (-1 for NULL). */
interface Column {
  field: FakeField;
  numbers?: Float64Array;
  codes?: Int32Array;
  dictionary?: string[];
}

const columnCache = new WeakMap<FakeDataset, { stamp: string; columns: Map<string, Column> }>();

function isNumeric(field: FakeField): boolean {
  return /Integer|Double|Single|OID|Date/.test(field.type);
}

function isDate(field: FakeField): boolean {
  return /Date|Timestamp/.test(field.type);
}

function emptyColumn(field: FakeField, n: number): { column: Column; put: (i: number, v: FakeValue) => void } {
  if (isNumeric(field)) {
    const numbers = new Float64Array(n);
    return { column: { field, numbers }, put: (i, v) => (numbers[i] = typeof v === 'number' ? v : v === null || v === undefined ? NaN : Number(v)) };
  }
  const codes = new Int32Array(n);
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  return {
    column: { field, codes, dictionary },
    put: (i, v) => {
      if (v === null || v === undefined) {
        codes[i] = -1;
        return;
      }
      const text = String(v);
      let code = index.get(text);
      if (code === undefined) {
        code = dictionary.length;
        dictionary.push(text);
        index.set(text, code);
      }
      codes[i] = code;
    },
  };
}

/** The field's column for the dataset's current state, built on first use. Datasets that can
 * compute one value alone build just that column; others build every column in one row pass. */
export function columnOf(ds: FakeDataset, field: FakeField): Column {
  const stamp = `${ds.rowCount}:${ds.lastEditDate}`;
  let cache = columnCache.get(ds);
  if (!cache || cache.stamp !== stamp) {
    cache = { stamp, columns: new Map() };
    columnCache.set(ds, cache);
  }
  const found = cache.columns.get(field.name);
  if (found) return found;
  const n = ds.rowCount;
  if (ds.valueAt) {
    const { column, put } = emptyColumn(field, n);
    for (let i = 0; i < n; i++) put(i, ds.valueAt(i, field.name));
    cache.columns.set(field.name, column);
    return column;
  }
  const all = ds.fields.filter((f) => !cache!.columns.has(f.name)).map((f) => ({ f, ...emptyColumn(f, n) }));
  for (let i = 0; i < n; i++) {
    const a = ds.attributesAt(i);
    for (const c of all) c.put(i, a[c.f.name] ?? null);
  }
  for (const c of all) cache.columns.set(c.f.name, c.column);
  return cache.columns.get(field.name)!;
}

function valueIn(column: Column, i: number): FakeValue {
  if (column.numbers) {
    const v = column.numbers[i];
    return Number.isNaN(v) ? null : v;
  }
  const code = column.codes![i];
  return code < 0 ? null : column.dictionary![code];
}

// ---- selection -----------------------------------------------------------------------------

const TRIVIAL_WHERE = /^\s*(1\s*=\s*1)?\s*$/;

/** Positions of the rows the where, object ids and spatial filter select; null means all rows.
 * A plain where is evaluated on a row view that reads the cached columns. */
function selectPositions(ds: FakeDataset, where: string, objectIds: number[] | undefined, spatial: SpatialTest | undefined): Int32Array | null {
  if (objectIds || spatial) {
    const selection = selectRows(ds, where, '', objectIds, spatial);
    return Int32Array.from({ length: selection.total }, (_, k) => selection.at(k));
  }
  if (TRIVIAL_WHERE.test(where)) return null;
  const fast = columnTerms(ds, where);
  if (fast) return selectByTerms(ds.rowCount, fast);
  let predicate: (a: Record<string, unknown>) => boolean;
  try {
    predicate = compileWhere(where, ds.fields.map((f) => ({ name: f.name, type: f.type })));
  } catch (err) {
    if (err instanceof WhereError) throw new QueryError(INVALID_QUERY, ["'where' parameter is invalid", err.message]);
    throw err;
  }
  let current = 0;
  const view: Record<string, unknown> = {};
  for (const field of ds.fields) {
    let column: Column | undefined;
    Object.defineProperty(view, field.name, {
      enumerable: true,
      get: () => valueIn((column ??= columnOf(ds, field)), current),
    });
  }
  const out: number[] = [];
  for (let i = 0, n = ds.rowCount; i < n; i++) {
    current = i;
    if (predicate(view)) out.push(i);
  }
  return Int32Array.from(out);
}

/** A test of one column's value at a row position. */
type Term = (i: number) => boolean;

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b, '<>': (a, b) => a !== b, '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
};
const TERM = /^(?:"([A-Za-z_][A-Za-z0-9_ ]*)"|([A-Za-z_][A-Za-z0-9_]*))\s*(?:(IS\s+NOT\s+NULL|IS\s+NULL)|(>=|<=|<>|=|<|>)\s*(?:(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|timestamp\s+'(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})'|'((?:[^']|'')*)'))$/i;

/**
 * The clauses the statistics client sends (`(A >= 1) AND (A < 2)`, `X IS NOT NULL`, `S < '!'`)
 * as tests on the cached columns, so a histogram bucket's count over the million rows is one
 * pass over an array. Undefined for anything else (OR, functions, LIKE...): the where engine
 * answers those, with the same meaning (NULL never matches a comparison).
 */
function columnTerms(ds: FakeDataset, where: string): Term[] | undefined {
  if (/\bOR\b|\bNOT\s+(?!NULL)/i.test(where.replace(/'(?:[^']|'')*'/g, "''"))) return undefined;
  const terms: Term[] = [];
  for (let part of where.split(/\s+AND\s+/i)) {
    part = part.trim();
    while (part.startsWith('(') && part.endsWith(')')) part = part.slice(1, -1).trim();
    const m = TERM.exec(part);
    if (!m) return undefined;
    const name = (m[1] ?? m[2]).toLowerCase();
    const field = ds.fields.find((f) => f.name.toLowerCase() === name);
    if (!field || field.type === 'esriFieldTypeGeometry') return undefined;
    const column = columnOf(ds, field);
    if (m[3]) {
      const wantNull = !/NOT/i.test(m[3]);
      terms.push(column.numbers ? (i) => Number.isNaN(column.numbers![i]) === wantNull : (i) => (column.codes![i] < 0) === wantNull);
      continue;
    }
    const compare = COMPARE[m[4]];
    if (m[5] !== undefined || m[6] !== undefined) {
      if (!column.numbers) return undefined;
      const value = numericLiteral(field, m);
      if (value === undefined) return undefined;
      const numbers = column.numbers;
      terms.push((i) => !Number.isNaN(numbers[i]) && compare(numbers[i], value));
    } else {
      if (!column.codes) return undefined;
      const literal = m[12].replace(/''/g, "'");
      // Strings compare ordinally, as where.ts does: decide once per dictionary entry.
      const matches = Uint8Array.from(column.dictionary!, (text) => (text === literal ? (m[4] === '=' || m[4] === '<=' || m[4] === '>=' ? 1 : 0)
        : text < literal ? (m[4] === '<' || m[4] === '<=' || m[4] === '<>' ? 1 : 0) : (m[4] === '>' || m[4] === '>=' || m[4] === '<>' ? 1 : 0)));
      const codes = column.codes;
      terms.push((i) => codes[i] >= 0 && matches[codes[i]] === 1);
    }
  }
  return terms.length ? terms : undefined;
}

function selectByTerms(rowCount: number, terms: Term[]): Int32Array {
  const out = new Int32Array(rowCount);
  let found = 0;
  outer: for (let i = 0; i < rowCount; i++) {
    for (const term of terms) if (!term(i)) continue outer;
    out[found++] = i;
  }
  return out.slice(0, found);
}

// ---- sorted values: range counts and distinct counts -------------------------------------------

/** One numeric column's non-NULL values over the rows a where selects, ascending, and its NULLs. */
interface SortedValues {
  values: Float64Array;
  nulls: number;
}

/** Most sorted copies kept per dataset (each 8 bytes a row): the last few where clauses asked. */
const SORTED_KEPT = 6;
const sortedCache = new WeakMap<FakeDataset, { stamp: string; entries: Map<string, SortedValues> }>();

/** The column's values over the rows `where` selects, sorted (built once per where and state). */
function sortedValuesFor(ds: FakeDataset, where: string, field: FakeField, column: Column): SortedValues {
  const stamp = `${ds.rowCount}:${ds.lastEditDate}`;
  let cache = sortedCache.get(ds);
  if (!cache || cache.stamp !== stamp) {
    cache = { stamp, entries: new Map() };
    sortedCache.set(ds, cache);
  }
  const key = `${field.name}\u0000${TRIVIAL_WHERE.test(where) ? '' : where}`;
  const found = cache.entries.get(key);
  if (found) {
    // Most recently used last, so the oldest goes first when the cache is full.
    cache.entries.delete(key);
    cache.entries.set(key, found);
    return found;
  }
  const positions = selectPositions(ds, where, undefined, undefined);
  const numbers = column.numbers!;
  const n = positions ? positions.length : ds.rowCount;
  const values = new Float64Array(n);
  let kept = 0;
  for (let k = 0; k < n; k++) {
    const v = numbers[positions ? positions[k] : k];
    if (!Number.isNaN(v)) values[kept++] = v;
  }
  const entry: SortedValues = { values: values.slice(0, kept).sort(), nulls: n - kept };
  cache.entries.set(key, entry);
  if (cache.entries.size > SORTED_KEPT) cache.entries.delete(cache.entries.keys().next().value!);
  return entry;
}

/** First index of sorted `values` whose value is >= `x` (`strict`: > `x`). */
function lowerBound(values: Float64Array, x: number, strict: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strict ? values[mid] <= x : values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A comparison of a numeric column with a literal, read as columnTerms reads it. */
interface RangeTerm {
  field: FakeField;
  column: Column;
  op: '<' | '<=' | '>' | '>=';
  value: number;
}

/** The where's top-level AND-ed parts, outer parentheses removed, nested ANDs flattened; undefined
 * when it is not a plain conjunction (an OR or BETWEEN at the top, a part starting with NOT). */
function conjuncts(where: string): string[] | undefined {
  const parts: string[] = [];
  const visit = (text: string): boolean => {
    let part = text.trim();
    while (part.startsWith('(') && closingParen(part, 0) === part.length - 1) part = part.slice(1, -1).trim();
    const pieces: string[] = [];
    let depth = 0;
    let from = 0;
    for (let i = 0; i < part.length; i++) {
      const c = part[i];
      if (c === "'") {
        i = part.indexOf("'", i + 1);
        while (i >= 0 && part[i + 1] === "'") i = part.indexOf("'", i + 2);
        if (i < 0) return false;
      } else if (c === '"') {
        i = part.indexOf('"', i + 1);
        if (i < 0) return false;
      } else if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (depth === 0 && /\s/.test(c)) {
        const word = /^\s+(AND|OR|BETWEEN)\s/i.exec(part.slice(i));
        // OR binds looser than AND; BETWEEN's own AND is no conjunction: such wheres are left whole.
        if (word && word[1].toUpperCase() !== 'AND') return false;
        if (word) {
          pieces.push(part.slice(from, i));
          i += word[0].length - 1;
          from = i + 1;
        }
      }
    }
    pieces.push(part.slice(from));
    if (pieces.length === 1) {
      if (/^NOT\s/i.test(part)) return false;
      parts.push(part);
      return true;
    }
    return pieces.every(visit);
  };
  return visit(where) ? parts : undefined;
}

/** Index of the parenthesis closing the one at `open` (quotes skipped), or -1. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      i = text.indexOf("'", i + 1);
      while (i >= 0 && text[i + 1] === "'") i = text.indexOf("'", i + 2);
      if (i < 0) return -1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

function rangeTerm(ds: FakeDataset, part: string): RangeTerm | undefined {
  const m = TERM.exec(part);
  if (!m || m[3] || !['<', '<=', '>', '>='].includes(m[4])) return undefined;
  const name = (m[1] ?? m[2]).toLowerCase();
  const field = ds.fields.find((f) => f.name.toLowerCase() === name);
  if (!field || !isNumeric(field)) return undefined;
  const value = numericLiteral(field, m);
  if (value === undefined) return undefined;
  return { field, column: columnOf(ds, field), op: m[4] as RangeTerm['op'], value };
}

/** The number a TERM match compares with, as columnTerms reads it; undefined when it is text or a
 * date literal against a number (or the reverse), which the where engine judges instead. */
function numericLiteral(field: FakeField, m: RegExpExecArray): number | undefined {
  if (m[5] === undefined && m[6] === undefined) return undefined;
  const dateLiteral = m[6] !== undefined;
  if (dateLiteral !== isDate(field)) return undefined;
  return dateLiteral ? Date.UTC(+m[6], +m[7] - 1, +m[8], +m[9], +m[10], +m[11]) : Number(m[5]);
}

/**
 * Counts for a where that is some filter AND ranges of one numeric column (a histogram bucket),
 * when every statistic is a count of that column or of a field without NULLs (the object id):
 * two binary searches in the column's sorted values over the rest of the where. Undefined when
 * the request is any other shape.
 */
function rangeCounts(ds: FakeDataset, where: string, specs: StatisticSpec[]): number | undefined {
  const parts = conjuncts(where);
  if (!parts) return undefined;
  const ranges: RangeTerm[] = [];
  const rest: string[] = [];
  for (const part of parts) {
    const term = rangeTerm(ds, part);
    if (term && (ranges.length === 0 || ranges[0].field === term.field)) ranges.push(term);
    else rest.push(part);
  }
  if (ranges.length === 0) return undefined;
  const { field, column } = ranges[0];
  const countsRows = (spec: StatisticSpec) => spec.type === 'count' && (spec.field === field || noNulls(spec.column));
  if (!specs.every(countsRows)) return undefined;
  const { values } = sortedValuesFor(ds, rest.map((p) => `(${p})`).join(' AND '), field, column);
  let lo = 0;
  let hi = values.length;
  for (const r of ranges) {
    if (r.op === '>=' || r.op === '>') lo = Math.max(lo, lowerBound(values, r.value, r.op === '>'));
    else hi = Math.min(hi, lowerBound(values, r.value, r.op === '<='));
  }
  return Math.max(0, hi - lo);
}

const nullFree = new WeakMap<Column, boolean>();

/** True when the column holds no NULL (an object id column). */
function noNulls(column: Column): boolean {
  let known = nullFree.get(column);
  if (known === undefined) {
    known = column.numbers ? !column.numbers.some(Number.isNaN) : !column.codes!.includes(-1);
    nullFree.set(column, known);
  }
  return known;
}

// ---- statistics ----------------------------------------------------------------------------

interface StatisticSpec {
  type: StatisticType;
  field: FakeField;
  column: Column;
  outName: string;
}

/** Running figures of one statistic within one group. */
interface Running {
  n: number;
  mean: number;
  m2: number;
  sum: number;
  min: number;
  max: number;
}

function newRunning(): Running {
  return { n: 0, mean: 0, m2: 0, sum: 0, min: Infinity, max: -Infinity };
}

/** Adds one number to the sum, mean and spread (Welford's update, stable over a million values). */
function addMoments(r: Running, v: number): void {
  r.sum += v;
  const delta = v - r.mean;
  r.mean += delta / r.n;
  r.m2 += delta * (v - r.mean);
}

function unable(): never {
  throw new QueryError(UNABLE, []);
}

function parseStatistics(ds: FakeDataset, text: string): StatisticSpec[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new QueryError(INVALID_QUERY, ["'outStatistics' parameter is invalid"]);
  }
  if (!Array.isArray(raw) || raw.length === 0) throw new QueryError(INVALID_QUERY, ["'outStatistics' parameter is invalid"]);
  const lower = LOWER_CASE_NAMES.has(ds.service.toLowerCase());
  const specs: StatisticSpec[] = [];
  raw.forEach((entry, k) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const type = String(e.statisticType ?? '').toLowerCase() as StatisticType;
    if (!STATISTIC_TYPES.includes(type)) unable();
    const fieldName = String(e.onStatisticField ?? '').trim().replace(/^"(.*)"$/, '$1');
    const field = ds.fields.find((f) => f.name.toLowerCase() === fieldName.toLowerCase());
    if (!field || field.type === 'esriFieldTypeGeometry') unable();
    const numeric = isNumeric(field) && !isDate(field);
    if ((type === 'sum' || type === 'avg' || type === 'stddev' || type === 'var') && !numeric) unable();
    let outName = e.outStatisticFieldName === undefined || e.outStatisticFieldName === '' ? `EXPR_${k + 1}` : String(e.outStatisticFieldName);
    if (!OUT_NAME.test(outName)) unable();
    if (lower) outName = outName.toLowerCase();
    if (specs.some((s) => s.outName.toLowerCase() === outName.toLowerCase())) unable();
    specs.push({ type, field, column: columnOf(ds, field), outName });
  });
  return specs;
}

function resultType(spec: StatisticSpec): string {
  if (spec.type === 'count') return 'esriFieldTypeInteger';
  if (spec.type === 'min' || spec.type === 'max') return spec.field.type === 'esriFieldTypeOID' ? 'esriFieldTypeInteger' : spec.field.type;
  return 'esriFieldTypeDouble';
}

function finish(spec: StatisticSpec, r: Running): FakeValue {
  switch (spec.type) {
    case 'count':
      return r.n;
    case 'sum':
      return r.n ? r.sum : null;
    case 'avg':
      return r.n ? r.sum / r.n : null;
    case 'var':
      return r.n > 1 ? r.m2 / (r.n - 1) : null;
    case 'stddev':
      return r.n > 1 ? Math.sqrt(r.m2 / (r.n - 1)) : null;
    case 'min':
    case 'max': {
      if (!r.n) return null;
      const v = spec.type === 'min' ? r.min : r.max;
      return spec.column.numbers ? v : spec.column.dictionary![v];
    }
  }
}

/** Orders dictionary codes by their strings, so min / max of a string column compare ranks. */
function codeRanks(column: Column): Int32Array | undefined {
  if (!column.dictionary) return undefined;
  const order = column.dictionary.map((_, code) => code).sort((a, b) => (column.dictionary![a] < column.dictionary![b] ? -1 : column.dictionary![a] > column.dictionary![b] ? 1 : 0));
  const ranks = new Int32Array(order.length);
  order.forEach((code, rank) => (ranks[code] = rank));
  return ranks;
}

interface Group {
  keys: FakeValue[];
  running: Running[];
}

/** Every row's figures of one column, in row order (Welford's running mean and variance). */
function runColumn(column: Column, rank: Int32Array | undefined, positions: Int32Array | null, rowCount: number): Running {
  const r = newRunning();
  const n = positions ? positions.length : rowCount;
  if (column.numbers) {
    const numbers = column.numbers;
    for (let k = 0; k < n; k++) {
      const v = numbers[positions ? positions[k] : k];
      if (Number.isNaN(v)) continue;
      r.n++;
      addMoments(r, v);
      if (v < r.min) r.min = v;
      if (v > r.max) r.max = v;
    }
    return r;
  }
  const codes = column.codes!;
  for (let k = 0; k < n; k++) {
    const code = codes[positions ? positions[k] : k];
    if (code < 0) continue;
    r.n++;
    const v = rank ? rank[code] : 0;
    if (v < r.min) r.min = v;
    if (v > r.max) r.max = v;
  }
  return r;
}

/**
 * Ungrouped statistics: one tight pass per column asked about (several statistics of one column
 * share it), with the same arithmetic in the same row order as the grouped pass.
 */
function aggregateAll(specs: StatisticSpec[], ranks: (Int32Array | undefined)[], positions: Int32Array | null, rowCount: number): Group {
  const byColumn = new Map<Column, Running>();
  const running = specs.map((spec, s) => {
    const shared = !ranks[s] ? byColumn.get(spec.column) : undefined;
    if (shared) return { ...shared };
    const r = runColumn(spec.column, ranks[s], positions, rowCount);
    if (!ranks[s]) byColumn.set(spec.column, r);
    return { ...r };
  });
  return { keys: [], running };
}

/**
 * Counts per value of one text column (top values): per-code tallies in typed arrays, groups in
 * the order their values first appear, as the general pass makes them.
 */
function countByCode(specs: StatisticSpec[], group: Column, positions: Int32Array | null, rowCount: number): Group[] {
  const codes = group.codes!;
  const size = group.dictionary!.length + 1;
  const rows = new Int32Array(size);
  const firstSeen: number[] = [];
  const tallies = specs.map((spec) => (noNulls(spec.column) ? undefined : new Int32Array(size)));
  const n = positions ? positions.length : rowCount;
  for (let k = 0; k < n; k++) {
    const i = positions ? positions[k] : k;
    const code = codes[i] + 1;
    if (rows[code]++ === 0) firstSeen.push(i);
    for (let s = 0; s < specs.length; s++) {
      const tally = tallies[s];
      if (!tally) continue;
      const column = specs[s].column;
      if (column.numbers ? !Number.isNaN(column.numbers[i]) : column.codes![i] >= 0) tally[code]++;
    }
  }
  return firstSeen.map((i) => {
    const code = codes[i] + 1;
    return { keys: [valueIn(group, i)], running: specs.map((_, s) => ({ ...newRunning(), n: (tallies[s] ?? rows)[code] })) };
  });
}

function aggregate(specs: StatisticSpec[], groupColumns: Column[], positions: Int32Array | null, rowCount: number): Group[] {
  const ranks = specs.map((s) => (s.type === 'min' || s.type === 'max' ? codeRanks(s.column) : undefined));
  if (groupColumns.length === 0) return ranksToCodes([aggregateAll(specs, ranks, positions, rowCount)], ranks);
  if (groupColumns.length === 1 && groupColumns[0].codes && specs.every((s) => s.type === 'count')) return countByCode(specs, groupColumns[0], positions, rowCount);
  const groups = new Map<string | number, Group>();
  const n = positions ? positions.length : rowCount;
  const single = groupColumns.length === 1 ? groupColumns[0] : undefined;
  // One string field (the usual "count per category"): groups found by code, no hashing.
  const byCode: (Group | undefined)[] | undefined = single?.codes ? [] : undefined;
  const keyOf = (i: number): string | number => {
    if (groupColumns.length === 0) return 0;
    if (single) return single.numbers ? single.numbers[i] : single.codes![i];
    let key = '';
    for (const c of groupColumns) key += (c.numbers ? c.numbers[i] : c.codes![i]) + '\u0000';
    return key;
  };
  if (groupColumns.length === 0) groups.set(0, { keys: [], running: specs.map(newRunning) });
  for (let k = 0; k < n; k++) {
    const i = positions ? positions[k] : k;
    let group: Group | undefined;
    if (byCode) {
      const code = single!.codes![i] + 1;
      group = byCode[code];
      if (!group) {
        group = { keys: [valueIn(single!, i)], running: specs.map(newRunning) };
        byCode[code] = group;
        groups.set(code, group);
      }
    } else {
      const key = keyOf(i);
      group = groups.get(key);
      if (!group) {
        group = { keys: groupColumns.map((c) => valueIn(c, i)), running: specs.map(newRunning) };
        groups.set(key, group);
      }
    }
    for (let s = 0; s < specs.length; s++) {
      const column = specs[s].column;
      let v: number;
      if (column.numbers) {
        v = column.numbers[i];
        if (Number.isNaN(v)) continue;
      } else {
        const code = column.codes![i];
        if (code < 0) continue;
        v = ranks[s]?.[code] ?? 0;
      }
      const r = group.running[s];
      r.n++;
      if (column.numbers) addMoments(r, v);
      if (v < r.min) r.min = v;
      if (v > r.max) r.max = v;
    }
  }
  return ranksToCodes([...groups.values()], ranks);
}

/** Ranks back to codes for string min / max. */
function ranksToCodes(groups: Group[], ranks: (Int32Array | undefined)[]): Group[] {
  ranks.forEach((rank, s) => {
    if (!rank) return;
    const codeOf = new Int32Array(rank.length);
    rank.forEach((rk, code) => (codeOf[rk] = code));
    for (const group of groups) {
      const r = group.running[s];
      if (r.n) {
        r.min = codeOf[r.min];
        r.max = codeOf[r.max];
      }
    }
  });
  return groups;
}

const AGGREGATE_CALL = /\b(COUNT|SUM|MIN|MAX|AVG|STDDEV|VAR)\s*\(\s*("[^"]+"|[A-Za-z_][A-Za-z0-9_]*)\s*\)/gi;

/** `having` with each aggregate call replaced by a column of the group row. String literals are
 * left alone; the rest goes to the where engine. */
function compileHaving(ds: FakeDataset, having: string, groupFields: FakeField[]): { specs: StatisticSpec[]; test: (row: Record<string, unknown>) => boolean } {
  const specs: StatisticSpec[] = [];
  const pieces = having.split(/('(?:[^']|'')*')/);
  const rewritten = pieces.map((piece, k) => (k % 2 === 1 ? piece : piece.replace(AGGREGATE_CALL, (_m, fn: string, name: string) => {
    const field = ds.fields.find((f) => f.name.toLowerCase() === name.replace(/"/g, '').toLowerCase());
    if (!field) throw new QueryError(INVALID_QUERY, ["'having' parameter is invalid", `Invalid field: ${name}`]);
    const type = fn.toLowerCase() as StatisticType;
    if ((type === 'sum' || type === 'avg' || type === 'stddev' || type === 'var') && (!isNumeric(field) || isDate(field))) unable();
    const outName = `HAVING_${specs.length}`;
    specs.push({ type, field, column: columnOf(ds, field), outName });
    return outName;
  }))).join('');
  const fields: WhereField[] = [
    ...groupFields.map((f) => ({ name: f.name, type: f.type })),
    ...specs.map((s) => ({ name: s.outName, type: resultType(s) === 'esriFieldTypeInteger' ? 'esriFieldTypeDouble' : resultType(s) })),
  ];
  try {
    return { specs, test: compileWhere(rewritten, fields) };
  } catch (err) {
    if (err instanceof WhereError) throw new QueryError(INVALID_QUERY, ["'having' parameter is invalid", err.message]);
    throw err;
  }
}

type Row = Record<string, FakeValue>;

/** Orders result rows by `orderByFields` naming result columns (group fields or statistics), NULL lowest. */
function orderRows(rows: Row[], orderBy: string, columns: string[]): void {
  const keys = orderBy.split(',').map((k) => k.trim()).filter(Boolean).map((k) => {
    const m = /^(?:"([A-Za-z0-9_ ]+)"|([A-Za-z0-9_]+))(?:\s+(ASC|DESC))?$/i.exec(k);
    const name = m ? (m[1] ?? m[2]).toLowerCase() : '';
    const column = columns.find((c) => c.toLowerCase() === name);
    if (!m || !column) throw new QueryError(INVALID_QUERY, ["'orderByFields' parameter is invalid"]);
    return { column, direction: m[3]?.toUpperCase() === 'DESC' ? -1 : 1 };
  });
  const all = keys.length ? keys : columns.map((column) => ({ column, direction: 1 }));
  rows.sort((a, b) => {
    for (const { column, direction } of all) {
      const x = a[column];
      const y = b[column];
      if (x === y) continue;
      if (x === null) return -direction;
      if (y === null) return direction;
      return x < y ? -direction : direction;
    }
    return 0;
  });
}

function fieldJson(name: string, type: string, alias = name): Record<string, unknown> {
  return { name, type, alias };
}

function envelope(fields: Record<string, unknown>[], rows: Row[], exceeded: boolean): PlannedResponse {
  const out: Record<string, unknown> = {
    displayFieldName: '',
    fieldAliases: Object.fromEntries(fields.map((f) => [f.name, f.alias])),
    fields,
  };
  if (exceeded) out.exceededTransferLimit = true;
  out.features = rows.map((attributes) => ({ attributes }));
  return json(out);
}

function page(ds: FakeDataset, params: URLSearchParams, rows: Row[]): { rows: Row[]; exceeded: boolean } {
  const offset = parseCount(params.get('resultOffset'), 'resultOffset') ?? 0;
  const requested = parseCount(params.get('resultRecordCount'), 'resultRecordCount');
  const size = Math.min(requested && requested > 0 ? requested : ds.maxRecordCount, ds.maxRecordCount);
  const end = Math.min(rows.length, offset + size);
  return { rows: rows.slice(offset, end), exceeded: end < rows.length };
}

/** Answers a statistics or distinct-values query (the caller has checked `wantsStatistics`). */
export function runStatistics(ds: FakeDataset, params: URLSearchParams, where: string, objectIds: number[] | undefined, spatial: SpatialTest | undefined): PlannedResponse {
  const statisticsText = (params.get('outStatistics') ?? '').trim();
  if (statisticsText && !statisticsCapabilities(ds).statistics) unable();
  const groupText = (params.get('groupByFieldsForStatistics') ?? '').trim();
  const groupFields = groupText ? resolveFields(ds, groupText, 'groupByFieldsForStatistics') : [];
  const orderBy = params.get('orderByFields') ?? '';
  const countOnly = parseBool(params.get('returnCountOnly')) === true;

  if (!statisticsText) return distinctValues(ds, params, where, objectIds, spatial, orderBy, countOnly);

  const specs = parseStatistics(ds, statisticsText);
  const havingText = (params.get('having') ?? '').trim();
  if (havingText && !groupFields.length) throw new QueryError(INVALID_QUERY, ["'having' parameter is invalid", 'having needs groupByFieldsForStatistics']);
  const having = havingText ? compileHaving(ds, havingText, groupFields) : undefined;
  const allSpecs = having ? [...specs, ...having.specs] : specs;
  const groupColumns = groupFields.map((f) => columnOf(ds, f));
  const counted = !groupFields.length && !objectIds && !spatial ? rangeCounts(ds, where, specs) : undefined;
  let groups = counted !== undefined
    ? [{ keys: [], running: specs.map(() => ({ ...newRunning(), n: counted })) }]
    : aggregate(allSpecs, groupColumns, selectPositions(ds, where, objectIds, spatial), ds.rowCount);
  if (having) {
    groups = groups.filter((g) => {
      const row: Record<string, unknown> = {};
      groupFields.forEach((f, k) => (row[f.name] = g.keys[k]));
      having.specs.forEach((s, k) => (row[s.outName] = finish(s, g.running[specs.length + k])));
      return having.test(row);
    });
  }
  const rows: Row[] = groups.map((g) => {
    const row: Row = {};
    groupFields.forEach((f, k) => (row[f.name] = g.keys[k]));
    specs.forEach((s, k) => (row[s.outName] = finish(s, g.running[k])));
    return row;
  });
  const columns = [...groupFields.map((f) => f.name), ...specs.map((s) => s.outName)];
  if (countOnly) return json({ count: rows.length });
  orderRows(rows, orderBy.trim() ? orderBy : groupFields.map((f) => f.name).join(','), columns);
  const { rows: shown, exceeded } = page(ds, params, rows);
  const fields = [...groupFields.map((f) => fieldJson(f.name, f.type, f.alias)), ...specs.map((s) => fieldJson(s.outName, resultType(s)))];
  return envelope(fields, shown, exceeded);
}

function distinctValues(ds: FakeDataset, params: URLSearchParams, where: string, objectIds: number[] | undefined, spatial: SpatialTest | undefined,
  orderBy: string, countOnly: boolean): PlannedResponse {
  const outText = (params.get('outFields') ?? '').trim();
  if (!outText) throw new QueryError(INVALID_QUERY, ["'outFields' parameter is invalid", 'returnDistinctValues needs outFields']);
  const fields = resolveFields(ds, outText, 'outFields');
  const columns = fields.map((f) => columnOf(ds, f));
  if (countOnly && columns.length === 1 && columns[0].numbers && !objectIds && !spatial) {
    const { values, nulls } = sortedValuesFor(ds, where, fields[0], columns[0]);
    return json({ count: distinctSorted(values) + (nulls > 0 ? 1 : 0) });
  }
  const positions = selectPositions(ds, where, objectIds, spatial);
  if (countOnly && columns.length === 1) return json({ count: distinctCount(columns[0], positions, ds.rowCount) });
  const seen = new Map<string | number, number>();
  const n = positions ? positions.length : ds.rowCount;
  const single = columns.length === 1 ? columns[0] : undefined;
  for (let k = 0; k < n; k++) {
    const i = positions ? positions[k] : k;
    let key: string | number;
    if (single) key = single.numbers ? single.numbers[i] : single.codes![i];
    else {
      key = '';
      for (const c of columns) key += (c.numbers ? c.numbers[i] : c.codes![i]) + '\u0000';
    }
    if (!seen.has(key)) seen.set(key, i);
  }
  if (countOnly) return json({ count: seen.size });
  const rows: Row[] = [...seen.values()].map((i) => Object.fromEntries(fields.map((f, k) => [f.name, valueIn(columns[k], i)])));
  orderRows(rows, orderBy.trim() ? orderBy : fields.map((f) => f.name).join(','), fields.map((f) => f.name));
  const { rows: shown, exceeded } = page(ds, params, rows);
  return envelope(fields.map((f) => fieldJson(f.name, f.type, f.alias)), shown, exceeded);
}

/** Distinct values of one column (NULL counts as one), without hashing a million keys. */
function distinctCount(column: Column, positions: Int32Array | null, rowCount: number): number {
  const n = positions ? positions.length : rowCount;
  if (column.codes) {
    const seen = new Uint8Array(column.dictionary!.length + 1);
    let count = 0;
    for (let k = 0; k < n; k++) {
      const code = column.codes[positions ? positions[k] : k] + 1;
      if (!seen[code]) {
        seen[code] = 1;
        count++;
      }
    }
    return count;
  }
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) values[k] = column.numbers![positions ? positions[k] : k];
  values.sort(); // NaN (NULL) sorts last
  let count = 0;
  for (let k = 0; k < n; k++) if (k === 0 || !(values[k] === values[k - 1] || (Number.isNaN(values[k]) && Number.isNaN(values[k - 1])))) count++;
  return count;
}

/** Distinct values among sorted numbers (no NaN). */
function distinctSorted(values: Float64Array): number {
  let count = values.length ? 1 : 0;
  for (let k = 1; k < values.length; k++) if (values[k] !== values[k - 1]) count++;
  return count;
}
