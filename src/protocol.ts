// Every message between the extension host and its webviews, typed once here and imported
// by both sides, so a renamed field breaks the build instead of the user. Requests carry
// an id and always get a response with a result or an error.

import type { CsvChoices, CsvOptionRequest } from './csv/optionTypes';

/** Plain data only: this crosses a postMessage boundary. */
export interface FieldView {
  name: string;
  alias?: string;
  /** Portal-neutral kind ('integer', 'date', ...). */
  kind: string;
  nativeType: string;
  description?: string;
  /** A few distinct values from the first rows, already formatted as text. */
  samples: string[];
  /** Share of empty values in the sample, 0..1; absent when no sample was read. */
  missingShare?: number;
  /** Whole-dataset share of NULL values, when the portal counts them cheaply (replaces the sample's). */
  datasetMissingShare?: number;
  /** True when Profile Column is offered for this field. */
  profilable?: boolean;
}

/** A field's whole-dataset share of NULL values, 0..1 (`FieldView.datasetMissingShare`). */
export type FieldShare = [field: string, share: number];

export interface MetadataView {
  portalName: string;
  portalKind: 'hub' | 'legacy';
  id: string;
  title: string;
  /** As published (HTML on the Hub): the webview sanitises it and shows the rest as text. */
  descriptionHtml: string;
  /** Set when the description was too long to send whole: its full length in characters
   * (`descriptionHtml` holds the start; `metadata/fullDescription` opens the rest). */
  descriptionChars?: number;
  groups: string[];
  keywords: string[];
  publisher?: string;
  contact?: { name?: string; email?: string };
  license?: string;
  updateFrequency?: string;
  issued?: string;
  modified?: string;
  geometry: string;
  extent?: [number, number, number, number];
  landingPage?: string;
  apiUrl?: string;
  /** Token-free URL of the first page of rows. */
  queryUrl?: string;
  downloads: { format: string; url: string }[];
  /** Filled once the service answers; `schemaError` says why it did not. */
  recordCount?: number;
  lastEdit?: string;
  copyright?: string;
  fields?: FieldView[];
  /** Set when `fields` holds only the first METADATA_FIELDS_AT_FIRST of the layer's fields: how
   * many it has. The rest come by `metadata/fields` when the user asks for them (Show All). */
  fieldCount?: number;
  schemaError?: string;
  /** Actions whose features exist in this build. */
  actions: MetadataAction[];
  /** Localised labels the webview shows (it has no access to vscode.l10n). */
  labels: Record<string, string>;
}

/** Fields of a metadata panel's table sent (and drawn) at once; a wider layer's other fields
 * cross only on Show All: 5,000 fields in one message cost the host and the window a long task
 * each (serialising, inflating and parsing it) for rows nobody looks at. */
export const METADATA_FIELDS_AT_FIRST = 200;

export type MetadataAction = 'preview' | 'insertSnippet' | 'save' | 'openInBrowser' | 'reportProblem' | 'requestRecords' | 'copyApiUrl' | 'showOnMap';

// ---- grid preview (remote datasets and CSV files) -------------------------------------------

/** How a grid column's cells are formatted: portal field kinds, or `text` for CSV cells. */
export type GridColumnKind = 'oid' | 'integer' | 'double' | 'string' | 'date' | 'guid' | 'other' | 'text';

export interface GridColumn {
  name: string;
  /** Header text (the alias when the portal has one). */
  label: string;
  kind: GridColumnKind;
  /** Date fields whose values come as text (the legacy portal) rather than epoch milliseconds. */
  nativeType?: string;
}

export type GridCell = string | number | boolean | null;

export type GridSortMode = 'none' | 'portal' | 'local';

export interface GridSortKey {
  field: string;
  descending?: boolean;
}

export interface GridFilter {
  field: string;
  op: '=' | '<>' | '<' | '<=' | '>' | '>=' | 'like' | 'is null' | 'is not null';
  value?: string | number;
}

