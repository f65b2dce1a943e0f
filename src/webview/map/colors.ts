// Colours of the map from the editor's theme: the chart colours VS Code gives every webview
// as CSS variables, and colour classes for a field (categories for text, graduated for
// numbers and dates). Pure except for reading the variables.

export const CHART_VARIABLES = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow', '--vscode-charts-foreground'];
const FALLBACK = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700', '#cccccc'];

export function themeColor(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

export function chartColors(): string[] {
  return CHART_VARIABLES.map((v, i) => themeColor(v, FALLBACK[i]));
}

export interface ColorClasses {
  /** Palette index per value; 0 is used for missing values (the foreground colour). */
  classOf(value: string | number | null | undefined): number;
  palette: string[];
  /** `index`: the entry's palette index (what the feature layer drew it with). */
  legend: { label: string; color: string; count: number; index: number }[];
}

const MAX_CATEGORIES = 6;
const GRADES = 5;

/** Categories: the commonest values each get a chart colour, the rest "Other". */
export function categoryClasses(values: Iterable<string | number | null | undefined>, colors: string[], words: { other: string; missing: string }): ColorClasses {
  const counts = new Map<string, number>();
  let missing = 0;
  for (const v of values) {
    if (v === null || v === undefined || v === '') missing++;
    else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, MAX_CATEGORIES - 1);
  const index = new Map(top.map(([v], i) => [v, i + 1]));
  const otherIndex = top.length + 1;
  const other = [...counts].reduce((n, [v, c]) => (index.has(v) ? n : n + c), 0);
  const palette = [colors[colors.length - 1], ...top.map((_, i) => colors[i % (colors.length - 1)]), colors[colors.length - 2]];
  const legend = top.map(([v, c], i) => ({ label: v, color: palette[i + 1], count: c, index: i + 1 }));
  if (other) legend.push({ label: words.other, color: palette[otherIndex], count: other, index: otherIndex });
  if (missing) legend.push({ label: words.missing, color: palette[0], count: missing, index: 0 });
  return {
    classOf: (v) => (v === null || v === undefined || v === '' ? 0 : (index.get(String(v)) ?? otherIndex)),
    palette,
    legend,
  };
}

/** Graduated: quantile breaks, from a light to a strong theme colour. */
export function graduatedClasses(values: Iterable<string | number | null | undefined>, low: string, high: string, missingColor: string, format: (n: number) => string, words: { missing: string }): ColorClasses {
  const numbers: number[] = [];
  let missing = 0;
  for (const v of values) {
    const n = typeof v === 'number' ? v : v === null || v === undefined || v === '' ? NaN : Number(v);
    if (Number.isFinite(n)) numbers.push(n);
    else missing++;
  }
  numbers.sort((a, b) => a - b);
  const breaks: number[] = [];
  for (let g = 1; g < GRADES; g++) breaks.push(numbers[Math.floor((g * numbers.length) / GRADES)] ?? 0);
  const palette = [missingColor, ...Array.from({ length: GRADES }, (_, g) => mix(low, high, g / (GRADES - 1)))];
  const classOf = (v: string | number | null | undefined): number => {
    const n = typeof v === 'number' ? v : v === null || v === undefined || v === '' ? NaN : Number(v);
    if (!Number.isFinite(n)) return 0;
    let g = 0;
    while (g < breaks.length && n >= breaks[g]) g++;
    return g + 1;
  };
  const counts = new Array<number>(GRADES).fill(0);
  for (const n of numbers) counts[classOf(n) - 1]++;
  const legend = counts.map((count, g) => ({
    label: `${format(g === 0 ? (numbers[0] ?? 0) : breaks[g - 1])} – ${format(g === GRADES - 1 ? (numbers[numbers.length - 1] ?? 0) : breaks[g])}`,
    color: palette[g + 1],
    count,
    index: g + 1,
  })).filter((x) => x.count > 0);
  if (missing) legend.push({ label: words.missing, color: missingColor, count: missing, index: 0 });
  return { classOf, palette, legend };
}

/** Mixes two CSS colours (hex or rgb()) in sRGB; `t` from 0 (a) to 1 (b). */
export function mix(a: string, b: string, t: number): string {
  const pa = parse(a);
  const pb = parse(b);
  const c = pa.map((v, i) => Math.round(v + (pb[i] - v) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

function parse(color: string): [number, number, number] {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color.trim());
  if (hex) {
    const h = hex[1].length === 3 || hex[1].length === 4 ? hex[1].split('').map((x) => x + x).join('') : hex[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  const rgb = /rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)/i.exec(color);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  return [128, 128, 128];
}
