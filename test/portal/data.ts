// The fake portal's data: OKC's real catalog facts (okc-catalog.json) turned into datasets whose
// rows are computed on demand from (seed, dataset, object id), so a million rows cost no memory.
// Both generations serve these objects; tests compute expected answers from them.

import type { GeoJsonGeometry } from '../../src/portal/types';
import catalogJson from './okc-catalog.json';
import { measure, representativePoint } from './geo';
import { esriTypeOf, OLD_SERVER_ENTRIES, OLD_SERVER_GROUP, OLD_SERVER_SERVICE, oldServerGeometry, type OldServerEntry } from './oldServer';

export type EsriGeometryType = 'esriGeometryPoint' | 'esriGeometryMultipoint' | 'esriGeometryPolyline' | 'esriGeometryPolygon';
export type FakeValue = string | number | null;

export interface FakeField {
  name: string;
  /** esriFieldTypeOID, esriFieldTypeString, esriFieldTypeDate (epoch ms), ... */
  type: string;
  alias: string;
  /** Strings, dates and GlobalIDs only, as ArcGIS reports it. */
  length?: number;
}

/** One column of the legacy Records API; `source` names the Hub field it reads, null for Shape. */
export interface LegacyField {
  name: string;
  /** .NET type name: System.Int32, System.String, System.Double, System.DateTime, Microsoft.SqlServer.Types.SqlGeometry. */
  type: string;
  source: string | null;
}

export interface FakeRow {
  attributes: Record<string, FakeValue>;
  /** WGS84; null for tables. */
  geometry: GeoJsonGeometry | null;
}

export interface MutateRequest {
  /** Rows to append (new object ids after the largest ever used). */
  add?: number;
  /** Object ids to delete. */
  remove?: number[];
  /** Object ids whose attribute values change. */
  change?: number[];
}

export interface FakeDataset {
  itemId: string;
  layer: number;
  /** FeatureServer service name under OpenData/, e.g. `Public_Safety`. */
  service: string;
  title: string;
  /** Name on the legacy portal (usually the title; e.g. "Trash Zones" for Trash Collection Zones). */
  legacyName: string;
  groups: string[];
  keywords: string[];
  /** HTML, as the Hub publishes it. */
  description: string;
  /** Plain-text description the legacy portal lists. */
  legacyDescription: string;
  /** The layer's own `description` when it differs from the catalog's (built when first read). */
  readonly layerDescription?: string;
  license: string;
  /** The city's own sentence, e.g. "This dataset is updated on a daily basis." */
  updateFrequency: string;
  contact: { name: string; email: string };
  publisher: string;
  /** ISO 8601 with milliseconds and Z, like the DCAT feed. */
  issued: string;
  modified: string;
  /** null for tables. */
  geometryType: EsriGeometryType | null;
  fields: FakeField[];
  objectIdField: string;
  maxRecordCount: number;
  legacyFields: LegacyField[];
  /** How the legacy portal prints esriFieldTypeDate values. */
  legacyDateStyle: 'mdy' | 'sql';
  /** [xmin, ymin, xmax, ymax] WGS84 covering every row. */
  extent: [number, number, number, number];
  /** When set, the FeatureServer requires this token (missing: 499, wrong: 498), as the `token`
   * parameter (query or form body) or, but on the 10.x profile, a Bearer header. */
  token?: string;
  /** When set, `/query` refuses as real servers do: a where clause other than `1=1` gets
   * Enterprise's HTTP 200 `{"error":{"code":500,"message":"Syntax error [].",...}}`, any
   * `orderByFields` other than the object id gets 400 "Unable to complete operation.". */
  refuses?: { where?: boolean; orderBy?: boolean };
  /** When set, a current layer that serves no page past maxRecordCount, as the hosted 10.3 and
   * 10.81 MapServer samples: its description has no `supportsQueryWithResultType`,
   * `supportsMaxRecordCountFactor`, `standardMaxRecordCount` or `tileMaxRecordCount`, and its
   * `/query` ignores `resultType` and `maxRecordCountFactor`. */
  noLargePages?: boolean;
  /** When set, a current layer without PBF, as layers published before it: its
   * `supportedQueryFormats` is `JSON, geoJSON` and `/query?f=pbf` answers the invalid-query error. */
  noPbf?: boolean;
  /** When set, the legacy Records API requires header `X-Api-Key: <this>` (else 401). */
  legacyApiKey?: string;
  /** How its FeatureServer behaves: `current` (11.x: geoJSON, pagination) or `old` (10.x, see
   * oldServer.ts). Tests and benches may switch a dataset's profile. */
  serverProfile: 'current' | 'old';
  /** `{itemId}_{layer}`: the Hub dataset id. */
  readonly hubId: string;
  /** Path of the FeatureServer layer on the fake, e.g. `/usrsvcs/servers/{itemId}/rest/services/OpenData/Utilities/FeatureServer/1`. */
  readonly layerPath: string;
  /** Live row count (after mutations). */
  readonly rowCount: number;
  /** Row at 0-based position `i` in object-id order. */
  rowAt(i: number): FakeRow;
  /** Attributes only (cheaper: no geometry). */
  attributesAt(i: number): Record<string, FakeValue>;
  /** Geometry only (cheaper: no attributes); null for tables. */
  geometryAt(i: number): GeoJsonGeometry | null;
  /** Object id of the row at position `i`. */
  oidAt(i: number): number;
  /** One attribute of the row at position `i`, when the dataset can compute it alone (the
   * million-row one): a column of a million values costs one hash each, not a whole row. */
  valueAt?(i: number, field: string): FakeValue;
  /** Position of an object id, or -1 when absent. */
  indexOfOid(oid: number): number;
  rowByOid(oid: number): FakeRow | undefined;
  /** epoch ms of `modified`: the layer's editingInfo.lastEditDate. */
  readonly lastEditDate: number;
}

export interface FakeCatalog {
  seed: number;
  datasets: FakeDataset[];
  /** By item id, `{itemId}_{layer}`, title or legacy name (case-insensitive). */
  find(idOrName: string): FakeDataset | undefined;
  byItemId(itemId: string, layer?: number): FakeDataset | undefined;
  byLayer(service: string, layer: number): FakeDataset | undefined;
  byLegacyName(name: string): FakeDataset | undefined;
  byTitle(title: string): FakeDataset | undefined;
  /** Changes what both generations serve from now on and bumps modified / lastEditDate. */
  mutate(idOrName: string, change: MutateRequest): FakeDataset;
  /** Latest `modified` of all datasets (epoch ms): the DCAT feed's Last-Modified. */
  lastModified(): number;
  /** Bumped on every mutation; part of the feed's ETag. */
  readonly version: number;
}

