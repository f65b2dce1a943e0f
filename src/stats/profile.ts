// One column's profile for a query: counts, missing, distinct, range, mean and spread, top values
// and a histogram. On a layer that computes statistics it costs a few requests (one statistics
// request, a distinct count, a grouped count for the top values, and one count per histogram
// bucket, bounded by the HTTP client's per-host limit); elsewhere it is computed here over fetched
// pages and says how many rows it covered.

import { PortalError } from '../portal/errors';
import type { CellValue, DatasetField, DatasetSchema, DatasetSummary, Portal } from '../portal/types';
import type { DatasetQuery } from '../query/model';
import { ColumnAccumulator, histogramEdges, HistogramCounter, isMissing, readValue } from './accumulator';
import { DEFAULT_CLIENT_ROW_LIMIT, fetchRows, portalStatisticsRefusal } from './aggregate';
import type { ColumnProfile, HistogramBucket, ProfileColumn, ProfileKind, ValueCount } from './types';

/** Numbers with at most this many distinct values are codes: their top values are shown too. */
export const CODE_DISTINCT_LIMIT = 1000;
const DEFAULT_TOP = 10;
const DEFAULT_BUCKETS = 20;
/** Extra top groups asked for, so blank groups (missing values) rarely need a second request. */
const TOP_SLACK = 4;

/** The profile kind of a field, or undefined for fields that have none (geometry). */
export function profileKind(field: DatasetField): ProfileKind | undefined {
  switch (field.kind) {
    case 'integer':
    case 'double':
    case 'oid':
      return 'number';
    case 'date':
      return 'date';
    case 'string':
    case 'guid':
      return 'text';
    default:
      return undefined;
  }
}

/** Top values are worth showing for text and for numbers that are codes, not for measurements. */
export function showsTopValues(kind: ProfileKind, distinct: number | undefined): boolean {
  return kind === 'text' || (kind === 'number' && distinct !== undefined && distinct <= CODE_DISTINCT_LIMIT);
}

/** Histogram unit: whole seconds for dates (the portal's timestamp literals), 1 for integers. */
function histogramStep(field: DatasetField, kind: ProfileKind): number {
  if (kind === 'date') return 1000;
  return field.kind === 'integer' || field.kind === 'oid' ? 1 : 0;
}

export const profileColumn: ProfileColumn = async (portal, dataset, schema, query, fieldName, options = {}, signal) => {
  const field = schema.fields.find((f) => f.name === fieldName);
  if (!field) throw new PortalError('rejected', `The dataset has no field named ${JSON.stringify(fieldName)}.`);
  const kind = profileKind(field);
  if (!kind) throw new PortalError('rejected', `${fieldName} holds ${field.kind} values, which have no profile.`);
  const refusal = portalStatisticsRefusal(portal, schema);
  if (!refusal) {
    try {
      return await onPortal(portal, dataset, schema, query, field, kind, options, signal);
    } catch (error) {
      if (!(error instanceof PortalError) || error.kind !== 'rejected') throw error;
      return onClient(portal, dataset, schema, query, field, kind, options, `The portal refused a statistics request (${error.message}).`, signal);
    }
  }
  // The legacy portal and file downloads never compute statistics: no reason to state there.
  const reason = portal.queryStatistics && schema.statisticsSupport ? refusal : undefined;
  return onClient(portal, dataset, schema, query, field, kind, options, reason, signal);
};

