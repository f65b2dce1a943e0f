// The grid webview: a virtualized table (only the rows in view are in the DOM) over windows
// of rows the host sends on request, with a sticky header and first column, resizable
// columns, keyboard navigation, row detail, copy as CSV, and ARIA grid roles. Every value is
// a text node; nothing from the data is parsed as markup.

import type { CsvOptionRequest } from '../csv/optionTypes';
import { GRID_WIDE_COLUMNS, type GridCell, type GridFilter, type GridPanelState, type GridRowDetail, type GridRowsResult, type GridSortKey, type GridView } from '../protocol';
import { CellFormatter } from './grid/format';
import { ProfileSection } from './grid/profile';
import { Toolbar, countText, fill } from './grid/toolbar';
import { scrollHeight, scrollForRow, scrollToReveal, visibleRows, type Layout } from './grid/window';
import { showControls } from '../util/text';
import { h, icon } from './shared/dom';
import { showRowDetail } from './shared/rowDetail';
import { onNotify, ready, request, vscodeApi } from './shared/rpc';

const ROW_HEIGHT = 24;
const HEADER_HEIGHT = 28;
const ROW_NUMBER_WIDTH = 90;
/** Rows asked for around the visible ones, so small scrolls need no round trip. */
const FETCH_MARGIN = 60;
/** Rows kept in memory; beyond this the farthest from view are dropped. */
const MAX_CACHED_ROWS = 3_000;
const MIN_COLUMN_WIDTH = 48;
/** Columns are drawn this far past each side of the viewport; beyond it they are left out, so
 * a layer of thousands of columns draws a screenful of cells, not rows × every column. */
const COLUMN_MARGIN_PX = 800;
/** Wide grids: columns asked for past each side of the drawn ones, so short horizontal scrolls
 * need no round trip. */
const COLUMN_FETCH_MARGIN = 40;
/** Characters of a value the row detail shows at first, and adds per "show more". */

interface LoadedRow {
  cells: GridCell[];
  /** Wide grids: where each column's cell is in `cells` (-1: not loaded); shared by the rows of
   * one window. Absent: `cells` holds every column. */
  at?: Int32Array;
  /** Columns whose cell was cut for display. */
  cut: Set<number>;
}

/** A row's cell of column `c`; undefined when the row does not hold that column. */
function cellOf(row: LoadedRow, c: number): GridCell | undefined {
  if (!row.at) return row.cells[c];
  const i = row.at[c];
  return i === undefined || i < 0 ? undefined : row.cells[i];
}

/** Whether `row` holds every column in `columns` (the spacer, -1, needs none). */
function holdsColumns(row: LoadedRow, columns: number[]): boolean {
  if (!row.at) return true;
  for (const c of columns) if (c >= 0 && !(row.at[c] >= 0)) return false;
  return true;
}

const app = document.getElementById('app')!;
document.body.classList.add('grid-page');

let view: GridView | undefined;
let formatter = new CellFormatter('en', 'missing');
let widths: number[] = [];
const rows = new Map<number, LoadedRow>();
let inFlight: { first: number; count: number; generation: number; columns?: number[] } | undefined;
let lastAnswered = '';
const active = { row: 0, col: 0 };
const anchor = { row: 0, col: 0 };
let lastPainted = '';
/** Bumped whenever drawn rows may show something new other than by a scroll or a move of the
 * cursor: a frame, stored rows, column widths, a new total. */
let drawnEpoch = 0;
/** What the body was last drawn from (see render). */
let lastDrawn = '';
/** The columns the header was last drawn with (see drawnColumns). */
let headerColumns = '';
let progress: number | undefined;

const toolbar = new Toolbar({
  setFilters: (filters) => void runQuery(view?.sort ?? [], filters),
  clearQuery: () => void runQuery([], []),
  copyCell: () => void copy('cell'),
  copyRow: () => void copy('row'),
  copySelection: () => void copy('selection'),
  run: (action) => void request('grid/action', { action }),
  csvOption: (option) => void setCsvOption(option),
  invalid: (message) => showError(message),
});

