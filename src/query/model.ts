// What a user asks of a dataset, independent of the portal that answers: fields,
// filters, sort, paging, format and a spatial filter. Compiled to each portal kind's API
// by src/query/compile.ts and to code by src/snippets/. No `vscode` import.

export type FilterOperator =
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'like'
  | 'in'
  | 'is null'
  | 'is not null';

export interface FieldFilter {
  field: string;
  op: FilterOperator;
  /** Ignored for `is null` / `is not null`; an array for `in`. Dates as ISO strings. */
  value?: string | number | (string | number)[];
}

export interface SortKey {
  field: string;
  descending?: boolean;
}

export type SpatialFilter =
  | { kind: 'bbox'; xmin: number; ymin: number; xmax: number; ymax: number }
  | { kind: 'near'; longitude: number; latitude: number; meters: number };

export type OutputFormat = 'json' | 'geojson' | 'csv';

export interface DatasetQuery {
  /** Field names to return; empty or absent means all. */
  fields?: string[];
  filters?: FieldFilter[];
  /** How filters combine; AND when absent. */
  join?: 'and' | 'or';
  sort?: SortKey[];
  /** Most rows wanted in all; absent means every matching row. */
  limit?: number;
  offset?: number;
  format?: OutputFormat;
  spatial?: SpatialFilter;
  /** Include geometry (WGS84) in results; defaults to true for GeoJSON only. */
  returnGeometry?: boolean;
  /** Geometry generalised by the portal to within this many degrees (a map's pixel size):
   * ArcGIS `maxAllowableOffset`, in the units of the answer's WGS84. */
  maxAllowableOffset?: number;
  /** Pages past maxRecordCount where the layer says it serves them (`resultType=standard`,
   * `maxRecordCountFactor`): fewer requests for a map's first draw. Other layers keep their cap. */
  largePages?: boolean;
  /** Geometry may travel in the portal's compact binary form where the layer offers it (ArcGIS
   * `f=pbf`, coordinates as integers to about a centimetre): for drawing many features. The
   * rows are the same; saves, grids and snippets never ask for it. */
  compactGeometry?: boolean;
}

export const EMPTY_QUERY: DatasetQuery = Object.freeze({}) as DatasetQuery;
