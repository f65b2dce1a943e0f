// The grid's toolbar: row count and who sorted the rows, a filter form (field, operator,
// value) with the active filters as removable chips, the copy buttons, and for CSV files
// how the file is read (header, delimiter, encoding: each guess, and a choice instead).

import { csvOptionItems } from '../../csv/optionText';
import type { CsvChoices, CsvOptionRequest } from '../../csv/optionTypes';
import { GRID_WIDE_COLUMNS, type GridAction, type GridFilter, type GridView } from '../../protocol';
import { showControls } from '../../util/text';
import { fieldNamed } from './fieldNames';
import { h, icon } from '../shared/dom';

const OPERATORS: GridFilter['op'][] = ['=', '<>', '<', '<=', '>', '>=', 'like', 'is null', 'is not null'];
/** Suggestions the typed field offers at a time. */
const FIELD_SUGGESTIONS = 50;

export interface ToolbarActions {
  setFilters(filters: GridFilter[]): void;
  clearQuery(): void;
  copyCell(): void;
  copyRow(): void;
  copySelection(): void;
  run(action: GridAction): void;
  csvOption(request: CsvOptionRequest): void;
  /** A filter the form cannot add (a typed field name that is no field): shown as an error. */
  invalid(message: string): void;
}

export function fill(template: string, ...values: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => (values[Number(i)] !== undefined ? String(values[Number(i)]) : whole));
}

/** `labels[key]` filled for `count`, or its singular `labels[key + '.one']` where the
 * locale's plural rules call `count` singular. */
export function countText(labels: Record<string, string>, key: string, count: number, locale: string, ...rest: (string | number)[]): string {
  let singular = false;
  try {
    singular = new Intl.PluralRules(locale).select(count) === 'one';
  } catch {
    singular = count === 1;
  }
  const template = (singular ? labels[`${key}.one`] : undefined) ?? labels[key];
  return fill(template, count.toLocaleString(locale), ...rest);
}

export class Toolbar {
  readonly element = h('header', { class: 'grid-toolbar' });
  private readonly status = h('span', { class: 'grid-status', id: 'grid-status', role: 'status' });
  private readonly sortStatus = h('span', { class: 'grid-sort-status', id: 'grid-sort-status' });

  constructor(private readonly actions: ToolbarActions) {}