export const HOSTILE_TITLE = 'Hostile Test Data';
export const BIG_TITLE = 'Synthetic Performance Records';
export const HUGE_CELL_CHARS = 10 * 1024 * 1024;
/** A layer of WIDE_COLUMNS fields (the object id among them): the grid and field table at width. */
export const HOSTILE_WIDE_TITLE = 'Hostile Wide Layer';
export const WIDE_COLUMNS = 5000;
/** A layer whose description (layer metadata, not the catalog entry) is LONG_DESCRIPTION_CHARS long. */
export const HOSTILE_LONG_DESCRIPTION_TITLE = 'Hostile Long Description';
export const LONG_DESCRIPTION_CHARS = 50 * 1024 * 1024;
/** First and last words of the long description, so a test can tell what reached the panel. */
export const LONG_DESCRIPTION_HEAD = 'Start of the long description.';
export const LONG_DESCRIPTION_TAIL = 'End of the long description.';
export const LAND_DOCUMENT_SENTINELS = [228017980800000, 227923286400000, 227986444800000];

// ---- deterministic randomness ------------------------------------------------------------------

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h);
}

/** Uniform [0,1) from (seed, dataset, oid, stream, version). */
type Rand = (stream: number) => number;

function rowRand(seed: number, dsHash: number, oid: number, version: number): Rand {
  const base = mix(mix(seed ^ dsHash) + Math.imul(oid, 0x9e3779b1)) ^ Math.imul(version, 0x632be5ab);
  return (stream) => mix(base + Math.imul(stream + 1, 0x85ebca6b)) / 4294967296;
}

const pick = <T>(r: number, list: readonly T[]): T => list[Math.floor(r * list.length) % list.length];
const pad = (n: number, w: number): string => String(n).padStart(w, '0');

// ---- value vocabularies (plausible OKC values; first entries come from the observed samples) ---

const DIRS = ['N', 'S', 'NW', 'NE', 'SW', 'SE', 'E', 'W'];
const STREETS = ['23RD', '36TH', '50TH', '63RD', 'MAY', 'PENNSYLVANIA', 'MACARTHUR', 'MERIDIAN', 'PORTLAND', 'WESTERN',
  'BRYANT', 'SUNNYLANE', 'ROCKWELL', 'COUNCIL', 'BRITTON', 'HEFNER', 'MEMORIAL', 'RENO', 'EXCHANGE', 'CLASSEN', 'LINCOLN',
  'EASTERN', 'HUDSON', 'ROBINSON', 'SHIELDS', 'SANTA FE', 'DOUGLAS', 'MORGAN', 'SARA', 'MUSTANG', 'KELLEY', '15TH', '89TH', '122ND'];
const SUFFIX = ['ST', 'AVE', 'BLVD', 'RD', 'DR', 'PL', 'TER', 'WAY'];
const ZIPS = [73102, 73103, 73104, 73106, 73107, 73108, 73109, 73111, 73112, 73114, 73115, 73116, 73118, 73119, 73120,
  73122, 73127, 73128, 73129, 73130, 73131, 73132, 73135, 73139, 73141, 73142, 73149, 73150, 73159, 73162, 73165, 73169, 73170, 73173, 73179];
const WORDS = ['Lake', 'Hefner', 'Overholser', 'Bricktown', 'Capitol', 'Hill', 'Classen', 'Paseo', 'Midtown', 'Mesta', 'Plaza',
  'Crown', 'Heights', 'Will', 'Rogers', 'Scissortail', 'Martin', 'Myriad', 'Stockyards', 'Deep', 'Deuce', 'Wheeler', 'Draper',
  'Stinchcomb', 'Earlywine', 'Woodson', 'Trosper', 'Lincoln', 'Pioneer', 'Prairie', 'Cimarron', 'Canadian', 'North', 'South'];
const PERSON_FIRST = ['JAMES', 'MARY', 'ROBERT', 'PATRICIA', 'JOHN', 'LINDA', 'MICHAEL', 'BARBARA', 'DAVID', 'SUSAN', 'GEORGE', 'NANCY'];
const PERSON_LAST = ['SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'JONES', 'GARCIA', 'MILLER', 'DAVIS', 'NGUYEN', 'WILSON', 'SAMARA', 'TAYLOR'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const VOCAB: Record<string, readonly string[]> = {
  worktype: ['Road Construction', 'Utility Work', 'Bridge Repair', 'Sidewalk Repair', 'Water Main Break', 'Special Event'],
  status: ['Complete', 'In Design', 'Under Construction', 'Planned', 'Existing', 'Proposed', 'Open', 'Closed'],
  pickupday: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  service_provider: ['Oklahoma City', 'Waste Management', 'Republic Services'],
  serviceprovider: ['Oklahoma City', 'Waste Management', 'Republic Services'],
  sector: ['NW', 'NE', 'SW', 'SE', 'Downtown'],
  indextype: ['D', 'E', 'R', 'P', 'M'],
  call_type: ['Fire:  Alarm Fire Auto', 'EMS:  Medical Call', 'Fire:  Grass Fire', 'Fire:  Structure Fire', 'Fire:  Vehicle Fire', 'Rescue:  Water'],
  infotitle: ['Fire Response', 'Medical Response', 'Rescue Response'],
  facilitytype: ['Fire', 'Police', 'Library', 'Community Center', 'Senior Center', 'Administration'],
  parktype: ['Green Space', 'Neighborhood Park', 'Community Park', 'Regional Park', 'Special Use'],
  facility_class: ['Aquatic Facility', 'Athletic Facility', 'Playground', 'Trail', 'Building'],
  facility_type: ['Sprayground', 'Pool', 'Tennis Court', 'Ballfield', 'Multi-use Trail', 'Bike Lane', 'Shelter'],
  project_type: ['Bike', 'Sidewalks', 'Trail', 'Streetscape'],
  primary_funding_source: ['Sales Tax', '2017 Bond', 'MAPS 4', 'Federal Grant', '2025 GO Bond'],
  rating: ['Easiest', 'Moderate', 'Difficult'],
  quadarant: ['NW', 'NE', 'SW', 'SE'],
  routetype: ['Primary', 'Secondary', 'Bridge'],
  maintainedby: ['City of Oklahoma City', 'ODOT'],
  surface: ['ASPHALT', 'CONCRETE', 'GRAVEL', 'BRICK'],
  rank: ['Rural Arterial', 'Urban Arterial', 'Collector', 'Residential'],
  oneway: ['O', 'B', 'FT', 'TF'],
  fdpre: DIRS,
  streetprefix: DIRS,
  ftype: SUFFIX,
  streetsuffix: SUFFIX,
  county: ['Oklahoma', 'Canadian', 'Cleveland', 'Pottawatomie'],
  state: ['OK'],
  datum: ['CORS96', 'NAD83', 'NAVD88'],
  condition: ['GOOD', 'FAIR', 'POOR', 'DESTROYED'],
  material: ['ALUM', 'BRASS', 'IRON ROD', 'RCP', 'CMP', 'PVC'],
  type: ['BRIDGE', 'BUILDING', 'DRIVEWAY', 'PARKING', 'ROAD', 'SIDEWALK'],
  sidewalkfunding: ['GOBond', 'Sales Tax', 'Private', 'MAPS 3'],
  trash_day: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  recycle_week: ['A', 'B'],
  bulky_week: ['1st Monday', '2nd Tuesday', '3rd Wednesday', '4th Thursday'],
  registered: ['Yes', 'No'],
  category: ['Lowest', 'Low', 'Moderate', 'High', 'Highest'],
  department: ['Public Works', 'Parks and Recreation', 'Utilities', 'Planning', 'Airports'],
  projcat: ['Streets', 'Drainage', 'Parks', 'Bridges', 'Traffic'],
  asbuilttype: ['BC - Private Bridge', 'PC - Paving', 'SD - Storm Drainage', 'WL - Water Line'],
  'Survey Primary Control Points|status': ['FOUND', 'SET', 'NOT FOUND', 'RESET'],
  'Survey Primary Control Points|type_monument': ['SHALLOW PIER', 'DEEP ROD', 'CAP IN CONCRETE'],
  'Survey Secondary Control Points|source': ['OKC Public Works', 'ODOT', 'Private Survey'],
  code: ['R-1', 'R-2', 'C-3', 'I-2', 'PUD', 'SPUD', 'CE', 'CUP', 'ABC-1', 'HP'],
};

