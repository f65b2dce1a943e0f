// The export pipeline: count, fetch pages with bounded concurrency, write them strictly in
// order through a streaming encoder, hash what was written and check the row count.
// At most `concurrency` pages are in memory at once, whatever the dataset's size.

import { createHash, type Hash } from 'node:crypto';
import type { DataRow, DatasetSchema, DatasetSummary, Portal, RawRowPage, RowPage } from '../portal/types';
import type { DatasetQuery } from '../query/model';
import { createEncoder, type RecordObserver } from './encoders';
import { planColumns, wantsGeometry, type SaveFormat } from './values';

export type SaveErrorKind =
  /** The user (or the caller's AbortSignal) stopped it. */
  | 'cancelled'
  /** Rows written differ from the portal's count, or the count changed during the download. */
  | 'countMismatch'
  /** The target exists and overwriting was not allowed. */
  | 'exists'
  /** The provenance sidecar is missing or not ours. */
  | 'badSidecar'
  /** The data file was replaced but its sidecar could not be: the old sidecar (or none)
   * is beside the new data. The next save or refresh rewrites both. */
  | 'sidecarStale';

export class SaveError extends Error {
  constructor(readonly kind: SaveErrorKind, message: string) {
    super(message);
    this.name = 'SaveError';
  }
}

export interface ExportProgress {
  rows: number;
  /** Rows the portal said match; the denominator of `percent`. */
  total: number;
  percent: number;
  bytes: number;
}

/** Where encoded bytes go, in order; an AtomicFile is one. As with SaveFileWriter, a chunk
 * may be reused once its write settles: a sink that keeps bytes copies them. */
export interface ExportSink {
  write(chunk: Uint8Array): Promise<void>;
}

export interface ExportOptions {
  portal: Portal;
  dataset: DatasetSummary;
  schema: DatasetSchema;
  query: DatasetQuery;
  format: SaveFormat;
  sink: ExportSink;
  /** Rows asked per request; capped by the layer's maxRecordCount. Default 2000. */
  pageSize?: number;
  /** Pages in flight at once. Default 3: fast, and still polite to the portal. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  /** Sees every record as written (refresh builds its diff from it). */
  onRecord?: RecordObserver;
  escapeFormulae?: boolean;
  /** Count again after the last page and fail if the dataset changed meanwhile. Default true. */
  recount?: boolean;
}

export interface ExportResult {
  rows: number;
  sha256: string;
  bytes: number;
  /** The query as sent to the portal (no offset/limit: the pipeline pages itself). */
  portalQuery: DatasetQuery;
}

const DEFAULT_PAGE_SIZE = 2000;
const DEFAULT_CONCURRENCY = 3;
const WRITE_BATCH_BYTES = 1 << 20;

/** Gathers chunks into writes of about a megabyte (and hashes them on the way out): a write
 * per page cost a file-system call each, which showed in a million-row save's time. */
class WriteBatch {
  private readonly buffer = new Uint8Array(WRITE_BATCH_BYTES);
  private used = 0;

  constructor(private readonly sink: ExportSink, private readonly hash: Hash) {}

  async write(chunk: Uint8Array): Promise<void> {
    if (this.used + chunk.byteLength > this.buffer.length) await this.flush();
    if (chunk.byteLength >= this.buffer.length) {
      this.hash.update(chunk);
      await this.sink.write(chunk);
      return;
    }
    this.buffer.set(chunk, this.used);
    this.used += chunk.byteLength;
  }

  async flush(): Promise<void> {
    if (!this.used) return;
    const chunk = this.buffer.subarray(0, this.used);
    this.hash.update(chunk);
    await this.sink.write(chunk);
    this.used = 0;
  }
}

function cancelled(): SaveError {
  return new SaveError('cancelled', 'The save was cancelled; nothing was written.');
}

/** The query the portal sees: the pipeline applies `offset`/`limit` by paging itself, and
 * geometry is asked for exactly when the file will carry it. */
export function portalQueryFor(format: SaveFormat, query: DatasetQuery, schema: DatasetSchema): DatasetQuery {
  const { offset: _offset, limit: _limit, ...rest } = query;
  return { ...rest, returnGeometry: wantsGeometry(format, query, schema) };
}

