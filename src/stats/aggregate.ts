// "How many X per Y": grouped statistics over a dataset's query. Compiled to the portal's own
// statistics (ArcGIS outStatistics / groupByFieldsForStatistics) where the layer computes them,
// otherwise computed here over fetched pages up to a row limit, and the answer says which.

import { PortalError } from '../portal/errors';
import type { CellValue, DatasetSchema, DatasetSummary, Portal, PortalStatisticType } from '../portal/types';
import type { DatasetQuery } from '../query/model';
import { compareValues, RunningStats } from './accumulator';
import type { Aggregate, AggregateRequest, AggregateResult, StatisticSpec } from './types';

/** Rows a client-side fallback reads by default before it stops and says so. */
export const DEFAULT_CLIENT_ROW_LIMIT = 50_000;

/** The name a statistic has in the result. */
export function statisticName(spec: StatisticSpec): string {
  return spec.as ?? `${spec.kind}_${spec.field}`;
}

/** Why the portal cannot compute statistics for this dataset, or undefined when it can. */
export function portalStatisticsRefusal(portal: Portal, schema: DatasetSchema): string | undefined {
  if (!portal.queryStatistics) return 'This portal computes no statistics; they were computed here over fetched rows.';
  if (!schema.statisticsSupport) return 'This dataset has no service that computes statistics; they were computed here over fetched rows.';
  if (!schema.statisticsSupport.statistics) return 'The layer does not compute statistics (supportsStatistics is false); they were computed here over fetched rows.';
  return undefined;
}

function checkRequest(schema: DatasetSchema, request: AggregateRequest): void {
  const names = new Set(schema.fields.map((f) => f.name));
  for (const field of [...(request.groupBy ?? []), ...request.statistics.map((s) => s.field)]) {
    if (!names.has(field)) throw new PortalError('rejected', `The dataset has no field named ${JSON.stringify(field)}.`);
  }
  const numeric = new Set(schema.fields.filter((f) => f.kind === 'integer' || f.kind === 'double' || f.kind === 'oid').map((f) => f.name));
  for (const s of request.statistics) {
    if ((s.kind === 'sum' || s.kind === 'avg' || s.kind === 'stddev' || s.kind === 'var') && !numeric.has(s.field)) {
      throw new PortalError('rejected', `${s.kind} needs a numeric field; ${s.field} is not one.`);
    }
  }
  const columns = [...(request.groupBy ?? []), ...request.statistics.map(statisticName)];
  if (new Set(columns).size !== columns.length) throw new PortalError('rejected', 'Two result columns have the same name.');
  for (const key of request.orderBy ?? []) {
    if (!columns.includes(key.column)) throw new PortalError('rejected', `Cannot order by ${JSON.stringify(key.column)}: it is not a column of the result.`);
  }
}

export const aggregate: Aggregate = async (portal, dataset, schema, request, signal) => {
  checkRequest(schema, request);
  const refusal = portalStatisticsRefusal(portal, schema);
  if (!refusal) {
    try {
      return await onPortal(portal, dataset, request, signal);
    } catch (error) {
      // A layer that claims statistics but refuses this request ("Unable to complete operation."):
      // compute it here instead, and say why.
      if (!(error instanceof PortalError) || error.kind !== 'rejected') throw error;
      return onClient(portal, dataset, schema, request, `The portal refused the statistics request (${error.message}); they were computed here over fetched rows.`, signal);
    }
  }
  return onClient(portal, dataset, schema, request, refusal, signal);
};

/** Statistic names on the wire: letters, digits and _ only, whatever the caller named them. */
function wireNames(request: AggregateRequest): string[] {
  return request.statistics.map((_, k) => `okc_stat_${k}`);
}

async function onPortal(portal: Portal, dataset: DatasetSummary, request: AggregateRequest, signal?: AbortSignal): Promise<AggregateResult> {
  const wire = wireNames(request);
  const names = request.statistics.map(statisticName);
  const groupBy = request.groupBy ?? [];
  const toWire = (column: string): string => {
    const k = names.indexOf(column);
    return k >= 0 && !groupBy.includes(column) ? wire[k] : column;
  };
  const [table, matchingRows] = await Promise.all([
    portal.queryStatistics!(dataset, request.query, {
      statistics: request.statistics.map((s, k) => ({ type: s.kind as PortalStatisticType, field: s.field, outName: wire[k] })),
      groupBy,
      orderBy: (request.orderBy ?? []).map((o) => ({ column: toWire(o.column), descending: o.descending })),
      limit: request.limit,
    }, signal),
    portal.countRows(dataset, request.query, signal),
  ]);
  return { columns: [...groupBy, ...names], rows: table.rows, computedOn: 'portal', matchingRows };
}

