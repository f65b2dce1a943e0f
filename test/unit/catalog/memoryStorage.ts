// The catalog cache kept in memory, for tests and benches that need a CatalogStore without a disk.

import type { CacheStorage } from '../../../src/catalog/store';

export class MemoryStorage implements CacheStorage {
  constructor(public bytes?: Uint8Array) {}
  async read(): Promise<Uint8Array | undefined> {
    return this.bytes;
  }
  async write(data: Uint8Array): Promise<void> {
    this.bytes = data;
  }
}