/** A header, delimiter or encoding choice: the host reads the file again and sends a new frame. */
async function setCsvOption(option: CsvOptionRequest): Promise<void> {
  const before = view;
  try {
    await request('grid/csvOption', option);
  } catch (error) {
    showError((error as Error).message);
  }
  // No new frame yet (a cancelled "other…", a failure): show again what is in force.
  if (view && view === before) toolbar.render(view);
}
const messages = h('div', { class: 'grid-messages', id: 'grid-messages' });
const scroller = h('div', { class: 'grid-scroller', id: 'grid', role: 'grid', tabindex: '0', 'aria-multiselectable': 'true' });
const sizer = h('div', { class: 'grid-sizer' });
const header = h('div', { class: 'grid-header', role: 'row', 'aria-rowindex': '1' });
const body = h('div', { class: 'grid-body', role: 'rowgroup' });
const headerGroup = h('div', { role: 'rowgroup', class: 'grid-header-group' }, header);
sizer.append(headerGroup, body);
scroller.append(sizer);
const detail = h('div', { class: 'grid-detail', id: 'grid-detail', role: 'dialog', 'aria-modal': 'true', hidden: '' });
const profile = new ProfileSection({
  addFilters: (filters) => void runQuery(view?.sort ?? [], [...(view?.filters ?? []), ...filters]),
  canFilter: () => view?.canQuery === true,
  close: () => {
    profile.element.hidden = true;
    profileField = undefined;
    scroller.focus();
  },
});
/** The column whose profile is open; it is computed again when the grid's query changes. */
let profileField: string | undefined;
let pendingProfile: string | undefined;
app.replaceChildren(toolbar.element, messages, scroller, detail, profile.element);

function layout(): Layout {
  return { total: view?.total ?? 0, rowHeight: ROW_HEIGHT, viewHeight: Math.max(ROW_HEIGHT, scroller.clientHeight - HEADER_HEIGHT) };
}

function initialWidth(label: string, kind: string): number {
  const chars = Math.max(label.length + 5, kind === 'date' ? 16 : kind === 'string' || kind === 'text' ? 18 : 10);
  return Math.min(360, Math.max(80, chars * 8));
}

function show(incoming: GridView): void {
  let next = incoming;
  if (!view && next.keepRow === undefined) {
    // A webview recreated after its tab was hidden: come back to where the user was.
    const saved = vscodeApi.getState() as (GridPanelState & { row?: number; generation?: number }) | undefined;
    if (saved && JSON.stringify(stateKey(saved)) === JSON.stringify(stateKey(next.state)) && typeof saved.row === 'number') next = { ...next, keepRow: saved.row };
  }
  const sameSource = view && JSON.stringify(stateKey(view.state)) === JSON.stringify(stateKey(next.state));
  const sameColumns = sameSource && view!.columns.map((c) => c.name).join('\u0000') === next.columns.map((c) => c.name).join('\u0000');
  view = next;
  formatter = new CellFormatter(next.locale, next.labels.missing);
  if (!sameColumns) widths = next.columns.map((c) => initialWidth(c.label, c.kind));
  rows.clear();
  inFlight = undefined;
  lastAnswered = '';
  drawnEpoch++;
  if (next.initialRows) store(next.initialRows);
  lastPainted = '';
  document.title = next.title;
  scroller.setAttribute('aria-label', fill(next.labels.gridLabel, showControls(next.title)));
  scroller.setAttribute('aria-colcount', String(next.columns.length + 1));
  toolbar.render(next);
  renderMessages();
  renderHeader();
  updateSize();
  const keep = next.keepRow;
  if (keep !== undefined) {
    active.row = Math.min(keep, Math.max(0, next.total - 1));
    scroller.scrollTop = scrollForRow(layout(), keep);
  } else if (!sameSource) {
    active.row = 0;
    scroller.scrollTop = 0;
  } else {
    active.row = Math.min(active.row, Math.max(0, next.total - 1));
    if (!sameColumns) scroller.scrollTop = 0;
  }
  active.col = Math.min(active.col, Math.max(0, next.columns.length - 1));
  anchor.row = active.row;
  anchor.col = active.col;
  saveState();
  render();
  if (pendingProfile) {
    const field = pendingProfile;
    pendingProfile = undefined;
    void openProfile(field);
  } else if (profileField && profile.open) {
    if (next.columns.some((c) => c.name === profileField)) void openProfile(profileField);
    else profile.element.hidden = true;
  }
}

