// "Insert API Query Snippet": pick a dataset, shape the query in a short quick-pick flow
// (fields, filters, sort, limit), pick the language (the active editor's first), and insert
// runnable code at the cursor with tab stops on the values a user edits. Tokens are read
// from an environment variable by the generated code; no token is ever written into it.

import * as vscode from 'vscode';
import type { CatalogStore } from '../catalog/store';
import { portalProblem } from '../messages';
import { isPortalError } from '../portal/errors';
import type { DatasetField, DatasetSchema, DatasetSummary } from '../portal/types';
import type { DatasetQuery, FieldFilter, FilterOperator, SpatialFilter } from '../query/model';
import { generateSnippet, languagesForEditor, SNIPPET_LANGUAGES, type SnippetLanguage } from '../snippets/index';
import { snippetRequestFor, TOKEN_ENV_VAR } from '../snippets/request';
import { LEGACY_TOKEN_HEADER } from '../portal/legacy';
import { showControls } from '../util/text';

export { TOKEN_ENV_VAR };

/** For tests and other extensions: skip the questions whose answers are given. */
export interface InsertSnippetOptions {
  language?: SnippetLanguage;
  query?: DatasetQuery;
  pageAll?: boolean;
}

type Step<T> = T | undefined;

export async function insertSnippet(store: CatalogStore, dataset: DatasetSummary, options: InsertSnippetOptions = {}): Promise<boolean> {
  const portal = store.portal(dataset.portal);
  if (!portal) return false;
  let schema: DatasetSchema;
  try {
    schema = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading the fields of {0}…', showControls(dataset.title)) }, () =>
      portal.getSchema(dataset),
    );
  } catch (error) {
    void vscode.window.showErrorMessage(isPortalError(error) ? portalProblem(dataset.portal, error) : String(error));
    return false;
  }

  let query = options.query;
  let pageAll = options.pageAll;
  if (!query) {
    const shaped = await askQuery(dataset, schema);
    if (!shaped) return false;
    ({ query, pageAll } = shaped);
  }
  const language = options.language ?? (await askLanguage());
  if (!language) return false;

  let snippet;
  try {
    const request = snippetRequestFor(portal.config, dataset, schema, query, { pageAll: pageAll ?? query.limit === undefined, tokenEnvVar: TOKEN_ENV_VAR, legacyTokenHeader: LEGACY_TOKEN_HEADER });
    snippet = generateSnippet(language, request);
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not generate the snippet: {0}', (error as Error).message));
    return false;
  }

  let editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.isClosed) {
    const document = await vscode.workspace.openTextDocument({ language: snippet.vscodeLanguageId, content: '' });
    editor = await vscode.window.showTextDocument(document);
  }
  const inserted = await editor.insertSnippet(new vscode.SnippetString(snippet.snippet), editor.selections);
  if (inserted && snippet.notes?.length) void vscode.window.showInformationMessage(snippet.notes.join(' '));
  if (inserted && portal.config.kind === 'legacy' && query.filters?.length) {
    void vscode.window.showWarningMessage(vscode.l10n.t('The legacy portal documents no filter parameters, so the snippet fetches every record: apply your filters to its rows yourself.'));
  }
  return inserted;
}

/** "Copy as curl": the same generator, plain text to the clipboard. */
export async function copyAsCurl(store: CatalogStore, dataset: DatasetSummary, query: DatasetQuery = {}): Promise<string | undefined> {
  const portal = store.portal(dataset.portal);
  if (!portal) return undefined;
  try {
    const schema = await portal.getSchema(dataset);
    const request = snippetRequestFor(portal.config, dataset, schema, query, { pageAll: false, tokenEnvVar: TOKEN_ENV_VAR, legacyTokenHeader: LEGACY_TOKEN_HEADER });
    const text = generateSnippet('curl', request).text;
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) curl command for "{0}" copied', showControls(dataset.title)), 3000);
    return text;
  } catch (error) {
    void vscode.window.showErrorMessage(isPortalError(error) ? portalProblem(dataset.portal, error) : String((error as Error).message ?? error));
    return undefined;
  }
}

