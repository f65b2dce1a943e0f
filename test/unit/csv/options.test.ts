import assert from 'node:assert/strict';
import { buildRowIndex } from '../../../src/csv/rowIndex';
import { memorySource } from '../../../src/csv/source';
import { readHeader, readRows } from '../../../src/csv/window';
import { applyCsvOptionChange, parseCsvOverrides, parseDelimiterInput, resolveCsvOptions } from '../../../src/csv/options';
import { csvOptionItems, delimiterName } from '../../../src/csv/optionText';
import type { CsvOverrides } from '../../../src/csv/optionTypes';

/** Resolves the options of `data` and reads its header and every row as the preview would. */
async function preview(data: string | Uint8Array, overrides: CsvOverrides, defaults: { delimiter?: string } = {}) {
  const source = memorySource(data);
  const resolved = await resolveCsvOptions(source, overrides, defaults);
  const { done } = buildRowIndex(source, resolved.dialect);
  const index = await done;
  const header = await readHeader(source, index, resolved.dialect);
  const { rows } = await readRows(source, index, resolved.dialect, 0, index.rowCount);
  return { ...resolved, header, rows };
}

describe('csv preview options', () => {
  it('without overrides, every value in force is the guess and says so', async () => {
    const { choices, header, rows } = await preview('name;ward\nPark;3\nLibrary;5\n', {});
    assert.deepEqual(choices, {
      hasHeader: { value: true, guessed: true, guess: true },
      delimiter: { value: ';', guessed: true, guess: ';' },
      encoding: { value: 'utf-8', guessed: true, guess: 'utf-8' },
    });
    assert.deepEqual(header, ['name', 'ward']);
    assert.deepEqual(rows, [['Park', '3'], ['Library', '5']]);
  });

  it('a header override turns the guessed header into data row 1, and back', async () => {
    // Text that gives no evidence is guessed to have a header; this file has none.
    const data = 'Park,north\nLibrary,south side\nPool,east\n';
    const guessed = await preview(data, {});
    assert.equal(guessed.choices.hasHeader.value, true);
    const off = await preview(data, { hasHeader: false });
    assert.deepEqual(off.choices.hasHeader, { value: false, guessed: false, guess: true });
    assert.equal(off.header, undefined);
    assert.deepEqual(off.rows[0], ['Park', 'north']);
    assert.equal(off.rows.length, 3);
    const on = await preview('1,2\n3,4\n', { hasHeader: true });
    assert.deepEqual(on.choices.hasHeader, { value: true, guessed: false, guess: false });
    assert.deepEqual(on.header, ['1', '2']);
    assert.deepEqual(on.rows, [['3', '4']]);
  });

  it('a delimiter override splits the rows on it; the header is guessed again under it', async () => {
    // Every row has one comma and one semicolon; the guess takes the comma, wrongly.
    const data = 'last, first;amount\nSmith, Ann;15\nJones, Bob;25\n';
    const guessed = await preview(data, {});
    assert.equal(guessed.choices.delimiter.value, ',');
    const semi = await preview(data, { delimiter: ';' });
    assert.deepEqual(semi.choices.delimiter, { value: ';', guessed: false, guess: ',' });
    assert.equal(semi.choices.hasHeader.guessed, true);
    assert.deepEqual(semi.header, ['last, first', 'amount']);
    assert.deepEqual(semi.rows, [['Smith, Ann', '15'], ['Jones, Bob', '25']]);
  });

  it('a .tsv default is the delimiter guess, and an override beats it', async () => {
    const tsv = await preview('a|b\tc\n1|2\t3\n', {}, { delimiter: '\t' });
    assert.deepEqual(tsv.choices.delimiter, { value: '\t', guessed: true, guess: '\t' });
    const pipe = await preview('a|b\tc\n1|2\t3\n', { delimiter: '|' }, { delimiter: '\t' });
    assert.deepEqual(pipe.choices.delimiter, { value: '|', guessed: false, guess: '\t' });
    assert.deepEqual(pipe.rows, [['1', '2\t3']]);
  });

  it('decodes with the chosen encoding: Windows-1252 over a mostly-UTF-8 guess, UTF-16 without a BOM', async () => {
    // One valid UTF-8 sequence keeps the guess at UTF-8; the user knows better.
    const bytes = new Uint8Array([...Buffer.from('name,price\n'), ...Buffer.from('Caf'), 0xe9, ...Buffer.from(',5'), 0x80, 0x0a, 0xc3, 0xa9, ...Buffer.from(',1\n')]);
    const guessed = await preview(bytes, {});
    assert.equal(guessed.choices.encoding.value, 'utf-8');
    assert.equal(guessed.rows[0][0], 'Caf\uFFFD');
    const latin = await preview(bytes, { encoding: 'windows-1252' });
    assert.deepEqual(latin.choices.encoding, { value: 'windows-1252', guessed: false, guess: 'utf-8' });
    assert.deepEqual(latin.rows[0], ['Café', '5€']);
    assert.deepEqual(latin.rows[1], ['Ã©', '1']);

    const be = new Uint8Array(Buffer.from('k;v\n1;ä\n', 'utf16le').swap16());
    const asBe = await preview(be, { encoding: 'utf-16be' });
    assert.deepEqual([asBe.choices.encoding.value, asBe.choices.delimiter.value], ['utf-16be', ';']);
    assert.deepEqual(asBe.header, ['k', 'v']);
    assert.deepEqual(asBe.rows, [['1', 'ä']]);
  });

  it('a UTF-16 BOM is skipped when its encoding is chosen, and read as data when another is', async () => {
    const le = new Uint8Array([0xff, 0xfe, ...Buffer.from('a,b\n1,2\n', 'utf16le')]);
    const chosen = await preview(le, { encoding: 'utf-16le' });
    assert.equal(chosen.dialect.bom, 2);
    assert.deepEqual(chosen.header, ['a', 'b']);
    const other = await preview(le, { encoding: 'windows-1252' });
    assert.equal(other.dialect.bom, 0);
    assert.deepEqual(other.choices.encoding, { value: 'windows-1252', guessed: false, guess: 'utf-16le' });
  });

  it('applies, clears and resets changes, and refuses values no control offers', () => {
    let o = applyCsvOptionChange({}, { option: 'hasHeader', value: false });
    o = applyCsvOptionChange(o, { option: 'delimiter', value: ';' });
    o = applyCsvOptionChange(o, { option: 'encoding', value: 'utf-16be' });
    assert.deepEqual(o, { hasHeader: false, delimiter: ';', encoding: 'utf-16be' });
    assert.deepEqual(applyCsvOptionChange(o, { option: 'delimiter', value: null }), { hasHeader: false, encoding: 'utf-16be' });
    assert.deepEqual(applyCsvOptionChange(o, { option: 'reset' }), {});
    assert.throws(() => applyCsvOptionChange(o, { option: 'delimiter', value: '"' }), /delimiter/);
    assert.throws(() => applyCsvOptionChange(o, { option: 'delimiter', value: ';;' }), /delimiter/);
    assert.throws(() => applyCsvOptionChange(o, { option: 'encoding', value: 'utf-32' as never }), /encoding/);
    assert.throws(() => applyCsvOptionChange(o, { option: 'hasHeader', value: 'yes' as never }), /yes or no/);
    assert.throws(() => applyCsvOptionChange(o, { option: 'nope' } as never), /Unknown/);
  });

  it('drops stored overrides that are not valid choices', () => {
    assert.deepEqual(parseCsvOverrides({ hasHeader: true, delimiter: '|', encoding: 'windows-1252' }), { hasHeader: true, delimiter: '|', encoding: 'windows-1252' });
    assert.deepEqual(parseCsvOverrides({ hasHeader: 'no', delimiter: '\n', encoding: 'ebcdic' }), {});
    assert.deepEqual(parseCsvOverrides(undefined), {});
    assert.deepEqual(parseCsvOverrides('x'), {});
  });

  it('reads a typed delimiter: one character, or a tab or space by name', () => {
    assert.equal(parseDelimiterInput(':'), ':');
    assert.equal(parseDelimiterInput(' ~ '), '~');
    assert.equal(parseDelimiterInput('\\t'), '\t');
    assert.equal(parseDelimiterInput('Tab'), '\t');
    assert.equal(parseDelimiterInput('space'), ' ');
    assert.equal(parseDelimiterInput(' '), ' ');
    for (const bad of ['', '::', '"', '😀']) assert.equal(parseDelimiterInput(bad), undefined, JSON.stringify(bad));
  });

  it('names delimiters a person cannot see', () => {
    const labels = { 'csv.tab': 'Tab', 'csv.space': 'Space' };
    assert.deepEqual([',', '\t', ' ', '\u0001', '|'].map((d) => delimiterName(d, labels)), [',', 'Tab', 'Space', '<U+0001>', '|']);
  });

  it('lists each option with its guess first and marks the one in force', () => {
    const labels: Record<string, string> = {
      'csv.header.guessed.yes': 'Header: guessed yes',
      'csv.header.guessed.no': 'Header: guessed no',
      'csv.header.yes': 'Header: yes',
      'csv.header.no': 'Header: no',
      'csv.delimiter.guessed': 'Delimiter: {0} (guessed)',
      'csv.delimiter': 'Delimiter: {0}',
      'csv.delimiter.other': 'Delimiter: other…',
      'csv.encoding.guessed': 'Encoding: {0} (guessed)',
      'csv.encoding': 'Encoding: {0}',
      'csv.tab': 'Tab',
      'csv.space': 'Space',
    };
    const guessed = csvOptionItems(labels, {
      hasHeader: { value: true, guessed: true, guess: true },
      delimiter: { value: ',', guessed: true, guess: ',' },
      encoding: { value: 'utf-8', guessed: true, guess: 'utf-8' },
    });
    const current = (items: { text: string; current: boolean }[]) => items.filter((i) => i.current).map((i) => i.text);
    assert.deepEqual(current(guessed.hasHeader), ['Header: guessed yes']);
    assert.deepEqual(current(guessed.delimiter), ['Delimiter: , (guessed)']);
    assert.deepEqual(current(guessed.encoding), ['Encoding: UTF-8 (guessed)']);
    assert.deepEqual(guessed.delimiter.map((i) => i.text), ['Delimiter: , (guessed)', 'Delimiter: ,', 'Delimiter: ;', 'Delimiter: Tab', 'Delimiter: |', 'Delimiter: other…']);
    assert.deepEqual(guessed.encoding.map((i) => i.text).slice(1), ['Encoding: UTF-8', 'Encoding: UTF-16 LE', 'Encoding: UTF-16 BE', 'Encoding: Windows-1252 (Latin-1)']);

    const chosen = csvOptionItems(labels, {
      hasHeader: { value: false, guessed: false, guess: true },
      delimiter: { value: ':', guessed: false, guess: ',' },
      encoding: { value: 'windows-1252', guessed: false, guess: 'utf-8' },
    });
    assert.deepEqual(current(chosen.hasHeader), ['Header: no']);
    assert.deepEqual(chosen.hasHeader[0].text, 'Header: guessed yes');
    assert.deepEqual(current(chosen.delimiter), ['Delimiter: :']);
    assert.deepEqual(chosen.delimiter.find((i) => i.current)?.request, { option: 'delimiter', value: ':' });
    assert.deepEqual(current(chosen.encoding), ['Encoding: Windows-1252 (Latin-1)']);
    assert.deepEqual(chosen.encoding[0].request, { option: 'encoding', value: null });
  });
});