  render(view: GridView): void {
    const L = view.labels;
    const parts: Node[] = [h('span', { class: 'grid-title' }, icon('table'), ' ', showControls(view.title)), this.status, this.sortStatus];
    this.sortStatus.textContent = view.sortMode === 'portal' ? L.sortedByPortal : view.sortMode === 'local' ? L.sortedLocally : view.source === 'csv' ? L.fileOrder : L.unsorted;
    this.sortStatus.className = `grid-sort-status sort-${view.sortMode}`;
    if (view.csvOptions) parts.push(this.csvControls(view, view.csvOptions));
    if (view.canQuery) parts.push(this.filterForm(view));
    const copies = h('span', { class: 'grid-copy' });
    for (const [id, label, iconName, run] of [
      ['copy-cell', L.copyCell, 'copy', () => this.actions.copyCell()],
      ['copy-row', L.copyRow, 'list-flat', () => this.actions.copyRow()],
      ['copy-selection', L.copySelection, 'clippy', () => this.actions.copySelection()],
    ] as const) {
      const button = h('button', { type: 'button', class: 'icon-button', id, title: label, 'aria-label': label }, icon(iconName));
      button.addEventListener('click', run);
      copies.append(button);
    }
    parts.push(copies);
    if (view.actions?.length) {
      const commands = h('span', { class: 'grid-actions' });
      const icons: Record<GridAction, string> = { insertSnippet: 'code', save: 'save', showOnMap: 'globe' };
      for (const action of view.actions) {
        const button = h('button', { type: 'button', class: 'action', id: `grid-action-${action}`, title: L.actionHint }, icon(icons[action]), h('span', {}, L[`action.${action}`] ?? action));
        button.addEventListener('click', () => this.actions.run(action));
        commands.append(button);
      }
      parts.push(commands);
    }
    // A choice in a select draws the toolbar again: keep the keyboard where it was.
    const focused = this.element.contains(document.activeElement) ? document.activeElement?.id : undefined;
    this.element.replaceChildren(...parts);
    if (focused) document.getElementById(focused)?.focus();
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  /** One select per option, showing the value in force ("Delimiter: ; (guessed)"); a choice reads the file again. */
  private csvControls(view: GridView, choices: CsvChoices): HTMLElement {
    const L = view.labels;
    const items = csvOptionItems(L, choices);
    const group = h('span', { class: 'grid-csv-options', id: 'csv-options', role: 'group', 'aria-label': L['csv.options'] });
    for (const [option, iconName, label] of [
      ['hasHeader', 'list-flat', L['csv.headerLabel']],
      ['delimiter', 'split-horizontal', L['csv.delimiterLabel']],
      ['encoding', 'file-binary', L['csv.encodingLabel']],
    ] as const) {
      const select = h('select', { id: `csv-${option}`, 'aria-label': label, title: label });
      for (const item of items[option]) {
        const element = h('option', { value: item.id }, item.text);
        element.selected = item.current;
        select.append(element);
      }
      select.addEventListener('change', () => {
        const item = items[option].find((i) => i.id === select.value);
        if (item) this.actions.csvOption(item.request);
      });
      group.append(h('label', { class: 'grid-csv-option' }, icon(iconName), select));
    }
    if (!choices.hasHeader.guessed || !choices.delimiter.guessed || !choices.encoding.guessed) {
      const reset = h('button', { type: 'button', class: 'icon-button', id: 'csv-reset', title: L['csv.reset'], 'aria-label': L['csv.reset'] }, icon('discard'));
      reset.addEventListener('click', () => this.actions.csvOption({ option: 'reset' }));
      group.append(reset);
    }
    return group;
  }

  private filterForm(view: GridView): HTMLElement {
    const L = view.labels;
    // A wide grid's field is typed, with suggestions: a select of 5,000 options took ~80 ms to
    // build and ~370 ms to lay out, one long task of the window while the grid opened.
    const typed = view.columns.length > GRID_WIDE_COLUMNS ? typedField(view) : undefined;
    const field = typed?.input ?? h('select', { id: 'filter-field', 'aria-label': L.filterField, title: L.filterField });
    if (field instanceof HTMLSelectElement) for (const c of view.columns) field.append(h('option', { value: c.name }, showControls(c.label)));
    const op = h('select', { id: 'filter-op', 'aria-label': L.filterOperator, title: L.filterOperator });
    for (const o of OPERATORS) op.append(h('option', { value: o }, o));
    const value = h('input', { id: 'filter-value', type: 'text', 'aria-label': L.filterValue, placeholder: L.filterValue });
    const add = h('button', { type: 'submit', class: 'action', id: 'filter-add' }, icon('filter'), h('span', {}, L.addFilter));
    const form = h('form', { class: 'grid-filter', id: 'filter-form', 'aria-label': L.filter }, field, typed?.suggestions, op, value, add);
    op.addEventListener('change', () => {
      value.disabled = op.value === 'is null' || op.value === 'is not null';
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = field instanceof HTMLSelectElement ? field.value : fieldNamed(view, field.value);
      if (name === undefined) {
        this.actions.invalid(fill(L.noField, showControls(field.value.trim())));
        return;
      }
      const filter: GridFilter = { field: name, op: op.value as GridFilter['op'] };
      if (!value.disabled) filter.value = value.value;
      this.actions.setFilters([...view.filters, filter]);
    });
    const chips = h('span', { class: 'grid-chips' });
    view.filters.forEach((f, i) => {
      const label = view.columns.find((c) => c.name === f.field)?.label ?? f.field;
      const remove = h('button', { type: 'button', class: 'icon-button', title: L.removeFilter, 'aria-label': `${L.removeFilter}: ${label}` }, icon('close'));
      remove.addEventListener('click', () => this.actions.setFilters(view.filters.filter((_, j) => j !== i)));
      chips.append(h('span', { class: 'grid-chip' }, showControls(`${label} ${f.op}${f.value !== undefined ? ` ${f.value}` : ''}`), remove));
    });
    if (view.filters.length || view.sort.length) {
      const clear = h('button', { type: 'button', class: 'icon-button', id: 'clear-query', title: L.clearQuery, 'aria-label': L.clearQuery }, icon('clear-all'));
      clear.addEventListener('click', () => this.actions.clearQuery());
      chips.append(clear);
    }
    return h('span', { class: 'grid-query' }, form, chips);
  }
}

/** The filter's field for a layer of many columns: a text box whose suggestions are the first
 * FIELD_SUGGESTIONS fields whose name or label holds what is typed, so the page never holds
 * an option per column. */
function typedField(view: GridView): { input: HTMLInputElement; suggestions: HTMLDataListElement } {
  const L = view.labels;
  const suggestions = h('datalist', { id: 'filter-field-list' });
  const input = h('input', { id: 'filter-field', type: 'text', list: 'filter-field-list', autocomplete: 'off', 'aria-label': L.filterField, title: L.filterField, placeholder: L.filterField });
  let shownFor: string | undefined;
  const suggest = (): void => {
    const typed = input.value.trim().toLowerCase();
    if (typed === shownFor) return;
    shownFor = typed;
    const options: HTMLOptionElement[] = [];
    for (const c of view.columns) {
      if (options.length >= FIELD_SUGGESTIONS) break;
      if (typed && !c.name.toLowerCase().includes(typed) && !c.label.toLowerCase().includes(typed)) continue;
      options.push(h('option', { value: c.name, label: c.label !== c.name ? showControls(c.label) : undefined }));
    }
    suggestions.replaceChildren(...options);
  };
  input.addEventListener('focus', suggest);
  input.addEventListener('input', suggest);
  return { input, suggestions };
}
