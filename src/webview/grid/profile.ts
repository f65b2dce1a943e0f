// The grid's profile section: one column's figures, a histogram and a bar chart of its top values
// drawn as plain SVG in the theme's chart colours, each chart with a table beside it for screen
// readers and keyboards. A top value or a histogram bar filters the grid (the toolbar's filters).

import type { GridColumn, GridFilter, ProfileView } from '../../protocol';
import { showControls } from '../../util/text';
import { h, icon } from '../shared/dom';
import type { CellFormatter } from './format';
import { fill } from './toolbar';

const SVG = 'http://www.w3.org/2000/svg';
const CHART_WIDTH = 300;
const BAR_HEIGHT = 16;

export interface ProfileActions {
  /** Adds filters to the grid's own (as the toolbar's filter form does). */
  addFilters(filters: GridFilter[]): void;
  /** False where the grid cannot filter (a CSV file): the charts' values are then plain text. */
  canFilter(): boolean;
  close(): void;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

export class ProfileSection {
  readonly element = h('aside', { class: 'grid-profile', id: 'grid-profile', hidden: '' });

  constructor(private readonly actions: ProfileActions) {}

  get open(): boolean {
    return !this.element.hidden;
  }

  loading(label: string, labels: Record<string, string>): void {
    this.element.hidden = false;
    this.element.setAttribute('aria-busy', 'true');
    this.element.replaceChildren(this.head(fill(labels.profileOf, showControls(label)), labels), h('p', { class: 'profile-note' }, fill(labels.profileLoading, showControls(label))));
  }

  error(message: string): void {
    this.element.setAttribute('aria-busy', 'false');
    this.element.append(h('p', { class: 'grid-error error', role: 'alert' }, icon('error'), ' ', showControls(message)));
  }

  show(profile: ProfileView, column: GridColumn, formatter: CellFormatter, labels: Record<string, string>, locale: string): void {
    const L = labels;
    const number = (n: number) => n.toLocaleString(locale, { maximumFractionDigits: 4 });
    const valueText = (v: unknown) => (v === null || v === undefined ? L.profileNotAvailable : showControls(formatter.format(v as string | number, column).text));
    const share = (n: number) => (profile.count ? (n / profile.count).toLocaleString(locale, { style: 'percent', maximumFractionDigits: 1 }) : '');
    const figures: [string, string][] = [
      [L.profileCount, number(profile.count)],
      [L.profileMissing, `${number(profile.missing)} (${share(profile.missing)})`],
    ];
    if (profile.invalid) figures.push([L.profileInvalid, number(profile.invalid)]);
    if (profile.distinct) figures.push([L.profileDistinct, profile.distinct.exact ? number(profile.distinct.value) : fill(L.profileApprox, number(profile.distinct.value))]);
    if (profile.kind !== 'text') {
      figures.push([L.profileMin, valueText(profile.min)], [L.profileMax, valueText(profile.max)]);
      const spread = profile.kind === 'date'
        ? (v: number | undefined) => (v === undefined ? L.profileNotAvailable : `${number(v / 86_400_000)} d`)
        : (v: number | undefined) => (v === undefined ? L.profileNotAvailable : number(v));
      figures.push([L.profileMean, profile.kind === 'date' ? valueText(profile.mean === undefined ? null : Math.round(profile.mean)) : spread(profile.mean)], [L.profileStddev, spread(profile.stddev)]);
    }
    const table = h('table', { class: 'details profile-figures', 'aria-label': fill(L.profileOf, showControls(profile.label)) },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, L.profileFigure), h('th', { scope: 'col' }, L.profileValue))),
      h('tbody', {}, ...figures.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', { class: 'number' }, v)))));
    const parts: Node[] = [this.head(fill(L.profileOf, showControls(profile.label)), L), ...profile.notes.map((n) => h('p', { class: 'profile-note' }, showControls(n))), table];
    if (profile.histogram?.length) {
      const buckets = profile.histogram;
      const last = buckets.length - 1;
      const rangeText = (b: { from: number; to: number }, k: number) => `${valueText(b.from)} – ${valueText(b.to)}${k === last ? ' ]' : ' )'}`;
      const filterFor = (b: { from: number; to: number }, k: number): GridFilter[] => {
        const edge = (v: number) => (profile.kind === 'date' ? new Date(v).toISOString() : v);
        return [{ field: profile.field, op: '>=', value: edge(b.from) }, { field: profile.field, op: k === last ? '<=' : '<', value: edge(b.to) }];
      };
      parts.push(this.chart(L.profileHistogram, buckets.map((b, k) => ({ text: rangeText(b, k), count: b.count, filters: filterFor(b, k) })), 'histogram', L, locale, profile.count, true));
    }
    if (profile.topValues.length) {
      parts.push(this.chart(L.profileTopValues, profile.topValues.map((t) => ({
        text: valueText(t.value),
        count: t.count,
        filters: [{ field: profile.field, op: '=', value: typeof t.value === 'number' ? t.value : String(t.value) } as GridFilter],
      })), 'top', L, locale, profile.count, false));
    }
    this.element.hidden = false;
    this.element.setAttribute('aria-busy', 'false');
    this.element.replaceChildren(...parts);
  }

