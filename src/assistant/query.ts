// okcOpenData_queryDataset: how many rows match and the first of them as CSV, or grouped
// statistics from the statistics engine, with the token-free API URL of the query. The rows
// come through the same portal layer the grid uses; answers are cut to the budget and say so.

import Papa from 'papaparse';
import type { CellValue, DatasetSchema, DatasetSummary, FieldKind, Portal, PortalStatisticType } from '../portal/types';
import { hubStatisticsUrl } from '../query/compile';
import type { DatasetQuery } from '../query/model';
import { cellText, typedValue } from '../save/values';
import type { AggregateRequest, StatisticSpec } from '../stats/types';
import { cutCell, fitItems, MAX_ROWS_SHOWN, type OutputBudget } from './budget';
import { ToolInputError, type AssistantContext, type ToolAnswer } from './context';
import { STATISTIC_KINDS } from './definitions';
import { fieldName, optionalInteger, optionalString, optionalStringList, queryFromInput, resolveDataset, type ToolInput } from './input';
import { aggregateEngine, CLIENT_STATISTICS_ROW_LIMIT } from './statistics';
import { UNTRUSTED_NOTE, untrustedBlock } from './untrusted';

/** Rows shown when the model gives no limit. */
const DEFAULT_ROWS = 20;

export function csvLine(cells: string[]): string {
  return Papa.unparse([cells], { newline: '\n' });
}

function howToGetAll(count: number): string {
  return `To get all ${count} rows, save them with okcOpenData_saveDataset (same where, fields and orderBy), get code that pages through them with okcOpenData_generateSnippet, or ask again with a higher offset.`;
}

export async function queryTool(context: AssistantContext, input: ToolInput, budget: OutputBudget, signal?: AbortSignal): Promise<ToolAnswer> {
  const { portal, dataset } = await resolveDataset(context, input);
  const schema = await portal.getSchema(dataset, signal);
  const query = queryFromInput(input, schema);
  if (input.groupBy !== undefined || input.statistics !== undefined) return statisticsAnswer(portal, dataset, schema, query, input, budget, signal);

  const offset = query.offset ?? 0;
  const wanted = Math.min(query.limit ?? DEFAULT_ROWS, MAX_ROWS_SHOWN);
  const { limit: _limit, offset: _offset, ...filterQuery } = query;
  const [matching, page] = await Promise.all([
    portal.countRows(dataset, filterQuery, signal),
    portal.queryPage(dataset, { ...query, returnGeometry: false }, 0, wanted, signal),
  ]);
  const columns = query.fields ?? schema.fields.filter((f) => f.kind !== 'geometry').map((f) => f.name);
  const kinds = new Map(schema.fields.map((f) => [f.name, f.kind]));
  let cellsCut = false;
  const lines = page.rows.slice(0, wanted).map((row) =>
    csvLine(
      columns.map((c) => {
        const { text, cut } = cutCell(cellText(typedValue(row.attributes[c] as CellValue | undefined, kinds.get(c) ?? 'other')));
        cellsCut ||= cut;
        return text;
      }),
    ),
  );
  const header = csvLine(columns);
  // Rows this query can give in all: the matching rows after the offset, up to its limit.
  const available = Math.max(0, Math.min(matching - offset, query.limit ?? Number.MAX_SAFE_INTEGER));
  const url = portal.queryUrl(dataset, query);
  const render = (shown: number): string => {
    const out = [`${matching} row${matching === 1 ? '' : 's'} match${matching === 1 ? 'es' : ''} the query${query.filters?.length ? '' : ' (no filter)'}.`];
    if (!lines.length) out.push(offset && matching ? `No rows after offset ${offset}.` : 'No rows to show.');
    else out.push(`Rows ${offset + 1} to ${offset + shown} are shown${shown < available ? ` — CUT: ${shown} of ${available} rows shown (${shown < lines.length ? 'to fit the output budget' : `at most ${wanted} rows are shown at once`}). ${howToGetAll(available)}` : '.'}`);
    if (cellsCut) out.push('Cells longer than 200 characters were cut (marked …).');
    out.push(`API URL of this query (token-free; a token, when needed, goes in the token parameter): ${url}`);
    if (lines.length) out.push(UNTRUSTED_NOTE, untrustedBlock('rows', 'csv', [header, ...lines.slice(0, shown)].join('\n')));
    return out.join('\n');
  };
  const { text } = await fitItems(lines.length, render, budget);
  return { text, isError: false };
}

