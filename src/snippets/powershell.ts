// PowerShell target (Invoke-RestMethod, PowerShell 7 or Windows PowerShell 5.1); the script
// leaves its rows in `$Rows`. Strings are single-quoted so `$` and backticks stay inert.

import { asPlainValue, commentText, finiteNumber, type PlainValue } from './literals';
import { legacyNeedsClientSteps, type HubPlan, type LegacyPlan, type ObjectIdPaging, type SnippetPlan } from './plan';
import { tabStop } from './template';

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Single-quoted when possible: PowerShell also ends those at typographic single quotes, and
 * doubling escapes each. Control characters (which an editor could rewrite, e.g. CRLF) need a
 * double-quoted string where the backtick escapes `$`, backticks and every kind of double quote. */
export function psString(value: string): string {
  if (!CONTROL.test(value)) return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
  const named: Record<string, string> = { '\n': '`n', '\r': '`r', '\t': '`t', '\0': '`0' };
  const body = value.replace(/[`$"\u201c\u201d\u201e\u0000-\u001f\u007f]/g, (ch) => {
    if (named[ch]) return named[ch];
    // `u{} needs PowerShell 6+; only rarer control characters than tab and newline need it.
    if (CONTROL.test(ch)) return `\`u{${ch.charCodeAt(0).toString(16)}}`;
    return `\`${ch}`;
  });
  return `"${body}"`;
}

export function psLiteral(value: PlainValue, indent = ''): string {
  if (value === null) return '$null';
  if (typeof value === 'boolean') return value ? '$true' : '$false';
  if (typeof value === 'number') return finiteNumber(value);
  if (typeof value === 'string') return psString(value);
  if (Array.isArray(value)) return `@(${value.map((v) => psLiteral(v, indent)).join(', ')})`;
  const entries = Object.entries(value);
  if (!entries.length) return '[ordered]@{}';
  const inner = `${indent}    `;
  return `[ordered]@{\n${entries.map(([k, v]) => `${inner}${psString(k)} = ${psLiteral(v, inner)}`).join('\n')}\n${indent}}`;
}

/** Paging by object id (ArcGIS Server 10.x): the ids once, then batches of ids by POST. */
function objectIdLines(plan: HubPlan, paging: ObjectIdPaging): string[] {
  const lines = [
    `$Url = ${tabStop(1, psString(plan.queryUrl))}`,
    "# This layer's server (ArcGIS Server 10.x) cannot page with resultOffset: ask for the id",
    '# of every matching row, then fetch the rows in batches of ids.',
    '$Params = [ordered]@{',
    ...plan.params.map(([k, v]) => `    ${psString(k)} = ${k === 'where' ? tabStop(2, psString(v)) : psString(v)}`),
    '}',
    '$BatchParams = [ordered]@{',
    ...paging.batchParams.map(([k, v]) => `    ${psString(k)} = ${psString(v)}`),
    '}',
  ];
  if (plan.tokenEnvVar) {
    lines.push(
      `$Token = [Environment]::GetEnvironmentVariable(${tabStop(3, psString(plan.tokenEnvVar))})`,
      "if ($Token) { $Params['token'] = $Token; $BatchParams['token'] = $Token }",
    );
  }
  const select: string[] = [];
  if (paging.offset) select.push(`-Skip ${finiteNumber(paging.offset)}`);
  if (paging.limit !== undefined) select.push(`-First ${finiteNumber(paging.limit)}`);
  lines.push(
    '',
    '$Answer = Invoke-RestMethod -Uri $Url -Method Get -Body $Params',
    '# ArcGIS reports query errors with HTTP 200 and an "error" object.',
    'if ($Answer.error) { throw $Answer.error.message }',
    `$Ids = @($Answer.objectIds | Sort-Object${paging.descending ? ' -Descending' : ''})`,
  );
  if (select.length && !paging.clientSort) lines.push(`$Ids = @($Ids | Select-Object ${select.join(' ')})`);
  lines.push(
    `$Oid = ${psString(paging.objectIdField)}`,
    `$BatchSize = ${finiteNumber(paging.batchSize)}`,
    '$Rows = [System.Collections.Generic.List[object]]::new()',
    'for ($Start = 0; $Start -lt $Ids.Count; $Start += $BatchSize) {',
    '    $Batch = @($Ids[$Start..([Math]::Min($Ids.Count, $Start + $BatchSize) - 1)])',
    '    $Body = @{}',
    '    foreach ($Key in $BatchParams.Keys) { $Body[$Key] = $BatchParams[$Key] }',
    "    $Body['objectIds'] = $Batch -join ','",
    '    $Page = Invoke-RestMethod -Uri $Url -Method Post -Body $Body',
    '    if ($Page.error) { throw $Page.error.message }',
    '    $ById = @{}',
    '    foreach ($Feature in @($Page.features)) { $ById[[string]$Feature.attributes.$Oid] = $Feature }',
    '    foreach ($Id in $Batch) { if ($ById.ContainsKey([string]$Id)) { $Rows.Add($ById[[string]$Id]) } }',
    '}',
  );
  if (paging.clientSort) {
    const keys = paging.clientSort.map((k) => {
      const value = `$_.attributes.(${psString(k.field)})`;
      const descending = k.descending ? '$true' : '$false';
      return `@{ Expression = { $null -ne ${value} }; Descending = ${descending} }, @{ Expression = { ${value} }; Descending = ${descending} }`;
    });
    lines.push(
      '# Sorted here (empty values first), as the server cannot sort while paging by id.',
      `$Rows = @($Rows | Sort-Object -Property ${keys.join(', ')}, @{ Expression = { $_.attributes.$Oid } })`,
    );
    if (select.length) lines.push(`$Rows = @($Rows | Select-Object ${select.join(' ')})`);
  }
  return lines;
}

