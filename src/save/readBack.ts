// Re-reads a file the save engine wrote, record by record, giving each record's id and the
// same canonical text the encoder reported when writing it. Streams: refresh never holds
// the old file. Pure apart from the byte source it is handed.

import Papa from 'papaparse';
import { Readable } from 'node:stream';
import { idKey, type RecordObserver } from './encoders';
import type { SaveFormat } from './values';

async function* decodeUtf8(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of chunks) {
    let text = decoder.decode(chunk, { stream: true });
    if (first && text) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

async function* lines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let pending = '';
  for await (const text of decodeUtf8(chunks)) {
    pending += text;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, newline).replace(/\r$/, '');
      pending = pending.slice(newline + 1);
    }
  }
  if (pending) yield pending.replace(/\r$/, '');
}

function propertyId(object: unknown, idField: string | undefined, geojson: boolean): string | number | undefined {
  if (!idField || !object || typeof object !== 'object') return undefined;
  const holder = geojson ? (object as { properties?: Record<string, unknown> }).properties : (object as Record<string, unknown>);
  return holder ? idKey(holder[idField]) : undefined;
}

function emitJson(text: string, idField: string | undefined, geojson: boolean, onRecord: RecordObserver): void {
  const value = JSON.parse(text) as unknown;
  // Re-stringified so a file whose spacing was changed by hand still compares by content.
  onRecord(propertyId(value, idField, geojson), JSON.stringify(value));
}

/** JSON array / FeatureCollection: one record per line as we write them; anything else
 * (a file reformatted by hand) falls back to parsing the whole text. */
async function readFramed(
  chunks: AsyncIterable<Uint8Array>,
  idField: string | undefined,
  geojson: boolean,
  onRecord: RecordObserver,
): Promise<void> {
  const opening = geojson ? '{"type":"FeatureCollection","features":[' : '[';
  const closing = geojson ? ']}' : ']';
  const iterator = lines(chunks)[Symbol.asyncIterator]();
  const head = await iterator.next();
  if (!head.done && head.value.trim() === opening) {
    for (let line = await iterator.next(); !line.done; line = await iterator.next()) {
      const text = line.value.trim();
      if (!text) continue;
      if (text === closing) return;
      try {
        emitJson(text.endsWith(',') ? text.slice(0, -1) : text, idField, geojson, onRecord);
      } catch {
        throw new Error('The saved file is not in the layout this extension writes; it cannot be compared line by line.');
      }
    }
    return;
  }
  // Whole-text fallback: costs memory, only for files edited outside the extension.
  let text = head.done ? '' : head.value + '\n';
  for (let line = await iterator.next(); !line.done; line = await iterator.next()) text += line.value + '\n';
  const value = JSON.parse(text) as unknown;
  const records = geojson ? (value as { features?: unknown[] }).features : value;
  if (!Array.isArray(records)) throw new Error('The saved file has no list of records.');
  for (const record of records) onRecord(propertyId(record, idField, geojson), JSON.stringify(record));
}

async function readNdjson(chunks: AsyncIterable<Uint8Array>, idField: string | undefined, onRecord: RecordObserver): Promise<void> {
  for await (const line of lines(chunks)) {
    if (line.trim()) emitJson(line, idField, false, onRecord);
  }
}

/** The text, with the line ending its header line uses. papaparse guesses it from its first
 * chunk otherwise, which goes wrong when a chunk ends before the first line does. */
async function withNewline(chunks: AsyncIterable<Uint8Array>): Promise<{ newline: '\r\n' | '\n'; text: AsyncIterable<string> }> {
  const iterator = decodeUtf8(chunks)[Symbol.asyncIterator]();
  let head = '';
  let result = await iterator.next();
  while (!result.done) {
    head += result.value;
    if (head.includes('\n')) break;
    result = await iterator.next();
  }
  const at = head.indexOf('\n');
  const newline = at > 0 && head[at - 1] === '\r' ? '\r\n' : '\n';
  async function* text() {
    if (head) yield head;
    if (result.done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { newline, text: text() };
}

/** Returns the header; calls `onRecord` with the cell array's JSON as canonical text. */
async function readCsv(chunks: AsyncIterable<Uint8Array>, idField: string | undefined, onRecord: RecordObserver): Promise<string[]> {
  const { newline, text } = await withNewline(chunks);
  return new Promise((resolve, reject) => {
    let header: string[] | undefined;
    let idColumn = -1;
    // Held back one step: the CRLF after the last record leaves a final empty row that is
    // not data, and only the end of input tells it apart from an empty one-column record.
    let held: string[] | undefined;
    const emit = (cells: string[]) => onRecord(idColumn >= 0 ? idKey(cells[idColumn]) : undefined, JSON.stringify(cells));
    Papa.parse(Readable.from(text) as unknown as File, {
      header: false,
      newline,
      dynamicTyping: false,
      skipEmptyLines: false,
      step: (result: Papa.ParseStepResult<string[]>) => {
        const cells = result.data;
        if (!header) {
          header = cells;
          idColumn = idField ? header.indexOf(idField) : -1;
          return;
        }
        if (held) emit(held);
        held = cells;
      },
      complete: () => {
        if (held && !(held.length === 1 && held[0] === '')) emit(held);
        resolve(header ?? []);
      },
      error: (error: Error) => reject(error),
    });
  });
}

/** Reads every record of a saved file. `idField` is the object id column, if the file has it. */
export async function readSavedRecords(
  format: SaveFormat,
  chunks: AsyncIterable<Uint8Array>,
  idField: string | undefined,
  onRecord: RecordObserver,
): Promise<void> {
  switch (format) {
    case 'csv':
      await readCsv(chunks, idField, onRecord);
      return;
    case 'ndjson':
      return readNdjson(chunks, idField, onRecord);
    case 'json':
      return readFramed(chunks, idField, false, onRecord);
    case 'geojson':
      return readFramed(chunks, idField, true, onRecord);
  }
}
