// The fake ArcGIS Hub site: DCAT-US 1.1 feed (with ETag / Last-Modified), Hub Search API
// (OGC API Records), dataset landing pages and the download API with its polling states.

import Papa from 'papaparse';
import type { FakeCatalog, FakeDataset } from './data';
import type { PlannedResponse } from './faults';
import { selectRows } from './featureserver';
import { FEED_FILES, FEED_OTHERS, ORG_KEY, multiLayerServices, resolveSlug, serviceTitle, slugOf } from './feed-items';
import { conditional, escapeHtml, htmlPage, json, text, type FakeRequest } from './respond';

/** The site's own dataset collection: the id the real OKC site's catalog gives it. Only this
 * id and `all` answer; `dataset` is a 404 here, as on the real site. */
export const SITE_COLLECTION_ID = 'collectiondm3n84mi';
/** `all` is every public item of ArcGIS Online, not this site: a huge result set in which the
 * site's own items are lost among other organisations' ones. */
export const ALL_COLLECTION_ID = 'all';
/** How many items `all` claims to match (ArcGIS Online holds millions of public items). */
export const ALL_ITEMS_MATCHED = 2_431_877;
export const ORG_ID = 'Fak3OkcOrg1d2026';

/** The feed names landing pages by slug, `/datasets/{org}::{slug}`, as the real feed does;
 * `/datasets/{itemId}_{layer}` answers too. */
export function landingPage(base: string, ds: FakeDataset, catalog?: FakeCatalog): string {
  return catalog ? `${base}/datasets/${ORG_KEY}::${slugOf(catalog, ds.hubId, ds.title)}` : `${base}/datasets/${ds.hubId}`;
}

export function downloadUrl(base: string, ds: FakeDataset, format: string): string {
  return `${base}/api/download/v1/items/${ds.itemId}/${format}?layers=${ds.layer}`;
}

function dcatEntry(base: string, ds: FakeDataset, catalog: FakeCatalog): Record<string, unknown> {
  const landing = landingPage(base, ds, catalog);
  const dist = (title: string, format: string, mediaType: string, accessURL: string) => ({ '@type': 'dcat:Distribution', title, format, mediaType, accessURL });
  const [w, s, e, n] = ds.extent;
  return {
    '@type': 'dcat:Dataset',
    identifier: `https://www.arcgis.com/home/item.html?id=${ds.itemId}&sublayer=${ds.layer}`,
    landingPage: landing,
    title: ds.title,
    description: ds.description,
    keyword: ds.keywords,
    issued: ds.issued,
    modified: ds.modified,
    publisher: { name: ds.publisher },
    contactPoint: { '@type': 'vcard:Contact', fn: ds.contact.name, hasEmail: `mailto:${ds.contact.email}` },
    accessLevel: 'public',
    spatial: ds.geometryType ? [w, s, e, n].map((v) => v.toFixed(4)).join(',') : '',
    license: ds.license,
    distribution: [
      dist('ArcGIS Hub Dataset', 'Web Page', 'text/html', landing),
      dist('ArcGIS GeoService', 'ArcGIS GeoServices REST API', 'application/json', `${base}${ds.layerPath}`),
      dist('CSV', 'CSV', 'text/csv', downloadUrl(base, ds, 'csv')),
      dist('Shapefile', 'ZIP', 'application/zip', downloadUrl(base, ds, 'shapefile')),
      dist('GeoJSON', 'GeoJSON', 'application/vnd.geo+json', downloadUrl(base, ds, 'geojson')),
      dist('KML', 'KML', 'application/vnd.google-earth.kml+xml', downloadUrl(base, ds, 'kml')),
    ],
    // As in the sample feed: tables (no geometry) carry an empty-string theme.
    theme: ds.geometryType ? ['geospatial'] : '',
  };
}

