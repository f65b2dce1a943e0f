// Marks user-editable values inside generated code so one rendering yields both the plain
// text and the VS Code SnippetString form (`${1:value}` tab stops, `$ } \` escaped).

// Private-use characters cannot come from a portal or a user in practice; requests that
// carry them are refused (see assertNoMarkers) so a value can never forge a tab stop.
const OPEN = '\uE000';
const SEP = '\uE001';
const CLOSE = '\uE002';
const MARKERS = /[\uE000-\uE002]/;
const TAB_STOP = /\uE000(\d+)\uE001([^\uE000-\uE002]*)\uE002/g;

/** Wraps an already-rendered literal as tab stop `index`; the same index mirrors edits. */
export function tabStop(index: number, renderedValue: string): string {
  return `${OPEN}${index}${SEP}${renderedValue}${CLOSE}`;
}

export function escapeSnippetText(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}

/** Plain code without markers. */
export function plainText(marked: string): string {
  return marked.replace(TAB_STOP, (_m, _i, value: string) => value);
}

/** SnippetString syntax: literal text escaped, marked values as placeholders, `$0` at the end. */
export function snippetText(marked: string): string {
  let out = '';
  let last = 0;
  for (const match of marked.matchAll(TAB_STOP)) {
    out += escapeSnippetText(marked.slice(last, match.index));
    out += `\${${match[1]}:${escapeSnippetText(match[2])}}`;
    last = (match.index ?? 0) + match[0].length;
  }
  out += escapeSnippetText(marked.slice(last));
  return `${out}$0`;
}

export function assertNoMarkers(value: unknown): void {
  if (MARKERS.test(JSON.stringify(value) ?? '')) {
    throw new Error('The request contains private-use characters U+E000..U+E002, which snippets cannot carry.');
  }
}
