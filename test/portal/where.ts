// The fake portal's ArcGIS `where` and `orderByFields` engine: a SQL-92 subset parsed by hand
// (recursive descent) and compiled once into closures, with SQL's three-valued NULL logic.
//
// Choices where real ArcGIS back ends differ (documented for the server and its tests):
// - Strings compare as SQL Server's default collation behind hosted layers (`..._CI_AS`):
//   case-insensitive, accent-sensitive, trailing spaces ignored, in `=`, `<>`, `<`, `>`, IN,
//   BETWEEN and orderByFields (`collateText`); LIKE is case-insensitive too.
// - Date fields hold epoch milliseconds; `date '...'`, `timestamp '...'` and date strings
//   compared with a date field are read as UTC. CURRENT_DATE is today's UTC midnight and
//   CURRENT_TIMESTAMP the time of compilation (each request compiles its own clause).
// - A number compared with a string is an error, not an implicit cast (as the brief asks).
// - Division by zero yields NULL rather than failing the whole query.
// - orderBy: NULL sorts as the lowest value (first ascending, last descending), as on SQL
//   Server behind hosted layers; strings sort by the collation above; ties return 0 so a stable sort keeps
//   input order (the server should add the object id as a last key for stable paging).
// - Attribute values are read as `attributes[field.name]` with the schema's spelling; a
//   missing key is NULL. Values of the wrong JS type are coerced (numeric strings for number
//   fields, ISO strings or Date objects for date fields) so sloppy fixtures still filter.

import { parseDateText, tokenize, WhereError, type Token } from './where-lexer';
import {
  collateText,
  compareSqlValues,
  compareValues,
  compareWithConstant,
  compileLike,
  FieldIndex,
  fieldReader,
  FLIPPED,
  FUNCTIONS,
  type CompareOp,
  type Evaluate,
  type ValueType,
  type WhereField,
} from './where-runtime';

export { WhereError } from './where-lexer';
export type { WhereField } from './where-runtime';

export interface WhereOptions {
  /** Epoch ms used for CURRENT_DATE / CURRENT_TIMESTAMP; tests pin it. Defaults to Date.now(). */
  now?: number;
}

type ExprType = ValueType | 'bool' | 'null' | 'interval';

/** A compiled piece of the clause. Booleans evaluate to true, false or null (SQL unknown);
 * values to their JS value or null, never undefined. */
interface Expr {
  type: ExprType;
  evaluate: Evaluate;
  /** Known at compile time: `evaluate` ignores the row and `value` holds its result. */
  constant: boolean;
  value?: unknown;
  /** For error messages: "esriFieldTypeInteger field 'Pop'", "string literal 'x'"... */
  describe: string;
  position: number;
  /** Nesting of closures, bounded so evaluation can never overflow the stack. */
  depth: number;
}

const MAX_NESTING = 100;
const MAX_DEPTH = 250;
const DAY_MS = 86_400_000;

const RESERVED = new Set(['AND', 'OR', 'NOT', 'LIKE', 'IN', 'IS', 'NULL', 'BETWEEN', 'ESCAPE']);

function constantExpr(type: ExprType, value: unknown, describe: string, position: number): Expr {
  return { type, evaluate: () => value, constant: true, value, describe: clip(describe), position, depth: 1 };
}

/** Wraps a freshly built closure; folds it to a constant when every input is one. */
function makeExpr(type: ExprType, evaluate: Evaluate, inputs: Expr[], describe: string, position: number): Expr {
  if (inputs.every((input) => input.constant)) {
    return constantExpr(type, evaluate({}), describe, position);
  }
  let depth = 1;
  for (const input of inputs) depth = Math.max(depth, input.depth + 1);
  if (depth > MAX_DEPTH) throw new WhereError('Invalid where clause: expression is too deeply nested', position);
  return { type, evaluate, constant: false, describe: clip(describe), position, depth };
}

/** Keeps descriptions of huge expressions short: they only go into error messages. */
function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function describeLiteral(type: ExprType, text: string): string {
  return `${type} literal ${type === 'string' ? `'${text}'` : text}`;
}