function statisticSpecs(input: ToolInput, schema: DatasetSchema): StatisticSpec[] {
  const raw = input.statistics ?? [];
  if (!Array.isArray(raw)) throw new ToolInputError('"statistics" must be a list like [{"type": "count", "field": "*"}].');
  const specs = raw.map((entry, i): StatisticSpec => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const kind = String(e.type ?? e.kind ?? '').toLowerCase();
    if (!STATISTIC_KINDS.includes(kind as StatisticSpec['kind'])) throw new ToolInputError(`statistics[${i}].type must be one of ${STATISTIC_KINDS.join(', ')}.`);
    const requested = typeof e.field === 'string' ? e.field.trim() : '';
    let field: string;
    if (kind === 'count' && (requested === '' || requested === '*')) field = schema.objectIdField ?? schema.fields.find((f) => f.kind !== 'geometry')!.name;
    else field = fieldName(schema, requested, `statistics[${i}].field`);
    if (['sum', 'avg', 'stddev'].includes(kind) && !['integer', 'double', 'oid'].includes(schema.fields.find((f) => f.name === field)!.kind)) {
      throw new ToolInputError(`statistics[${i}]: ${kind} needs a numeric field; ${field} is not numeric.`);
    }
    const as = typeof e.as === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(e.as) ? e.as : `${kind}_${kind === 'count' && (requested === '' || requested === '*') ? 'rows' : field}`;
    return { kind: kind as StatisticSpec['kind'], field, as };
  });
  return specs.length ? specs : [{ kind: 'count', field: schema.objectIdField ?? schema.fields[0].name, as: 'count_rows' }];
}

/** The FeatureServer statistics request as a URL a person can open (no token). */
function statisticsUrl(portal: Portal, dataset: DatasetSummary, schema: DatasetSchema, filters: DatasetQuery, request: AggregateRequest): string | undefined {
  if (portal.config.kind !== 'hub' || !dataset.apiUrl) return undefined;
  const fieldTypes: Record<string, FieldKind> = Object.fromEntries(schema.fields.map((f) => [f.name, f.kind]));
  return hubStatisticsUrl(filters, { layerUrl: dataset.apiUrl, objectIdField: schema.objectIdField, fieldTypes }, {
    statistics: request.statistics.map((s) => ({ type: s.kind as PortalStatisticType, field: s.field, outName: s.as ?? `${s.kind}_${s.field}` })),
    groupBy: request.groupBy,
    orderBy: request.orderBy,
    limit: request.limit,
  });
}

async function statisticsAnswer(
  portal: Portal,
  dataset: DatasetSummary,
  schema: DatasetSchema,
  query: DatasetQuery,
  input: ToolInput,
  budget: OutputBudget,
  signal?: AbortSignal,
): Promise<ToolAnswer> {
  const groupBy = (optionalStringList(input, 'groupBy') ?? []).map((f) => fieldName(schema, f, 'groupBy'));
  const statistics = statisticSpecs(input, schema);
  const columns = [...groupBy, ...statistics.map((s) => s.as!)];
  const orderText = optionalString(input, 'orderBy');
  const orderBy = (orderText ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part) => {
      const [, name, dir] = /^(.+?)(?:\s+(asc|desc))?$/i.exec(part)!;
      const column = columns.find((c) => c.toLowerCase() === name.trim().toLowerCase());
      if (!column) throw new ToolInputError(`orderBy: with statistics, sort by a result column: ${columns.join(', ')}.`);
      return { column, descending: dir?.toLowerCase() === 'desc' };
    });
  const filters: DatasetQuery = { ...(query.filters ? { filters: query.filters } : {}), ...(query.join ? { join: query.join } : {}) };
  const limit = optionalInteger(input, 'limit', 1);
  const request: AggregateRequest = { query: filters, groupBy, statistics, ...(orderBy.length ? { orderBy } : {}), ...(limit ? { limit } : {}), clientRowLimit: CLIENT_STATISTICS_ROW_LIMIT };
  if (!aggregateEngine) {
    return { text: 'Statistics (groupBy / statistics) are not available yet in this version. Query the rows without them, or save the rows with okcOpenData_saveDataset and compute the figures from the file.', isError: true };
  }
  const result = await aggregateEngine(portal, dataset, schema, request, signal);
  const lines = result.rows.map((row) => csvLine(row.map((v) => cutCell(cellText(v)).text)));
  const header = csvLine(result.columns);
  const url = result.computedOn === 'portal' ? statisticsUrl(portal, dataset, schema, filters, request) : undefined;
  const render = (shown: number): string => {
    const out: string[] = [];
    if (result.matchingRows !== undefined) out.push(`${result.matchingRows} row${result.matchingRows === 1 ? '' : 's'} match the query.`);
    out.push(
      result.computedOn === 'portal'
        ? 'Computed on the portal (ArcGIS outStatistics).'
        : `Computed here over ${result.rowsScanned ?? '?'} fetched rows, as the portal could not${result.fallbackReason ? ` (${result.fallbackReason})` : ''}.${result.truncated ? ` INCOMPLETE: stopped at the limit of ${CLIENT_STATISTICS_ROW_LIMIT} rows read, so the figures cover only those rows.` : ''}`,
    );
    out.push(`${result.rows.length} result row${result.rows.length === 1 ? '' : 's'}${groupBy.length ? ` (groups of ${groupBy.join(', ')})` : ''}${shown < lines.length ? ` — CUT: ${shown} of ${lines.length} shown to fit the output budget; ask with a limit and orderBy to see the top groups, or save the rows with okcOpenData_saveDataset` : ''}.`);
    out.push(url ? `API URL of this statistics query (token-free): ${url}` : `API URL of the rows these figures cover (token-free): ${portal.queryUrl(dataset, filters)}`);
    out.push(UNTRUSTED_NOTE, untrustedBlock('statistics', 'csv', [header, ...lines.slice(0, shown)].join('\n')));
    return out.join('\n');
  };
  const { text } = await fitItems(lines.length, render, budget);
  return { text, isError: false };
}
