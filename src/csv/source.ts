// The minimal random-access file abstraction the CSV engine reads through, so the same code
// runs on node:fs today and on a vscode.workspace.fs-backed reader in the extension host.

import { open, type FileHandle } from 'node:fs/promises';

export interface RandomAccessSource {
  size(): Promise<number>;
  /** Up to `length` bytes from `offset`; shorter only at the end of the file. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Optional: reads up to `target.length` bytes from `offset` into `target` (no copy); resolves with how many. */
  readInto?(offset: number, target: Uint8Array): Promise<number>;
}

/** A source over a local file. The file handle opens lazily; call `close()` when done. */
export function nodeFileSource(path: string): RandomAccessSource & { close(): Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  let opened: FileHandle | undefined;
  const file = () => {
    if (!handle) {
      const opening: Promise<FileHandle> = open(path, 'r').then((fh) => {
        if (handle === opening) opened = fh; // not when closed meanwhile
        return fh;
      });
      handle = opening;
    }
    return handle;
  };
  const readAllInto = async (fh: FileHandle, offset: number, target: Uint8Array): Promise<number> => {
    let filled = 0;
    while (filled < target.length) {
      const { bytesRead } = await fh.read(target, filled, target.length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled;
  };
  // Once the file is open the read is issued before this returns, not on a later tick, so a
  // read started before a long synchronous scan runs beside it (the row index's double buffer).
  const readInto = (offset: number, target: Uint8Array): Promise<number> =>
    opened ? readAllInto(opened, offset, target) : file().then((fh) => readAllInto(fh, offset, target));
  return {
    async size() {
      return (await (await file()).stat()).size;
    },
    async read(offset, length) {
      // A fresh, unpooled buffer: the scanner may view it as Uint16Array, which needs alignment.
      const bytes = new Uint8Array(length);
      const filled = await readInto(offset, bytes);
      return filled === length ? bytes : bytes.subarray(0, filled);
    },
    readInto,
    async close() {
      if (!handle) return;
      const pending = handle;
      handle = undefined;
      opened = undefined;
      await (await pending).close();
    },
  };
}

/** A source over bytes already in memory: tests, and files small enough to read whole. */
export function memorySource(data: Uint8Array | string): RandomAccessSource {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    size: async () => bytes.length,
    read: async (offset, length) => bytes.slice(offset, Math.min(bytes.length, offset + length)),
    readInto: async (offset, target) => {
      const part = bytes.subarray(Math.min(bytes.length, offset), Math.min(bytes.length, offset + target.length));
      target.set(part);
      return part.length;
    },
  };
}
