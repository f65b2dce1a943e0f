// The row index's scan of single-byte encodings (UTF-8, windows-1252), run in WebAssembly
// (scan.wat): SIMD compares turn 64 bytes at a time into bitmasks of quotes and line breaks,
// where a byte-by-byte loop in JavaScript manages a fraction of that speed. UTF-16 files keep
// the byte-by-byte scan in rowIndex.ts, which states the same rules and is the tests' reference.

import type { RowIndex, ScanState } from './rowIndex';
import scannerWasm from './scan.wat';

interface ScannerExports {
  memory: WebAssembly.Memory;
  state: WebAssembly.Global;
  quoteOpen: WebAssembly.Global;
  tail: WebAssembly.Global;
  scan(start: number, length: number, delimiter: number, outPtr: number, bias: number): number;
  scanColumn(length: number, delimiter: number, column: number, outPtr: number, atEnd: number): number;
}

const PAGE = 65536;
let compiled: WebAssembly.Module | undefined;
let scanner: ScannerExports | undefined;

function newInstance(): ScannerExports {
  compiled ??= new WebAssembly.Module(scannerWasm);
  return new WebAssembly.Instance(compiled).exports as unknown as ScannerExports;
}

export function instance(): ScannerExports {
  // Compiled once per process; each scan is synchronous, so one instance serves every index.
  scanner ??= newInstance();
  return scanner;
}

/**
 * Makes room for `length` input bytes at the start of the scanner's memory and, after them,
 * `wordsPerRecord` u32 results a record (a record needs a line break before it: at most
 * length / 2 + 1 of them, and one word more, as `scan` stores a block's first start before it
 * knows there is one); returns where the results go.
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
  runScan(wasm, 0, length, base, delimiter, outPtr, scan, index);
}

function runScan(wasm: ScannerExports, start: number, length: number, base: number, delimiter: number, outPtr: number, scan: ScanState, index: RowIndex): void {
  wasm.state.value = scan.state;
  // Starts come out relative to the index's current base, ready to copy (the bias is below 2^32; an i32 argument wraps it).
  const reference = index.referenceFor(base, length);
  const count = wasm.scan(start, length, delimiter, outPtr, base - reference);
  index.pushAll(new Uint32Array(wasm.memory.buffer, outPtr, count), reference);
  scan.state = wasm.state.value as number;
  const quoteOpen = wasm.quoteOpen.value as number;
  if (quoteOpen >= 0) scan.quoteOpen = base + quoteOpen;
}

/**
 * A scanner with memory of its own for one index build: two chunk buffers the file is read
 * straight into (the next chunk is read while this one is scanned), then the results. Sized
 * once, so the buffers' views never detach; the reads span awaits, hence not the shared instance.
 */
export class DoubleBufferScanner {
  /** Where the file's bytes are read to: chunk `slot` is `buffers[slot].subarray(0, length)`. */
  readonly buffers: [Uint8Array, Uint8Array];
  private readonly wasm = newInstance();
  private readonly outPtr: number;

  constructor(readonly chunkSize: number) {
    const slotBytes = (chunkSize + 15) & ~15;
    this.outPtr = 2 * slotBytes;
    const needed = this.outPtr + 4 * ((chunkSize >> 1) + 2);
    this.wasm.memory.grow(Math.max(0, Math.ceil((needed - this.wasm.memory.buffer.byteLength) / PAGE)));
    const memory = this.wasm.memory.buffer;
    this.buffers = [new Uint8Array(memory, 0, chunkSize), new Uint8Array(memory, slotBytes, chunkSize)];
  }

  /** Scans the first `length` bytes of `buffers[slot]` (file offset `base`) from `scan`'s state; record starts go to `index`. */
  scan(slot: 0 | 1, length: number, base: number, delimiter: number, scan: ScanState, index: RowIndex): void {
    runScan(this.wasm, this.buffers[slot].byteOffset, length, base, delimiter, this.outPtr, scan, index);
  }
}

let spare: DoubleBufferScanner | undefined;

/** A scanner for chunks of up to `chunkSize` bytes: the spare one when it is big enough (an instance is slow to make for each small file). */
export function takeScanner(chunkSize: number): DoubleBufferScanner {
  const taken = spare && spare.chunkSize >= chunkSize ? spare : new DoubleBufferScanner(chunkSize);
  if (taken === spare) spare = undefined;
  return taken;
}

/** Keeps a finished build's scanner (no read pending into it) as the spare, the bigger of the two. */
export function giveBackScanner(scanner: DoubleBufferScanner): void {
  if (!spare || spare.chunkSize < scanner.chunkSize) spare = scanner;
}
