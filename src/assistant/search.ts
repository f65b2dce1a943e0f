// okcOpenData_searchDatasets: the catalog search the Search Datasets command uses, with
// each match's facts (record count and geometry from its schema when known quickly).

import { searchDatasets } from '../catalog/search';
import { datasetKey } from '../catalog/store';
import type { DatasetSchema, DatasetSummary, Portal } from '../portal/types';
import { htmlToText, truncate } from '../util/text';
import { fitItems, type OutputBudget } from './budget';
import { ToolInputError, type AssistantContext, type ToolAnswer } from './context';
import { optionalInteger, optionalString, requiredString, type ToolInput } from './input';
import { defuse, UNTRUSTED_NOTE, untrustedJson } from './untrusted';

/** How long a search waits for a schema it does not have yet (for the record count). */
const SCHEMA_WAIT_MS = 1500;
/** How long a search waits for field names still being indexed before it answers without them. */
const INDEX_WAIT_MS = 5000;

async function waitAtMost(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!promise) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

async function quickSchema(portal: Portal | undefined, dataset: DatasetSummary): Promise<DatasetSchema | undefined> {
  if (!portal) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      portal.getSchema(dataset).catch(() => undefined),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), SCHEMA_WAIT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function searchTool(context: AssistantContext, input: ToolInput, budget: OutputBudget): Promise<ToolAnswer> {
  const text = requiredString(input, 'text');
  const portalName = optionalString(input, 'portal');
  const limit = optionalInteger(input, 'limit', 1, 50) ?? 10;
  await context.ready();
  await waitAtMost(context.fieldsIndexed?.(), INDEX_WAIT_MS);
  const { store } = context;
  if (portalName && !store.portal(portalName)) {
    throw new ToolInputError(`There is no portal named "${defuse(portalName)}". Portals: ${store.states().map((s) => `"${defuse(s.config.name)}"`).join(', ')}.`);
  }
  const datasets = store.allDatasets().filter((d) => !portalName || d.portal === portalName);
  const unindexed = datasets.filter((d) => d.apiUrl && !store.fields.has(datasetKey(d))).length;
  const all = searchDatasets(datasets, text, store.fields, Number.MAX_SAFE_INTEGER);
  const hits = all.slice(0, limit);
  const schemas = await Promise.all(hits.map((h) => quickSchema(store.portal(h.dataset.portal), h.dataset)));
  const entries = hits.map((hit, i) => {
    const d = hit.dataset;
    const schema = schemas[i];
    return {
      portal: d.portal,
      id: d.id,
      title: d.title,
      description: truncate(htmlToText(d.description), 240),
      groups: d.groups,
      updateFrequency: d.updateFrequency ?? null,
      license: d.license ? htmlToText(d.license) : null,
      recordCount: schema?.recordCount ?? null,
      geometry: schema?.geometry ?? d.geometry,
      ...(hit.matchedFields.length ? { matchedFields: hit.matchedFields } : {}),
    };
  });

  const problems = store
    .states()
    .filter((s) => (!portalName || s.config.name === portalName) && s.error)
    .map((s) => `Note: "${defuse(s.config.name)}" could not be refreshed (${defuse(s.error!.message)}); ${s.datasets.length ? 'its cached catalog was searched' : 'none of its datasets could be searched'}.`);
  const render = (shown: number): string => {
    const lines = [
      all.length
        ? `${all.length} dataset${all.length === 1 ? '' : 's'} match "${defuse(text)}"; ${shown === all.length ? 'all shown' : `the best ${shown} shown`}.`
        : `No dataset matches "${defuse(text)}". Try fewer or other words (titles, keywords, groups and field names are searched).`,
      ...problems,
    ];
    if (unindexed) lines.push(`Note: the field names of ${unindexed} dataset${unindexed === 1 ? ' are' : 's are'} not known yet (still loading, or unreadable), so a search by field name may miss ${unindexed === 1 ? 'it' : 'them'}; try again shortly.`);
    if (shown < all.length) lines.push(`To see more, search with more specific words${shown < hits.length ? ' (the answer was cut to fit the output budget)' : ', or a higher limit'}.`);
    if (shown) lines.push(UNTRUSTED_NOTE, untrustedJson('datasets', entries.slice(0, shown)));
    if (shown) lines.push('Use an "id" (and its "portal" when ids repeat) with okcOpenData_describeDataset or okcOpenData_queryDataset.');
    return lines.join('\n');
  };
  const { text: answer } = await fitItems(entries.length, render, budget);
  return { text: answer, isError: false };
}