async function askLanguage(): Promise<Step<SnippetLanguage>> {
  const editorLanguage = vscode.window.activeTextEditor?.document.languageId;
  const preferred = editorLanguage ? languagesForEditor(editorLanguage) : [];
  const ordered = [...SNIPPET_LANGUAGES].sort((a, b) => Number(preferred.includes(b.id)) - Number(preferred.includes(a.id)));
  const pick = await vscode.window.showQuickPick(
    ordered.map((l) => ({ label: l.label, id: l.id, description: preferred.includes(l.id) ? vscode.l10n.t('matches the active editor') : undefined })),
    { title: vscode.l10n.t('Insert API Query Snippet: language'), placeHolder: vscode.l10n.t('Which language should the code be in?') },
  );
  return pick?.id;
}

const OPERATORS: Record<'text' | 'number' | 'date', FilterOperator[]> = {
  text: ['=', '<>', 'like', 'in', 'is null', 'is not null'],
  number: ['=', '<>', '<', '<=', '>', '>=', 'in', 'is null', 'is not null'],
  date: ['>=', '<=', '=', 'is null', 'is not null'],
};

function operatorsFor(field: DatasetField): FilterOperator[] {
  if (field.kind === 'integer' || field.kind === 'double' || field.kind === 'oid') return OPERATORS.number;
  if (field.kind === 'date') return OPERATORS.date;
  return OPERATORS.text;
}

/** The short flow: insert the plain query at once, or shape it step by step. */
async function askQuery(dataset: DatasetSummary, schema: DatasetSchema): Promise<Step<{ query: DatasetQuery; pageAll: boolean }>> {
  const title = vscode.l10n.t('Insert API Query Snippet: {0}', showControls(dataset.title));
  const mode = await vscode.window.showQuickPick(
    [
      { label: `$(zap) ${vscode.l10n.t('All rows, all fields')}`, detail: vscode.l10n.t('Pages through every row of the dataset.'), mode: 'all' as const },
      { label: `$(list-filter) ${vscode.l10n.t('Choose fields, filters, sort and limit…')}`, mode: 'custom' as const },
    ],
    { title, placeHolder: vscode.l10n.t('What should the query return?') },
  );
  if (!mode) return undefined;
  if (mode.mode === 'all') return { query: {}, pageAll: true };

  const queryable = schema.fields.filter((f) => f.kind !== 'geometry');
  const picked = await vscode.window.showQuickPick(
    queryable.map((f) => ({ label: f.name, description: f.alias ? `${f.alias} · ${f.kind}` : f.kind, picked: true, field: f })),
    { title, canPickMany: true, placeHolder: vscode.l10n.t('Fields to return (all when none is picked)') },
  );
  if (!picked) return undefined;
  const fields = picked.length && picked.length < queryable.length ? picked.map((p) => p.field.name) : undefined;

  const filters: FieldFilter[] = [];
  for (;;) {
    const next = await vscode.window.showQuickPick(
      [
        { label: filters.length ? `$(check) ${vscode.l10n.t('No more filters')}` : `$(arrow-right) ${vscode.l10n.t('No filter')}`, field: undefined as DatasetField | undefined },
        ...queryable.map((f) => ({ label: `$(filter) ${f.name}`, description: f.kind, field: f as DatasetField | undefined })),
      ],
      { title, placeHolder: filters.length ? vscode.l10n.t('Add another filter, or go on') : vscode.l10n.t('Filter on a field?') },
    );
    if (!next) return undefined;
    if (!next.field) break;
    const filter = await askFilter(next.field, title);
    if (filter === undefined) return undefined;
    if (filter) filters.push(filter);
  }
  let join: 'and' | 'or' | undefined;
  if (filters.length > 1) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('All filters (AND)'), join: 'and' as const },
        { label: vscode.l10n.t('Any filter (OR)'), join: 'or' as const },
      ],
      { title },
    );
    if (!pick) return undefined;
    join = pick.join;
  }

  const sortPick = await vscode.window.showQuickPick(
    [{ label: vscode.l10n.t('No sort'), field: undefined as string | undefined, descending: false }].concat(
      queryable.flatMap((f) => [
        { label: `$(arrow-up) ${f.name}`, field: f.name as string | undefined, descending: false },
        { label: `$(arrow-down) ${f.name}`, field: f.name as string | undefined, descending: true },
      ]),
    ),
    { title, placeHolder: vscode.l10n.t('Sort by') },
  );
  if (!sortPick) return undefined;

  const spatial = schema.geometry !== 'none' ? await askSpatial(title) : null;
  if (spatial === undefined) return undefined;

  const limitText = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Most rows to return; leave empty for every matching row (the code pages through them).'),
    validateInput: (v) => (v.trim() === '' || /^\d+$/.test(v.trim()) ? undefined : vscode.l10n.t('A whole number, or empty.')),
  });
  if (limitText === undefined) return undefined;
  const limit = limitText.trim() ? Number(limitText.trim()) : undefined;

  const query: DatasetQuery = {
    ...(fields ? { fields } : {}),
    ...(filters.length ? { filters } : {}),
    ...(join ? { join } : {}),
    ...(sortPick.field ? { sort: [{ field: sortPick.field, descending: sortPick.descending }] } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(spatial ? { spatial } : {}),
  };
  return { query, pageAll: limit === undefined || limit > (schema.maxRecordCount ?? Infinity) };
}

