// The queries every generator is tried on, shared by the golden tests (no server) and the
// execution tests (fake portal). Hostile names and values carry quotes, backslashes,
// newlines, `${x}`, `$HOME`, backticks and PowerShell's escape character.

import type { FieldKind, QueryCapabilities } from '../../src/portal/types';
import type { DatasetQuery } from '../../src/query/model';
import type { SnippetRequest } from '../../src/snippets/index';
import { esriFieldKind } from '../../src/portal/hub';
import { HOSTILE_NAMES_TITLE, PROTOTYPE_FIELD_NAMES, type FakeDataset } from '../portal/data';

export const HOSTILE_VALUE = "it's \"quoted\" \\ back\\slash\nnew line ${x} $HOME `whoami` $(id) 'single' ‘curly’ %20 & done";

/** A legacy dataset name the execution tests give to a fake dataset (Police Stations). */
export const HOSTILE_NAME = "O'Brien \"Parks\" $HOME ${x} `tick` & 100% #1 ?q=\\b é";
export const RENAMED_FOR_HOSTILE_NAME = 'Police Stations';

export const TOKEN_ENV = 'OKC_PORTAL_TOKEN';

export interface SnippetCase {
  name: string;
  /** Title (Hub) or legacy name of the fake portal dataset it runs against. */
  dataset: string;
  portalKind: 'hub' | 'legacy';
  query: DatasetQuery;
  pageAll: boolean;
  /** Page size the snippet believes in; smaller than the server's forces several pages. */
  maxRecordCount?: number;
  tokenEnvVar?: string;
  datasetTitle?: string;
}

export const CASES: SnippetCase[] = [
  { name: 'hub-plain', dataset: 'Fire Stations', portalKind: 'hub', query: {}, pageAll: false },
  {
    name: 'hub-filtered',
    dataset: 'Work Zones',
    portalKind: 'hub',
    query: {
      fields: ['OBJECTID', 'Worktype', 'workzonenumber'],
      filters: [
        { field: 'OBJECTID', op: '>', value: 20 },
        { field: 'Worktype', op: 'is not null' },
      ],
    },
    pageAll: true,
  },
  {
    name: 'hub-sorted-limited',
    dataset: 'Hotel Motel Tax',
    portalKind: 'hub',
    query: { sort: [{ field: 'Certificate', descending: true }], offset: 5, limit: 30, fields: ['OBJECTID', 'Certificate', 'LegalName'] },
    pageAll: true,
    maxRecordCount: 2000,
  },
  {
    name: 'hub-or-in-like',
    dataset: 'Hotel Motel Tax',
    portalKind: 'hub',
    query: {
      join: 'or',
      filters: [
        { field: 'OBJECTID', op: 'in', value: [3, 5, 8] },
        { field: 'OBJECTID', op: '<=', value: 2 },
      ],
    },
    pageAll: false,
  },
  {
    name: 'hub-bbox',
    dataset: 'Fire Stations',
    portalKind: 'hub',
    query: { spatial: { kind: 'bbox', xmin: -97.6, ymin: 35.4, xmax: -97.45, ymax: 35.55 }, fields: ['OBJECTID', 'STATION_NO'] },
    pageAll: true,
    maxRecordCount: 2000,
  },
  {
    name: 'hub-near-geojson',
    dataset: 'Work Zones',
    portalKind: 'hub',
    query: { spatial: { kind: 'near', longitude: -97.52, latitude: 35.47, meters: 5000 }, format: 'geojson', fields: ['OBJECTID', 'Worktype'] },
    pageAll: true,
    maxRecordCount: 2000,
  },
  {
    name: 'hub-paged-over-max',
    dataset: 'Overlay Parcel Zoning',
    portalKind: 'hub',
    query: { fields: ['OBJECTID', 'CODE'] },
    pageAll: true,
    maxRecordCount: 2000,
  },
  {
    name: 'hub-paged-limit-across-pages',
    dataset: 'Overlay Parcel Zoning',
    portalKind: 'hub',
    query: { fields: ['OBJECTID'], offset: 1990, limit: 25 },
    pageAll: true,
    maxRecordCount: 10,
  },
  {
    name: 'hub-hostile-value',
    dataset: 'Hostile Test Data',
    portalKind: 'hub',
    query: {
      fields: ['OBJECTID', 'Title', 'Amount'],
      join: 'or',
      filters: [
        { field: 'Title', op: '=', value: HOSTILE_VALUE },
        { field: 'Title', op: '=', value: "Robert'); DROP TABLE Students;--" },
        { field: 'Title', op: '=', value: '${7*7} {{7*7}} <%= 7*7 %>' },
        { field: 'Title', op: 'like', value: 'Line\r\nBreak%' },
      ],
    },
    pageAll: true,
    datasetTitle: HOSTILE_VALUE,
  },
  // Field names an object inherits: a program that builds rows by assignment on `{}` loses them.
  {
    name: 'hub-prototype-field-names',
    dataset: HOSTILE_NAMES_TITLE,
    portalKind: 'hub',
    query: { fields: ['OBJECTID', ...PROTOTYPE_FIELD_NAMES] },
    pageAll: true,
  },
  {
    name: 'hub-typed-date-and-number',
    dataset: 'Public Infrastructure Projects',
    portalKind: 'hub',
    query: {
      fields: ['OBJECTID', 'planstart', 'estcost', 'projtype'],
      filters: [
        { field: 'planstart', op: '>=', value: '2015-06-01' },
        { field: 'estcost', op: '<', value: '2000000' },
        { field: 'projtype', op: '=', value: 'Transportation' },
      ],
      sort: [{ field: 'planstart', descending: true }],
    },
    pageAll: true,
  },
  // Old ArcGIS Server (10.x) layers: no resultOffset, no geoJSON, lowercase objectid.
  { name: 'old-plain', dataset: 'Old Server Fire Hydrants', portalKind: 'hub', query: {}, pageAll: false },
  { name: 'old-paged-all', dataset: 'Old Server Fire Hydrants', portalKind: 'hub', query: { fields: ['objectid', 'facilityid', 'ward'] }, pageAll: true },
  {
    name: 'old-filtered-window',
    dataset: 'Old Server Fire Hydrants',
    portalKind: 'hub',
    query: { filters: [{ field: 'ward', op: '<=', value: 4 }], offset: 130, limit: 700, fields: ['facilityid', 'ward'] },
    pageAll: true,
  },
  {
    name: 'old-sorted-window',
    dataset: 'Old Server Fire Hydrants',
    portalKind: 'hub',
    query: { sort: [{ field: 'status' }, { field: 'installdate', descending: true }], offset: 10, limit: 1500, fields: ['objectid', 'status', 'installdate'] },
    pageAll: true,
  },
  { name: 'old-oid-descending', dataset: 'Old Server Fire Hydrants', portalKind: 'hub', query: { sort: [{ field: 'objectid', descending: true }], limit: 30 }, pageAll: true },
  {
    name: 'old-geojson-bbox-polygons',
    dataset: 'Old Server Parcels',
    portalKind: 'hub',
    query: { spatial: { kind: 'bbox', xmin: -97.6, ymin: 35.4, xmax: -97.3, ymax: 35.6 }, format: 'geojson', fields: ['objectid', 'parcelid', 'acres'] },
    pageAll: true,
  },
  { name: 'old-lines-all', dataset: 'Old Server Drainage Lines', portalKind: 'hub', query: { sort: [{ field: 'diameter', descending: true }] }, pageAll: true },
  { name: 'legacy-plain', dataset: 'Fire Stations', portalKind: 'legacy', query: {}, pageAll: false },
  {
    name: 'legacy-sorted-window',
    dataset: 'Fire Stations',
    portalKind: 'legacy',
    query: { sort: [{ field: 'Object_ID', descending: true }], offset: 2, limit: 5, fields: ['Object_ID', 'Station_Address'] },
    pageAll: true,
  },
  {
    name: 'legacy-window-get',
    dataset: 'Hotel Motel Tax',
    portalKind: 'legacy',
    query: { offset: 10, limit: 7 },
    pageAll: true,
  },
  {
    name: 'legacy-bbox',
    dataset: 'Fire Stations',
    portalKind: 'legacy',
    query: { spatial: { kind: 'bbox', xmin: -97.6, ymin: 35.4, xmax: -97.45, ymax: 35.55 } },
    pageAll: true,
  },
  {
    name: 'legacy-near',
    dataset: 'Fire Stations',
    portalKind: 'legacy',
    query: { spatial: { kind: 'near', longitude: -97.52, latitude: 35.47, meters: 6000 } },
    pageAll: false,
  },
  {
    name: 'legacy-hostile-name',
    dataset: 'Hostile Test Data',
    portalKind: 'legacy',
    // The Records API documents no filter parameter, so hostile text reaches a legacy
    // snippet through the title only (filters are never sent; see legacyRequest). Descending
    // with a limit leaves out the row whose Link starts with NUL, which no R string can hold.
    query: { sort: [{ field: 'Title', descending: true }], limit: 5 },
    pageAll: false,
    datasetTitle: HOSTILE_VALUE,
  },
  { name: 'legacy-hostile-dataset-name-get', dataset: HOSTILE_NAME, portalKind: 'legacy', query: { limit: 4 }, pageAll: false },
  {
    name: 'legacy-hostile-dataset-name-post',
    dataset: HOSTILE_NAME,
    portalKind: 'legacy',
    query: { sort: [{ field: 'Object_ID', descending: true }], limit: 3 },
    pageAll: false,
  },
];

