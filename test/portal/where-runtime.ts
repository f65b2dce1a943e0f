// Run-time pieces of the where engine (see where.ts): field types and readers, the comparison
// closures on the hot path, SQL functions and the LIKE matcher. No parsing here.

import { parseDateText, WhereError } from './where-lexer';

export interface WhereField {
  name: string;
  /** esriFieldTypeOID|Integer|SmallInteger|Double|Single|String|Date|GlobalID|GUID (others are not queryable). */
  type: string;
}

export type Row = Record<string, unknown>;
export type Evaluate = (row: Row) => unknown;
export type ValueType = 'number' | 'string' | 'date';

export function valueTypeOfField(esriType: string): ValueType | undefined {
  switch (esriType.replace(/^esriFieldType/i, '').toLowerCase()) {
    case 'oid':
    case 'integer':
    case 'smallinteger':
    case 'biginteger':
    case 'double':
    case 'single':
      return 'number';
    case 'string':
    case 'globalid':
    case 'guid':
      return 'string';
    case 'date':
    case 'dateonly':
    case 'timestampoffset':
      return 'date';
    default:
      return undefined;
  }
}

// Slow paths of the field readers, taken only when a fixture stores the wrong JS type.
function toNumberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

function toStringOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  try {
    return typeof value === 'object' ? (JSON.stringify(value) ?? null) : String(value);
  } catch {
    return null; // BigInt inside an object, cycles, null-prototype objects: unreadable, so NULL.
  }
}

function toEpochOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === 'string') {
    const parsed = parseDateText(value, true) ?? Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

export function fieldReader(name: string, type: ValueType): Evaluate {
  switch (type) {
    case 'number':
      return (row) => {
        const value = row[name];
        return typeof value === 'number' ? value : toNumberOrNull(value);
      };
    case 'string':
      return (row) => {
        const value = row[name];
        return typeof value === 'string' ? value : toStringOrNull(value);
      };
    case 'date':
      return (row) => {
        const value = row[name];
        return typeof value === 'number' ? value : toEpochOrNull(value);
      };
  }
}

export class FieldIndex {
  private readonly byLowerName = new Map<string, WhereField>();

  constructor(fields: WhereField[]) {
    for (const field of fields) {
      const key = field.name.toLowerCase();
      if (!this.byLowerName.has(key)) this.byLowerName.set(key, field);
    }
  }

  /** The field and its value type; `purpose` completes "cannot be used in ...". */
  resolve(name: string, position: number, purpose: string): { field: WhereField; type: ValueType } {
    const field = this.byLowerName.get(name.toLowerCase());
    if (!field) throw new WhereError(`Invalid field: '${name}' is not a field of this layer`, position);
    const type = valueTypeOfField(field.type);
    if (!type) throw new WhereError(`Invalid field: '${field.name}' (${field.type}) cannot be used in ${purpose}`, position);
    return { field, type };
  }
}

// ---- comparison builders (the hot path: one closure per operator, no dispatch per row) ----

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export const FLIPPED: Record<CompareOp, CompareOp> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** SQL Server's default collation behind hosted layers (`..._CI_AS`): case-insensitive,
 * accent-sensitive, trailing spaces ignored (SQL pads the shorter string). Written here for
 * the fake on its own, not taken from the client, so a client bug is not mirrored. */
const SQL_COLLATOR = new Intl.Collator('en', { sensitivity: 'accent' });

function withoutTrailingSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Compares two strings as the server's collation does: <0, 0 or >0. */
export function collateText(a: string, b: string): number {
  return SQL_COLLATOR.compare(withoutTrailingSpaces(a), withoutTrailingSpaces(b));
}

/** Compares two non-null values of one type: strings by the collation, others by value. */
export function compareSqlValues(a: number | string, b: number | string): number {
  if (typeof a === 'string' && typeof b === 'string') return collateText(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

const TESTS: Record<CompareOp, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '<>': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

export function compareWithConstant(op: CompareOp, left: Evaluate, right: unknown): Evaluate {
  if (typeof right === 'string') {
    const test = TESTS[op];
    return (row) => {
      const a = left(row) as string | null;
      return a === null ? null : test(collateText(a, right));
    };
  }
  const b = right as number;
  switch (op) {
    case '=':
      return (row) => {
        const a = left(row);
        return a === null ? null : a === b;
      };
    case '<>':
      return (row) => {
        const a = left(row);
        return a === null ? null : a !== b;
      };
    case '<':
      return (row) => {
        const a = left(row) as number | null;
        return a === null ? null : a < b;
      };
    case '<=':
      return (row) => {
        const a = left(row) as number | null;
        return a === null ? null : a <= b;
      };
    case '>':
      return (row) => {
        const a = left(row) as number | null;
        return a === null ? null : a > b;
      };
    case '>=':
      return (row) => {
        const a = left(row) as number | null;
        return a === null ? null : a >= b;
      };
  }
}

export function compareValues(op: CompareOp, left: Evaluate, right: Evaluate): Evaluate {
  const test = TESTS[op];
  return (row) => {
    const a = left(row) as number | string | null;
    if (a === null) return null;
    const b = right(row) as number | string | null;
    return b === null ? null : test(compareSqlValues(a, b));
  };
}

export interface SqlFunction {
  params: ValueType[];
  /** How many trailing parameters may be left out. */
  optional?: number;
  result: ValueType;
  apply: (...args: never[]) => unknown;
}

export const FUNCTIONS: Record<string, SqlFunction> = {
  UPPER: { params: ['string'], result: 'string', apply: (s: string) => s.toUpperCase() },
  LOWER: { params: ['string'], result: 'string', apply: (s: string) => s.toLowerCase() },
  TRIM: { params: ['string'], result: 'string', apply: (s: string) => s.trim() },
  CHAR_LENGTH: { params: ['string'], result: 'number', apply: (s: string) => [...s].length },
  ABS: { params: ['number'], result: 'number', apply: (n: number) => Math.abs(n) },
  FLOOR: { params: ['number'], result: 'number', apply: (n: number) => Math.floor(n) },
  CEILING: { params: ['number'], result: 'number', apply: (n: number) => Math.ceil(n) },
  ROUND: {
    params: ['number', 'number'],
    optional: 1,
    result: 'number',
    apply: (n: number, places = 0) => {
      const scale = 10 ** places;
      return Math.round(n * scale) / scale;
    },
  },
  MOD: { params: ['number', 'number'], result: 'number', apply: (a: number, b: number) => (b === 0 ? null : a % b) },
};
FUNCTIONS.CHARACTER_LENGTH = FUNCTIONS.CHAR_LENGTH;
FUNCTIONS.CEIL = FUNCTIONS.CEILING;

/**
 * A LIKE pattern as a matcher. One regex `^a.*b.*c$` would backtrack exponentially on hostile
 * patterns (`%a%a%a...%b`), so the pattern is cut at each `%` into segments with no quantifier
 * (literal characters and `_`), each found leftmost in turn: O(value x pattern) at worst.
 * Flags: i case-insensitive (hosted layers), s `_` matches newlines, u `_` is one code point.
 * `'%'` alone (UIs send it for "any") skips matching altogether.
 */
export function compileLike(pattern: string, escape: string | undefined, position: number): ((value: string) => boolean) | 'anything' {
  const chars = [...pattern];
  const segments = [''];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === escape) {
      const escaped = chars[++i];
      if (escaped === undefined) {
        throw new WhereError('Invalid where clause: LIKE pattern ends with its ESCAPE character', position);
      }
      segments[segments.length - 1] += escapeRegExp(escaped);
    } else if (ch === '%') segments.push('');
    else segments[segments.length - 1] += ch === '_' ? '.' : escapeRegExp(ch);
  }
  if (segments.length === 1) {
    const whole = new RegExp(`^${segments[0]}$`, 'isu');
    return (value) => whole.test(value);
  }
  const [first, ...rest] = segments;
  const last = rest.pop() ?? '';
  const prefix = first ? new RegExp(first, 'isuy') : undefined;
  const middles = rest.filter((segment) => segment !== '').map((segment) => new RegExp(segment, 'isug'));
  const suffix = last ? new RegExp(`(?:${last})$`, 'isug') : undefined;
  if (!prefix && !suffix && middles.length === 0) return 'anything';
  return (value) => {
    let from = 0;
    if (prefix) {
      prefix.lastIndex = 0;
      if (!prefix.test(value)) return false;
      from = prefix.lastIndex;
    }
    for (let i = 0; i < middles.length; i++) {
      const middle = middles[i];
      middle.lastIndex = from;
      if (!middle.test(value)) return false;
      from = middle.lastIndex;
    }
    if (!suffix) return true;
    suffix.lastIndex = from;
    return suffix.test(value);
  };
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}
