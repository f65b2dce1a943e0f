// The CSV preview's choices as text, from localised templates: the same items fill the
// preview's toolbar selects and the CSV Preview Options quick picks. No `vscode`, no DOM.

import { fillTemplate, showControls } from '../util/text';
import { CSV_DELIMITERS, CSV_ENCODINGS, CSV_ENCODING_NAMES, type CsvChoices, type CsvOptionRequest } from './optionTypes';

/** Template keys `csvOptionItems` reads (the host fills them with vscode.l10n.t). */
export type CsvOptionLabelKey =
  | 'csv.header.guessed.yes'
  | 'csv.header.guessed.no'
  | 'csv.header.yes'
  | 'csv.header.no'
  | 'csv.delimiter.guessed'
  | 'csv.delimiter'
  | 'csv.delimiter.other'
  | 'csv.encoding.guessed'
  | 'csv.encoding'
  | 'csv.tab'
  | 'csv.space';

export interface CsvOptionItem {
  /** Stable per option, for a select's `value`. */
  id: string;
  text: string;
  request: CsvOptionRequest;
  /** The item in force now. */
  current: boolean;
}

export interface CsvOptionItems {
  hasHeader: CsvOptionItem[];
  delimiter: CsvOptionItem[];
  encoding: CsvOptionItem[];
}

/** A delimiter as a person reads it: tab and space by name, invisible characters by code point. */
export function delimiterName(delimiter: string, labels: Record<string, string>): string {
  if (delimiter === '\t') return labels['csv.tab'];
  if (delimiter === ' ') return labels['csv.space'];
  return showControls(delimiter);
}

/** For each option: first "the guess" (saying what it is), then each fixed choice. */
export function csvOptionItems(labels: Record<string, string>, choices: CsvChoices): CsvOptionItems {
  const { hasHeader, delimiter, encoding } = choices;
  const headerItems: CsvOptionItem[] = [
    { id: 'guess', text: labels[hasHeader.guess ? 'csv.header.guessed.yes' : 'csv.header.guessed.no'], request: { option: 'hasHeader', value: null }, current: hasHeader.guessed },
    { id: 'yes', text: labels['csv.header.yes'], request: { option: 'hasHeader', value: true }, current: !hasHeader.guessed && hasHeader.value },
    { id: 'no', text: labels['csv.header.no'], request: { option: 'hasHeader', value: false }, current: !hasHeader.guessed && !hasHeader.value },
  ];
  const delimiters = [...CSV_DELIMITERS];
  if (!delimiter.guessed && !delimiters.includes(delimiter.value)) delimiters.push(delimiter.value);
  const delimiterItems: CsvOptionItem[] = [
    { id: 'guess', text: fillTemplate(labels['csv.delimiter.guessed'], delimiterName(delimiter.guess, labels)), request: { option: 'delimiter', value: null }, current: delimiter.guessed },
    ...delimiters.map((d): CsvOptionItem => ({
      id: `char-${d.codePointAt(0)}`,
      text: fillTemplate(labels['csv.delimiter'], delimiterName(d, labels)),
      request: { option: 'delimiter', value: d },
      current: !delimiter.guessed && delimiter.value === d,
    })),
    { id: 'other', text: labels['csv.delimiter.other'], request: { option: 'otherDelimiter' }, current: false },
  ];
  const encodingItems: CsvOptionItem[] = [
    { id: 'guess', text: fillTemplate(labels['csv.encoding.guessed'], CSV_ENCODING_NAMES[encoding.guess]), request: { option: 'encoding', value: null }, current: encoding.guessed },
    ...CSV_ENCODINGS.map((e): CsvOptionItem => ({
      id: e,
      text: fillTemplate(labels['csv.encoding'], CSV_ENCODING_NAMES[e]),
      request: { option: 'encoding', value: e },
      current: !encoding.guessed && encoding.value === e,
    })),
  ];
  return { hasHeader: headerItems, delimiter: delimiterItems, encoding: encodingItems };
}
