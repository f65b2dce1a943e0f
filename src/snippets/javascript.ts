// JavaScript (fetch, Node 18+ ES module) and TypeScript (ky) targets. Both are top-level-await
// modules that leave their rows in `rows`.

import { asPlainValue, commentText, finiteNumber, indentLines, type PlainValue } from './literals';
import { legacyNeedsClientSteps, type HubPlan, type LegacyPlan, type ObjectIdPaging, type SnippetPlan } from './plan';
import { tabStop } from './template';

/** JSON strings are valid JS string literals (ES2019+), and `${` stays inert in double quotes. */
export function jsString(value: string): string {
  return JSON.stringify(value);
}

function jsKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : jsString(key);
}

export function jsLiteral(value: PlainValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return finiteNumber(value);
  if (typeof value === 'string') return jsString(value);
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map(jsLiteral).join(', ')}]`;
    return `[\n${value.map((v) => `  ${indentLines(jsLiteral(v), '  ')},`).join('\n')}\n]`;
  }
  const entries = Object.entries(value);
  if (!entries.length) return '{}';
  return `{\n${entries.map(([k, v]) => `  ${jsKey(k)}: ${indentLines(jsLiteral(v), '  ')},`).join('\n')}\n}`;
}

interface Flavor {
  typed: boolean;
}

const HUB_TYPES = [
  '// ArcGIS answers f=json with `features` of {attributes, geometry}; f=geojson with GeoJSON features.',
  'interface QueryPage {',
  '  features: Record<string, unknown>[];',
  '  exceededTransferLimit?: boolean;',
  '  properties?: { exceededTransferLimit?: boolean };',
  '  error?: { code: number; message: string };',
  '}',
  '',
];

/** Paging by object id (ArcGIS Server 10.x): the ids once, then batches of ids by POST. */
function objectIdLines(plan: HubPlan, paging: ObjectIdPaging, { typed }: Flavor): string[] {
  const record = typed ? ': Record<string, string>' : '';
  const lines: string[] = typed ? ["import ky from 'ky';", '', ...HUB_TYPES] : [];
  lines.push(
    `const QUERY_URL = ${tabStop(1, jsString(plan.queryUrl))};`,
    "// This layer's server (ArcGIS Server 10.x) cannot page with resultOffset: ask for the id",
    '// of every matching row, then fetch the rows in batches of ids.',
    `const params${record} = {`,
    ...plan.params.map(([k, v]) => `  ${jsKey(k)}: ${k === 'where' ? tabStop(2, jsString(v)) : jsString(v)},`),
    '};',
    `const batchParams${record} = {`,
    ...paging.batchParams.map(([k, v]) => `  ${jsKey(k)}: ${jsString(v)},`),
    '};',
  );
  if (plan.tokenEnvVar) {
    lines.push(`const token = process.env[${tabStop(3, jsString(plan.tokenEnvVar))}];`, 'if (token) params.token = batchParams.token = token;');
  }
  const page = typed ? 'QueryPage & { objectIds?: number[] | null }' : '';
  lines.push(
    '',
    `async function query(init${typed ? ': { method: string; body?: URLSearchParams }' : ''}, search${typed ? '?: Record<string, string>' : ''})${typed ? `: Promise<${page}>` : ''} {`,
    typed
      ? `  const page = await ky(QUERY_URL, { ...init, searchParams: search }).json<${page}>();`
      : [
          '  const url = new URL(QUERY_URL);',
          '  if (search) url.search = new URLSearchParams(search).toString();',
          '  const response = await fetch(url, init);',
          '  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);',
          '  const page = await response.json();',
        ].join('\n'),
    '  // ArcGIS reports query errors with HTTP 200 and an "error" object.',
    '  if (page.error) throw new Error(page.error.message);',
    '  return page;',
    '}',
    '',
    `${paging.clientSort || (!paging.offset && paging.limit === undefined) ? 'const' : 'let'} ids = ((await query({ method: "GET" }, params)).objectIds ?? []).sort((a${typed ? ': number' : ''}, b${typed ? ': number' : ''}) => ${paging.descending ? 'b - a' : 'a - b'});`,
  );
  const end = paging.limit !== undefined ? `, ${finiteNumber(paging.offset + paging.limit)}` : '';
  const window = paging.offset || paging.limit !== undefined ? `.slice(${finiteNumber(paging.offset)}${end})` : '';
  if (window && !paging.clientSort) lines.push(`ids = ids${window};`);
  lines.push(
    `const OID = ${jsString(paging.objectIdField)};`,
    `const BATCH = ${finiteNumber(paging.batchSize)};`,
    `${paging.clientSort && window ? 'let' : 'const'} rows${typed ? ': QueryPage["features"]' : ''} = [];`,
    'for (let start = 0; start < ids.length; start += BATCH) {',
    '  const batch = ids.slice(start, start + BATCH);',
    '  const page = await query({ method: "POST", body: new URLSearchParams({ ...batchParams, objectIds: batch.join(",") }) });',
    `  const byId = new Map(page.features.map((feature${typed ? ': any' : ''}) => [feature.attributes[OID], feature]));`,
    '  for (const oid of batch) if (byId.has(oid)) rows.push(byId.get(oid));',
    '}',
  );
  if (paging.clientSort) {
    lines.push(
      '// Sorted here (empty values first), as the server cannot sort while paging by id.',
      `const SORT${typed ? ': [string, boolean][]' : ''} = [${paging.clientSort.map((k) => `[${jsString(k.field)}, ${k.descending ? 'true' : 'false'}]`).join(', ')}];`,
      `rows.sort((a${typed ? ': any' : ''}, b${typed ? ': any' : ''}) => {`,
      '  for (const [key, descending] of SORT) {',
      '    const x = a.attributes[key] ?? null;',
      '    const y = b.attributes[key] ?? null;',
      '    if (x === y) continue;',
      '    const order = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;',
      '    return descending ? -order : order;',
      '  }',
      '  return 0;',
      '});',
    );
    if (window) lines.push(`rows = rows${window};`);
  }
  return lines;
}

function hubLines(plan: HubPlan, flavor: Flavor): string[] {
  if (plan.objectIdPaging) return objectIdLines(plan, plan.objectIdPaging, flavor);
  const { typed } = flavor;
  const lines: string[] = typed ? ["import ky from 'ky';", '', ...HUB_TYPES] : [];
  lines.push(
    `const ${typed ? 'URL' : 'url'} = ${typed ? tabStop(1, jsString(plan.queryUrl)) : `new URL(${tabStop(1, jsString(plan.queryUrl))})`};`,
    `const params${typed ? ': Record<string, string | number>' : ''} = {`,
    ...plan.params.map(([k, v]) => `  ${jsKey(k)}: ${k === 'where' ? tabStop(2, jsString(v)) : jsString(v)},`),
    '};',
  );
  if (plan.tokenEnvVar) {
    lines.push(`const token = process.env[${tabStop(3, jsString(plan.tokenEnvVar))}];`, 'if (token) params.token = token;');
  }
  lines.push('');

  const fetchPage = (indent: string, extra: string): string[] => {
    const search = extra ? `{ ...params, ${extra} }` : 'params';
    if (typed) {
      return [
        `${indent}const page = await ky.get(URL, { searchParams: ${search} }).json<QueryPage>();`,
        `${indent}// ArcGIS reports query errors with HTTP 200 and an "error" object.`,
        `${indent}if (page.error) throw new Error(page.error.message);`,
      ];
    }
    return [
      `${indent}url.search = new URLSearchParams(${search}).toString();`,
      `${indent}const response = await fetch(url);`,
      `${indent}if (!response.ok) throw new Error(\`HTTP \${response.status} from \${url}\`);`,
      `${indent}const page = await response.json();`,
      `${indent}// ArcGIS reports query errors with HTTP 200 and an "error" object.`,
      `${indent}if (page.error) throw new Error(page.error.message);`,
    ];
  };

  if (!plan.paged) {
    lines.push(...fetchPage('', ''), 'const rows = page.features;');
    return lines;
  }
  if (plan.pageSize !== undefined && plan.limit !== undefined) lines.push(`const PAGE_SIZE = ${finiteNumber(plan.pageSize)};`);
  if (plan.limit !== undefined) lines.push(`const LIMIT = ${finiteNumber(plan.limit)};`);
  const asText = (expr: string): string => (typed ? expr : `String(${expr})`);
  let extra = `resultOffset: ${asText('offset')}`;
  if (plan.limit !== undefined) {
    extra += `, resultRecordCount: ${asText(plan.pageSize !== undefined ? 'Math.min(PAGE_SIZE, LIMIT - rows.length)' : 'LIMIT - rows.length')}`;
  }
  lines.push(
    `const rows${typed ? ': QueryPage["features"]' : ''} = [];`,
    `let offset = ${finiteNumber(plan.startOffset)};`,
    'for (;;) {',
    ...fetchPage('  ', extra),
    '  rows.push(...page.features);',
    '  // More rows remain only while the server says its transfer limit was exceeded.',
    '  const more = page.exceededTransferLimit ?? page.properties?.exceededTransferLimit;',
    `  if (!more || page.features.length === 0${plan.limit !== undefined ? ' || rows.length >= LIMIT' : ''}) break;`,
    '  offset += page.features.length;',
    '}',
  );
  return lines;
}

function legacyLines(plan: LegacyPlan, { typed }: Flavor): string[] {
  const lines: string[] = typed
    ? [
        "import ky from 'ky';",
        '',
        '// Records are arrays aligned with Fields; every value arrives as a string.',
        'interface RecordsResponse {',
        '  DatasetName: string;',
        '  Fields: { FieldName: string; FieldType: string }[];',
        '  Records: string[][];',
        '}',
        '',
      ]
    : [];
  lines.push(
    `const BASE_URL = ${jsString(plan.recordsBaseUrl)};`,
    `const DATASET = ${tabStop(1, jsString(plan.datasetName))};`,
    'const url = `${BASE_URL}/${encodeURIComponent(DATASET)}`;',
    `const headers${typed ? ': Record<string, string>' : ''} = {};`,
  );
  if (plan.tokenEnvVar) {
    lines.push(
      `const token = process.env[${tabStop(3, jsString(plan.tokenEnvVar))}];`,
      `if (token) headers[${jsString(plan.tokenHeader)}] = token;`,
    );
  }
  if (plan.method === 'POST') lines.push(`const body = ${jsLiteral(asPlainValue(plan.body ?? {}))};`);
  lines.push('');
  if (typed) {
    lines.push(
      plan.method === 'POST'
        ? 'const data = await ky.post(url, { json: body, headers }).json<RecordsResponse>();'
        : 'const data = await ky.get(url, { headers }).json<RecordsResponse>();',
    );
  } else {
    lines.push(
      plan.method === 'POST'
        ? 'const response = await fetch(url, {\n  method: "POST",\n  headers: { ...headers, "Content-Type": "application/json" },\n  body: JSON.stringify(body),\n});'
        : 'const response = await fetch(url, { headers });',
      'if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);',
      '// Records are arrays aligned with Fields; every value arrives as a string.',
      'const data = await response.json();',
    );
  }
  const clientSteps = legacyNeedsClientSteps(plan);
  lines.push(
    'const names = data.Fields.map((field) => field.FieldName);',
    `${clientSteps ? 'let' : 'const'} rows = data.Records.map((record) => Object.fromEntries(names.map((name, i) => [name, record[i]])));`,
  );
  if (clientSteps) {
    lines.push('// The Records API has no paging or field list: apply them here.');
    if (plan.offset || plan.limit !== undefined) {
      const end = plan.limit !== undefined ? `, ${finiteNumber(plan.offset + plan.limit)}` : '';
      lines.push(`rows = rows.slice(${finiteNumber(plan.offset)}${end});`);
    }
    if (plan.fields) {
      lines.push(
        `const FIELDS = [${plan.fields.map(jsString).join(', ')}];`,
        'rows = rows.map((row) => Object.fromEntries(FIELDS.map((name) => [name, row[name]])));',
      );
    }
  }
  return lines;
}

function code(plan: SnippetPlan, title: string, flavor: Flavor): string {
  const what = flavor.typed ? 'TypeScript with ky' : 'Node 18+ ES module, fetch';
  const lines = plan.kind === 'hub' ? hubLines(plan, flavor) : legacyLines(plan, flavor);
  return `// ${commentText(title)}: rows from the OKC open data portal (${what}).\n${lines.join('\n')}\n`;
}

export function javascriptCode(plan: SnippetPlan, title: string): string {
  return code(plan, title, { typed: false });
}

export function typescriptCode(plan: SnippetPlan, title: string): string {
  return code(plan, title, { typed: true });
}