/** Everything a grid webview needs to draw its frame; rows come later, window by window. */
export interface GridView {
  /** Bumped when the rows change meaning (new query, file changed); older windows are dropped. */
  generation: number;
  source: 'remote' | 'csv';
  title: string;
  columns: GridColumn[];
  /** Rows that can be shown now; grows while a CSV file is still being indexed. */
  total: number;
  /** False while a CSV index is still being built. */
  complete: boolean;
  sort: GridSortKey[];
  filters: GridFilter[];
  /** Who ordered the rows: the portal, the webview's host over the loaded rows only, or nobody. */
  sortMode: GridSortMode;
  canQuery: boolean;
  /** True when Profile Column is offered (remote datasets). */
  canProfile?: boolean;
  /** Commands the toolbar offers on the current query (remote datasets only). */
  actions?: GridAction[];
  /** Non-fatal problems (encoding errors, a sort the portal refused), shown as warnings. */
  warnings: string[];
  /** CSV files: header, delimiter and encoding in force and what was guessed (the toolbar's selects). */
  csvOptions?: CsvChoices;
  /** Scroll position to keep after a reload or a file change. */
  keepRow?: number;
  /** The first window, sent with the frame so the first rows need no round trip. */
  initialRows?: GridRowsResult;
  /** Persisted by the webview through setState so the serializer can restore the panel. */
  state: GridPanelState;
  locale: string;
  labels: Record<string, string>;
}

/** What a grid's toolbar can hand to a command, with the grid's current sort and filters. */
export type GridAction = 'insertSnippet' | 'save' | 'showOnMap';

/** What a grid panel needs to come back after a window reload. */
export type GridPanelState =
  | { kind: 'remote'; portal: string; id: string; sort?: GridSortKey[]; filters?: GridFilter[]; row?: number }
  | { kind: 'csv'; uri: string; row?: number };

/** Above this many columns a grid is wide: its rows cross to the webview with only the columns
 * near the view (a row of 5,000 values per message froze the window), and its filter's field is
 * typed rather than picked. */
export const GRID_WIDE_COLUMNS = 200;

export interface GridRowsResult {
  generation: number;
  first: number;
  /** Cells cut for display; `cut` lists `[row, index in the row]` pairs (row relative to `first`) that were. */
  rows: GridCell[][];
  cut: [number, number][];
  /** Wide grids: the columns each row holds, in order (`rows[r][j]` is column `columns[j]`).
   * Absent: every column. */
  columns?: number[];
  total: number;
  complete: boolean;
  /** Set when this window was superseded before it arrived; the webview ignores it. */
  stale?: boolean;
}

export interface GridRowDetail {
  row: number;
  values: { name: string; label: string; kind: GridColumnKind; value: GridCell; fullLength?: number }[];
  errors: string[];
}

/** One column's profile as the grid shows it (src/stats computes it; plain data here). Dates are
 * epoch ms; `notes` are localised lines on where it was computed and what it covers. */
export interface ProfileView {
  generation: number;
  field: string;
  label: string;
  kind: 'number' | 'date' | 'text';
  count: number;
  missing: number;
  invalid?: number;
  distinct?: { value: number; exact: boolean };
  min?: number;
  max?: number;
  mean?: number;
  stddev?: number;
  topValues: { value: GridCell; count: number }[];
  topValuesApproximate?: boolean;
  histogram?: { from: number; to: number; count: number }[];
  notes: string[];
}

// ---- map view (remote datasets, GeoJSON and CSV files) -----------------------------------------

/** Lines and polygons of a feature batch, packed flat (WGS84 lon/lat) so that postMessage
 * carries them as binary. Shape i has parts `[partStart[i], partStart[i + 1])`; part j (a line,
 * or a ring filled even-odd with the shape's other rings) has the pairs
 * `[coordStart[j], coordStart[j + 1])` of `coords`. */
export interface MapShapes {
  /** Query position of each shape. */
  rows: Int32Array;
  /** 0 a line, 1 a polygon. */
  kinds: Uint8Array;
  partStart: Int32Array;
  coordStart: Int32Array;
  /** `[lon, lat]` pairs, as offsets from the batch's `origin` (see MapCoords). */
  coords: MapCoords;
}

/** Coordinates as offsets from a batch's `origin`: 32-bit floats when the batch spans little
 * enough for them to keep a few centimetres (half the bytes to carry to the webview), else 64-bit. */
