// Plain URL target: the token-free address of the query's first page, for a browser or any
// HTTP client. The legacy portal needs POST for sort, filters and spatial filters.

import type { SnippetPlan } from './plan';

export function urlText(plan: SnippetPlan): { text: string; notes: string[] } {
  if (plan.kind === 'hub') {
    const params = new URLSearchParams(plan.firstPageParams);
    const notes = plan.objectIdPaging
      ? ['This layer\'s server (ArcGIS Server 10.x) cannot page with resultOffset: this URL returns the first page in object id order. For every row, ask with returnIdsOnly=true, then fetch the ids in batches with objectIds=.']
      : plan.paged
        ? ['This URL returns the first page; repeat with a larger resultOffset while exceededTransferLimit is true.']
        : [];
    return { text: `${plan.queryUrl}?${params.toString()}`, notes };
  }
  const notes: string[] = [];
  if (plan.method === 'POST') {
    notes.push(`Sort, filters and spatial filters need a POST of ${JSON.stringify(plan.body)} to this URL.`);
  }
  if (plan.offset || plan.limit !== undefined || plan.fields) notes.push('The Records API returns every row and field; offset, limit and fields apply client-side.');
  return { text: plan.url, notes };
}
