// Scroll math of the virtualized grid, including the proportional mode past the browser's
// element-height limit that a 1,000,000-row dataset needs.

import assert from 'node:assert/strict';
import { MAX_SCROLL_PX, rowAtScroll, scrollForRow, scrollHeight, scrollToReveal, visibleRows } from '../../../src/webview/grid/window';

describe('grid window math', () => {
  const small = { total: 1000, rowHeight: 24, viewHeight: 480 };
  const big = { total: 1_000_000, rowHeight: 24, viewHeight: 480 };

  it('maps one pixel to one pixel while the rows fit under the height cap', () => {
    assert.equal(scrollHeight(small), 24_000);
    assert.deepEqual(visibleRows(small, 240), { first: 10, count: 25, offsetPx: 240 });
    assert.deepEqual(visibleRows(small, 250, 0), { first: 10, count: 21, offsetPx: 240 });
    assert.equal(scrollForRow(small, 10), 240);
  });

  it('caps the scroll height for a million rows and still reaches the first and last row', () => {
    assert.equal(scrollHeight(big), MAX_SCROLL_PX);
    const top = visibleRows(big, 0);
    assert.equal(top.first, 0);
    const maxScroll = MAX_SCROLL_PX - big.viewHeight;
    const bottom = visibleRows(big, maxScroll, 0);
    assert.equal(bottom.first + bottom.count, 1_000_000);
    assert.ok(Math.abs(rowAtScroll(big, maxScroll) - (1_000_000 - 20)) < 1e-6);
    // Row 999,999 fully visible at the bottom of the view.
    const at = scrollToReveal(big, 0, 999_999);
    assert.equal(at, maxScroll);
  });

  it('round-trips a row through the scroll position in proportional mode', () => {
    for (const row of [0, 1, 12_345, 500_000, 999_979]) {
      const back = rowAtScroll(big, scrollForRow(big, row));
      assert.ok(Math.abs(back - row) < 1e-6, `${row} -> ${back}`);
      const v = visibleRows(big, scrollForRow(big, row));
      assert.equal(v.first, Math.floor(back + 1e-9));
    }
  });

  it('scrolls only as far as needed to reveal a row', () => {
    assert.equal(scrollToReveal(small, 240, 15), 240);
    assert.equal(scrollToReveal(small, 240, 5), 120);
    assert.equal(scrollToReveal(small, 240, 40), 41 * 24 - 480);
  });

  it('draws nothing for an empty result', () => {
    assert.deepEqual(visibleRows({ total: 0, rowHeight: 24, viewHeight: 480 }, 0), { first: 0, count: 0, offsetPx: 0 });
  });
});
