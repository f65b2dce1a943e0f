// SaveFs implementations without the editor: node:fs for `file:` workspaces (and tests),
// and a spooling one over any whole-file API such as vscode.workspace.fs (see saveFs.ts).

import { promises as fsp, createReadStream } from 'node:fs';
import * as nodePath from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { SaveFileWriter, SaveFs, SavePathApi } from './saveFs';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}

class NodeFileWriter implements SaveFileWriter {
  private closed = false;
  constructor(private readonly handle: fsp.FileHandle) {}

  async write(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.byteLength) {
      const { bytesWritten } = await this.handle.write(chunk, offset, chunk.byteLength - offset);
      offset += bytesWritten;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Data reaches the disk before the rename that publishes it, so a crash cannot leave
    // a complete-looking but empty target.
    await this.handle.datasync();
    this.closed = true;
    await this.handle.close();
  }

  async discard(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

export class NodeSaveFs implements SaveFs {
  readonly path: SavePathApi = nodePath;

  async create(path: string): Promise<SaveFileWriter> {
    return new NodeFileWriter(await fsp.open(path, 'wx'));
  }

  async rename(from: string, to: string): Promise<void> {
    await fsp.rename(from, to);
  }

  async delete(path: string): Promise<void> {
    try {
      await fsp.unlink(path);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await fsp.stat(path);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async readFile(path: string): Promise<Uint8Array | undefined> {
    try {
      return await fsp.readFile(path);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async *readChunks(path: string): AsyncIterable<Uint8Array> {
    yield* createReadStream(path, { highWaterMark: 256 * 1024 });
  }
}

/** The subset of `vscode.workspace.fs` the spooling adapter needs, on string paths. */
export interface WholeFileFs {
  readonly path: SavePathApi;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /** Undefined when missing. */
  stat(path: string): Promise<{ size: number } | undefined>;
  rename(from: string, to: string, options: { overwrite: boolean }): Promise<void>;
  delete(path: string): Promise<void>;
}

class SpoolWriter implements SaveFileWriter {
  private finished = false;
  private constructor(
    private readonly target: WholeFileFs,
    private readonly targetPath: string,
    private readonly spoolPath: string,
    private readonly spool: NodeFileWriter,
  ) {}

  static async open(target: WholeFileFs, targetPath: string, spoolDir: string): Promise<SpoolWriter> {
    const spoolPath = nodePath.join(spoolDir, `okc-save-${randomBytes(6).toString('hex')}.spool`);
    const handle = await fsp.open(spoolPath, 'wx', 0o600);
    return new SpoolWriter(target, targetPath, spoolPath, new NodeFileWriter(handle));
  }

  write(chunk: Uint8Array): Promise<void> {
    return this.spool.write(chunk);
  }

  async close(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    try {
      await this.spool.close();
      await this.target.writeFile(this.targetPath, await fsp.readFile(this.spoolPath));
    } finally {
      await fsp.unlink(this.spoolPath).catch(() => undefined);
    }
  }

  async discard(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.spool.discard().catch(() => undefined);
    await fsp.unlink(this.spoolPath).catch(() => undefined);
  }
}

/** SaveFs over a whole-file API; see saveFs.ts for why. `spoolDir` must be local disk. */
export class SpoolingSaveFs implements SaveFs {
  readonly path: SavePathApi;

  constructor(private readonly target: WholeFileFs, private readonly spoolDir: string = tmpdir()) {
    this.path = target.path;
  }

  async create(path: string): Promise<SaveFileWriter> {
    if (await this.target.stat(path)) throw new Error(`${path} already exists`);
    return SpoolWriter.open(this.target, path, this.spoolDir);
  }

  rename(from: string, to: string): Promise<void> {
    return this.target.rename(from, to, { overwrite: true });
  }

  async delete(path: string): Promise<void> {
    if (await this.target.stat(path)) await this.target.delete(path);
  }

  async exists(path: string): Promise<boolean> {
    return (await this.target.stat(path)) !== undefined;
  }

  async readFile(path: string): Promise<Uint8Array | undefined> {
    if (!(await this.target.stat(path))) return undefined;
    return this.target.readFile(path);
  }

  async *readChunks(path: string): AsyncIterable<Uint8Array> {
    // A whole-file API can only give the file whole; it is released as soon as it is read.
    yield await this.target.readFile(path);
  }
}
