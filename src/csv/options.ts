// The CSV preview's options: the dialect in force from the file's guesses and the user's
// overrides, what each guess was (so the controls can say "guessed" and go back to it), and
// overrides checked as they arrive from a webview or from storage.

import { sniffDialect, validateDelimiter, type CsvDialect } from './dialect';
import { CSV_ENCODINGS, type CsvChoices, type CsvEncoding, type CsvOptionChange, type CsvOverrides } from './optionTypes';
import type { RandomAccessSource } from './source';

export interface ResolvedCsvOptions {
  dialect: CsvDialect;
  choices: CsvChoices;
}

/**
 * Sniffs what the overrides leave open. `defaults` are guesses from outside the bytes (a
 * `.tsv` name says tab). A guess depends on the options before it (encoding, then delimiter,
 * then header), so the guess shown for an overridden option is sniffed with the other
 * overrides in force: "guess" then means "what the file says under my other choices".
 */
export async function resolveCsvOptions(source: RandomAccessSource, overrides: CsvOverrides, defaults: { delimiter?: string } = {}): Promise<ResolvedCsvOptions> {
  const given = { ...defaults, ...definedOnly(overrides) };
  const dialect = await sniffDialect(source, given);
  const guessOf = async <K extends keyof CsvOverrides>(key: K): Promise<CsvDialect[K]> => {
    if (overrides[key] === undefined) return dialect[key];
    const rest: CsvOverrides = { ...definedOnly(overrides) };
    delete rest[key];
    return (await sniffDialect(source, { ...defaults, ...rest }))[key];
  };
  const [hasHeader, delimiter, encoding] = [await guessOf('hasHeader'), await guessOf('delimiter'), await guessOf('encoding')];
  return {
    dialect,
    choices: {
      hasHeader: { value: dialect.hasHeader, guessed: overrides.hasHeader === undefined, guess: hasHeader },
      delimiter: { value: dialect.delimiter, guessed: overrides.delimiter === undefined, guess: delimiter },
      encoding: { value: dialect.encoding, guessed: overrides.encoding === undefined, guess: encoding },
    },
  };
}

/** The overrides after one change; throws on a value no control offers (a webview is not trusted). */
export function applyCsvOptionChange(overrides: CsvOverrides, change: CsvOptionChange): CsvOverrides {
  const next: CsvOverrides = { ...definedOnly(overrides) };
  switch (change.option) {
    case 'reset':
      return {};
    case 'hasHeader':
      if (change.value === null) delete next.hasHeader;
      else if (typeof change.value === 'boolean') next.hasHeader = change.value;
      else throw new Error(`A header choice is yes or no, not ${JSON.stringify(change.value)}.`);
      return next;
    case 'delimiter':
      if (change.value === null) delete next.delimiter;
      else {
        if (typeof change.value !== 'string') throw new Error(`A CSV delimiter is a character, not ${JSON.stringify(change.value)}.`);
        validateDelimiter(change.value);
        next.delimiter = change.value;
      }
      return next;
    case 'encoding':
      if (change.value === null) delete next.encoding;
      else if (isCsvEncoding(change.value)) next.encoding = change.value;
      else throw new Error(`The preview does not read the encoding ${JSON.stringify(change.value)}.`);
      return next;
    default:
      throw new Error(`Unknown CSV option ${JSON.stringify((change as { option?: unknown }).option)}.`);
  }
}

/** Overrides read back from storage: whatever is not a valid choice is dropped (back to guessing). */
export function parseCsvOverrides(stored: unknown): CsvOverrides {
  if (!stored || typeof stored !== 'object') return {};
  const s = stored as Record<string, unknown>;
  const out: CsvOverrides = {};
  if (typeof s.hasHeader === 'boolean') out.hasHeader = s.hasHeader;
  if (typeof s.delimiter === 'string') {
    try {
      validateDelimiter(s.delimiter);
      out.delimiter = s.delimiter;
    } catch {
      // Not a delimiter the preview can use: guess instead.
    }
  }
  if (isCsvEncoding(s.encoding)) out.encoding = s.encoding;
  return out;
}

/**
 * A delimiter as typed into an input box: one character, or `\t` / `tab` for a tab (an input
 * box cannot take a Tab key). Returns undefined when the text names no usable delimiter.
 */
export function parseDelimiterInput(text: string): string | undefined {
  const trimmed = text === ' ' ? text : text.trim();
  const named = /^(\\t|tab)$/i.test(trimmed) ? '\t' : /^space$/i.test(trimmed) ? ' ' : trimmed;
  if ([...named].length !== 1 || named.length !== 1) return undefined;
  try {
    validateDelimiter(named);
    return named;
  } catch {
    return undefined;
  }
}

export function isCsvEncoding(value: unknown): value is CsvEncoding {
  return typeof value === 'string' && (CSV_ENCODINGS as readonly string[]).includes(value);
}

export function hasCsvOverrides(overrides: CsvOverrides): boolean {
  return Object.keys(definedOnly(overrides)).length > 0;
}

function definedOnly(overrides: CsvOverrides): CsvOverrides {
  const out: CsvOverrides = {};
  if (overrides.hasHeader !== undefined) out.hasHeader = overrides.hasHeader;
  if (overrides.delimiter !== undefined) out.delimiter = overrides.delimiter;
  if (overrides.encoding !== undefined) out.encoding = overrides.encoding;
  return out;
}
