// The DCAT feed entries that are not one FeatureServer layer each, so the fake's feed has the
// real site's shape: service-level items for multi-layer services, apps, a CSV file item
// (a dataset with no layer, whose codes keep their leading zeros), and older "Esri REST"
// MapServer / ImageServer items. Slug landing pages (`/datasets/{org}::{slug}`) live here too.

import type { FakeCatalog, FakeDataset } from './data';

/** The org key in the real site's slugs is not known; this one is the fake's choice. */
export const ORG_KEY = 'OKC';

/** A CSV file item: the feed lists it with a CSV distribution and no GeoService. */
export interface FeedFile {
  itemId: string;
  title: string;
  description: string;
  keywords: string[];
  fileName: string;
  csv: string;
}

/** An item with no rows to read: an app, or a map / image service described as "Esri REST". */
export interface FeedOther {
  itemId: string;
  title: string;
  description: string;
  kind: 'app' | 'esriRest';
  /** For `esriRest`: the service path under the fake, e.g. `/arcgis/rest/services/Imagery/ImageServer`. */
  servicePath?: string;
}

/** County and ward codes as the city's GIS office publishes them: zero-padded text. */
const CODES_CSV = [
  'ZIP,County,CountyFIPS,StateFIPS,GEOID,WardCode,Households',
  '73008,Oklahoma,109,40,40109,01,2714',
  '73064,Canadian,017,40,40017,03,1841',
  '73099,Canadian,017,40,40017,03,9963',
  '73160,Cleveland,027,40,40027,04,20115',
  '73165,Cleveland,027,40,40027,04,2270',
  '73102,Oklahoma,109,40,40109,06,2480',
  '73044,Logan,083,40,40083,07,3318',
  '74857,Pottawatomie,125,40,40125,08,1702',
  '',
].join('\r\n');

export const FEED_FILES: FeedFile[] = [
  {
    itemId: '5a1c0de5f1b54c0e9d7e2a6b3c4d8e01',
    title: 'ZIP Codes and County FIPS',
    description: '<p>ZIP codes within the city limits with their county and ward codes.</p>',
    keywords: ['Census', 'ZIP', 'FIPS'],
    fileName: 'okc_zip_county_fips.csv',
    csv: CODES_CSV,
  },
];

export const FEED_OTHERS: FeedOther[] = [
  { itemId: 'a9b0c1d2e3f405162738495a6b7c8d01', title: 'Open OKC Dashboard', description: '<p>Key city figures at a glance.</p>', kind: 'app' },
  { itemId: 'a9b0c1d2e3f405162738495a6b7c8d02', title: 'Work Zones Map', description: '<p>Current work zones on a map.</p>', kind: 'app' },
  { itemId: 'a9b0c1d2e3f405162738495a6b7c8d03', title: 'Council Ward Finder', description: '<p>Find your council ward.</p>', kind: 'app' },
  { itemId: 'a9b0c1d2e3f405162738495a6b7c8d04', title: 'Parks Story Map', description: '<p>The city\'s parks, told as a story.</p>', kind: 'app' },
  {
    itemId: 'b1c2d3e4f5a607182930a1b2c3d4e5f6',
    title: 'Aerial Imagery 2025',
    description: '<p>Six-inch aerial photography of the city.</p>',
    kind: 'esriRest',
    servicePath: '/arcgis/rest/services/Imagery/Aerial_2025/ImageServer',
  },
  {
    itemId: 'b1c2d3e4f5a607182930a1b2c3d4e5f7',
    title: 'Zoning Basemap',
    description: '<p>Cached zoning map tiles.</p>',
    kind: 'esriRest',
    servicePath: '/arcgis/rest/services/Planning/Zoning_Basemap/MapServer',
  },
];

export function slugify(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'item';
}

/** Slugs as Hub makes them: unique in the site, later duplicates get `-1`, `-2`, ... */
const slugCache = new WeakMap<FakeCatalog, Map<string, string>>();

export function slugOf(catalog: FakeCatalog, key: string, title: string): string {
  let slugs = slugCache.get(catalog);
  if (!slugs) {
    slugs = new Map();
    slugCache.set(catalog, slugs);
    const used = new Set<string>();
    const claim = (k: string, t: string) => {
      const base = slugify(t);
      let slug = base;
      for (let n = 1; used.has(slug); n++) slug = `${base}-${n}`;
      used.add(slug);
      slugs!.set(k, slug);
    };
    for (const ds of catalog.datasets) claim(ds.hubId, ds.title);
    for (const service of multiLayerServices(catalog)) claim(service.itemId, serviceTitle(service.datasets[0]));
    for (const f of FEED_FILES) claim(f.itemId, f.title);
    for (const o of FEED_OTHERS) claim(o.itemId, o.title);
  }
  return slugs.get(key) ?? slugify(title);
}

/** Items that hold more than one layer get their own feed entry, as in the real feed. */
export function multiLayerServices(catalog: FakeCatalog): { itemId: string; datasets: FakeDataset[] }[] {
  const byItem = new Map<string, FakeDataset[]>();
  for (const ds of catalog.datasets) byItem.set(ds.itemId, [...(byItem.get(ds.itemId) ?? []), ds]);
  return [...byItem].filter(([, list]) => list.length > 1).map(([itemId, datasets]) => ({ itemId, datasets }));
}

export function serviceTitle(ds: FakeDataset): string {
  return ds.service.replace(/_/g, ' ');
}

/** `/datasets/{org}::{slug}` or `/maps/{org}::{slug}` back to what it names. */
export function resolveSlug(catalog: FakeCatalog, slug: string): { dataset?: FakeDataset; file?: FeedFile; other?: FeedOther; service?: string } | undefined {
  slugOf(catalog, '', '');
  const slugs = slugCache.get(catalog)!;
  const key = [...slugs].find(([, s]) => s === slug)?.[0];
  if (!key) return undefined;
  const dataset = catalog.datasets.find((d) => d.hubId === key);
  if (dataset) return { dataset };
  const file = FEED_FILES.find((f) => f.itemId === key);
  if (file) return { file };
  const other = FEED_OTHERS.find((o) => o.itemId === key);
  if (other) return { other };
  return { service: key };
}