function streetAddress(rand: Rand, s: number): string {
  return `${1 + Math.floor(rand(s) * 17999)} ${pick(rand(s + 1), DIRS)} ${pick(rand(s + 2), STREETS)} ${pick(rand(s + 3), SUFFIX)}`;
}

function placeName(rand: Rand, s: number): string {
  return `${pick(rand(s), WORDS)} ${pick(rand(s + 1), WORDS)}`;
}

function mmddyyyy(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCMonth() + 1, 2)}/${pad(d.getUTCDate(), 2)}/${d.getUTCFullYear()}`;
}

/** SQL Server's default datetime text, e.g. "Aug  2 2026  2:34PM" (days and hours space-padded). */
export function sqlServerDate(ms: number, zeroPad = false): string {
  const d = new Date(ms);
  const h = d.getUTCHours() % 12 || 12;
  const day = zeroPad ? pad(d.getUTCDate(), 2) : String(d.getUTCDate()).padStart(2, ' ');
  const hour = zeroPad ? pad(h, 2) : String(h).padStart(2, ' ');
  return `${MONTHS[d.getUTCMonth()]} ${day} ${d.getUTCFullYear()} ${hour}:${pad(d.getUTCMinutes(), 2)}${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

/** "Apr 11, 2023". */
export function mediumDate(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate(), 2)}, ${d.getUTCFullYear()}`;
}

const DAY = 86400000;
const T2010 = Date.UTC(2010, 0, 1);
const T2026 = Date.UTC(2026, 7, 1);

function randomDay(r: number, from = T2010, to = T2026): number {
  return from + Math.floor((r * (to - from)) / DAY) * DAY;
}

// ---- dataset specs --------------------------------------------------------------------------

interface CatalogEntry {
  title: string;
  legacyName: string;
  itemId: string;
  service: string;
  layer: number;
  topics: string[];
  updateInterval: string | null;
  maintainedBy: string | null;
  geometryType: 'point' | 'polyline' | 'polygon' | 'none';
  rowCount: number;
  maxRecordCount: number;
  fields: { name: string; type: string; alias: string }[];
  sample: Record<string, unknown>;
  oidStart?: number;
  realRows?: unknown[][];
  legacyFields?: [string, string, string | null][];
}

type AttributeMaker = (oid: number, rand: Rand, version: number) => Record<string, FakeValue>;
type GeometryMaker = (oid: number, rand: Rand) => GeoJsonGeometry | null;

const BBOX = { west: -97.8, south: 35.3, east: -97.1, north: 35.7 };
const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

function regularPolygon(cx: number, cy: number, rx: number, ry: number, sides: number, turn: number): GeoJsonGeometry {
  const ring: number[][] = [];
  for (let k = 0; k < sides; k++) {
    const a = turn + (2 * Math.PI * k) / sides;
    ring.push([round6(cx + rx * Math.cos(a)), round6(cy + ry * Math.sin(a))]);
  }
  ring.push(ring[0]);
  return { type: 'Polygon', coordinates: [ring] };
}

function gridCell(index: number, count: number): [number, number, number, number] {
  const cols = Math.ceil(Math.sqrt(count * 1.75));
  const rows = Math.ceil(count / cols);
  const w = (BBOX.east - BBOX.west) / cols;
  const h = (BBOX.north - BBOX.south) / rows;
  const c = index % cols;
  const r = Math.floor(index / cols);
  return [BBOX.west + c * w, BBOX.south + r * h, BBOX.west + (c + 1) * w, BBOX.south + (r + 1) * h];
}

function makeGeometryMaker(entry: CatalogEntry, baseCount: number, oidStart: number): GeometryMaker {
  const real = entry.realRows;
  switch (entry.geometryType) {
    case 'none':
      return () => null;
    case 'point':
      return (oid, rand) => {
        const row = real?.[oid - oidStart];
        if (entry.title === 'Fire Stations' && row) return { type: 'Point', coordinates: [row[3] as number, row[2] as number] };
        return {
          type: 'Point',
          coordinates: [round6(BBOX.west + rand(900) * (BBOX.east - BBOX.west)), round6(BBOX.south + rand(901) * (BBOX.north - BBOX.south))],
        };
      };
    case 'polyline':
      return (_oid, rand) => {
        let x = BBOX.west + 0.02 + rand(900) * (BBOX.east - BBOX.west - 0.04);
        let y = BBOX.south + 0.02 + rand(901) * (BBOX.north - BBOX.south - 0.04);
        const steps = 1 + Math.floor(rand(902) * 5);
        const path = [[round6(x), round6(y)]];
        for (let k = 0; k < steps; k++) {
          x += (rand(903 + 2 * k) - 0.5) * 0.008;
          y += (rand(904 + 2 * k) - 0.5) * 0.008;
          path.push([round6(x), round6(y)]);
        }
        return { type: 'LineString', coordinates: path };
      };
    case 'polygon':
      return (oid, rand) => {
        const row = real?.[oid - oidStart];
        if (entry.title === 'School District Boundaries' && row) {
          const size = 0.004 * Math.pow(2, 17 - (row[4] as number));
          return regularPolygon(row[3] as number, row[2] as number, size, size * 0.8, 8, 0);
        }
        const index = oid - oidStart;
        if (baseCount <= 400 && index < baseCount) {
          // Zones tile the city like the real service areas do.
          const [w, s, e, n] = gridCell(index, baseCount);
          const mx = (w + e) / 2;
          const my = (s + n) / 2;
          const ring = [[w, s], [w, n], [mx, n], [e, n], [e, my], [e, s], [w, s]].map(([a, b]) => [round6(a), round6(b)]);
          // counter-clockwise exterior (RFC 7946): reverse of the clockwise walk above
          return { type: 'Polygon', coordinates: [ring.reverse()] };
        }
        const cx = BBOX.west + 0.01 + rand(900) * (BBOX.east - BBOX.west - 0.02);
        const cy = BBOX.south + 0.01 + rand(901) * (BBOX.north - BBOX.south - 0.02);
        const r = 0.0002 + rand(902) * 0.002;
        return regularPolygon(cx, cy, r, r * 0.8, 4 + Math.floor(rand(903) * 4), rand(904) * Math.PI);
      };
  }
}

const FIELD_LENGTH: Record<string, number> = { esriFieldTypeString: 255, esriFieldTypeDate: 8, esriFieldTypeGlobalID: 38 };

function guid(rand: Rand, s: number): string {
  const hex = (k: number): string => Math.floor(rand(s + k) * 4294967296).toString(16).padStart(8, '0').toUpperCase();
  const h = hex(0) + hex(1) + hex(2) + hex(3);
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-A${h.slice(17, 20)}-${h.slice(20, 32)}}`;
}

