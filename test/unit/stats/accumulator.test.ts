// ColumnAccumulator and its parts against a plain reduction over the same values.

import * as assert from 'node:assert/strict';
import type { CellValue } from '../../../src/portal/types';
import { bucketIndex, ColumnAccumulator, DistinctSketch, histogramEdges, RunningStats } from '../../../src/stats/accumulator';
import { bucketCounts, close, oracleProfile, type Row } from './oracle';

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ColumnAccumulator', () => {
  it('gives the figures of a plain reduction for numbers with nulls and blanks', () => {
    const r = random(1);
    const values: CellValue[] = Array.from({ length: 5000 }, () => {
      const x = r();
      return x < 0.05 ? null : x < 0.07 ? ' ' : Math.round(r() * 100000) / 100 - 300;
    });
    const acc = new ColumnAccumulator({ kind: 'number', topValues: 5 });
    for (const v of values) acc.add(v);
    const s = acc.summary();
    const expected = oracleProfile(values.map((v): Row => ({ x: v as Row['x'] })), 'x');
    assert.equal(s.count, expected.count);
    assert.equal(s.missing, expected.missing);
    assert.deepEqual(s.distinct, { value: expected.distinct, exact: true });
    assert.equal(s.min, expected.min);
    assert.equal(s.max, expected.max);
    close(s.mean, expected.mean, 'mean');
    close(s.stddev, expected.stddev, 'stddev', 1e-9);
    assert.deepEqual(s.topValues, expected.ranked.slice(0, 5));
    assert.equal(s.invalid, undefined);
  });

  it('counts text values that a number column cannot read as invalid, outside every figure', () => {
    const acc = new ColumnAccumulator({ kind: 'number' });
    for (const v of ['1', '2.5', 'n/a', '', null, '4']) acc.add(v);
    const s = acc.summary();
    assert.equal(s.count, 6);
    assert.equal(s.missing, 2);
    assert.equal(s.invalid, 1);
    assert.equal(s.min, 1);
    assert.equal(s.max, 4);
    close(s.mean, 7.5 / 3, 'mean');
  });

  it('reads dates as epoch ms (ISO and the legacy portal\'s texts, as UTC) and bins them with known edges', () => {
    const values = ['2024-01-01', 'Jan 01, 2024', '2024-03-01T12:00:00Z', Date.UTC(2024, 5, 1), null];
    const edges = histogramEdges(Date.UTC(2024, 0, 1), Date.UTC(2024, 5, 1), 4, 1000);
    const acc = new ColumnAccumulator({ kind: 'date', histogramEdges: edges });
    for (const v of values) acc.add(v);
    const s = acc.summary();
    assert.equal(s.min, Date.UTC(2024, 0, 1));
    assert.equal(s.max, Date.UTC(2024, 5, 1));
    assert.deepEqual(s.distinct, { value: 3, exact: true });
    assert.deepEqual(s.topValues[0], { value: Date.UTC(2024, 0, 1), count: 2 });
    const read = [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1), Date.UTC(2024, 2, 1, 12), Date.UTC(2024, 5, 1)];
    assert.deepEqual(s.histogram!.map((b) => b.count), bucketCounts(read, s.histogram!));
    assert.equal(s.histogram!.reduce((a, b) => a + b.count, 0), 4);
  });

  it('counts text: blanks are missing, ties of top values go by value', () => {
    const acc = new ColumnAccumulator({ kind: 'text', topValues: 3 });
    for (const v of ['b', 'a', 'c', 'a', 'b', '', '  ', null, 'd']) acc.add(v);
    const s = acc.summary();
    assert.equal(s.missing, 3);
    assert.deepEqual(s.distinct, { value: 4, exact: true });
    assert.deepEqual(s.topValues, [{ value: 'a', count: 2 }, { value: 'b', count: 2 }, { value: 'c', count: 1 }]);
    assert.equal(s.min, undefined);
  });

  it('estimates distinct values past the exact cap (within 3 %) and marks them approximate', () => {
    const acc = new ColumnAccumulator({ kind: 'text', distinctCap: 1000 });
    for (let i = 0; i < 50_000; i++) acc.add(`v${i % 20_000}`);
    const s = acc.summary();
    assert.equal(s.distinct!.exact, false);
    assert.ok(Math.abs(s.distinct!.value - 20_000) / 20_000 < 0.03, `estimate ${s.distinct!.value}`);
    assert.equal(s.topValuesApproximate, true);
    assert.equal(s.count, 50_000);
  });
});