export type MapCoords = Float32Array | Float64Array;

/** A field the map can colour by: categories for text, classes for numbers and dates. */
export interface MapField {
  name: string;
  label: string;
  kind: 'text' | 'number' | 'date';
}

/** Everything a map webview needs to draw its frame; features come later, page by page. */
export interface MapView {
  /** Bumped when the features change meaning (new query, colour field); older pages are dropped. */
  generation: number;
  title: string;
  /** Rows the query matches, with and without geometry. */
  total: number;
  /** `whole`: every feature, page by page; `inView`: only those in the visible extent (large datasets). */
  mode: 'whole' | 'inView';
  /** Pages to ask for in `whole` mode, of `pageRows` rows each (the last may hold fewer). */
  pages: number;
  pageRows: number;
  /** `[xmin, ymin, xmax, ymax]` WGS84, to frame before features arrive. */
  extent?: [number, number, number, number];
  fields: MapField[];
  colorField?: string;
  /** Filters of the linked grid, as text, so the legend says what is shown. */
  queryText?: string;
  /** Oklahoma's county outlines (GeoJSON FeatureCollection), drawn offline. */
  counties: unknown;
  /** Online tiles when the setting asks for them; the CSP admits this one host only. */
  tiles?: { url: string; attribution: string };
  overlays: { id: string; label: string }[];
  /** Drawing a rectangle or a circle hands a spatial filter to the grid, snippet and save. */
  canDraw: boolean;
  state: MapPanelState;
  locale: string;
  labels: Record<string, string>;
}

export type MapPanelState =
  | { kind: 'remote'; portal: string; id: string; filters?: GridFilter[]; sort?: GridSortKey[] }
  | { kind: 'file'; uri: string; /** The CSV columns the points came from (asked once, kept). */ latLon?: { lat: string; lon: string } };

/** One page of features in typed arrays, rows by query position. */
export interface MapFeatureBatch {
  generation: number;
  /** `[lon, lat]` that `points` and `shapes.coords` are offsets from. */
  origin: [number, number];
  /** Query position of each point; absent when point k is row `firstRow + k` (a page of
   * points, one a row, none missing: the common case, with nothing to carry). */
  pointRows?: Int32Array;
  firstRow: number;
  /** Each point's `[lon, lat]` pair, flat, as offsets from `origin`. */
  points: MapCoords;
  shapes: MapShapes;
  /** Rows in this page that have no geometry. */
  empty: number;
  /** Rows in this page. */
  rows: number;
  /** Colour field values by query position (only with a colour field). */
  values?: Record<number, string | number | null>;
  /** `inView` mode: features matching in the asked extent (the page holds at most `limit`). */
  inView?: number;
  stale?: boolean;
}

export type MapSpatial =
  | { kind: 'bbox'; xmin: number; ymin: number; xmax: number; ymax: number }
  | { kind: 'near'; longitude: number; latitude: number; meters: number };

export type MapSpatialAction = 'filterGrid' | 'insertSnippet' | 'save';

/** What the map drew, read from its feature layer after a paint (tests and benchmarks). */
export interface MapPaintReport {
  generation: number;
  points: number;
  lines: number;
  polygons: number;
  /** Features with no geometry so far. */
  empty: number;
  /** True once every page asked for has arrived and been drawn. */
  complete: boolean;
  /** Heap in MB when the browser reports it. */
  heapMb?: number;
  /** The feature last ringed (grid selection or click) and the map's centre after it, `[lon, lat]`. */
  focus?: { row: number; center: [number, number] };
  /** After a `map/pan`: the median time between frames while it panned, in ms. */
  panFrameMs?: number;
  /** `[west, south, east, north]` the map showed when it painted, and its zoom level. */
  bounds?: [number, number, number, number];
  zoom?: number;
  /** `inView` mode: features drawn, features the portal matched in view, and the label shown. */
  inView?: { shown: number; matching: number; label: string };
  /** With a colour field: each legend class, its count in the legend and the features the
   * layer drew in its colour. */
  classes?: { label: string; legendCount: number; drawn: number }[];
  /** Features each overlay layer drew, by overlay id. */
  overlays?: Record<string, number>;
  /** Webview time spent on this generation's features so far, in ms (benchmarks break the first
   * draw down with it): taking pages in (projection included) and painting the canvas. */
  stages?: { ingestMs: number; paintMs: number };
  /** `whole` mode: the pages drawn so far, in the order they arrived (a report follows each
   * message of them). */
  pages?: number[];
  /** After a `map/probeInk`: the lines and polygons whose first vertex is on the canvas, and
   * how many of them have ink at that pixel or one beside it (their outline goes through it). */
  ink?: { shapes: number; inked: number };
}

