// R target with httr2 (Debian: r-cran-httr2); the program leaves its rows in `rows`, a
// list of named lists as jsonlite reads them.

import { asPlainValue, commentText, finiteNumber, type PlainValue } from './literals';
import { legacyNeedsClientSteps, type HubPlan, type LegacyPlan, type ObjectIdPaging, type SnippetPlan } from './plan';
import { tabStop } from './template';

/** A double-quoted R string; non-ASCII as `\u{...}` so the script survives any locale. */
export function rString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0) throw new Error('R strings cannot hold the NUL character.');
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code > 0xffff) out += `\\U{${code.toString(16)}}`;
    else if (code > 0x7e) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

function rName(name: string): string {
  return /^[A-Za-z][A-Za-z0-9._]*$/.test(name) && !/^(if|else|repeat|while|function|for|next|break|TRUE|FALSE|NULL|Inf|NaN|NA|in)$/.test(name)
    ? name
    : rString(name);
}

/** Objects and arrays both become `list()`: jsonlite writes unnamed lists as JSON arrays
 * even when they hold one element, which `c()` with auto_unbox would not. */
export function rLiteral(value: PlainValue, indent = ''): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return finiteNumber(value);
  if (typeof value === 'string') return rString(value);
  if (Array.isArray(value) && value.length && value.every((v) => v === null || typeof v !== 'object')) {
    return `list(${value.map((v) => rLiteral(v)).join(', ')})`;
  }
  const inner = `${indent}  `;
  const items = Array.isArray(value)
    ? value.map((v) => rLiteral(v, inner))
    : Object.entries(value).map(([k, v]) => `${rName(k)} = ${rLiteral(v, inner)}`);
  if (!items.length) return 'list()';
  return `list(\n${items.map((i) => `${inner}${i}`).join(',\n')}\n${indent})`;
}

const integer = (n: number): string => `${finiteNumber(n)}L`;

/** Paging by object id (ArcGIS Server 10.x): the ids once, then batches of ids by POST. */
function objectIdLines(plan: HubPlan, paging: ObjectIdPaging): string[] {
  const lines = [
    'library(httr2)',
    '',
    `url <- ${tabStop(1, rString(plan.queryUrl))}`,
    "# This layer's server (ArcGIS Server 10.x) cannot page with resultOffset: ask for the id",
    '# of every matching row, then fetch the rows in batches of ids.',
    'params <- list(',
    plan.params.map(([k, v]) => `  ${rName(k)} = ${k === 'where' ? tabStop(2, rString(v)) : rString(v)}`).join(',\n'),
    ')',
    'batch_params <- list(',
    paging.batchParams.map(([k, v]) => `  ${rName(k)} = ${rString(v)}`).join(',\n'),
    ')',
  ];
  if (plan.tokenEnvVar) {
    lines.push(
      `token <- Sys.getenv(${tabStop(3, rString(plan.tokenEnvVar))})`,
      'if (nzchar(token)) {',
      '  params$token <- token',
      '  batch_params$token <- token',
      '}',
    );
  }
  const keep: string[] = [];
  if (paging.offset) keep.push(`seq_along(%s) > ${finiteNumber(paging.offset)}`);
  if (paging.limit !== undefined) keep.push(`seq_along(%s) <= ${finiteNumber(paging.offset + paging.limit)}`);
  const window = (name: string): string => `${name} <- ${name}[${keep.map((k) => k.replace('%s', name)).join(' & ')}]`;
  lines.push(
    '',
    'check <- function(page) {',
    '  # ArcGIS reports query errors with HTTP 200 and an "error" object.',
    '  if (!is.null(page[["error"]])) stop(page[["error"]][["message"]])',
    '  page',
    '}',
    '',
    'answer <- request(url) |> req_url_query(!!!params) |> req_perform() |> resp_body_json(simplifyVector = FALSE) |> check()',
    `ids <- sort(as.numeric(unlist(answer$objectIds))${paging.descending ? ', decreasing = TRUE' : ''})`,
  );
  if (keep.length && !paging.clientSort) lines.push(window('ids'));
  lines.push(
    `oid <- ${rString(paging.objectIdField)}`,
    `batch_size <- ${integer(paging.batchSize)}`,
    'rows <- list()',
    'for (i in seq_len(ceiling(length(ids) / batch_size))) {',
    '  batch <- ids[((i - 1) * batch_size + 1):min(length(ids), i * batch_size)]',
    '  page <- request(url) |>',
    '    req_body_form(!!!batch_params, objectIds = paste(format(batch, scientific = FALSE, trim = TRUE), collapse = ",")) |>',
    '    req_perform() |>',
    '    resp_body_json(simplifyVector = FALSE) |>',
    '    check()',
    '  page_ids <- vapply(page$features, function(feature) as.numeric(feature$attributes[[oid]]), numeric(1))',
    '  rows <- c(rows, page$features[match(batch, page_ids, nomatch = 0)])',
    '}',
  );
  if (paging.clientSort) {
    lines.push(
      '# Sorted here (empty values first), as the server cannot sort while paging by id.',
      'value_of <- function(key) unlist(lapply(rows, function(feature) { v <- feature$attributes[[key]]; if (is.null(v)) NA else v }))',
      `sort_keys <- list(${paging.clientSort.map((k) => `list(${rString(k.field)}, ${k.descending ? 'TRUE' : 'FALSE'})`).join(', ')})`,
      'columns <- list()',
      'decreasing <- logical()',
      'for (key in sort_keys) {',
      '  values <- value_of(key[[1]])',
      '  columns <- c(columns, list(!is.na(values), values))',
      '  decreasing <- c(decreasing, key[[2]], key[[2]])',
      '}',
      'if (length(rows) > 0) rows <- rows[do.call(order, c(columns, list(decreasing = decreasing, method = "radix")))]',
    );
    if (keep.length) lines.push(window('rows'));
  }
  return lines;
}

