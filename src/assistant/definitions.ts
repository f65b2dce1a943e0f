// The five tools as both adapters offer them: names, descriptions and input schemas, said
// once. package.json's `languageModelTools` repeats them (VS Code reads them from there
// before activation); a unit test keeps the two equal. No `vscode` import.

import { SNIPPET_LANGUAGES } from '../snippets/index';
import { SAVE_FORMATS } from '../save/values';
import type { StatisticKind } from '../stats/types';

export type ToolName = 'okcOpenData_searchDatasets' | 'okcOpenData_describeDataset' | 'okcOpenData_queryDataset' | 'okcOpenData_generateSnippet' | 'okcOpenData_saveDataset';

export interface ToolDefinition {
  name: ToolName;
  /** `#okcDatasets` in chat. */
  toolReferenceName: string;
  displayName: string;
  modelDescription: string;
  /** True when the tool only reads: no confirmation needed. */
  readOnly: boolean;
  inputSchema: Record<string, unknown>;
}

export const STATISTIC_KINDS: StatisticKind[] = ['count', 'sum', 'min', 'max', 'avg', 'stddev'];

const datasetProperties = {
  dataset: { type: 'string', description: 'The dataset id from okcOpenData_searchDatasets (an exact title also works).' },
  portal: { type: 'string', description: 'Portal name from okcOpenData_searchDatasets; needed only when two portals share the id.' },
};

const queryProperties = {
  where: {
    type: 'string',
    description:
      "SQL-style filter: comparisons (=, <>, <, <=, >, >=), LIKE 'pattern%', IN (...), IS [NOT] NULL, joined all by AND or all by OR. Text in single quotes, dates as DATE 'YYYY-MM-DD'. Example: Ward = 3 AND RecordedAt >= DATE '2025-01-01'.",
  },
  fields: { type: 'array', items: { type: 'string' }, description: 'Field names to return; all when absent.' },
  orderBy: { type: 'string', description: "Sort, e.g. 'RecordedAt DESC, Ward'." },
  limit: { type: 'integer', minimum: 1, description: 'Most rows wanted.' },
};

export const TOOL_DEFINITIONS: ToolDefinition[] = [
  {
    name: 'okcOpenData_searchDatasets',
    toolReferenceName: 'okcDatasets',
    displayName: 'Search OKC Open Data',
    readOnly: true,
    modelDescription:
      "Searches the City of Oklahoma City's open-data catalogs (ArcGIS Hub and the legacy portal) by words in titles, descriptions, keywords, groups and field names. Returns for each match its id (use it with the other okcOpenData tools), title, short description, groups, update frequency, licence, record count and geometry. Use it first to find which datasets answer a question.",
    inputSchema: {
      type: 'object',
      properties: {
        text: { type: 'string', description: 'Words to look for, e.g. "code violations" or a field name like "Ward".' },
        portal: { type: 'string', description: 'Only search this portal (by name).' },
        limit: { type: 'integer', minimum: 1, maximum: 50, description: 'Most matches to return (default 10).' },
      },
      required: ['text'],
    },
  },
  {
    name: 'okcOpenData_describeDataset',
    toolReferenceName: 'okcDataset',
    displayName: 'Describe OKC Dataset',
    readOnly: true,
    modelDescription:
      'Describes one OKC open-data dataset: its fields (name, alias, type, a few sample values), licence, update frequency, record count, geographic extent, API URL and download links. Use it before writing a where clause or a statistics query, to learn the exact field names and types.',
    inputSchema: { type: 'object', properties: { ...datasetProperties }, required: ['dataset'] },
  },
  {
    name: 'okcOpenData_queryDataset',
    toolReferenceName: 'okcQuery',
    displayName: 'Query OKC Dataset',
    readOnly: true,
    modelDescription:
      'Queries one OKC open-data dataset on its portal. Without groupBy/statistics it returns how many rows match and the first rows as a CSV table. With statistics (count, sum, min, max, avg, stddev of a field), optionally per groupBy fields, it returns the grouped figures as CSV and says whether the portal or the client computed them. Always returns the token-free API URL of the query. Large answers are cut to fit; to get every row use okcOpenData_saveDataset or okcOpenData_generateSnippet.',
    inputSchema: {
      type: 'object',
      properties: {
        ...datasetProperties,
        ...queryProperties,
        offset: { type: 'integer', minimum: 0, description: 'Rows to skip before the first one returned.' },
        groupBy: { type: 'array', items: { type: 'string' }, description: 'Fields to group by; each group gets one row of statistics.' },
        statistics: {
          type: 'array',
          description: 'Figures to compute over the matching rows (per group with groupBy). For count, field may be "*".',
          items: {
            type: 'object',
            properties: {
              type: { type: 'string', enum: STATISTIC_KINDS },
              field: { type: 'string' },
              as: { type: 'string', description: 'Column name in the answer; default type_field.' },
            },
            required: ['type', 'field'],
          },
        },
      },
      required: ['dataset'],
    },
  },
  {
    name: 'okcOpenData_generateSnippet',
    toolReferenceName: 'okcSnippet',
    displayName: 'OKC API Query Code',
    readOnly: true,
    modelDescription:
      "Writes runnable code that fetches an OKC dataset's rows through its API (the same generators as the editor's Insert API Query Snippet command), paging through every matching row unless a limit is given. Any token is read from the OKC_PORTAL_TOKEN environment variable, never written into the code.",
    inputSchema: {
      type: 'object',
      properties: {
        ...datasetProperties,
        ...queryProperties,
        language: { type: 'string', enum: SNIPPET_LANGUAGES.map((l) => l.id), description: SNIPPET_LANGUAGES.map((l) => `${l.id}: ${l.label}`).join('; ') },
      },
      required: ['dataset', 'language'],
    },
  },
  {
    name: 'okcOpenData_saveDataset',
    toolReferenceName: 'okcSave',
    displayName: 'Save OKC Dataset',
    readOnly: false,
    modelDescription:
      "Saves an OKC dataset's matching rows (all of them, paged) to a file inside the user's workspace folder, with a provenance file beside it. The user is asked to confirm first. The file is written to a temporary name and renamed into place only once the row count matches the portal's, so a failure leaves nothing behind.",
    inputSchema: {
      type: 'object',
      properties: {
        ...datasetProperties,
        ...queryProperties,
        format: { type: 'string', enum: [...SAVE_FORMATS], description: 'csv, json (array of objects), geojson (WGS84) or ndjson.' },
        fileName: { type: 'string', description: 'File name, or a path relative to the workspace folder (e.g. data/violations.csv); a bare name goes into the save folder.' },
        overwrite: { type: 'boolean', description: 'Replace an existing file of that name (default false).' },
      },
      required: ['dataset', 'format', 'fileName'],
    },
  },
];

export function toolDefinition(name: ToolName): ToolDefinition {
  return TOOL_DEFINITIONS.find((t) => t.name === name)!;
}