/** A value for a field no special rule covers, shaped after its name and the observed sample. */
function genericValue(entry: CatalogEntry, field: FakeField, k: number, oid: number, rand: Rand): FakeValue {
  const lower = field.name.toLowerCase();
  const s = 10 + k * 8;
  const sample = entry.sample[field.name];
  switch (field.type) {
    case 'esriFieldTypeDate':
      return randomDay(rand(s));
    case 'esriFieldTypeSmallInteger':
    case 'esriFieldTypeInteger': {
      if (lower.includes('ward')) return 1 + Math.floor(rand(s) * 8);
      if (lower === 'zip') return pick(rand(s), ZIPS);
      const top = typeof sample === 'number' && sample > 0 ? sample * 2 : 1000;
      return Math.floor(rand(s) * top);
    }
    case 'esriFieldTypeDouble': {
      const base = typeof sample === 'number' && sample !== 0 ? Math.abs(sample) : 1000;
      return Math.round(base * (0.5 + rand(s)) * 1000) / 1000;
    }
    case 'esriFieldTypeGlobalID':
      return guid(rand, s);
  }
  // strings
  const own = VOCAB[`${entry.title}|${lower}`] ?? VOCAB[lower];
  if (own) return pick(rand(s), own);
  if (typeof sample === 'string' && /^(Yes|No)$/.test(sample)) return rand(s) < 0.5 ? 'Yes' : 'No';
  if (lower.includes('address') || lower === 'worklocation' || lower === 'projloc') {
    const street = streetAddress(rand, s);
    return entry.title === 'Garage Sales' ? `${street}, Oklahoma City, OK  ${pick(rand(s + 5), ZIPS)}` : street;
  }
  if (lower === 'startdate' || lower === 'enddate') return mmddyyyy(randomDay(rand(s)));
  if (lower === 'permit_date') return new Date(randomDay(rand(s), Date.UTC(2026, 5, 1))).toISOString().slice(0, 10);
  if (lower.includes('date')) return rand(s + 1) < 0.3 ? ' ' : mmddyyyy(randomDay(rand(s)));
  if (lower === 'reported_time') return sqlServerDate(randomDay(rand(s), Date.UTC(2026, 6, 1)) + Math.floor(rand(s + 1) * 1440) * 60000);
  if (lower.startsWith('year')) return String(1950 + Math.floor(rand(s) * 75));
  if (lower.includes('grantor') || lower.includes('member') || lower === 'contractor')
    return `${pick(rand(s), PERSON_FIRST)} ${pick(rand(s + 1), 'ABCDEFGHJKLMRSTW'.split(''))}. ${pick(rand(s + 2), PERSON_LAST)}`;
  if (/name|title|location|organization|street|text|descriptio|description|definition|notes|comment/.test(lower)) {
    if (typeof sample === 'string' && sample.trim() && rand(s + 7) < 0.15) return sample;
    return `${placeName(rand, s)} ${lower.includes('name') ? pick(rand(s + 3), ['Park', 'Center', 'Addition', 'Creek', 'Place', 'Trail']) : oid}`;
  }
  if (typeof sample === 'string' && /\d/.test(sample)) {
    let d = 0;
    return sample.replace(/\d/g, () => String(Math.floor(rand(s + 20 + d++) * 10)));
  }
  if (typeof sample === 'string' && sample.trim()) return sample;
  return `${field.alias || field.name} ${oid}`;
}

function buildAttributeMaker(entry: CatalogEntry, fields: FakeField[], oidField: string, oidStart: number,
  geometryOf: (oid: number) => GeoJsonGeometry | null): AttributeMaker {
  const real = entry.realRows;
  return (oid, rand, version) => {
    const out: Record<string, FakeValue> = {};
    const row = version === 0 ? real?.[oid - oidStart] : undefined;
    let measured: { area: number; length: number } | undefined;
    fields.forEach((field, k) => {
      const name = field.name;
      if (name === oidField) return void (out[name] = oid);
      if (name === 'Shape__Area' || name === 'Shape__Length') {
        const g = geometryOf(oid);
        measured ??= g ? measure(g) : { area: 0, length: 0 };
        // hosted-style fields are in the native unit: US feet
        out[name] = Math.round((name === 'Shape__Area' ? measured.area / 0.09290341161 : measured.length / 0.3048006096) * 1000) / 1000;
        return;
      }
      if (row && entry.title === 'Fire Stations') {
        if (name === 'STATION_NO') return void (out[name] = row[0] as number);
        if (name === 'STATION_ADDR') return void (out[name] = row[1] as string);
      }
      if (row && entry.title === 'School District Boundaries') {
        if (name === 'District_Code') return void (out[name] = row[0] as string | null);
        if (name === 'District_Name') return void (out[name] = row[1] as string);
      }
      const r = rand(500 + k);
      const optional = field.type !== 'esriFieldTypeGlobalID' && k > 1 && !/startdate|enddate|worktype/i.test(name);
      if (optional && r < 0.04) return void (out[name] = null);
      if (optional && field.type === 'esriFieldTypeString' && r < 0.06) return void (out[name] = r < 0.05 ? '' : ' ');
      // a changed row (version > 0) must really differ: mix the version into the stream
      const vr: Rand = version ? (st) => rand(st + version * 7919) : rand;
      out[name] = genericValue(entry, field, k, oid, vr);
    });
    if (entry.title === 'Work Zones' && typeof out.Startdate === 'string') {
      const start = Date.UTC(2023 + Math.floor(rand(700) * 3), Math.floor(rand(701) * 12), 1 + Math.floor(rand(702) * 28));
      out.Startdate = mmddyyyy(start);
      out.Enddate = mmddyyyy(start + (14 + Math.floor(rand(703) * 700)) * DAY);
      out.workzonenumber = `WZ-${new Date(start).getUTCFullYear()}-${pad(oid * 7 + 1000, 5)}`;
    }
    if (entry.title === 'Land Documents') {
      const r = rand(710);
      out.Date = r < 0.03 ? pick(rand(711), LAND_DOCUMENT_SENTINELS) : Date.UTC(1900, 0, 1) + Math.floor(rand(712) * 46000) * DAY;
    }
    return out;
  };
}

