// Which columns a saved file has and how each cell is typed: numbers stay numbers, esri
// epoch-ms dates and the legacy portal's "Apr 11, 2023" strings become ISO 8601. Pure.

import { cellReader, setCell } from '../portal/cells';
import type { DataRow, DatasetSchema, CellValue, DatasetField, GeoJsonGeometry } from '../portal/types';
import type { DatasetQuery } from '../query/model';

export type SaveFormat = 'csv' | 'json' | 'geojson' | 'ndjson';

export const SAVE_FORMATS: readonly SaveFormat[] = ['csv', 'json', 'geojson', 'ndjson'];

export function extensionFor(format: SaveFormat): string {
  return format;
}

/** A typed value as written to JSON; CSV writes its text form. */
export type SavedValue = string | number | boolean | null;

export interface Column {
  name: string;
  kind: DatasetField['kind'];
}

/** How geometry travels in a row-shaped format (CSV, JSON, NDJSON). */
export type GeometryColumns = 'none' | 'lonlat' | 'geojson';

export interface ColumnPlan {
  columns: Column[];
  geometry: GeometryColumns;
  /** Names of the extra geometry columns, chosen not to clash with the dataset's fields. */
  longitudeName: string;
  latitudeName: string;
  geometryName: string;
  objectIdField?: string;
}

function freeName(wanted: string, taken: Set<string>): string {
  let name = wanted;
  while (taken.has(name.toLowerCase())) name = `_${name}`;
  return name;
}

/** Whether the saved file should carry geometry. GeoJSON always does; other formats only
 * when the query asks (DatasetQuery.returnGeometry defaults to GeoJSON only). */
export function wantsGeometry(format: SaveFormat, query: DatasetQuery, schema: DatasetSchema): boolean {
  if (schema.geometry === 'none') return false;
  return format === 'geojson' || query.returnGeometry === true;
}

