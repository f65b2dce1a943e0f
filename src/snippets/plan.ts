// What every generator renders: the request(s) a query needs, already compiled by
// src/query/compile.ts, plus the client-side steps the portal cannot do itself.

import { hubObjectIdBatchParams, hubObjectIdsParams, hubQueryParams, legacyRecordsUrl, legacyRequest, pagesByObjectId } from '../query/compile';
import type { FieldKind, QueryCapabilities } from '../portal/types';
import type { DatasetQuery, SortKey } from '../query/model';

export interface SnippetRequest {
  portalKind: 'hub' | 'legacy';
  siteUrl: string;
  /** FeatureServer layer URL (Hub). */
  layerUrl?: string;
  /** Records API dataset name (legacy). */
  datasetName?: string;
  datasetTitle: string;
  objectIdField?: string;
  maxRecordCount?: number;
  query: DatasetQuery;
  /** Fetch every matching row (Hub: loop over `resultOffset`), not just the first page. */
  pageAll: boolean;
  /** Environment variable holding the token, e.g. `OKC_PORTAL_TOKEN`; absent: no token code. */
  tokenEnvVar?: string;
  /** Header the legacy portal reads the token from; defaults to DEFAULT_LEGACY_TOKEN_HEADER. */
  legacyTokenHeader?: string;
  /** Field kinds from the schema (Hub), so filter values are written as numbers or timestamps. */
  fieldTypes?: Record<string, FieldKind>;
  /** What the layer's /query accepts (Hub); absent: a current layer. */
  capabilities?: QueryCapabilities;
}

export const DEFAULT_LEGACY_TOKEN_HEADER = 'X-Api-Key';

export interface HubPlan {
  kind: 'hub';
  /** `{layerUrl}/query`. */
  queryUrl: string;
  /** Compiled parameters in order; without resultOffset/resultRecordCount when paging. */
  params: [string, string][];
  /** Parameters of the query's first page, as one request would send them. */
  firstPageParams: [string, string][];
  /** True when the program loops over pages. */
  paged: boolean;
  /** First `resultOffset` of the loop. */
  startOffset: number;
  /** Page size sent as `resultRecordCount` while paging; undefined lets the server choose. */
  pageSize?: number;
  /** Stop after this many rows (query.limit). */
  limit?: number;
  geojson: boolean;
  tokenEnvVar?: string;
  /** Set for a layer that cannot page with resultOffset (ArcGIS Server 10.x): the program asks
   * for every matching id, then fetches the rows in batches of ids. `params` are then the ids
   * request's. */
  objectIdPaging?: ObjectIdPaging;
}

export interface ObjectIdPaging {
  objectIdField: string;
  /** Parameters of each batch request, without `objectIds` (added per batch). */
  batchParams: [string, string][];
  batchSize: number;
  /** Ids sorted descending (a sort on the object id, descending). */
  descending: boolean;
  /** A sort on other fields: done by the program over all fetched rows, empty values first,
   * ties in object id order (old servers ignore orderByFields when they list ids). */
  clientSort?: SortKey[];
  offset: number;
  limit?: number;
}

export interface LegacyPlan {
  kind: 'legacy';
  /** Records API URL of the portal without the dataset name (`.../data/records`). */
  recordsBaseUrl: string;
  datasetName: string;
  /** Full URL with the name encoded, for targets that cannot encode it themselves. */
  url: string;
  method: 'GET' | 'POST';
  body?: Record<string, unknown>;
  /** Applied by the program, as the Records API has no paging or field list. */
  offset: number;
  limit?: number;
  fields?: string[];
  tokenEnvVar?: string;
  tokenHeader: string;
}

export type SnippetPlan = HubPlan | LegacyPlan;

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Narrower than HTTP allows, so the name is inert in every language's string syntax.
const HEADER_NAME = /^[A-Za-z0-9-]+$/;