function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const LICENSE_HTML =
  '<p>The data are provided by the City of Oklahoma City as a public service, "as is", without warranty of any kind. ' +
  'Use is subject to the <a href="https://www.okc.gov/open-data-terms" target="_blank">Open Data Terms of Use</a>.</p>';

const CITY_EPOCH = Date.UTC(2019, 0, 1);

function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

function departmentOf(maintainedBy: string | null): string {
  const m = /maintained by (?:the )?(.+?) of the City of Oklahoma City/i.exec(maintainedBy ?? '');
  return m ? m[1].replace(/^the /i, '') : 'Information Technology Department';
}

function defaultLegacyFields(fields: FakeField[], hasGeometry: boolean): LegacyField[] {
  const out: LegacyField[] = [];
  for (const f of fields) {
    if (f.type === 'esriFieldTypeGlobalID' || f.name === 'Shape__Area' || f.name === 'Shape__Length') continue;
    const type =
      f.type === 'esriFieldTypeOID' || f.type === 'esriFieldTypeInteger' || f.type === 'esriFieldTypeSmallInteger'
        ? 'System.Int32'
        : f.type === 'esriFieldTypeDouble'
          ? 'System.Double'
          : f.type === 'esriFieldTypeDate'
            ? 'System.DateTime'
            : 'System.String';
    out.push({ name: f.type === 'esriFieldTypeOID' ? 'Object_ID' : f.name, type, source: f.name });
  }
  if (hasGeometry) out.push({ name: 'Shape', type: 'Microsoft.SqlServer.Types.SqlGeometry', source: null });
  return out;
}

// ---- special datasets ----------------------------------------------------------------------------

function bigEntry(rows: number): CatalogEntry {
  const F = (name: string, type: string, alias: string) => ({ name, type: `esriFieldType${type}`, alias });
  return {
    title: BIG_TITLE, legacyName: BIG_TITLE, itemId: 'f00dbabe5eed4c0ffee0123456789abc', service: 'Performance', layer: 0,
    topics: ['Performance'], updateInterval: 'This dataset is generated for performance testing.',
    maintainedBy: 'This dataset is maintained by the OKC Open Data extension test suite.', geometryType: 'point',
    rowCount: rows, maxRecordCount: 2000,
    fields: [F('OBJECTID', 'OID', 'OBJECTID'), F('RecordKey', 'String', 'Record Key'), F('Category', 'String', 'Category'),
      F('Amount', 'Double', 'Amount'), F('Quantity', 'Integer', 'Quantity'), F('RecordedAt', 'Date', 'Recorded At'),
      F('Ward', 'SmallInteger', 'Ward'), F('Status', 'String', 'Status')],
    sample: {},
  };
}

const BIG_CATEGORIES = ['Permit', 'Inspection', 'Citation', 'Service Request', 'Work Order', 'Invoice', 'Payment', 'Complaint', 'License', 'Survey', 'Audit', 'Grant'];
const BIG_STATUS = ['Open', 'Closed', 'Pending', 'Cancelled'];

const BIG_FIELDS = ['OBJECTID', 'RecordKey', 'Category', 'Amount', 'Quantity', 'RecordedAt', 'Ward', 'Status'];

function bigValue(oid: number, rand: Rand, version: number, field: string): FakeValue {
  const v = version * 31;
  switch (field) {
    case 'OBJECTID': return oid;
    case 'RecordKey': return `PR-${pad(oid, 7)}`;
    case 'Category': return BIG_CATEGORIES[Math.floor(rand(1 + v) * BIG_CATEGORIES.length)];
    case 'Amount': return Math.round(rand(2 + v) * 1000000) / 100;
    case 'Quantity': return Math.floor(rand(3 + v) * 500);
    case 'RecordedAt': return T2010 + Math.floor(rand(4 + v) * ((T2026 - T2010) / 1000)) * 1000;
    case 'Ward': return 1 + Math.floor(rand(5 + v) * 8);
    case 'Status': return rand(6 + v) < 0.02 ? null : BIG_STATUS[Math.floor(rand(7 + v) * BIG_STATUS.length)];
    default: return null;
  }
}

function bigAttributes(oid: number, rand: Rand, version: number): Record<string, FakeValue> {
  const out: Record<string, FakeValue> = {};
  for (const field of BIG_FIELDS) out[field] = bigValue(oid, rand, version, field);
  return out;
}

const HOSTILE_ROWS: Record<string, FakeValue>[] = [
  { Title: '<script>alert("title")</script>', Link: 'javascript:alert(1)', FileName: '../../etc/passwd', CON: 'CON', Amount: 1 },
  { Title: '<img src=x onerror="alert(2)">', Link: 'JaVaScRiPt:alert(document.cookie)', FileName: '..\\..\\Windows\\System32\\drivers\\etc\\hosts', CON: 'NUL.txt', Amount: -1 },
  { Title: 'evil\u202Etxt.exe', Link: 'https://example.invalid/\u202Egnp.exe', FileName: 'report\u202Efdp.bat', CON: 'LPT1', Amount: 0 },
  { Title: '"><svg onload=alert(4)>', Link: 'data:text/html,<script>alert(5)</script>', FileName: 'a/../../b\\..\\c', CON: 'COM1.csv', Amount: 1e308 },
  { Title: '=HYPERLINK("http://example.invalid","click")', Link: '//example.invalid', FileName: 'AUX', CON: 'PRN', Amount: Number.MIN_VALUE },
  { Title: "Robert'); DROP TABLE Students;--", Link: 'vbscript:msgbox(1)', FileName: 'con.json', CON: 'CON ', Amount: 42 },
  { Title: 'Huge cell row', Link: '', FileName: 'huge.txt', CON: 'clean', Amount: 7 },
  { Title: '${7*7} {{7*7}} <%= 7*7 %>', Link: '\u0000javascript:alert(8)', FileName: '\u0000null.txt', CON: 'NUL', Amount: null },
  { Title: 'Line\r\nBreak,"quoted",cell', Link: 'https://example.invalid/ok', FileName: 'normal.csv', CON: 'ok', Amount: 3.5 },
  { Title: '\u200F\u202Aembedded\u202C bidi \u2066isolates\u2069', Link: 'mailto:x@example.invalid', FileName: 'bidi\u202E.txt', CON: 'COM9', Amount: 9 },
];
/** Position (0-based) of the row whose Notes cell is HUGE_CELL_CHARS long. */
export const HUGE_CELL_ROW = 6;