/** Feed entries that are not a layer: service items, the CSV file, apps, Esri REST services. */
function otherEntries(base: string, catalog: FakeCatalog): Record<string, unknown>[] {
  const dist = (title: string, format: string, mediaType: string, accessURL: string) => ({ '@type': 'dcat:Distribution', title, format, mediaType, accessURL });
  const common = (itemId: string, title: string, description: string, landing: string, keyword: string[]) => ({
    '@type': 'dcat:Dataset',
    identifier: `https://www.arcgis.com/home/item.html?id=${itemId}`,
    landingPage: landing,
    title,
    description,
    keyword,
    issued: '2026-03-02T15:04:05.000Z',
    modified: '2026-06-01T12:00:00.000Z',
    publisher: { name: 'City of Oklahoma City' },
    contactPoint: { '@type': 'vcard:Contact', fn: 'OKC GIS', hasEmail: 'mailto:gis@okc.gov' },
    accessLevel: 'public',
    spatial: '',
    license: '',
  });
  const entries: Record<string, unknown>[] = [];
  for (const service of multiLayerServices(catalog)) {
    const first = service.datasets[0];
    const title = serviceTitle(first);
    const landing = `${base}/maps/${ORG_KEY}::${slugOf(catalog, service.itemId, title)}`;
    entries.push({
      ...common(service.itemId, title, first.description, landing, first.keywords),
      distribution: [dist('ArcGIS Hub Dataset', 'Web Page', 'text/html', landing),
        dist('ArcGIS GeoService', 'ArcGIS GeoServices REST API', 'application/json', `${base}${first.layerPath.replace(/\/\d+$/, '')}`)],
      theme: '',
    });
  }
  for (const f of FEED_FILES) {
    const landing = `${base}/datasets/${ORG_KEY}::${slugOf(catalog, f.itemId, f.title)}`;
    entries.push({
      ...common(f.itemId, f.title, f.description, landing, f.keywords),
      distribution: [dist('ArcGIS Hub Dataset', 'Web Page', 'text/html', landing), dist('CSV', 'CSV', 'text/csv', `${base}/sharing/rest/content/items/${f.itemId}/data`)],
      theme: '',
    });
  }
  for (const o of FEED_OTHERS) {
    const landing = `${base}/${o.kind === 'app' ? 'apps' : 'maps'}/${ORG_KEY}::${slugOf(catalog, o.itemId, o.title)}`;
    const distribution = [dist('ArcGIS Hub Dataset', 'Web Page', 'text/html', landing)];
    // Older Hub feeds describe map and image services this way (format "Esri REST").
    if (o.kind === 'esriRest') distribution.push(dist('Esri REST', 'Esri REST', 'application/json', `${base}${o.servicePath}`));
    entries.push({ ...common(o.itemId, o.title, o.description, landing, []), distribution, theme: '' });
  }
  return entries;
}

/** Every entry of the feed: one per layer or table, then the items that are not a layer. */
export function dcatFeed(base: string, catalog: FakeCatalog): Record<string, unknown> {
  return {
    '@context': 'https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld',
    '@type': 'dcat:Catalog',
    conformsTo: 'https://project-open-data.cio.gov/v1.1/schema',
    describedBy: 'https://project-open-data.cio.gov/v1.1/schema/catalog.json',
    dataset: [...catalog.datasets.map((ds) => dcatEntry(base, ds, catalog)), ...otherEntries(base, catalog)],
  };
}

