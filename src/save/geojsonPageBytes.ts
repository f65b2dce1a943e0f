// The GeoJSON save's fast path: turns the bytes of one FeatureServer `f=geojson` /query
// answer straight into the saved file's feature lines, copying each geometry and each plain
// property value as it came instead of JSON.parse of the page and JSON.stringify of every
// feature. Pure.
//
// It must never change what is written. The ordinary path writes, per feature,
// JSON.stringify({type: 'Feature', id?, geometry, properties}) with the properties typed by
// their column and in the order JavaScript gives the plan's names; so a geometry is copied
// only when its bytes are already what JSON.stringify would write (else that geometry alone
// is parsed and stringified), a value only when typing keeps it and its text is canonical
// (else it is decoded, typed and stringified). Anything unexpected (an unknown shape, an
// escaped member name, a geometry outside WGS84, an error body, invalid or truncated JSON)
// makes `convert` return undefined so the caller parses the page the ordinary way, errors
// included. A test holds the output byte-identical to the encoder's.

import { setCell } from '../portal/cells';
import type { CellValue, GeoJsonGeometry } from '../portal/types';
import type { ConvertedPage } from './esriJsonCsv';
import {
  ASCII, COLON, COMMA, DOT, F_ESCAPE, F_NON_ASCII, FALSE, JsonPageScanner, LBRACE, LBRACKET, MINUS, N_CANONICAL, NINE, NULL, QUOTE, RBRACE, RBRACKET,
  SPACE, TRUE, ZERO, equalBytes, integerOrNumber, isWs, knownKey, startsWithKey, writeIsoUtc, type KnownKey,
} from './jsonBytes';
import { assertWgs84, utcPartsOf, type SavedValue } from './values';

/** One property of the saved features, as the GeoJSON encoder types it. */
export interface GeoJsonColumn {
  name: string;
  /** 'number': integer, double and object id columns (a string value may become a number);
   * 'date': epoch-ms numbers become ISO text; 'text': every value is kept as it came. */
  kind: 'text' | 'number' | 'date';
  /** The encoder's typing of a value for this column. */
  typed: (value: CellValue | undefined) => SavedValue;
}

// What a scanned property value is; missing is a stale stamp.
const T_STRING_PLAIN = 1; // ASCII, no escapes: JSON.stringify writes it back as it came
const T_STRING = 2;
const T_NUMBER_CANONICAL = 3; // String(Number(text)) gives the text back
const T_NUMBER = 4;
const T_TRUE = 5;
const T_FALSE = 6;
const T_NULL = 7;
const T_NESTED = 8; // an object or array: the ordinary path saves its JSON text

/** Nesting deeper than this goes the ordinary way (and keeps the scan off the stack's end). */
const MAX_DEPTH = 64;
/** Members of one geometry object checked for repeats; more go the ordinary way. */
const MAX_KEYS = 16;

const TYPE_KEY = knownKey(ASCII('"type"'));
const ID_KEY = knownKey(ASCII('"id"'));
const GEOMETRY_KEY = knownKey(ASCII('"geometry"'));
const PROPERTIES_KEY = knownKey(ASCII('"properties"'));
const COORDINATES_KEY = ASCII('"coordinates"');
const FEATURE_START = ASCII('{"type":"Feature",');
const ID_PREFIX = ASCII('"id":');
const GEOMETRY_PREFIX = ASCII('"geometry":');
const PROPERTIES_PREFIX = ASCII(',"properties":{');
const SEPARATOR = ASCII(',\n');
const COMMA_BYTE = ASCII(',');

/** How a copied geometry's first position stands against WGS84 (assertWgs84). */
const WGS84_OK = 0;
const WGS84_OUTSIDE = 1;
const WGS84_UNKNOWN = 2;

