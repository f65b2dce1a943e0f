// What a map panel keeps across a window reload (the webview stores its MapPanelState with
// setState) and how a stored state is read back: checked field by field, since it comes from
// disk and may be from an older version. No `vscode` import.

import { cleanQuery } from '../preview/gridCells';
import type { MapPanelState } from '../protocol';

/** The state to restore, or undefined when it names nothing a map can show. */
export function readMapPanelState(state: unknown): MapPanelState | undefined {
  const s = state as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') return undefined;
  if (s.kind === 'remote') {
    if (typeof s.portal !== 'string' || !s.portal || typeof s.id !== 'string' || !s.id) return undefined;
    // Columns are not known before the schema loads: keep what names a field, the host's
    // query compiler checks the names against the schema.
    const names = [...(Array.isArray(s.sort) ? s.sort : []), ...(Array.isArray(s.filters) ? s.filters : [])]
      .map((x) => (x as { field?: unknown } | null)?.field)
      .filter((f): f is string => typeof f === 'string');
    const query = cleanQuery({ sort: s.sort, filters: s.filters }, names.map((name) => ({ name, label: name, kind: 'string' })));
    return { kind: 'remote', portal: s.portal, id: s.id, filters: query.filters, sort: query.sort };
  }
  if (s.kind === 'file') {
    if (typeof s.uri !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(s.uri) || !/\.(geojson|csv|tsv)$/i.test(s.uri)) return undefined;
    const latLon = s.latLon as { lat?: unknown; lon?: unknown } | undefined;
    const columns = latLon && typeof latLon.lat === 'string' && typeof latLon.lon === 'string' ? { lat: latLon.lat, lon: latLon.lon } : undefined;
    return { kind: 'file', uri: s.uri, ...(columns ? { latLon: columns } : {}) };
  }
  return undefined;
}
