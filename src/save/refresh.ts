// Refresh a saved dataset: re-run the query recorded in its sidecar, rewrite the file
// atomically and report rows added, removed and changed. The old file is streamed into a
// compact index of object id -> 52-bit row hash (16 bytes a row); the new rows are compared
// as they are written, so neither dataset is ever held whole.

import type { DatasetSchema, DatasetSummary } from '../portal/types';
import { createHash } from 'node:crypto';
import { exportDataset, SaveError, type ExportOptions } from './export';
import { datasetFromSidecar, parseSidecar, sidecarPathFor, type ProvenanceSidecar } from './provenance';
import { readSavedRecords } from './readBack';
import { writeVerified, type SaveDatasetResult } from './save';
import type { SaveFs } from './saveFs';
import { planColumns } from './values';

/** A 52-bit hash of a record's canonical text (two 32-bit FNV-1a variants). Collisions only
 * matter between two versions of the same id: about 1 in 4.5e15. */
export function rowHash(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
}

export interface RefreshDiff {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  /** The field rows were matched by; undefined when the file has no object id column and
   * rows were matched by content (then nothing counts as "changed", only added/removed). */
  keyedBy?: string;
}

export interface RefreshOptions extends Omit<ExportOptions, 'sink' | 'dataset' | 'schema' | 'query' | 'format'> {
  fs: SaveFs;
  /** The saved data file; its sidecar is `<dataPath>.okc.json`. */
  dataPath: string;
  /** The catalog's entry when at hand; otherwise rebuilt from the sidecar. */
  dataset?: DatasetSummary;
  /** Current schema; fetched from the portal when absent. */
  schema?: DatasetSchema;
  /** False: compute the diff only and leave the files as they are. Default true. */
  apply?: boolean;
  now?: () => Date;
}

export interface RefreshResult extends RefreshDiff {
  rows: number;
  previousRows: number;
  previous: ProvenanceSidecar;
  /** The saved file no longer matches the sha256 its sidecar recorded (edited by hand). */
  editedSinceSave: boolean;
  /** The columns differ from the previous save's, so most rows may show as changed. */
  columnsChanged: boolean;
  applied: boolean;
  saved?: SaveDatasetResult;
}

/**
 * id -> row hash of the previous file in 16 bytes a row: numeric ids (the object id field
 * nearly always) go into two Float64Arrays, sorted once and binary-searched; a Map takes
 * over only if an id is not a number. A Map of a million entries took about 45 MB.
 */
export class IdHashIndex {
  private ids = new Float64Array(1024);
  private hashes = new Float64Array(1024);
  private size = 0;
  private sorted = true;
  private seen?: Uint8Array;
  private map?: Map<string | number, number>;

  add(id: string | number, hash: number): void {
    if (this.map) {
      this.map.set(id, hash);
      return;
    }
    if (typeof id !== 'number') {
      this.map = new Map();
      for (let i = 0; i < this.size; i++) this.map.set(this.ids[i], this.hashes[i]);
      this.map.set(id, hash);
      return;
    }
    if (this.size === this.ids.length) {
      const ids = new Float64Array(this.size * 2);
      ids.set(this.ids);
      const hashes = new Float64Array(this.size * 2);
      hashes.set(this.hashes);
      this.ids = ids;
      this.hashes = hashes;
    }
    if (this.size && id < this.ids[this.size - 1]) this.sorted = false;
    this.ids[this.size] = id;
    this.hashes[this.size] = hash;
    this.size++;
  }

  /** Call once after the last add. */
  seal(): void {
    if (this.map) return;
    if (!this.sorted) {
      const order = Uint32Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.ids[a] - this.ids[b]);
      this.ids = Float64Array.from(order, (i) => this.ids[i]);
      this.hashes = Float64Array.from(order, (i) => this.hashes[i]);
    } else {
      this.ids = this.ids.subarray(0, this.size);
      this.hashes = this.hashes.subarray(0, this.size);
    }
    this.seen = new Uint8Array(this.size);
  }

  /** The previous hash of `id` the first time it is taken; undefined if new or taken already. */
  take(id: string | number): number | undefined {
    if (this.map) {
      const hash = this.map.get(id);
      this.map.delete(id);
      return hash;
    }
    if (typeof id !== 'number') return undefined;
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.ids[mid];
      if (at < id) lo = mid + 1;
      else if (at > id) hi = mid - 1;
      else {
        // Duplicate ids in the old file: take the first one not taken yet.
        let i = mid;
        while (i > 0 && this.ids[i - 1] === id) i--;
        while (i < this.size && this.ids[i] === id && this.seen![i]) i++;
        if (i === this.size || this.ids[i] !== id) return undefined;
        this.seen![i] = 1;
        return this.hashes[i];
      }
    }
    return undefined;
  }

  /** Entries never taken: rows that are gone. */
  remaining(): number {
    if (this.map) return this.map.size;
    let left = 0;
    for (let i = 0; i < this.size; i++) left += this.seen![i] ? 0 : 1;
    return left;
  }
}