/** What the webview drew: `texts` are the row data it holds, `shown` and `html` what the DOM
 * shows for the same rows (tests check hostile values reach the user as text). */
export interface GridPaint {
  generation: number;
  first: number;
  last: number;
  activeRow: number;
  /** Cells of the first then the last painted row, from the row data (of a wide grid, the
   * columns the webview holds: those near the view). */
  texts: string[];
  /** The same cells as drawn: each grid cell's text content, row number column left out. */
  shown: string[];
  /** outerHTML of the first and the last painted row. */
  html: string;
}

/** Requests a webview may send, by method: params and result. */
export interface HostRequests {
  'metadata/action': { params: { action: MetadataAction }; result: void };
  /** Profile Column on a field of the metadata panel: opens the grid with that column's profile. */
  'metadata/profile': { params: { field: string }; result: void };
  /** Opens the whole description, as text, in an editor (when the panel shows it shortened). */
  'metadata/fullDescription': { params: Record<string, never>; result: void };
  /** Fields `[first, first + count)` of the panel's layer (a wide one's beyond the first sent). */
  'metadata/fields': { params: { first: number; count: number }; result: FieldView[] };
  'clipboard/write': { params: { text: string }; result: void };
  /** Opens an http(s) or mailto link in the user's browser, after the host checks it. */
  'link/open': { params: { url: string }; result: void };
  /** A window of rows; a newer request from the same panel makes older ones stale. */
  /** Rows `[first, first + count)`; with `columns`, only those columns of each (wide grids). */
  'grid/rows': { params: { generation: number; first: number; count: number; columns?: number[] }; result: GridRowsResult };
  'grid/detail': { params: { generation: number; row: number }; result: GridRowDetail };
  /** Copies rows `[first, last]` (and columns, all when absent) to the clipboard as CSV; returns rows copied. */
  'grid/copy': { params: { generation: number; first: number; last: number; columns?: number[]; header: boolean }; result: number };
  /** Copies one whole cell (not cut, however long) to the clipboard as text. */
  'grid/copyValue': { params: { generation: number; row: number; column: number }; result: void };
  /** Asks the host to sort and filter (pushed to the portal when it can); a new `grid/show` follows. */
  'grid/query': { params: { sort: GridSortKey[]; filters: GridFilter[] }; result: void };
  /** CSV files: override a guess (or go back to it); the file is read again and a new `grid/show` follows. */
  'grid/csvOption': { params: CsvOptionRequest; result: void };
  /** Runs Save or Insert Snippet on the grid's current query. */
  'grid/action': { params: { action: GridAction }; result: void };
  /** The profile of one column over the grid's current query (remote datasets). */
  'grid/profile': { params: { generation: number; field: string }; result: ProfileView };
  /** The webview drew a profile; lets tests see what a user sees. */
  'grid/profileShown': { params: { field: string; generation: number; topValues: string[] }; result: void };
  /** The webview drew rows; lets the host (tests, benchmarks) know what a user sees. */
  'grid/painted': { params: GridPaint; result: void };
  /** `inView` mode: the features in `extent` (`whole` maps get theirs pushed as `map/pages`). */
  'map/features': { params: { generation: number; extent: [number, number, number, number]; degreesPerPixel: number }; result: MapFeatureBatch };
  /** The row detail of a feature, as the grid shows it. */
  'map/detail': { params: { generation: number; row: number }; result: GridRowDetail };
  'map/colorBy': { params: { field?: string }; result: void };
  'map/overlay': { params: { id: string }; result: MapFeatureBatch };
  /** A drawn rectangle or circle, handed to the grid, Insert Snippet or Save. */
  'map/spatial': { params: { spatial: MapSpatial; action: MapSpatialAction }; result: void };
  'map/painted': { params: MapPaintReport; result: void };
  /** Pages of a `whole` map that `map/sent` listed and the webview does not have (VS Code may
   * drop a post made while the page loads): posted again as `map/pages`. */
  'map/resend': { params: { generation: number; pages: number[] }; result: void };
  /** The Retry of a `panel/error` that offered one: the host runs again what failed. */
  'panel/retry': { params: Record<string, never>; result: void };
}

