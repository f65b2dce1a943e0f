// The catalogs of every configured portal: shown from the on-disk cache at once, then
// refreshed in the background, each portal on its own so one failing portal hides none
// of the others. No `vscode` import: storage comes in through CacheStorage.

import { isPortalError, type PortalErrorKind } from '../portal/errors';
import type { DatasetSummary, ListingNotes, Portal, PortalConfig } from '../portal/types';

export interface CacheStorage {
  read(): Promise<Uint8Array | undefined>;
  write(data: Uint8Array): Promise<void>;
}

export interface PortalState {
  config: PortalConfig;
  datasets: DatasetSummary[];
  /** When the datasets were fetched (epoch ms); undefined when never loaded. */
  fetchedAt?: number;
  loading: boolean;
  /** Why the last refresh failed; the datasets shown are then the cached ones. */
  error?: { kind: PortalErrorKind | 'unknown'; message: string; retryAfterSeconds?: number };
  /** True while the datasets come from the cache and no refresh has succeeded yet. */
  fromCache: boolean;
  /** What the last successful listing left out, and parts of it that could not be read. */
  notes?: ListingNotes;
}

/** Field names by dataset key, filled in the background so search can match them. */
export type FieldIndex = Map<string, string[]>;

/** Longest layer description the background field index reads. Real layers' answers are
 * tens of kilobytes and a 5,000-field layer's under 1 MB; a description of tens of megabytes
 * would cost every session its download and a long parse on the extension host. */
export const INDEX_MAX_SCHEMA_BYTES = 4 * 1024 * 1024;

const CACHE_FORMAT = 'okc-open-data/catalog-cache';
const CACHE_VERSION = 1;

interface CacheFile {
  format: typeof CACHE_FORMAT;
  version: number;
  portals: { name: string; kind: string; url: string; fetchedAt: number; datasets: DatasetSummary[] }[];
  fields: Record<string, string[]>;
}

export function datasetKey(dataset: Pick<DatasetSummary, 'portal' | 'id'>): string {
  return `${dataset.portal}\u0000${dataset.id}`;
}

export class CatalogStore {
  private readonly state = new Map<string, PortalState>();
  private readonly listeners = new Set<() => void>();
  /** The latest refresh of each portal: an older one that ends later (a settings change and a
   * Refresh click overlap) must not put back what it saw before the newer one asked. */
  private readonly latestRefresh = new Map<string, number>();
  readonly fields: FieldIndex = new Map();
  /** Set when the cache file could not be read and was replaced. */
  cacheProblem?: string;

  constructor(
    private portals: Portal[],
    private readonly storage: CacheStorage,
    private readonly now: () => number = Date.now,
  ) {
    for (const p of portals) this.state.set(p.config.name, { config: p.config, datasets: [], loading: false, fromCache: false });
  }

  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Replaces the portal list (settings changed); keeps what is known of unchanged portals. */
  setPortals(portals: Portal[]): void {
    const old = this.state;
    this.portals = portals;
    const next = new Map<string, PortalState>();
    for (const p of portals) {
      const previous = old.get(p.config.name);
      const same = previous && previous.config.url === p.config.url && previous.config.kind === p.config.kind;
      next.set(p.config.name, same ? { ...previous, config: p.config } : { config: p.config, datasets: [], loading: false, fromCache: false });
    }
    old.clear();
    for (const [k, v] of next) old.set(k, v);
    this.changed();
  }

  portal(name: string): Portal | undefined {
    return this.portals.find((p) => p.config.name === name);
  }

  states(): PortalState[] {
    return this.portals.map((p) => this.state.get(p.config.name)!);
  }

  /** Every portal failed and none has a cached catalog to show: the view's welcome state. */
  allFailed(): boolean {
    const states = this.states();
    return states.length > 0 && states.every((s) => !s.datasets.length && s.error && !s.loading);
  }

  allDatasets(): DatasetSummary[] {
    return this.states().flatMap((s) => s.datasets);
  }

  find(portal: string, id: string): DatasetSummary | undefined {
    return this.state.get(portal)?.datasets.find((d) => d.id === id);
  }

