// The statistics engine's contract: grouped aggregates and column profiles, computed on the
// portal where it can (ArcGIS outStatistics / groupByFieldsForStatistics), otherwise over
// fetched rows or a local file. One engine serves the column profiles (grid, metadata panel,
// CSV preview) and the agent tools (LM tools and MCP). No `vscode` import.
//
// Implementations: src/stats/aggregate.ts (`aggregate`), src/stats/profile.ts
// (`profileColumn`), src/stats/accumulator.ts (`ColumnAccumulator`, the streaming reducer
// used for client-side fallbacks and CSV files).

import type { CellValue, DatasetSchema, DatasetSummary, Portal } from '../portal/types';
import type { DatasetQuery } from '../query/model';

/** SQL's meanings: `count` counts non-null values; `stddev` and `var` are the sample figures
 * (n - 1) as ArcGIS computes them, null under two values; `min` / `max` also order strings. */
export type StatisticKind = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'stddev' | 'var';

export interface StatisticSpec {
  kind: StatisticKind;
  field: string;
  /** Column name in the result; default `${kind}_${field}`. */
  as?: string;
}

/** "How many X per Y": the query's filters and spatial filter apply; its fields, sort and
 * limit do not. */
export interface AggregateRequest {
  query: DatasetQuery;
  groupBy?: string[];
  statistics: StatisticSpec[];
  /** Result columns (a groupBy field or a statistic's name) to order by. */
  orderBy?: { column: string; descending?: boolean }[];
  /** Most result rows (groups) wanted. */
  limit?: number;
  /** Most source rows a client-side fallback may read before it stops and says so. */
  clientRowLimit?: number;
}

export interface AggregateResult {
  /** groupBy fields first, then each statistic's name. */
  columns: string[];
  rows: CellValue[][];
  /** Where the figures were computed: by the portal, or here over fetched rows. */
  computedOn: 'portal' | 'client';
  /** Source rows read when computed on the client. */
  rowsScanned?: number;
  /** Rows the query matches in all, when known. */
  matchingRows?: number;
  /** True when a client-side fallback stopped at `clientRowLimit` before the last row. */
  truncated?: boolean;
  /** Why the portal could not compute it, when it fell back (e.g. supportsStatistics false). */
  fallbackReason?: string;
}

export type ProfileKind = 'number' | 'date' | 'text';

export interface ValueCount {
  value: CellValue;
  count: number;
}

export interface HistogramBucket {
  /** Inclusive lower and exclusive upper bound (the last bucket includes `to`); dates in epoch ms. */
  from: number;
  to: number;
  count: number;
}

/** The shape of one column, for the current query (its filters apply). */
export interface ColumnProfile {
  field: string;
  kind: ProfileKind;
  /** Rows covered (missing included). */
  count: number;
  /** Null, empty or blank values. */
  missing: number;
  /** Values that are neither missing nor readable as the column's kind (text in a number column of
   * a CSV file); left out of every other figure. */
  invalid?: number;
  /** Distinct values among the present ones (missing values are not counted). */
  distinct?: { value: number; exact: boolean };
  /** Numbers as numbers, dates as epoch ms. */
  min?: number;
  max?: number;
  mean?: number;
  stddev?: number;
  /** Most frequent values, most frequent first (ties by value). Only for text and for numbers
   * with few distinct values (codes); empty otherwise. */
  topValues: ValueCount[];
  /** True when the counts of `topValues` are lower bounds (a streaming pass over more distinct
   * values than it could count exactly). */
  topValuesApproximate?: boolean;
  histogram?: HistogramBucket[];
  /** Who computed it: the portal, here over fetched pages, or a pass over a local file. */
  computedOn: 'portal' | 'client' | 'file';
  /** Set when computed over fetched rows: "profiled `rows` of `of`". */
  sampled?: { rows: number; of?: number };
  /** Why the portal did not compute it when it could have been asked to (e.g. supportsStatistics false). */
  fallbackReason?: string;
}

export interface ProfileOptions {
  /** How many top values to keep (default 10). */
  topValues?: number;
  /** How many histogram buckets (default 20). */
  buckets?: number;
  /** Most rows a client-side profile reads (legacy portal). */
  clientRowLimit?: number;
}

/** src/stats/aggregate.ts */
export type Aggregate = (portal: Portal, dataset: DatasetSummary, schema: DatasetSchema, request: AggregateRequest, signal?: AbortSignal) => Promise<AggregateResult>;

/** src/stats/profile.ts */
export type ProfileColumn = (
  portal: Portal,
  dataset: DatasetSummary,
  schema: DatasetSchema,
  query: DatasetQuery,
  field: string,
  options?: ProfileOptions,
  signal?: AbortSignal,
) => Promise<ColumnProfile>;
