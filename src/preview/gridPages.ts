// The host's window onto a remote dataset: rows fetched a page at a time (never past the
// service's maxRecordCount), kept in a bounded LRU, shared between overlapping windows, and
// cancelled when every window that wanted a page has moved on. No `vscode` import.

import type { GridCell } from '../protocol';

/** Fetches `count` rows from `first`; may return fewer at the end of the data. */
export type FetchRows = (first: number, count: number, signal: AbortSignal) => Promise<GridCell[][]>;

interface InFlight {
  promise: Promise<GridCell[][]>;
  controller: AbortController;
  waiters: number;
}

export class PageCache {
  private readonly pages = new Map<number, GridCell[][]>();
  private readonly inFlight = new Map<number, InFlight>();
  /** Pages fetched from the portal, for tests and the output log. */
  fetches = 0;

  constructor(
    private readonly fetchRows: FetchRows,
    readonly pageSize: number,
    readonly maxPages = 64,
  ) {
    if (!(pageSize >= 1)) throw new Error('pageSize must be at least 1');
  }

  get cachedPages(): number {
    return this.pages.size;
  }

  /** Rows `[first, first + count)`, fewer when the data ends first. Rejects when `signal` aborts. */
  async window(first: number, count: number, signal?: AbortSignal): Promise<GridCell[][]> {
    if (count <= 0) return [];
    const firstPage = Math.floor(first / this.pageSize);
    const lastPage = Math.floor((first + count - 1) / this.pageSize);
    const pages = await Promise.all(range(firstPage, lastPage).map((p) => this.page(p, signal)));
    const rows: GridCell[][] = [];
    for (let p = firstPage; p <= lastPage; p++) {
      const page = pages[p - firstPage];
      const from = p === firstPage ? first - p * this.pageSize : 0;
      const to = p === lastPage ? first + count - p * this.pageSize : this.pageSize;
      rows.push(...page.slice(from, to));
      if (page.length < this.pageSize) break;
    }
    return rows;
  }

  /** Drops everything (a new query); fetches in flight are cancelled. */
  clear(): void {
    for (const f of this.inFlight.values()) f.controller.abort();
    this.inFlight.clear();
    this.pages.clear();
  }

  private page(index: number, signal?: AbortSignal): Promise<GridCell[][]> {
    signal?.throwIfAborted();
    const cached = this.pages.get(index);
    if (cached) {
      // Touch: most recently used pages are the last to go.
      this.pages.delete(index);
      this.pages.set(index, cached);
      return Promise.resolve(cached);
    }
    let flight = this.inFlight.get(index);
    if (!flight) {
      const controller = new AbortController();
      this.fetches++;
      const promise = this.fetchRows(index * this.pageSize, this.pageSize, controller.signal).then((rows) => {
        if (this.inFlight.get(index) === created) {
          this.inFlight.delete(index);
          this.pages.set(index, rows);
          while (this.pages.size > this.maxPages) this.pages.delete(this.pages.keys().next().value as number);
        }
        return rows;
      });
      const created: InFlight = { promise, controller, waiters: 0 };
      promise.catch(() => {
        if (this.inFlight.get(index) === created) this.inFlight.delete(index);
      });
      this.inFlight.set(index, created);
      flight = created;
    }
    const current = flight;
    current.waiters++;
    if (!signal) return current.promise;
    return new Promise<GridCell[][]>((resolve, reject) => {
      const onAbort = (): void => {
        current.waiters--;
        // Nobody wants this page any more: stop the request instead of paying for it.
        if (current.waiters <= 0 && this.inFlight.get(index) === current) {
          this.inFlight.delete(index);
          current.controller.abort();
        }
        reject(signal.reason ?? new Error('cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      current.promise.then(
        (rows) => {
          signal.removeEventListener('abort', onAbort);
          current.waiters--;
          resolve(rows);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          current.waiters--;
          reject(error);
        },
      );
    });
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

/** Page size for a service: its own cap, but small enough that the first screen comes fast. */
export function pageSizeFor(maxRecordCount: number | undefined, preferred = 200): number {
  return Math.max(1, Math.min(preferred, maxRecordCount && maxRecordCount > 0 ? maxRecordCount : preferred));
}

/** Most values one answer of the portal should hold: the host parses a page and builds its
 * rows in one go, and a page of 200 rows of a 5,000-column layer (a million values) stalls
 * the extension host for hundreds of milliseconds. */
export const PAGE_CELLS = 25_000;

/** `preferred` rows, or fewer when `columns` values a row would pass PAGE_CELLS (at least one). */
export function rowsForWidth(columns: number, preferred: number): number {
  return Math.max(1, Math.min(preferred, Math.floor(PAGE_CELLS / Math.max(1, columns))));
}
