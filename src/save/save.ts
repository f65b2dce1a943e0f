// "Save Dataset to Workspace" without the editor: safe name, streamed export into a temp
// file, verification, provenance sidecar, then rename into place. A failure or a
// cancellation at any point leaves no temp file and any previous file untouched.

import type { DatasetSchema, DatasetSummary, Portal } from '../portal/types';
import type { DatasetQuery } from '../query/model';
import { exportDataset, SaveError, type ExportOptions, type ExportResult } from './export';
import { resolveInside, sanitizeFileName } from './fileName';
import { buildSidecar, serializeSidecar, sidecarPathFor, type ProvenanceSidecar } from './provenance';
import { AtomicFile, type SaveFs } from './saveFs';
import { extensionFor, type SaveFormat } from './values';

export interface SaveDatasetOptions extends Omit<ExportOptions, 'sink'> {
  fs: SaveFs;
  /** Folder to save into, in the fs's path syntax. */
  folder: string;
  /** Wanted name (the dataset title when absent); it is sanitized either way. */
  fileName?: string;
  /** Replace an existing file of the same name. Default false: the command asks first. */
  overwrite?: boolean;
  /** Clock for the sidecar; tests pin it. */
  now?: () => Date;
}

export interface SaveDatasetResult extends ExportResult {
  path: string;
  sidecarPath: string;
  sidecar: ProvenanceSidecar;
}

/** The path a save would write, so the command can ask before overwriting. */
export function targetPathFor(fs: SaveFs, folder: string, name: string, format: SaveFormat): string {
  return resolveInside(folder, sanitizeFileName(name, extensionFor(format)), fs.path);
}

export async function saveDataset(options: SaveDatasetOptions): Promise<SaveDatasetResult> {
  const { fs } = options;
  const path = targetPathFor(fs, options.folder, options.fileName ?? options.dataset.title, options.format);
  if (!options.overwrite && (await fs.exists(path))) {
    throw new SaveError('exists', `${fs.path.basename(path)} already exists.`);
  }
  const written = await writeVerified(fs, path, options, options.dataset, options.schema, options.query);
  return written;
}

/** Exports into a temp file beside `path`, writes the sidecar, then publishes both. Shared
 * by save and refresh. */
export async function writeVerified(
  fs: SaveFs,
  path: string,
  options: Omit<ExportOptions, 'sink' | 'dataset' | 'schema' | 'query'> & { now?: () => Date },
  dataset: DatasetSummary,
  schema: DatasetSchema,
  query: DatasetQuery,
): Promise<SaveDatasetResult> {
  const sidecarPath = sidecarPathFor(path);
  const data = await AtomicFile.open(fs, path);
  let sidecarFile: AtomicFile | undefined;
  try {
    const result = await exportDataset({ ...options, dataset, schema, query, sink: data });
    await data.close();
    const sidecar = buildSidecar({
      portal: options.portal as Portal,
      dataset,
      schema,
      query,
      format: options.format,
      dataFile: fs.path.basename(path),
      rows: result.rows,
      sha256: result.sha256,
      bytes: result.bytes,
      retrievedAt: (options.now ?? (() => new Date()))(),
    });
    sidecarFile = await AtomicFile.open(fs, sidecarPath);
    await sidecarFile.write(serializeSidecar(sidecar));
    await sidecarFile.close();
    if (options.signal?.aborted) throw new SaveError('cancelled', 'The save was cancelled; nothing was written.');
    // Data first: a sidecar never describes a file that is not there. Two renames are not
    // one atomic step; if the second fails, the data is new and the sidecar old (or absent),
    // which refresh notices by the sha256 and the next save or refresh rewrites.
    await data.commit();
    try {
      await sidecarFile.commit();
    } catch (error) {
      throw new SaveError(
        'sidecarStale',
        `${fs.path.basename(path)} was saved, but its provenance file ${fs.path.basename(sidecarPath)} could not be updated (${(error as Error)?.message ?? String(error)})`,
      );
    }
    return { ...result, path, sidecarPath, sidecar };
  } catch (error) {
    await data.abort();
    await sidecarFile?.abort();
    throw error;
  }
}
