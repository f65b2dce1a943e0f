import assert from 'node:assert/strict';
import Papa from 'papaparse';
import { buildRowIndex, LINE_START, QUOTED, RowIndex, scanUnits, type BuildRowIndexOptions } from '../../../src/csv/rowIndex';
import { memorySource, type RandomAccessSource } from '../../../src/csv/source';
import { readRows } from '../../../src/csv/window';
import { dialectOf, everyChunkSize, indexText, readAll } from './helpers';

/** Every row's start offset. */
function startsIn(index: RowIndex): number[] {
  return Array.from({ length: index.rowCount }, (_, r) => index.offsetOf(r));
}

/** Row starts of a file without unterminated quotes by the byte-by-byte rules (`scanUnits`), the reference for the WebAssembly scan. */
function byteRuleStarts(bytes: Uint8Array, delimiter = 0x2c): number[] {
  const index = new RowIndex(0);
  scanUnits(bytes, 1, 0, delimiter, { state: LINE_START, quoteOpen: -1 }, index);
  index.finish(bytes.length);
  return startsIn(index);
}

/** `text` with a quote after it when it ends inside a quoted field, where the index leaves the byte rules (it recovers). */
function closeOpenQuote(text: string, delimiter: string): string {
  const scan = { state: LINE_START, quoteOpen: -1 };
  scanUnits(new TextEncoder().encode(text), 1, 0, delimiter.charCodeAt(0), scan, new RowIndex(0));
  return scan.state === QUOTED ? `${text}"` : text;
}