export class GeoJsonPageConverter extends JsonPageScanner {
  private readonly count: number;
  /** Columns in the order JSON.stringify writes the properties object's keys. */
  private readonly order: number[];
  /** `"name":` per column, with its leading comma where it is not the first key written. */
  private readonly keyBytes: Uint8Array[];
  private readonly idColumn: number;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly types: Uint8Array;
  private readonly stamps: Int32Array;
  private readonly encoder = new TextEncoder();
  private readonly parts = new Int32Array(7);
  private stamp = 0;
  private rowsWritten = 0;
  private first = true;
  // The feature being read: where its geometry is (-1: none) and whether its bytes are
  // canonical, and where its coordinates are.
  private geometryStart = -1;
  private geometryEnd = -1;
  private canonical = true;
  private coordinatesAt = -1;
  private readonly keyStarts = new Int32Array(MAX_KEYS * MAX_DEPTH);
  private readonly keyEnds = new Int32Array(MAX_KEYS * MAX_DEPTH);

  /** Undefined when these columns cannot take the fast path (repeated names). */
  static create(columns: readonly GeoJsonColumn[], idField: string | undefined): GeoJsonPageConverter | undefined {
    if (new Set(columns.map((c) => c.name)).size !== columns.length) return undefined;
    return new GeoJsonPageConverter(columns, idField);
  }

  private constructor(private readonly columns: readonly GeoJsonColumn[], idField: string | undefined) {
    super();
    this.count = columns.length;
    columns.forEach((c, i) => this.byName.set(c.name, i));
    this.keysRemembered = 4 * this.count + 16;
    // An object puts integer-like keys first, in numeric order: the key order of an object
    // built as the encoder builds it is the order it is written in.
    const template: Record<string, number> = {};
    columns.forEach((c, i) => setCell(template, c.name, i));
    this.order = Object.keys(template).map((name) => this.byName.get(name)!);
    this.keyBytes = columns.map(() => new Uint8Array(0));
    this.order.forEach((c, k) => {
      this.keyBytes[c] = this.encoder.encode(`${k ? ',' : ''}${JSON.stringify(columns[c].name)}:`);
    });
    this.idColumn = idField === undefined ? -1 : (this.byName.get(idField) ?? -1);
    this.starts = new Int32Array(this.count);
    this.ends = new Int32Array(this.count);
    this.types = new Uint8Array(this.count);
    this.stamps = new Int32Array(this.count);
  }

  /** Feature lines for every feature of the page, each after the `,\n` that separates it
   * from the one before (none before the file's first feature, when `first`); undefined when
   * the page must take the ordinary path. ConvertedPage's reuse contract holds. */
  convert(input: Uint8Array, first: boolean): ConvertedPage | undefined {
    const wanted = input.length + (input.length >> 1) + 1024;
    if (this.out.length < wanted) this.out = new Uint8Array(wanted);
    this.pos = 0;
    this.first = first;
    if (!this.scanPage(input)) return undefined;
    return { bytes: this.out.subarray(0, this.pos), rows: this.rowsWritten };
  }

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