/** Reads the query's rows (only the needed fields) page by page, up to the row limit. */
export async function* fetchRows(portal: Portal, dataset: DatasetSummary, schema: DatasetSchema, query: DatasetQuery, fields: string[], limit: number, signal?: AbortSignal): AsyncGenerator<Record<string, CellValue>[]> {
  const pageSize = Math.min(schema.maxRecordCount ?? 2000, 2000);
  const base: DatasetQuery = { ...query, fields: [...new Set(fields)], sort: undefined, limit: undefined, offset: undefined, returnGeometry: false, format: 'json' };
  for (let offset = 0; offset < limit; ) {
    const page = await portal.queryPage(dataset, base, offset, Math.min(pageSize, limit - offset), signal);
    yield page.rows.map((r) => r.attributes);
    offset += page.rows.length;
    if (!page.more || page.rows.length === 0) return;
  }
}

interface GroupState {
  keys: CellValue[];
  stats: { running: RunningStats; values: number; textMin?: string; textMax?: string }[];
}

async function onClient(portal: Portal, dataset: DatasetSummary, schema: DatasetSchema, request: AggregateRequest, reason: string, signal?: AbortSignal): Promise<AggregateResult> {
  const limit = Math.max(1, request.clientRowLimit ?? DEFAULT_CLIENT_ROW_LIMIT);
  const groupBy = request.groupBy ?? [];
  const kinds = new Map(schema.fields.map((f) => [f.name, f.kind]));
  const groups = new Map<string, GroupState>();
  let scanned = 0;
  const matchingRows = await portal.countRows(dataset, request.query, signal);
  for await (const rows of fetchRows(portal, dataset, schema, request.query, [...groupBy, ...request.statistics.map((s) => s.field)], limit, signal)) {
    for (const row of rows) {
      scanned++;
      const keys = groupBy.map((g) => row[g] ?? null);
      const id = JSON.stringify(keys);
      let group = groups.get(id);
      if (!group) {
        group = { keys, stats: request.statistics.map(() => ({ running: new RunningStats(), values: 0 })) };
        groups.set(id, group);
      }
      request.statistics.forEach((spec, k) => {
        const value = row[spec.field];
        if (value === null || value === undefined) return;
        const state = group!.stats[k];
        state.values++;
        if (typeof value === 'number') state.running.add(value);
        else if (typeof value === 'string' && kinds.get(spec.field) !== 'date') {
          if (state.textMin === undefined || value < state.textMin) state.textMin = value;
          if (state.textMax === undefined || value > state.textMax) state.textMax = value;
        } else {
          const n = Number(value);
          if (Number.isFinite(n)) state.running.add(n);
        }
      });
    }
  }
  // SQL's answer to an ungrouped query over no rows is one row of counts 0 and NULLs.
  if (groupBy.length === 0 && groups.size === 0) groups.set('[]', { keys: [], stats: request.statistics.map(() => ({ running: new RunningStats(), values: 0 })) });
  const rows: CellValue[][] = [...groups.values()].map((g) => [
    ...g.keys,
    ...request.statistics.map((spec, k) => finish(spec, g.stats[k])),
  ]);
  const columns = [...groupBy, ...request.statistics.map(statisticName)];
  orderRows(rows, columns, request.orderBy?.length ? request.orderBy : groupBy.map((column) => ({ column })));
  return {
    columns,
    rows: request.limit !== undefined ? rows.slice(0, request.limit) : rows,
    computedOn: 'client',
    rowsScanned: scanned,
    matchingRows,
    truncated: scanned < matchingRows,
    fallbackReason: reason,
  };
}

function finish(spec: StatisticSpec, state: GroupState['stats'][number]): CellValue {
  const r = state.running;
  switch (spec.kind) {
    case 'count':
      return state.values;
    case 'sum':
      return r.count ? r.sum : null;
    case 'avg':
      return r.mean ?? null;
    case 'stddev':
      return r.stddev ?? null;
    case 'var':
      return r.variance ?? null;
    case 'min':
      return state.textMin ?? (r.count ? r.min : null);
    case 'max':
      return state.textMax ?? (r.count ? r.max : null);
  }
}

/** NULL lowest, as the portal orders. */
export function orderRows(rows: CellValue[][], columns: string[], keys: { column: string; descending?: boolean }[]): void {
  const spec = keys.map((k) => ({ index: columns.indexOf(k.column), direction: k.descending ? -1 : 1 }));
  rows.sort((a, b) => {
    for (const { index, direction } of spec) {
      const x = a[index];
      const y = b[index];
      if (x === y) continue;
      if (x === null) return -direction;
      if (y === null) return direction;
      const c = compareValues(typeof x === 'boolean' ? Number(x) : x, typeof y === 'boolean' ? Number(y) : y);
      if (c !== 0) return c * direction;
    }
    return 0;
  });
}
