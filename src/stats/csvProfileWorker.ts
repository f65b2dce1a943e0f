// Worker-thread entry (bundled as dist/csvProfileWorker.js): profiles one column of a CSV file
// off the extension host's main thread. Speaks the messages typed in csvProfileInWorker.ts.

import { parentPort, workerData } from 'node:worker_threads';
import { nodeFileSource } from '../csv/source';
import { profileCsvColumn } from './csvProfile';
import type { CsvProfileRequest, CsvProfileWorkerMessage } from './csvProfileInWorker';

const port = parentPort;
if (port) {
  const request = workerData as CsvProfileRequest;
  const controller = new AbortController();
  port.on('message', (message: unknown) => {
    if (message === 'cancel') controller.abort();
  });
  const post = (message: CsvProfileWorkerMessage): void => port.postMessage(message);
  const source = nodeFileSource(request.path);
  let reported = -1;
  profileCsvColumn(source, request.dialect, request.column, request.field, {
    ...request.options,
    signal: controller.signal,
    onProgress: (fraction) => {
      // About a hundred progress messages in all, whatever the file's size.
      const percent = Math.floor(fraction * 100);
      if (percent > reported) {
        reported = percent;
        post({ type: 'progress', fraction });
      }
    },
  })
    .then((profile) => post({ type: 'done', profile }))
    .catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error), cancelled: controller.signal.aborted }))
    .finally(() => void source.close());
}