/** Builds the generator request for a case against a site (a fake portal or a sample URL). */
export interface LayerFacts {
  layerUrl: string;
  objectIdField: string;
  maxRecordCount: number;
  fieldTypes?: Record<string, FieldKind>;
  capabilities?: QueryCapabilities;
}

/** What HubPortal reads from a fake layer of the old-server (ArcGIS Server 10.x) profile. */
export const OLD_SERVER_CAPABILITIES: QueryCapabilities = { geoJson: false, pagination: false, orderBy: true };

/** What a query needs to know of one of the fake portal's Hub layers. */
export function hubLayerFacts(baseUrl: string, ds: FakeDataset): LayerFacts {
  return {
    layerUrl: `${baseUrl}${ds.layerPath}`,
    objectIdField: ds.objectIdField,
    maxRecordCount: ds.maxRecordCount,
    fieldTypes: Object.fromEntries(ds.fields.map((f) => [f.name, esriFieldKind(f.type)])),
    ...(ds.serverProfile === 'old' ? { capabilities: OLD_SERVER_CAPABILITIES } : {}),
  };
}

export function requestFor(c: SnippetCase, siteUrl: string, layer?: LayerFacts, tokenEnvVar = c.tokenEnvVar): SnippetRequest {
  return {
    portalKind: c.portalKind,
    siteUrl,
    layerUrl: layer?.layerUrl,
    datasetName: c.portalKind === 'legacy' ? c.dataset : undefined,
    datasetTitle: c.datasetTitle ?? c.dataset,
    objectIdField: layer?.objectIdField,
    maxRecordCount: c.maxRecordCount ?? layer?.maxRecordCount,
    fieldTypes: layer?.fieldTypes,
    capabilities: layer?.capabilities,
    query: c.query,
    pageAll: c.pageAll,
    tokenEnvVar,
  };
}