/** Profile Column: asks the host for the column's profile over the current query and draws it. */
async function openProfile(field: string): Promise<void> {
  if (!view) {
    // Asked for before the first frame arrived (from the metadata panel): run it after.
    pendingProfile = field;
    return;
  }
  if (!view.canProfile) return;
  const v = view;
  const column = v.columns.find((c) => c.name === field);
  if (!column) return;
  profileField = field;
  profile.loading(column.label, v.labels);
  try {
    const result = await request('grid/profile', { generation: v.generation, field });
    if (profileField !== field || view !== v) return;
    profile.show(result, column, formatter, v.labels, v.locale);
    const texts = result.topValues.map((t) => (t.value === null ? '' : String(t.value)));
    void request('grid/profileShown', { field, generation: result.generation, topValues: texts }).catch(() => undefined);
  } catch (error) {
    if (profileField === field) profile.error((error as Error).message);
  }
}

function stateKey(state: GridPanelState): unknown {
  return state.kind === 'csv' ? ['csv', state.uri] : ['remote', state.portal, state.id];
}

function updateSize(): void {
  if (!view) return;
  const total = view.total;
  scroller.setAttribute('aria-rowcount', String(total + 1));
  const width = ROW_NUMBER_WIDTH + widths.reduce((a, b) => a + b, 0);
  sizer.style.height = `${HEADER_HEIGHT + scrollHeight(layout())}px`;
  sizer.style.width = `${width}px`;
  toolbar.setStatus(view.complete ? countText(view.labels, 'rows', total, view.locale) : countText(view.labels, 'rowsIndexing', total, view.locale, progress ?? 0));
}

function renderMessages(): void {
  if (!view) return;
  messages.replaceChildren(
    ...view.warnings.map((w) => h('div', { class: 'grid-warning', role: 'status' }, icon('warning'), ' ', showControls(w))),
  );
}

/** The latest error's Retry, pressed by its button or by the host (`grid/retry`). */
let latestRetry: (() => void) | undefined;

function showError(message: string, retry?: { label: string; run: () => void }): void {
  const line = h('div', { class: 'grid-error error', role: 'alert' }, icon('error'), ' ', showControls(message));
  latestRetry = undefined;
  if (retry) {
    const run = (): void => {
      if (latestRetry !== run) return;
      latestRetry = undefined;
      messages.querySelectorAll('.grid-error').forEach((e) => e.remove());
      retry.run();
    };
    const button = h('button', { type: 'button', class: 'grid-retry' }, icon('refresh'), ' ', retry.label);
    button.addEventListener('click', run);
    line.append(' ', button);
    latestRetry = run;
  }
  messages.append(line);
}

/** The columns to draw: the first (sticky) one always, then `first`..`last`, those within the
 * viewport and COLUMN_MARGIN_PX either side; `skipped` is the width of the columns between. */
function drawnColumns(): { first: number; last: number; skipped: number } {
  const count = widths.length;
  const from = scroller.scrollLeft - COLUMN_MARGIN_PX;
  const to = scroller.scrollLeft + scroller.clientWidth + COLUMN_MARGIN_PX;
  let left = ROW_NUMBER_WIDTH + (widths[0] ?? 0);
  let first = 1;
  while (first < count - 1 && left + widths[first] < from) left += widths[first++];
  const skipped = left - ROW_NUMBER_WIDTH - (widths[0] ?? 0);
  let last = first;
  for (let right = left + (widths[first] ?? 0); last + 1 < count && right < to; ) right += widths[++last];
  return { first, last: Math.min(last, count - 1), skipped };
}

