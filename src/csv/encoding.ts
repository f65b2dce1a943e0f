// Text encodings of CSV files: BOM detection, a guess for files without one, and a streaming
// UTF-8 check that counts invalid bytes (they decode to U+FFFD; the preview warns, never fails).

import { isUtf8 } from 'node:buffer';
import type { CsvEncoding } from './optionTypes';

export type { CsvEncoding } from './optionTypes';

/** Byte order mark at the start of `bytes`, if any. */
export function detectBom(bytes: Uint8Array): { encoding: CsvEncoding; bom: number } | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  return undefined;
}

/**
 * Encoding of a sample without a BOM. UTF-16 shows as NUL bytes in every other position of
 * ASCII text. A sample whose high bytes never form one valid UTF-8 sequence is legacy
 * Windows text (Excel's "CSV" export); a mostly valid one stays UTF-8 and gets warnings.
 */
export function guessEncoding(sample: Uint8Array): CsvEncoding {
  const pairs = Math.min(sample.length >> 1, 4096);
  if (pairs >= 4) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < pairs; i++) {
      if (sample[2 * i] === 0) evenNul++;
      if (sample[2 * i + 1] === 0) oddNul++;
    }
    if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return 'utf-16le';
    if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return 'utf-16be';
  }
  const body = sample.subarray(0, incompleteTailStart(sample));
  if (isUtf8(body)) return 'utf-8';
  const { errors, validMultiByte } = countUtf8Errors(body, 0, body.length);
  return errors > 0 && validMultiByte === 0 ? 'windows-1252' : 'utf-8';
}

/** Where a UTF-8 sequence cut off by the end of `bytes` starts (`bytes.length` when none is). */
function incompleteTailStart(bytes: Uint8Array): number {
  const len = bytes.length;
  for (let back = 1; back <= Math.min(3, len); back++) {
    const b = bytes[len - back];
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (need > back) return len - back;
    }
    break;
  }
  return len;
}

/**
 * Invalid sequences in `bytes[start, end)` counted as the WHATWG decoder counts U+FFFD
 * (one per maximal invalid subpart), plus the offset of the first and how many valid
 * multi-byte characters were seen.
 */
export function countUtf8Errors(bytes: Uint8Array, start: number, end: number): { errors: number; firstError: number; validMultiByte: number } {
  let errors = 0;
  let firstError = -1;
  let validMultiByte = 0;
  let i = start;
  const fail = (at: number) => {
    if (errors++ === 0) firstError = at;
  };
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
    } else {
      fail(i);
      i++;
      continue;
    }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++, j++) {
      const c = j < end ? bytes[j] : -1;
      if (c < lower || c > upper) {
        ok = false;
        break;
      }
      lower = 0x80;
      upper = 0xbf;
    }
    if (ok) validMultiByte++;
    else fail(i);
    // On failure the offending byte starts over, as the WHATWG decoder does.
    i = j;
  }
  return { errors, firstError, validMultiByte };
}

/** Checks UTF-8 chunk by chunk (sequences may straddle chunks) and keeps a tally of invalid bytes. */
export class Utf8Checker {
  invalidCount = 0;
  /** File offset of the first invalid byte, or -1. */
  firstInvalidOffset = -1;
  private tail: Uint8Array = new Uint8Array(0);
  private tailOffset = 0;

  /** `chunk` holds the bytes at file offset `offset`; chunks arrive in order without gaps. */
  push(chunk: Uint8Array, offset: number): void {
    let from = 0;
    if (this.tail.length > 0) {
      // Complete the straddling sequence with the continuation bytes that begin this chunk.
      const need = seqLength(this.tail[0]) - this.tail.length;
      while (from < need && from < chunk.length && (chunk[from] & 0xc0) === 0x80) from++;
      if (from < need && from === chunk.length) {
        this.tail = concat(this.tail, chunk);
        return;
      }
      const joined = concat(this.tail, chunk.subarray(0, from));
      this.check(joined, 0, joined.length, this.tailOffset);
      this.tail = new Uint8Array(0);
    }
    const cut = incompleteTailStart(chunk);
    if (cut < from) {
      // Cannot happen for a lead byte after the consumed continuation bytes; guard anyway.
      this.tail = new Uint8Array(0);
      return;
    }
    this.check(chunk, from, cut, offset);
    this.tail = chunk.slice(cut);
    this.tailOffset = offset + cut;
  }

  /** End of input: a sequence still open is invalid. */
  finish(): void {
    if (this.tail.length > 0) this.check(this.tail, 0, this.tail.length, this.tailOffset);
    this.tail = new Uint8Array(0);
  }

  private check(bytes: Uint8Array, start: number, end: number, offset: number): void {
    if (start >= end || isUtf8(bytes.subarray(start, end))) return;
    const { errors, firstError } = countUtf8Errors(bytes, start, end);
    if (errors > 0 && this.firstInvalidOffset < 0) this.firstInvalidOffset = offset + firstError;
    this.invalidCount += errors;
  }
}

function seqLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// 0x80-0x9F of windows-1252; the five undefined bytes map to the C1 controls, as WHATWG says.
const CP1252_HIGH = '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

/**
 * A decoder that turns invalid bytes into U+FFFD and keeps a BOM-like first character as
 * data. windows-1252 is decoded by hand: some Node versions' TextDecoder treat it as Latin-1
 * and turn 0x80 into a control character instead of the euro sign.
 */
export function textDecoderFor(encoding: CsvEncoding): (bytes: Uint8Array) => string {
  if (encoding === 'windows-1252') {
    return (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1').replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
  }
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  return (bytes) => decoder.decode(bytes);
}
