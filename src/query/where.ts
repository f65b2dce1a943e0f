// Reads an SQL-92 style where clause, as a model or a person writes it, into the query
// model's filters, so that one question runs on both portal kinds, in snippets and in saves
// alike (each compiles the model its own way; nothing is passed through unchecked). It
// understands what the model can express: comparisons, LIKE, IN, IS [NOT] NULL, joined all
// by AND or all by OR. Anything else is refused with a message saying what to write
// instead. No `vscode` import.

import type { FieldFilter, FilterOperator } from './model';

export interface ParsedWhere {
  filters: FieldFilter[];
  join?: 'and' | 'or';
}

export class WhereSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WhereSyntaxError';
  }
}

type Token =
  | { type: 'ident'; text: string; quoted: boolean }
  | { type: 'string'; text: string }
  | { type: 'number'; value: number }
  | { type: 'op'; text: string }
  | { type: 'punct'; text: '(' | ')' | ',' };

const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'in', 'like', 'date', 'timestamp', 'between']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new WhereSyntaxError('a text value is missing its closing quote (\').');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: 'string', text: value });
    } else if (ch === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new WhereSyntaxError('a quoted field name is missing its closing quote (").');
      tokens.push({ type: 'ident', text: text.slice(i + 1, end), quoted: true });
      i = end + 1;
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9.]/.test(text[i + 1] ?? '')) || (ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(text.slice(i))!;
      tokens.push({ type: 'number', value: Number(match[0]) });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ type: 'ident', text: match[0], quoted: false });
      i += match[0].length;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: 'punct', text: ch });
      i++;
    } else {
      const match = /^(<>|!=|<=|>=|=|<|>)/.exec(text.slice(i));
      if (!match) throw new WhereSyntaxError(`unexpected character ${JSON.stringify(ch)} at position ${i + 1}.`);
      tokens.push({ type: 'op', text: match[0] === '!=' ? '<>' : match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

function isKeyword(token: Token | undefined, word: string): boolean {
  return token?.type === 'ident' && !token.quoted && token.text.toLowerCase() === word;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private next(what: string): Token {
    const token = this.tokens[this.at++];
    if (!token) throw new WhereSyntaxError(`the clause ends where ${what} was expected.`);
    return token;
  }

  parse(): ParsedWhere {
    const filters: FieldFilter[] = [];
    let join: 'and' | 'or' | undefined;
    for (;;) {
      filters.push(...this.condition());
      const token = this.peek();
      if (!token) break;
      const word = isKeyword(token, 'and') ? 'and' : isKeyword(token, 'or') ? 'or' : undefined;
      if (!word) throw new WhereSyntaxError(`expected AND, OR or the end of the clause, found ${describe(token)}.`);
      if (join && join !== word) throw new WhereSyntaxError('AND and OR cannot be mixed in one clause; ask with all conditions joined by AND, or all by OR (run two queries for other combinations).');
      join = word;
      this.at++;
    }
    // `1=1` (the portal's "everything") adds no filter.
    const real = filters.filter((f) => f.field !== '\u0000always');
    return real.length > 1 && join ? { filters: real, join } : { filters: real };
  }

  private condition(): FieldFilter[] {
    const first = this.peek();
    if (first?.type === 'punct' && first.text === '(') {
      this.at++;
      const inner = this.condition();
      const close = this.next('")"');
      if (close.type !== 'punct' || close.text !== ')') throw new WhereSyntaxError('parentheses may hold one condition only (AND and OR cannot be nested).');
      return inner;
    }
    if (isKeyword(first, 'not')) throw new WhereSyntaxError('NOT is not supported except in IS NOT NULL; use <> or the opposite comparison.');
    if (first?.type === 'number') {
      // `1=1`: what ArcGIS clients send for "no filter".
      const op = this.tokens[this.at + 1];
      const second = this.tokens[this.at + 2];
      if (op?.type === 'op' && op.text === '=' && second?.type === 'number' && second.value === first.value) {
        this.at += 3;
        return [{ field: '\u0000always', op: '=' }];
      }
    }
    const field = this.next('a field name');
    if (field.type !== 'ident' || (!field.quoted && KEYWORDS.has(field.text.toLowerCase()))) {
      throw new WhereSyntaxError(`expected a field name, found ${describe(field)}.`);
    }
    const name = field.text;
    const op = this.next(`an operator after ${name}`);
    if (op.type === 'op') return [{ field: name, op: op.text as FilterOperator, value: this.value() }];
    if (isKeyword(op, 'is')) {
      const not = isKeyword(this.peek(), 'not');
      if (not) this.at++;
      if (!isKeyword(this.next('NULL'), 'null')) throw new WhereSyntaxError(`only IS NULL and IS NOT NULL are supported after ${name}.`);
      return [{ field: name, op: not ? 'is not null' : 'is null' }];
    }
    if (isKeyword(op, 'like')) {
      const value = this.value();
      if (typeof value !== 'string') throw new WhereSyntaxError(`LIKE needs a quoted text pattern, e.g. ${name} LIKE '%Main%'.`);
      return [{ field: name, op: 'like', value }];
    }
    if (isKeyword(op, 'in')) {
      const open = this.next('"("');
      if (open.type !== 'punct' || open.text !== '(') throw new WhereSyntaxError(`IN needs a list in parentheses, e.g. ${name} IN (1, 2).`);
      const values: (string | number)[] = [];
      for (;;) {
        values.push(this.value());
        const sep = this.next('"," or ")"');
        if (sep.type === 'punct' && sep.text === ')') break;
        if (sep.type !== 'punct' || sep.text !== ',') throw new WhereSyntaxError(`expected "," or ")" in the IN list, found ${describe(sep)}.`);
      }
      return [{ field: name, op: 'in', value: values }];
    }
    if (isKeyword(op, 'not')) throw new WhereSyntaxError(`NOT ${this.peek() ? describe(this.peek()!) : ''} is not supported; write the conditions the other way round (e.g. <> for each value).`);
    if (isKeyword(op, 'between')) {
      throw new WhereSyntaxError(`BETWEEN is not supported; write ${name} >= low AND ${name} <= high.`);
    }
    throw new WhereSyntaxError(`expected an operator (=, <>, <, <=, >, >=, LIKE, IN, IS NULL) after ${name}, found ${describe(op)}.`);
  }

  private value(): string | number {
    const token = this.next('a value');
    if (token.type === 'string' || token.type === 'number') return token.type === 'string' ? token.text : token.value;
    if (isKeyword(token, 'date') || isKeyword(token, 'timestamp')) {
      const literal = this.next('a quoted date');
      if (literal.type !== 'string') throw new WhereSyntaxError(`${token.type === 'ident' ? token.text.toUpperCase() : 'DATE'} needs a quoted value, e.g. DATE '2025-01-31'.`);
      return literal.text;
    }
    if (token.type === 'ident') throw new WhereSyntaxError(`expected a value, found the name ${token.text}: quote text values ('${token.text}'); comparing two fields is not supported.`);
    throw new WhereSyntaxError(`expected a value, found ${describe(token)}.`);
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case 'ident':
      return token.quoted ? `"${token.text}"` : token.text;
    case 'string':
      return `'${token.text}'`;
    case 'number':
      return String(token.value);
    default:
      return `"${token.text}"`;
  }
}

/** The filters of a where clause; empty for a blank clause or `1=1`. Throws WhereSyntaxError. */
export function parseWhereClause(text: string | undefined): ParsedWhere {
  if (!text || !text.trim()) return { filters: [] };
  return new Parser(tokenize(text.trim())).parse();
}
