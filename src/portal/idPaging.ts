// Paging by object id, for layers that refuse resultOffset (ArcGIS Server 10.x), the way
// established clients do it (Esri's JS API, QGIS, pyesridump): the ids of every matching row
// once (`returnIdsOnly`), sorted here, then the rows fetched in batches of ids. No `vscode`.
//
// Old servers ignore orderByFields when they list ids, and orderByFields within one batch
// orders that batch only. So a sort on other fields is done here: the sort keys of every
// matching row are fetched (object id plus those fields, no geometry), the ids are ordered by
// them, and the batches then follow that order. That costs one light pass over the rows, so it
// is refused past MAX_LOCAL_SORT_ROWS rows with a message saying why.

import type { SortKey } from '../query/model';
import { compareCells } from './cells';
import { PortalError } from './errors';
import type { CellValue } from './types';

/** Most rows whose sort keys are fetched to sort them here. */
export const MAX_LOCAL_SORT_ROWS = 200_000;
/** Key batches in flight at once while gathering sort keys. */
const KEY_CONCURRENCY = 3;
/** Id lists kept per dataset (one per filter/sort the user tried recently). */
const LISTS_PER_DATASET = 4;

export interface IdSource {
  objectIdField: string;
  /** Ids per batch request: the layer's maxRecordCount. */
  batchSize: number;
  /** Every matching id, in whatever order the server lists them. */
  listIds(signal?: AbortSignal): Promise<number[]>;
  /** Attributes of the given ids (object id and `fields`), in any order. */
  attributes(ids: number[], fields: string[], signal?: AbortSignal): Promise<Record<string, CellValue>[]>;
}

/** The ids a `returnIdsOnly` answer lists; ArcGIS sends `objectIds: null` when none match. */
export function readObjectIds(value: unknown): number[] {
  const body = value as { objectIds?: unknown } | null;
  if (!body || typeof body !== 'object') throw new Error('the object id answer is not an object');
  if (body.objectIds === null) return [];
  if (!Array.isArray(body.objectIds)) throw new Error('the object id answer has no objectIds list');
  return body.objectIds.map((id) => {
    const n = typeof id === 'number' ? id : Number(id);
    if (!Number.isSafeInteger(n)) throw new Error(`the object id ${JSON.stringify(id)} is not an integer`);
    return n;
  });
}

/** A value of `attributes` under `name`, matching the name's case loosely (old servers
 * write `objectid` while a layer may call it `OBJECTID`). */
export function attributeOf(attributes: Record<string, CellValue>, name: string): CellValue | undefined {
  if (name in attributes) return attributes[name];
  const lower = name.toLowerCase();
  for (const key in attributes) if (key.toLowerCase() === lower) return attributes[key];
  return undefined;
}

/** True when the sort is the object id's own order (or none), which needs no key pass. */
export function sortsByObjectId(sort: readonly SortKey[] | undefined, objectIdField: string): boolean {
  return !sort?.length || (sort[0].field.toLowerCase() === objectIdField.toLowerCase());
}

/** Every matching id in the query's order: by object id (ascending, or descending when the
 * sort says so), or by the sort keys with the object id breaking ties. */
export async function orderedObjectIds(source: IdSource, sort: readonly SortKey[] | undefined, signal?: AbortSignal): Promise<Float64Array> {
  const ids = Float64Array.from(await source.listIds(signal)).sort();
  if (sortsByObjectId(sort, source.objectIdField)) return sort?.[0]?.descending ? ids.reverse() : ids;
  const keys = sort!;
  if (ids.length > MAX_LOCAL_SORT_ROWS) {
    throw new PortalError(
      'rejected',
      `This layer's server (ArcGIS Server 10.x) cannot sort its rows for paging, and ${ids.length} rows are too many to sort here (at most ${MAX_LOCAL_SORT_ROWS}). Add a filter first.`,
    );
  }
  const fields = [...new Set(keys.map((k) => k.field))];
  const columns = fields.map(() => new Array<CellValue>(ids.length));
  const position = new Map<number, number>();
  ids.forEach((id, k) => position.set(id, k));
  const batches: number[][] = [];
  for (let k = 0; k < ids.length; k += source.batchSize) batches.push(Array.from(ids.subarray(k, k + source.batchSize)));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      for (const attributes of await source.attributes(batch, fields, signal)) {
        const k = position.get(Number(attributeOf(attributes, source.objectIdField)));
        if (k === undefined) continue;
        fields.forEach((f, c) => (columns[c][k] = attributeOf(attributes, f) ?? null));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(KEY_CONCURRENCY, batches.length) }, worker));
  const order = Array.from(ids.keys());
  const specs = keys.map((k) => ({ column: columns[fields.indexOf(k.field)], direction: k.descending ? -1 : 1 }));
  order.sort((x, y) => {
    for (const { column, direction } of specs) {
      const c = compareCells(column[x] ?? null, column[y] ?? null);
      if (c) return c * direction;
    }
    return ids[x] - ids[y];
  });
  return Float64Array.from(order, (k) => ids[k]);
}

/** The ids of one page of the query's window (`offset`/`limit` of the query, then of the page). */
export function idWindow(ids: Float64Array, queryOffset: number | undefined, queryLimit: number | undefined, offset: number, count: number): { ids: number[]; more: boolean } {
  const base = Math.max(0, queryOffset ?? 0);
  const end = Math.min(ids.length, queryLimit !== undefined ? base + Math.max(0, queryLimit) : Infinity);
  const start = base + Math.max(0, offset);
  const stop = Math.min(end, start + Math.max(0, count));
  return { ids: stop > start ? Array.from(ids.subarray(start, stop)) : [], more: stop < end };
}

/** Id lists per dataset and query, shared by the pages of one preview or save and dropped
 * by `forget` (a save and a refresh start from a fresh list). */
export class IdLists {
  private readonly lists = new Map<string, Map<string, Promise<Float64Array>>>();

  get(datasetId: string, key: string, load: () => Promise<Float64Array>): Promise<Float64Array> {
    let perDataset = this.lists.get(datasetId);
    if (!perDataset) this.lists.set(datasetId, (perDataset = new Map()));
    let list = perDataset.get(key);
    if (!list) {
      list = load();
      perDataset.set(key, list);
      while (perDataset.size > LISTS_PER_DATASET) perDataset.delete(perDataset.keys().next().value as string);
      const settled = list;
      const owner = perDataset;
      settled.catch(() => {
        if (owner.get(key) === settled) owner.delete(key);
      });
    }
    return list;
  }

  forget(datasetId: string): void {
    this.lists.delete(datasetId);
  }
}
