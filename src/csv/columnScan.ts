// One column's values from a whole CSV/TSV file in a single streaming pass, for the column
// profile: the row index's WebAssembly scanner (scan.wat `scanColumn`) splits records and
// fields; only the wanted field of each record is decoded. Rows and fields are split exactly
// as the preview splits them (empty lines skipped, papaparse's quoting rules).

import type { CsvDialect } from './dialect';
import { textDecoderFor } from './encoding';
import { instance, reserve } from './scanBytes';
import type { RandomAccessSource } from './source';

export interface ColumnScanOptions {
  signal?: AbortSignal;
  /** After each chunk: bytes of the file read so far, and data rows seen. */
  onProgress?(bytesDone: number, rows: number): void;
  /** Bytes read at a time (default 4 MiB); grows when one record is longer. */
  chunkSize?: number;
  /** Hand plain decimal numbers over as numbers (read from the bytes, no string made); other
   * values still come as text. */
  numbers?: boolean;
}

/**
 * Calls `onValue` with field `column` of every data row, in order: the field's text (quotes
 * removed, doubled quotes undone), or null when the row has fewer fields. Resolves with the
 * number of data rows.
 */
export async function scanColumn(
  source: RandomAccessSource,
  dialect: CsvDialect,
  column: number,
  onValue: (value: string | number | null) => void,
  options: ColumnScanOptions = {},
): Promise<number> {
  const { signal, onProgress } = options;
  const numbers = options.numbers === true;
  const wasm = instance();
  const delimiter = dialect.delimiter.charCodeAt(0);
  const toUtf8 = utf8Transcoder(dialect);
  const size = await source.size();
  let chunkSize = Math.max(64, options.chunkSize ?? 4 * 1024 * 1024);
  let offset = dialect.bom;
  let carry: Uint8Array = new Uint8Array(0);
  let rows = 0;
  let skipHeader = dialect.hasHeader;

  for (;;) {
    signal?.throwIfAborted();
    const want = Math.min(chunkSize, size - offset);
    let fresh = want > 0 ? await source.read(offset, want) : new Uint8Array(0);
    offset += fresh.length;
    const atEnd = offset >= size || fresh.length === 0;
    if (toUtf8) fresh = toUtf8(fresh, atEnd);
    // The unfinished record of the last chunk, then the new bytes: copied once, into the scanner.
    const length = carry.length + fresh.length;
    const outPtr = reserve(wasm, length, 3);
    const memory = Buffer.from(wasm.memory.buffer);
    memory.set(carry, 0);
    memory.set(fresh, carry.length);
    const count = wasm.scanColumn(length, delimiter, column, outPtr, atEnd ? 1 : 0);
    const results = new Int32Array(wasm.memory.buffer, outPtr, count * 3);
    for (let r = 0; r < count; r++) {
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      const start = results[r * 3 + 1];
      if (start < 0) onValue(null);
      else {
        const end = results[r * 3 + 2];
        const number = numbers ? plainNumber(memory, start, end) : undefined;
        onValue(number ?? fieldText(memory, start, end));
      }
      rows++;
    }
    const tail = wasm.tail.value as number;
    carry = memory.slice(tail, length);
    onProgress?.(offset, rows);
    if (atEnd) return rows;
    // A record longer than the chunk: read more at once next time.
    if (tail === 0 && count === 0) chunkSize *= 2;
  }
}

/**
 * Other encodings are turned into UTF-8 chunk by chunk, so one scanner serves them all: UTF-16
 * through a streaming decoder (a character split across reads stays whole), windows-1252 by the
 * preview's own table (Node's TextDecoder reads it as Latin-1).
 */
function utf8Transcoder(dialect: CsvDialect): ((bytes: Uint8Array, last: boolean) => Uint8Array) | undefined {
  if (dialect.encoding === 'utf-8') return undefined;
  const encoder = new TextEncoder();
  if (dialect.encoding === 'windows-1252') {
    const decode = textDecoderFor('windows-1252');
    return (bytes) => encoder.encode(decode(bytes));
  }
  const decoder = new TextDecoder(dialect.encoding);
  return (bytes, last) => encoder.encode(decoder.decode(bytes, { stream: !last }));
}

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * The value of a field written as a plain decimal (`-12`, `3.25`, `.5`) with at most 15 digits,
 * or undefined. Exactly what Number() gives for the same text: the digits form an integer below
 * 2^53 and one correctly rounded division by an exact power of ten yields the nearest double.
 */
function plainNumber(bytes: Buffer, start: number, end: number): number | undefined {
  let i = start;
  const negative = bytes[i] === 0x2d;
  if (negative || bytes[i] === 0x2b) i++;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    const c = bytes[i];
    if (c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 0x2e && fraction < 0) fraction = 0;
    else return undefined;
  }
  if (digits === 0 || digits > 15) return undefined;
  const value = fraction > 0 ? mantissa / POWERS_OF_TEN[fraction] : mantissa;
  return negative ? -value : value;
}

/** The text of the field at [start, end) of the scanner's memory, as the preview shows it. */
function fieldText(memory: Buffer, start: number, end: number): string {
  if (start === end || memory[start] !== 0x22) return utf8Slice(memory, start, end);
  // Quoted: drop spaces after the closing quote, the quotes themselves, and undo doubled quotes.
  let close = end;
  while (close > start + 1 && memory[close - 1] !== 0x22) close--;
  const inner = utf8Slice(memory, start + 1, close > start + 1 ? close - 1 : end);
  return inner.includes('"') ? inner.replace(/""/g, '"') : inner;
}

// Buffer's own decoder without toString's argument handling, which cost a fifth of the pass.
const utf8Slice = (bytes: Buffer, start: number, end: number): string => (bytes as Buffer & { utf8Slice(start: number, end: number): string }).utf8Slice(start, end);
