// The GeoJSON and JSON records as the encoders wrote them before the per-column builders:
// a fresh object per row, each cell read with ownCell and set with setCell, typed by
// typedValue, stringified whole. Tests hold the encoders' bytes to these.

import { ownCell, setCell } from '../../../src/portal/cells';
import type { DataRow } from '../../../src/portal/types';
import { typedValue, type ColumnPlan } from '../../../src/save/values';

function properties(row: DataRow, plan: ColumnPlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const column of plan.columns) setCell(out, column.name, typedValue(ownCell(row.attributes, column.name), column.kind));
  return out;
}

/** The FeatureCollection text for these pages. */
export function referenceGeoJson(plan: ColumnPlan, pages: readonly (readonly DataRow[])[]): string {
  const idField = plan.columns.some((c) => c.name === plan.objectIdField) ? plan.objectIdField : undefined;
  const lines: string[] = [];
  for (const rows of pages) {
    for (const row of rows) {
      const props = properties(row, plan);
      const geometry = row.geometry ?? null;
      const id = idField ? props[idField] : null;
      const feature = id === null || id === undefined ? { type: 'Feature', geometry, properties: props } : { type: 'Feature', id, geometry, properties: props };
      lines.push(JSON.stringify(feature));
    }
  }
  return lines.length ? `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n` : '{"type":"FeatureCollection","features":[\n]}\n';
}

/** The JSON array text for these pages, geometry columns as the plan says. */
export function referenceJson(plan: ColumnPlan, pages: readonly (readonly DataRow[])[]): string {
  const lines: string[] = [];
  for (const rows of pages) {
    for (const row of rows) {
      const out = properties(row, plan);
      if (plan.geometry === 'lonlat') {
        const g = row.geometry;
        const [lon, lat] = g && g.type === 'Point' && Array.isArray(g.coordinates) ? (g.coordinates as number[]) : [null, null];
        out[plan.longitudeName] = typeof lon === 'number' ? lon : null;
        out[plan.latitudeName] = typeof lat === 'number' ? lat : null;
      } else if (plan.geometry === 'geojson') {
        out[plan.geometryName] = row.geometry ?? null;
      }
      lines.push(JSON.stringify(out));
    }
  }
  return lines.length ? `[\n${lines.join(',\n')}\n]\n` : '[\n]\n';
}
