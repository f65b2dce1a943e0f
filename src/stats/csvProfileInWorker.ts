// Runs a CSV column profile in a worker thread (dist/csvProfileWorker.js), so the extension
// host stays responsive over a gigabyte; cancelling ends the worker. No `vscode` import.

import { Worker } from 'node:worker_threads';
import type { CsvDialect } from '../csv/dialect';
import type { CsvProfileOptions } from './csvProfile';
import type { ColumnProfile } from './types';

export interface CsvProfileRequest {
  path: string;
  dialect: CsvDialect;
  column: number;
  field: string;
  options?: Omit<CsvProfileOptions, 'signal' | 'onProgress'>;
}

export type CsvProfileWorkerMessage =
  | { type: 'progress'; fraction: number }
  | { type: 'done'; profile: ColumnProfile }
  | { type: 'error'; message: string; cancelled: boolean };

/** Resolves with the profile; rejects with the worker's error, or with the signal's reason when cancelled. */
export function profileCsvInWorker(
  workerScript: string,
  request: CsvProfileRequest,
  onProgress?: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<ColumnProfile> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const worker = new Worker(workerScript, { workerData: request });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = (): void => settle(() => reject(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: CsvProfileWorkerMessage) => {
      if (message.type === 'progress') onProgress?.(message.fraction);
      else if (message.type === 'done') settle(() => resolve(message.profile));
      else settle(() => reject(new Error(message.message)));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`The profile worker stopped (exit code ${code}) before it finished.`))));
  });
}
