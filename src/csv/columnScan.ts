// One column's values from a whole CSV/TSV file in a single streaming pass, for the column
// profile: the row index's WebAssembly scanner (scan.wat `scanColumn`) splits records and
// fields; only the wanted field of each record is decoded. Rows and fields are split exactly
// as the preview splits them (empty lines skipped, papaparse's quoting rules).

import type { CsvDialect } from './dialect';
import { textDecoderFor } from './encoding';
import { instance, loadInput } from './scanBytes';
import type { RandomAccessSource } from './source';

export interface ColumnScanOptions {
  signal?: AbortSignal;
  /** After each chunk: bytes of the file read so far, and data rows seen. */
  onProgress?(bytesDone: number, rows: number): void;
  /** Bytes read at a time (default 4 MiB); grows when one record is longer. */
  chunkSize?: number;
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
  onValue: (value: string | null) => void,
  options: ColumnScanOptions = {},
): Promise<number> {
  const { signal, onProgress } = options;
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
    const input = carry.length === 0 ? fresh : concat(carry, fresh);
    const outPtr = loadInput(wasm, input, 3);
    const count = wasm.scanColumn(input.length, delimiter, column, outPtr, atEnd ? 1 : 0);
    const memory = Buffer.from(wasm.memory.buffer);
    const results = new Int32Array(wasm.memory.buffer, outPtr, count * 3);
    for (let r = 0; r < count; r++) {
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      const start = results[r * 3 + 1];
      onValue(start < 0 ? null : fieldText(memory, start, results[r * 3 + 2]));
      rows++;
    }
    const tail = wasm.tail.value as number;
    carry = input.slice(tail);
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

/** The text of the field at [start, end) of the scanner's memory, as the preview shows it. */
function fieldText(memory: Buffer, start: number, end: number): string {
  if (start === end || memory[start] !== 0x22) return memory.toString('utf8', start, end);
  // Quoted: drop spaces after the closing quote, the quotes themselves, and undo doubled quotes.
  let close = end;
  while (close > start + 1 && memory[close - 1] !== 0x22) close--;
  const inner = memory.toString('utf8', start + 1, close > start + 1 ? close - 1 : end);
  return inner.includes('"') ? inner.replace(/""/g, '"') : inner;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
