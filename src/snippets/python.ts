// Python targets: `requests` alone, and `requests` + pandas. Both leave their result in a
// named variable (`rows` / `df`) so the program can be continued or printed.

import { asPlainValue, commentText, finiteNumber, type PlainValue } from './literals';
import { legacyNeedsClientSteps, type HubPlan, type LegacyPlan, type ObjectIdPaging, type SnippetPlan } from './plan';
import { tabStop } from './template';

/** A JSON string literal is also a valid Python 3 str literal (same escapes). */
export function pyString(value: string): string {
  return JSON.stringify(value);
}

export function pyLiteral(value: PlainValue, indent = ''): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return finiteNumber(value);
  if (typeof value === 'string') return pyString(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => pyLiteral(v)).join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${pyLiteral(v, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (!entries.length) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${pyString(k)}: ${pyLiteral(v, inner)},`).join('\n')}\n${indent}}`;
}

const CHECK_ERROR = [
  '    response.raise_for_status()',
  '    page = response.json()',
  '    # ArcGIS reports query errors with HTTP 200 and an "error" object.',
  '    if "error" in page:',
  '        raise RuntimeError(page["error"].get("message", "query failed"))',
];

/** Paging by object id (ArcGIS Server 10.x): the ids once, then batches of ids by POST. */
function objectIdLines(plan: HubPlan, paging: ObjectIdPaging): string[] {
  const lines = [
    'import os',
    '',
    'import requests',
    '',
    `URL = ${tabStop(1, pyString(plan.queryUrl))}`,
    '# This layer\'s server (ArcGIS Server 10.x) cannot page with resultOffset: ask for the id',
    '# of every matching row, then fetch the rows in batches of ids.',
    'params = {',
    ...plan.params.map(([k, v]) => `    ${pyString(k)}: ${k === 'where' ? tabStop(2, pyString(v)) : pyString(v)},`),
    '}',
    'batch_params = {',
    ...paging.batchParams.map(([k, v]) => `    ${pyString(k)}: ${pyString(v)},`),
    '}',
  ];
  if (plan.tokenEnvVar) lines.push(...tokenFromEnvironment(plan.tokenEnvVar, ['params["token"]', 'batch_params["token"]']));
  const window = sliceOf(paging.offset, paging.limit);
  lines.push(
    '',
    '',
    'def query(response):',
    '    response.raise_for_status()',
    '    page = response.json()',
    '    # ArcGIS reports query errors with HTTP 200 and an "error" object.',
    '    if "error" in page:',
    '        raise RuntimeError(page["error"].get("message", "query failed"))',
    '    return page',
    '',
    '',
    `ids = sorted(query(requests.get(URL, params=params, timeout=60)).get("objectIds") or []${paging.descending ? ', reverse=True' : ''})`,
  );
  if (window && !paging.clientSort) lines.push(`ids = ids[${window}]`);
  lines.push(
    `OID = ${pyString(paging.objectIdField)}`,
    `BATCH = ${finiteNumber(paging.batchSize)}`,
    'rows = []',
    'for start in range(0, len(ids), BATCH):',
    '    batch = ids[start:start + BATCH]',
    '    page = query(requests.post(URL, data={**batch_params, "objectIds": ",".join(map(str, batch))}, timeout=60))',
    '    by_id = {feature["attributes"][OID]: feature for feature in page["features"]}',
    '    rows.extend(by_id[oid] for oid in batch if oid in by_id)',
  );
  if (paging.clientSort) {
    lines.push(
      '# Sorted here (empty values first), as the server cannot sort while paging by id.',
      `for key, descending in reversed([${paging.clientSort.map((k) => `(${pyString(k.field)}, ${k.descending ? 'True' : 'False'})`).join(', ')}]):`,
      '    rows.sort(key=lambda feature: (feature["attributes"].get(key) is not None, feature["attributes"].get(key)), reverse=descending)',
    );
    if (window) lines.push(`rows = rows[${window}]`);
  }
  return lines;
}

/** Reads the token from the environment at run time, so the generated code never holds it. */
function tokenFromEnvironment(envVar: string, targets: string[]): string[] {
  return [
    `token = os.environ.get(${tabStop(3, pyString(envVar))})`,
    'if token:',
    ...targets.map((target) => `    ${target} = token`),
  ];
}

function sliceOf(offset: number, limit: number | undefined): string | undefined {
  if (offset === 0 && limit === undefined) return undefined;
  return `${offset ? finiteNumber(offset) : ''}:${limit !== undefined ? finiteNumber(offset + limit) : ''}`;
}

function hubLines(plan: HubPlan): string[] {
  if (plan.objectIdPaging) return objectIdLines(plan, plan.objectIdPaging);
  const lines = [
    'import os',
    '',
    'import requests',
    '',
    `URL = ${tabStop(1, pyString(plan.queryUrl))}`,
    'params = {',
    ...plan.params.map(([k, v]) => `    ${pyString(k)}: ${k === 'where' ? tabStop(2, pyString(v)) : pyString(v)},`),
    '}',
  ];
  if (plan.tokenEnvVar) lines.push(...tokenFromEnvironment(plan.tokenEnvVar, ['params["token"]']));
  lines.push('');
  if (!plan.paged) {
    lines.push(
      'response = requests.get(URL, params=params, timeout=60)',
      ...CHECK_ERROR.map((l) => l.slice(4)),
      'rows = page["features"]',
    );
    return lines;
  }
  if (plan.pageSize !== undefined && plan.limit !== undefined) lines.push(`PAGE_SIZE = ${finiteNumber(plan.pageSize)}`);
  if (plan.limit !== undefined) lines.push(`LIMIT = ${finiteNumber(plan.limit)}`);
  lines.push('rows = []', `offset = ${finiteNumber(plan.startOffset)}`, 'while True:', '    params["resultOffset"] = offset');
  if (plan.limit !== undefined) {
    lines.push(`    params["resultRecordCount"] = ${plan.pageSize !== undefined ? 'min(PAGE_SIZE, LIMIT - len(rows))' : 'LIMIT - len(rows)'}`);
  }
  lines.push(
    '    response = requests.get(URL, params=params, timeout=60)',
    ...CHECK_ERROR,
    '    rows.extend(page["features"])',
    '    # More rows remain only while the server says its transfer limit was exceeded.',
    '    more = page.get("exceededTransferLimit") or page.get("properties", {}).get("exceededTransferLimit")',
    `    if not more or not page["features"]${plan.limit !== undefined ? ' or len(rows) >= LIMIT' : ''}:`,
    '        break',
    '    offset += len(page["features"])',
  );
  return lines;
}

function legacyFetchLines(plan: LegacyPlan): string[] {
  const lines = [
    'import os',
    'from urllib.parse import quote',
    '',
    'import requests',
    '',
    `BASE_URL = ${pyString(plan.recordsBaseUrl)}`,
    `DATASET = ${tabStop(1, pyString(plan.datasetName))}`,
    'url = BASE_URL + "/" + quote(DATASET, safe="")',
    'headers = {}',
  ];
  if (plan.tokenEnvVar) lines.push(...tokenFromEnvironment(plan.tokenEnvVar, [`headers[${pyString(plan.tokenHeader)}]`]));
  if (plan.method === 'POST') {
    lines.push(`body = ${pyLiteral(asPlainValue(plan.body ?? {}))}`, '', 'response = requests.post(url, json=body, headers=headers, timeout=60)');
  } else {
    lines.push('', 'response = requests.get(url, headers=headers, timeout=60)');
  }
  lines.push('response.raise_for_status()', 'data = response.json()');
  return lines;
}

function sliceText(plan: LegacyPlan): string | undefined {
  if (plan.offset === 0 && plan.limit === undefined) return undefined;
  const start = plan.offset ? finiteNumber(plan.offset) : '';
  const end = plan.limit !== undefined ? finiteNumber(plan.offset + plan.limit) : '';
  return `${start}:${end}`;
}

function pythonRequests(plan: SnippetPlan, title: string): string[] {
  const header = `# ${commentText(title)}: rows from the OKC open data portal.`;
  if (plan.kind === 'hub') return [header, ...hubLines(plan)];
  const lines = [
    header,
    ...legacyFetchLines(plan),
    '# Records are arrays aligned with Fields; every value arrives as a string.',
    'names = [field["FieldName"] for field in data["Fields"]]',
    'rows = [dict(zip(names, record)) for record in data["Records"]]',
  ];
  if (legacyNeedsClientSteps(plan)) lines.push('# The Records API has no paging or field list: apply them here.');
  const slice = sliceText(plan);
  if (slice) lines.push(`rows = rows[${slice}]`);
  if (plan.fields) {
    lines.push(`FIELDS = [${plan.fields.map(pyString).join(', ')}]`, 'rows = [{name: row[name] for name in FIELDS} for row in rows]');
  }
  return lines;
}

function pythonPandas(plan: SnippetPlan, title: string): string[] {
  const header = `# ${commentText(title)}: a pandas DataFrame from the OKC open data portal.`;
  if (plan.kind === 'hub') {
    const lines = hubLines(plan);
    lines.splice(2, 0, 'import pandas as pd');
    const key = plan.geojson ? 'properties' : 'attributes';
    return [header, ...lines, '', `df = pd.DataFrame([feature[${pyString(key)}] for feature in rows])`];
  }
  const lines = legacyFetchLines(plan);
  lines.splice(3, 0, 'import pandas as pd');
  lines.push(
    '',
    '# Every value arrives as a string; convert columns with pd.to_numeric / pd.to_datetime as needed.',
    'df = pd.DataFrame(data["Records"], columns=[field["FieldName"] for field in data["Fields"]])',
  );
  const slice = sliceText(plan);
  if (slice) lines.push(`df = df.iloc[${slice}]`);
  if (plan.fields) lines.push(`df = df[[${plan.fields.map(pyString).join(', ')}]]`);
  return [header, ...lines];
}

export function pythonRequestsCode(plan: SnippetPlan, title: string): string {
  return `${pythonRequests(plan, title).join('\n')}\n`;
}

export function pythonPandasCode(plan: SnippetPlan, title: string): string {
  return `${pythonPandas(plan, title).join('\n')}\n`;
}
