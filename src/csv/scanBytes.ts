// The row index's scan of single-byte encodings (UTF-8, windows-1252), run in WebAssembly
// (scan.wat): SIMD compares jump from one line break or quote to the next, about as fast as
// memchr, where a byte-by-byte loop in JavaScript manages a fraction of that. UTF-16 files keep
// the byte-by-byte scan in rowIndex.ts, which states the same rules and is the tests' reference.

import type { RowIndex, ScanState } from './rowIndex';
import scannerWasm from './scan.wat';

interface ScannerExports {
  memory: WebAssembly.Memory;
  state: WebAssembly.Global;
  quoteOpen: WebAssembly.Global;
  tail: WebAssembly.Global;
  scan(length: number, delimiter: number, outPtr: number): number;
  scanColumn(length: number, delimiter: number, column: number, outPtr: number, atEnd: number): number;
}

const PAGE = 65536;
let scanner: ScannerExports | undefined;

export function instance(): ScannerExports {
  // Compiled once per process; each scan is synchronous, so one instance serves every index.
  scanner ??= new WebAssembly.Instance(new WebAssembly.Module(scannerWasm)).exports as unknown as ScannerExports;
  return scanner;
}

/**
 * Makes room for `length` input bytes at the start of the scanner's memory and, after them,
 * `wordsPerRecord` u32 results a record (a record needs a line break before it: at most
 * length / 2 + 1 of them); returns where the results go.
 */
export function reserve(wasm: ScannerExports, length: number, wordsPerRecord: number): number {
  const outPtr = (length + 3) & ~3;
  const needed = outPtr + 4 * wordsPerRecord * ((length >> 1) + 2);
  const have = wasm.memory.buffer.byteLength;
  if (needed > have) wasm.memory.grow(Math.ceil((needed - have) / PAGE));
  return outPtr;
}

/** Scans `bytes` (file offset `base`) from `scan`'s state; record starts go to `index`. */
export function scanBytes(bytes: Uint8Array, base: number, delimiter: number, scan: ScanState, index: RowIndex): void {
  const wasm = instance();
  const length = bytes.length;
  const outPtr = reserve(wasm, length, 1);
  new Uint8Array(wasm.memory.buffer, 0, length).set(bytes);
  wasm.state.value = scan.state;
  const count = wasm.scan(length, delimiter, outPtr);
  const starts = new Uint32Array(wasm.memory.buffer, outPtr, count);
  for (let k = 0; k < count; k++) index.push(base + starts[k]);
  scan.state = wasm.state.value as number;
  const quoteOpen = wasm.quoteOpen.value as number;
  if (quoteOpen >= 0) scan.quoteOpen = base + quoteOpen;
}
