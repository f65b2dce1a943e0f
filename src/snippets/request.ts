// Builds a SnippetRequest from what the catalog and preview already hold (portal config,
// dataset summary, schema), so the "Copy as code" command only picks a language.

import type { DatasetSchema, DatasetSummary, FieldKind, PortalConfig } from '../portal/types';
import type { DatasetQuery } from '../query/model';
import type { SnippetRequest } from './plan';

/** The variable generated code (and the MCP server) read a token from. */
export const TOKEN_ENV_VAR = 'OKC_PORTAL_TOKEN';

export interface SnippetOptions {
  /** Loop over every page (default true: a snippet should give the whole answer). */
  pageAll?: boolean;
  /** Environment variable the code reads the token from; omit for public portals. */
  tokenEnvVar?: string;
  legacyTokenHeader?: string;
}

export function snippetRequestFor(
  portal: PortalConfig,
  dataset: DatasetSummary,
  schema: DatasetSchema | undefined,
  query: DatasetQuery,
  options: SnippetOptions = {},
): SnippetRequest {
  const fieldTypes: Record<string, FieldKind> | undefined = schema ? Object.fromEntries(schema.fields.map((f) => [f.name, f.kind])) : undefined;
  const common = {
    siteUrl: portal.url,
    datasetTitle: dataset.title,
    query,
    pageAll: options.pageAll ?? true,
    tokenEnvVar: options.tokenEnvVar,
  };
  if (portal.kind === 'hub') {
    if (!dataset.apiUrl) throw new Error(`${dataset.title} has no FeatureServer layer to query, so no code can be written for it.`);
    return {
      ...common,
      portalKind: 'hub',
      layerUrl: dataset.apiUrl,
      objectIdField: schema?.objectIdField,
      maxRecordCount: schema?.maxRecordCount,
      fieldTypes,
      capabilities: schema?.queryCapabilities,
    };
  }
  // A legacy dataset's id is its Records API name.
  return { ...common, portalKind: 'legacy', datasetName: dataset.id, legacyTokenHeader: options.legacyTokenHeader };
}