describe('csv row index', () => {
  it('splits plain rows and finds the last row without a newline', async () => {
    const { rows, index, errors } = await readAll('a,b\n1,2\n3,4');
    assert.deepEqual(rows, [['a', 'b'], ['1', '2'], ['3', '4']]);
    assert.equal(index.complete, true);
    assert.equal(index.rowCount, 3);
    assert.deepEqual(errors, []);
    assert.deepEqual(index.issues, []);
  });

  it('keeps delimiters, line breaks and doubled quotes inside quoted fields', async () => {
    const text = 'id,note\n1,"a, b"\n2,"line one\nline two\r\nline three\rend"\n3,"say ""hi"""\n4,""\n';
    const { rows, errors } = await readAll(text);
    assert.deepEqual(rows, [
      ['id', 'note'],
      ['1', 'a, b'],
      ['2', 'line one\nline two\r\nline three\rend'],
      ['3', 'say "hi"'],
      ['4', ''],
    ]);
    assert.deepEqual(errors, []);
  });

  it('ends rows at CRLF, LF and lone CR alike', async () => {
    const { rows } = await readAll('a,b\r\n1,2\r3,4\n5,6\r\n');
    assert.deepEqual(rows, [['a', 'b'], ['1', '2'], ['3', '4'], ['5', '6']]);
  });

  it('skips empty lines, including leading and trailing ones', async () => {
    const { rows, index } = await readAll('\n\r\na,b\n\n\n1,2\r\n\r\n3,4\n\n');
    assert.deepEqual(rows, [['a', 'b'], ['1', '2'], ['3', '4']]);
    assert.equal(index.recordCount, 3);
  });

  it('treats a quote inside an unquoted field as text, as papaparse does', async () => {
    const { rows, errors } = await readAll('a,b"c,d\n1,2,3\n');
    assert.deepEqual(rows, [['a', 'b"c', 'd'], ['1', '2', '3']]);
    assert.deepEqual(errors, []);
  });

  it('accepts spaces between a closing quote and the delimiter', async () => {
    const { rows } = await readAll('"a"  ,b\n"c" \n"d"\t,e\n');
    assert.deepEqual(rows, [['a', 'b'], ['c'], ['d', 'e']]);
  });

  it('starts after a UTF-8 BOM', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('name,n\nx,1\n')]);
    const { rows, index } = await readAll(bytes, dialectOf({ bom: 3, hasHeader: true }));
    assert.equal(index.offsetOf(0), 3 + 'name,n\n'.length);
    assert.deepEqual(rows, [['x', '1']]);
  });

  it('gives the same offsets for a quoted newline at every chunk boundary', async () => {
    const text = 'h1,h2\r\n"multi\r\nline, with comma",2\r\n"x""y",""\n\nlast,"q\rq"';
    const expected = [['h1', 'h2'], ['multi\r\nline, with comma', '2'], ['x"y', ''], ['last', 'q\rq']];
    const reference = await indexText(text);
    const offsets = Array.from({ length: reference.index.rowCount }, (_, r) => reference.index.offsetOf(r));
    assert.deepEqual(offsets, [0, 7, 36, 47]);
    for (const chunkSize of everyChunkSize(text.length)) {
      const { rows, index } = await readAll(text, dialectOf(), { chunkSize, firstChunkSize: chunkSize });
      assert.deepEqual(rows, expected, `chunk size ${chunkSize}`);
      assert.deepEqual(Array.from({ length: index.rowCount }, (_, r) => index.offsetOf(r)), offsets, `chunk size ${chunkSize}`);
    }
  });

  it('matches papaparse on generated data with quotes, line breaks and empty lines', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pieces = ['plain', 'with, comma', 'two\nlines', 'a "quoted" word', '', 'crlf\r\ninside', 'ünïcödé ✓'];
    const lines: string[] = [];
    for (let row = 0; row < 200; row++) {
      const cells = Array.from({ length: 4 }, () => {
        const value = pieces[Math.floor(random() * pieces.length)];
        return /[",\n\r]/.test(value) || random() < 0.2 ? `"${value.replace(/"/g, '""')}"` : value;
      });
      lines.push(cells.join(','));
      if (random() < 0.05) lines.push('');
    }
    const text = lines.join('\n');
    const expected = Papa.parse<string[]>(text, { newline: '\n', skipEmptyLines: true }).data;
    for (const chunkSize of [1, 2, 3, 5, 64, 1000, 1 << 20]) {
      const { rows, errors } = await readAll(text, dialectOf(), { chunkSize, firstChunkSize: chunkSize });
      assert.deepEqual(rows, expected, `chunk size ${chunkSize}`);
      assert.deepEqual(errors, []);
    }
  });

  it('splits random quote soup exactly where papaparse does, for LF, CRLF and CR files', async () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let compared = 0;
    for (const newline of ['\n', '\r\n', '\r'] as const) {
      const alphabet = ['a', ',', '"', '""', newline, ' ', '\t', 'x', '"', ','];
      for (let t = 0; t < 1500; t++) {
        let text = '';
        for (let i = 1 + Math.floor(random() * 24); i > 0; i--) text += alphabet[Math.floor(random() * alphabet.length)];
        const expected = Papa.parse<string[]>(text, { delimiter: ',', newline, skipEmptyLines: true });
        // A quote left open at the end of the file is where the index deliberately differs (see above).
        if (expected.errors.some((e) => e.code === 'MissingQuotes')) continue;
        const chunkSize = 1 + (t % 5);
        const { rows } = await readAll(text, dialectOf(), { chunkSize, firstChunkSize: chunkSize });
        // papaparse's skipEmptyLines also drops a row holding one empty quoted field.
        const comparable = rows.filter((r) => !(r.length === 1 && r[0] === ''));
        assert.deepEqual(comparable, expected.data, JSON.stringify(text));
        compared++;
      }
    }
    assert.ok(compared > 2000, `${compared} compared`);
  });

  it('jumps between line breaks and quotes (UTF-8) exactly where the byte-by-byte scan (UTF-16) splits', async () => {
    // The single-byte scanner skips with indexOf; UTF-16 still visits every unit. On ASCII text
    // each UTF-16 offset is twice the UTF-8 one, so the two scanners check each other.
    let seed = 23;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = ['ab', ',', '"', '""', '\n', '\r\n', '\r', ' ', '\t', 'x', '"', ',', ';'];
    for (let t = 0; t < 2000; t++) {
      let text = '';
      for (let i = 1 + Math.floor(random() * 30); i > 0; i--) text += alphabet[Math.floor(random() * alphabet.length)];
      const chunkSize = 1 + (t % 7);
      const delimiter = t % 3 === 0 ? ';' : ',';
      const utf8 = await indexText(text, dialectOf({ delimiter }), { chunkSize, firstChunkSize: chunkSize });
      const utf16 = await indexText(new Uint8Array(Buffer.from(text, 'utf16le')), dialectOf({ delimiter, encoding: 'utf-16le' }), { chunkSize: chunkSize * 2, firstChunkSize: chunkSize * 2 });
      const starts = (index: RowIndex, scale: number) => Array.from({ length: index.rowCount }, (_, r) => index.offsetOf(r) / scale);
      assert.deepEqual(starts(utf8.index, 1), starts(utf16.index, 2), JSON.stringify(text));
      assert.deepEqual(
        utf8.index.issues.map((issue) => issue.byteOffset),
        utf16.index.issues.map((issue) => issue.byteOffset / 2),
        `issues of ${JSON.stringify(text)}`,
      );
    }
  });

  it('reports a file ending inside an open quote and keeps the rows after the break readable', async () => {
    const text = 'a,b\n1,"open\n2,3\n4,5\n';
    for (const chunkSize of [1, 4, 1024]) {
      const { rows, index, errors } = await readAll(text, dialectOf({ hasHeader: true }), { chunkSize, firstChunkSize: chunkSize });
      assert.equal(index.complete, true);
      assert.deepEqual(rows, [['1', 'open'], ['2', '3'], ['4', '5']], `chunk size ${chunkSize}`);
      assert.equal(index.issues.length, 1);
      assert.equal(index.issues[0].kind, 'unterminated-quote');
      assert.equal(index.issues[0].row, 0);
      assert.equal(index.issues[0].byteOffset, 6);
      assert.deepEqual(errors.map((e) => e.row), [0]);
    }
  });

  it('keeps an unterminated quote on the last line as one row', async () => {
    const { rows, index } = await readAll('a,b\n1,"never closed');
    assert.deepEqual(rows, [['a', 'b'], ['1', 'never closed']]);
    assert.deepEqual(index.issues.map((i) => i.kind), ['unterminated-quote']);
  });

  it('indexes an empty file and a file of only line breaks as no rows', async () => {
    for (const text of ['', '\n\r\n\r']) {
      const { rows, index } = await readAll(text);
      assert.equal(index.complete, true);
      assert.equal(index.rowCount, 0);
      assert.deepEqual(rows, []);
    }
  });

  it('uses the given delimiter (tab, semicolon, pipe)', async () => {
    for (const delimiter of ['\t', ';', '|']) {
      const text = ['a', 'b,c', '"d' + delimiter + 'e"'].join(delimiter) + '\n1' + delimiter + '2' + delimiter + '3\n';
      const { rows } = await readAll(text, dialectOf({ delimiter }));
      assert.deepEqual(rows, [['a', 'b,c', 'd' + delimiter + 'e'], ['1', '2', '3']], JSON.stringify(delimiter));
    }
  });

  it('reads UTF-16 files, little and big endian, at any chunk size', async () => {
    const text = 'name,note\n"Ωmega","a\nb"\n😀,x\n';
    const le = new Uint8Array([0xff, 0xfe, ...new Uint8Array(Buffer.from(text, 'utf16le'))]);
    const be = new Uint8Array(le.length);
    for (let i = 0; i < le.length; i += 2) {
      be[i] = le[i + 1];
      be[i + 1] = le[i];
    }
    for (const [encoding, bytes] of [['utf-16le', le], ['utf-16be', be]] as const) {
      for (const chunkSize of [2, 3, 6, 1024]) {
        const { rows } = await readAll(bytes, dialectOf({ encoding, bom: 2, hasHeader: true }), { chunkSize, firstChunkSize: chunkSize });
        assert.deepEqual(rows, [['Ωmega', 'a\nb'], ['😀', 'x']], `${encoding} chunk ${chunkSize}`);
      }
    }
  });

  it('reports invalid UTF-8 with a count and the first offset, and still reads the rows', async () => {
    const bytes = new Uint8Array([...Buffer.from('a,b\n1,é\n'), 0xff, 0x2c, 0x78, 0x0a, 0x32, 0x2c, 0xc3, 0x0a]);
    for (const chunkSize of [1, 2, 5, 1024]) {
      const { rows, index } = await readAll(bytes, dialectOf(), { chunkSize, firstChunkSize: chunkSize });
      assert.deepEqual(rows, [['a', 'b'], ['1', 'é'], ['\uFFFD', 'x'], ['2', '\uFFFD']], `chunk ${chunkSize}`);
      const issue = index.issues.find((i) => i.kind === 'invalid-utf8');
      assert.ok(issue, `chunk ${chunkSize}`);
      assert.equal(issue.count, 2);
      assert.equal(issue.byteOffset, 9);
    }
  });

  it('decodes windows-1252 files without UTF-8 warnings', async () => {
    const bytes = new Uint8Array([...Buffer.from('name,price\nCaf'), 0xe9, 0x2c, 0x80, 0x35, 0x0a]);
    const { rows, index } = await readAll(bytes, dialectOf({ encoding: 'windows-1252' }));
    assert.deepEqual(rows, [['name', 'price'], ['Café', '€5']]);
    assert.deepEqual(index.issues, []);
  });

  it('leaves out and reports half a UTF-16 character at the end', async () => {
    const bytes = new Uint8Array([0xff, 0xfe, ...Buffer.from('a,b\n1,2', 'utf16le'), 0x33]);
    const { rows, index } = await readAll(bytes, dialectOf({ encoding: 'utf-16le', bom: 2 }));
    assert.deepEqual(rows, [['a', 'b'], ['1', '2']]);
    assert.deepEqual(index.issues.map((i) => i.kind), ['odd-utf16-length']);
  });

  it('reports progress and makes rows readable before indexing ends', async () => {
    const text = Array.from({ length: 500 }, (_, i) => `${i},"row ${i}"`).join('\n');
    const seen: [number, number][] = [];
    const { index, done } = buildRowIndex(memorySource(text), dialectOf(), {
      chunkSize: 256,
      firstChunkSize: 64,
      onProgress: (bytes, rows) => seen.push([bytes, rows]),
    });
    await index.waitForRows(10);
    assert.equal(index.complete, false);
    assert.ok(index.rowCount >= 10);
    await done;
    assert.equal(index.rowCount, 500);
    assert.ok(seen.length > 5);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i][0] >= seen[i - 1][0] && seen[i][1] >= seen[i - 1][1]);
    assert.deepEqual(seen[seen.length - 1], [Buffer.byteLength(text), 500]);
  });

  it('stops on abort, rejects done and keeps the rows found so far', async () => {
    const text = Array.from({ length: 1000 }, (_, i) => `${i},x`).join('\n');
    const controller = new AbortController();
    const { index, done } = buildRowIndex(memorySource(text), dialectOf(), {
      chunkSize: 100,
      firstChunkSize: 100,
      signal: controller.signal,
      onProgress: (_bytes, rows) => {
        if (rows >= 50) controller.abort();
      },
    });
    await assert.rejects(done, (error: Error) => error.name === 'AbortError');
    assert.equal(index.complete, false);
    assert.ok(index.rowCount >= 50 && index.rowCount < 1000);
    await index.waitForRows(1_000_000);
    const window = await readRows(memorySource(text), index, dialectOf(), 0, 3);
    assert.deepEqual(window.rows, [['0', 'x'], ['1', 'x'], ['2', 'x']]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { index, done } = buildRowIndex(memorySource('a\nb\n'), dialectOf(), { signal: AbortSignal.abort() });
    await assert.rejects(done, { name: 'AbortError' });
    assert.equal(index.rowCount, 0);
  });

  it('reports a source that shrinks while indexing', async () => {
    const bytes = Buffer.from('a,b\n1,2\n3,4\n');
    const shrinking: RandomAccessSource = { size: async () => bytes.length + 100, read: async (o, l) => bytes.subarray(o, o + l) };
    await assert.rejects(buildRowIndex(shrinking, dialectOf()).done, /shrank/);
  });

  it('indexes generated CSV with tiny and odd chunk sizes, read into the scanner or copied, as the byte-by-byte rules do', async function () {
    this.timeout(30_000); // a few thousand one-byte reads, under a loaded machine
    let seed = 5;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
    const fields = ['abc', '', '12.5', '"a,b"', '"line\none"', '"cr\r\nlf"', '"lone\rcr"', '"say ""hi"""', '""', 'ab"c', '"x"  ', '" ""', '"""a"""'];
    const lineEnds = ['\n', '\r\n', '\r', '\n\n', '\r\n\r\n'];
    const generate = (rows: number) => {
      let text = '';
      for (let r = 0; r < rows; r++) {
        for (let f = 1 + Math.floor(random() * 4); f > 0; f--) text += pick(fields) + (f > 1 ? ',' : '');
        text += pick(lineEnds);
      }
      return new TextEncoder().encode(text + (random() < 0.5 ? 'tail,"no \n newline"' : ''));
    };
    const startsOf = async (source: RandomAccessSource, opts: BuildRowIndexOptions) => {
      const index = await buildRowIndex(source, dialectOf(), opts).done;
      assert.deepEqual(index.issues, []);
      return startsIn(index);
    };
    // Small files for chunks of a few bytes (a quote or CRLF lands on every edge); a big one for
    // bigger chunks, so the bulk copy of starts crosses the index's blocks of 65536 rows.
    const cases: [Uint8Array, number[]][] = [
      [generate(400), [1, 2, 3, 5, 7, 13, 64, 1000]],
      [generate(400), [1, 3, 31, 4099]],
      [generate(90_000), [65_537, 1 << 20, 3 << 20]],
    ];
    for (const [bytes, chunkSizes] of cases) {
      const expected = byteRuleStarts(bytes);
      assert.ok(expected.length > 200, `${expected.length} rows`);
      if (chunkSizes[0] > 65_536) assert.ok(expected.length > 65_536, `${expected.length} rows span two blocks`);
      for (const chunkSize of chunkSizes) {
        for (const firstChunkSize of [1, 7, chunkSize]) {
          const opts = { chunkSize, firstChunkSize };
          const label = `chunk ${chunkSize}, first ${firstChunkSize}`;
          const inMemory = memorySource(bytes);
          assert.deepEqual(await startsOf(inMemory, opts), expected, `${label}, read into the scanner`);
          // A source without readInto: chunks are copied into the shared scanner instead.
          assert.deepEqual(await startsOf({ size: inMemory.size, read: inMemory.read }, opts), expected, `${label}, copied`);
          if (chunkSize > 65_536) break; // the big file: once is enough
        }
      }
    }
  });

  // The WebAssembly scan takes 64 bytes at a time from bitmasks when every quote in them opens
  // or closes a field, and goes byte by byte otherwise; these put each kind of quote, line break
  // and short row at every position of a block and compare with the byte rules.
  describe('64-byte blocks', () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    /** Indexes `bytes` read into the scanner and copied into it, at chunk sizes that move the blocks' edges. */
    const assertByteRules = async (bytes: Uint8Array, label: string, delimiter = ',') => {
      const expected = byteRuleStarts(bytes, delimiter.charCodeAt(0));
      for (const chunkSize of [64, 100, 131, 1 << 16]) {
        const opts = { chunkSize, firstChunkSize: chunkSize };
        const inMemory = memorySource(bytes);
        for (const source of [inMemory, { size: inMemory.size, read: inMemory.read }]) {
          const index = await buildRowIndex(source, dialectOf({ delimiter }), opts).done;
          assert.deepEqual(startsIn(index), expected, `${label}, chunk ${chunkSize}${source === inMemory ? '' : ', copied'}`);
        }
      }
    };

    it('puts every kind of quote and line break at every position of a block', async function () {
      this.timeout(120_000); // thousands of small builds, under a loaded machine
      // Each piece comes after a line break; what follows it decides some (a closing quote
      // then a delimiter, a quote, spaces or text).
      const pieces = [
        'a,"b,c"\n', '"x""y",z\r\n', '"line\nbreak"\r\n', 'ab"c,d\n', '"q"  ,r\n', '"q"x,\n', '""\n', '"""a"""\r',
        '\r\n\r\n', '1\n2\n3\n', '"cr\r",x\n', 'k,"', '","\n', '"a"""', ',"', '"\r\n"', 'z\r', '\n"',
      ];
      const plain = 'id,name,amount\n'.repeat(6);
      for (const piece of pieces) {
        for (let shift = 0; shift < 64; shift++) {
          const text = `${'x'.repeat(shift)}\n${piece}${piece}${plain}${piece}"${plain}"\n${plain}`;
          await assertByteRules(encode(text), `${JSON.stringify(piece)} after ${shift} bytes`);
        }
      }
    });

    it('finds every start of rows of one to three bytes, many to a block', async function () {
      this.timeout(30_000);
      for (const row of ['x\n', 'x\r\n', 'xy\n', '\n', '"\n"\n', '""\n', '1,\n', 'a\r']) {
        for (let shift = 0; shift < 4; shift++) await assertByteRules(encode('.'.repeat(shift) + row.repeat(300)), `${JSON.stringify(row)} after ${shift} bytes`);
      }
      const { index } = await indexText('x\n'.repeat(1000), dialectOf(), { chunkSize: 1 << 16 });
      assert.equal(index.rowCount, 1000);
      assert.equal(index.offsetOf(999), 1998);
    });

    it('splits long random quote soup as the byte rules do', async function () {
      this.timeout(60_000);
      let seed = 77;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      // Mostly well-formed fields, so that whole blocks are taken, with every oddity now and then.
      const tokens = ['abc', ',', ',', '\n', '\r\n', '"a,b"', '"x""y"', '"l\nm"', '""', '"', ' ', 'x', '12', '"q" ', '\r', ';'];
      for (let t = 0; t < 150; t++) {
        let text = '';
        while (text.length < 400 + (t % 7) * 100) text += tokens[Math.floor(random() * (random() < 0.9 ? 9 : tokens.length))];
        const delimiter = t % 5 === 0 ? ';' : ',';
        await assertByteRules(encode(closeOpenQuote(text, delimiter)), `soup ${t}: ${JSON.stringify(text)}`, delimiter);
      }
    });

    it('matches no byte with a delimiter above 255, though its low byte is a comma', async () => {
      // U+012C: as in the byte rules, no single byte is this delimiter, so every quote below is text.
      const text = '"a,b",c\n1,"2"\nx,"y""z"\n'.repeat(20);
      await assertByteRules(encode(text), 'U+012C', '\u012c');
    });

    it('reports where an unterminated quote opened when its block was taken whole', async () => {
      for (let shift = 0; shift < 64; shift++) {
        // The doubled quote after the opening one opens nothing; the report points at the first.
        const head = `a,b\n${'x'.repeat(shift)},1\n`;
        const text = `${head}2,"open ""quoted"" ${'z'.repeat(80)}\n3,4\n${'5,6\n'.repeat(40)}`;
        for (const chunkSize of [64, 1 << 16]) {
          const { index } = await indexText(text, dialectOf({ hasHeader: true }), { chunkSize, firstChunkSize: chunkSize });
          assert.deepEqual(
            index.issues.map((issue) => [issue.kind, issue.byteOffset, issue.row]),
            [['unterminated-quote', head.length + 2, 1]],
            `after ${shift} bytes, chunk ${chunkSize}`,
          );
          assert.equal(index.rowCount, 43);
          assert.equal(index.offsetOf(2), text.indexOf('\n3,4') + 1);
        }
      }
    });
  });

  it('keeps 4 bytes a row and spans blocks of 65536 rows', async () => {
    const rows = 200_000;
    const text = 'x\n'.repeat(rows);
    const { index } = await indexText(text, dialectOf(), { chunkSize: 1 << 16 });
    assert.equal(index.rowCount, rows);
    assert.equal(index.offsetOf(65535), 65535 * 2);
    assert.equal(index.offsetOf(65536), 65536 * 2);
    assert.equal(index.offsetOf(rows - 1), (rows - 1) * 2);
    assert.ok(index.memoryBytes() <= rows * 4 + 4 * 65536 * 4, `${index.memoryBytes()} bytes`);
    assert.throws(() => index.offsetOf(rows), RangeError);
  });

  it('keeps exact offsets past 4 GiB when the starts come relative to the base the index names', () => {
    // As the scanner hands them over: each chunk's starts relative to referenceFor's base.
    const index = new RowIndex(0);
    const expected: number[] = [];
    const chunkBytes = 700 * 1024 * 1024;
    for (let c = 0; c < 10; c++) {
      // Sparse chunks leave a block's base far behind (its deltas outgrow 32 bits), dense ones start new blocks.
      const rowsPerChunk = c < 7 ? 1_000 : 40_000;
      const at = c * chunkBytes;
      const reference = index.referenceFor(at, chunkBytes);
      const relative = new Uint32Array(rowsPerChunk);
      for (let k = 0; k < rowsPerChunk; k++) {
        const offset = at + k * Math.floor(chunkBytes / rowsPerChunk);
        expected.push(offset);
        relative[k] = offset - reference;
      }
      index.pushAll(relative, reference);
    }
    index.finish(10 * chunkBytes);
    assert.ok(expected[expected.length - 1] > 2 ** 32);
    assert.deepEqual(startsIn(index), expected);
    // The first block spans more than 4 GiB (8 bytes a row); the second starts on a base of its own, 4 bytes a row.
    assert.equal(expected.length, 7_000 + 3 * 40_000);
    assert.ok(index.memoryBytes() <= 65_536 * 8 + 65_536 * 4 + 64, `${index.memoryBytes()} bytes`);
  });

  it('refuses a delimiter that is not one safe character', () => {
    assert.throws(() => buildRowIndex(memorySource('a'), dialectOf({ delimiter: '::' })), /one character/);
    assert.throws(() => buildRowIndex(memorySource('a'), dialectOf({ delimiter: '"' })), /one character/);
  });
});