/** A bounding box or a distance around a point, in longitude/latitude. undefined: cancelled; null: none. */
async function askSpatial(title: string): Promise<SpatialFilter | null | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('No spatial filter'), area: 'none' as const },
      { label: `$(screen-full) ${vscode.l10n.t('Inside a bounding box')}`, area: 'bbox' as const },
      { label: `$(location) ${vscode.l10n.t('Within a distance of a point')}`, area: 'near' as const },
    ],
    { title, placeHolder: vscode.l10n.t('Limit the rows to an area?') },
  );
  if (!pick) return undefined;
  if (pick.area === 'none') return null;
  const numbers = (text: string): number[] => text.split(',').map((s) => Number(s.trim()));
  if (pick.area === 'bbox') {
    const text = await vscode.window.showInputBox({
      title,
      prompt: vscode.l10n.t('West, south, east, north in degrees (WGS84)'),
      value: '-97.60, 35.43, -97.47, 35.52',
      validateInput: (v) => {
        const n = numbers(v);
        return n.length === 4 && n.every(Number.isFinite) && n[0] < n[2] && n[1] < n[3] ? undefined : vscode.l10n.t('Four numbers: west, south, east, north, with west < east and south < north.');
      },
    });
    if (text === undefined) return undefined;
    const [xmin, ymin, xmax, ymax] = numbers(text);
    return { kind: 'bbox', xmin, ymin, xmax, ymax };
  }
  const text = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Longitude, latitude, distance in meters'),
    value: '-97.5164, 35.4676, 1000',
    validateInput: (v) => {
      const n = numbers(v);
      return n.length === 3 && n.every(Number.isFinite) && Math.abs(n[0]) <= 180 && Math.abs(n[1]) <= 90 && n[2] > 0 ? undefined : vscode.l10n.t('Three numbers: longitude, latitude, and a distance above 0.');
    },
  });
  if (text === undefined) return undefined;
  const [longitude, latitude, meters] = numbers(text);
  return { kind: 'near', longitude, latitude, meters };
}

/** undefined: cancelled; null: skipped. */
async function askFilter(field: DatasetField, title: string): Promise<FieldFilter | null | undefined> {
  const op = (await vscode.window.showQuickPick(operatorsFor(field), { title, placeHolder: vscode.l10n.t('How should {0} compare?', field.name) })) as FilterOperator | undefined;
  if (!op) return undefined;
  if (op === 'is null' || op === 'is not null') return { field: field.name, op };
  const numeric = field.kind === 'integer' || field.kind === 'double' || field.kind === 'oid';
  const raw = await vscode.window.showInputBox({
    title,
    prompt:
      op === 'in'
        ? vscode.l10n.t('Values for {0}, separated by commas', field.name)
        : field.kind === 'date'
          ? vscode.l10n.t('Date for {0} (YYYY-MM-DD)', field.name)
          : op === 'like'
            ? vscode.l10n.t('Pattern for {0} (% matches any text, _ one character)', field.name)
            : vscode.l10n.t('Value for {0}', field.name),
    validateInput: (v) => {
      const parts = op === 'in' ? v.split(',').map((s) => s.trim()) : [v.trim()];
      if (numeric && parts.some((p) => p === '' || !Number.isFinite(Number(p)))) return vscode.l10n.t('{0} holds numbers.', field.name);
      if (field.kind === 'date' && !/^\d{4}-\d{2}-\d{2}/.test(v.trim())) return vscode.l10n.t('Use YYYY-MM-DD.');
      return undefined;
    },
  });
  if (raw === undefined) return undefined;
  const convert = (s: string): string | number => (numeric ? Number(s) : s);
  const value = op === 'in' ? raw.split(',').map((s) => convert(s.trim())) : convert(field.kind === 'date' ? raw.trim() : raw);
  return { field: field.name, op, value };
}
