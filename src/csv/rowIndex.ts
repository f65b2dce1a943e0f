// The row-offset index behind the CSV preview: a byte scanner that follows quoting across
// chunks and records where each row starts, so any window of a 1 GB file reads in one seek.

import { validateDelimiter, type CsvDialect } from './dialect';
import { Utf8Checker } from './encoding';
import { giveBackScanner, scanBytes, takeScanner } from './scanBytes';
import type { RandomAccessSource } from './source';

export type IndexIssueKind = 'unterminated-quote' | 'invalid-utf8' | 'odd-utf16-length';

/** Something wrong with the file that indexing worked around; the preview shows these as warnings. */
export interface IndexIssue {
  kind: IndexIssueKind;
  message: string;
  /** File offset where it was found (the opening quote; the first invalid byte). */
  byteOffset: number;
  /** Data row it affects (0-based, after the header), when there is one. */
  row?: number;
  /** How many times it occurs (invalid UTF-8 sequences). */
  count?: number;
}

const BLOCK_ROWS = 1 << 16;
const FIRST_BLOCK_CAPACITY = 1024;

/**
 * Start offsets of every non-empty record, in blocks of 65536: a base offset plus 32-bit
 * deltas (4 bytes a row; a block spanning 4 GiB or more falls back to 64-bit floats).
 *
 * Rows are numbered from 0 after the header. Empty lines (nothing between two line breaks)
 * are not rows: they are skipped, as papaparse's `skipEmptyLines` does. A row is readable
 * once the start of the next one is known, so `rowCount` grows while indexing runs and the
 * last row appears when `complete` turns true. The index does not watch its file: when
 * the file changes, build a new one.
 */
export class RowIndex {
  /** True once the whole file is scanned; false while building and after a cancel. */
  complete = false;
  /** Bytes of the file scanned so far. */
  bytesScanned = 0;
  /** Size of the file when indexing began. */
  sourceSize = 0;
  readonly issues: IndexIssue[] = [];

  private readonly bases: number[] = [];
  private readonly blocks: (Uint32Array | Float64Array)[] = [];
  private records = 0;
  private dataEnd = 0;
  private waiters: { rows: number; resolve: () => void }[] = [];
  private failure: unknown;

  /** `headerRecords` is 1 when the first record is a header (it then is no data row). */
  constructor(readonly headerRecords: 0 | 1) {}

  /** Non-empty records found so far, the header included. */
  get recordCount(): number {
    return this.records;
  }

  /** Data rows that can be read now. */
  get rowCount(): number {
    const known = this.complete ? this.records : this.records - 1;
    return Math.max(0, known - this.headerRecords);
  }

  /** File offset where data row `row` starts. */
  offsetOf(row: number): number {
    return this.recordStart(row + this.headerRecords);
  }

  /** `[start, end)` bytes of data row `row`; `end` includes its line break and any empty lines after it. */
  byteRangeOf(row: number): [number, number] {
    return this.recordRange(row + this.headerRecords);
  }

  /** `[start, end)` of the header record, or undefined when there is none or it is not known yet. */
  headerRange(): [number, number] | undefined {
    if (this.headerRecords === 0 || (this.records < 2 && !(this.complete && this.records === 1))) return undefined;
    return this.recordRange(0);
  }

  /** Bytes held by the offset table. */
  memoryBytes(): number {
    let total = this.bases.length * 8;
    for (const block of this.blocks) total += block.byteLength;
    return total;
  }