  /** Reads one feature and writes its line; the index after it, or -1. */
  private feature(input: Uint8Array, i: number): number {
    this.stamp++;
    this.geometryStart = -1;
    if (input[i] !== LBRACE) return -1;
    i = this.ws(input, i + 1);
    if (input[i] !== RBRACE) {
      for (;;) {
        if (input[i] !== QUOTE) return -1;
        let keyEnd: number;
        let member: KnownKey | undefined;
        if (startsWithKey(this.view, input, i, PROPERTIES_KEY)) member = PROPERTIES_KEY;
        else if (startsWithKey(this.view, input, i, GEOMETRY_KEY)) member = GEOMETRY_KEY;
        else if (startsWithKey(this.view, input, i, TYPE_KEY)) member = TYPE_KEY;
        else if (startsWithKey(this.view, input, i, ID_KEY)) member = ID_KEY;
        if (member) {
          keyEnd = i + member.bytes.length;
        } else {
          // Any other member is ignored by the ordinary path; an escaped one might spell a
          // known name.
          keyEnd = this.scanString(input, i);
          if (keyEnd < 0 || this.flags & F_ESCAPE) return -1;
        }
        i = this.ws(input, keyEnd);
        if (input[i] !== COLON) return -1;
        i = this.ws(input, i + 1);
        const start = i;
        if (member === PROPERTIES_KEY) {
          // A repeated member replaces the earlier one, as JSON.parse keeps the last.
          this.stamp++;
          if (input[i] === LBRACE) i = this.properties(input, i);
          else if (equalBytes(input, i, i + 4, NULL)) i += 4;
          else return -1;
        } else if (member === GEOMETRY_KEY) {
          if (equalBytes(input, i, i + 4, NULL)) {
            i += 4;
            this.geometryStart = -1;
          } else {
            if (input[i] !== LBRACE) return -1;
            this.canonical = true;
            this.coordinatesAt = -1;
            i = this.value(input, i, 0);
            this.geometryStart = start;
            this.geometryEnd = i;
          }
        } else {
          // Not a geometry: depth 1, so a `coordinates` inside is not taken for its own.
          i = this.value(input, i, 1);
        }
        if (i < 0) return -1;
        i = this.ws(input, i);
        if (input[i] === COMMA) {
          i = this.ws(input, i + 1);
          continue;
        }
        if (input[i] !== RBRACE) return -1;
        break;
      }
    }
    return this.writeFeature(input) ? i + 1 : -1;
  }

