// The file system the save engine writes through, and the atomic temp-then-rename file on
// top of it. No `vscode` import: the extension supplies an adapter.
//
// Why this shape. `vscode.workspace.fs` has readFile/writeFile/stat/rename/delete and no
// append or streams, so a streaming save cannot go through it chunk by chunk. The engine
// therefore only needs "create a file, write its bytes in order, close it", plus rename,
// delete and reads, and two implementations cover every workspace:
//  - `file:` workspaces (local, and Remote-SSH/WSL/containers, where the extension host runs
//    beside the files): `NodeSaveFs` on `uri.fsPath`, true streaming, memory flat.
//  - any other scheme (virtual file systems): `SpoolingSaveFs` over a whole-file API such as
//    `vscode.workspace.fs`. Chunks stream to a local spool file (node:fs, os.tmpdir()) so
//    memory stays flat while downloading; on close the spool is read once and handed to
//    `writeFile` as the temp file beside the target, then renamed. Peak memory is one copy
//    of the finished file, once, at the end. The alternative, rewriting the growing temp
//    file with writeFile on every page, would cost O(n^2) transfer; keeping every chunk in
//    memory would hold the whole download.
// Paths are strings in the adapter's own syntax; `path` says how to take them apart
// (node:path for native paths, path.posix for URI paths).

import { randomBytes } from 'node:crypto';
import type { PathApi } from './fileName';

export interface SavePathApi extends PathApi {
  dirname(path: string): string;
  basename(path: string): string;
  join(...segments: string[]): string;
}

export interface SaveFileWriter {
  /** Appends bytes; calls are awaited one at a time, in order. The caller may reuse
   * `chunk` once the promise settles, so a writer that keeps bytes must copy them. */
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and closes; after it resolves the file is complete on disk. */
  close(): Promise<void>;
  /** Closes without caring about errors; the caller deletes the file next. */
  discard(): Promise<void>;
}

export interface SaveFs {
  readonly path: SavePathApi;
  /** Creates a new file (failing if it exists) and returns its writer. */
  create(path: string): Promise<SaveFileWriter>;
  /** Moves `from` to `to`, replacing `to` if it exists. */
  rename(from: string, to: string): Promise<void>;
  /** Deletes a file; a missing file is not an error. */
  delete(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** A whole small file (the provenance sidecar); undefined when missing. */
  readFile(path: string): Promise<Uint8Array | undefined>;
  /** A file's bytes in order, for re-reading a saved dataset without holding it. */
  readChunks(path: string): AsyncIterable<Uint8Array>;
}

/** Marker in temp file names; the lead's command may sweep stale ones with it. */
export const TEMP_MARKER = '.okc-tmp-';

export function tempPathFor(fs: SaveFs, target: string): string {
  const dir = fs.path.dirname(target);
  return fs.path.join(dir, `.${fs.path.basename(target)}${TEMP_MARKER}${randomBytes(4).toString('hex')}`);
}

export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.includes(TEMP_MARKER);
}

/**
 * A file written to a temp name beside `target` and renamed over it only by `commit()`.
 * `abort()` (or any failed commit) deletes the temp file and leaves `target` as it was.
 */
export class AtomicFile {
  private done = false;
  private closed = false;

  private constructor(
    private readonly fs: SaveFs,
    readonly target: string,
    readonly tempPath: string,
    private readonly writer: SaveFileWriter,
  ) {}

  static async open(fs: SaveFs, target: string): Promise<AtomicFile> {
    const tempPath = tempPathFor(fs, target);
    const writer = await fs.create(tempPath);
    return new AtomicFile(fs, target, tempPath, writer);
  }

  write(chunk: Uint8Array): Promise<void> {
    if (this.done) return Promise.reject(new Error('AtomicFile: write after commit or abort'));
    return this.writer.write(chunk);
  }

  /** Closes the temp file; call `rename()` after everything else has been verified. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.writer.close();
    this.closed = true;
  }

  /** Moves the finished temp file over the target. */
  async commit(): Promise<void> {
    if (this.done) throw new Error('AtomicFile: already finished');
    try {
      await this.close();
      await this.fs.rename(this.tempPath, this.target);
      this.done = true;
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /** Drops the temp file. Safe to call more than once and after a failed commit. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (!this.closed) await this.writer.discard().catch(() => undefined);
    await this.fs.delete(this.tempPath).catch(() => undefined);
  }
}

/** Writes a small file atomically (the sidecar). */
export async function writeFileAtomic(fs: SaveFs, target: string, bytes: Uint8Array): Promise<void> {
  const file = await AtomicFile.open(fs, target);
  try {
    await file.write(bytes);
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.commit();
}
