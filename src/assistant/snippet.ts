// okcOpenData_generateSnippet: the Insert API Query Snippet generators, same request, as text.

import { LEGACY_TOKEN_HEADER } from '../portal/legacy';
import { generateSnippet, SNIPPET_LANGUAGES, snippetRequestFor, type SnippetLanguage } from '../snippets/index';
import { ToolInputError, type AssistantContext, type ToolAnswer } from './context';
import { queryFromInput, requiredString, resolveDataset, type ToolInput } from './input';
import { UNTRUSTED_NOTE, untrustedBlock } from './untrusted';

export async function snippetTool(context: AssistantContext, input: ToolInput, signal?: AbortSignal): Promise<ToolAnswer> {
  const language = requiredString(input, 'language') as SnippetLanguage;
  const info = SNIPPET_LANGUAGES.find((l) => l.id === language);
  if (!info) throw new ToolInputError(`"language" must be one of ${SNIPPET_LANGUAGES.map((l) => l.id).join(', ')}.`);
  const { portal, dataset } = await resolveDataset(context, input);
  const schema = await portal.getSchema(dataset, signal);
  const query = queryFromInput(input, schema);
  let snippet;
  try {
    // As the editor command: page through every row unless a limit is given.
    const request = snippetRequestFor(portal.config, dataset, schema, query, { pageAll: query.limit === undefined, tokenEnvVar: context.tokenEnvVar, legacyTokenHeader: LEGACY_TOKEN_HEADER });
    snippet = generateSnippet(language, request);
  } catch (error) {
    throw new ToolInputError(`No code could be written for this query: ${(error as Error).message}`);
  }
  const lines = [
    `${info.label} code for the query (${query.limit === undefined ? 'pages through every matching row' : `at most ${query.limit} rows`}).`,
    `If the portal needs a token, the code reads it from the ${context.tokenEnvVar} environment variable; no token is in the code.`,
    ...(snippet.notes ?? []),
    `${UNTRUSTED_NOTE} The code quotes the dataset's title in a comment.`,
    untrustedBlock('code', 'code', `\`\`\`${snippet.vscodeLanguageId}\n${snippet.text}\n\`\`\``),
  ];
  return { text: lines.join('\n'), isError: false };
}
