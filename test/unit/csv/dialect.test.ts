import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sniffDialect, SNIFF_BYTES } from '../../../src/csv/dialect';
import { memorySource } from '../../../src/csv/source';

const sniff = (text: string | Uint8Array) => sniffDialect(memorySource(text));

describe('csv dialect sniffing', () => {
  it('guesses comma, tab, semicolon and pipe', async () => {
    const rows = [
      ['name', 'address', 'zip', 'opened'],
      ['Station 1', '820 NW 5th St', '73102', '2001-04-05'],
      ['Station 2', '2917 SW 29th St', '73119', '1999-11-30'],
      ['Station 3', '1125 N Rockwell Ave', '73127', '2010-01-02'],
    ];
    for (const delimiter of [',', '\t', ';', '|']) {
      const dialect = await sniff(rows.map((r) => r.join(delimiter)).join('\r\n') + '\r\n');
      assert.equal(dialect.delimiter, delimiter, JSON.stringify(delimiter));
      assert.equal(dialect.hasHeader, true);
      assert.equal(dialect.encoding, 'utf-8');
      assert.equal(dialect.bom, 0);
      assert.equal(dialect.quote, '"');
    }
  });

  it('prefers the delimiter outside quotes over commas inside them', async () => {
    const dialect = await sniff('a;b;c\n"1,5";"x, y";3\n"2,5";"z, w";4\n');
    assert.equal(dialect.delimiter, ';');
  });

  it('sees no header when the first row holds numbers or dates', async () => {
    assert.equal((await sniff('1,2,3\n4,5,6\n7,8,9\n')).hasHeader, false);
    assert.equal((await sniff('Smith,42,2020-01-01\nJones,37,2021-02-03\n')).hasHeader, false);
  });

  it('sees no header when labels repeat or are empty', async () => {
    assert.equal((await sniff('a,a,b\nx,y,z\n')).hasHeader, false);
    assert.equal((await sniff('a,,b\nx,y,z\n')).hasHeader, false);
  });

  it('sees a header over typed or fixed-width columns, and none over same-width codes', async () => {
    assert.equal((await sniff('district,population\nWard 1,51000\nWard 2,48000\n')).hasHeader, true);
    assert.equal((await sniff('state,code\nOK,73102\nTX,75001\n')).hasHeader, true);
    assert.equal((await sniff('AB,CD\nEF,GH\nIJ,KL\n')).hasHeader, false);
  });

  it('detects BOMs and UTF-16 without a BOM', async () => {
    const utf8 = await sniff(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('a\tb\n1\t2\n')]));
    assert.deepEqual([utf8.encoding, utf8.bom, utf8.delimiter], ['utf-8', 3, '\t']);
    const le = await sniff(new Uint8Array([0xff, 0xfe, ...Buffer.from('a;b\n1;2\n', 'utf16le')]));
    assert.deepEqual([le.encoding, le.bom, le.delimiter, le.hasHeader], ['utf-16le', 2, ';', true]);
    const bare = await sniff(new Uint8Array(Buffer.from('a|b\n1|2\n', 'utf16le')));
    assert.deepEqual([bare.encoding, bare.bom, bare.delimiter], ['utf-16le', 0, '|']);
  });

  it('calls a file whose high bytes never form UTF-8 windows-1252, and mostly-UTF-8 files UTF-8', async () => {
    assert.equal((await sniff(new Uint8Array([...Buffer.from('name\nCaf'), 0xe9, 0x0a]))).encoding, 'windows-1252');
    assert.equal((await sniff(new Uint8Array([...Buffer.from('name\nCafé\n'), 0xff, 0x0a]))).encoding, 'utf-8');
  });

  it('honours what the caller already knows', async () => {
    const dialect = await sniffDialect(memorySource('a,b\tc\n'), { delimiter: '\t', hasHeader: false });
    assert.equal(dialect.delimiter, '\t');
    assert.equal(dialect.hasHeader, false);
  });

  it('votes on whole lines only when the sample cuts the file', async () => {
    const line = 'alpha;beta;gamma\n';
    const text = line.repeat(Math.ceil((SNIFF_BYTES * 2) / line.length));
    const dialect = await sniff('h1;h2;h3\n' + text);
    assert.equal(dialect.delimiter, ';');
  });

  it('defaults an empty file to comma without header', async () => {
    const dialect = await sniff('');
    assert.deepEqual([dialect.delimiter, dialect.hasHeader, dialect.encoding], [',', false, 'utf-8']);
  });
});

describe('csv header guess on Census and data.gov shaped files', () => {
  const FIXTURES = join(__dirname, '../../../../test/unit/csv/fixtures');
  // Python's csv.Sniffer().has_header says True for each of these (checked by hand).
  for (const [file, delimiter] of [['census-states-trailing-delimiter.csv', ','], ['datagov-spending-trailing-delimiter.csv', ','], ['census-acs-counties-trailing-tab.tsv', '\t']]) {
    it(`${file}: a header row ending in the delimiter is a header`, async () => {
      const dialect = await sniff(readFileSync(join(FIXTURES, file)));
      assert.equal(dialect.delimiter, delimiter);
      assert.equal(dialect.hasHeader, true);
    });
  }

  it('still sees no header when the first row of such a file is data', async () => {
    assert.equal((await sniff('Alabama,01,5024279,\r\nAlaska,02,733391,\r\nArizona,04,7151502,\r\n')).hasHeader, false);
  });
});