// ---- the parser: every method returns a compiled Expr ----

class WhereParser {
  private readonly tokens: Token[];
  private index = 0;
  private nesting = 0;

  constructor(
    source: string,
    private readonly fields: FieldIndex,
    private readonly now: number,
  ) {
    this.tokens = tokenize(source);
  }

  parseClause(): Expr {
    const expr = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end') throw this.syntaxError(next);
    if (expr.type !== 'bool') {
      throw new WhereError(`Invalid where clause: ${expr.describe} is not a condition`, expr.position);
    }
    return expr;
  }

  // -- token helpers --

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private isKeyword(keyword: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'word' && token.upper === keyword;
  }

  private acceptKeyword(keyword: string): boolean {
    if (!this.isKeyword(keyword)) return false;
    this.index++;
    return true;
  }

  private expectKeyword(keyword: string): void {
    if (!this.acceptKeyword(keyword)) throw this.syntaxError(this.peek(), `expected ${keyword}`);
  }

  private isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === symbol;
  }

  private expectSymbol(symbol: string): void {
    if (!this.isSymbol(symbol)) throw this.syntaxError(this.peek(), `expected '${symbol}'`);
    this.index++;
  }

  private syntaxError(token: Token, expected?: string): WhereError {
    const found = token.kind === 'end' ? 'end of clause' : `'${clip(token.text)}'`;
    return new WhereError(`Invalid where clause: syntax error near ${found}${expected ? ` (${expected})` : ''}`, token.position);
  }

  /** Guards every recursive descent so hostile nesting fails cleanly instead of overflowing. */
  private nested<T>(position: number, parse: () => T): T {
    if (++this.nesting > MAX_NESTING) {
      throw new WhereError(`Invalid where clause: nested more than ${MAX_NESTING} levels deep`, position);
    }
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  // -- boolean layer --

  private parseOr(): Expr {
    const first = this.parseAnd();
    if (!this.isKeyword('OR')) return first;
    const items = [first];
    while (this.acceptKeyword('OR')) items.push(this.parseAnd());
    return this.logical('OR', items);
  }

  private parseAnd(): Expr {
    const first = this.parseNot();
    if (!this.isKeyword('AND')) return first;
    const items = [first];
    while (this.acceptKeyword('AND')) items.push(this.parseNot());
    return this.logical('AND', items);
  }

  private logical(kind: 'AND' | 'OR', items: Expr[]): Expr {
    for (const item of items) this.requireCondition(item, kind);
    // AND: false decides, true is neutral; OR the other way round. Unknown (null) survives.
    const decisive = kind === 'OR';
    if (items.some((item) => item.constant && item.value === decisive)) {
      return constantExpr('bool', decisive, `${kind} condition`, items[0].position);
    }
    const live = items.filter((item) => !(item.constant && item.value === !decisive));
    if (live.length === 0) return constantExpr('bool', !decisive, `${kind} condition`, items[0].position);
    if (live.length === 1) return live[0];
    const evaluators = live.map((item) => item.evaluate);
    let evaluate: Evaluate;
    if (evaluators.length === 2) {
      const [first, second] = evaluators;
      evaluate = (row) => {
        const a = first(row);
        if (a === decisive) return decisive;
        const b = second(row);
        if (b === decisive) return decisive;
        return a === null || b === null ? null : !decisive;
      };
    } else {
      evaluate = (row) => {
        let unknown = false;
        for (let i = 0; i < evaluators.length; i++) {
          const value = evaluators[i](row);
          if (value === decisive) return decisive;
          if (value === null) unknown = true;
        }
        return unknown ? null : !decisive;
      };
    }
    return makeExpr('bool', evaluate, live, `${kind} condition`, live[0].position);
  }

  private parseNot(): Expr {
    const token = this.peek();
    if (!this.isKeyword('NOT')) return this.parsePredicate();
    this.index++;
    return this.nested(token.position, () => this.negate(this.parseNot(), token.position));
  }

  private negate(inner: Expr, position: number): Expr {
    this.requireCondition(inner, 'NOT');
    const evaluate = inner.evaluate;
    return makeExpr(
      'bool',
      (row) => {
        const value = evaluate(row);
        return value === null ? null : !value;
      },
      [inner],
      'NOT condition',
      position,
    );
  }

  private requireCondition(expr: Expr, context: string): void {
    if (expr.type === 'null') return; // `NULL AND x` is legal SQL: unknown.
    if (expr.type !== 'bool') {
      throw new WhereError(`Invalid where clause: ${expr.describe} is not a condition (used with ${context})`, expr.position);
    }
  }

  // -- predicates: comparison, LIKE, IN, IS NULL, BETWEEN --

  private parsePredicate(): Expr {
    const left = this.parseAdditive();
    const token = this.peek();
    if (token.kind === 'symbol' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(token.text)) {
      this.index++;
      const op = (token.text === '!=' ? '<>' : token.text) as CompareOp;
      return this.compare(op, left, this.parseAdditive(), token.position);
    }
    if (this.acceptKeyword('IS')) {
      const not = this.acceptKeyword('NOT');
      this.expectKeyword('NULL');
      return this.isNull(left, not, token.position);
    }
    const not = this.isKeyword('NOT') && ['LIKE', 'IN', 'BETWEEN'].includes(this.peek(1).upper) && this.peek(1).kind === 'word';
    if (not) this.index++;
    let result: Expr | undefined;
    if (this.acceptKeyword('LIKE')) result = this.like(left, token.position);
    else if (this.acceptKeyword('IN')) result = this.inList(left, token.position);
    else if (this.acceptKeyword('BETWEEN')) result = this.between(left, token.position);
    if (!result) return left;
    return not ? this.negate(result, token.position) : result;
  }

  private compare(op: CompareOp, left: Expr, right: Expr, position: number): Expr {
    const describe = `comparison ${left.describe} ${op} ${right.describe}`;
    if (left.type === 'null' || right.type === 'null') {
      this.requireValue(left, op);
      this.requireValue(right, op);
      return constantExpr('bool', null, describe, position);
    }
    [left, right] = this.unify(left, right, `compare ${left.describe} with ${right.describe}`, position);
    if (left.constant && !right.constant) {
      [left, right] = [right, left];
      op = FLIPPED[op];
    }
    const evaluate = right.constant
      ? compareWithConstant(op, left.evaluate, right.value)
      : compareValues(op, left.evaluate, right.evaluate);
    return makeExpr('bool', evaluate, [left, right], describe, position);
  }

  private requireValue(expr: Expr, context: string): void {
    if (expr.type === 'bool' || expr.type === 'interval') {
      throw new WhereError(`Invalid where clause: ${expr.describe} cannot be used with ${context}`, expr.position);
    }
  }

  /** Makes two operands comparable or throws: same type, or a date against date text. */
  private unify(left: Expr, right: Expr, what: string, position: number): [Expr, Expr] {
    this.requireValue(left, what);
    this.requireValue(right, what);
    if (left.type === right.type) return [left, right];
    if (left.type === 'date' && right.type === 'string' && right.constant) return [left, this.dateFromText(right)];
    if (right.type === 'date' && left.type === 'string' && left.constant) return [this.dateFromText(left), right];
    throw new WhereError(`Unable to perform query: cannot ${what} (${left.type} and ${right.type} do not mix)`, position);
  }

  private dateFromText(expr: Expr): Expr {
    if (expr.value === null) return constantExpr('date', null, expr.describe, expr.position);
    const epoch = parseDateText(String(expr.value), true);
    if (epoch === undefined) {
      throw new WhereError(`Unable to perform query: ${expr.describe} is not a date (use date 'YYYY-MM-DD')`, expr.position);
    }
    return constantExpr('date', epoch, expr.describe, expr.position);
  }

  private isNull(left: Expr, not: boolean, position: number): Expr {
    this.requireValue(left, 'IS NULL');
    const evaluate = left.evaluate;
    const test: Evaluate = not ? (row) => evaluate(row) !== null : (row) => evaluate(row) === null;
    return makeExpr('bool', test, [left], `${left.describe} IS ${not ? 'NOT ' : ''}NULL`, position);
  }

  private like(left: Expr, position: number): Expr {
    const pattern = this.parseAdditive();
    let escape: Expr | undefined;
    if (this.acceptKeyword('ESCAPE')) escape = this.parseAdditive();
    const describe = `${left.describe} LIKE ${pattern.describe}`;
    this.requireValue(left, 'LIKE');
    if (left.type !== 'string' && left.type !== 'null') {
      throw new WhereError(`Unable to perform query: LIKE needs a string, not ${left.describe}`, position);
    }
    if (!pattern.constant || (pattern.type !== 'string' && pattern.type !== 'null')) {
      throw new WhereError(`Invalid where clause: the LIKE pattern must be a string literal`, pattern.position);
    }
    let escapeChar: string | undefined;
    if (escape) {
      const text = escape.constant && escape.type === 'string' ? String(escape.value) : undefined;
      if (text === undefined || [...text].length !== 1) {
        throw new WhereError('Invalid where clause: ESCAPE needs a one-character string literal', escape.position);
      }
      escapeChar = text;
    }
    if (left.type === 'null' || pattern.value === null) return constantExpr('bool', null, describe, position);
    const matcher = compileLike(String(pattern.value), escapeChar, pattern.position);
    const read = left.evaluate;
    const evaluate: Evaluate =
      matcher === 'anything'
        ? (row) => (read(row) === null ? null : true)
        : (row) => {
            const value = read(row) as string | null;
            return value === null ? null : matcher(value);
          };
    return makeExpr('bool', evaluate, [left], describe, position);
  }

  private inList(left: Expr, position: number): Expr {
    const open = this.peek();
    this.expectSymbol('(');
    const items: Expr[] = [];
    this.nested(open.position, () => {
      do items.push(this.parseAdditive());
      while (this.isSymbol(',') && this.next());
    });
    this.expectSymbol(')');
    this.requireValue(left, 'IN');
    const members = new Set<unknown>();
    /** String members compare by the collation, not by identity. */
    const texts: string[] = [];
    let hasNull = false;
    for (let item of items) {
      if (!item.constant) throw new WhereError('Invalid where clause: IN lists take literals only', item.position);
      if (item.type === 'null' || item.value === null) {
        hasNull = true;
        continue;
      }
      if (left.type !== 'null') [, item] = this.unify(left, item, `compare ${left.describe} with ${item.describe} in IN`, item.position);
      if (typeof item.value === 'string') texts.push(item.value);
      else members.add(item.value);
    }
    const describe = `${left.describe} IN (...)`;
    if (left.type === 'null') return constantExpr('bool', null, describe, position);
    const read = left.evaluate;
    const evaluate: Evaluate = (row) => {
      const value = read(row);
      if (value === null) return null;
      const found = typeof value === 'string' ? texts.some((t) => collateText(value, t) === 0) : members.has(value);
      return found ? true : hasNull ? null : false;
    };
    return makeExpr('bool', evaluate, [left], describe, position);
  }

  private between(left: Expr, position: number): Expr {
    const low = this.parseAdditive();
    this.expectKeyword('AND');
    const high = this.parseAdditive();
    return this.logical('AND', [this.compare('>=', left, low, position), this.compare('<=', left, high, position)]);
  }

  // -- value layer: arithmetic, concatenation, literals, fields, functions --

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'symbol' || !['+', '-', '||'].includes(token.text)) return left;
      this.index++;
      left = this.arithmetic(token.text, left, this.parseMultiplicative(), token.position);
    }
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'symbol' || (token.text !== '*' && token.text !== '/')) return left;
      this.index++;
      left = this.arithmetic(token.text, left, this.parseUnary(), token.position);
    }
  }

  private parseUnary(): Expr {
    const token = this.peek();
    if (token.kind === 'symbol' && (token.text === '-' || token.text === '+')) {
      this.index++;
      return this.nested(token.position, () => {
        const operand = this.parseUnary();
        if (token.text === '+') return operand;
        if (operand.type !== 'number' && operand.type !== 'interval' && operand.type !== 'null') {
          throw new WhereError(`Unable to perform query: cannot negate ${operand.describe}`, token.position);
        }
        const read = operand.evaluate;
        const describe = operand.constant ? `${operand.type} literal -${String(operand.value)}` : `-${operand.describe}`;
        return makeExpr(operand.type, (row) => {
          const value = read(row) as number | null;
          return value === null ? null : -value;
        }, [operand], describe, token.position);
      });
    }
    return this.parsePrimary();
  }

  private arithmetic(op: string, left: Expr, right: Expr, position: number): Expr {
    const describe = `expression ${left.describe} ${op} ${right.describe}`;
    for (const operand of [left, right]) {
      if (operand.type === 'bool') {
        throw new WhereError(`Invalid where clause: ${operand.describe} cannot be used with '${op}'`, operand.position);
      }
    }
    const a = left.evaluate;
    const b = right.evaluate;
    const both = (combine: (x: never, y: never) => unknown): Evaluate => (row) => {
      const x = a(row);
      if (x === null) return null;
      const y = b(row);
      return y === null ? null : combine(x as never, y as never);
    };
    const types = `${left.type} ${op} ${right.type}`;
    if (left.type === 'null' || right.type === 'null') {
      return constantExpr(op === '||' ? 'string' : left.type === 'null' ? right.type : left.type, null, describe, position);
    }
    switch (types) {
      case 'number + number':
        return makeExpr('number', both((x: number, y: number) => x + y), [left, right], describe, position);
      case 'number - number':
        return makeExpr('number', both((x: number, y: number) => x - y), [left, right], describe, position);
      case 'number * number':
        return makeExpr('number', both((x: number, y: number) => x * y), [left, right], describe, position);
      case 'number / number':
        return makeExpr('number', both((x: number, y: number) => (y === 0 ? null : x / y)), [left, right], describe, position);
      case 'string || string':
        return makeExpr('string', both((x: string, y: string) => x + y), [left, right], describe, position);
      // Oracle-style day arithmetic (`CURRENT_DATE - 7`) and SQL intervals, both in ms.
      case 'date + number':
        return makeExpr('date', both((x: number, y: number) => x + y * DAY_MS), [left, right], describe, position);
      case 'date - number':
        return makeExpr('date', both((x: number, y: number) => x - y * DAY_MS), [left, right], describe, position);
      case 'number + date':
        return makeExpr('date', both((x: number, y: number) => x * DAY_MS + y), [left, right], describe, position);
      case 'date + interval':
      case 'interval + date':
        return makeExpr('date', both((x: number, y: number) => x + y), [left, right], describe, position);
      case 'date - interval':
        return makeExpr('date', both((x: number, y: number) => x - y), [left, right], describe, position);
      case 'date - date':
        return makeExpr('number', both((x: number, y: number) => (x - y) / DAY_MS), [left, right], describe, position);
      default:
        throw new WhereError(`Unable to perform query: cannot apply '${op}' to ${left.describe} and ${right.describe}`, position);
    }
  }

  private parsePrimary(): Expr {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return constantExpr('number', token.numberValue, describeLiteral('number', token.text), token.position);
      case 'string':
        return constantExpr('string', token.text, describeLiteral('string', token.text), token.position);
      case 'quoted':
        return this.field(token.text, token.position);
      case 'symbol':
        if (token.text === '(') {
          return this.nested(token.position, () => {
            const inner = this.parseOr();
            this.expectSymbol(')');
            return inner;
          });
        }
        throw this.syntaxError(token);
      case 'end':
        throw this.syntaxError(token);
      case 'word':
        return this.word(token);
    }
  }

  private word(token: Token): Expr {
    const next = this.peek();
    switch (token.upper) {
      case 'NULL':
        return constantExpr('null', null, 'NULL', token.position);
      case 'DATE':
      case 'TIMESTAMP':
        if (next.kind === 'string') return this.dateLiteral(token, this.next());
        break;
      case 'INTERVAL':
        if (next.kind === 'string' || next.kind === 'number') return this.interval(token, this.next());
        break;
      case 'CURRENT_DATE':
        return constantExpr('date', Math.floor(this.now / DAY_MS) * DAY_MS, 'CURRENT_DATE', token.position);
      case 'CURRENT_TIMESTAMP':
        return constantExpr('date', this.now, 'CURRENT_TIMESTAMP', token.position);
      case 'EXTRACT':
        if (next.kind === 'symbol' && next.text === '(') return this.extract(token);
        break;
      default:
        if (next.kind === 'symbol' && next.text === '(') return this.call(token);
    }
    if (RESERVED.has(token.upper)) throw this.syntaxError(token);
    return this.field(token.text, token.position);
  }

  private field(name: string, position: number): Expr {
    const { field, type } = this.fields.resolve(name, position, 'a where clause');
    return {
      type,
      evaluate: fieldReader(field.name, type),
      constant: false,
      describe: `${field.type} field '${field.name}'`,
      position,
      depth: 1,
    };
  }

  private dateLiteral(keyword: Token, text: Token): Expr {
    const isDate = keyword.upper === 'DATE';
    const epoch = parseDateText(text.text, !isDate);
    if (epoch === undefined) {
      const shape = isDate ? "'YYYY-MM-DD'" : "'YYYY-MM-DD HH:MM:SS'";
      throw new WhereError(`Invalid where clause: ${keyword.text} '${text.text}' is not a valid ${shape}`, text.position);
    }
    return constantExpr('date', epoch, `${keyword.text.toLowerCase()} literal '${text.text}'`, keyword.position);
  }

  private interval(keyword: Token, amount: Token): Expr {
    const count = Number(amount.text);
    if (amount.text.trim() === '' || !Number.isFinite(count)) {
      throw new WhereError(`Invalid where clause: INTERVAL '${amount.text}' needs a number`, amount.position);
    }
    const unit = this.next();
    const unitMs: Record<string, number> = { DAY: DAY_MS, HOUR: 3_600_000, MINUTE: 60_000, SECOND: 1000 };
    const ms = unit.kind === 'word' ? unitMs[unit.upper] : undefined;
    if (ms === undefined) throw this.syntaxError(unit, 'expected DAY, HOUR, MINUTE or SECOND');
    return constantExpr('interval', count * ms, `INTERVAL '${amount.text}' ${unit.upper}`, keyword.position);
  }

  private extract(keyword: Token): Expr {
    this.expectSymbol('(');
    const part = this.next();
    const readers: Record<string, (date: Date) => number> = {
      YEAR: (d) => d.getUTCFullYear(),
      MONTH: (d) => d.getUTCMonth() + 1,
      DAY: (d) => d.getUTCDate(),
      HOUR: (d) => d.getUTCHours(),
      MINUTE: (d) => d.getUTCMinutes(),
      SECOND: (d) => d.getUTCSeconds(),
    };
    const readPart = part.kind === 'word' ? readers[part.upper] : undefined;
    if (!readPart) throw this.syntaxError(part, 'expected YEAR, MONTH, DAY, HOUR, MINUTE or SECOND');
    this.expectKeyword('FROM');
    const source = this.nested(keyword.position, () => this.parseAdditive());
    this.expectSymbol(')');
    if (source.type !== 'date' && source.type !== 'null') {
      throw new WhereError(`Unable to perform query: EXTRACT needs a date, not ${source.describe}`, source.position);
    }
    const read = source.evaluate;
    return makeExpr('number', (row) => {
      const epoch = read(row) as number | null;
      return epoch === null ? null : readPart(new Date(epoch));
    }, [source], `EXTRACT(${part.upper} FROM ${source.describe})`, keyword.position);
  }

  private call(name: Token): Expr {
    const fn = FUNCTIONS[name.upper];
    if (!fn) throw new WhereError(`Invalid where clause: unknown function '${name.text}'`, name.position);
    this.expectSymbol('(');
    const args: Expr[] = [];
    this.nested(name.position, () => {
      if (this.isSymbol(')')) return;
      do args.push(this.parseAdditive());
      while (this.isSymbol(',') && this.next());
    });
    this.expectSymbol(')');
    if (args.length < fn.params.length - (fn.optional ?? 0) || args.length > fn.params.length) {
      throw new WhereError(`Invalid where clause: ${name.upper} takes ${fn.params.length} argument(s), got ${args.length}`, name.position);
    }
    args.forEach((arg, i) => {
      if (arg.type !== fn.params[i] && arg.type !== 'null') {
        throw new WhereError(`Unable to perform query: ${name.upper} needs a ${fn.params[i]}, not ${arg.describe}`, arg.position);
      }
    });
    const readers = args.map((arg) => arg.evaluate);
    const apply = fn.apply;
    const describe = `${name.upper}(${args.map((arg) => arg.describe).join(', ')})`;
    const evaluate: Evaluate =
      readers.length === 1
        ? (row) => {
            const value = readers[0](row);
            return value === null ? null : apply(value as never);
          }
        : (row) => {
            const values = readers.map((read) => read(row));
            return values.includes(null) ? null : apply(...(values as never[]));
          };
    return makeExpr(fn.result, evaluate, args, describe, name.position);
  }
}