/** Notifications the host sends to a webview, by method. */
export interface WebviewNotifications {
  'metadata/show': MetadataView;
  /** Whole-dataset NULL shares of some fields, once the portal has counted them: patches the
   * field table the panel already shows (fields not listed keep theirs), instead of a second
   * `metadata/show` of every field. Pairs, not an object, so any field name is safe. */
  'metadata/missingShares': { shares: FieldShare[] };
  /** Something failed outside a request; shown in the panel. */
  'panel/error': { message: string; /** Offers a Retry button with this label (see `panel/retry`). */ retryLabel?: string };
  /** Presses the Retry of the grid's latest error (what a click does; for tests). */
  'grid/retry': Record<string, never>;
  'grid/show': GridView;
  /** Row count grew (CSV indexing) or indexing finished. */
  'grid/total': { generation: number; total: number; complete: boolean; progress?: number; warnings?: string[] };
  /** Opens the profile of a column (Profile Column from the metadata panel or a command). */
  'grid/openProfile': { field: string };
  /** Moves the active cell to `row` and scrolls it into view (keyboard-free entry for tests). */
  'grid/scrollTo': { row: number; column?: number };
  'map/show': MapView;
  /** Pages of a `whole` map of generation `generation`: all of them in one message when they
   * are all in before the page says ready, or at the ready those in by then; after it, each
   * page as soon as it is fetched and packed. The webview asks only for what was lost (see
   * `map/sent`), so no round trip stands between the portal and the paint; it ignores a page
   * it already has. */
  'map/pages': { generation: number; pages: { page: number; batch: MapFeatureBatch }[] };
  /** At the first ready, the pages of `generation` posted before it. What the webview has not
   * received of them by then was lost on the way; it asks for those with `map/resend`. */
  'map/sent': { generation: number; pages: number[] };
  /** A page of a `whole` map that could not be fetched, with the portal's problem. */
  'map/pageError': { generation: number; page: number; message: string };
  /** Highlights and centres the feature at query position `row` (the grid's selected row). */
  'map/focus': { generation: number; row: number };
  /** Pans the way a mouse drag does, `steps` frames of `dx`,`dy` pixels (benchmarks). */
  'map/pan': { steps: number; dx: number; dy: number };
  /** Moves the map to `center` (`[lon, lat]`) at `zoom`, as the user's wheel and drag do. */
  'map/goTo': { center: [number, number]; zoom: number };
  /** Turns an overlay on or off, as its checkbox does. */
  'map/setOverlay': { id: string; on: boolean };
  /** Reads the feature canvas back and reports its `ink` (tests: what was painted, not counted). */
  'map/probeInk': Record<string, never>;
}

export type HostRequestMethod = keyof HostRequests;
export type WebviewNotificationMethod = keyof WebviewNotifications;

export type FromWebview =
  | { kind: 'ready' }
  | { [M in HostRequestMethod]: { kind: 'request'; id: number; method: M; params: HostRequests[M]['params'] } }[HostRequestMethod];

export type ToWebview =
  | { kind: 'response'; id: number; result?: unknown; error?: string }
  | { [M in WebviewNotificationMethod]: { kind: 'notify'; method: M; params: WebviewNotifications[M] } }[WebviewNotificationMethod];

/** Narrow an untrusted message from a webview before acting on it. */
export function isFromWebview(value: unknown): value is FromWebview {
  if (!value || typeof value !== 'object') return false;
  const m = value as { kind?: unknown; id?: unknown; method?: unknown };
  if (m.kind === 'ready') return true;
  return m.kind === 'request' && typeof m.id === 'number' && typeof m.method === 'string';
}