  /** Resolves once `rows` data rows are readable or indexing ended (completed, failed or cancelled). */
  waitForRows(rows: number): Promise<void> {
    if (this.rowCount >= rows || this.complete || this.failure !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ rows, resolve }));
  }

  private recordStart(record: number): number {
    if (!(record >= 0 && record < this.records)) throw new RangeError(`Record ${record} is not indexed (${this.records} so far).`);
    return this.bases[record >>> 16] + this.blocks[record >>> 16][record & (BLOCK_ROWS - 1)];
  }

  private recordRange(record: number): [number, number] {
    const start = this.recordStart(record);
    if (record + 1 < this.records) return [start, this.recordStart(record + 1)];
    if (!this.complete) throw new RangeError(`Record ${record} is still being indexed.`);
    return [start, this.dataEnd];
  }

  /**
   * @internal Where the scanner's next results should be relative to, for a chunk of `length`
   * bytes at file offset `at`: the last block's base while that keeps them 32-bit, so that they
   * are the block's deltas as they stand and `pushAll` copies them in one go.
   */
  referenceFor(at: number, length: number): number {
    const last = this.bases.length - 1;
    return last >= 0 && at + length - this.bases[last] <= 0xffffffff ? this.bases[last] : at;
  }

  /** @internal Appends the start of the next record. */
  push(offset: number): void {
    const blockNo = this.records >>> 16;
    const slot = this.records & (BLOCK_ROWS - 1);
    if (slot === 0) {
      // A new block keeps the last one's base while it is under 2 GiB behind, so one chunk's
      // results stay relative to one base (see referenceFor); its deltas still fit 32 bits.
      const last = this.bases.length - 1;
      this.bases.push(last >= 0 && offset - this.bases[last] < 0x80000000 ? this.bases[last] : offset);
      this.blocks.push(new Uint32Array(blockNo === 0 ? FIRST_BLOCK_CAPACITY : BLOCK_ROWS));
    }
    let block = this.blocks[blockNo];
    if (slot === block.length) {
      const grown = block instanceof Uint32Array ? new Uint32Array(Math.min(BLOCK_ROWS, slot * 2)) : new Float64Array(Math.min(BLOCK_ROWS, slot * 2));
      grown.set(block);
      block = this.blocks[blockNo] = grown;
    }
    const delta = offset - this.bases[blockNo];
    if (delta > 0xffffffff && block instanceof Uint32Array) {
      block = this.blocks[blockNo] = Float64Array.from(block);
    }
    block[slot] = delta;
    this.records++;
  }

  /** @internal Appends record starts `base + relative[k]` in order (the scanner's results, in bulk). */
  pushAll(relative: Uint32Array, base: number): void {
    let k = 0;
    while (k < relative.length) {
      const slot = this.records & (BLOCK_ROWS - 1);
      const block = this.blocks[this.records >>> 16];
      // Straight into a full-size 32-bit block; anything else (a new, growing or 64-bit block) one at a time.
      if (slot === 0 || !(block instanceof Uint32Array) || block.length !== BLOCK_ROWS) {
        this.push(base + relative[k++]);
        continue;
      }
      const delta = base - this.bases[this.records >>> 16];
      const end = Math.min(relative.length, k + BLOCK_ROWS - slot);
      if (delta + relative[end - 1] > 0xffffffff) {
        this.push(base + relative[k++]);
        continue;
      }
      this.records += end - k;
      if (delta === 0) {
        // Relative to this block's base already (see referenceFor): a plain copy.
        block.set(relative.subarray(k, end), slot);
        k = end;
      } else for (let s = slot; k < end; k++, s++) block[s] = delta + relative[k];
    }
  }

  /** @internal The scan reached the end of the data at `end`. */
  finish(end: number): void {
    this.dataEnd = end;
    this.complete = true;
    this.notify();
  }

  /** @internal Indexing stopped early; the rows found stay readable. */
  fail(reason: unknown): void {
    this.failure = reason;
    this.notify();
  }

  /** @internal */
  notify(): void {
    if (this.waiters.length === 0) return;
    const ended = this.complete || this.failure !== undefined;
    const waiting: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (ended || this.rowCount >= waiter.rows) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
  }
}