describe('histogram edges and buckets', () => {
  it('puts every value in the bucket the range comparisons pick, the max in the last', () => {
    const r = random(7);
    const values = Array.from({ length: 3000 }, () => r() * 1234.5 - 17.25);
    const min = Math.min(...values);
    const max = Math.max(...values);
    const edges = histogramEdges(min, max, 20);
    assert.equal(edges.length, 21);
    const counts = new Array<number>(20).fill(0);
    for (const v of values) counts[bucketIndex(edges, v)]++;
    const buckets = edges.slice(0, -1).map((from, k) => ({ from, to: edges[k + 1] }));
    assert.deepEqual(counts, bucketCounts(values, buckets));
  });

  it('puts a value lying on an edge above it, even where the division rounds down', () => {
    // (4.6955 - -0.18) / width rounds to 6.9999...: the comparisons the portal makes say bucket 7.
    const edges = histogramEdges(-0.17999999999999972, 13.75, 20);
    assert.equal(edges[7], 4.6955);
    assert.equal(bucketIndex(edges, edges[7]), 7);
    assert.equal(bucketIndex(edges, 13.75), 19);
    assert.equal(bucketIndex(edges, -0.17999999999999972), 0);
  });

  it('uses whole steps for integers and dates, and one bucket for a single value', () => {
    const edges = histogramEdges(3, 40, 20, 1);
    assert.ok(edges.every(Number.isInteger));
    assert.ok(edges.length - 1 <= 20);
    assert.equal(edges[edges.length - 1], 40);
    const dates = histogramEdges(1_700_000_000_123, 1_700_000_900_456, 7, 1000);
    assert.ok(dates.slice(0, -1).every((e) => e % 1000 === 0));
    assert.deepEqual(histogramEdges(5, 5, 10), [5, 5]);
  });
});

describe('RunningStats and DistinctSketch', () => {
  it('keep a million-value mean and variance exact to 1e-9', () => {
    const r = random(3);
    const s = new RunningStats();
    const values = Array.from({ length: 1_000_00 }, () => 1e9 + r());
    for (const v of values) s.add(v);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    close(s.mean, mean, 'mean', 1e-12);
    close(s.variance, values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1), 'variance', 1e-6);
    assert.equal(new RunningStats().stddev, undefined);
  });

  it('estimates small and large cardinalities', () => {
    for (const n of [10, 5000, 200_000]) {
      const sketch = new DistinctSketch();
      for (let i = 0; i < n; i++) sketch.add(i);
      assert.ok(Math.abs(sketch.estimate() - n) / n < 0.03, `${n}: ${sketch.estimate()}`);
    }
  });

  it('estimates decimals (amounts in cents, coordinates) as well as integers', () => {
    for (const [n, value] of [[300_000, (i: number) => i / 100], [150_000, (i: number) => 35.3 + i * 1e-6]] as const) {
      const sketch = new DistinctSketch();
      for (let i = 0; i < n; i++) sketch.add(value(i));
      assert.ok(Math.abs(sketch.estimate() - n) / n < 0.03, `${n}: ${sketch.estimate()}`);
    }
  });

  it('counts a number once however often it comes, -0 as 0, and apart from the same text', () => {
    const numbers = new DistinctSketch();
    for (let round = 0; round < 3; round++) for (let i = 0; i < 5000; i++) numbers.add(i);
    numbers.add(-0);
    const once = new DistinctSketch();
    for (let i = 0; i < 5000; i++) once.add(i);
    assert.equal(numbers.estimate(), once.estimate());
    const mixed = new DistinctSketch();
    for (let i = 0; i < 5000; i++) {
      mixed.add(i);
      mixed.add(String(i));
    }
    assert.ok(Math.abs(mixed.estimate() - 10_000) / 10_000 < 0.03, `mixed: ${mixed.estimate()}`);
  });
});
