// The portal-neutral model every feature speaks: a catalog of datasets, their schemas
// and pages of rows. Both portal kinds (ArcGIS Hub, legacy Records API) map onto it.
// No `vscode` import here: this is tested in plain Node.

import type { DatasetQuery, FieldFilter } from '../query/model';

export type PortalKind = 'hub' | 'legacy';

/** One entry of the `okcOpenData.portals` setting. */
export interface PortalConfig {
  /** Display name; also the key under which its token and cache are stored. */
  name: string;
  kind: PortalKind;
  /** Site root, e.g. `https://open-okc.hub.arcgis.com` or `https://data.okc.gov`. A Hub
   * portal may also point straight at a DCAT-US `data.json`. */
  url: string;
}

/** Field types common to both generations; `nativeType` keeps the portal's own name. */
export type FieldKind = 'oid' | 'integer' | 'double' | 'string' | 'date' | 'guid' | 'geometry' | 'other';

export interface DatasetField {
  name: string;
  alias?: string;
  kind: FieldKind;
  /** `esriFieldTypeString`, `System.Int32`, ... exactly as the portal says. */
  nativeType: string;
  description?: string;
  length?: number;
}

export type GeometryKind = 'point' | 'multipoint' | 'line' | 'polygon' | 'none' | 'unknown';

export type DownloadFormat = 'csv' | 'geojson' | 'shapefile' | 'kml' | 'json';

export interface DatasetDownload {
  format: DownloadFormat;
  url: string;
}

export interface ContactPoint {
  name?: string;
  email?: string;
}

/** What the catalog knows of a dataset without asking its service. */
export interface DatasetSummary {
  /** Name of the portal (PortalConfig.name) this dataset belongs to. */
  portal: string;
  /** Stable within its portal: Hub `{itemId}_{layer}`, legacy the dataset name. */
  id: string;
  title: string;
  /** As published: HTML on the Hub, plain text on the legacy portal. Never trusted. */
  description: string;
  /** Categories, themes or groups the tree files it under (at least one). */
  groups: string[];
  keywords: string[];
  license?: string;
  updateFrequency?: string;
  publisher?: string;
  contact?: ContactPoint;
  issued?: string;
  modified?: string;
  /** Human page for the dataset on its portal. */
  landingPage?: string;
  /** Data endpoint: the FeatureServer layer URL or the Records API URL. */
  apiUrl?: string;
  downloads: DatasetDownload[];
  geometry: GeometryKind;
  /** `[xmin, ymin, xmax, ymax]` in WGS84 when the catalog gives one. */
  extent?: [number, number, number, number];
}

/** What a FeatureServer layer's `/query` accepts, read from its description: ArcGIS Server
 * 10.x layers offer neither geoJSON nor paging, and some not even orderByFields. */
export interface QueryCapabilities {
  /** `f=geojson` works (`supportedQueryFormats` lists geoJSON). */
  geoJson: boolean;
  /** `resultOffset` / `resultRecordCount` work (`supportsPagination`, at the top level or in
   * `advancedQueryCapabilities`); without them rows are paged by object id. */
  pagination: boolean;
  /** `orderByFields` works (`advancedQueryCapabilities.supportsOrderBy` or `supportsAdvancedQueries`). */
  orderBy: boolean;
  /** `resultType=standard` works (`supportsQueryWithResultType`), its pages capped at this
   * (`standardMaxRecordCount`); absent when the layer does not say both. */
  standardMaxRecordCount?: number;
  /** `maxRecordCountFactor` works (`supportsMaxRecordCountFactor`): pages up to 5 times maxRecordCount. */
  maxRecordCountFactor?: boolean;
  /** `f=pbf` works (`supportedQueryFormats` lists PBF): feature pages as Esri's protocol buffer. */
  pbf?: boolean;
}

export interface DatasetSchema {
  fields: DatasetField[];
  objectIdField?: string;
  geometry: GeometryKind;
  /** The most rows one page may return (Hub `maxRecordCount`); legacy has no cap. */
  maxRecordCount?: number;
  recordCount?: number;
  extent?: [number, number, number, number];
  /** ISO time of the last edit when the service reports it. */
  lastEdit?: string;
  copyright?: string;
  /** The service's own description of the layer, when richer than the catalog's. */
  description?: string;
  /** Hub layers: what their `/query` accepts. Absent for other portals. */
  queryCapabilities?: QueryCapabilities;
  /** What the service computes itself (ArcGIS `supportsStatistics`, `advancedQueryCapabilities`);
   * absent when it computes nothing (the legacy portal, file downloads). */
  statisticsSupport?: StatisticsSupport;
}

export interface StatisticsSupport {
  /** outStatistics and groupByFieldsForStatistics. */
  statistics: boolean;
  /** returnDistinctValues (with returnCountOnly: how many distinct values). */
  distinct: boolean;
}

export type PortalStatisticType = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'stddev' | 'var';

/** A statistics query the portal computes: the query's filters plus `extraFilters` (ANDed) select
 * the rows; `groupBy` fields then the statistics' `outName`s are the columns of the answer. */