  /** The dataset once the catalog lists it (a panel restored at start-up may ask before the
   * cache has loaded); undefined after `timeoutMs` or when loading ends without it. */
  waitFor(portal: string, id: string, timeoutMs = 10_000): Promise<DatasetSummary | undefined> {
    const found = this.find(portal, id);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const done = (value: DatasetSummary | undefined): void => {
        clearTimeout(timer);
        unsubscribe();
        resolve(value);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const unsubscribe = this.onDidChange(() => {
        const dataset = this.find(portal, id);
        const state = this.state.get(portal);
        if (dataset) done(dataset);
        else if (state && !state.loading && state.fetchedAt !== undefined && !state.fromCache) done(undefined);
      });
    });
  }

  /** Fills the portals from the cache file. A corrupt or foreign file is ignored (and later overwritten). */
  async loadCache(): Promise<boolean> {
    let parsed: CacheFile;
    try {
      const bytes = await this.storage.read();
      if (!bytes) return false;
      parsed = JSON.parse(new TextDecoder().decode(bytes)) as CacheFile;
      if (parsed?.format !== CACHE_FORMAT || parsed.version !== CACHE_VERSION || !Array.isArray(parsed.portals)) throw new Error('not a catalog cache of this version');
    } catch (error) {
      this.cacheProblem = (error as Error).message;
      return false;
    }
    let used = false;
    for (const entry of parsed.portals) {
      const s = this.state.get(entry?.name);
      if (!s || s.config.url !== entry.url || s.config.kind !== entry.kind || !Array.isArray(entry.datasets) || s.fetchedAt !== undefined) continue;
      const datasets = entry.datasets.filter(isDatasetSummary).map((d) => ({ ...d, portal: s.config.name }));
      this.state.set(s.config.name, { ...s, datasets, fetchedAt: Number(entry.fetchedAt) || undefined, fromCache: true });
      used = true;
    }
    if (parsed.fields && typeof parsed.fields === 'object') {
      for (const [key, names] of Object.entries(parsed.fields)) if (Array.isArray(names)) this.fields.set(key, names.map(String));
    }
    if (used) this.changed();
    return used;
  }

  /** Fetches the catalogs (all portals or the named ones) concurrently; never throws. */
  async refresh(names?: string[], signal?: AbortSignal): Promise<void> {
    const targets = this.portals.filter((p) => !names || names.includes(p.config.name));
    const mine = new Map<string, number>();
    for (const p of targets) {
      const name = p.config.name;
      mine.set(name, (this.latestRefresh.get(name) ?? 0) + 1);
      this.latestRefresh.set(name, mine.get(name)!);
      this.update(name, { loading: true });
    }
    await Promise.all(
      targets.map(async (portal) => {
        const name = portal.config.name;
        try {
          const datasets = await portal.listDatasets(signal);
          if (this.latestRefresh.get(name) !== mine.get(name)) return;
          this.update(name, { datasets, fetchedAt: this.now(), loading: false, error: undefined, fromCache: false, notes: portal.listingNotes });
        } catch (error) {
          if (this.latestRefresh.get(name) !== mine.get(name)) return;
          this.update(name, {
            loading: false,
            error: isPortalError(error)
              ? { kind: error.kind, message: error.message, retryAfterSeconds: error.details.retryAfterSeconds }
              : { kind: 'unknown', message: (error as Error)?.message ?? String(error) },
          });
        }
      }),
    );
    await this.saveCache();
  }

  /** Loads field names for search, a few datasets at a time, skipping those already known. */
  async indexFields(concurrency = 2, signal?: AbortSignal): Promise<void> {
    const todo = this.allDatasets().filter((d) => !this.fields.has(datasetKey(d)) && d.apiUrl);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < todo.length && !signal?.aborted) {
        const dataset = todo[next++];
        const portal = this.portal(dataset.portal);
        if (!portal) continue;
        try {
          const schema = await portal.getSchema(dataset, signal, { maxBytes: INDEX_MAX_SCHEMA_BYTES });
          this.fields.set(datasetKey(dataset), schema.fields.map((f) => f.name));
        } catch {
          // A dataset whose schema cannot be read, or is too big to read in the background,
          // is still searchable by its metadata.
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await this.saveCache();
  }

  private update(name: string, patch: Partial<PortalState>): void {
    const s = this.state.get(name);
    if (!s) return;
    this.state.set(name, { ...s, ...patch });
    this.changed();
  }

  private async saveCache(): Promise<void> {
    const file: CacheFile = {
      format: CACHE_FORMAT,
      version: CACHE_VERSION,
      portals: this.states()
        .filter((s) => s.fetchedAt !== undefined)
        .map((s) => ({ name: s.config.name, kind: s.config.kind, url: s.config.url, fetchedAt: s.fetchedAt!, datasets: s.datasets })),
      fields: Object.fromEntries(this.fields),
    };
    try {
      await this.storage.write(new TextEncoder().encode(JSON.stringify(file)));
      this.cacheProblem = undefined;
    } catch (error) {
      this.cacheProblem = `could not write the catalog cache: ${(error as Error).message}`;
    }
  }
}

function isDatasetSummary(value: unknown): value is DatasetSummary {
  const d = value as DatasetSummary;
  return !!d && typeof d.id === 'string' && typeof d.title === 'string' && Array.isArray(d.groups) && Array.isArray(d.downloads) && Array.isArray(d.keywords);
}

/** Log lines that say which catalog entries were left out and why, so a missing item is explained. */
export function listingNoteLines(state: PortalState): string[] {
  const notes = state.notes;
  if (!notes) return [];
  const lines = notes.groupsUnavailable ? [`${state.config.name}: groups unavailable: ${notes.groupsUnavailable}`] : [];
  for (const item of notes.leftOut) {
    const why =
      item.reason === 'serviceItem' ? 'a whole FeatureServer; its layers are listed one by one'
      : item.reason === 'notFeatureService' ? `a ${item.serviceType ?? 'map or image service'}, not a feature layer: nothing to preview or save`
      : item.reason === 'noData' ? 'an app or web page, with no layer and no CSV or JSON file'
      : 'no title or identifier';
    lines.push(`${state.config.name}: left out "${item.title}": ${why}${item.url ? ` (${item.url})` : ''}`);
  }
  return lines;
}

/** "3 minutes", "2 hours", "5 days": how old a cached catalog is. */
export function describeAge(ms: number): { value: number; unit: 'second' | 'minute' | 'hour' | 'day' } {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return { value: s, unit: 'second' };
  if (s < 3600) return { value: Math.round(s / 60), unit: 'minute' };
  if (s < 86400) return { value: Math.round(s / 3600), unit: 'hour' };
  return { value: Math.round(s / 86400), unit: 'day' };
}
