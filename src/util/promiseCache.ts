// Shares one in-flight or settled promise per key, and forgets a key whose promise failed
// so the next caller tries again. No `vscode` import.

export class PromiseCache<K, V> {
  private readonly entries = new Map<K, Promise<V>>();

  get(key: K, load: () => Promise<V>): Promise<V> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = load();
      this.entries.set(key, entry);
      const settled = entry;
      settled.catch(() => {
        if (this.entries.get(key) === settled) this.entries.delete(key);
      });
    }
    return entry;
  }

  /** The promise shared for `key`, in flight or settled, without starting a load. */
  peek(key: K): Promise<V> | undefined {
    return this.entries.get(key);
  }

  /** Shares `value` for `key` unless a promise is shared already. */
  offer(key: K, value: V): void {
    if (!this.entries.has(key)) this.entries.set(key, Promise.resolve(value));
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