// ---- hostile names: a title and field names that are attacks on their own ---------------------

/** A title with markup, a script, a bidi override and a path that climbs out of the folder. */
export const HOSTILE_NAMES_TITLE = '<b>Names</b> <script>window.__okcPwned="title"</script> \u202Egnp.exe ../../outside';
/** Field names an object inherits; JSON.parse makes them own keys, so does the fake. */
export const PROTOTYPE_FIELD_NAMES = ['__proto__', 'constructor', 'toString'];
/** Links a portal might put in a value or a description that must never be opened. */
export const UNSAFE_LINKS = ['command:workbench.action.terminal.new', 'vscode:extension/evil.publisher', 'file:///etc/passwd', 'data:text/html,<script>parent.__okcPwned=1</script>'];
const FORMULAS = ['=1+2', '+SUM(A1:A2)', '-2+3', '@SUM(A1)', '=HYPERLINK("http://example.invalid")', 'plain'];

/** A record with `name: value` pairs as own properties, `__proto__` included. */
export function ownRecord(pairs: [string, FakeValue][]): Record<string, FakeValue> {
  const out: Record<string, FakeValue> = {};
  for (const [name, value] of pairs) Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

function hostileNamesEntry(): CatalogEntry {
  const F = (name: string, type: string) => ({ name, type: `esriFieldType${type}`, alias: name });
  return {
    title: HOSTILE_NAMES_TITLE, legacyName: HOSTILE_NAMES_TITLE, itemId: 'bad1bad1bad1bad1bad1bad1bad1bad1', service: 'Testing_Names', layer: 0,
    topics: ['Testing'], updateInterval: null, maintainedBy: null, geometryType: 'point', rowCount: FORMULAS.length, maxRecordCount: 1000,
    fields: [F('OBJECTID', 'OID'), ...PROTOTYPE_FIELD_NAMES.map((n) => F(n, 'String')), F('Formula', 'String'), F('Link', 'String')],
    sample: {},
  };
}

function hostileNamesAttributes(oid: number): Record<string, FakeValue> {
  const i = (oid - 1) % FORMULAS.length;
  return ownRecord([
    ['OBJECTID', oid],
    ['__proto__', `proto-${oid}`],
    // One row lacks a value where an object has one by inheritance.
    ['constructor', i === 1 ? null : `ctor-${oid}`],
    ['toString', i === 2 ? '\u202Eevil' : `str-${oid}`],
    ['Formula', FORMULAS[i]],
    ['Link', UNSAFE_LINKS[i % UNSAFE_LINKS.length]],
  ]);
}

const HOSTILE_NAMES_DESCRIPTION =
  '<p>Field names that objects inherit. Links that must not open: ' +
  UNSAFE_LINKS.map((href, i) => `<a href="${htmlEscape(href)}">unsafe link ${i + 1}</a>`).join(' ') +
  ' <a href="https://example.invalid/safe">safe link</a></p>' +
  '<p>Before the drawing <svg><circle r="1"/><text>svg text</text></svg> after the drawing, \u202Ereversed.</p>';

function hostileEntry(): CatalogEntry {
  const F = (name: string, type: string, alias: string) => ({ name, type: `esriFieldType${type}`, alias });
  return {
    title: HOSTILE_TITLE, legacyName: HOSTILE_TITLE, itemId: 'bad0bad0bad0bad0bad0bad0bad0bad0', service: 'Testing', layer: 0,
    topics: ['Testing'], updateInterval: 'This dataset is updated <script>alert("freq")</script> never.',
    maintainedBy: 'This dataset is maintained by the <img src=x onerror=alert(1)> of the City of Oklahoma City.',
    geometryType: 'point', rowCount: HOSTILE_ROWS.length, maxRecordCount: 1000,
    fields: [F('OBJECTID', 'OID', 'OBJECTID'), F('Title', 'String', '<img src=x onerror=alert("alias")>'),
      F('Link', 'String', 'Link <script>alert(1)</script>'), F('Notes', 'String', 'Notes\u202Ereversed'),
      F('FileName', 'String', '../..\\File Name'), F('CON', 'String', 'CON'), F('Amount', 'Double', 'Amount')],
    sample: {},
  };
}

function hostileAttributes(oid: number): Record<string, FakeValue> {
  const base = HOSTILE_ROWS[(oid - 1) % HOSTILE_ROWS.length];
  const notes = oid - 1 === HUGE_CELL_ROW ? 'A'.repeat(HUGE_CELL_CHARS) : `<b>bold</b> <a href="javascript:alert(${oid})">link</a>`;
  return { OBJECTID: oid, Title: base.Title, Link: base.Link, Notes: notes, FileName: base.FileName, CON: base.CON, Amount: base.Amount };
}

// ---- hostile sizes: thousands of columns, a description of tens of megabytes ------------------

function wideEntry(): CatalogEntry {
  const fields = [{ name: 'OBJECTID', type: 'esriFieldTypeOID', alias: 'OBJECTID' }];
  for (let k = 1; k < WIDE_COLUMNS; k++) {
    const name = `C${String(k).padStart(4, '0')}`;
    fields.push({ name, type: k % 2 ? 'esriFieldTypeString' : 'esriFieldTypeDouble', alias: `Column ${k}` });
  }
  return {
    title: HOSTILE_WIDE_TITLE, legacyName: HOSTILE_WIDE_TITLE, itemId: 'bad2bad2bad2bad2bad2bad2bad2bad2', service: 'Testing_Wide', layer: 0,
    topics: ['Testing'], updateInterval: null, maintainedBy: null, geometryType: 'none', rowCount: 30, maxRecordCount: 1000, fields, sample: {},
  };
}

const wideRows = new Map<number, Record<string, FakeValue>>();
/** A wide row, built once: 5,000 values a row, read several times a query. */
function wideAttributes(oid: number): Record<string, FakeValue> {
  const known = wideRows.get(oid);
  if (known) return { ...known };
  const out: Record<string, FakeValue> = { OBJECTID: oid };
  for (let k = 1; k < WIDE_COLUMNS; k++) out[`C${String(k).padStart(4, '0')}`] = k % 2 ? `r${oid}c${k}` : oid * 10000 + k;
  wideRows.set(oid, out);
  return { ...out };
}

function longDescriptionEntry(): CatalogEntry {
  return {
    title: HOSTILE_LONG_DESCRIPTION_TITLE, legacyName: HOSTILE_LONG_DESCRIPTION_TITLE, itemId: 'bad3bad3bad3bad3bad3bad3bad3bad3', service: 'Testing_Long', layer: 0,
    topics: ['Testing'], updateInterval: null, maintainedBy: null, geometryType: 'none', rowCount: 5, maxRecordCount: 1000,
    fields: [{ name: 'OBJECTID', type: 'esriFieldTypeOID', alias: 'OBJECTID' }, { name: 'Name', type: 'esriFieldTypeString', alias: 'Name' }], sample: {},
  };
}

let longDescription: string | undefined;
/** LONG_DESCRIPTION_CHARS of paragraphs between LONG_DESCRIPTION_HEAD and LONG_DESCRIPTION_TAIL. */
function longLayerDescription(): string {
  if (longDescription) return longDescription;
  const head = `<p>${LONG_DESCRIPTION_HEAD}</p>`;
  const tail = `<p>${LONG_DESCRIPTION_TAIL}</p>`;
  const paragraph = '<p>A paragraph of a very long layer description, repeated. </p>';
  const body = paragraph.repeat(Math.ceil((LONG_DESCRIPTION_CHARS - head.length - tail.length) / paragraph.length));
  longDescription = head + body.slice(0, LONG_DESCRIPTION_CHARS - head.length - tail.length) + tail;
  return longDescription;
}

/** An old-server layer as a catalog entry; its geometry comes from oldServer.ts. */
function oldServerEntry(old: OldServerEntry): CatalogEntry {
  return {
    title: old.title, legacyName: old.title, itemId: old.itemId, service: OLD_SERVER_SERVICE, layer: old.layer,
    topics: [OLD_SERVER_GROUP], updateInterval: 'This dataset is updated on an as needed basis.',
    maintainedBy: 'This dataset is maintained by the Public Works Department of the City of Oklahoma City.',
    geometryType: old.shape === 'point' ? 'point' : old.shape === 'multiline' ? 'polyline' : old.shape === 'polygon-holes' ? 'polygon' : 'point',
    rowCount: old.rowCount, maxRecordCount: 1000, fields: old.fields, sample: {},
  };
}

// ---- assembling datasets --------------------------------------------------------------------

interface MutableState {
  ids: Int32Array | null;
  baseCount: number;
  oidStart: number;
  nextOid: number;
  versions: Map<number, number>;
  modifiedMs: number;
}

function createDataset(entry: CatalogEntry, seed: number, issuedMs: number, modifiedMs: number,
  special?: 'big' | 'hostile' | 'names' | 'wide' | 'longDescription' | OldServerEntry): FakeDataset & { _state: MutableState } {
  const old = typeof special === 'object' ? special : undefined;
  const dsHash = hashString(entry.itemId + ':' + entry.layer);
  const oidStart = entry.oidStart ?? 1;
  const state: MutableState = {
    ids: null, baseCount: entry.rowCount, oidStart, nextOid: oidStart + entry.rowCount, versions: new Map(), modifiedMs,
  };
  const fields: FakeField[] = entry.fields.map((f) => ({
    name: f.name, type: f.type, alias: f.alias,
    ...(FIELD_LENGTH[f.type] ? { length: f.name === 'Notes' && special === 'hostile' ? 2147483647 : FIELD_LENGTH[f.type] } : {}),
  }));
  const oidField = fields.find((f) => f.type === 'esriFieldTypeOID')?.name ?? 'OBJECTID';
  const geometryMaker: GeometryMaker = old ? (oid, rand) => oldServerGeometry(old.shape, oid, rand) : makeGeometryMaker(entry, entry.rowCount, oidStart);
  const randFor = (oid: number, version = 0): Rand => rowRand(seed, dsHash, oid, version);
  const geometryOf = (oid: number): GeoJsonGeometry | null => geometryMaker(oid, randFor(oid));
  const attributeMaker: AttributeMaker =
    special === 'big' ? bigAttributes : special === 'hostile' ? (oid) => hostileAttributes(oid)
      : special === 'names' ? (oid) => hostileNamesAttributes(oid)
        : special === 'wide' ? (oid) => wideAttributes(oid)
          : special === 'longDescription' ? (oid) => ({ OBJECTID: oid, Name: `Row ${oid}` })
            : buildAttributeMaker(entry, fields, oidField, oidStart, geometryOf);
  const attributesOf = (oid: number): Record<string, FakeValue> => {
    const version = state.versions.get(oid) ?? 0;
    return attributeMaker(oid, randFor(oid, version), version);
  };
  const geometryType: EsriGeometryType | null =
    old ? esriTypeOf(old.shape) : entry.geometryType === 'none' ? null
      : entry.geometryType === 'point' ? 'esriGeometryPoint'
        : entry.geometryType === 'polyline' ? 'esriGeometryPolyline' : 'esriGeometryPolygon';
  const department = departmentOf(entry.maintainedBy);
  const groups = entry.topics.length ? entry.topics : ['Government'];
  const updateFrequency = entry.updateInterval ?? 'This dataset is updated on an as needed basis.';
  const maintained = entry.maintainedBy ?? 'This dataset is maintained by the City of Oklahoma City.';
  const legacyFields = entry.legacyFields
    ? entry.legacyFields.map(([name, type, source]) => ({ name, type, source }))
    : defaultLegacyFields(fields, geometryType !== null);
  const extent: [number, number, number, number] =
    geometryType === null ? [0, 0, 0, 0] : [BBOX.west - 0.01, BBOX.south - 0.01, BBOX.east + 0.01, BBOX.north + 0.01];
  if (entry.title === 'School District Boundaries') extent.splice(0, 4, -98.05, 35.15, -97.0, 35.8);
  const indexOfOid = (oid: number): number => {
    if (!state.ids) {
      const i = oid - state.oidStart;
      return i >= 0 && i < state.baseCount ? i : -1;
    }
    let lo = 0;
    let hi = state.ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = state.ids[mid];
      if (v === oid) return mid;
      if (v < oid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  const oidAt = (i: number): number => (state.ids ? state.ids[i] : state.oidStart + i);
  const hubId = `${entry.itemId}_${entry.layer}`;
  const description =
    special === 'names' ? HOSTILE_NAMES_DESCRIPTION
      // The catalog entry says nothing; the layer's own metadata carries the 50 MB.
      : special === 'longDescription' ? ''
      : special === 'hostile'
      ? '<p>Hostile values for security tests: <script>alert("desc")</script><img src=x onerror=alert(1)>' +
        ' <a href="javascript:alert(2)">click me</a> \u202Etxt.exe</p>'
      : `<p>${htmlEscape(entry.title)} in the City of Oklahoma City.</p><p>${htmlEscape(updateFrequency)}</p><p>${htmlEscape(maintained)}</p>`;
  const ds: FakeDataset & { _state: MutableState } = {
    _state: state,
    itemId: entry.itemId,
    layer: entry.layer,
    service: entry.service,
    title: entry.title,
    legacyName: entry.legacyName,
    groups,
    keywords: special === 'hostile'
      ? ['Testing', '<script>alert("kw")</script>', 'javascript:alert(1)', '\u202Eevil']
      : [...new Set([...groups, entry.service.replace(/_/g, ' '), 'Oklahoma City', 'OKC'])],
    description,
    legacyDescription: special === 'hostile' ? description : `${entry.title} in the City of Oklahoma City. ${updateFrequency}`,
    license: hashString(entry.title) % 9 === 0 ? '' : LICENSE_HTML,
    updateFrequency,
    contact: special === 'hostile'
      ? { name: '\u202EtseT <b>Dept</b>', email: 'javascript:alert(1)//@example.invalid' }
      : { name: department, email: 'opendata@okc.gov' },
    publisher: 'City of Oklahoma City',
    issued: isoMs(issuedMs),
    get modified() {
      return isoMs(state.modifiedMs);
    },
    geometryType,
    fields,
    objectIdField: oidField,
    maxRecordCount: entry.maxRecordCount,
    serverProfile: old ? 'old' : 'current',
    legacyFields,
    legacyDateStyle: entry.title === 'Survey Primary Control Points' || entry.title === 'Heat Vulnerability Study 2020' ? 'sql' : 'mdy',
    extent,
    hubId,
    layerPath: `/usrsvcs/servers/${entry.itemId}/rest/services/OpenData/${entry.service}/FeatureServer/${entry.layer}`,
    get rowCount() {
      return state.ids ? state.ids.length : state.baseCount;
    },
    get lastEditDate() {
      return state.modifiedMs;
    },
    oidAt,
    indexOfOid,
    attributesAt: (i) => attributesOf(oidAt(i)),
    ...(special === 'big'
      ? {
        valueAt: (i: number, field: string) => {
          const oid = oidAt(i);
          const version = state.versions.get(oid) ?? 0;
          return bigValue(oid, randFor(oid, version), version, field);
        },
      }
      : {}),
    geometryAt: (i) => geometryOf(oidAt(i)),
    rowAt: (i) => {
      const oid = oidAt(i);
      return { attributes: attributesOf(oid), geometry: geometryOf(oid) };
    },
    rowByOid: (oid) => (indexOfOid(oid) < 0 ? undefined : { attributes: attributesOf(oid), geometry: geometryOf(oid) }),
  };
  // A getter, not a value: the 50 MB are built only when the layer is asked for.
  if (special === 'longDescription') Object.defineProperty(ds, 'layerDescription', { get: longLayerDescription, enumerable: false });
  return ds;
}

export interface CatalogOptions {
  seed?: number;
  bigRows?: number;
}

export function createCatalog(options: CatalogOptions = {}): FakeCatalog {
  const seed = (options.seed ?? 1) >>> 0;
  const entries = (catalogJson as unknown as { datasets: CatalogEntry[] }).datasets;
  const datasets: (FakeDataset & { _state: MutableState })[] = [];
  const dates = (title: string): [number, number] => {
    const h = hashString(`${seed}:${title}`);
    const issued = CITY_EPOCH + (h % (4 * 365)) * DAY + (h % 86400) * 1000;
    const modified = Date.UTC(2026, 0, 1) + (mix(h) % (200 * 86400)) * 1000 * 1;
    return [issued, modified];
  };
  for (const entry of entries) datasets.push(createDataset(entry, seed, ...dates(entry.title)));
  datasets.push(createDataset(bigEntry(options.bigRows ?? 1_000_000), seed, ...dates(BIG_TITLE), 'big'));
  datasets.push(createDataset(hostileEntry(), seed, ...dates(HOSTILE_TITLE), 'hostile'));
  datasets.push(createDataset(hostileNamesEntry(), seed, ...dates(HOSTILE_NAMES_TITLE), 'names'));
  datasets.push(createDataset(wideEntry(), seed, ...dates(HOSTILE_WIDE_TITLE), 'wide'));
  datasets.push(createDataset(longDescriptionEntry(), seed, ...dates(HOSTILE_LONG_DESCRIPTION_TITLE), 'longDescription'));
  for (const old of OLD_SERVER_ENTRIES) datasets.push(createDataset(oldServerEntry(old), seed, ...dates(old.title), old));
  let version = 0;

  const byItemId = (itemId: string, layer?: number) =>
    datasets.find((d) => d.itemId === itemId.toLowerCase() && (layer === undefined || d.layer === layer));
  const byLegacyName = (name: string) => {
    const lower = name.trim().toLowerCase();
    return datasets.find((d) => d.legacyName.toLowerCase() === lower);
  };
  const byTitle = (title: string) => {
    const lower = title.toLowerCase();
    return datasets.find((d) => d.title.toLowerCase() === lower);
  };
  const find = (idOrName: string) => {
    const m = /^([0-9a-f]{32})(?:_(\d+))?$/i.exec(idOrName);
    if (m) return byItemId(m[1], m[2] === undefined ? undefined : Number(m[2]));
    return byTitle(idOrName) ?? byLegacyName(idOrName);
  };

  return {
    seed,
    datasets,
    find,
    byItemId,
    byLayer: (service, layer) => datasets.find((d) => d.service.toLowerCase() === service.toLowerCase() && d.layer === layer),
    byLegacyName,
    byTitle,
    get version() {
      return version;
    },
    lastModified: () => Math.max(...datasets.map((d) => d.lastEditDate)),
    mutate(idOrName, change) {
      const ds = datasets.find((d) => d === find(idOrName));
      if (!ds) throw new Error(`No dataset ${idOrName}`);
      const st = ds._state;
      let ids: number[] = st.ids ? Array.from(st.ids) : Array.from({ length: st.baseCount }, (_, i) => st.oidStart + i);
      if (change.remove?.length) {
        const gone = new Set(change.remove);
        ids = ids.filter((oid) => !gone.has(oid));
      }
      for (let k = 0; k < (change.add ?? 0); k++) ids.push(st.nextOid++);
      for (const oid of change.change ?? []) st.versions.set(oid, (st.versions.get(oid) ?? 0) + 1);
      st.ids = Int32Array.from(ids);
      // Last-Modified has one-second resolution: always move by at least a second.
      st.modifiedMs = Math.max(Date.now(), st.modifiedMs + 1000);
      version++;
      return ds;
    },
  };
}

/** The "lat,lon,N" text the legacy portal uses for Shape. */
export function legacyShape(ds: FakeDataset, oid: number, g: GeoJsonGeometry | null): string {
  if (!g) return 'Not Available';
  const [lon, lat] = representativePoint(g);
  let zoom = 19;
  if (g.type !== 'Point') {
    const real = ds.title === 'School District Boundaries' ? schoolZoom(ds, oid) : undefined;
    zoom = real ?? 12 + (hashString(`${ds.itemId}:${oid}`) % 6);
  }
  return `${lat.toFixed(5)},${lon.toFixed(5)},${zoom}`;
}

function schoolZoom(ds: FakeDataset, oid: number): number | undefined {
  const entry = (catalogJson as unknown as { datasets: CatalogEntry[] }).datasets.find((e) => e.title === ds.title);
  const row = entry?.realRows?.[oid - 1];
  return row ? (row[4] as number) : undefined;
}
