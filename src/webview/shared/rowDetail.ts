// The row detail dialog the grid and the map share: every value as text (formatted, with the
// raw value beside it when they differ), a note on cut values, Escape or Close to dismiss.

import type { GridColumn, GridRowDetail } from '../../protocol';
import type { CellFormatter } from '../grid/format';
import { h, icon, visibleText } from './dom';

export interface RowDetailWords {
  rowDetail: string;
  close: string;
  cutNote: string;
}

function fill(template: string, ...values: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => (values[Number(i)] !== undefined ? String(values[Number(i)]) : whole));
}

/** Fills `dialog` with the detail of one row and shows it; `dismissed` runs when it closes. */
export function showRowDetail(dialog: HTMLElement, d: GridRowDetail, columns: readonly GridColumn[], formatter: CellFormatter, words: RowDetailWords, locale: string, dismissed: () => void): void {
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
        h('th', { scope: 'row', title: visibleText(value.name) }, visibleText(value.label)),
        h(
          'td',
          {},
          h('div', { class: `detail-value ${f.className}` }, visibleText(f.text)),
          raw !== f.text && f.className.indexOf('missing') < 0 ? h('div', { class: 'detail-raw' }, visibleText(raw)) : null,
          value.fullLength ? h('div', { class: 'detail-note' }, fill(words.cutNote, raw.length.toLocaleString(locale), value.fullLength.toLocaleString(locale))) : null,
        ),
      ),
    );
  });
  const title = fill(words.rowDetail, (d.row + 1).toLocaleString(locale));
  dialog.replaceChildren(
    h('div', { class: 'grid-detail-head' }, h('h2', { id: 'detail-title' }, title), close),
    ...d.errors.map((e) => h('p', { class: 'grid-warning' }, icon('warning'), ' ', visibleText(e))),
    h('table', { class: 'details detail-table' }, table),
  );
  dialog.setAttribute('aria-labelledby', 'detail-title');
  dialog.hidden = false;
  const dismiss = (): void => {
    dialog.hidden = true;
    dismissed();
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