function searchFeature(base: string, collection: string, ds: FakeDataset): Record<string, unknown> {
  const [w, s, e, n] = ds.extent;
  const polygon = { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
  return {
    id: ds.itemId,
    type: 'Feature',
    geometry: ds.geometryType ? polygon : null,
    properties: {
      id: ds.itemId,
      owner: 'OKC_OpenData',
      created: Date.parse(ds.issued),
      modified: ds.lastEditDate,
      guid: null,
      name: ds.service,
      title: ds.title,
      type: 'Feature Service',
      typeKeywords: ['ArcGIS Server', 'Data', 'Feature Access', 'Service', ds.geometryType ? 'Feature Layer' : 'Table'],
      description: ds.description,
      tags: ds.keywords,
      snippet: `${ds.title} in the City of Oklahoma City.`,
      thumbnail: null,
      documentation: null,
      extent: ds.geometryType ? polygon : null,
      categories: ds.groups.map((g) => `/Categories/${g}`),
      spatialReference: '103512',
      url: `${base}${ds.layerPath}`,
      access: 'public',
      source: ds.publisher,
      numViews: ds.rowCount % 9973,
      orgId: ORG_ID,
      accessInformation: ds.publisher,
      license: ds.license ? 'custom' : 'none',
      licenseInfo: ds.license,
      size: 16384,
      scoreCompleteness: ds.license ? 88 : 71,
    },
    time: null,
    links: [
      { rel: 'self', type: 'application/geo+json', title: 'This document as GeoJSON', href: `${base}/api/search/v1/collections/${collection}/items/${ds.itemId}` },
      { rel: 'collection', type: 'application/json', title: 'Datasets', href: `${base}/api/search/v1/collections/${collection}` },
    ],
  };
}

function matchesQ(ds: FakeDataset, q: string): boolean {
  const hay = `${ds.title} ${ds.description} ${ds.keywords.join(' ')} ${ds.groups.join(' ')}`.toLowerCase();
  return q.toLowerCase().split(/\s+/).filter(Boolean).every((word) => hay.includes(word.replace(/^"|"$/g, '')));
}

/** An item of another organisation, as `all` lists them: deterministic from its rank. */
function otherOrgFeature(base: string, rank: number): Record<string, unknown> {
  const id = (rank.toString(16).padStart(8, '0') + 'a11a11a11a11a11a11a11a11').slice(0, 32);
  return {
    id,
    type: 'Feature',
    geometry: null,
    properties: {
      id, owner: `user${rank % 997}`, created: 1577836800000 + rank * 1000, modified: 1577836800000 + rank * 1000, guid: null,
      name: `Layer_${rank}`, title: `Parcels ${rank} (another organisation)`, type: 'Feature Service',
      typeKeywords: ['ArcGIS Server', 'Data', 'Feature Access', 'Service'], description: 'An item of another ArcGIS Online organisation.',
      tags: ['parcels'], snippet: 'Not an Oklahoma City item.', thumbnail: null, documentation: null, extent: null,
      categories: ['/Categories/Elsewhere'], spatialReference: '102100', url: `https://services.example.invalid/${id}/FeatureServer/0`,
      access: 'public', source: 'Another organisation', numViews: rank % 101, orgId: `OtherOrg${rank % 89}`, accessInformation: null,
      license: 'none', licenseInfo: null, size: 8192, scoreCompleteness: 50,
    },
    time: null,
    links: [{ rel: 'self', type: 'application/geo+json', title: 'This document as GeoJSON', href: `${base}/api/search/v1/collections/all/items/${id}` }],
  };
}

function searchItems(req: FakeRequest, collection: string): PlannedResponse {
  const p = req.params;
  const limitText = p.get('limit');
  const startText = p.get('startindex');
  const limit = limitText === null ? 10 : Number(limitText);
  const start = startText === null ? 1 : Number(startText);
  if (!Number.isInteger(limit) || limit < 0 || !Number.isInteger(start) || start < 1) {
    return json({ statusCode: 400, message: 'limit must be an integer from 0 to 100 and startindex an integer from 1', error: 'Bad Request' }, 400);
  }
  const effective = Math.min(limit, 100);
  const q = p.get('q') ?? '';
  const siteItems = req.catalog.datasets.filter((ds) => !q.trim() || matchesQ(ds, q));
  // `all` ranks other organisations' items first: the site's own come after millions of them.
  const others = collection === ALL_COLLECTION_ID ? (q.trim() ? 4_213 : ALL_ITEMS_MATCHED - siteItems.length) : 0;
  const total = others + siteItems.length;
  const features: Record<string, unknown>[] = [];
  for (let k = start - 1; k < Math.min(total, start - 1 + effective); k++) {
    features.push(k < others ? otherOrgFeature(req.baseUrl, k) : searchFeature(req.baseUrl, collection, siteItems[k - others]));
  }
  const selfUrl = `${req.baseUrl}/api/search/v1/collections/${collection}/items`;
  const links: Record<string, string>[] = [
    { rel: 'self', type: 'application/geo+json', title: 'This document as GeoJSON', href: selfUrl },
    { rel: 'collection', type: 'application/json', title: 'Datasets', href: `${req.baseUrl}/api/search/v1/collections/${collection}` },
  ];
  if (start - 1 + features.length < total && effective > 0) {
    const next = new URLSearchParams();
    if (q) next.set('q', q);
    next.set('limit', String(effective));
    next.set('startindex', String(start + features.length));
    links.push({ rel: 'next', type: 'application/geo+json', title: 'items (next)', href: `${selfUrl}?${next}` });
  }
  if (start > 1) {
    const prev = new URLSearchParams();
    if (q) prev.set('q', q);
    prev.set('limit', String(effective));
    prev.set('startindex', String(Math.max(1, start - effective)));
    links.push({ rel: 'prev', type: 'application/geo+json', title: 'items (prev)', href: `${selfUrl}?${prev}` });
  }
  return conditional(req, json({
    type: 'FeatureCollection',
    features,
    timestamp: new Date(req.catalog.lastModified()).toISOString(),
    numberMatched: total,
    numberReturned: features.length,
    links,
  }), req.catalog.lastModified());
}

/** A collection as the Search API describes it. `key` is the kind the site's catalog gives the
 * collection (hub.js `IHubCollection.key`: `dataset`, `appAndMap`, `document`...); the API
 * fetches a collection "with a provided ID/key" (its definition page). */
function collectionDocument(base: string, id: string): Record<string, unknown> {
  const site = id === SITE_COLLECTION_ID;
  return {
    id,
    key: site ? 'dataset' : 'all',
    title: site ? 'Data' : 'All',
    description: site ? 'Datasets of the Open OKC site' : 'Every public item of ArcGIS Online',
    itemType: 'record',
    type: 'collection',
    links: [
      { rel: 'self', type: 'application/json', title: 'This document as JSON', href: `${base}/api/search/v1/collections/${id}` },
      { rel: 'items', type: 'application/geo+json', title: 'Items as GeoJSON', href: `${base}/api/search/v1/collections/${id}/items` },
    ],
  };
}

// ---- downloads ----------------------------------------------------------------------------

/** Poll counts per export, so `redirect=false` walks Pending -> PagingData -> Completed. */
const exportPolls = new WeakMap<FakeCatalog, Map<string, number>>();

function hubDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}+00`;
}

/** The whole dataset as the Hub's CSV export: X/Y first for points, dates as `YYYY/MM/DD hh:mm:ss+00`. */
export function exportCsv(ds: FakeDataset): string {
  const selection = selectRows(ds, '', '');
  const points = ds.geometryType === 'esriGeometryPoint';
  const names = ds.fields.map((f) => f.name);
  const dateFields = new Set(ds.fields.filter((f) => f.type === 'esriFieldTypeDate').map((f) => f.name));
  const rows: unknown[][] = [];
  for (let k = 0; k < selection.total; k++) {
    const row = ds.rowAt(selection.at(k));
    const values = names.map((n) => {
      const v = row.attributes[n];
      return v !== null && dateFields.has(n) ? hubDate(v as number) : v;
    });
    if (points) {
      const c = (row.geometry?.coordinates ?? [null, null]) as (number | null)[];
      values.unshift(c[0], c[1]);
    }
    rows.push(values);
  }
  return Papa.unparse({ fields: points ? ['X', 'Y', ...names] : names, data: rows });
}

export function exportGeoJson(ds: FakeDataset): string {
  const selection = selectRows(ds, '', '');
  const features: unknown[] = [];
  for (let k = 0; k < selection.total; k++) {
    const i = selection.at(k);
    const row = ds.rowAt(i);
    features.push({ type: 'Feature', id: ds.oidAt(i), geometry: row.geometry, properties: row.attributes });
  }
  return JSON.stringify({ type: 'FeatureCollection', name: ds.title, features });
}

function exportFile(ds: FakeDataset, format: string): PlannedResponse {
  const safeName = ds.title.replace(/[^\w-]+/g, '_');
  if (format === 'csv')
    return text(exportCsv(ds), 'text/csv; charset=utf-8', 200, { 'content-disposition': `attachment; filename="${safeName}.csv"` });
  return text(exportGeoJson(ds), 'application/geo+json; charset=utf-8', 200, { 'content-disposition': `attachment; filename="${safeName}.geojson"` });
}

function handleDownload(req: FakeRequest, itemId: string, format: string): PlannedResponse {
  const layerText = req.params.get('layers');
  if (layerText !== null && layerText.includes(',')) return json({ message: 'Multiple layer downloads are not yet supported' }, 400);
  const ds = req.catalog.byItemId(itemId, layerText === null || layerText === '' ? undefined : Number(layerText));
  if (!ds) return json({ message: `Item ${itemId} not found` }, 404);
  if (format !== 'csv' && format !== 'geojson') return json({ message: 'Supported file formats are csv, geojson' }, 400);
  if (req.params.get('redirect') !== 'false') return exportFile(ds, format);
  let polls = exportPolls.get(req.catalog);
  if (!polls) exportPolls.set(req.catalog, (polls = new Map()));
  const key = `${ds.hubId}.${format}@${req.catalog.version}:${ds.lastEditDate}`;
  const seen = polls.get(key) ?? 0;
  polls.set(key, seen + 1);
  if (seen === 0) return json({ status: 'Pending' });
  if (seen === 1) return json({ status: 'PagingData', recordCount: ds.rowCount, progressInPercent: 50 });
  const resultUrl = `${req.baseUrl}/api/download/v1/results/${ds.hubId}.${format}`;
  return json(seen === 2 ? { status: 'Completed', resultUrl } : { status: 'Completed', resultUrl, cacheStatus: 'ready' });
}

function landing(req: FakeRequest, ds: FakeDataset, about: boolean): PlannedResponse {
  const rows = [
    ['Updated', ds.modified], ['Published', ds.issued], ['Records', String(ds.rowCount)], ['Update frequency', ds.updateFrequency],
    ['Contact', `${ds.contact.name} (${ds.contact.email})`], ['Groups', ds.groups.join(', ')],
  ].map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  return htmlPage(`${ds.title} | Open OKC`,
    `<h1>${escapeHtml(ds.title)}</h1>${about ? `<section id="about">${ds.description}</section><table>${rows}</table>` : '<div id="map"></div>'}` +
    `<p><a href="${escapeHtml(`${req.baseUrl}${ds.layerPath}`)}">I want to use this</a> · ` +
    `<a href="${escapeHtml(downloadUrl(req.baseUrl, ds, 'csv'))}">Download CSV</a> · <a href="${req.baseUrl}/datasets/${ds.hubId}/about">About</a></p>`);
}

export function handleHub(req: FakeRequest): PlannedResponse | null {
  const path = req.pathname;
  if (path === '/api/feed/dcat-us/1.1.json' || path === '/data.json') {
    return conditional(req, json(dcatFeed(req.baseUrl, req.catalog)), req.catalog.lastModified());
  }
  if (path === '/api/search/v1/collections' || path === '/api/search/v1/collections/') {
    return json({ collections: [ALL_COLLECTION_ID, SITE_COLLECTION_ID].map((id) => collectionDocument(req.baseUrl, id)), links: [{ rel: 'self', type: 'application/json', title: 'This document as JSON', href: `${req.baseUrl}/api/search/v1/collections` }] });
  }
  let m = /^\/api\/search\/v1\/collections\/([^/]+)(\/items)?(?:\/([0-9a-f]{32}))?\/?$/.exec(path);
  if (m) {
    const collection = decodeURIComponent(m[1]);
    if (collection !== SITE_COLLECTION_ID && collection !== ALL_COLLECTION_ID) {
      return json({ statusCode: 404, message: `Collection with id "${collection}" not found`, error: 'Not Found' }, 404);
    }
    if (m[3]) {
      const ds = req.catalog.byItemId(m[3]);
      return ds ? json(searchFeature(req.baseUrl, collection, ds)) : json({ statusCode: 404, message: `Item with id "${m[3]}" not found`, error: 'Not Found' }, 404);
    }
    if (!m[2]) return json(collectionDocument(req.baseUrl, collection));
    return searchItems(req, collection);
  }
  m = /^\/(datasets|maps|apps)\/[^/:]+::([a-z0-9-]+)(\/about|\/explore)?\/?$/.exec(path);
  if (m) {
    const target = resolveSlug(req.catalog, m[2]);
    if (target?.dataset && m[1] === 'datasets') return landing(req, target.dataset, m[3] === '/about');
    const title = target?.file?.title ?? target?.other?.title ?? (target?.service ? req.catalog.byItemId(target.service)?.service : undefined);
    if (!title) return { ...htmlPage('Page not found', '<h1>Page not found</h1>'), status: 404 };
    return htmlPage(`${title} | Open OKC`, `<h1>${escapeHtml(title)}</h1>`);
  }
  m = /^\/sharing\/rest\/content\/items\/([0-9a-f]{32})\/data$/.exec(path);
  if (m) {
    const file = FEED_FILES.find((f) => f.itemId === m![1]);
    return file
      ? text(file.csv, 'text/csv', 200, { 'content-disposition': `attachment; filename="${file.fileName}"` })
      : json({ error: { code: 400, messageCode: 'CONT_0001', message: 'Item does not exist or is inaccessible.', details: [] } });
  }
  m = /^\/datasets\/([0-9a-f]{32})_(\d+)(\/about|\/explore)?\/?$/.exec(path);
  if (m) {
    const ds = req.catalog.byItemId(m[1], Number(m[2]));
    if (!ds) return { ...htmlPage('Page not found', '<h1>Page not found</h1>'), status: 404 };
    return landing(req, ds, m[3] === '/about');
  }
  m = /^\/api\/download\/v1\/items\/([0-9a-f]{32})\/([a-z]+)\/?$/.exec(path);
  if (m) return handleDownload(req, m[1], m[2]);
  m = /^\/api\/download\/v1\/results\/([0-9a-f]{32})_(\d+)\.(csv|geojson)$/.exec(path);
  if (m) {
    const ds = req.catalog.byItemId(m[1], Number(m[2]));
    return ds ? exportFile(ds, m[3]) : json({ message: 'Not found' }, 404);
  }
  if (path === '/' || path === '') {
    return htmlPage('Open OKC', `<h1>Open OKC (fake)</h1><ul>${req.catalog.datasets
      .map((ds) => `<li><a href="/datasets/${ds.hubId}">${escapeHtml(ds.title)}</a></li>`).join('')}</ul>`);
  }
  return null;
}
