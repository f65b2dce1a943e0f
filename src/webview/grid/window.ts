// Scroll math of the virtualized grid, pure so it is tested in Node. Browsers cap an
// element's height (~16-33 million px), so past MAX_SCROLL_PX the scrollbar maps onto the
// rows proportionally instead of one pixel per pixel.

export const MAX_SCROLL_PX = 8_000_000;

export interface Layout {
  total: number;
  rowHeight: number;
  /** Height of the row area (the viewport minus the sticky header). */
  viewHeight: number;
}

/** Height of the scrollable body for `total` rows. */
export function scrollHeight(l: Layout): number {
  return Math.min(l.total * l.rowHeight, Math.max(MAX_SCROLL_PX, l.viewHeight));
}

function maxScrollTop(l: Layout): number {
  return Math.max(0, scrollHeight(l) - l.viewHeight);
}

function maxRowTop(l: Layout): number {
  return Math.max(0, l.total * l.rowHeight - l.viewHeight);
}

/** The (fractional) row at the top of the view for a scroll position. */
export function rowAtScroll(l: Layout, scrollTop: number): number {
  const max = maxScrollTop(l);
  if (max <= 0) return 0;
  const top = Math.min(Math.max(0, scrollTop), max);
  const rowTop = maxRowTop(l);
  return (rowTop === max ? top : top * (rowTop / max)) / l.rowHeight;
}

/** The scroll position that puts (fractional) `row` at the top of the view. */
export function scrollForRow(l: Layout, row: number): number {
  const rowTop = maxRowTop(l);
  if (rowTop <= 0) return 0;
  const clamped = Math.min(Math.max(0, row * l.rowHeight), rowTop);
  const max = maxScrollTop(l);
  return rowTop === max ? clamped : clamped * (max / rowTop);
}

export interface VisibleRows {
  first: number;
  /** Rows to draw (visible ones plus `overscan` below), clipped to the data. */
  count: number;
  /** Offset in px of row `first` from the top of the scrollable content. */
  offsetPx: number;
}

export function visibleRows(l: Layout, scrollTop: number, overscan = 4): VisibleRows {
  if (l.total <= 0) return { first: 0, count: 0, offsetPx: 0 };
  const at = rowAtScroll(l, scrollTop);
  const first = Math.min(Math.floor(at), l.total - 1);
  const fits = Math.ceil(l.viewHeight / l.rowHeight) + 1;
  const count = Math.min(l.total - first, fits + overscan);
  const top = Math.min(Math.max(0, scrollTop), maxScrollTop(l));
  return { first, count, offsetPx: top - (at - first) * l.rowHeight };
}

/** The scroll position that shows `row` with the least movement from `scrollTop`. */
export function scrollToReveal(l: Layout, scrollTop: number, row: number): number {
  const at = rowAtScroll(l, scrollTop);
  const fully = Math.max(1, Math.floor(l.viewHeight / l.rowHeight));
  if (row < at) return scrollForRow(l, row);
  if (row + 1 > at + fully) return scrollForRow(l, row + 1 - l.viewHeight / l.rowHeight);
  return scrollTop;
}
