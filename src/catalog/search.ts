// Dataset search across every portal's catalog: titles, descriptions, keywords, groups
// and field names, ranked, with the matched ranges of the title for highlighting.

import type { DatasetSummary } from '../portal/types';
import { datasetKey, type FieldIndex } from './store';

export interface SearchHit {
  dataset: DatasetSummary;
  score: number;
  /** `[start, end)` ranges in the title. */
  titleRanges: [number, number][];
  /** What matched besides the title, for the quick pick's detail line. */
  matchedIn: ('title' | 'description' | 'keyword' | 'group' | 'field')[];
  matchedFields: string[];
}

const TAGS = /<[^>]*>/g;

/** Lower-cased text for matching, computed once per dataset and reused across keystrokes. */
interface Prepared {
  dataset: DatasetSummary;
  title: string;
  description: string;
  keywords: string;
  groups: string;
}

const prepared = new WeakMap<DatasetSummary, Prepared>();
/** Lower-cased, newline-joined field names per field list. */
const joinedFields = new WeakMap<string[], string>();

function fieldText(names: string[] | undefined): string {
  if (!names) return '';
  let text = joinedFields.get(names);
  if (text === undefined) {
    text = names.join('\n').toLowerCase();
    joinedFields.set(names, text);
  }
  return text;
}

function prepare(d: DatasetSummary): Prepared {
  let p = prepared.get(d);
  if (!p) {
    p = {
      dataset: d,
      title: d.title.toLowerCase(),
      description: d.description.replace(TAGS, ' ').toLowerCase(),
      keywords: d.keywords.join('\n').toLowerCase(),
      groups: d.groups.join('\n').toLowerCase(),
    };
    prepared.set(d, p);
  }
  return p;
}

/** Every whitespace-separated term must match somewhere; the title counts most. */
export function searchDatasets(datasets: DatasetSummary[], text: string, fields?: FieldIndex, limit = 200): SearchHit[] {
  const terms = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (!terms.length) return datasets.slice(0, limit).map((dataset) => ({ dataset, score: 0, titleRanges: [], matchedIn: [], matchedFields: [] }));
  const hits: SearchHit[] = [];
  for (const d of datasets) {
    const p = prepare(d);
    const fieldNames = fields?.get(datasetKey(d));
    const fieldHaystack = fieldText(fieldNames);
    let score = 0;
    const ranges: [number, number][] = [];
    const matchedIn = new Set<SearchHit['matchedIn'][number]>();
    let all = true;
    for (const term of terms) {
      let termScore = 0;
      const at = p.title.indexOf(term);
      if (at >= 0) {
        ranges.push([at, at + term.length]);
        termScore += at === 0 || p.title[at - 1] === ' ' ? 10 : 6;
        matchedIn.add('title');
      }
      if (p.keywords.includes(term)) {
        termScore += 4;
        matchedIn.add('keyword');
      }
      if (p.groups.includes(term)) {
        termScore += 3;
        matchedIn.add('group');
      }
      if (fieldHaystack.includes(term)) {
        termScore += 3;
        matchedIn.add('field');
      }
      if (p.description.includes(term)) {
        termScore += 1;
        matchedIn.add('description');
      }
      if (!termScore) {
        all = false;
        break;
      }
      score += termScore;
    }
    if (all) hits.push({ dataset: d, score, titleRanges: mergeRanges(ranges), matchedIn: [...matchedIn], matchedFields: [] });
  }
  hits.sort((a, b) => b.score - a.score || (a.dataset.title < b.dataset.title ? -1 : a.dataset.title > b.dataset.title ? 1 : 0));
  const shown = hits.slice(0, limit);
  // Which fields matched is only worth working out for the hits that are shown.
  for (const hit of shown) {
    if (!hit.matchedIn.includes('field')) continue;
    const names = fields?.get(datasetKey(hit.dataset)) ?? [];
    hit.matchedFields = names.filter((f) => terms.some((t) => f.toLowerCase().includes(t)));
  }
  return shown;
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}
