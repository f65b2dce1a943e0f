// The CSV save's fast path: turns the bytes of one FeatureServer /query answer (esri JSON,
// attributes only) straight into CSV bytes, without decoding the page to text or building
// an object per row. Pure.
//
// Why: parsing each page into objects and then encoding them cost the extension host about
// 2.5 µs a row, most of it JSON.parse and the garbage it leaves; this scan costs about
// 0.7 µs, so a save keeps pace with the portal (see BENCHMARKS.md).
//
// It must never change what is written: every value it does not copy verbatim goes through
// the same cell function the CsvEncoder uses, and anything unexpected (nested values,
// geometry, escaped keys, an error body, invalid or truncated JSON) makes `convert` return
// undefined so the caller parses the page the ordinary way, errors included. A test holds
// the output byte-identical to the encoder's over generated pages.

import type { CellValue } from '../portal/types';
import {
  ASCII, COLON, COMMA, CR, F_COMMA, F_ESCAPE, F_NON_ASCII, FALSE, JsonPageScanner, LBRACE, LF, MINUS, N_CANONICAL, NINE, NULL, QUOTE, RBRACE, RBRACKET,
  LBRACKET, SPACE, TRUE, ZERO, equalBytes, integerOrNumber, knownKey, startsWithKey, writeIsoUtc,
} from './jsonBytes';
import { utcPartsOf } from './values';

/** One CSV column as the encoder writes it. */
export interface EsriCsvColumn {
  name: string;
  /** Text columns: a plain string value is written as it came (after the quoting test). */
  text: boolean;
  /** Date columns: whole-number values are epoch milliseconds turned into ISO text. */
  date: boolean;
  /** The encoder's cell function: what this column writes for a value. */
  field: (value: CellValue | undefined) => string;
}

export interface ConvertedPage {
  /** CSV records (each ending in CRLF), UTF-8. Valid until the next `convert`, which
   * reuses the memory: write it (and await the write) before converting the next page. */
  bytes: Uint8Array;
  rows: number;
}

// What a scanned value is; `Missing` is implied by a stale stamp.
const T_STRING_PLAIN = 1; // ASCII, no escapes, no comma, no edge spaces: copied as is
const T_STRING = 2; // anything else: decoded and handed to the cell function
const T_NUMBER_CANONICAL = 3; // written by String(Number(text)) exactly as it came
const T_NUMBER = 4;
const T_TRUE = 5;
const T_FALSE = 6;
const T_NULL = 7;

const ATTRIBUTES_KEY = knownKey(ASCII('"attributes"'));

export class EsriJsonCsvConverter extends JsonPageScanner {
  private readonly count: number;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly types: Uint8Array;
  private readonly stamps: Int32Array;
  private readonly fixed: { missing: Uint8Array; true: Uint8Array; false: Uint8Array; null: Uint8Array }[];
  private readonly encoder = new TextEncoder();
  private readonly parts = new Int32Array(7);
  private stamp = 0;
  private rowsWritten = 0;

  /** Undefined when these columns cannot take the fast path (repeated names). Names such as
   * `__proto__` or `constructor` are fine: keys are looked up in a Map, and the ordinary path
   * reads own properties only (portal/cells), so both write the same cells. */
  static create(columns: readonly EsriCsvColumn[]): EsriJsonCsvConverter | undefined {
    const names = new Set(columns.map((c) => c.name));
    if (!columns.length || names.size !== columns.length) return undefined;
    return new EsriJsonCsvConverter(columns);
  }

  private constructor(private readonly columns: readonly EsriCsvColumn[]) {
    super();
    this.count = columns.length;
    columns.forEach((c, i) => this.byName.set(c.name, i));
    this.keysRemembered = 4 * this.count + 16;
    this.starts = new Int32Array(this.count);
    this.ends = new Int32Array(this.count);
    this.types = new Uint8Array(this.count);
    this.stamps = new Int32Array(this.count);
    const bytes = (text: string) => this.encoder.encode(text);
    this.fixed = columns.map((c) => ({
      missing: bytes(c.field(undefined)),
      true: bytes(c.field(true)),
      false: bytes(c.field(false)),
      null: bytes(c.field(null)),
    }));
  }

  /** CSV records for every feature of the page, or undefined when the page must take the
   * ordinary path. */
  convert(input: Uint8Array): ConvertedPage | undefined {
    // One output buffer for every page: a fresh one per page was most of the garbage a
    // save left behind. Hence the contract on ConvertedPage.bytes.
    const wanted = input.length + (input.length >> 2) + 1024;
    if (this.out.length < wanted) this.out = new Uint8Array(wanted);
    this.pos = 0;
    if (!this.scanPage(input)) return undefined;
    return { bytes: this.out.subarray(0, this.pos), rows: this.rowsWritten };
  }

