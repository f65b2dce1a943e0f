// An in-memory Portal for the save tests and the benchmark: rows come from a generator,
// pages can fail or be slowed on demand, and every call is recorded.

import type { DataRow, DatasetSchema, DatasetSummary, Portal, PortalConfig, RowPage } from '../../../src/portal/types';
import type { DatasetQuery } from '../../../src/query/model';

export interface MemoryPortalOptions {
  total: number;
  row?: (index: number) => DataRow;
  schema?: DatasetSchema;
  config?: Partial<PortalConfig>;
  /** Throw for the page starting at this offset (once per call). */
  failAt?: (offset: number) => Error | undefined;
  /** Delay in ms before a page answers; lets tests make pages finish out of order. */
  delayMs?: (offset: number) => number;
  /** Caps every page like an ArcGIS maxRecordCount the client was not told about. */
  serverPageCap?: number;
  /** Overrides what countRows answers (the n-th call, 0-based). */
  count?: (call: number) => number;
}

export const SAMPLE_SCHEMA: DatasetSchema = {
  fields: [
    { name: 'OBJECTID', kind: 'oid', nativeType: 'esriFieldTypeOID' },
    { name: 'Name', kind: 'string', nativeType: 'esriFieldTypeString' },
    { name: 'Units', kind: 'integer', nativeType: 'esriFieldTypeInteger' },
    { name: 'Ratio', kind: 'double', nativeType: 'esriFieldTypeDouble' },
    { name: 'Reported', kind: 'date', nativeType: 'esriFieldTypeDate' },
    { name: 'Permit_Date', kind: 'date', nativeType: 'System.DateTime' },
    { name: 'Shape', kind: 'geometry', nativeType: 'esriFieldTypeGeometry' },
  ],
  objectIdField: 'OBJECTID',
  geometry: 'point',
  maxRecordCount: 2000,
};

const TRICKY_NAMES = [
  'Fire Station 1',
  'Comma, "quoted" name',
  'Line\nbreak and\r\nCRLF',
  'Ünïcödé – Ōklahoma 🚒',
  '=HYPERLINK("http://x")',
  ' leading and trailing ',
  '',
];

const LEGACY_DATES = ['Apr 11, 2023', 'Jan 05 2024 04:12PM', 'not a date', ''];

/** A row with awkward values: separators, quotes, newlines, non-ASCII, nulls, both date kinds. */
export function sampleRow(index: number): DataRow {
  return {
    attributes: {
      OBJECTID: index + 1,
      Name: index % 11 === 10 ? null : TRICKY_NAMES[index % TRICKY_NAMES.length],
      Units: index % 5 === 4 ? null : index * 3 - 7,
      Ratio: index / 7,
      Reported: index % 9 === 8 ? null : Date.UTC(2020, 0, 1) + index * 3_600_000,
      Permit_Date: LEGACY_DATES[index % LEGACY_DATES.length] || null,
    },
    geometry: index % 13 === 12 ? null : { type: 'Point', coordinates: [-97.5 + index / 1e5, 35.4 + index / 1e5] },
  };
}

export const SAMPLE_DATASET: DatasetSummary = {
  portal: 'Test portal',
  id: 'abc123_4',
  title: 'Fire Stations',
  description: 'Stations',
  groups: ['Public Safety'],
  keywords: [],
  license: 'CC-BY-4.0',
  landingPage: 'https://hub.example/datasets/abc123_4',
  apiUrl: 'https://utility.example/usrsvcs/servers/abc123/rest/services/OpenData/Public_Safety/FeatureServer/4?token=SECRET-TOKEN',
  downloads: [],
  geometry: 'point',
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class MemoryPortal implements Portal {
  readonly config: PortalConfig;
  readonly pageCalls: { offset: number; count: number }[] = [];
  countCalls = 0;
  inFlight = 0;
  maxInFlight = 0;
  total: number;
  row: (index: number) => DataRow;

  constructor(private readonly options: MemoryPortalOptions) {
    this.total = options.total;
    this.row = options.row ?? sampleRow;
    this.config = { name: 'Test portal', kind: 'hub', url: 'https://hub.example', ...options.config };
  }

  async listDatasets(): Promise<DatasetSummary[]> {
    return [SAMPLE_DATASET];
  }

  async getSchema(): Promise<DatasetSchema> {
    return this.options.schema ?? SAMPLE_SCHEMA;
  }

  async queryPage(_dataset: DatasetSummary, query: DatasetQuery, offset: number, count: number, signal?: AbortSignal): Promise<RowPage> {
    this.pageCalls.push({ offset, count });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const delay = this.options.delayMs?.(offset) ?? 0;
      if (delay) await sleep(delay, signal);
      else await Promise.resolve();
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const failure = this.options.failAt?.(offset);
      if (failure) throw failure;
      const cap = Math.min(count, this.options.serverPageCap ?? count);
      const end = Math.min(this.total, offset + cap);
      const rows: DataRow[] = [];
      for (let i = offset; i < end; i++) {
        const row = this.row(i);
        rows.push(query.returnGeometry ? row : { attributes: row.attributes });
      }
      return { rows, more: end < this.total };
    } finally {
      this.inFlight--;
    }
  }

  async countRows(): Promise<number> {
    const call = this.countCalls++;
    return this.options.count?.(call) ?? this.total;
  }

  queryUrl(dataset: DatasetSummary): string {
    return `${dataset.apiUrl?.replace(/\?.*$/, '')}/query?where=1%3D1&outFields=*&f=json&token=SECRET-TOKEN`;
  }

  feedbackUrl(dataset: DatasetSummary): string {
    return `${dataset.landingPage}/about`;
  }
}

/** Collects bytes written through an ExportSink. */
export class MemorySink {
  readonly chunks: Uint8Array[] = [];
  async write(chunk: Uint8Array): Promise<void> {
    // Copied: the exporter may reuse the chunk's memory once this write settles.
    this.chunks.push(chunk.slice());
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
