// okcOpenData_describeDataset: what the metadata panel shows, as data for the model: fields
// with a few sample values, licence, update frequency, size, extent, endpoints, downloads.

import { isPortalError } from '../portal/errors';
import type { CellValue } from '../portal/types';
import { typedValue } from '../save/values';
import { htmlToText, truncate } from '../util/text';
import { fitItems, type OutputBudget } from './budget';
import type { AssistantContext, ToolAnswer } from './context';
import { portalErrorText } from './errors';
import { resolveDataset, type ToolInput } from './input';
import { UNTRUSTED_NOTE, untrustedJson } from './untrusted';

/** Rows read for sample values: enough for a few distinct values, small enough to be quick. */
const SAMPLE_ROWS = 5;
const SAMPLES_PER_FIELD = 3;
const SAMPLE_CHARS = 60;

export async function describeTool(context: AssistantContext, input: ToolInput, budget: OutputBudget, signal?: AbortSignal): Promise<ToolAnswer> {
  const { portal, dataset } = await resolveDataset(context, input);
  const schema = await portal.getSchema(dataset, signal);
  const fields = schema.fields.filter((f) => f.kind !== 'geometry');
  const samples = new Map<string, CellValue[]>();
  let sampleProblem: string | undefined;
  try {
    const page = await portal.queryPage(dataset, { fields: fields.map((f) => f.name), returnGeometry: false }, 0, SAMPLE_ROWS, signal);
    for (const f of fields) {
      const seen: CellValue[] = [];
      for (const row of page.rows) {
        const raw = typedValue(row.attributes[f.name], f.kind);
        const value = typeof raw === 'string' ? truncate(raw, SAMPLE_CHARS) : raw;
        if (value === null || (typeof value === 'string' && !value.trim()) || seen.includes(value)) continue;
        seen.push(value);
        if (seen.length >= SAMPLES_PER_FIELD) break;
      }
      samples.set(f.name, seen);
    }
  } catch (error) {
    // The description stands without samples; say why they are missing.
    sampleProblem = isPortalError(error) ? portalErrorText(dataset.portal, error) : String((error as Error).message ?? error);
  }

  const facts = {
    portal: dataset.portal,
    id: dataset.id,
    title: dataset.title,
    description: truncate(htmlToText(schema.description && schema.description.length > dataset.description.length ? schema.description : dataset.description), 1200),
    license: dataset.license ? htmlToText(dataset.license) : null,
    updateFrequency: dataset.updateFrequency ?? null,
    publisher: dataset.publisher ?? null,
    modified: dataset.modified ?? schema.lastEdit ?? null,
    recordCount: schema.recordCount ?? null,
    geometry: schema.geometry,
    extentWgs84: dataset.extent ?? schema.extent ?? null,
    objectIdField: schema.objectIdField ?? null,
    maxRecordCountPerRequest: schema.maxRecordCount ?? null,
    apiUrl: portal.queryUrl(dataset, {}),
    serviceUrl: dataset.apiUrl ?? null,
    landingPage: dataset.landingPage ?? null,
    downloads: dataset.downloads,
  };
  const fieldEntries = fields.map((f) => ({
    name: f.name,
    ...(f.alias ? { alias: f.alias } : {}),
    type: f.kind,
    nativeType: f.nativeType,
    ...(f.description ? { description: truncate(f.description, 200) } : {}),
    samples: samples.get(f.name) ?? [],
  }));
  const render = (shown: number): string =>
    [
      `The dataset has ${fields.length} fields${schema.recordCount !== undefined ? ` and ${schema.recordCount} rows` : ''}.`,
      ...(sampleProblem ? [`Sample values could not be read: ${sampleProblem}`] : []),
      ...(shown < fieldEntries.length ? [`Only the first ${shown} of ${fieldEntries.length} fields are listed (output budget); ask okcOpenData_queryDataset with "fields" to look at others.`] : []),
      UNTRUSTED_NOTE,
      untrustedJson('dataset', { ...facts, fields: fieldEntries.slice(0, shown) }),
    ].join('\n');
  const { text } = await fitItems(fieldEntries.length, render, budget);
  return { text, isError: false };
}
