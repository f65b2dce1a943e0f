// Tokens and literal text for the fake portal's `where` engine (see where.ts): a hand-written
// scanner, the WhereError every stage throws, and the date text ArcGIS literals use.

/** A where or orderBy clause the engine refuses; the message fits an ArcGIS error's `details`. */
export class WhereError extends Error {
  /** 1-based character position of the problem in the clause, when one can be named. */
  readonly position?: number;

  constructor(message: string, position?: number) {
    super(position === undefined ? message : `${message} at position ${position}`);
    this.name = 'WhereError';
    this.position = position;
  }
}

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'symbol' | 'end';

export interface Token {
  kind: TokenKind;
  /** word: as written; quoted and string: unescaped; number: as written; symbol: the operator. */
  text: string;
  /** Upper-cased `text` for words, so keyword tests are case-insensitive; '' otherwise. */
  upper: string;
  /** 1-based position of the token's first character, as reported in errors. */
  position: number;
  numberValue?: number;
}

// Letters of any script, as ArcGIS field names may carry them; `$#@` appear in some
// enterprise geodatabase names.
const WORD = /[\p{L}_][\p{L}\p{N}_$#@]*/uy;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const WORD_CHAR = /[\p{L}\p{N}_$#@]/u;
const TWO_CHAR_SYMBOLS = new Set(['<>', '!=', '<=', '>=', '||']);
const ONE_CHAR_SYMBOLS = new Set(['=', '<', '>', '(', ')', ',', '+', '-', '*', '/']);

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const length = source.length;
  let i = 0;
  while (i < length) {
    const code = source.charCodeAt(i);
    // Space, tab, newlines, form feed, no-break space: URL-encoded clauses carry all of them.
    if (code === 32 || (code >= 9 && code <= 13) || code === 0xa0) {
      i++;
      continue;
    }
    const position = i + 1;
    if (code === 39 /* ' */) {
      const [text, end] = readQuoted(source, i, "'", 'string literal');
      tokens.push({ kind: 'string', text, upper: '', position });
      i = end;
      continue;
    }
    if (code === 34 /* " */) {
      const [text, end] = readQuoted(source, i, '"', 'quoted field name');
      if (text.length === 0) throw new WhereError('Invalid where clause: empty quoted field name', position);
      tokens.push({ kind: 'quoted', text, upper: '', position });
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(source);
    if (number) {
      const end = i + number[0].length;
      if (end < length && WORD_CHAR.test(source[end])) {
        throw new WhereError(`Invalid where clause: malformed number '${source.slice(i, end + 1)}'`, position);
      }
      tokens.push({ kind: 'number', text: number[0], upper: '', position, numberValue: Number(number[0]) });
      i = end;
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(source);
    if (word) {
      const end = i + word[0].length;
      // N'...' is SQL Server's national string literal; hosted layers accept it.
      if ((word[0] === 'N' || word[0] === 'n') && source.charCodeAt(end) === 39) {
        const [text, stringEnd] = readQuoted(source, end, "'", 'string literal');
        tokens.push({ kind: 'string', text, upper: '', position });
        i = stringEnd;
        continue;
      }
      tokens.push({ kind: 'word', text: word[0], upper: word[0].toUpperCase(), position });
      i = end;
      continue;
    }
    const pair = source.slice(i, i + 2);
    // Refused rather than skipped: a comment in a URL parameter is an injection attempt.
    if (pair === '--' || pair === '/*') throw new WhereError('Invalid where clause: comments are not allowed', position);
    if (TWO_CHAR_SYMBOLS.has(pair)) {
      tokens.push({ kind: 'symbol', text: pair, upper: '', position });
      i += 2;
      continue;
    }
    if (ONE_CHAR_SYMBOLS.has(source[i])) {
      tokens.push({ kind: 'symbol', text: source[i], upper: '', position });
      i++;
      continue;
    }
    const shown = String.fromCodePoint(source.codePointAt(i) ?? code);
    throw new WhereError(`Invalid where clause: unexpected character '${shown}'`, position);
  }
  tokens.push({ kind: 'end', text: '', upper: '', position: length + 1 });
  return tokens;
}

/** Reads a quoted run starting at `start` (the opening quote); a doubled quote stands for one. */
function readQuoted(source: string, start: number, quote: string, what: string): [string, number] {
  let text = '';
  let from = start + 1;
  for (;;) {
    const close = source.indexOf(quote, from);
    if (close < 0) throw new WhereError(`Invalid where clause: unterminated ${what}`, start + 1);
    text += source.slice(from, close);
    if (source[close + 1] === quote) {
      text += quote;
      from = close + 2;
      continue;
    }
    return [text, close + 1];
  }
}

const DATE_TEXT = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?Z?$/;

/**
 * Epoch milliseconds (UTC) of `YYYY-MM-DD` or `YYYY-MM-DD HH:MM[:SS[.fff]]`, or undefined when
 * the text is not such a date or names a day that does not exist. ArcGIS hosted layers keep
 * dates in UTC, so no time zone is applied.
 */
export function parseDateText(text: string, allowTime: boolean): number | undefined {
  const match = DATE_TEXT.exec(text.trim());
  if (!match) return undefined;
  if (!allowTime && match[4] !== undefined) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const hour = Number(match[4] ?? 0);
  const minute = Number(match[5] ?? 0);
  const second = Number(match[6] ?? 0);
  const millis = match[7] ? Math.floor(Number(match[7]) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  // Not Date.UTC: it reads years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  // Feb 30 would roll into March; a literal naming a missing day is an error instead.
  if (date.getUTCDate() !== day) return undefined;
  return date.getTime();
}
