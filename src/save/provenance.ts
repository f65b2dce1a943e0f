// The provenance sidecar `<data file>.okc.json`: where a saved file came from (portal,
// dataset, query, token-free API URL, license, time, schema) and its sha256, so it can be
// cited, checked and refreshed. Pure.

import type { DatasetSchema, DatasetSummary, Portal, PortalKind } from '../portal/types';
import type { DatasetQuery } from '../query/model';
import { redactUrl } from '../portal/errors';
import { SaveError } from './export';
import { SAVE_FORMATS, type SaveFormat } from './values';

export const SIDECAR_SUFFIX = '.okc.json';
export const SIDECAR_VERSION = 1;

export interface ProvenanceSidecar {
  /** Marks the file as ours and versions its shape. */
  okcOpenDataProvenance: typeof SIDECAR_VERSION;
  portal: { name: string; kind: PortalKind; url: string };
  dataset: {
    id: string;
    title: string;
    landingPage?: string;
    apiUrl?: string;
    publisher?: string;
    updateFrequency?: string;
  };
  query: DatasetQuery;
  /** URL of the query's first page, never with a token. */
  apiUrl: string;
  license?: string;
  /** ISO 8601, UTC. */
  retrievedAt: string;
  rows: number;
  format: SaveFormat;
  /** Name of the data file beside this sidecar. */
  dataFile: string;
  sha256: string;
  bytes: number;
  schema: Pick<DatasetSchema, 'fields' | 'objectIdField' | 'geometry' | 'lastEdit' | 'copyright'>;
}

// Query parameters that carry credentials on ArcGIS and similar APIs.
const SECRET_PARAM = /^(token|access_token|api_?key|apikey|key|sig|signature|password|secret|auth|authorization|client_secret)$/i;

/** The URL without credentials: secret query parameters and user:password are removed,
 * not masked, so the sidecar can be shared. */
export function stripCredentials(url: string | undefined): string | undefined {
  if (!url) return url;
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const name of [...parsed.searchParams.keys()]) {
      if (SECRET_PARAM.test(name)) parsed.searchParams.delete(name);
    }
    return parsed.toString();
  } catch {
    // Not absolute: still make sure no token survives.
    return redactUrl(url);
  }
}

export function sidecarPathFor(dataPath: string): string {
  return `${dataPath}${SIDECAR_SUFFIX}`;
}

export interface SidecarInput {
  portal: Portal;
  dataset: DatasetSummary;
  schema: DatasetSchema;
  query: DatasetQuery;
  format: SaveFormat;
  dataFile: string;
  rows: number;
  sha256: string;
  bytes: number;
  retrievedAt: Date;
}

export function buildSidecar(input: SidecarInput): ProvenanceSidecar {
  const { portal, dataset, schema } = input;
  return {
    okcOpenDataProvenance: SIDECAR_VERSION,
    portal: { name: portal.config.name, kind: portal.config.kind, url: stripCredentials(portal.config.url)! },
    dataset: {
      id: dataset.id,
      title: dataset.title,
      landingPage: stripCredentials(dataset.landingPage),
      apiUrl: stripCredentials(dataset.apiUrl),
      publisher: dataset.publisher,
      updateFrequency: dataset.updateFrequency,
    },
    query: input.query,
    apiUrl: stripCredentials(portal.queryUrl(dataset, input.query))!,
    license: dataset.license,
    retrievedAt: input.retrievedAt.toISOString(),
    rows: input.rows,
    format: input.format,
    dataFile: input.dataFile,
    sha256: input.sha256,
    bytes: input.bytes,
    schema: {
      fields: schema.fields,
      objectIdField: schema.objectIdField,
      geometry: schema.geometry,
      lastEdit: schema.lastEdit,
      copyright: schema.copyright,
    },
  };
}

export function serializeSidecar(sidecar: ProvenanceSidecar): Uint8Array {
  return Buffer.from(JSON.stringify(sidecar, null, 2) + '\n', 'utf8');
}

/** Reads a sidecar back, checking the parts refresh relies on. */
export function parseSidecar(bytes: Uint8Array): ProvenanceSidecar {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new SaveError('badSidecar', 'The provenance file is not valid JSON.');
  }
  const s = value as Partial<ProvenanceSidecar> | null;
  const ok =
    !!s &&
    s.okcOpenDataProvenance === SIDECAR_VERSION &&
    typeof s.portal?.name === 'string' &&
    (s.portal.kind === 'hub' || s.portal.kind === 'legacy') &&
    typeof s.dataset?.id === 'string' &&
    typeof s.query === 'object' && s.query !== null &&
    SAVE_FORMATS.includes(s.format as SaveFormat) &&
    typeof s.dataFile === 'string' &&
    Array.isArray(s.schema?.fields);
  if (!ok) throw new SaveError('badSidecar', 'The provenance file was not written by OKC Open Data (or by a newer version).');
  return s as ProvenanceSidecar;
}

/** A DatasetSummary good enough to query the dataset again when the catalog is not at hand. */
export function datasetFromSidecar(sidecar: ProvenanceSidecar): DatasetSummary {
  return {
    portal: sidecar.portal.name,
    id: sidecar.dataset.id,
    title: sidecar.dataset.title,
    description: '',
    groups: [],
    keywords: [],
    license: sidecar.license,
    landingPage: sidecar.dataset.landingPage,
    apiUrl: sidecar.dataset.apiUrl,
    publisher: sidecar.dataset.publisher,
    updateFrequency: sidecar.dataset.updateFrequency,
    downloads: [],
    geometry: sidecar.schema.geometry,
  };
}