/** Each drawn column's index: the sticky one, then the window; a spacer (index -1) stands for the skipped ones. */
function columnsToDraw(drawn: { first: number; last: number; skipped: number }): number[] {
  const out = widths.length ? [0] : [];
  if (drawn.skipped > 0) out.push(-1);
  for (let c = Math.max(1, drawn.first); c <= drawn.last; c++) out.push(c);
  return out;
}

function spacer(width: number): HTMLElement {
  const el = h('div', { class: 'grid-spacer', 'aria-hidden': 'true' });
  el.style.width = `${width}px`;
  return el;
}

function renderHeader(): void {
  if (!view) return;
  const v = view;
  const drawn = drawnColumns();
  headerColumns = `${drawn.first}:${drawn.last}`;
  const cells: HTMLElement[] = [h('div', { class: 'grid-rownum grid-colheader', role: 'columnheader', 'aria-colindex': '1' }, v.labels.rowNumber)];
  for (const i of columnsToDraw(drawn)) {
    if (i < 0) {
      cells.push(spacer(drawn.skipped));
      continue;
    }
    const column = v.columns[i];
    const sort = v.sort.find((s) => s.field === column.name);
    const ariaSort = sort ? (sort.descending ? 'descending' : 'ascending') : 'none';
    const label = h(
      'button',
      { type: 'button', class: 'grid-sort-button', title: `${showControls(column.name)} (${column.kind})`, disabled: v.canQuery ? undefined : '' },
      h('span', { class: 'grid-colname' }, showControls(column.label)),
      sort ? icon(sort.descending ? 'arrow-down' : 'arrow-up') : null,
    );
    label.addEventListener('click', () => {
      if (!v.canQuery) return;
      const next: GridSortKey[] = !sort ? [{ field: column.name }] : !sort.descending ? [{ field: column.name, descending: true }] : [];
      void runQuery(next, v.filters);
    });
    const profileButton = v.canProfile
      ? h('button', { type: 'button', class: 'icon-button grid-profile-button', id: `profile-column-${i}`, title: v.labels.profileColumnHint, 'aria-label': `${v.labels.profileColumn}: ${showControls(column.label)}` }, icon('graph'))
      : null;
    profileButton?.addEventListener('click', () => void openProfile(column.name));
    const handle = h('div', { class: 'grid-resize', role: 'separator', 'aria-orientation': 'vertical', title: v.labels.resizeColumn, 'aria-label': v.labels.resizeColumn });
    handle.addEventListener('pointerdown', (event) => startResize(event, i, handle));
    const cell = h('div', { class: `grid-colheader${i === 0 ? ' sticky-col' : ''}${isNumeric(column.kind) ? ' number' : ''}`, role: 'columnheader', 'aria-colindex': String(i + 2), 'aria-sort': ariaSort, 'data-col': String(i) }, label, profileButton, handle);
    cell.style.width = `${widths[i]}px`;
    cells.push(cell);
  }
  header.replaceChildren(...cells);
}

function isNumeric(kind: string): boolean {
  return kind === 'integer' || kind === 'double' || kind === 'oid';
}

function startResize(event: PointerEvent, column: number, handle: HTMLElement): void {
  event.preventDefault();
  event.stopPropagation();
  const startX = event.clientX;
  const startWidth = widths[column];
  handle.setPointerCapture(event.pointerId);
  const move = (e: PointerEvent): void => {
    widths[column] = Math.max(MIN_COLUMN_WIDTH, Math.round(startWidth + e.clientX - startX));
    applyWidths();
  };
  const up = (): void => {
    handle.removeEventListener('pointermove', move);
    handle.removeEventListener('pointerup', up);
  };
  handle.addEventListener('pointermove', move);
  handle.addEventListener('pointerup', up);
}

function applyWidths(): void {
  drawnEpoch++;
  for (const cell of Array.from(sizer.querySelectorAll<HTMLElement>('[data-col]'))) cell.style.width = `${widths[Number(cell.dataset.col)]}px`;
  updateSize();
  // A wider or narrower column moves the window of drawn columns.
  scheduleRender();
}

