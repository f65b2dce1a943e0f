// The fake Hub site: DCAT-US feed shape and conditional GET, Hub Search paging, landing pages
// and the download API (direct file and redirect=false polling).

import assert from 'node:assert/strict';
import Papa from 'papaparse';
import type { FakeDataset } from '../../portal/data';
import { ALL_ITEMS_MATCHED, ORG_ID, SITE_COLLECTION_ID } from '../../portal/hub';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { fetchText, getJson, type Loose } from './fake-http';
import { FEED_FILES, FEED_OTHERS, multiLayerServices } from '../../portal/feed-items';

// Key order of a dataset entry in portal-samples/arcgis/dcat-us-feed.json.
const DCAT_DATASET_KEYS = ['@type', 'identifier', 'landingPage', 'title', 'description', 'keyword', 'issued', 'modified', 'publisher',
  'contactPoint', 'accessLevel', 'spatial', 'license', 'distribution', 'theme'];
const DCAT_TOP_KEYS = ['@context', '@type', 'conformsTo', 'describedBy', 'dataset'];
// Properties seen in the Miami-Dade live sample (hub-search-items-miamidade-abridged.jsonc).
const SEARCH_PROPERTY_KEYS = ['title', 'description', 'snippet', 'type', 'url', 'owner', 'source', 'tags', 'categories', 'created', 'modified',
  'numViews', 'access', 'orgId', 'accessInformation', 'license', 'licenseInfo', 'size', 'scoreCompleteness'];