  /** Writes a record per feature; the index after the array, or -1. */
  protected features(input: Uint8Array, i: number): number {
    this.rowsWritten = 0;
    if (input[i] !== LBRACKET) return -1;
    i = this.ws(input, i + 1);
    if (input[i] === RBRACKET) return i + 1;
    for (;;) {
      i = this.feature(input, i);
      if (i < 0) return -1;
      this.rowsWritten++;
      i = this.ws(input, i);
      if (input[i] === COMMA) {
        i = this.ws(input, i + 1);
        continue;
      }
      return input[i] === RBRACKET ? i + 1 : -1;
    }
  }

  /** Writes the record of one `{"attributes": {...}}`; the index after it, or -1. A feature
   * without attributes (or with `null`) is a record of missing cells, as the ordinary path
   * reads it. */
  private feature(input: Uint8Array, i: number): number {
    const recordStart = this.pos;
    // A fresh stamp: values of the previous feature no longer count.
    this.stamp++;
    if (input[i] !== LBRACE) return -1;
    i = this.ws(input, i + 1);
    if (input[i] === RBRACE) return this.endRecord(input, 0, i + 1);
    for (;;) {
      if (input[i] !== QUOTE) return -1;
      if (!startsWithKey(this.view, input, i, ATTRIBUTES_KEY)) return -1;
      i = this.ws(input, i + ATTRIBUTES_KEY.bytes.length);
      if (input[i] !== COLON) return -1;
      i = this.ws(input, i + 1);
      // A repeated member replaces the earlier one's record, as JSON.parse keeps the last.
      this.stamp++;
      this.pos = recordStart;
      if (input[i] === LBRACE) i = this.attributes(input, i);
      else if (equalBytes(input, i, i + 4, NULL)) i = this.endRecord(input, 0, i + 4);
      else return -1;
      if (i < 0) return -1;
      i = this.ws(input, i);
      if (input[i] === COMMA) {
        i = this.ws(input, i + 1);
        continue;
      }
      return input[i] === RBRACE ? i + 1 : -1;
    }
  }

  /** Scans an attributes object. While its keys come in column order (nearly always) each
   * value is written as soon as it is scanned; otherwise the record is rewound and written
   * from the value table once the object ends. Returns the index after it, or -1. */
  private attributes(input: Uint8Array, i: number, table = false): number {
    const objectStart = i;
    const recordStart = this.pos;
    let next = 0;
    i = this.ws(input, i + 1);
    if (input[i] === RBRACE) return this.endRecord(input, next, i + 1);
    for (let position = 0; ; position++) {
      if (input[i] !== QUOTE) return -1;
      // The key seen last time at this position is tried first; its bytes end with the
      // closing quote, so a match is that whole key.
      const known = this.keyAt[position];
      let column: number;
      let keyEnd: number;
      if (known && startsWithKey(this.view, input, i, known)) {
        column = this.columnAt[position];
        keyEnd = i + known.bytes.length;
      } else {
        keyEnd = this.scanString(input, i);
        if (keyEnd < 0) return -1;
        column = this.columnFor(input, i, keyEnd, position);
      }
      i = input[keyEnd] === COLON ? keyEnd : this.ws(input, keyEnd);
      if (input[i] !== COLON) return -1;
      i = input[i + 1] > SPACE ? i + 1 : this.ws(input, i + 1);
      const start = i;
      let type: number;
      const c = input[i];
      if (c === QUOTE) {
        i = this.scanString(input, i);
        if (i < 0) return -1;
        const flags = this.flags;
        type = flags & (F_ESCAPE | F_NON_ASCII | F_COMMA) || input[start + 1] === SPACE || input[i - 2] === SPACE ? T_STRING : T_STRING_PLAIN;
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        i = this.scanNumber(input, i);
        if (i < 0) return -1;
        type = this.flags & N_CANONICAL ? T_NUMBER_CANONICAL : T_NUMBER;
      } else if (c === 0x74 && equalBytes(input, i, i + 4, TRUE)) {
        i += 4;
        type = T_TRUE;
      } else if (c === 0x66 && equalBytes(input, i, i + 5, FALSE)) {
        i += 5;
        type = T_FALSE;
      } else if (c === 0x6e && equalBytes(input, i, i + 4, NULL)) {
        i += 4;
        type = T_NULL;
      } else {
        // Nested objects and arrays are flattened by the ordinary path; invalid text fails there.
        return -1;
      }
      if (column < 0) {
        // Not a saved column: scanned (so the page is still validated) and dropped.
      } else if (table) {
        this.starts[column] = start;
        this.ends[column] = i;
        this.types[column] = type;
        this.stamps[column] = this.stamp;
      } else if (column === next) {
        // The two commonest cells, plain text and numbers copied as they came, are written
        // here; the rest by cell().
        if ((type === T_STRING_PLAIN && this.columns[column].text) || (type === T_NUMBER_CANONICAL && !this.columns[column].date)) {
          const from = type === T_STRING_PLAIN ? start + 1 : start;
          const to = type === T_STRING_PLAIN ? i - 1 : i;
          this.ensure(to - from + 1);
          const out = this.out;
          let pos = this.pos;
          if (column > 0) out[pos++] = COMMA;
          for (let j = from; j < to; j++) out[pos++] = input[j];
          this.pos = pos;
        } else {
          this.cell(input, column, type, start, i);
        }
        next++;
      } else {
        // Out of order or repeated: the object is read again into the value table, and its
        // record written from there.
        this.pos = recordStart;
        return this.attributes(input, objectStart, true);
      }
      if (input[i] <= SPACE) i = this.ws(input, i);
      if (input[i] === COMMA) {
        i = input[i + 1] > SPACE ? i + 1 : this.ws(input, i + 1);
        continue;
      }
      return input[i] === RBRACE ? this.endRecord(input, next, i + 1) : -1;
    }
  }