/** Tracks the diff between the previous file's records and the new ones. */
class DiffIndex {
  private readonly byId = new IdHashIndex();
  private readonly byContent = new Map<number, number>();
  previousRows = 0;
  readonly diff: RefreshDiff;

  constructor(keyedBy: string | undefined) {
    this.diff = { added: 0, removed: 0, changed: 0, unchanged: 0, keyedBy };
  }

  remember(id: string | number | undefined, canonical: string): void {
    this.previousRows++;
    const hash = rowHash(canonical);
    if (this.diff.keyedBy && id !== undefined) this.byId.add(id, hash);
    else this.byContent.set(hash, (this.byContent.get(hash) ?? 0) + 1);
  }

  /** Between the previous file and the new rows. */
  seal(): void {
    this.byId.seal();
  }

  compare(id: string | number | undefined, canonical: string): void {
    const hash = rowHash(canonical);
    if (this.diff.keyedBy && id !== undefined) {
      const before = this.byId.take(id);
      if (before === undefined) this.diff.added++;
      else if (before === hash) this.diff.unchanged++;
      else this.diff.changed++;
      return;
    }
    const count = this.byContent.get(hash) ?? 0;
    if (count > 0) {
      this.diff.unchanged++;
      if (count === 1) this.byContent.delete(hash);
      else this.byContent.set(hash, count - 1);
    } else this.diff.added++;
  }

  finish(): RefreshDiff {
    let removed = this.byId.remaining();
    for (const count of this.byContent.values()) removed += count;
    this.diff.removed = removed;
    return this.diff;
  }
}

export async function refreshSavedDataset(options: RefreshOptions): Promise<RefreshResult> {
  const { fs, dataPath, portal } = options;
  const sidecarBytes = await fs.readFile(sidecarPathFor(dataPath));
  if (!sidecarBytes) throw new SaveError('badSidecar', `${fs.path.basename(dataPath)} has no provenance file, so it cannot be refreshed.`);
  const previous = parseSidecar(sidecarBytes);
  if (previous.portal.kind !== portal.config.kind) {
    throw new SaveError('badSidecar', `${fs.path.basename(dataPath)} came from a ${previous.portal.kind} portal, not ${portal.config.name}.`);
  }
  const dataset = options.dataset ?? datasetFromSidecar(previous);
  const schema = options.schema ?? (await portal.getSchema(dataset, options.signal));
  const format = previous.format;
  const query = previous.query;

  const oldPlan = planColumns(format, { ...previous.schema }, query);
  const newPlan = planColumns(format, schema, query);
  const columnsChanged = JSON.stringify(oldPlan.columns.map((c) => c.name)) !== JSON.stringify(newPlan.columns.map((c) => c.name));
  // Rows are matched by object id only when both the old file and the new one carry it.
  const carriesId = (plan: typeof newPlan) => !!plan.objectIdField && plan.columns.some((c) => c.name === plan.objectIdField);
  const idField = carriesId(oldPlan) && carriesId(newPlan) && oldPlan.objectIdField === newPlan.objectIdField ? newPlan.objectIdField : undefined;
  const index = new DiffIndex(idField);

  // The old file is hashed as it is read, to tell whether it was edited since the save.
  const sha = createHash('sha256');
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of fs.readChunks(dataPath)) {
      sha.update(chunk);
      yield chunk;
    }
  }
  await readSavedRecords(format, hashed(), idField, (id, canonical) => index.remember(id, canonical));
  index.seal();
  const editedSinceSave = sha.digest('hex') !== previous.sha256;
  if (options.signal?.aborted) throw new SaveError('cancelled', 'The refresh was cancelled; the saved file is unchanged.');

  const apply = options.apply !== false;
  const onRecord = (id: string | number | undefined, canonical: string) => index.compare(id, canonical);
  let saved: SaveDatasetResult | undefined;
  let rows: number;
  if (apply) {
    saved = await writeVerified(fs, dataPath, { ...options, format, onRecord }, dataset, schema, query);
    rows = saved.rows;
  } else {
    // Dry run: the same export, its bytes dropped.
    const discard = { write: async () => undefined };
    rows = (await exportDataset({ ...options, dataset, schema, query, format, onRecord, sink: discard })).rows;
  }
  return {
    ...index.finish(),
    rows,
    previousRows: index.previousRows,
    previous,
    editedSinceSave,
    columnsChanged,
    applied: apply,
    saved,
  };
}