describe('fake portal Hub site', () => {
  let portal: FakePortal;
  let fs: FakeDataset;
  before(async () => {
    portal = await startFakePortal({ seed: 5 });
    fs = portal.catalog.byTitle('Fire Stations')!;
  });
  after(() => portal.close());

  it('serves the DCAT-US 1.1 feed with the sample key order and URLs on the fake', async () => {
    const feed = await getJson(portal, '/api/feed/dcat-us/1.1.json');
    assert.deepEqual(Object.keys(feed), DCAT_TOP_KEYS);
    // One entry per layer, then service items, the CSV file, apps and Esri REST services, as in the real feed.
    const layers = feed.dataset.filter((d: Loose) => /&sublayer=\d+$/.test(d.identifier));
    assert.equal(layers.length, portal.catalog.datasets.length);
    assert.equal(feed.dataset.length, portal.catalog.datasets.length + multiLayerServices(portal.catalog).length + FEED_FILES.length + FEED_OTHERS.length);
    assert.ok(feed.dataset.some((d: Loose) => d.distribution.some((x: Loose) => x.format === 'Esri REST' && /ImageServer$/.test(x.accessURL))));
    for (const entry of feed.dataset) assert.deepEqual(Object.keys(entry), DCAT_DATASET_KEYS);
    const entry = feed.dataset.find((d: Loose) => d.title === 'Fire Stations');
    assert.equal(entry.identifier, `https://www.arcgis.com/home/item.html?id=${fs.itemId}&sublayer=4`);
    assert.equal(entry.landingPage, `${portal.baseUrl}/datasets/OKC::fire-stations`);
    assert.equal((await fetchText(portal, '/datasets/OKC::fire-stations/about')).status, 200);
    const file = feed.dataset.find((d: Loose) => d.title === FEED_FILES[0].title);
    const csv = await fetchText(portal, file.distribution[1].accessURL.slice(portal.baseUrl.length));
    assert.equal(csv.text, FEED_FILES[0].csv);
    assert.deepEqual(entry.theme, ['geospatial']);
    const table = feed.dataset.find((d: Loose) => d.title === 'Land Documents');
    assert.deepEqual([table.theme, table.spatial], ['', '']);
    assert.ok(entry.keyword.includes('Public Safety'));
    assert.equal(entry.contactPoint.hasEmail, 'mailto:opendata@okc.gov');
    assert.match(entry.modified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(entry.distribution.map((d: Loose) => d.title), ['ArcGIS Hub Dataset', 'ArcGIS GeoService', 'CSV', 'Shapefile', 'GeoJSON', 'KML']);
    for (const d of entry.distribution) {
      assert.deepEqual(Object.keys(d), ['@type', 'title', 'format', 'mediaType', 'accessURL']);
      assert.ok(d.accessURL.startsWith(portal.baseUrl));
    }
    assert.equal(entry.distribution[1].accessURL, `${portal.baseUrl}${fs.layerPath}`);
    assert.equal(entry.distribution[2].accessURL, `${portal.baseUrl}/api/download/v1/items/${fs.itemId}/csv?layers=4`);
  });

  it('answers conditional GETs with 304 until the data changes', async () => {
    const first = await fetchText(portal, '/api/feed/dcat-us/1.1.json');
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    assert.ok(etag && lastModified);
    assert.equal((await fetchText(portal, '/api/feed/dcat-us/1.1.json', { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await fetchText(portal, '/api/feed/dcat-us/1.1.json', { headers: { 'if-modified-since': lastModified } })).status, 304);
    portal.catalog.mutate('Garage Sales', { add: 1 });
    const after = await fetchText(portal, '/api/feed/dcat-us/1.1.json', { headers: { 'if-none-match': etag } });
    assert.equal(after.status, 200);
    assert.notEqual(after.headers.get('etag'), etag);
    assert.equal((await fetchText(portal, '/api/feed/dcat-us/1.1.json', { headers: { 'if-modified-since': lastModified } })).status, 200);
  });

  it('pages Hub Search with limit, 1-based startindex and rel=next', async () => {
    const seen: string[] = [];
    let url: string | undefined = `/api/search/v1/collections/${SITE_COLLECTION_ID}/items?limit=25`;
    let pages = 0;
    while (url) {
      const page: Loose = await getJson(portal, url);
      pages++;
      assert.equal(page.type, 'FeatureCollection');
      assert.equal(page.numberMatched, portal.catalog.datasets.length);
      assert.equal(page.numberReturned, page.features.length);
      for (const f of page.features) {
        seen.push(f.id);
        for (const key of SEARCH_PROPERTY_KEYS) assert.ok(key in f.properties, key);
      }
      const next = page.links.find((l: Loose) => l.rel === 'next');
      url = next ? next.href.slice(portal.baseUrl.length) : undefined;
    }
    assert.equal(pages, Math.ceil(portal.catalog.datasets.length / 25));
    assert.equal(new Set(seen).size, portal.catalog.datasets.length);
    const capped = await getJson(portal, `/api/search/v1/collections/${SITE_COLLECTION_ID}/items?limit=500`);
    assert.equal(capped.numberReturned, Math.min(100, portal.catalog.datasets.length));
    const fire = await getJson(portal, `/api/search/v1/collections/${SITE_COLLECTION_ID}/items?q=fire%20stations`);
    assert.ok(fire.features.some((f: Loose) => f.properties.title === 'Fire Stations'));
    assert.ok(fire.numberMatched < portal.catalog.datasets.length);
    assert.equal(fire.features.find((f: Loose) => f.id === fs.itemId).properties.url, `${portal.baseUrl}${fs.layerPath}`);
  });

  it('answers 404 for an unknown collection, `dataset` included, as the real site does', async () => {
    for (const id of ['nope', 'dataset']) {
      const answer = await fetchText(portal, `/api/search/v1/collections/${id}/items`);
      assert.equal(answer.status, 404);
      assert.equal(answer.json().message, `Collection with id "${id}" not found`);
    }
  });

  it('lists the site\'s collection by its key, and `all` as every item of ArcGIS Online, the site\'s own last', async () => {
    const list: Loose = await getJson(portal, '/api/search/v1/collections');
    const site = list.collections.find((c: Loose) => c.key === 'dataset');
    assert.equal(site.id, SITE_COLLECTION_ID);
    assert.ok(site.links.some((l: Loose) => l.rel === 'items' && l.href === `${portal.baseUrl}/api/search/v1/collections/${SITE_COLLECTION_ID}/items`));
    const all: Loose = await getJson(portal, '/api/search/v1/collections/all/items?limit=100');
    assert.equal(all.numberMatched, ALL_ITEMS_MATCHED);
    assert.equal(all.features.length, 100);
    assert.ok(all.features.every((f: Loose) => f.properties.orgId !== ORG_ID), 'other organisations first');
    const last: Loose = await getJson(portal, `/api/search/v1/collections/all/items?limit=100&startindex=${ALL_ITEMS_MATCHED - portal.catalog.datasets.length + 1}`);
    assert.ok(last.features.every((f: Loose) => f.properties.orgId === ORG_ID));
    assert.equal(last.links.find((l: Loose) => l.rel === 'next'), undefined);
  });

  it('serves landing and about pages', async () => {
    const page = await fetchText(portal, `/datasets/${fs.hubId}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.match(page.text, /Fire Stations/);
    const about = await fetchText(portal, `/datasets/${fs.hubId}/about`);
    assert.match(about.text, /as needed basis/);
    assert.equal((await fetchText(portal, '/datasets/00000000000000000000000000000000_0')).status, 404);
  });

  it('downloads CSV and GeoJSON files directly', async () => {
    const csv = await fetchText(portal, `/api/download/v1/items/${fs.itemId}/csv?layers=4`);
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    const parsed = Papa.parse<Record<string, string>>(csv.text, { header: true, skipEmptyLines: true });
    assert.deepEqual(parsed.meta.fields, ['X', 'Y', ...fs.fields.map((f) => f.name)]);
    assert.equal(parsed.data.length, fs.rowCount);
    assert.equal(parsed.data[0].STATION_ADDR, '4343 S LAKE HEFNER DR');
    assert.equal(parsed.data[0].Y, '35.54262');
    const gj = await getJson(portal, `/api/download/v1/items/${fs.itemId}/geojson?layers=4`);
    assert.equal(gj.type, 'FeatureCollection');
    assert.equal(gj.features.length, fs.rowCount);
    assert.deepEqual(gj.features[0].geometry, { type: 'Point', coordinates: [-97.59821, 35.54262] });
  });

  it('walks Pending -> PagingData -> Completed with redirect=false, then serves resultUrl', async () => {
    const parks = portal.catalog.byTitle('Parks')!;
    const url = `/api/download/v1/items/${parks.itemId}/csv?layers=${parks.layer}&redirect=false`;
    const states: Loose[] = [];
    for (let i = 0; i < 4; i++) states.push(await getJson(portal, url));
    assert.deepEqual(states.map((s) => s.status), ['Pending', 'PagingData', 'Completed', 'Completed']);
    assert.equal(states[1].recordCount, parks.rowCount);
    assert.equal(states[3].cacheStatus, 'ready');
    const file = await fetchText(portal, states[2].resultUrl.slice(portal.baseUrl.length));
    assert.equal(file.status, 200);
    assert.equal(file.text.trim().split(/\r?\n/).length, parks.rowCount + 1);
    const shapefile = await fetchText(portal, `/api/download/v1/items/${parks.itemId}/shapefile?layers=${parks.layer}`);
    assert.equal(shapefile.status, 400);
  });
});