  /** Finishes the record of an attributes object that ended at `end`, columns `written` and
   * on: from the value table when the object was read into it, else as missing (a column the
   * object did not name). */
  private endRecord(input: Uint8Array, written: number, end: number): number {
    for (let c = written; c < this.count; c++) {
      if (this.stamps[c] === this.stamp) this.cell(input, c, this.types[c], this.starts[c], this.ends[c]);
      else this.missing(c);
    }
    this.ensure(2);
    this.out[this.pos++] = CR;
    this.out[this.pos++] = LF;
    return end;
  }

  /** Writes column `c`'s cell (after its comma) from the value scanned at start..end. */
  private cell(input: Uint8Array, c: number, type: number, start: number, end: number): void {
    this.ensure(end - start + 1);
    if (c > 0) this.out[this.pos++] = COMMA;
    const column = this.columns[c];
    switch (type) {
      case T_STRING_PLAIN:
        if (column.text) this.copy(input, start + 1, end - 1);
        else this.text(column.field(this.decoder.decode(input.subarray(start + 1, end - 1))));
        break;
      case T_STRING: {
        const raw = this.decoder.decode(input.subarray(start, end));
        this.text(column.field(raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1)));
        break;
      }
      case T_NUMBER_CANONICAL:
        if (!column.date) this.copy(input, start, end);
        else this.date(column, integerOrNumber(input, start, end));
        break;
      case T_NUMBER:
        this.text(column.field(Number(this.decoder.decode(input.subarray(start, end)))));
        break;
      case T_TRUE:
        this.bytes(this.fixed[c].true);
        break;
      case T_FALSE:
        this.bytes(this.fixed[c].false);
        break;
      default:
        this.bytes(this.fixed[c].null);
    }
  }

  private missing(c: number): void {
    this.ensure(1);
    if (c > 0) this.out[this.pos++] = COMMA;
    this.bytes(this.fixed[c].missing);
  }

  /** An epoch-ms date as the date cell function writes it (ISO 8601, UTC, milliseconds),
   * digits straight into the output: a save writes a million of them. */
  private date(column: EsriCsvColumn, ms: number): void {
    const p = this.parts;
    if (!utcPartsOf(ms, p)) {
      this.text(column.field(ms));
      return;
    }
    this.ensure(24);
    writeIsoUtc(this.out, this.pos, p);
    this.pos += 24;
  }

  /** A cell function's text, UTF-8. Short ASCII (dates, numbers) is copied by hand: a
   * native write per cell costs more than the loop. */
  private text(value: string): void {
    const length = value.length;
    this.ensure(length * 3);
    const out = this.out;
    if (length <= 32) {
      let pos = this.pos;
      let j = 0;
      for (; j < length; j++) {
        const c = value.charCodeAt(j);
        if (c >= 0x80) break;
        out[pos++] = c;
      }
      if (j === length) {
        this.pos = pos;
        return;
      }
    }
    this.pos += this.encoder.encodeInto(value, out.subarray(this.pos)).written;
  }
}