export function planColumns(format: SaveFormat, schema: DatasetSchema, query: DatasetQuery): ColumnPlan {
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  const requested = query.fields?.length ? query.fields : undefined;
  const columns: Column[] = requested
    ? requested.map((name) => ({ name, kind: byName.get(name)?.kind ?? 'other' }))
    : // Geometry fields (legacy `Shape`) travel as the row's geometry, not as an attribute.
      schema.fields.filter((f) => f.kind !== 'geometry').map((f) => ({ name: f.name, kind: f.kind }));
  const taken = new Set(columns.map((c) => c.name.toLowerCase()));
  let geometry: GeometryColumns = 'none';
  if (format !== 'geojson' && wantsGeometry(format, query, schema)) {
    geometry = schema.geometry === 'point' ? 'lonlat' : 'geojson';
  }
  return {
    columns,
    geometry,
    longitudeName: freeName('longitude', taken),
    latitudeName: freeName('latitude', taken),
    geometryName: freeName('geometry', taken),
    objectIdField: schema.objectIdField,
  };
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO 8601 for the date strings the portals are known to send. Times without a zone stay
 * local (no `Z`): the portal gives city time and we must not invent an offset. */
function isoFromParts(year: number, month: number, day: number, time?: { h: number; m: number; s: number }): string | undefined {
  if (!validDay(year, month, day)) return undefined;
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (!time) return date;
  if (time.h > 23 || time.m > 59 || time.s > 59) return undefined;
  return `${date}T${pad(time.h)}:${pad(time.m)}:${pad(time.s)}`;
}

function clock(hours: string | undefined, minutes: string | undefined, seconds: string | undefined, meridiem: string | undefined) {
  if (hours === undefined) return undefined;
  let h = Number(hours);
  const m = Number(minutes ?? 0);
  const s = Number(seconds ?? 0);
  if (meridiem) {
    if (h < 1 || h > 12) return { h: 99, m, s };
    const pm = meridiem.toLowerCase() === 'pm';
    h = (h % 12) + (pm ? 12 : 0);
  }
  return { h, m, s };
}

const TIME = String.raw`(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([AaPp][Mm])?)?`;
// "Apr 11, 2023", "Jan 05 2024 04:12PM", "April 11 2023 4:12 PM"
const MONTH_NAME_DATE = new RegExp(String.raw`^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})${TIME}$`);
// "04/11/2023", "4/11/2023 4:12:00 PM"
const US_DATE = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${TIME}$`);
// Already ISO (or close to it): normalised through Date only when it carries a zone.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** ISO 8601 for a date string, or undefined when it is not a form we recognise. */
export function parseDateString(text: string): string | undefined {
  const value = text.trim();
  let match = MONTH_NAME_DATE.exec(value);
  if (match) {
    const name = match[1].toLowerCase();
    const month = MONTHS[name.slice(0, 3)];
    if (!month || !MONTH_NAMES[month - 1].startsWith(name)) return undefined;
    return isoFromParts(Number(match[3]), month, Number(match[2]), clock(match[4], match[5], match[6], match[7]));
  }
  match = US_DATE.exec(value);
  if (match) {
    return isoFromParts(Number(match[3]), Number(match[1]), Number(match[2]), clock(match[4], match[5], match[6], match[7]));
  }
  match = ISO_DATE.exec(value);
  if (match) {
    if (!match[1]) return value.replace(' ', 'T');
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  }
  return undefined;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
const YEAR_0_MS = -62167219200000;
const YEAR_10000_MS = 253402300800000;

/** UTC year, month, day, hours, minutes, seconds and milliseconds of an epoch-ms instant,
 * by arithmetic; filled into `into` (7 slots). False outside years 0-9999 or for a
 * fractional instant, where Date's own formatting must be used. */
export function utcPartsOf(ms: number, into: Int32Array): boolean {
  if (!Number.isInteger(ms) || ms < YEAR_0_MS || ms >= YEAR_10000_MS) return false;
  const days = Math.floor(ms / 86400000);
  // Below a day's milliseconds everything fits int32, where division is cheapest.
  let rest = (ms - days * 86400000) | 0;
  const hours = (rest / 3600000) | 0;
  rest -= hours * 3600000;
  const minutes = (rest / 60000) | 0;
  rest -= minutes * 60000;
  const seconds = (rest / 1000) | 0;
  // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  into[0] = yoe + era * 400 + (month <= 2 ? 1 : 0);
  into[1] = month;
  into[2] = doy - Math.floor((153 * mp + 2) / 5) + 1;
  into[3] = hours;
  into[4] = minutes;
  into[5] = seconds;
  into[6] = rest - seconds * 1000;
  return true;
}

const parts = new Int32Array(7);

/** ISO 8601 (UTC, as Date#toISOString) for an esri epoch-milliseconds date; undefined outside
 * Date's range. Years 0-9999 are formatted by arithmetic: a save formats millions of dates
 * and toISOString was the encoder's largest single cost. */
export function isoFromEpochMs(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  if (!utcPartsOf(ms, parts)) {
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  const [year, month, day, hours, minutes, seconds, millis] = parts;
  const y = year < 1000 ? String(year).padStart(4, '0') : String(year);
  return `${y}-${pad2(month)}-${pad2(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(millis)}Z`;
}

/** The value a cell is saved as, typed by its column's kind. Unparseable values are kept
 * as they came rather than dropped: a saved file must not lose data. */
export function typedValue(value: CellValue | undefined, kind: Column['kind']): SavedValue {
  if (value === undefined || value === null) return null;
  switch (kind) {
    case 'date':
      if (typeof value === 'number') return isoFromEpochMs(value) ?? value;
      if (typeof value === 'string') {
        if (value.trim() === '') return null;
        if (/^-?\d{10,}$/.test(value.trim())) return isoFromEpochMs(Number(value)) ?? value;
        return parseDateString(value) ?? value;
      }
      return value;
    case 'integer':
    case 'double':
    case 'oid':
      if (typeof value === 'string') {
        const trimmed = value.trim();
        if (trimmed === '') return null;
        const n = Number(trimmed);
        return Number.isFinite(n) ? n : value;
      }
      return value;
    default:
      return value;
  }
}

/** Text of a saved value in a CSV cell. */
export function cellText(value: SavedValue): string {
  if (value === null) return '';
  return typeof value === 'string' ? value : String(value);
}

/** typedValue for one column kind, with the common cases first: the encoders run it for
 * every cell of every row. Same result as typedValue(value, kind). */
export function typedValueFor(kind: Column['kind']): (value: CellValue | undefined) => SavedValue {
  switch (kind) {
    case 'date':
      return (value) => (typeof value === 'number' ? (isoFromEpochMs(value) ?? value) : typedValue(value, kind));
    case 'integer':
    case 'double':
    case 'oid':
      return (value) => (typeof value === 'number' ? value : typedValue(value, kind));
    default:
      return (value) => (value === undefined ? null : value);
  }
}

/** A function from a row to its object of typed values (JSON, NDJSON, GeoJSON properties),
 * with each column's reader and typing chosen once: a save builds millions of these, and
 * looking each up per cell was most of a GeoJSON record's cost after JSON.stringify. */
export function rowObjectBuilder(plan: ColumnPlan, withGeometry: boolean): (row: DataRow) => Record<string, unknown> {
  const names = plan.columns.map((c) => c.name);
  const readers = names.map((name) => cellReader<CellValue>(name));
  const typed = plan.columns.map((c) => typedValueFor(c.kind));
  // Plain assignment would set the prototype of the object instead of a field named so.
  const assign = names.includes('__proto__') ? setCell : (out: Record<string, unknown>, name: string, value: unknown) => { out[name] = value; };
  const geometry = withGeometry ? plan.geometry : 'none';
  return (row) => {
    const out: Record<string, unknown> = {};
    const attributes = row.attributes;
    for (let c = 0; c < names.length; c++) assign(out, names[c], typed[c](readers[c](attributes)));
    if (geometry === 'lonlat') {
      const [lon, lat] = pointOf(row);
      out[plan.longitudeName] = lon;
      out[plan.latitudeName] = lat;
    } else if (geometry === 'geojson') {
      out[plan.geometryName] = row.geometry ?? null;
    }
    return out;
  };
}

/** The row as an object of typed values (JSON, NDJSON, GeoJSON properties). */
export function rowObject(row: DataRow, plan: ColumnPlan, withGeometry: boolean): Record<string, unknown> {
  return rowObjectBuilder(plan, withGeometry)(row);
}

/** Longitude and latitude of a point row, nulls when it has no point. */
export function pointOf(row: DataRow): [number | null, number | null] {
  const g = row.geometry;
  if (g && g.type === 'Point' && Array.isArray(g.coordinates)) {
    const [lon, lat] = g.coordinates as number[];
    return [typeof lon === 'number' ? lon : null, typeof lat === 'number' ? lat : null];
  }
  return [null, null];
}

/** Throws when a coordinate cannot be longitude/latitude: GeoJSON (RFC 7946) is WGS84 only
 * and a state-plane layer (OKC's wkid 103512, in feet) must not be saved as if it were. */
export function assertWgs84(geometry: GeoJsonGeometry): void {
  let position: unknown = geometry.coordinates;
  while (Array.isArray(position) && Array.isArray(position[0])) position = position[0];
  if (!Array.isArray(position) || position.length < 2) return;
  const [x, y] = position as number[];
  if (Math.abs(x) > 180 || Math.abs(y) > 90) {
    throw new Error(`Geometry is not in WGS84 (first coordinate ${x}, ${y}); GeoJSON needs longitude/latitude.`);
  }
}
