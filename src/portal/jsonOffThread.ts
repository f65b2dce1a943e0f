// Parses big JSON answers in a worker thread: JSON.parse of a 50 MB layer description holds the
// extension host for a quarter of a second, during which no panel, tree or command answers.
// The worker gets the body's bytes, moved (not copied), and decodes them itself: decoding 50 MB
// of UTF-8 and copying the text to the worker took another 130 ms of the host's thread.
// The worker's code is inline (no file to bundle, the same in the host, the MCP server and
// tests); one worker serves every parse and keeps no process alive when idle. No `vscode` import.

import { Worker } from 'node:worker_threads';

/** Answers shorter than this (in bytes) are parsed in place: handing them over would cost more. */
export const OFF_THREAD_JSON_BYTES = 4 * 1024 * 1024;

// Decoded as response.text() would (UTF-8, a leading BOM dropped). Structured cloning keeps own
// keys as JSON.parse made them, `__proto__` included.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const decoder = new TextDecoder();
parentPort.on('message', ({ id, buffer, offset, length }) => {
  let reply;
  try {
    reply = { id, value: JSON.parse(decoder.decode(new Uint8Array(buffer, offset, length))) };
  } catch (error) {
    reply = { id, error: String((error && error.message) || error) };
  }
  parentPort.postMessage(reply);
});
`;

interface Reply {
  id: number;
  value?: unknown;
  error?: string;
}

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

function jsonWorker(): Worker {
  if (worker) return worker;
  const started = new Worker(WORKER_SOURCE, { eval: true });
  const fail = (error: Error): void => {
    if (worker === started) worker = undefined;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  started.on('message', ({ id, value, error }: Reply) => {
    const waiting = pending.get(id);
    if (!waiting) return;
    pending.delete(id);
    if (!pending.size) started.unref();
    if (error !== undefined) waiting.reject(new SyntaxError(error));
    else waiting.resolve(value);
  });
  started.on('error', fail);
  started.on('exit', (code) => fail(new Error(`The JSON worker stopped (exit code ${code}).`)));
  return (worker = started);
}

/** JSON.parse of the UTF-8 `bytes`, decoded and parsed in the worker; rejects with a
 * SyntaxError when they are not JSON. The bytes' buffer moves to the worker: `bytes` (and any
 * other view of its buffer) is empty afterwards. */
export function parseJsonBytesOffThread(bytes: Uint8Array): Promise<unknown> {
  const target = jsonWorker();
  // Kept referenced while a parse is pending, so a process waiting for it does not exit.
  target.ref();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const { buffer, byteOffset: offset, byteLength: length } = bytes;
    target.postMessage({ id, buffer, offset, length }, [buffer as ArrayBuffer]);
  });
}
