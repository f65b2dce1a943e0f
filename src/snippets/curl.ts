// curl target: a bash script. One request prints the portal's answer as is; paging (and
// reshaping legacy rows) uses jq, which prints one JSON row per line.

import { commentText, finiteNumber } from './literals';
import { legacyNeedsClientSteps, type HubPlan, type LegacyPlan, type ObjectIdPaging, type SnippetPlan } from './plan';
import { tabStop } from './template';

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Single quotes keep `$`, backticks and `\` literal; a quote closes, escapes and reopens.
 * Control characters (CR would not survive an editor's line-ending change) use bash's $'...'. */
export function shQuote(value: string): string {
  if (value.includes('\u0000')) throw new Error('Shell arguments cannot hold the NUL character.');
  if (!CONTROL.test(value)) return `'${value.replace(/'/g, `'\\''`)}'`;
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  const body = value.replace(/[\\'\u0001-\u001f\u007f]/g, (ch) => named[ch] ?? (ch === '\\' || ch === "'" ? `\\${ch}` : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return `$'${body}'`;
}

const SAFE_WORD = /^[A-Za-z0-9_.,:/=%+-]+$/;

function shWord(value: string): string {
  return SAFE_WORD.test(value) ? value : shQuote(value);
}

function paramArg(key: string, value: string): string {
  return `${shWord(key)}=${key === 'where' ? tabStop(2, shQuote(value)) : shWord(value)}`;
}

/** jq that orders JSON rows (one per line, slurped) by the sort keys, empty values first; each
 * key is a stable sort, applied from the last key to the first, and a descending key reverses
 * around its sort so that ties keep their order. */
function jqSort(paging: ObjectIdPaging): string {
  const steps = [...(paging.clientSort ?? [])].reverse().map((k) => {
    const by = `sort_by(.attributes[${JSON.stringify(k.field)}])`;
    return k.descending ? `reverse | ${by} | reverse` : by;
  });
  const end = paging.limit !== undefined ? finiteNumber(paging.offset + paging.limit) : '';
  if (paging.offset || paging.limit !== undefined) steps.push(`.[${paging.offset ? finiteNumber(paging.offset) : ''}:${end}]`);
  return `${steps.join(' | ')} | .[]`;
}

/** Paging by object id (ArcGIS Server 10.x): the ids once, then batches of ids by POST. */
function objectIdLines(plan: HubPlan, paging: ObjectIdPaging): string[] {
  const env = plan.tokenEnvVar ? tabStop(3, plan.tokenEnvVar) : undefined;
  const lines = [
    'set -euo pipefail',
    `url=${tabStop(1, shQuote(plan.queryUrl))}`,
    "# This layer's server (ArcGIS Server 10.x) cannot page with resultOffset: ask for the id",
    '# of every matching row, then fetch the rows in batches of ids.',
    'params=(',
    ...plan.params.map(([k, v]) => `  --data-urlencode ${paramArg(k, v)}`),
    ')',
    'batch_params=(',
    ...paging.batchParams.map(([k, v]) => `  --data-urlencode ${paramArg(k, v)}`),
    ')',
  ];
  if (env) lines.push(`if [ -n "\${${env}:-}" ]; then params+=(--data-urlencode "token=$${env}"); batch_params+=(--data-urlencode "token=$${env}"); fi`);
  const window = paging.offset || paging.limit !== undefined
    ? ` | .[${paging.offset ? finiteNumber(paging.offset) : ''}:${paging.limit !== undefined ? finiteNumber(paging.offset + paging.limit) : ''}]`
    : '';
  lines.push(
    'check() {',
    '  # ArcGIS reports query errors with HTTP 200 and an "error" object.',
    `  if jq -e 'has("error")' <<<"$1" >/dev/null; then jq -r '.error.message' <<<"$1" >&2; exit 1; fi`,
    '}',
    'answer=$(curl --silent --show-error --fail --get "$url" "${params[@]}")',
    'check "$answer"',
    `mapfile -t ids < <(jq -r '(.objectIds // []) | sort${paging.descending ? ' | reverse' : ''}${paging.clientSort ? '' : window} | .[]' <<<"$answer")`,
    `oid=${shQuote(paging.objectIdField)}`,
    `batch_size=${finiteNumber(paging.batchSize)}`,
    '{',
    '  for ((start = 0; start < ${#ids[@]}; start += batch_size)); do',
    '    batch=$(IFS=,; echo "${ids[*]:start:batch_size}")',
    '    page=$(curl --silent --show-error --fail "$url" "${batch_params[@]}" --data-urlencode "objectIds=$batch")',
    '    check "$page"',
    '    # Rows in the order of the id list.',
    `    jq -c --arg oid "$oid" --arg batch "$batch" '(.features | map({key: (.attributes[$oid] | tostring), value: .}) | from_entries) as $rows | $batch | split(",")[] | $rows[.] // empty' <<<"$page"`,
    '  done',
    `}${paging.clientSort ? ` | jq -c -s ${shQuote(jqSort(paging))}` : ''}`,
  );
  return lines;
}

function hubLines(plan: HubPlan): string[] {
  if (plan.objectIdPaging) return objectIdLines(plan, plan.objectIdPaging);
  const env = plan.tokenEnvVar ? tabStop(3, plan.tokenEnvVar) : undefined;
  if (!plan.paged) {
    const lines = [`url=${tabStop(1, shQuote(plan.queryUrl))}`, 'curl --silent --show-error --fail --get "$url" \\'];
    const args = plan.params.map(([k, v]) => `  --data-urlencode ${paramArg(k, v)}`);
    // Expands to nothing when the variable is unset or empty, so no token is sent.
    if (env) args.push(`  \${${env}:+--data-urlencode "token=$${env}"}`);
    return [...lines, args.join(' \\\n')];
  }
  const lines = [
    'set -euo pipefail',
    `url=${tabStop(1, shQuote(plan.queryUrl))}`,
    'params=(',
    ...plan.params.map(([k, v]) => `  --data-urlencode ${paramArg(k, v)}`),
    ')',
  ];
  if (env) lines.push(`if [ -n "\${${env}:-}" ]; then params+=(--data-urlencode "token=$${env}"); fi`);
  if (plan.pageSize !== undefined && plan.limit !== undefined) lines.push(`page_size=${finiteNumber(plan.pageSize)}`);
  if (plan.limit !== undefined) lines.push(`limit=${finiteNumber(plan.limit)}`, 'fetched=0');
  lines.push(`offset=${finiteNumber(plan.startOffset)}`, 'while :; do');
  let countArg = '';
  if (plan.limit !== undefined) {
    lines.push('  count=$((limit - fetched))');
    if (plan.pageSize !== undefined) lines.push('  if [ "$count" -gt "$page_size" ]; then count=$page_size; fi');
    countArg = ' --data-urlencode "resultRecordCount=$count"';
  }
  lines.push(
    `  page=$(curl --silent --show-error --fail --get "$url" "\${params[@]}" --data-urlencode "resultOffset=$offset"${countArg})`,
    '  # ArcGIS reports query errors with HTTP 200 and an "error" object.',
    `  if jq -e 'has("error")' <<<"$page" >/dev/null; then jq -r '.error.message' <<<"$page" >&2; exit 1; fi`,
    `  jq -c '.features[]' <<<"$page"`,
    `  n=$(jq '.features | length' <<<"$page")`,
  );
  if (plan.limit !== undefined) lines.push('  fetched=$((fetched + n))');
  lines.push(
    '  # More rows remain only while the server says its transfer limit was exceeded.',
    `  more=$(jq '.exceededTransferLimit // .properties.exceededTransferLimit // false' <<<"$page")`,
    `  if [ "$more" != true ] || [ "$n" -eq 0 ]${plan.limit !== undefined ? ' || [ "$fetched" -ge "$limit" ]' : ''}; then break; fi`,
    '  offset=$((offset + n))',
    'done',
  );
  return lines;
}

function jqReshape(plan: LegacyPlan): string {
  const steps = ['.Fields as $fields', '[.Records[] | [$fields, .] | transpose | map({key: .[0].FieldName, value: .[1]}) | from_entries]'];
  if (plan.offset || plan.limit !== undefined) {
    steps.push(`.[${plan.offset ? finiteNumber(plan.offset) : ''}:${plan.limit !== undefined ? finiteNumber(plan.offset + plan.limit) : ''}]`);
  }
  // JSON string literals are jq string literals too.
  if (plan.fields) steps.push(`map({${plan.fields.map((f) => `${JSON.stringify(f)}: .[${JSON.stringify(f)}]`).join(', ')}})`);
  return steps.join(' | ');
}

function legacyLines(plan: LegacyPlan): string[] {
  const lines = [
    '# The dataset name is already URL-encoded in the path.',
    `url=${tabStop(1, shQuote(plan.url))}`,
    'curl --silent --show-error --fail "$url" \\',
  ];
  const args: string[] = [];
  if (plan.tokenEnvVar) {
    const env = tabStop(3, plan.tokenEnvVar);
    args.push(`  \${${env}:+--header "${plan.tokenHeader}: $${env}"}`);
  }
  if (plan.method === 'POST') {
    args.push(`  --header 'Content-Type: application/json'`, `  --data-binary ${shQuote(JSON.stringify(plan.body ?? {}))}`);
  }
  let last = args.join(' \\\n');
  if (!args.length) lines[lines.length - 1] = 'curl --silent --show-error --fail "$url"';
  if (legacyNeedsClientSteps(plan)) {
    const pipe = `  | jq -c ${shQuote(jqReshape(plan))}`;
    if (args.length) last += ' \\\n' + pipe;
    else lines[lines.length - 1] += ' \\\n' + pipe;
    lines.splice(0, 0, '# The Records API has no paging or field list: jq applies them.');
  }
  return args.length ? [...lines, last] : lines;
}

export function curlCode(plan: SnippetPlan, title: string): string {
  const lines = plan.kind === 'hub' ? hubLines(plan) : legacyLines(plan);
  const needsJq = (plan.kind === 'hub' && plan.paged) || (plan.kind === 'legacy' && legacyNeedsClientSteps(plan));
  const header = [
    '#!/usr/bin/env bash',
    `# ${commentText(title)}: rows from the OKC open data portal (curl${needsJq ? ' and jq' : ''}).`,
  ];
  return `${[...header, ...lines].join('\n')}\n`;
}
