// What the model sent, checked: the dataset it names, and its query as the project's query
// model (the same one the grid, snippets and saves use). Every mistake becomes a
// ToolInputError that says what would work. No `vscode` import.

import { datasetKey } from '../catalog/store';
import type { DatasetSchema, DatasetSummary, Portal } from '../portal/types';
import type { DatasetQuery, SortKey } from '../query/model';
import { parseWhereClause, WhereSyntaxError } from '../query/where';
import { ToolInputError, type AssistantContext } from './context';
import { defuse } from './untrusted';

export type ToolInput = Record<string, unknown>;

export function optionalString(input: ToolInput, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ToolInputError(`"${key}" must be a string.`);
  return value;
}

export function requiredString(input: ToolInput, key: string): string {
  const value = optionalString(input, key);
  if (value === undefined) throw new ToolInputError(`"${key}" is required.`);
  return value;
}

export function optionalInteger(input: ToolInput, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new ToolInputError(`"${key}" must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}.`);
  return n;
}

export function optionalStringList(input: ToolInput, key: string): string[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  // Models sometimes send "A, B" where a list is asked for.
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new ToolInputError(`"${key}" must be a list of field names.`);
  return list.length ? list : undefined;
}

export interface ResolvedDataset {
  portal: Portal;
  dataset: DatasetSummary;
}

/** The dataset the model names: by id (within `portal` when given), else by exact title. */
export async function resolveDataset(context: AssistantContext, input: ToolInput): Promise<ResolvedDataset> {
  const id = requiredString(input, 'dataset').trim();
  const portalName = optionalString(input, 'portal');
  await context.ready();
  const { store } = context;
  if (portalName && !store.portal(portalName)) {
    throw new ToolInputError(`There is no portal named "${defuse(portalName)}". Portals: ${store.states().map((s) => `"${defuse(s.config.name)}"`).join(', ') || 'none configured'}.`);
  }
  const candidates = store.allDatasets().filter((d) => !portalName || d.portal === portalName);
  let matches = candidates.filter((d) => d.id === id);
  if (!matches.length) matches = candidates.filter((d) => d.title.toLowerCase() === id.toLowerCase());
  if (!matches.length) {
    const failing = store.states().filter((s) => s.error && !s.datasets.length);
    const why = failing.length ? ` (${failing.map((s) => `"${defuse(s.config.name)}" could not be loaded: ${defuse(s.error!.message)}`).join('; ')})` : '';
    throw new ToolInputError(`No dataset has the id "${defuse(id)}"${portalName ? ` in "${defuse(portalName)}"` : ''}${why}. Find the id with okcOpenData_searchDatasets.`);
  }
  const unique = [...new Map(matches.map((d) => [datasetKey(d), d])).values()];
  if (unique.length > 1) {
    throw new ToolInputError(`"${defuse(id)}" names datasets in several portals (${unique.map((d) => `"${defuse(d.portal)}"`).join(', ')}); say which with "portal".`);
  }
  const dataset = unique[0];
  const portal = store.portal(dataset.portal);
  if (!portal) throw new ToolInputError(`The portal "${defuse(dataset.portal)}" is not configured any more.`);
  return { portal, dataset };
}

/** The schema's real name for `name` (case-insensitive), or a ToolInputError listing them. */
export function fieldName(schema: DatasetSchema, name: string, role: string): string {
  const trimmed = name.trim();
  const field = schema.fields.find((f) => f.name === trimmed) ?? schema.fields.find((f) => f.name.toLowerCase() === trimmed.toLowerCase());
  if (!field || field.kind === 'geometry') {
    const names = schema.fields.filter((f) => f.kind !== 'geometry').map((f) => f.name);
    throw new ToolInputError(`${role}: the dataset has no field "${defuse(trimmed)}". Its fields: ${names.map(defuse).join(', ')}.`);
  }
  return field.name;
}

function parseOrderBy(text: string, schema: DatasetSchema): SortKey[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(.+?)(?:\s+(asc|desc))?$/i.exec(part)!;
      const name = match[1].trim().replace(/^"(.*)"$/, '$1');
      return { field: fieldName(schema, name, 'orderBy'), ...(match[2]?.toLowerCase() === 'desc' ? { descending: true } : {}) };
    });
}

/** The model's where/fields/orderBy/limit/offset as a DatasetQuery. The where clause is
 * parsed into the query model (see src/query/where.ts); its field names are left for the
 * portal to judge, so a refusal comes back in the portal's own words. */
export function queryFromInput(input: ToolInput, schema: DatasetSchema): DatasetQuery {
  const where = optionalString(input, 'where');
  let parsed;
  try {
    parsed = parseWhereClause(where);
  } catch (error) {
    if (error instanceof WhereSyntaxError) throw new ToolInputError(`This where clause could not be read: ${defuse(where ?? '')} — ${error.message}`);
    throw error;
  }
  const fields = optionalStringList(input, 'fields')?.map((f) => fieldName(schema, f, 'fields'));
  const orderBy = optionalString(input, 'orderBy');
  const sort = orderBy ? parseOrderBy(orderBy, schema) : [];
  const limit = optionalInteger(input, 'limit', 1);
  const offset = optionalInteger(input, 'offset', 0);
  return {
    ...(fields ? { fields } : {}),
    ...(parsed.filters.length ? { filters: parsed.filters } : {}),
    ...(parsed.join ? { join: parsed.join } : {}),
    ...(sort.length ? { sort } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(offset ? { offset } : {}),
  };
}
