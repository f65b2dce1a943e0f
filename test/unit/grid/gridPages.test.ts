// The host's page cache for remote grids: page-aligned fetches capped by the page size,
// sharing between windows, a bounded LRU, and cancellation of pages nobody waits for.

import assert from 'node:assert/strict';
import { PAGE_CELLS, PageCache, pageSizeFor, rowsForWidth } from '../../../src/preview/gridPages';
import type { GridCell } from '../../../src/protocol';

function fakeRows(total: number) {
  const calls: { first: number; count: number; signal: AbortSignal }[] = [];
  const gates: (() => void)[] = [];
  let held = false;
  const fetch = async (first: number, count: number, signal: AbortSignal): Promise<GridCell[][]> => {
    calls.push({ first, count, signal });
    if (held) await new Promise<void>((resolve, reject) => {
      gates.push(resolve);
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
    const rows: GridCell[][] = [];
    for (let r = first; r < Math.min(total, first + count); r++) rows.push([r, `row ${r}`]);
    return rows;
  };
  return { fetch, calls, gates, hold: (on: boolean) => (held = on) };
}

describe('grid page cache', () => {
  it('reads a window across pages with page-aligned requests no bigger than the page size', async () => {
    const f = fakeRows(10_000);
    const cache = new PageCache(f.fetch, 100);
    const rows = await cache.window(150, 100);
    assert.equal(rows.length, 100);
    assert.deepEqual(rows[0], [150, 'row 150']);
    assert.deepEqual(rows[99], [249, 'row 249']);
    assert.deepEqual(f.calls.map((c) => [c.first, c.count]), [[100, 100], [200, 100]]);
  });

  it('stops at the end of the data', async () => {
    const f = fakeRows(1_000_000);
    const cache = new PageCache(f.fetch, 500);
    const rows = await cache.window(999_990, 50);
    assert.equal(rows.length, 10);
    assert.deepEqual(rows[9], [999_999, 'row 999999']);
  });

  it('serves repeated windows from memory and keeps at most maxPages pages', async () => {
    const f = fakeRows(100_000);
    const cache = new PageCache(f.fetch, 10, 3);
    await cache.window(0, 10);
    await cache.window(0, 10);
    assert.equal(f.calls.length, 1);
    await cache.window(10, 30); // pages 1..3; page 0 is evicted
    assert.equal(cache.cachedPages, 3);
    await cache.window(0, 10);
    assert.equal(f.calls.length, 5);
  });

  it('shares one fetch between overlapping windows in flight', async () => {
    const f = fakeRows(1000);
    f.hold(true);
    const cache = new PageCache(f.fetch, 100);
    const a = cache.window(0, 50);
    const b = cache.window(50, 20);
    await new Promise((r) => setImmediate(r));
    assert.equal(f.calls.length, 1);
    f.gates.splice(0).forEach((open) => open());
    assert.equal((await a).length, 50);
    assert.deepEqual((await b)[0], [50, 'row 50']);
  });

  it('cancels a page fetch when the only window waiting for it is abandoned', async () => {
    const f = fakeRows(1000);
    f.hold(true);
    const cache = new PageCache(f.fetch, 100);
    const controller = new AbortController();
    const stale = cache.window(500, 10, controller.signal);
    await new Promise((r) => setImmediate(r));
    controller.abort(new Error('stale'));
    await assert.rejects(stale, /stale/);
    assert.equal(f.calls[0].signal.aborted, true);
    assert.equal(cache.cachedPages, 0);
  });

  it('keeps a shared page fetch alive while another window still waits for it', async () => {
    const f = fakeRows(1000);
    f.hold(true);
    const cache = new PageCache(f.fetch, 100);
    const controller = new AbortController();
    const stale = cache.window(0, 10, controller.signal);
    const live = cache.window(5, 10, new AbortController().signal);
    await new Promise((r) => setImmediate(r));
    controller.abort(new Error('stale'));
    await assert.rejects(stale, /stale/);
    assert.equal(f.calls[0].signal.aborted, false);
    f.gates.splice(0).forEach((open) => open());
    assert.deepEqual((await live)[0], [5, 'row 5']);
  });

  it('picks a page size within the service cap', () => {
    assert.equal(pageSizeFor(2000), 200);
    assert.equal(pageSizeFor(100), 100);
    assert.equal(pageSizeFor(undefined), 200);
    assert.equal(pageSizeFor(0), 200);
  });

  it('asks a wide layer for fewer rows a page, so no page passes PAGE_CELLS values', () => {
    // A usual layer keeps its 200 rows; a 5,000-column one gets 5, one of 100,000 columns one.
    assert.equal(rowsForWidth(40, 200), 200);
    assert.equal(rowsForWidth(5000, 200), PAGE_CELLS / 5000);
    assert.ok(rowsForWidth(5000, 200) * 5000 <= PAGE_CELLS);
    assert.equal(rowsForWidth(100_000, 200), 1);
    assert.equal(rowsForWidth(0, 200), 200);
  });
});
