// How one grid cell reads: epoch-millisecond dates (ArcGIS) and the legacy portal's date
// strings as dates, numbers right-aligned, nulls and "Not Available" as missing. Pure: the
// unit tests run it in Node.

import type { GridCell, GridColumn } from '../../protocol';

export interface FormattedCell {
  text: string;
  /** Space-separated classes: `number`, `date`, `missing`, `cut`. */
  className: string;
}

const MISSING_TEXT = new Set(['not available', 'n/a', 'null']);
const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

export function isMissing(value: GridCell): boolean {
  return value === null || value === '' || (typeof value === 'string' && MISSING_TEXT.has(value.trim().toLowerCase()));
}

/** `"Apr 11, 2023"`, `"Jan 05 2024 04:12PM"`, `"2024-01-05T16:12:00"`, `"01/05/2024"` to epoch ms (UTC); undefined when it is no date. */
export function parseLegacyDate(text: string): number | undefined {
  const t = text.trim();
  let m = /^([A-Za-z]{3})[a-z]*\.? +(\d{1,2}),? +(\d{4})(?: +(\d{1,2}):(\d{2})(?::(\d{2}))? *([AP]M)?)?$/i.exec(t);
  if (m) {
    const month = MONTHS[m[1].toLowerCase()];
    if (month === undefined) return undefined;
    return utc(Number(m[3]), month, Number(m[2]), m[4], m[5], m[6], m[7]);
  }
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: +(\d{1,2}):(\d{2})(?::(\d{2}))? *([AP]M)?)?$/i.exec(t);
  if (m) return utc(Number(m[3]), Number(m[1]) - 1, Number(m[2]), m[4], m[5], m[6], m[7]);
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?Z?)?$/.exec(t);
  if (m) return utc(Number(m[1]), Number(m[2]) - 1, Number(m[3]), m[4], m[5], m[6], undefined);
  return undefined;
}

function utc(year: number, month: number, day: number, h?: string, min?: string, s?: string, ampm?: string): number | undefined {
  let hours = h ? Number(h) : 0;
  if (ampm) {
    if (hours < 1 || hours > 12) return undefined;
    hours = (hours % 12) + (ampm.toUpperCase() === 'PM' ? 12 : 0);
  }
  const ms = Date.UTC(year, month, day, hours, min ? Number(min) : 0, s ? Number(s) : 0);
  const check = new Date(ms);
  // Reject 31 Feb and friends rather than let Date roll them over.
  return check.getUTCMonth() === month && check.getUTCDate() === day && hours < 24 ? ms : undefined;
}

/** `YYYY-MM-DD`, with ` HH:MM[:SS]` when the time is not midnight (UTC: ArcGIS stores UTC). */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const iso = d.toISOString();
  const year = d.getUTCFullYear();
  const date = year >= 0 && year <= 9999 ? iso.slice(0, 10) : iso.slice(0, iso.indexOf('T'));
  const time = iso.slice(11, 19);
  if (time === '00:00:00') return date;
  return `${date} ${time.endsWith(':00') ? time.slice(0, 5) : time}`;
}

export class CellFormatter {
  private readonly numbers: Intl.NumberFormat;

  constructor(
    locale: string,
    private readonly missingWord: string,
  ) {
    let format: Intl.NumberFormat;
    try {
      format = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });
    } catch {
      format = new Intl.NumberFormat('en', { maximumFractionDigits: 6 });
    }
    this.numbers = format;
  }

  format(value: GridCell, column: GridColumn, cut = false): FormattedCell {
    const suffix = cut ? ' cut' : '';
    if (isMissing(value)) return { text: this.missingWord, className: `missing${suffix}` };
    switch (column.kind) {
      case 'date': {
        const ms = typeof value === 'number' ? value : typeof value === 'string' ? parseLegacyDate(value) : undefined;
        return ms === undefined ? { text: String(value), className: `date${suffix}` } : { text: formatDate(ms), className: `date${suffix}` };
      }
      case 'integer':
      case 'double':
        return typeof value === 'number' ? { text: this.numbers.format(value), className: `number${suffix}` } : { text: String(value), className: `number${suffix}` };
      case 'oid':
        return { text: String(value), className: `number${suffix}` };
      case 'text':
        // CSV cells are text; numbers still line up on the right.
        return { text: String(value), className: `${/^[-+]?(\d+([.,]\d+)*|\d*\.\d+)([eE][-+]?\d+)?$/.test(String(value).trim()) ? 'number' : 'text'}${suffix}` };
      default:
        return { text: String(value), className: `text${suffix}` };
    }
  }
}
