// Shared layer fields and rows for the where-engine tests: a small OKC-like layer with every
// queryable esri field type, NULLs, a field named `Date` and one with a space in its name.

import { compileWhere, type WhereField, type WhereOptions } from '../../portal/where';

export const FIELDS: WhereField[] = [
  { name: 'OBJECTID', type: 'esriFieldTypeOID' },
  { name: 'Name', type: 'esriFieldTypeString' },
  { name: 'Pop', type: 'esriFieldTypeInteger' },
  { name: 'Area', type: 'esriFieldTypeDouble' },
  { name: 'Date', type: 'esriFieldTypeDate' },
  { name: 'Service Provider', type: 'esriFieldTypeString' },
  { name: 'GlobalID', type: 'esriFieldTypeGlobalID' },
  { name: 'Shape', type: 'esriFieldTypeGeometry' },
];

const day = (iso: string): number => Date.parse(`${iso}Z`);

export const ROWS: Record<string, unknown>[] = [
  { OBJECTID: 1, Name: 'Fire Station 1', Pop: 100, Area: 1.5, Date: day('2020-01-01T00:00:00'), 'Service Provider': 'Republic', GlobalID: '{A1}' },
  { OBJECTID: 2, Name: 'fire station 2', Pop: 250, Area: 2.25, Date: day('2021-06-15T13:45:00'), 'Service Provider': 'Waste Connections', GlobalID: '{B2}' },
  { OBJECTID: 3, Name: "O'Brien Park", Pop: null, Area: 0, Date: null, 'Service Provider': null, GlobalID: '{C3}' },
  { OBJECTID: 4, Name: null, Pop: -5, Area: 1e3, Date: day('2023-12-31T23:59:59'), 'Service Provider': 'Republic', GlobalID: '{D4}' },
  { OBJECTID: 5, Name: '100%_done\nnext line', Pop: 0, Area: -0.5, Date: day('2026-11-27T00:00:00'), 'Service Provider': 'City' },
];

/** OBJECTIDs of ROWS matching `where`. */
export function ids(where: string, options?: WhereOptions, rows: Record<string, unknown>[] = ROWS): number[] {
  const predicate = compileWhere(where, FIELDS, options);
  return rows.filter((row) => predicate(row)).map((row) => row.OBJECTID as number);
}