const ALWAYS_TRUE = (): boolean => true;

/**
 * Compiles an ArcGIS `where` clause against a layer's fields. Throws WhereError on any syntax,
 * field or type problem; the returned predicate never throws.
 */
export function compileWhere(
  where: string,
  fields: WhereField[],
  options: WhereOptions = {},
): (attributes: Record<string, unknown>) => boolean {
  if (where.trim() === '' || /^\s*1\s*=\s*1\s*$/.test(where)) return ALWAYS_TRUE;
  const parser = new WhereParser(where, new FieldIndex(fields), options.now ?? Date.now());
  const expr = parser.parseClause();
  if (expr.constant) {
    return expr.value === true ? ALWAYS_TRUE : () => false;
  }
  const evaluate = expr.evaluate;
  return (attributes) => evaluate(attributes) === true;
}

/**
 * Compiles `orderByFields` ("A DESC, B") into a comparator. NULL is the lowest value; ties
 * return 0. An empty clause keeps input order.
 */
export function parseOrderBy(
  orderByFields: string,
  fields: WhereField[],
): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  const index = new FieldIndex(fields);
  const tokens = tokenize(orderByFields);
  const keys: { read: Evaluate; direction: number }[] = [];
  let i = 0;
  const fail = (token: Token, expected: string): never => {
    const found = token.kind === 'end' ? 'end of clause' : `'${token.text}'`;
    throw new WhereError(`Invalid orderByFields: ${expected}, found ${found}`, token.position);
  };
  while (tokens[i].kind !== 'end') {
    const name = tokens[i++];
    if (name.kind !== 'word' && name.kind !== 'quoted') fail(name, 'expected a field name');
    const { field, type } = index.resolve(name.text, name.position, 'orderByFields');
    let direction = 1;
    const word = tokens[i];
    if (word.kind === 'word' && (word.upper === 'ASC' || word.upper === 'DESC')) {
      direction = word.upper === 'DESC' ? -1 : 1;
      i++;
    }
    keys.push({ read: fieldReader(field.name, type), direction });
    const separator = tokens[i];
    if (separator.kind === 'end') break;
    if (separator.kind !== 'symbol' || separator.text !== ',') fail(separator, "expected ',', ASC or DESC");
    i++;
    if (tokens[i].kind === 'end') fail(tokens[i], 'expected a field name');
  }
  if (keys.length === 0) return () => 0;
  return (a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const { read, direction } = keys[k];
      const x = read(a) as number | string | null;
      const y = read(b) as number | string | null;
      if (x === y) continue;
      if (x === null) return -direction;
      if (y === null) return direction;
      const c = compareSqlValues(x, y);
      if (c) return c * direction;
    }
    return 0;
  };
}
