// JSON scanning over the raw bytes of a FeatureServer /query page, shared by the saves'
// fast paths (esri JSON to CSV, GeoJSON to GeoJSON): validating string and number scans,
// key matching, and the walk over a page's top level that finds its `features`. Pure.

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const SPACE = 0x20;
export const MINUS = 0x2d;
export const DOT = 0x2e;
export const ZERO = 0x30;
export const NINE = 0x39;
export const CR = 0x0d;
export const LF = 0x0a;

// scanString's findings about the last string.
export const F_ESCAPE = 1;
export const F_NON_ASCII = 2;
export const F_COMMA = 4;

// scanNumber's finding about the last number.
export const N_CANONICAL = 1;

/** Whitespace as JSON defines it. */
export function isWs(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === 0x09;
}

function isHex(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Non-zero for the bytes a JSON string scan must look at: quote, backslash, control
 * characters, non-ASCII and the comma (which makes a CSV cell need quotes). */
const STRING_BYTE = new Uint8Array(256).map((_, c) => (c === QUOTE || c === BACKSLASH || c < SPACE || c >= 0x80 || c === COMMA ? 1 : 0));

export const ASCII = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const FEATURES_KEY = ASCII('"features"');
export const TRUE = ASCII('true');
export const FALSE = ASCII('false');
export const NULL = ASCII('null');

/** The scans a fast path needs, the page walk and the output buffer it writes to; a subclass
 * reads the features array. */
export abstract class JsonPageScanner {
  /** The output, reused from page to page (see ConvertedPage's reuse contract), and its end. */
  protected out = new Uint8Array(0);
  protected pos = 0;
  /** What the last scanString / scanNumber found (F_* or N_CANONICAL). */
  protected flags = 0;
  protected readonly decoder = new TextDecoder();
  protected view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** Column of each saved name; keys seen at each member position, and their columns. */
  protected readonly byName = new Map<string, number>();
  protected readonly keyAt: (KnownKey | undefined)[] = [];
  protected readonly columnAt: number[] = [];
  /** How many member positions columnFor remembers. */
  protected keysRemembered = 0;

  protected ensure(extra: number): void {
    if (this.pos + extra <= this.out.length) return;
    const bigger = new Uint8Array(Math.max(this.out.length * 2, this.pos + extra + 1024));
    bigger.set(this.out.subarray(0, this.pos));
    this.out = bigger;
  }

  protected copy(input: Uint8Array, start: number, end: number): void {
    const length = end - start;
    this.ensure(length);
    const out = this.out;
    let pos = this.pos;
    // A short run is copied by hand: a native call per value costs more than the loop.
    if (length < 48) {
      for (let j = start; j < end; j++) out[pos++] = input[j];
    } else {
      out.set(input.subarray(start, end), pos);
      pos += length;
    }
    this.pos = pos;
  }

  protected bytes(chunk: Uint8Array): void {
    this.copy(chunk, 0, chunk.length);
  }

  /** Reads the `features` array opening at `i` (whatever the subclass writes for it); the
   * index after the array, or -1 when the page must take the ordinary path. */
  protected abstract features(input: Uint8Array, i: number): number;

  /** Walks a page `{..., "features": [...], ...}`, handing the array to `features`. False
   * when the page must take the ordinary path. */
  protected scanPage(input: Uint8Array): boolean {
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    let i = 0;
    if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) i = 3;
    i = this.ws(input, i);
    if (input[i] !== LBRACE) return false;
    i = this.ws(input, i + 1);
    let featuresStart = -1;
    let featuresEnd = -1;
    if (input[i] === RBRACE) return false;
    for (;;) {
      if (input[i] !== QUOTE) return false;
      const keyEnd = this.scanString(input, i);
      if (keyEnd < 0 || this.flags & F_ESCAPE) return false;
      const isFeatures = equalBytes(input, i, keyEnd, FEATURES_KEY);
      i = this.ws(input, keyEnd);
      if (input[i] !== COLON) return false;
      i = this.ws(input, i + 1);
      if (isFeatures) {
        if (featuresStart >= 0) return false;
        featuresStart = i;
        const end = this.features(input, i);
        if (end < 0) return false;
        featuresEnd = i = end;
      } else {
        i = skipValue(input, i);
        if (i < 0) return false;
      }
      i = this.ws(input, i);
      if (input[i] === COMMA) {
        i = this.ws(input, i + 1);
        continue;
      }
      if (input[i] !== RBRACE) return false;
      i = this.ws(input, i + 1);
      break;
    }
    if (i !== input.length || featuresStart < 0) return false;
    // Everything but the features goes through JSON.parse: it is small, and this way an
    // invalid member anywhere, or an ArcGIS error answer, still sends the page the
    // ordinary way.
    let rest: unknown;
    try {
      rest = JSON.parse(this.decoder.decode(input.subarray(0, featuresStart)) + '[]' + this.decoder.decode(input.subarray(featuresEnd)));
    } catch {
      return false;
    }
    if (!rest || typeof rest !== 'object' || Array.isArray(rest) || 'error' in rest) return false;
    const features = (rest as { features?: unknown }).features;
    return Array.isArray(features) && features.length === 0;
  }

  /** The column a key names (-1: not saved), remembered for the next feature. */
  protected columnFor(input: Uint8Array, start: number, end: number, position: number): number {
    const raw = this.decoder.decode(input.subarray(start, end));
    const name = this.flags & F_ESCAPE ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    const column = this.byName.get(name) ?? -1;
    if (position < this.keysRemembered) {
      this.keyAt[position] = knownKey(input.slice(start, end));
      this.columnAt[position] = column;
    }
    return column;
  }

  protected ws(input: Uint8Array, i: number): number {
    while (i < input.length && isWs(input[i])) i++;
    return i;
  }

  /** Validates the string opening at `i`; the index after its closing quote, or -1.
   * Leaves F_ESCAPE / F_NON_ASCII / F_COMMA in `flags`. */
  protected scanString(input: Uint8Array, i: number): number {
    let flags = 0;
    const length = input.length;
    for (let j = i + 1; j < length; j++) {
      const c = input[j];
      // One table load tells the ordinary byte (nearly all of them) from the five kinds
      // that matter.
      const kind = STRING_BYTE[c];
      if (kind === 0) continue;
      if (c === QUOTE) {
        this.flags = flags;
        return j + 1;
      }
      if (c === BACKSLASH) {
        flags |= F_ESCAPE;
        const e = input[++j];
        if (e === 0x75) {
          if (!(isHex(input[j + 1]) && isHex(input[j + 2]) && isHex(input[j + 3]) && isHex(input[j + 4]))) return -1;
          j += 4;
        } else if (!(e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) {
          return -1;
        }
      } else if (c < SPACE) {
        return -1;
      } else if (c >= 0x80) {
        flags |= F_NON_ASCII;
      } else if (c === COMMA) {
        flags |= F_COMMA;
      }
    }
    return -1;
  }

  /** Validates the JSON number at `i`; the index after it, or -1. N_CANONICAL in `flags`
   * when String(Number(text)) gives the text back: no exponent, no trailing fraction
   * zeros, not -0, at most 15 significant digits (every such decimal survives the
   * round trip through a double) and not so small that JavaScript would print an exponent. */
  protected scanNumber(input: Uint8Array, i: number): number {
    const negative = input[i] === MINUS;
    if (negative) i++;
    const intStart = i;
    if (input[i] === ZERO) i++;
    else if (input[i] >= 0x31 && input[i] <= NINE) while (input[i] >= ZERO && input[i] <= NINE) i++;
    else return -1;
    const intDigits = i - intStart;
    const zeroInt = intDigits === 1 && input[intStart] === ZERO;
    let canonical = true;
    if (input[i] === DOT) {
      const fracStart = ++i;
      while (input[i] >= ZERO && input[i] <= NINE) i++;
      const fracDigits = i - fracStart;
      if (fracDigits === 0) return -1;
      if (input[i - 1] === ZERO) canonical = false;
      let significant = intDigits + fracDigits;
      if (zeroInt) {
        let leading = 0;
        while (leading < fracDigits && input[fracStart + leading] === ZERO) leading++;
        if (leading >= 6) canonical = false;
        significant = fracDigits - leading;
      }
      if (significant > 15) canonical = false;
    } else {
      if (intDigits > 15 || (negative && zeroInt)) canonical = false;
    }
    const e = input[i];
    if (e === 0x65 || e === 0x45) {
      canonical = false;
      i++;
      if (input[i] === 0x2b || input[i] === MINUS) i++;
      const expStart = i;
      while (input[i] >= ZERO && input[i] <= NINE) i++;
      if (i === expStart) return -1;
    }
    this.flags = canonical ? N_CANONICAL : 0;
    return i;
  }

}

/** The value of a canonical number: integers of up to 15 digits are summed digit by digit
 * (exact, and no string per cell); the rest go through Number. */
export function integerOrNumber(input: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = input[i] === MINUS;
  if (negative) i++;
  let value = 0;
  for (; i < end; i++) {
    const c = input[i];
    if (c < ZERO || c > NINE) return Number(String.fromCharCode(...input.subarray(start, end)));
    value = value * 10 + (c - ZERO);
  }
  return negative ? -value : value;
}

/** An instant's UTC parts (utcPartsOf) as the ISO text isoFromEpochMs writes, 24 bytes at
 * `pos`: digits straight into the output, as a save writes a million of them. */
export function writeIsoUtc(out: Uint8Array, pos: number, p: Int32Array): void {
  writeDigits(out, pos, p[0], 4);
  out[pos + 4] = MINUS;
  writeTwoDigits(out, pos + 5, p[1]);
  out[pos + 7] = MINUS;
  writeTwoDigits(out, pos + 8, p[2]);
  out[pos + 10] = 0x54; // T
  writeTwoDigits(out, pos + 11, p[3]);
  out[pos + 13] = COLON;
  writeTwoDigits(out, pos + 14, p[4]);
  out[pos + 16] = COLON;
  writeTwoDigits(out, pos + 17, p[5]);
  out[pos + 19] = DOT;
  writeDigits(out, pos + 20, p[6], 3);
  out[pos + 23] = 0x5a; // Z
}

/** 0-99 as two digits at `pos`: month, day, hours, minutes, seconds. */
export function writeTwoDigits(out: Uint8Array, pos: number, value: number): void {
  const tens = (value / 10) | 0;
  out[pos] = ZERO + tens;
  out[pos + 1] = ZERO + value - tens * 10;
}

/** `value` as `width` decimal digits (zero-padded) at `pos`. */
export function writeDigits(out: Uint8Array, pos: number, value: number, width: number): void {
  for (let k = width - 1; k >= 0; k--) {
    const digit = value % 10;
    out[pos + k] = ZERO + digit;
    value = ((value - digit) / 10) | 0;
  }
}

/** A key's bytes (quotes included), also as little-endian 32-bit words: comparing keys four
 * bytes at a time was the scan's largest single cost. */
export interface KnownKey {
  bytes: Uint8Array;
  words: Uint32Array;
}

export function knownKey(bytes: Uint8Array): KnownKey {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = new Uint32Array(bytes.length >> 2);
  for (let w = 0; w < words.length; w++) words[w] = view.getUint32(w * 4, true);
  return { bytes, words };
}

/** Whether `key` occurs in `input` (seen through `view`) at `start`. */
export function startsWithKey(view: DataView, input: Uint8Array, start: number, key: KnownKey): boolean {
  const bytes = key.bytes;
  const length = bytes.length;
  if (start + length > input.length) return false;
  const words = key.words;
  for (let w = 0; w < words.length; w++) if (view.getUint32(start + w * 4, true) !== words[w]) return false;
  for (let j = words.length * 4; j < length; j++) if (input[start + j] !== bytes[j]) return false;
  return true;
}

export function equalBytes(input: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length || end > input.length) return false;
  for (let j = 0; j < expected.length; j++) if (input[start + j] !== expected[j]) return false;
  return true;
}

/** Skips any JSON value (strings exactly, containers by depth); the index after it, or -1.
 * Lenient on purpose: what it skips is validated afterwards by JSON.parse. */
export function skipValue(input: Uint8Array, i: number): number {
  let depth = 0;
  const length = input.length;
  for (; i < length; i++) {
    const c = input[i];
    if (c === QUOTE) {
      for (i++; i < length && input[i] !== QUOTE; i++) if (input[i] === BACKSLASH) i++;
      if (i >= length) return -1;
      if (depth === 0) return i + 1;
    } else if (c === LBRACE || c === LBRACKET) {
      depth++;
    } else if (c === RBRACE || c === RBRACKET) {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === COMMA || isWs(c))) {
      return i;
    }
  }
  return depth === 0 ? i : -1;
}