function hubLines(plan: HubPlan): string[] {
  if (plan.objectIdPaging) return objectIdLines(plan, plan.objectIdPaging);
  const lines = [
    `$Url = ${tabStop(1, psString(plan.queryUrl))}`,
    '$Params = [ordered]@{',
    ...plan.params.map(([k, v]) => `    ${psString(k)} = ${k === 'where' ? tabStop(2, psString(v)) : psString(v)}`),
    '}',
  ];
  if (plan.tokenEnvVar) {
    lines.push(
      `$Token = [Environment]::GetEnvironmentVariable(${tabStop(3, psString(plan.tokenEnvVar))})`,
      "if ($Token) { $Params['token'] = $Token }",
    );
  }
  lines.push('');
  const fetch = (indent: string): string[] => [
    `${indent}$Page = Invoke-RestMethod -Uri $Url -Method Get -Body $Params`,
    `${indent}# ArcGIS reports query errors with HTTP 200 and an "error" object.`,
    `${indent}if ($Page.error) { throw $Page.error.message }`,
  ];
  if (!plan.paged) {
    lines.push(...fetch(''), '$Rows = @($Page.features)');
    return lines;
  }
  if (plan.pageSize !== undefined && plan.limit !== undefined) lines.push(`$PageSize = ${finiteNumber(plan.pageSize)}`);
  if (plan.limit !== undefined) lines.push(`$Limit = ${finiteNumber(plan.limit)}`);
  lines.push('$Rows = [System.Collections.Generic.List[object]]::new()', `$Offset = ${finiteNumber(plan.startOffset)}`, 'while ($true) {');
  lines.push("    $Params['resultOffset'] = $Offset");
  if (plan.limit !== undefined) {
    lines.push(
      `    $Params['resultRecordCount'] = ${plan.pageSize !== undefined ? '[Math]::Min($PageSize, $Limit - $Rows.Count)' : '$Limit - $Rows.Count'}`,
    );
  }
  lines.push(
    ...fetch('    '),
    '    $Features = @($Page.features)',
    '    $Rows.AddRange([object[]]$Features)',
    '    # More rows remain only while the server says its transfer limit was exceeded.',
    '    $More = $Page.exceededTransferLimit -or $Page.properties.exceededTransferLimit',
    `    if (-not $More -or $Features.Count -eq 0${plan.limit !== undefined ? ' -or $Rows.Count -ge $Limit' : ''}) { break }`,
    '    $Offset += $Features.Count',
    '}',
  );
  return lines;
}

function legacyLines(plan: LegacyPlan): string[] {
  const lines = [
    `$BaseUrl = ${psString(plan.recordsBaseUrl)}`,
    `$Dataset = ${tabStop(1, psString(plan.datasetName))}`,
    "$Url = $BaseUrl + '/' + [uri]::EscapeDataString($Dataset)",
    '$Headers = @{}',
  ];
  if (plan.tokenEnvVar) {
    lines.push(
      `$Token = [Environment]::GetEnvironmentVariable(${tabStop(3, psString(plan.tokenEnvVar))})`,
      `if ($Token) { $Headers[${psString(plan.tokenHeader)}] = $Token }`,
    );
  }
  if (plan.method === 'POST') {
    lines.push(
      `$Body = ${psLiteral(asPlainValue(plan.body ?? {}))}`,
      '',
      "$Data = Invoke-RestMethod -Uri $Url -Method Post -Headers $Headers -ContentType 'application/json' -Body ($Body | ConvertTo-Json -Depth 10)",
    );
  } else {
    lines.push('', '$Data = Invoke-RestMethod -Uri $Url -Method Get -Headers $Headers');
  }
  lines.push(
    '# Records are arrays aligned with Fields; every value arrives as a string.',
    '$Names = @($Data.Fields | ForEach-Object { $_.FieldName })',
    '$Rows = @(foreach ($Record in $Data.Records) {',
    '    $Row = [ordered]@{}',
    '    for ($i = 0; $i -lt $Names.Count; $i++) { $Row[$Names[$i]] = $Record[$i] }',
    '    [pscustomobject]$Row',
    '})',
  );
  if (legacyNeedsClientSteps(plan)) {
    lines.push('# The Records API has no paging or field list: apply them here.');
    if (plan.offset || plan.limit !== undefined) {
      const parts = [];
      if (plan.offset) parts.push(`-Skip ${finiteNumber(plan.offset)}`);
      if (plan.limit !== undefined) parts.push(`-First ${finiteNumber(plan.limit)}`);
      lines.push(`$Rows = @($Rows | Select-Object ${parts.join(' ')})`);
    }
    if (plan.fields) lines.push(`$Rows = @($Rows | Select-Object -Property ${plan.fields.map(psString).join(', ')})`);
  }
  return lines;
}

export function powershellCode(plan: SnippetPlan, title: string): string {
  const lines = plan.kind === 'hub' ? hubLines(plan) : legacyLines(plan);
  return `# ${commentText(title)}: rows from the OKC open data portal (PowerShell, Invoke-RestMethod).\n${lines.join('\n')}\n`;
}
