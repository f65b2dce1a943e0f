// Favorites and recently used datasets, kept in the extension's global state. No `vscode`
// import: anything with Memento's get/update works.

import type { DatasetSummary } from '../portal/types';

export interface DatasetRef {
  portal: string;
  id: string;
  /** Shown when the catalog has not loaded (yet) or no longer lists the dataset. */
  title: string;
}

export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const FAVORITES_KEY = 'okcOpenData.favorites';
const RECENT_KEY = 'okcOpenData.recent';
const RECENT_LIMIT = 10;

export class DatasetLists {
  private readonly listeners = new Set<() => void>();
  constructor(private readonly state: StateStore) {}

  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  favorites(): DatasetRef[] {
    return this.read(FAVORITES_KEY);
  }

  recent(): DatasetRef[] {
    return this.read(RECENT_KEY);
  }

  isFavorite(d: Pick<DatasetSummary, 'portal' | 'id'>): boolean {
    return this.favorites().some((f) => same(f, d));
  }

  async addFavorite(d: DatasetSummary): Promise<void> {
    if (this.isFavorite(d)) return;
    await this.write(FAVORITES_KEY, [...this.favorites(), ref(d)]);
  }

  async removeFavorite(d: Pick<DatasetSummary, 'portal' | 'id'>): Promise<void> {
    await this.write(FAVORITES_KEY, this.favorites().filter((f) => !same(f, d)));
  }

  async clearRecent(): Promise<void> {
    await this.write(RECENT_KEY, []);
  }

  /** Moves the dataset to the top of the recently used list. */
  async touch(d: DatasetSummary): Promise<void> {
    await this.write(RECENT_KEY, [ref(d), ...this.recent().filter((r) => !same(r, d))].slice(0, RECENT_LIMIT));
  }

  private read(key: string): DatasetRef[] {
    const value = this.state.get<unknown>(key);
    if (!Array.isArray(value)) return [];
    return value.filter((r): r is DatasetRef => !!r && typeof r.portal === 'string' && typeof r.id === 'string' && typeof r.title === 'string');
  }

  private async write(key: string, refs: DatasetRef[]): Promise<void> {
    await this.state.update(key, refs);
    for (const listener of this.listeners) listener();
  }
}

function ref(d: DatasetSummary): DatasetRef {
  return { portal: d.portal, id: d.id, title: d.title };
}

function same(a: Pick<DatasetRef, 'portal' | 'id'>, b: Pick<DatasetRef, 'portal' | 'id'>): boolean {
  return a.portal === b.portal && a.id === b.id;
}