  /** Reads a properties object into the value table; the index after it, or -1. */
  private properties(input: Uint8Array, i: number): number {
    i = this.ws(input, i + 1);
    if (input[i] === RBRACE) return i + 1;
    for (let position = 0; ; position++) {
      if (input[i] !== QUOTE) return -1;
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
        type = this.flags & (F_ESCAPE | F_NON_ASCII) ? T_STRING : T_STRING_PLAIN;
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
      } else if (c === LBRACE || c === LBRACKET) {
        i = this.value(input, i, 1);
        if (i < 0) return -1;
        type = T_NESTED;
      } else {
        return -1;
      }
      if (column >= 0) {
        this.starts[column] = start;
        this.ends[column] = i;
        this.types[column] = type;
        this.stamps[column] = this.stamp;
      }
      if (input[i] <= SPACE) i = this.ws(input, i);
      if (input[i] === COMMA) {
        i = input[i + 1] > SPACE ? i + 1 : this.ws(input, i + 1);
        continue;
      }
      return input[i] === RBRACE ? i + 1 : -1;
    }
  }

  /** Validates any JSON value at `i`; the index after it, or -1. Clears `canonical` when
   * JSON.stringify(JSON.parse(text)) would not give the bytes back, and notes where the
   * top object's `coordinates` are (depth 0 is a geometry). */
  private value(input: Uint8Array, i: number, depth: number): number {
    const c = input[i];
    if (c === QUOTE) {
      i = this.scanString(input, i);
      if (this.flags & (F_ESCAPE | F_NON_ASCII)) this.canonical = false;
      return i;
    }
    if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const start = i;
      i = this.scanNumber(input, i);
      if (i >= 0 && !(this.flags & N_CANONICAL) && this.canonical && !isJsNumber(input, start, i)) this.canonical = false;
      return i;
    }
    if (c === 0x74) return equalBytes(input, i, i + 4, TRUE) ? i + 4 : -1;
    if (c === 0x66) return equalBytes(input, i, i + 5, FALSE) ? i + 5 : -1;
    if (c === 0x6e) return equalBytes(input, i, i + 4, NULL) ? i + 4 : -1;
    if (depth >= MAX_DEPTH) return -1;
    if (c === LBRACKET) {
      i = this.spaced(input, i + 1);
      if (input[i] === RBRACKET) return i + 1;
      for (;;) {
        i = this.value(input, i, depth + 1);
        if (i < 0) return -1;
        i = this.spaced(input, i);
        if (input[i] === RBRACKET) return i + 1;
        if (input[i] !== COMMA) return -1;
        i = this.spaced(input, i + 1);
      }
    }
    if (c !== LBRACE) return -1;
    i = this.spaced(input, i + 1);
    if (input[i] === RBRACE) return i + 1;
    const keys = depth * MAX_KEYS;
    for (let n = 0; ; n++) {
      if (input[i] !== QUOTE) return -1;
      const keyStart = i;
      i = this.scanString(input, i);
      if (i < 0) return -1;
      // JSON.parse puts integer-like keys first and keeps a repeated key where it first
      // came: either changes the bytes.
      if (this.flags & (F_ESCAPE | F_NON_ASCII) || (input[keyStart + 1] >= ZERO && input[keyStart + 1] <= NINE) || n >= MAX_KEYS) {
        this.canonical = false;
      } else if (this.canonical) {
        for (let k = 0; k < n; k++) {
          if (equalBytes(input, keyStart, i, input.subarray(this.keyStarts[keys + k], this.keyEnds[keys + k]))) this.canonical = false;
        }
        this.keyStarts[keys + n] = keyStart;
        this.keyEnds[keys + n] = i;
      }
      const isCoordinates = depth === 0 && equalBytes(input, keyStart, i, COORDINATES_KEY);
      i = this.spaced(input, i);
      if (input[i] !== COLON) return -1;
      i = this.spaced(input, i + 1);
      if (isCoordinates) this.coordinatesAt = i;
      i = this.value(input, i, depth + 1);
      if (i < 0) return -1;
      i = this.spaced(input, i);
      if (input[i] === RBRACE) return i + 1;
      if (input[i] !== COMMA) return -1;
      i = this.spaced(input, i + 1);
    }
  }

  /** Skips whitespace, which JSON.stringify never writes. */
  private spaced(input: Uint8Array, i: number): number {
    if (!isWs(input[i])) return i;
    this.canonical = false;
    return this.ws(input, i);
  }

  /** Writes the line of the feature just read; false when the page must go the ordinary way. */
  private writeFeature(input: Uint8Array): boolean {
    if (this.rowsWritten > 0 || !this.first) this.bytes(SEPARATOR);
    this.bytes(FEATURE_START);
    const id = this.idColumn;
    if (id >= 0 && this.stamps[id] === this.stamp && this.types[id] !== T_NULL) {
      const before = this.pos;
      this.bytes(ID_PREFIX);
      if (this.property(input, id)) this.bytes(COMMA_BYTE);
      else this.pos = before;
    }
    this.bytes(GEOMETRY_PREFIX);
    if (this.geometryStart < 0) {
      this.bytes(NULL);
    } else {
      const check = this.canonical ? this.wgs84(input) : WGS84_UNKNOWN;
      if (check === WGS84_OUTSIDE) return false;
      if (check === WGS84_OK) {
        this.copy(input, this.geometryStart, this.geometryEnd);
      } else {
        // Only this geometry is parsed, and it is held to WGS84 as the encoder holds it.
        let geometry: GeoJsonGeometry;
        try {
          geometry = JSON.parse(this.decoder.decode(input.subarray(this.geometryStart, this.geometryEnd))) as GeoJsonGeometry;
          assertWgs84(geometry);
        } catch {
          return false;
        }
        this.text(JSON.stringify(geometry));
      }
    }
    this.bytes(PROPERTIES_PREFIX);
    for (const c of this.order) {
      this.bytes(this.keyBytes[c]);
      this.property(input, c);
    }
    this.ensure(2);
    this.out[this.pos++] = RBRACE;
    this.out[this.pos++] = RBRACE;
    return true;
  }

  /** Writes column `c`'s typed value as JSON.stringify would; false when that is null. */
  private property(input: Uint8Array, c: number): boolean {
    if (this.stamps[c] !== this.stamp) {
      this.bytes(NULL);
      return false;
    }
    const start = this.starts[c];
    const end = this.ends[c];
    const kind = this.columns[c].kind;
    switch (this.types[c]) {
      case T_NULL:
        this.bytes(NULL);
        return false;
      case T_TRUE:
      case T_FALSE:
        // Every kind keeps a boolean.
        this.copy(input, start, end);
        return true;
      case T_STRING_PLAIN:
        if (kind === 'text') {
          this.copy(input, start, end);
          return true;
        }
        return this.typed(c, this.decoder.decode(input.subarray(start + 1, end - 1)));
      case T_STRING:
        return this.typed(c, JSON.parse(this.decoder.decode(input.subarray(start, end))) as string);
      case T_NUMBER_CANONICAL:
        if (kind !== 'date') {
          this.copy(input, start, end);
          return true;
        }
        if (utcPartsOf(integerOrNumber(input, start, end), this.parts)) {
          this.ensure(26);
          this.out[this.pos++] = QUOTE;
          writeIsoUtc(this.out, this.pos, this.parts);
          this.pos += 24;
          this.out[this.pos++] = QUOTE;
          return true;
        }
        return this.typed(c, Number(this.decoder.decode(input.subarray(start, end))));
      case T_NUMBER:
        return this.typed(c, Number(this.decoder.decode(input.subarray(start, end))));
      default:
        // A nested value is saved as its JSON text, as portal rows carry it.
        return this.typed(c, JSON.stringify(JSON.parse(this.decoder.decode(input.subarray(start, end)))));
    }
  }

  private typed(c: number, value: CellValue): boolean {
    const typed = this.columns[c].typed(value);
    this.text(JSON.stringify(typed));
    return typed !== null;
  }

  /** assertWgs84 on the canonical geometry just read, from its bytes: the first position
   * (first element down the nested arrays of `coordinates`) must be within ±180, ±90. */
  private wgs84(input: Uint8Array): number {
    let i = this.coordinatesAt;
    if (i < 0 || input[i] !== LBRACKET) return WGS84_OK;
    while (input[i + 1] === LBRACKET) i++;
    i++;
    if (input[i] === RBRACKET) return WGS84_OK;
    const x = i;
    const xEnd = this.scanNumber(input, x);
    if (xEnd < 0 || !(this.flags & N_CANONICAL)) return WGS84_UNKNOWN;
    if (input[xEnd] === RBRACKET) return WGS84_OK;
    const y = xEnd + 1;
    const yEnd = this.scanNumber(input, y);
    if (yEnd < 0 || !(this.flags & N_CANONICAL)) return WGS84_UNKNOWN;
    return beyond(input, x, xEnd, 180) || beyond(input, y, yEnd, 90) ? WGS84_OUTSIDE : WGS84_OK;
  }

  private text(value: string): void {
    this.ensure(value.length * 3);
    this.pos += this.encoder.encodeInto(value, this.out.subarray(this.pos)).written;
  }
}

/** Whether JavaScript writes this valid JSON number back as the same text. */
function isJsNumber(input: Uint8Array, start: number, end: number): boolean {
  const text = String.fromCharCode(...input.subarray(start, end));
  return String(Number(text)) === text;
}

/** Whether the canonical number (no exponent) at start..end is, in absolute value, above
 * `limit` (an integer). */
function beyond(input: Uint8Array, start: number, end: number, limit: number): boolean {
  let i = input[start] === MINUS ? start + 1 : start;
  let whole = 0;
  for (; i < end && input[i] !== DOT; i++) {
    whole = whole * 10 + (input[i] - ZERO);
    if (whole > limit) return true;
  }
  // A canonical fraction has no trailing zeros, so any fraction is above zero.
  return whole === limit && i < end;
}