export function planSnippet(request: SnippetRequest): SnippetPlan {
  const { query } = request;
  if (request.tokenEnvVar !== undefined && !ENV_VAR_NAME.test(request.tokenEnvVar)) {
    throw new Error(`Token environment variable ${JSON.stringify(request.tokenEnvVar)} must be letters, digits and _.`);
  }
  if (request.portalKind === 'hub') {
    if (!request.layerUrl) throw new Error(`${request.datasetTitle} has no layer URL to query.`);
    const target = {
      layerUrl: request.layerUrl,
      objectIdField: request.objectIdField,
      maxRecordCount: request.maxRecordCount,
      fieldTypes: request.fieldTypes,
      capabilities: request.capabilities,
    };
    const compiled = hubQueryParams(query, target);
    const firstPageParams = [...compiled.entries()];
    const idPaged = pagesByObjectId(target);
    if (idPaged && request.objectIdField && (request.pageAll || query.offset || query.limit !== undefined || query.sort?.length)) {
      return objectIdPlan(request, firstPageParams);
    }
    const paged = request.pageAll;
    if (paged) {
      compiled.delete('resultOffset');
      compiled.delete('resultRecordCount');
    }
    return {
      kind: 'hub',
      queryUrl: `${request.layerUrl.replace(/\/+$/, '')}/query`,
      params: [...compiled.entries()],
      firstPageParams,
      paged,
      startOffset: Math.max(0, query.offset ?? 0),
      pageSize: request.maxRecordCount,
      limit: query.limit,
      geojson: query.format === 'geojson',
      tokenEnvVar: request.tokenEnvVar,
    };
  }
  if (!request.datasetName) throw new Error(`${request.datasetTitle} has no legacy dataset name.`);
  const tokenHeader = request.legacyTokenHeader ?? DEFAULT_LEGACY_TOKEN_HEADER;
  if (!HEADER_NAME.test(tokenHeader)) throw new Error(`Token header ${JSON.stringify(tokenHeader)} is not a valid header name.`);
  const compiled = legacyRequest(query, request.siteUrl, request.datasetName);
  const url = legacyRecordsUrl(request.siteUrl, request.datasetName);
  return {
    kind: 'legacy',
    recordsBaseUrl: url.slice(0, url.lastIndexOf('/')),
    datasetName: request.datasetName,
    url,
    method: compiled.method,
    body: compiled.body,
    offset: Math.max(0, query.offset ?? 0),
    limit: query.limit,
    fields: query.fields?.length ? query.fields : undefined,
    tokenEnvVar: request.tokenEnvVar,
    tokenHeader,
  };
}

/** The plan of a program that pages by object id: ids once, then batches of ids. */
function objectIdPlan(request: SnippetRequest, firstPageParams: [string, string][]): HubPlan {
  const { query } = request;
  const objectIdField = request.objectIdField!;
  const target = { layerUrl: request.layerUrl!, objectIdField, maxRecordCount: request.maxRecordCount, fieldTypes: request.fieldTypes, capabilities: request.capabilities };
  const sort = query.sort ?? [];
  const byId = !sort.length || sort[0].field.toLowerCase() === objectIdField.toLowerCase();
  // Each batch is put back in id-list order by the object id, so the batch asks for it.
  const fields = query.fields?.length && !query.fields.some((f) => f.toLowerCase() === objectIdField.toLowerCase()) ? [...query.fields, objectIdField] : query.fields;
  const batch = hubObjectIdBatchParams(query, target, [], fields);
  batch.delete('objectIds');
  return {
    kind: 'hub',
    queryUrl: `${request.layerUrl!.replace(/\/+$/, '')}/query`,
    params: [...hubObjectIdsParams(query, target).entries()],
    firstPageParams,
    paged: true,
    startOffset: Math.max(0, query.offset ?? 0),
    pageSize: request.maxRecordCount,
    limit: query.limit,
    geojson: false,
    tokenEnvVar: request.tokenEnvVar,
    objectIdPaging: {
      objectIdField,
      batchParams: [...batch.entries()],
      batchSize: Math.max(1, request.maxRecordCount ?? 1000),
      descending: byId && sort[0]?.descending === true,
      clientSort: byId ? undefined : sort,
      offset: Math.max(0, query.offset ?? 0),
      limit: query.limit,
    },
  };
}

/** Whether a legacy program must reshape rows after the response. */
export function legacyNeedsClientSteps(plan: LegacyPlan): boolean {
  return plan.offset > 0 || plan.limit !== undefined || plan.fields !== undefined;
}