let frame = 0;
function scheduleRender(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

function render(): void {
  if (!view) return;
  const v = view;
  const vis = visibleRows(layout(), scroller.scrollTop);
  body.style.top = `${HEADER_HEIGHT + vis.offsetPx}px`;
  const drawn = drawnColumns();
  if (`${drawn.first}:${drawn.last}` !== headerColumns) renderHeader();
  const drawnColumnList = columnsToDraw(drawn);
  const selection = selectionRange();
  const out: HTMLElement[] = [];
  let missing = false;
  for (let r = vis.first; r < vis.first + vis.count && !missing; r++) {
    const loaded = rows.get(r);
    missing = !loaded || !holdsColumns(loaded, drawnColumnList);
  }
  // Ask before drawing: the round trip to the host is the long part of a jump.
  if (missing) requestWindow(vis.first, vis.count, drawn);
  // The scroll event after a programmatic scroll, or a resize, asks again for what is drawn
  // already: on a jump that is main-thread time (shared with the workbench) the rows wait behind.
  const drawKey = `${drawnEpoch}:${vis.first}:${vis.count}:${drawn.first}:${drawn.last}:${active.row}:${active.col}:${anchor.row}:${anchor.col}`;
  if (drawKey === lastDrawn) return;
  lastDrawn = drawKey;
  for (let r = vis.first; r < vis.first + vis.count; r++) {
    const loaded = rows.get(r);
    const rowEl = h('div', { class: `grid-row${r % 2 ? ' odd' : ''}${r === active.row ? ' active-row' : ''}`, role: 'row', 'aria-rowindex': String(r + 2), 'data-row': String(r) });
    rowEl.append(h('div', { class: 'grid-rownum', role: 'rowheader', 'aria-colindex': '1' }, (r + 1).toLocaleString(v.locale)));
    for (const c of drawnColumnList) {
      if (c < 0) {
        rowEl.append(spacer(drawn.skipped));
        continue;
      }
      const column = v.columns[c];
      const selected = r >= selection.top && r <= selection.bottom && c >= selection.left && c <= selection.right;
      const isActive = r === active.row && c === active.col;
      let text = '';
      let cls = 'loading';
      const value = loaded && cellOf(loaded, c);
      if (loaded && value !== undefined) {
        const f = formatter.format(value, column, loaded.cut.has(c));
        // One line per row: line breaks inside a cell show as a symbol, the detail has them.
        text = showControls(f.text).replace(/\r\n|\r|\n/g, '\u23ce');
        cls = f.className;
      }
      const cell = h(
        'div',
        {
          class: `grid-cell ${cls}${c === 0 ? ' sticky-col' : ''}${selected ? ' selected' : ''}${isActive ? ' active' : ''}`,
          role: 'gridcell',
          id: isActive ? 'active-cell' : undefined,
          'aria-colindex': String(c + 2),
          'aria-selected': selected ? 'true' : 'false',
          'data-col': String(c),
          title: loaded?.cut.has(c) ? v.labels.cellCut : undefined,
        },
        text.length > 300 ? text.slice(0, 300) : text,
      );
      cell.style.width = `${widths[c]}px`;
      rowEl.append(cell);
    }
    out.push(rowEl);
  }
  body.replaceChildren(...out);
  if (vis.count === 0 && v.complete) body.replaceChildren(h('div', { class: 'grid-empty' }, v.labels.noRows));
  scroller.setAttribute('aria-activedescendant', rows.has(active.row) && drawnColumnList.includes(active.col) ? 'active-cell' : '');
  if (!missing) reportPaint(vis.first, vis.count);
}

function reportPaint(first: number, count: number): void {
  if (!view || count === 0) return;
  const last = first + count - 1;
  const key = `${view.generation}:${first}:${last}:${active.row}`;
  if (key === lastPainted) return;
  lastPainted = key;
  const texts = [first, last].flatMap((r) => (rows.get(r)?.cells ?? []).map((c) => (c === null ? '' : String(c).slice(0, 100))));
  const drawn = [first, last].map((r) => body.querySelector<HTMLElement>(`.grid-row[data-row="${r}"]`)).filter((row) => row !== null);
  const shown = drawn.flatMap((row) => [...row.querySelectorAll('.grid-cell')].map((cell) => cell.textContent ?? ''));
  const html = drawn.map((row) => row.outerHTML).join('\n');
  void request('grid/painted', { generation: view.generation, first, last, activeRow: active.row, texts, shown, html }).catch(() => undefined);
}

function requestWindow(first: number, count: number, drawn: { first: number; last: number }): void {
  if (!view) return;
  const from = Math.max(0, first - FETCH_MARGIN);
  const want = { first: from, count: Math.min(view.total - from, count + (first - from) + FETCH_MARGIN) };
  const columns = windowColumnsFor(drawn);
  if (inFlight && inFlight.generation === view.generation && inFlight.first <= first && inFlight.first + inFlight.count >= first + count && covers(inFlight.columns, drawn)) return;
  // The same window came back short already (the data ended early): wait for a scroll or a new total.
  if (lastAnswered === answerKey(view.generation, want.first, want.count, view.total, columns)) return;
  // A newer window supersedes the one in flight; the host cancels what is no longer needed.
  void fetchWindow(want.first, want.count, columns);
}

/** Wide grids: the columns to ask for, the first (sticky) one and the drawn ones with
 * COLUMN_FETCH_MARGIN either side; undefined (every column) for the others. */
function windowColumnsFor(drawn: { first: number; last: number }): number[] | undefined {
  const count = view?.columns.length ?? 0;
  if (count <= GRID_WIDE_COLUMNS) return undefined;
  const out = [0];
  for (let c = Math.max(1, drawn.first - COLUMN_FETCH_MARGIN); c <= Math.min(count - 1, drawn.last + COLUMN_FETCH_MARGIN); c++) out.push(c);
  return out;
}

/** Whether a window of `columns` (undefined: all) holds the drawn ones. */
function covers(columns: number[] | undefined, drawn: { first: number; last: number }): boolean {
  if (!columns) return true;
  const low = columns[1] ?? 0;
  const high = columns[columns.length - 1] ?? 0;
  return drawn.first >= low && drawn.last <= high;
}

/** What a window request was, for `lastAnswered`: a wide grid's column window is named by its
 * first column after the sticky one. */
function answerKey(generation: number, first: number, count: number, total: number | undefined, columns: number[] | undefined): string {
  return `${generation}:${first}:${count}:${total}:${columns?.[1] ?? ''}`;
}

async function fetchWindow(first: number, count: number, columns: number[] | undefined): Promise<void> {
  if (!view) return;
  const generation = view.generation;
  const mine = { first, count, generation, columns };
  inFlight = mine;
  try {
    const result = await request('grid/rows', { generation, first, count, columns });
    if (result.stale || !view || result.generation !== view.generation) return;
    lastAnswered = answerKey(generation, first, count, result.total, columns);
    if (store(result)) updateSize();
  } catch (error) {
    // Not asked again until the user scrolls or presses Retry: a failing portal must not be hammered.
    lastAnswered = answerKey(generation, first, count, view?.total, columns);
    showError((error as Error).message, view ? { label: view.labels.retry, run: () => {
      lastAnswered = '';
      render();
    } } : undefined);
  } finally {
    if (inFlight === mine) inFlight = undefined;
  }
  // Drawn at once rather than on the next animation frame: the rows are what the user waits for.
  if (inFlight === undefined) render();
}

/** Keeps a window's rows; true when it changed the total. */
function store(result: GridRowsResult): boolean {
  if (!view) return false;
  const columns = result.columns;
  // One position table for the window's rows: column index -> place in each row's cells.
  let at: Int32Array | undefined;
  if (columns) {
    at = new Int32Array(view.columns.length).fill(-1);
    columns.forEach((c, j) => (at![c] = j));
  }
  drawnEpoch++;
  const cut = new Map<number, Set<number>>();
  for (const [r, j] of result.cut) (cut.get(r) ?? cut.set(r, new Set()).get(r)!).add(columns ? columns[j] : j);
  result.rows.forEach((cells, i) => rows.set(result.first + i, { cells, at, cut: cut.get(i) ?? new Set() }));
  trimCache();
  if (result.total === view.total && result.complete === view.complete) return false;
  view = { ...view, total: result.total, complete: result.complete };
  return true;
}

function trimCache(): void {
  if (rows.size <= MAX_CACHED_ROWS) return;
  const centre = active.row;
  const keys = [...rows.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
  for (const key of keys.slice(0, rows.size - MAX_CACHED_ROWS)) rows.delete(key);
}

function selectionRange(): { top: number; bottom: number; left: number; right: number } {
  return { top: Math.min(anchor.row, active.row), bottom: Math.max(anchor.row, active.row), left: Math.min(anchor.col, active.col), right: Math.max(anchor.col, active.col) };
}

function moveTo(row: number, col: number, extend: boolean): void {
  if (!view) return;
  active.row = Math.max(0, Math.min(view.total - 1, row));
  active.col = Math.max(0, Math.min(view.columns.length - 1, col));
  if (!extend) {
    anchor.row = active.row;
    anchor.col = active.col;
  }
  scroller.scrollTop = scrollToReveal(layout(), scroller.scrollTop, active.row);
  revealColumn(active.col);
  saveState();
  render();
}

function revealColumn(col: number): void {
  let left = ROW_NUMBER_WIDTH;
  for (let i = 0; i < col; i++) left += widths[i];
  const stickyWidth = ROW_NUMBER_WIDTH + (widths[0] ?? 0);
  if (col > 0 && left - stickyWidth < scroller.scrollLeft) scroller.scrollLeft = left - stickyWidth;
  else if (left + widths[col] > scroller.scrollLeft + scroller.clientWidth) scroller.scrollLeft = left + widths[col] - scroller.clientWidth;
}

scroller.addEventListener('scroll', () => {
  scheduleRender();
  saveState();
});
new ResizeObserver(() => {
  updateSize();
  scheduleRender();
}).observe(scroller);

scroller.addEventListener('keydown', (event) => {
  if (!view) return;
  const page = Math.max(1, Math.floor(layout().viewHeight / ROW_HEIGHT) - 1);
  const ctrl = event.ctrlKey || event.metaKey;
  const extend = event.shiftKey;
  const { row, col } = active;
  const last = view.columns.length - 1;
  const moves: Record<string, () => void> = {
    ArrowDown: () => moveTo(row + 1, col, extend),
    ArrowUp: () => moveTo(row - 1, col, extend),
    ArrowRight: () => moveTo(row, col + 1, extend),
    ArrowLeft: () => moveTo(row, col - 1, extend),
    PageDown: () => moveTo(row + page, col, extend),
    PageUp: () => moveTo(row - page, col, extend),
    Home: () => (ctrl ? moveTo(0, 0, extend) : moveTo(row, 0, extend)),
    End: () => (ctrl ? moveTo(view!.total - 1, last, extend) : moveTo(row, last, extend)),
    Enter: () => void openDetail(row),
  };
  if (ctrl && (event.key === 'c' || event.key === 'C')) {
    event.preventDefault();
    void copy(anchor.row === active.row && anchor.col === active.col ? 'cell' : 'selection');
    return;
  }
  if (event.altKey && !ctrl && event.code === 'KeyP') {
    event.preventDefault();
    const column = view.columns[active.col];
    if (column) void openProfile(column.name);
    return;
  }
  if (ctrl && (event.key === 'a' || event.key === 'A')) {
    event.preventDefault();
    anchor.row = 0;
    anchor.col = 0;
    active.row = view.total - 1;
    active.col = last;
    render();
    return;
  }
  const run = moves[event.key];
  if (!run) return;
  event.preventDefault();
  run();
});

function cellAt(target: EventTarget | null): { row: number; col: number } | undefined {
  const cell = (target as HTMLElement | null)?.closest?.('.grid-cell') as HTMLElement | null;
  const rowEl = cell?.parentElement;
  if (!cell || !rowEl?.dataset.row) return undefined;
  return { row: Number(rowEl.dataset.row), col: Number(cell.dataset.col) };
}

body.addEventListener('mousedown', (event) => {
  const at = cellAt(event.target);
  if (!at) return;
  scroller.focus();
  moveTo(at.row, at.col, event.shiftKey);
  // Rows are redrawn on every mousedown, so a dblclick would not find the same element twice.
  if (event.detail === 2) void openDetail(at.row);
});

async function runQuery(sort: GridSortKey[], filters: GridFilter[]): Promise<void> {
  messages.querySelectorAll('.grid-error').forEach((e) => e.remove());
  try {
    await request('grid/query', { sort, filters });
  } catch (error) {
    showError((error as Error).message, view ? { label: view.labels.retry, run: () => void runQuery(sort, filters) } : undefined);
  }
}

async function copy(what: 'cell' | 'row' | 'selection'): Promise<void> {
  if (!view) return;
  const s = selectionRange();
  try {
    if (what === 'cell') {
      const loaded = rows.get(active.row);
      const value = loaded && cellOf(loaded, active.col);
      const cut = loaded?.cut.has(active.col);
      if (value !== undefined && !cut) {
        await request('clipboard/write', { text: value === null ? '' : String(value) });
        return;
      }
      const d = await request('grid/detail', { generation: view.generation, row: active.row });
      const cell = d.values[active.col]?.value;
      await request('clipboard/write', { text: cell === null || cell === undefined ? '' : String(cell) });
    } else if (what === 'row') {
      await request('grid/copy', { generation: view.generation, first: active.row, last: active.row, header: true });
    } else {
      const columns: number[] = [];
      for (let c = s.left; c <= s.right; c++) columns.push(c);
      await request('grid/copy', { generation: view.generation, first: s.top, last: s.bottom, columns, header: true });
    }
  } catch (error) {
    showError((error as Error).message);
  }
}

async function openDetail(row: number): Promise<void> {
  if (!view) return;
  const v = view;
  let d: GridRowDetail;
  try {
    d = await request('grid/detail', { generation: v.generation, row });
  } catch (error) {
    showError((error as Error).message);
    return;
  }
  showRowDetail(detail, d, v.columns, formatter, { rowDetail: v.labels.rowDetail, close: v.labels.close, cutNote: v.labels.cutNote, showMore: v.labels.showMore, copyValue: v.labels.copyValue }, v.locale, {
    dismissed: () => scroller.focus(),
    copyValue: (column) => void request('grid/copyValue', { generation: v.generation, row: d.row, column }).catch((error) => showError((error as Error).message)),
  });
}

let savedKey = '';
/** Keeps the panel's state current (it is what a reload or a recreated webview starts from). */
function saveState(): void {
  if (!view) return;
  const row = Math.floor(visibleRows(layout(), scroller.scrollTop).first);
  const state = { ...view.state, row };
  const key = JSON.stringify(state);
  if (key === savedKey) return;
  savedKey = key;
  vscodeApi.setState(state);
}

onNotify('grid/show', show);
onNotify('grid/total', (t) => {
  if (!view || t.generation !== view.generation) return;
  progress = t.progress;
  const grew = t.total !== view.total;
  drawnEpoch++;
  view = { ...view, total: t.total, complete: t.complete, warnings: t.warnings ?? view.warnings };
  if (t.warnings) renderMessages();
  updateSize();
  if (grew) scheduleRender();
});
onNotify('grid/openProfile', ({ field }) => void openProfile(field));
onNotify('grid/scrollTo', ({ row, column }) => {
  scroller.focus();
  moveTo(row, column ?? active.col, false);
});
onNotify('panel/error', ({ message, retryLabel }) => {
  app.setAttribute('aria-busy', 'false');
  showError(message, retryLabel ? { label: retryLabel, run: () => void request('panel/retry', {}).catch((error: unknown) => showError((error as Error).message)) } : undefined);
});
onNotify('grid/retry', () => latestRetry?.());
// The host answers ready with the current frame, also when this webview was recreated
// after its tab was hidden.
ready();
app.setAttribute('aria-busy', 'false');