export interface StatisticsRequest {
  statistics: { type: PortalStatisticType; field: string; outName: string }[];
  groupBy?: string[];
  extraFilters?: FieldFilter[];
  /** Columns of the answer (group fields or outNames) to order by. */
  orderBy?: { column: string; descending?: boolean }[];
  /** Most groups wanted. */
  limit?: number;
}

export interface StatisticsTable {
  /** As asked: the group fields, then the outNames (whatever case the server answered in). */
  columns: string[];
  rows: CellValue[][];
  /** True when the server stopped at its page size and more groups remain. */
  more: boolean;
}

/** Cell values after the portal layer has read the wire format: the legacy portal's
 * strings become numbers for numeric fields and null for "Not Available". */
export type CellValue = string | number | boolean | null;

export interface GeoJsonGeometry {
  type: 'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon';
  coordinates: unknown;
}

export interface DataRow {
  attributes: Record<string, CellValue>;
  /** WGS84 when requested; absent when the query asked for no geometry. */
  geometry?: GeoJsonGeometry | null;
}

export interface RowPage {
  rows: DataRow[];
  /** True when the portal says more rows remain past this page. */
  more: boolean;
}

/** A page of rows as the portal sent it, for a consumer that reads the bytes itself (the
 * CSV and GeoJSON saves). `parse()` gives what `queryPage` would have, and throws what it would have. */
export interface RawRowPage {
  /** A FeatureServer /query answer: esri JSON (`features[].attributes`, no geometry), or
   * GeoJSON (`f=geojson`) when the query asks for geometry. */
  format: 'esri-json' | 'geojson';
  bytes: Uint8Array;
  parse(): RowPage;
}

/** Bounds on reading a schema for background work (the field index). A schema read within
 * them is shared with every other caller; one that breaks them fails with a PortalError and
 * leaves the next caller to read the schema unbounded. */
export interface SchemaLimits {
  /** Longest layer description (metadata answer) to read, in bytes. */
  maxBytes?: number;
}

/** The contract both portal kinds fulfil. Every method may throw a `PortalError`. */
export interface Portal {
  readonly config: PortalConfig;
  /** Fetch the whole catalog (following paging), newest first is not required. */
  listDatasets(signal?: AbortSignal): Promise<DatasetSummary[]>;
  /** The fields and service facts of one dataset. */
  getSchema(dataset: DatasetSummary, signal?: AbortSignal, limits?: SchemaLimits): Promise<DatasetSchema>;
  /** Rows matching the query, `count` of them starting at `offset`. */
  queryPage(dataset: DatasetSummary, query: DatasetQuery, offset: number, count: number, signal?: AbortSignal): Promise<RowPage>;
  /** As `queryPage`, but the body is handed over unparsed. Resolves undefined, without a
   * request, when this dataset's pages do not come in a raw form callers understand. */
  queryPageRaw?(dataset: DatasetSummary, query: DatasetQuery, offset: number, count: number, signal?: AbortSignal): Promise<RawRowPage | undefined>;
  /** How many rows match the query. */
  countRows(dataset: DatasetSummary, query: DatasetQuery, signal?: AbortSignal): Promise<number>;
  /** Token-free URL a user could open to get the query's first page. */
  queryUrl(dataset: DatasetSummary, query: DatasetQuery): string;
  /** Where to report a problem with the dataset (the portal's feedback page). */
  feedbackUrl(dataset: DatasetSummary): string;
  /** Statistics computed by the portal itself; absent on portals that compute none. Check
   * `DatasetSchema.statisticsSupport` first: a layer without it refuses. */
  queryStatistics?(dataset: DatasetSummary, query: DatasetQuery, request: StatisticsRequest, signal?: AbortSignal): Promise<StatisticsTable>;
  /** How many distinct values (NULL counted as one) `field` takes over the query's rows;
   * needs `statisticsSupport.distinct`. */
  countDistinct?(dataset: DatasetSummary, query: DatasetQuery, field: string, signal?: AbortSignal): Promise<number>;
  /** Drops what the client remembers of a dataset (schema, fetched results), so the next
   * call reads the portal afresh: a save's verification and a refresh need current data. */
  forget?(dataset: DatasetSummary): void;
  /** What the last `listDatasets` left out and why, and what it could not read. */
  readonly listingNotes?: ListingNotes;
}

/** Why a catalog entry is not listed as a dataset. */
export type LeftOutReason =
  /** No title or identifier. */
  | 'noIdentity'
  /** An app, a document or a web page: no layer and no CSV/JSON file. */
  | 'noData'
  /** A FeatureServer as a whole; its layers are separate entries. */
  | 'serviceItem'
  /** A MapServer or ImageServer (often "Esri REST" in older feeds): no feature layer to read. */
  | 'notFeatureService';

export interface LeftOutItem {
  title: string;
  reason: LeftOutReason;
  /** `MapServer`, `ImageServer`, ... when the entry names a service. */
  serviceType?: string;
  url?: string;
}

export interface ListingNotes {
  leftOut: LeftOutItem[];
  /** Set when the Hub Search categories could not be read: why. */
  groupsUnavailable?: string;
}