function hubLines(plan: HubPlan): string[] {
  if (plan.objectIdPaging) return objectIdLines(plan, plan.objectIdPaging);
  const lines = [
    'library(httr2)',
    '',
    `url <- ${tabStop(1, rString(plan.queryUrl))}`,
    'params <- list(',
    plan.params.map(([k, v]) => `  ${rName(k)} = ${k === 'where' ? tabStop(2, rString(v)) : rString(v)}`).join(',\n'),
    ')',
  ];
  if (plan.tokenEnvVar) {
    lines.push(`token <- Sys.getenv(${tabStop(3, rString(plan.tokenEnvVar))})`, 'if (nzchar(token)) params$token <- token');
  }
  lines.push(
    '',
    'get_page <- function(...) {',
    '  page <- request(url) |>',
    '    req_url_query(!!!params, ...) |>',
    '    req_perform() |>',
    '    resp_body_json(simplifyVector = FALSE)',
    '  # ArcGIS reports query errors with HTTP 200 and an "error" object.',
    '  if (!is.null(page[["error"]])) stop(page[["error"]][["message"]])',
    '  page',
    '}',
    '',
  );
  if (!plan.paged) {
    lines.push('rows <- get_page()$features');
    return lines;
  }
  if (plan.pageSize !== undefined && plan.limit !== undefined) lines.push(`PAGE_SIZE <- ${integer(plan.pageSize)}`);
  if (plan.limit !== undefined) lines.push(`LIMIT <- ${integer(plan.limit)}`);
  let call = 'get_page(resultOffset = offset)';
  if (plan.limit !== undefined) {
    const count = plan.pageSize !== undefined ? 'min(PAGE_SIZE, LIMIT - length(rows))' : 'LIMIT - length(rows)';
    call = `get_page(resultOffset = offset, resultRecordCount = ${count})`;
  }
  lines.push(
    'rows <- list()',
    `offset <- ${integer(plan.startOffset)}`,
    'repeat {',
    `  page <- ${call}`,
    '  rows <- c(rows, page$features)',
    '  # More rows remain only while the server says its transfer limit was exceeded.',
    '  more <- isTRUE(page$exceededTransferLimit) || isTRUE(page$properties$exceededTransferLimit)',
    `  if (!more || length(page$features) == 0${plan.limit !== undefined ? ' || length(rows) >= LIMIT' : ''}) break`,
    '  offset <- offset + length(page$features)',
    '}',
  );
  return lines;
}

function legacyLines(plan: LegacyPlan): string[] {
  const lines = [
    'library(httr2)',
    '',
    `base_url <- ${rString(plan.recordsBaseUrl)}`,
    `dataset <- ${tabStop(1, rString(plan.datasetName))}`,
    'req <- request(paste0(base_url, "/", utils::URLencode(dataset, reserved = TRUE)))',
  ];
  if (plan.tokenEnvVar) {
    lines.push(
      `token <- Sys.getenv(${tabStop(3, rString(plan.tokenEnvVar))})`,
      `if (nzchar(token)) req <- req_headers(req, ${rString(plan.tokenHeader)} = token)`,
    );
  }
  if (plan.method === 'POST') lines.push(`req <- req_body_json(req, ${rLiteral(asPlainValue(plan.body ?? {}))})`);
  lines.push(
    '',
    'data <- req |> req_perform() |> resp_body_json(simplifyVector = FALSE)',
    '# Records are lists aligned with Fields; every value arrives as a string.',
    'field_names <- vapply(data$Fields, function(field) field$FieldName, character(1))',
    'rows <- lapply(data$Records, function(record) setNames(record, field_names))',
  );
  if (legacyNeedsClientSteps(plan)) {
    lines.push('# The Records API has no paging or field list: apply them here.');
    if (plan.offset || plan.limit !== undefined) {
      const keep = [`seq_along(rows) > ${finiteNumber(plan.offset)}`];
      if (plan.limit !== undefined) keep.push(`seq_along(rows) <= ${finiteNumber(plan.offset + plan.limit)}`);
      lines.push(`rows <- rows[${keep.join(' & ')}]`);
    }
    if (plan.fields) {
      lines.push(`fields <- c(${plan.fields.map(rString).join(', ')})`, 'rows <- lapply(rows, function(row) row[fields])');
    }
  }
  return lines;
}

export function rCode(plan: SnippetPlan, title: string): string {
  const lines = plan.kind === 'hub' ? hubLines(plan) : legacyLines(plan);
  return `# ${commentText(title)}: rows from the OKC open data portal (R, httr2).\n${lines.join('\n')}\n`;
}
