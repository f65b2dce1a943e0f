// okcOpenData_saveDataset: the Save Dataset to Workspace engine (temp file, row-count check,
// provenance, rename) writing only inside the host's save root. `planSave` works out the
// file and the row count, which the confirmation names; `runSave` writes.

import type { DatasetSchema, DatasetSummary, Portal } from '../portal/types';
import type { DatasetQuery } from '../query/model';
import { SAVE_FORMATS, saveDataset, type SaveFormat } from '../save/index';
import { resolveInside, sanitizeFileName } from '../save/fileName';
import { extensionFor } from '../save/values';
import { ToolInputError, type AssistantContext, type SaveTarget, type ToolAnswer } from './context';
import { queryFromInput, requiredString, resolveDataset, type ToolInput } from './input';
import { defuse } from './untrusted';

export interface SavePlan {
  portal: Portal;
  dataset: DatasetSummary;
  schema: DatasetSchema;
  query: DatasetQuery;
  format: SaveFormat;
  target: SaveTarget;
  folder: string;
  /** File name without its extension, as the engine wants it. */
  stem: string;
  /** Absolute path of the data file. */
  path: string;
  /** How the host shows it (workspace-relative). */
  display: string;
  rows: number;
  exists: boolean;
  overwrite: boolean;
}

/** Splits a relative path into folder and sanitised file name, refusing anything that
 * would leave the root (absolute paths, `..`, drive letters). */
function placeInside(target: SaveTarget, requested: string, format: SaveFormat): { folder: string; stem: string; path: string } {
  const { path } = target.fs;
  const parts = requested.replace(/\\/g, '/').split('/');
  const name = parts.pop() ?? '';
  if (path.isAbsolute(requested) || /^[A-Za-z]:/.test(requested) || parts.some((p) => p === '..' || p === '.')) {
    throw new ToolInputError(`The file name "${defuse(requested)}" must be a plain name or a path inside the workspace folder (no absolute paths, no "..").`);
  }
  const folders = parts.filter(Boolean);
  let folder = target.root;
  for (const segment of folders.length ? folders : target.defaultFolder.split('/').filter(Boolean)) {
    folder = resolveInside(folder, sanitizeFileName(segment, 'x').replace(/\.x$/, ''), path);
  }
  const fileName = sanitizeFileName(name, extensionFor(format));
  const full = resolveInside(folder, fileName, path);
  return { folder, stem: fileName.slice(0, -(extensionFor(format).length + 1)), path: full };
}

export async function planSave(context: AssistantContext, input: ToolInput, signal?: AbortSignal): Promise<SavePlan> {
  const target = context.save;
  if (!target) throw new ToolInputError(context.saveDisabledReason ?? 'Saving is not enabled here.');
  const format = requiredString(input, 'format') as SaveFormat;
  if (!SAVE_FORMATS.includes(format)) throw new ToolInputError(`"format" must be one of ${SAVE_FORMATS.join(', ')}.`);
  const requested = requiredString(input, 'fileName');
  const { portal, dataset } = await resolveDataset(context, input);
  // A save reads the portal afresh, as the editor command does.
  portal.forget?.(dataset);
  const schema = await portal.getSchema(dataset, signal);
  if (format === 'geojson' && schema.geometry === 'none') throw new ToolInputError('This dataset has no geometry, so it cannot be saved as GeoJSON; use csv, json or ndjson.');
  const query = queryFromInput(input, schema);
  const { folder, stem, path } = placeInside(target, requested, format);
  const { limit, offset, ...filters } = query;
  const matching = await portal.countRows(dataset, filters, signal);
  const rows = Math.max(0, Math.min(matching - (offset ?? 0), limit ?? Number.MAX_SAFE_INTEGER));
  return { portal, dataset, schema, query, format, target, folder, stem, path, display: target.display(path), rows, exists: await target.fs.exists(path), overwrite: input.overwrite === true };
}

export async function runSave(plan: SavePlan, signal?: AbortSignal): Promise<ToolAnswer> {
  if (plan.exists && !plan.overwrite) {
    throw new ToolInputError(`${plan.display} already exists. Nothing was written. Choose another file name, or set overwrite to true if the user wants it replaced.`);
  }
  await plan.target.ensureFolder(plan.folder);
  const result = await saveDataset({
    portal: plan.portal,
    dataset: plan.dataset,
    schema: plan.schema,
    query: plan.query,
    format: plan.format,
    fs: plan.target.fs,
    folder: plan.folder,
    fileName: plan.stem,
    overwrite: plan.overwrite,
    signal,
  });
  return {
    text: `Saved ${result.rows} row${result.rows === 1 ? '' : 's'} (${result.bytes} bytes, SHA-256 ${result.sha256}) to ${plan.target.display(result.path)}, with its provenance in ${plan.target.display(result.sidecarPath)}. "OKC Open Data: Refresh Saved Dataset" re-runs the same query later.`,
    isError: false,
  };
}

/** What the confirmation asks, in plain words (the adapters localise their own frame). */
export function describePlan(plan: SavePlan): { file: string; rows: number; format: SaveFormat; replaces: boolean } {
  return { file: plan.display, rows: plan.rows, format: plan.format, replaces: plan.exists };
}