  private head(title: string, L: Record<string, string>): HTMLElement {
    const close = h('button', { type: 'button', class: 'icon-button', id: 'profile-close', title: L.profileClose, 'aria-label': L.profileClose }, icon('close'));
    close.addEventListener('click', () => this.actions.close());
    return h('div', { class: 'grid-detail-head' }, h('h2', { id: 'profile-title' }, icon('graph'), ' ', title), close);
  }

  /** A bar chart (vertical bars for a histogram, horizontal for top values) and its table. */
  private chart(title: string, bars: { text: string; count: number; filters: GridFilter[] }[], kind: 'histogram' | 'top', L: Record<string, string>, locale: string, total: number, vertical: boolean): HTMLElement {
    const max = Math.max(1, ...bars.map((b) => b.count));
    const filterable = this.actions.canFilter();
    const chartHeight = vertical ? 90 : bars.length * (BAR_HEIGHT + 4);
    const picture = svg('svg', { class: `profile-chart chart-${kind}`, viewBox: `0 0 ${CHART_WIDTH} ${chartHeight}`, width: CHART_WIDTH, height: chartHeight, 'aria-hidden': 'true', focusable: 'false' });
    bars.forEach((bar, k) => {
      const rect = vertical
        ? (() => {
          const w = CHART_WIDTH / bars.length;
          const height = Math.max(bar.count ? 1 : 0, (bar.count / max) * (chartHeight - 2));
          return svg('rect', { x: k * w + 0.5, y: chartHeight - height, width: Math.max(1, w - 1), height, class: 'profile-bar', 'data-bar': k });
        })()
        : svg('rect', { x: 0, y: k * (BAR_HEIGHT + 4), width: Math.max(bar.count ? 1 : 0, (bar.count / max) * CHART_WIDTH), height: BAR_HEIGHT, class: 'profile-bar', 'data-bar': k });
      const tip = svg('title', {});
      tip.textContent = `${bar.text}: ${bar.count.toLocaleString(locale)}`;
      rect.append(tip);
      if (filterable) rect.addEventListener('click', () => this.actions.addFilters(bar.filters));
      picture.append(rect);
    });
    const rows = bars.map((bar, k) => {
      const button = filterable
        ? h('button', { type: 'button', class: 'link-button profile-filter', id: `profile-${kind}-${k}`, title: fill(L.profileFilterTo, bar.text) }, bar.text)
        : h('span', { id: `profile-${kind}-${k}` }, bar.text);
      if (filterable) button.addEventListener('click', () => this.actions.addFilters(bar.filters));
      return h('tr', {}, h('th', { scope: 'row' }, button), h('td', { class: 'number' }, bar.count.toLocaleString(locale)),
        h('td', { class: 'number' }, total ? (bar.count / total).toLocaleString(locale, { style: 'percent', maximumFractionDigits: 1 }) : ''));
    });
    const table = h('table', { class: 'details profile-table', id: `profile-${kind}-table` },
      h('caption', {}, title),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, kind === 'histogram' ? L.profileRange : L.profileValue), h('th', { scope: 'col' }, L.profileRows), h('th', { scope: 'col' }, L.profileShare))),
      h('tbody', {}, ...rows));
    return h('section', { class: 'profile-section', 'aria-label': title }, h('h3', {}, title), picture, table);
  }
}
