// Registry of the code generators: turns a query on a dataset into a runnable program in the
// language the user picks. Pure (no `vscode`); the command that shows the result lives elsewhere.

import { curlCode } from './curl';
import { javascriptCode, typescriptCode } from './javascript';
import { planSnippet, type SnippetPlan, type SnippetRequest } from './plan';
import { powershellCode } from './powershell';
import { pythonPandasCode, pythonRequestsCode } from './python';
import { rCode } from './r';
import { assertNoMarkers, escapeSnippetText, plainText, snippetText } from './template';
import { urlText } from './url';

export type { SnippetRequest } from './plan';
export { DEFAULT_LEGACY_TOKEN_HEADER } from './plan';
export { snippetRequestFor, type SnippetOptions } from './request';

export type SnippetLanguage = 'curl' | 'javascript' | 'typescript' | 'python-requests' | 'python-pandas' | 'r' | 'powershell' | 'url';

export interface Snippet {
  language: SnippetLanguage;
  label: string;
  vscodeLanguageId: string;
  /** The program as plain text. */
  text: string;
  /** VS Code SnippetString syntax: tab stops `${1:value}` on the URL or dataset name, the
   * where clause and the token variable name; literal `$`, `}` and `\` escaped. */
  snippet: string;
  /** What the user should know that the code itself cannot say (URL target only). */
  notes?: string[];
}

export const SNIPPET_LANGUAGES: { id: SnippetLanguage; label: string; vscodeLanguageIds: string[] }[] = [
  { id: 'curl', label: 'curl (bash)', vscodeLanguageIds: ['shellscript'] },
  { id: 'javascript', label: 'JavaScript (fetch, Node 18+)', vscodeLanguageIds: ['javascript', 'javascriptreact'] },
  { id: 'typescript', label: 'TypeScript (ky)', vscodeLanguageIds: ['typescript', 'typescriptreact'] },
  { id: 'python-requests', label: 'Python (requests)', vscodeLanguageIds: ['python'] },
  { id: 'python-pandas', label: 'Python (pandas)', vscodeLanguageIds: ['python', 'jupyter'] },
  { id: 'r', label: 'R (httr2)', vscodeLanguageIds: ['r', 'rmd'] },
  { id: 'powershell', label: 'PowerShell (Invoke-RestMethod)', vscodeLanguageIds: ['powershell'] },
  { id: 'url', label: 'URL', vscodeLanguageIds: ['plaintext'] },
];

const GENERATORS: Record<Exclude<SnippetLanguage, 'url'>, (plan: SnippetPlan, title: string) => string> = {
  curl: curlCode,
  javascript: javascriptCode,
  typescript: typescriptCode,
  'python-requests': pythonRequestsCode,
  'python-pandas': pythonPandasCode,
  r: rCode,
  powershell: powershellCode,
};

/** Languages whose editors suit the given VS Code language id (for "insert at cursor"). */
export function languagesForEditor(vscodeLanguageId: string): SnippetLanguage[] {
  return SNIPPET_LANGUAGES.filter((l) => l.vscodeLanguageIds.includes(vscodeLanguageId)).map((l) => l.id);
}

/** Throws an Error with a user-readable message when the request cannot be rendered
 * (missing layer URL or dataset name, invalid field or variable names, non-finite numbers). */
export function generateSnippet(language: SnippetLanguage, request: SnippetRequest): Snippet {
  const info = SNIPPET_LANGUAGES.find((l) => l.id === language);
  if (!info) throw new Error(`Unknown snippet language ${JSON.stringify(language)}.`);
  assertNoMarkers(request);
  const plan = planSnippet(request);
  const base = { language, label: info.label, vscodeLanguageId: info.vscodeLanguageIds[0] };
  if (language === 'url') {
    const { text, notes } = urlText(plan);
    return { ...base, text, snippet: escapeSnippetText(text), ...(notes.length ? { notes } : {}) };
  }
  const marked = GENERATORS[language](plan, request.datasetTitle);
  return { ...base, text: plainText(marked), snippet: snippetText(marked) };
}

/** Every language at once, for a picker that previews each choice. */
export function generateAllSnippets(request: SnippetRequest): Snippet[] {
  return SNIPPET_LANGUAGES.map((l) => generateSnippet(l.id, request));
}
