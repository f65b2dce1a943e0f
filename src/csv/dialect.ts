// Guesses how a CSV/TSV file is written (encoding, delimiter, header row) from its first 64 KB,
// so the preview opens without asking; every guess can be overridden by the caller.

import Papa from 'papaparse';
import { detectBom, guessEncoding, textDecoderFor, type CsvEncoding } from './encoding';
import type { RandomAccessSource } from './source';

export type { CsvEncoding } from './encoding';

export interface CsvDialect {
  /** One character: `,` `\t` `;` `|` when sniffed; anything but the quote, CR or LF when given. */
  delimiter: string;
  quote: '"';
  /** The first non-empty record names the columns and is not a data row. */
  hasHeader: boolean;
  encoding: CsvEncoding;
  /** Length in bytes of the byte order mark the data starts after (0 when none). */
  bom: number;
}

export const SNIFF_BYTES = 64 * 1024;
const CANDIDATE_DELIMITERS = [',', '\t', ';', '|'];
const HEADER_SAMPLE_ROWS = 50;

/** Decides what the caller left open: e.g. pass `{ delimiter: '\t' }` for a `.tsv` file. */
export async function sniffDialect(source: RandomAccessSource, given: Partial<Omit<CsvDialect, 'quote'>> = {}): Promise<CsvDialect> {
  const size = await source.size();
  const head = await source.read(0, Math.min(size, SNIFF_BYTES));
  const bomFound = detectBom(head);
  const encoding = given.encoding ?? bomFound?.encoding ?? guessEncoding(head);
  const bom = given.bom ?? (bomFound && bomFound.encoding === encoding ? bomFound.bom : 0);

  let body = head.subarray(bom);
  if (encoding.startsWith('utf-16')) body = body.subarray(0, body.length & ~1);
  let text = textDecoderFor(encoding)(body);
  if (head.length < size) {
    // The sample ends mid-record; only whole lines take part in the vote.
    const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    if (lastBreak > 0) text = text.slice(0, lastBreak);
  }

  const delimiter = given.delimiter ?? guessDelimiter(text);
  validateDelimiter(delimiter);
  const hasHeader = given.hasHeader ?? guessHeader(text, delimiter);
  return { delimiter, quote: '"', hasHeader, encoding, bom };
}

export function validateDelimiter(delimiter: string): void {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new Error(`A CSV delimiter must be one character other than a quote or line break, not ${JSON.stringify(delimiter)}.`);
  }
}

function guessDelimiter(text: string): string {
  if (text.length === 0) return ',';
  const parsed = Papa.parse<string[]>(text, { delimitersToGuess: CANDIDATE_DELIMITERS, preview: 20, skipEmptyLines: true });
  const guess = parsed.meta.delimiter;
  return CANDIDATE_DELIMITERS.includes(guess) ? guess : ',';
}

type CellKind = 'empty' | 'number' | 'date' | 'text';

function kindOf(cell: string): CellKind {
  const value = cell.trim();
  if (value === '') return 'empty';
  if (/^[-+]?(\d[\d,]*\.?\d*|\.\d+)([eE][-+]?\d+)?%?$/.test(value) || /^\$-?[\d,]+(\.\d+)?$/.test(value)) return 'number';
  if (/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?/.test(value) || /^\d{1,2}\/\d{1,2}\/\d{2,4}\b/.test(value)) return 'date';
  return 'text';
}

/**
 * A header is a first row of distinct, non-empty labels that are not numbers or dates. The
 * columns then vote, as Python's csv.Sniffer does: a typed column under a text label, or a
 * fixed-width column under a label of another width, says "header"; a fixed-width column
 * under a label of the same width says "data". Text that gives no evidence counts as a
 * header, since nearly every published CSV has one. An empty label does not veto: Census and
 * data.gov exports end every row in the delimiter (`State Name,Code,TOTAL,`), which makes an
 * empty last column under an empty label; like csv.Sniffer, the other columns decide.
 */
function guessHeader(text: string, delimiter: string): boolean {
  const rows = Papa.parse<string[]>(text, { delimiter, preview: HEADER_SAMPLE_ROWS + 1, skipEmptyLines: true }).data;
  if (rows.length === 0) return false;
  const [header, ...data] = rows;
  const labels = header.map((cell) => cell.trim());
  const named = labels.filter((label) => label !== '');
  if (named.length === 0 || named.some((label) => kindOf(label) !== 'text')) return false;
  if (new Set(named).size !== named.length) return false;

  let votes = 0;
  for (let col = 0; col < labels.length; col++) {
    const values = data.map((row) => row[col] ?? '').filter((cell) => cell.trim() !== '');
    if (values.length === 0) continue;
    if (values.every((cell) => kindOf(cell) === 'number' || kindOf(cell) === 'date')) {
      votes++;
      continue;
    }
    const width = values[0].length;
    if (values.every((cell) => cell.length === width)) votes += labels[col].length === width ? -1 : 1;
  }
  return votes >= 0;
}
