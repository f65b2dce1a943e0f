import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Papa from 'papaparse';
import { memorySource } from '../../../src/csv/source';
import { guessColumnKind, profileCsvColumn } from '../../../src/stats/csvProfile';
import { profileCsvInWorker } from '../../../src/stats/csvProfileInWorker';
import { histogramEdges, parseDateUtc } from '../../../src/stats/accumulator';
import type { CsvDialect } from '../../../src/csv/dialect';

const DIALECT: CsvDialect = { delimiter: ',', quote: '"', hasHeader: true, encoding: 'utf-8', bom: 0 };

/** A file with a number, a code, a date and a text column; blanks and quoted values mixed in. */
function sampleCsv(rows: number): string {
  let seed = 3;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const names = ['Fire', 'Police', 'Parks, Rec', 'Say "hi"', 'Water\nworks', ' '];
  const lines = ['amount,zip,reported,dept'];
  for (let r = 0; r < rows; r++) {
    const amount = random() < 0.1 ? '' : (random() * 1000 - 200).toFixed(2);
    const zip = random() < 0.05 ? '' : `0${7300 + Math.floor(random() * 40)}`;
    const day = random() < 0.05 ? '' : `2024-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}T10:00:00Z`;
    const name = names[Math.floor(random() * names.length)];
    lines.push([amount, zip, day, /[",\n]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name].join(','));
  }
  return lines.join('\n') + '\n';
}

/** The oracle: papaparse, then a plain reduction written for this test. */
function reduce(text: string, column: number, kind: 'number' | 'date' | 'text') {
  const rows = Papa.parse<string[]>(text, { skipEmptyLines: true }).data.slice(1);
  const values = rows.map((row) => row[column] ?? null);
  const present = values.filter((v): v is string => v !== null && v.trim() !== '');
  const counts = new Map<string | number, number>();
  const read = (v: string) => (kind === 'number' ? Number(v) : kind === 'date' ? parseDateUtc(v) : v);
  for (const v of present) counts.set(read(v), (counts.get(read(v)) ?? 0) + 1);
  const numbers = kind === 'text' ? [] : present.map((v) => read(v) as number);
  const mean = numbers.reduce((a, b) => a + b, 0) / numbers.length;
  const variance = numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / (numbers.length - 1);
  return { count: values.length, missing: values.length - present.length, distinct: counts.size, counts, numbers, min: Math.min(...numbers), max: Math.max(...numbers), mean, stddev: Math.sqrt(variance) };
}

describe('CSV column profile', () => {
  const text = sampleCsv(3000);

  it('guesses numbers, dates and text, and keeps zero-led codes as text', async () => {
    const kinds = await Promise.all([0, 1, 2, 3].map((c) => guessColumnKind(memorySource(text), DIALECT, c)));
    assert.deepEqual(kinds, ['number', 'text', 'date', 'text']);
  });

  it('matches papaparse plus a plain reduction, for numbers, dates and text', async () => {
    for (const [column, kind] of [[0, 'number'], [2, 'date'], [1, 'text'], [3, 'text']] as const) {
      const profile = await profileCsvColumn(memorySource(text), DIALECT, column, `c${column}`, { kind, buckets: 7 });
      const oracle = reduce(text, column, kind);
      assert.equal(profile.computedOn, 'file');
      assert.equal(profile.count, oracle.count, `count of ${column}`);
      assert.equal(profile.missing, oracle.missing, `missing of ${column}`);
      assert.deepEqual(profile.distinct, { value: oracle.distinct, exact: true }, `distinct of ${column}`);
      if (kind === 'text') {
        const top = [...oracle.counts].sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : 1)).slice(0, 10);
        assert.deepEqual(profile.topValues.map((t) => [t.value, t.count]), top, `top values of ${column}`);
        assert.equal(profile.histogram, undefined);
        continue;
      }
      assert.equal(profile.min, oracle.min);
      assert.equal(profile.max, oracle.max);
      assert.ok(Math.abs(profile.mean! - oracle.mean) < 1e-6 * Math.max(1, Math.abs(oracle.mean)), `mean of ${column}`);
      assert.ok(Math.abs(profile.stddev! - oracle.stddev) < 1e-6 * oracle.stddev, `stddev of ${column}`);
      const edges = histogramEdges(oracle.min, oracle.max, 7, kind === 'date' ? 1000 : 0);
      const buckets = edges.slice(0, -1).map((from, k) => oracle.numbers.filter((n) => n >= from && (k === edges.length - 2 ? n <= edges[k + 1] : n < edges[k + 1])).length);
      assert.deepEqual(profile.histogram?.map((b) => b.count), buckets, `histogram of ${column}`);
      assert.equal(buckets.reduce((a, b) => a + b, 0), oracle.count - oracle.missing);
    }
  });

  it('runs in a worker thread with progress, and stops when cancelled', async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'okc-profile-'));
    try {
      const path = join(dir, 'big.csv');
      writeFileSync(path, sampleCsv(40_000));
      const worker = resolve('dist/csvProfileWorker.js');
      const progress: number[] = [];
      const profile = await profileCsvInWorker(worker, { path, dialect: DIALECT, column: 0, field: 'amount', options: { kind: 'number' } }, (f) => progress.push(f));
      assert.equal(profile.count, 40_000);
      assert.ok(progress.length >= 2 && progress[progress.length - 1] === 1, `progress ${progress.join(',')}`);
      const controller = new AbortController();
      const cancelled = profileCsvInWorker(worker, { path, dialect: DIALECT, column: 3, field: 'dept' }, () => controller.abort(new Error('cancelled by the test')), controller.signal);
      await assert.rejects(cancelled, /cancelled by the test/);
      await assert.rejects(profileCsvInWorker(worker, { path: join(dir, 'gone.csv'), dialect: DIALECT, column: 0, field: 'x' }), /ENOENT|no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