export async function exportDataset(options: ExportOptions): Promise<ExportResult> {
  const { portal, dataset, schema, query, format, signal } = options;
  if (signal?.aborted) throw cancelled();
  // Our own controller also stops the pages still in flight when one of them fails.
  const inner = new AbortController();
  const forward = () => inner.abort(signal?.reason);
  signal?.addEventListener('abort', forward, { once: true });
  // A page arrives parsed, or raw when the encoder can read the portal's bytes itself.
  const inFlight = new Map<number, Promise<{ page?: RowPage; raw?: RawRowPage }>>();
  try {
    const portalQuery = portalQueryFor(format, query, schema);
    const plan = planColumns(format, schema, query);
    const encoder = createEncoder(format, plan, { onRecord: options.onRecord, escapeFormulae: options.escapeFormulae });
    const hash = createHash('sha256');
    const batch = new WriteBatch(options.sink, hash);
    let bytes = 0;
    let rows = 0;
    const writeBytes = async (chunk: Uint8Array) => {
      if (!chunk.byteLength) return;
      if (signal?.aborted) throw cancelled();
      bytes += chunk.byteLength;
      await batch.write(chunk);
    };
    const write = (text: string) => writeBytes(Buffer.from(text, 'utf8'));

    const matching = await portal.countRows(dataset, portalQuery, inner.signal);
    const start = Math.max(0, query.offset ?? 0);
    const expected = Math.max(0, Math.min(matching - start, query.limit ?? Number.POSITIVE_INFINITY));
    const pageSize = Math.max(1, Math.min(options.pageSize ?? DEFAULT_PAGE_SIZE, schema.maxRecordCount ?? Number.POSITIVE_INFINITY));
    const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
    const pages = Math.ceil(expected / pageSize);
    const report = () => options.onProgress?.({ rows, total: expected, percent: expected ? Math.min(100, (rows / expected) * 100) : 100, bytes });

    const wanted = (index: number) => Math.min(pageSize, expected - index * pageSize);
    const raw = Boolean(portal.queryPageRaw && (encoder.pageFromEsriJson || encoder.pageFromGeoJson));
    const fetchPage = async (offset: number, count: number) => {
      const rawPage = raw ? await portal.queryPageRaw!(dataset, portalQuery, offset, count, inner.signal) : undefined;
      return rawPage ? { raw: rawPage } : { page: await portal.queryPage(dataset, portalQuery, offset, count, inner.signal) };
    };
    const schedule = (index: number) => {
      const promise = fetchPage(start + index * pageSize, wanted(index));
      // Rejections are handled when the page's turn comes; until then they must not be "unhandled".
      promise.catch(() => undefined);
      inFlight.set(index, promise);
    };

    await write(encoder.start());
    report();
    let next = 0;
    for (let index = 0; index < pages; index++) {
      while (next < pages && next < index + concurrency) schedule(next++);
      const fetched = await inFlight.get(index)!;
      inFlight.delete(index);
      const want = wanted(index);
      if (fetched.raw) {
        // Anything the fast path does not take whole (a short page, an unusual body) is
        // parsed below, with the same errors and the same output.
        const body = fetched.raw.bytes;
        const converted = fetched.raw.format === 'geojson' ? encoder.pageFromGeoJson?.(body, want) : encoder.pageFromEsriJson?.(body);
        if (converted && converted.rows === want) {
          await writeBytes(converted.bytes);
          rows += want;
          report();
          continue;
        }
      }
      const page = fetched.page ?? fetched.raw!.parse();
      let pageRows: DataRow[] = page.rows.length > want ? page.rows.slice(0, want) : page.rows;
      // A portal may cap a page below what we asked (maxRecordCount we did not know of):
      // fetch the rest of this page's window before moving on, so order is kept.
      if (pageRows.length < want && pageRows.length > 0) {
        pageRows = [...pageRows];
        while (pageRows.length < want) {
          const offset = start + index * pageSize + pageRows.length;
          const rest = await portal.queryPage(dataset, portalQuery, offset, want - pageRows.length, inner.signal);
          if (!rest.rows.length) break;
          pageRows.push(...rest.rows.slice(0, want - pageRows.length));
        }
      }
      await write(encoder.page(pageRows));
      rows += pageRows.length;
      report();
      if (pageRows.length < want) break;
    }
    await write(encoder.end());
    await batch.flush();

    if (rows !== expected) {
      throw new SaveError('countMismatch', `The portal counted ${expected} rows but sent ${rows}; the dataset may have changed during the download. Nothing was saved; try again.`);
    }
    if (options.recount !== false) {
      const after = await portal.countRows(dataset, portalQuery, inner.signal);
      if (after !== matching) {
        throw new SaveError('countMismatch', `The dataset changed during the download (${matching} rows before, ${after} after). Nothing was saved; try again.`);
      }
    }
    return { rows, sha256: hash.digest('hex'), bytes, portalQuery };
  } catch (error) {
    inner.abort();
    if (signal?.aborted && !(error instanceof SaveError && error.kind !== 'cancelled')) throw cancelled();
    throw error;
  } finally {
    signal?.removeEventListener('abort', forward);
  }
}