async function onPortal(portal: Portal, dataset: DatasetSummary, schema: DatasetSchema, query: DatasetQuery, field: DatasetField, kind: ProfileKind,
  options: { topValues?: number; buckets?: number }, signal?: AbortSignal): Promise<ColumnProfile> {
  const stats = portal.queryStatistics!.bind(portal);
  const name = field.name;
  const rowsField = schema.objectIdField ?? name;
  const topN = options.topValues ?? DEFAULT_TOP;
  const figures = [
    { type: 'count' as const, field: rowsField, outName: 'okc_rows' },
    { type: 'count' as const, field: name, outName: 'okc_values' },
    ...(kind !== 'text' ? [{ type: 'min' as const, field: name, outName: 'okc_min' }, { type: 'max' as const, field: name, outName: 'okc_max' }] : []),
    // ArcGIS computes avg and stddev of numbers only; a date's mean is not asked for.
    ...(kind === 'number' ? [{ type: 'avg' as const, field: name, outName: 'okc_mean' }, { type: 'stddev' as const, field: name, outName: 'okc_stddev' }] : []),
  ];
  const rowsCounted = rowsField !== name;
  const topRequest = (limit: number) => stats(dataset, query, {
    statistics: [{ type: 'count', field: rowsField, outName: 'okc_count' }],
    groupBy: [name],
    extraFilters: [{ field: name, op: 'is not null' }],
    orderBy: [{ column: 'okc_count', descending: true }, { column: name }],
    limit,
  }, signal);
  // Blank text ('' or spaces) sorts below '!': one small grouped query finds every blank variant.
  const blanksRequest = kind === 'text'
    ? stats(dataset, query, { statistics: [{ type: 'count', field: rowsField, outName: 'okc_count' }], groupBy: [name], extraFilters: [{ field: name, op: '<', value: '!' }] }, signal)
    : undefined;
  const [main, distinctAll, blankGroups, textTop] = await Promise.all([
    stats(dataset, query, { statistics: figures }, signal),
    schema.statisticsSupport?.distinct && portal.countDistinct ? portal.countDistinct(dataset, query, name, signal) : undefined,
    blanksRequest,
    kind === 'text' ? topRequest(topN + TOP_SLACK) : undefined,
  ]);
  const row = main.rows[0] ?? [];
  const get = (outName: string): number | undefined => {
    const v = row[figures.findIndex((f) => f.outName === outName)];
    return typeof v === 'number' ? v : undefined;
  };
  const values = get('okc_values') ?? 0;
  const rows = rowsCounted ? (get('okc_rows') ?? 0) : await portal.countRows(dataset, query, signal);
  const nulls = rows - values;
  const blanks = (blankGroups?.rows ?? []).filter((r) => typeof r[0] === 'string' && r[0].trim() === '');
  const blankCount = blanks.reduce((sum, r) => sum + Number(r[1] ?? 0), 0);
  const profile: ColumnProfile = { field: name, kind, count: rows, missing: nulls + blankCount, topValues: [], computedOn: 'portal' };
  if (distinctAll !== undefined) profile.distinct = { value: distinctAll - (nulls > 0 ? 1 : 0) - blanks.length, exact: true };
  if (kind !== 'text') {
    profile.min = get('okc_min');
    profile.max = get('okc_max');
    profile.mean = get('okc_mean');
    profile.stddev = get('okc_stddev');
  }
  let top = textTop;
  if (!top && kind === 'number' && showsTopValues(kind, profile.distinct?.value)) top = await topRequest(topN);
  // Blank groups are missing values, not top values: ask again only when they crowded out some.
  if (top && textTop && blanks.length > TOP_SLACK && top.rows.filter((r) => !isMissing(r[0])).length < topN && top.rows.length === topN + TOP_SLACK) {
    top = await topRequest(topN + blanks.length);
  }
  if (top) {
    profile.topValues = top.rows
      .filter((r) => !isMissing(r[0]))
      .slice(0, topN)
      .map((r): ValueCount => ({ value: r[0], count: Number(r[1] ?? 0) }));
  }
  if (kind !== 'text' && profile.min !== undefined && profile.max !== undefined) {
    const edges = histogramEdges(profile.min, profile.max, options.buckets ?? DEFAULT_BUCKETS, histogramStep(field, kind));
    const counts = await Promise.all(edges.slice(0, -1).map(async (from, k) => {
      const last = k === edges.length - 2;
      const answer = await stats(dataset, query, {
        statistics: [{ type: 'count', field: rowsField, outName: 'okc_count' }],
        extraFilters: last ? [{ field: name, op: '>=', value: from }] : [{ field: name, op: '>=', value: from }, { field: name, op: '<', value: edges[k + 1] }],
      }, signal);
      return Number(answer.rows[0]?.[0] ?? 0);
    }));
    profile.histogram = counts.map((count, k): HistogramBucket => ({ from: edges[k], to: edges[k + 1], count }));
  }
  return profile;
}

async function onClient(portal: Portal, dataset: DatasetSummary, schema: DatasetSchema, query: DatasetQuery, field: DatasetField, kind: ProfileKind,
  options: { topValues?: number; buckets?: number; clientRowLimit?: number }, reason: string | undefined, signal?: AbortSignal): Promise<ColumnProfile> {
  const limit = Math.max(1, options.clientRowLimit ?? DEFAULT_CLIENT_ROW_LIMIT);
  const topN = options.topValues ?? DEFAULT_TOP;
  const accumulator = new ColumnAccumulator({ kind, topValues: Math.max(topN, CODE_DISTINCT_LIMIT + 1) });
  // The rows are in memory anyway (at most `limit`): the histogram is a second pass over them.
  const numbers: number[] = [];
  let scanned = 0;
  const [total] = await Promise.all([portal.countRows(dataset, query, signal).catch(() => undefined)]);
  for await (const rows of fetchRows(portal, dataset, schema, query, [field.name], limit, signal)) {
    for (const row of rows) {
      const value: CellValue | undefined = row[field.name];
      scanned++;
      accumulator.add(value);
      if (kind !== 'text' && !isMissing(value)) {
        const n = readValue(kind, value as CellValue);
        if (typeof n === 'number') numbers.push(n);
      }
    }
  }
  const summary = accumulator.summary();
  const profile: ColumnProfile = { field: field.name, ...summary, computedOn: 'client', sampled: { rows: scanned, of: total } };
  if (reason) profile.fallbackReason = reason;
  profile.topValues = showsTopValues(kind, summary.distinct?.value) ? summary.topValues.slice(0, topN) : [];
  if (kind !== 'text' && profile.min !== undefined && profile.max !== undefined) {
    const counter = new HistogramCounter(histogramEdges(profile.min, profile.max, options.buckets ?? DEFAULT_BUCKETS, histogramStep(field, kind)));
    for (const n of numbers) counter.add(n);
    profile.histogram = counter.buckets();
  }
  return profile;
}

