// The row detail dialog the grid and the map share: every value as text (formatted, with the
// raw value beside it when they differ), long values a step at a time with a button that copies
// the whole value, a note on cut values, Escape or Close to dismiss.

import type { GridColumn, GridRowDetail } from '../../protocol';
import { showControls } from '../../util/text';
import type { CellFormatter } from '../grid/format';
import { breakableText, h, icon } from './dom';

export interface RowDetailWords {
  rowDetail: string;
  close: string;
  cutNote: string;
  /** "Show {0} more characters"; without it, a long value shows its first step only. */
  showMore?: string;
  /** "Copy Whole Value"; offered when the caller can copy (`copyValue`). */
  copyValue?: string;
}

export interface RowDetailActions {
  dismissed(): void;
  /** Copies the whole value of column `column` (the host has it, however long). */
  copyValue?(column: number): void;
}

/** Characters of a value laid out at a time: a focus() on a dialog holding a 100,000-character
 * word froze the window for 20 s; steps of this size lay out in milliseconds. */
const DETAIL_STEP = 10_000;

function fill(template: string, ...values: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => (values[Number(i)] !== undefined ? String(values[Number(i)]) : whole));
}

/** Fills `dialog` with the detail of one row and shows it. */
export function showRowDetail(dialog: HTMLElement, d: GridRowDetail, columns: readonly GridColumn[], formatter: CellFormatter, words: RowDetailWords, locale: string, actions: RowDetailActions): void {
  const close = h('button', { type: 'button', class: 'icon-button', id: 'detail-close', title: words.close, 'aria-label': words.close }, icon('close'));
  const table = h('tbody');
  d.values.forEach((value, i) => {
    const column = columns[i] ?? { name: value.name, label: value.label, kind: value.kind };
    const f = formatter.format(value.value, column);
    const raw = value.value === null ? '' : String(value.value);
    table.append(
      h(
        'tr',
        {},
        h('th', { scope: 'row', title: showControls(value.name) }, showControls(value.label)),
        h(
          'td',
          {},
          detailValue(i, showControls(f.text), f.className, value.fullLength ?? raw.length, words, locale, actions),
          raw !== f.text && f.className.indexOf('missing') < 0 ? h('div', { class: 'detail-raw' }, ...breakableText(showControls(raw.slice(0, DETAIL_STEP)))) : null,
        ),
      ),
    );
  });
  const title = fill(words.rowDetail, (d.row + 1).toLocaleString(locale));
  dialog.replaceChildren(
    h('div', { class: 'grid-detail-head' }, h('h2', { id: 'detail-title' }, title), close),
    ...d.errors.map((e) => h('p', { class: 'grid-warning' }, icon('warning'), ' ', showControls(e))),
    h('table', { class: 'details detail-table' }, table),
  );
  dialog.setAttribute('aria-labelledby', 'detail-title');
  dialog.hidden = false;
  const dismiss = (): void => {
    dialog.hidden = true;
    actions.dismissed();
  };
  close.addEventListener('click', dismiss);
  dialog.onkeydown = (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      dismiss();
    }
  };
  close.focus();
}

/** One value: the first DETAIL_STEP characters, then more on request, a step at a time. Layout
 * stays in milliseconds whatever the value: see breakableText. */
function detailValue(column: number, text: string, className: string, fullLength: number, words: RowDetailWords, locale: string, actions: RowDetailActions): HTMLElement {
  const box = h('div', { class: `detail-value ${className}` });
  const cell = h('div', {}, box);
  if (fullLength <= DETAIL_STEP) {
    box.append(...breakableText(text));
    return cell;
  }
  let shown = 0;
  const note = h('span', { class: 'detail-note' });
  const more = h('button', { type: 'button', class: 'link-button detail-more' });
  const step = (): void => {
    let end = Math.min(text.length, shown + DETAIL_STEP);
    if (end < text.length && /[\ud800-\udbff]/.test(text[end - 1])) end++;
    box.append(...breakableText(text.slice(shown, end)));
    shown = end;
    note.textContent = fill(words.cutNote, shown.toLocaleString(locale), fullLength.toLocaleString(locale));
    const next = Math.min(DETAIL_STEP, text.length - shown);
    more.hidden = next <= 0 || !words.showMore;
    more.textContent = fill(words.showMore ?? '', next.toLocaleString(locale));
  };
  more.addEventListener('click', step);
  step();
  const copy = actions.copyValue;
  const copyAll = copy && words.copyValue ? h('button', { type: 'button', class: 'link-button detail-copy' }, icon('copy'), ' ', words.copyValue) : null;
  copyAll?.addEventListener('click', () => copy?.(column));
  cell.append(h('div', { class: 'detail-actions' }, note, ' ', more, ' ', copyAll));
  return cell;
}