export interface BuildRowIndexOptions {
  /** Cancels indexing: `done` rejects with the signal's reason and the rows found stay readable. */
  signal?: AbortSignal;
  /** After each chunk: bytes of the file scanned and data rows readable so far. */
  onProgress?(bytesDone: number, rowsSoFar: number): void;
  /** Largest read, in bytes (default 4 MiB). Reads start at 64 KiB and double, so the first rows come quickly. */
  chunkSize?: number;
  /** First read, in bytes (default 64 KiB or `chunkSize` when smaller). */
  firstChunkSize?: number;
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;
const DEFAULT_FIRST_CHUNK = 64 * 1024;
/** Beyond this many unterminated quotes the rest of the file stays one (broken) record. */
const MAX_QUOTE_RECOVERIES = 1000;

/**
 * Starts indexing `source` in the background. `index` is usable at once and fills as chunks
 * are scanned; `done` resolves with the same index when complete.
 */
export function buildRowIndex(
  source: RandomAccessSource,
  dialect: CsvDialect,
  opts: BuildRowIndexOptions = {},
): { index: RowIndex; done: Promise<RowIndex> } {
  validateDelimiter(dialect.delimiter);
  const index = new RowIndex(dialect.hasHeader ? 1 : 0);
  const done = scanSource(source, dialect, index, opts).then(
    () => index,
    (error: unknown) => {
      index.fail(error);
      throw error;
    },
  );
  return { index, done };
}

// Scanner states. Quotes open a field only at its start, and a quote that ends a quoted
// field must be followed by optional spaces and then a delimiter or line break; any other
// quote inside a quoted field is taken as text. That is what papaparse does, so windows
// parsed from these offsets split exactly where the index does.
export const LINE_START = 0;
const FIELD_START = 1;
const UNQUOTED = 2;
export const QUOTED = 3;
const QUOTE_IN_QUOTED = 4;
const SPACE_AFTER_QUOTE = 5;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

export interface ScanState {
  state: number;
  /** File offset of the quote that opened the current quoted field. */
  quoteOpen: number;
}

/**
 * One pass of the state machine over `units` (bytes, or UTF-16 code units with `unitBytes` 2),
 * whose first unit is at file offset `base`. Record starts go to `index`. Exported as the tests'
 * reference for the WebAssembly scan.
 */
export function scanUnits(units: Uint8Array | Uint16Array, unitBytes: number, base: number, delimiter: number, scan: ScanState, index: RowIndex): void {
  let state = scan.state;
  let quoteOpen = scan.quoteOpen;
  const n = units.length;
  let i = 0;
  while (i < n) {
    let c = units[i];
    if (state === UNQUOTED) {
      // The hot path: plain text up to the next delimiter or line break.
      while (c !== delimiter && c !== LF && c !== CR) {
        if (++i === n) break;
        c = units[i];
      }
      if (i === n) break;
      state = c === delimiter ? FIELD_START : LINE_START;
      i++;
      continue;
    }
    if (state === QUOTED) {
      while (c !== QUOTE) {
        if (++i === n) break;
        c = units[i];
      }
      if (i === n) break;
      state = QUOTE_IN_QUOTED;
      i++;
      continue;
    }
    if (state === LINE_START) {
      if (c === LF || c === CR) {
        i++;
        continue;
      }
      index.push(base + i * unitBytes);
      state = FIELD_START;
    }
    if (state === FIELD_START) {
      if (c === QUOTE) {
        state = QUOTED;
        quoteOpen = base + i * unitBytes;
      } else if (c === delimiter) state = FIELD_START;
      else if (c === LF || c === CR) state = LINE_START;
      else state = UNQUOTED;
    } else if (state === QUOTE_IN_QUOTED) {
      if (c === QUOTE) state = QUOTED;
      else if (c === delimiter) state = FIELD_START;
      else if (c === LF || c === CR) state = LINE_START;
      else if (c === SPACE || c === TAB) state = SPACE_AFTER_QUOTE;
      else state = QUOTED;
    } else {
      // SPACE_AFTER_QUOTE
      if (c === delimiter) state = FIELD_START;
      else if (c === LF || c === CR) state = LINE_START;
      else if (c === QUOTE) state = QUOTE_IN_QUOTED;
      else if (c !== SPACE && c !== TAB) state = QUOTED;
    }
    i++;
  }
  scan.state = state;
  scan.quoteOpen = quoteOpen;
}

async function scanSource(source: RandomAccessSource, dialect: CsvDialect, index: RowIndex, opts: BuildRowIndexOptions): Promise<void> {
  const { signal, onProgress } = opts;
  const unitBytes = dialect.encoding === 'utf-16le' || dialect.encoding === 'utf-16be' ? 2 : 1;
  const bigEndian = dialect.encoding === 'utf-16be';
  const maxChunk = alignDown(Math.max(unitBytes, opts.chunkSize ?? DEFAULT_CHUNK), unitBytes);
  let chunk = alignDown(Math.max(unitBytes, Math.min(maxChunk, opts.firstChunkSize ?? DEFAULT_FIRST_CHUNK)), unitBytes);
  const delimiter = dialect.delimiter.charCodeAt(0);
  const utf8 = dialect.encoding === 'utf-8' ? new Utf8Checker() : undefined;

  signal?.throwIfAborted();
  const fileSize = await source.size();
  index.sourceSize = fileSize;
  // UTF-16 data ends on a whole code unit; a stray last byte is reported and left out.
  const size = fileSize - ((fileSize - dialect.bom) % unitBytes);
  if (size < fileSize) {
    index.issues.push({ kind: 'odd-utf16-length', message: 'The UTF-16 file ends with half a character, which was left out.', byteOffset: size });
  }

  const scan: ScanState = { state: LINE_START, quoteOpen: -1 };
  let offset = Math.min(dialect.bom, size);
  let checkedTo = offset;
  let recoveries = 0;
  // Single-byte files from a source that reads into a buffer go straight into the scanner's memory.
  const readInto = unitBytes === 1 ? source.readInto?.bind(source) : undefined;
  const direct = readInto && takeScanner(Math.max(1, Math.min(maxChunk, size)));
  const checkUtf8 = (bytes: Uint8Array, at: number) => {
    if (utf8 && at >= checkedTo) {
      utf8.push(bytes, at);
      checkedTo = at + bytes.length;
    }
  };
  const chunkDone = () => {
    index.bytesScanned = Math.max(index.bytesScanned, offset);
    index.notify();
    onProgress?.(index.bytesScanned, index.rowCount);
  };
  for (;;) {
    if (readInto && direct) {
      // Double-buffered: the next chunk is read while this one is scanned.
      let slot: 0 | 1 = 0;
      const readChunk = (into: 0 | 1) => readInto(offset, direct.buffers[into].subarray(0, Math.min(chunk, size - offset)));
      let pending: Promise<number> | undefined = offset < size ? readChunk(slot) : undefined;
      try {
        while (pending) {
          signal?.throwIfAborted();
          const length = await pending;
          signal?.throwIfAborted();
          if (length < 1) throw new Error(`The file shrank while it was being indexed (no data at byte ${offset}).`);
          const at = offset;
          offset += length;
          chunk = Math.min(maxChunk, chunk * 2);
          pending = offset < size ? readChunk(slot === 0 ? 1 : 0) : undefined;
          checkUtf8(direct.buffers[slot].subarray(0, length), at);
          direct.scan(slot, length, at, delimiter, scan, index);
          chunkDone();
          slot = slot === 0 ? 1 : 0;
        }
      } finally {
        // Never leave a read writing into the scanner's memory behind a failure or a cancel.
        await pending?.catch(() => undefined);
      }
    }
    while (offset < size) {
      signal?.throwIfAborted();
      const bytes = await source.read(offset, Math.min(chunk, size - offset));
      signal?.throwIfAborted();
      if (bytes.length < unitBytes) throw new Error(`The file shrank while it was being indexed (no data at byte ${offset}).`);
      const usable = alignDown(bytes.length, unitBytes);
      checkUtf8(bytes, offset);
      if (unitBytes === 1) scanBytes(bytes.subarray(0, usable), offset, delimiter, scan, index);
      else scanUnits(asUnits(bytes.subarray(0, usable), unitBytes, bigEndian), unitBytes, offset, delimiter, scan, index);
      offset += usable;
      chunkDone();
      chunk = Math.min(maxChunk, chunk * 2);
    }
    if (scan.state !== QUOTED) break;

    // The file ended inside a quoted field. Rather than let one broken quote swallow the
    // rest of the file, end that record at the first line break after the quote and scan on.
    const brokenRow = index.recordCount - 1 - index.headerRecords;
    const lineBreak = recoveries < MAX_QUOTE_RECOVERIES ? await findLineBreak(source, scan.quoteOpen, size, unitBytes, bigEndian, signal) : -1;
    index.issues.push({
      kind: 'unterminated-quote',
      message:
        lineBreak < 0
          ? 'A quoted field is never closed; it runs to the end of the file.'
          : 'A quoted field is never closed; its row was cut at the first line break after the quote.',
      byteOffset: scan.quoteOpen,
      row: brokenRow >= 0 ? brokenRow : undefined,
    });
    if (lineBreak < 0) break;
    recoveries++;
    offset = lineBreak;
    scan.state = LINE_START;
  }

  if (direct) giveBackScanner(direct);
  if (utf8) {
    utf8.finish();
    if (utf8.invalidCount > 0) {
      index.issues.push({
        kind: 'invalid-utf8',
        message: `${utf8.invalidCount} invalid UTF-8 sequence(s), shown as \uFFFD; the first at byte ${utf8.firstInvalidOffset}. The file may use another encoding.`,
        byteOffset: utf8.firstInvalidOffset,
        count: utf8.invalidCount,
      });
    }
  }
  index.finish(size);
  onProgress?.(index.bytesScanned, index.rowCount);
}

/** File offset of the first CR or LF at or after `from`, or -1. */
async function findLineBreak(source: RandomAccessSource, from: number, size: number, unitBytes: number, bigEndian: boolean, signal?: AbortSignal): Promise<number> {
  const step = 1024 * 1024;
  for (let offset = from; offset < size; offset += step) {
    signal?.throwIfAborted();
    const bytes = await source.read(offset, Math.min(step, size - offset));
    const units = asUnits(bytes.subarray(0, alignDown(bytes.length, unitBytes)), unitBytes, bigEndian);
    for (let i = 0; i < units.length; i++) {
      if (units[i] === LF || units[i] === CR) return offset + i * unitBytes;
    }
    if (bytes.length === 0) break;
  }
  return -1;
}

function asUnits(bytes: Uint8Array, unitBytes: number, bigEndian: boolean): Uint8Array | Uint16Array {
  if (unitBytes === 1) return bytes;
  // Copy when the view would be misaligned or the bytes need swapping (UTF-16 is rare; speed is moot).
  const aligned = bytes.byteOffset % 2 === 0 && !bigEndian ? bytes : bytes.slice();
  if (bigEndian) {
    for (let i = 0; i + 1 < aligned.length; i += 2) {
      const hi = aligned[i];
      aligned[i] = aligned[i + 1];
      aligned[i + 1] = hi;
    }
  }
  return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length >> 1);
}

function alignDown(value: number, unit: number): number {
  return value - (value % unit);
}
