// Names of the CSV preview's choices (encodings, delimiters, overrides), with no imports, so
// the webview's protocol types can use them as the host's CSV engine does.

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Every encoding the preview reads, in the order the controls offer them. */
export const CSV_ENCODINGS: readonly CsvEncoding[] = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'];

/** The delimiters offered by name; any other single character can be typed in. */
export const CSV_DELIMITERS: readonly string[] = [',', ';', '\t', '|'];

/** What the user chose instead of a guess; an absent key means "guess". */
export interface CsvOverrides {
  hasHeader?: boolean;
  delimiter?: string;
  encoding?: CsvEncoding;
}

/** One guess and what is in force: the user's choice, or the guess when `guessed`. */
export interface CsvChoice<T> {
  value: T;
  guessed: boolean;
  guess: T;
}

/** What the preview's controls show: each option's value in force and its guess. */
export interface CsvChoices {
  hasHeader: CsvChoice<boolean>;
  delimiter: CsvChoice<string>;
  encoding: CsvChoice<CsvEncoding>;
}

/** One change from a control or the quick pick; `null` goes back to the guess. */
export type CsvOptionChange =
  | { option: 'hasHeader'; value: boolean | null }
  | { option: 'delimiter'; value: string | null }
  | { option: 'encoding'; value: CsvEncoding | null }
  | { option: 'reset' };

/** Encodings by their usual names (the same in every language). */
export const CSV_ENCODING_NAMES: Readonly<Record<CsvEncoding, string>> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252 (Latin-1)',
};


/** What a control or a quick pick item asks for: a change, or an input box for another delimiter. */
export type CsvOptionRequest = CsvOptionChange | { option: 'otherDelimiter' };
