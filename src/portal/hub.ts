// ArcGIS Hub portal: the catalog from the site's DCAT-US 1.1 feed (any DCAT-US
// `data.json` works), categories from the Hub Search API when the site offers it, and
// data from each dataset's FeatureServer layer.

import {
  hubCountParams, hubDistinctCountParams, hubDownloadUrl, hubObjectIdBatchParams, hubObjectIdsParams, hubQueryParams, hubQueryUrl, hubStatisticsParams,
  pagesByObjectId, type HubQueryTarget,
} from '../query/compile';
import type { DatasetQuery } from '../query/model';
import { setCell } from './cells';
import { DownloadTables } from './download';
import { PortalError, redactUrl } from './errors';
import { esriToGeoJson } from './esriGeometry';
import { decodeFeaturePbf } from './featurePbf';
import { decodeBody, parseJsonResponse, type BytesResponse, type HttpRequest, type PortalHttp } from './http';
import { attributeOf, idWindow, IdLists, orderedObjectIds, readObjectIds, sortsByObjectId, type IdSource } from './idPaging';
import { PromiseCache } from '../util/promiseCache';
import { asArray, asObject, optionalNumber, optionalString, parseExtent, stringList, type JsonObject } from './shape';
import type {
  CellValue,
  DataRow,
  DatasetDownload,
  DatasetField,
  DatasetSchema,
  DatasetSummary,
  DownloadFormat,
  FieldKind,
  GeoJsonGeometry,
  LeftOutItem,
  LeftOutReason,
  ListingNotes,
  GeometryKind,
  Portal,
  PortalConfig,
  QueryCapabilities,
  RawRowPage,
  SchemaLimits,
  RowPage,
  StatisticsRequest,
  StatisticsSupport,
  StatisticsTable,
} from './types';


export const DCAT_FEED_PATH = '/api/feed/dcat-us/1.1.json';
/** The Hub Search API (OGC API Records); `/collections` lists the collections of the site's catalog. */
const SEARCH_API_PATH = '/api/search/v1';
const SEARCH_PAGE = 100;
/** DCAT themes that say nothing about the subject. */
const UNINFORMATIVE_THEMES = new Set(['geospatial', 'dataset', '']);

/** ArcGIS clients send a query as a form POST once its URL would pass this length (the ArcGIS
 * API for JavaScript's `maxUrlLength`); servers answer 414 to GETs far shorter than an
 * outFields list of thousands of field names, or a where clause of many filters. */
export const MAX_GET_URL_CHARS = 2000;

/** A layer `/query` request: a GET while its URL is short, else the same parameters POSTed. */
export function layerQuery(layerUrl: string, params: URLSearchParams, signal?: AbortSignal): HttpRequest {
  const url = `${layerUrl}/query`;
  const form = params.toString();
  if (url.length + 1 + form.length <= MAX_GET_URL_CHARS) return { url, searchParams: params, signal };
  return { url, method: 'POST', body: form, contentType: 'application/x-www-form-urlencoded', signal };
}

export interface Credentials {
  /** Returns the portal's token, or undefined. Read at send time so a token change applies at once. */
  token(): Promise<string | undefined>;
}

export class HubPortal implements Portal {
  private readonly schemas = new PromiseCache<string, DatasetSchema>();
  /** Layers' query capabilities once read, for the synchronous `queryUrl`. */
  private readonly capabilities = new Map<string, QueryCapabilities>();
  /** ArcGIS servers (see arcgisServer) that ignored the token header: they get it in a form body. */
  private readonly tokenInForm = new Set<string>();
  /** Layers whose `f=pbf` answers could not be read: they get JSON for the rest of the session. */
  private readonly pbfUnreadable = new Set<string>();
  /** Object id lists of layers paged by id (ArcGIS Server 10.x). */
  private readonly idLists = new IdLists();
  /** Datasets the catalog offers only as CSV/JSON files. */
  private readonly downloads: DownloadTables;
  /** The items URL of the site's own dataset collection, found once per portal. */
  private readonly siteCollection = new PromiseCache<string, string>();

  constructor(
    readonly config: PortalConfig,
    private readonly http: PortalHttp,
    private readonly credentials: Credentials,
  ) {
    this.downloads = new DownloadTables(http);
  }

  /** Site root, without a trailing slash, even when the setting names the feed itself. */
  get siteUrl(): string {
    const url = this.config.url.replace(/\/+$/, '');
    const feed = url.match(/^(.*?)(\/api\/feed\/dcat-us\/1\.1\.json|\/data\.json)$/i);
    return feed ? feed[1] : url;
  }

  private get feedUrl(): string {
    const url = this.config.url.replace(/\/+$/, '');
    return /\.json$/i.test(url) ? url : `${url}${DCAT_FEED_PATH}`;
  }

  async listDatasets(signal?: AbortSignal): Promise<DatasetSummary[]> {
    const [feed, search] = await Promise.all([
      this.http.json({ url: this.feedUrl, signal, conditional: true }, (v) => asArray(asObject(v, 'the DCAT feed').dataset, 'the feed\'s dataset list')),
      this.searchCategories(signal),
    ]);
    const datasets: DatasetSummary[] = [];
    const leftOut: LeftOutItem[] = [];
    const seen = new Set<string>();
    for (const entry of feed) {
      const read = this.fromDcat(entry, search.categories);
      if ('leftOut' in read) leftOut.push(read.leftOut);
      else if (!seen.has(read.id)) {
        seen.add(read.id);
        datasets.push(read);
      }
    }
    this.listingNotes = { leftOut, groupsUnavailable: search.unavailable };
    return datasets;
  }

  /** What the last listing left out of the catalog, and why (the extension logs it). */
  listingNotes: ListingNotes | undefined;

  /** itemId -> categories from the Hub Search API; empty when the site has none (a plain DCAT
   * catalog), with the reason when the site should have them and they could not be read. */
  private async searchCategories(signal?: AbortSignal): Promise<{ categories: Map<string, string[]>; unavailable?: string }> {
    const categories = new Map<string, string[]>();
    if (/\.json$/i.test(this.config.url)) return { categories };
    try {
      let next: string | undefined = `${await this.siteCollectionItems(signal)}?limit=${SEARCH_PAGE}&startindex=1`;
      for (let pages = 0; next && pages < 50; pages++) {
        const page: JsonObject = await this.http.json({ url: next, signal, conditional: true }, (v) => asObject(v, 'the search page'));
        for (const feature of asArray(page.features ?? [], 'features')) {
          const f = asObject(feature, 'a search result');
          const props = asObject(f.properties ?? {}, 'properties');
          const id = optionalString(f.id) ?? optionalString(props.id);
          const cats = stringList(props.categories).map((c) => c.split('/').filter(Boolean).pop() ?? c).filter((c) => c.toLowerCase() !== 'categories');
          if (id && cats.length) categories.set(id.split('_')[0], cats);
        }
        const link = asArray(page.links ?? [], 'links').map((l) => asObject(l, 'link')).find((l) => l.rel === 'next');
        next = optionalString(link?.href);
      }
    } catch (error) {
      // Categories only improve the grouping: the catalog still lists, grouped by the feed's
      // themes, and the tree says why the site's categories are missing.
      if (error instanceof PortalError && error.kind === 'cancelled') throw error;
      return { categories, unavailable: error instanceof Error ? error.message : String(error) };
    }
    return { categories };
  }

  /** The items URL of the site's own dataset collection. A Hub site searches its catalog's
   * collections, which the Search API lists at `/api/search/v1/collections`, each under an id
   * of the site's (OKC: `collectiondm3n84mi`) and a `key` naming its kind. The well-known
   * `dataset` id answers 404 on a site whose catalog names it otherwise, and `all` is every
   * public item of ArcGIS Online, so neither is used. */
  private siteCollectionItems(signal?: AbortSignal): Promise<string> {
    const api = `${this.siteUrl}${SEARCH_API_PATH}`;
    return this.siteCollection.get(api, async () => {
      const listing = await this.http.json({ url: `${api}/collections`, signal, conditional: true }, (v) =>
        asArray(asObject(v, 'the collection list').collections, 'the collection list\'s collections'));
      const items = siteDatasetCollection(listing, api);
      if (!items) throw new PortalError('notFound', 'The site\'s catalog lists no dataset collection.', { url: `${api}/collections` });
      return items;
    });
  }

  private fromDcat(value: unknown, categories: Map<string, string[]>): DatasetSummary | { leftOut: LeftOutItem } {
    const d = asObject(value, 'a DCAT dataset');
    const title = optionalString(d.title);
    const identifier = optionalString(d.identifier) ?? optionalString(d['@id']);
    if (!title || !identifier) return { leftOut: { title: title ?? identifier ?? '?', reason: 'noIdentity' } };
    const distributions = Array.isArray(d.distribution) ? d.distribution.filter((x): x is JsonObject => !!x && typeof x === 'object') : [];
    const services = distributions.filter(isServiceDistribution);
    const service = services.find((x) => LAYER_URL.test(String(x.accessURL ?? ''))) ?? services[0];
    const apiUrl = optionalString(service?.accessURL);
    const layerMatch = apiUrl?.match(LAYER_URL);
    const downloads: DatasetDownload[] = [];
    for (const x of distributions) {
      // A service answers JSON too, but its description, not a list of records.
      if (isServiceDistribution(x)) continue;
      const url = optionalString(x.downloadURL) ?? optionalString(x.accessURL);
      const format = downloadFormat(`${x.format ?? ''} ${x.mediaType ?? ''} ${x.title ?? ''}`);
      if (url && format) downloads.push({ format, url });
    }
    // A service-level item (no layer), a map or image service, or an app has no rows to
    // query; a generic DCAT dataset with CSV/JSON downloads is kept for its metadata and downloads.
    if (!layerMatch && !downloads.some((x) => x.format === 'csv' || x.format === 'json')) {
      const serviceType = apiUrl?.match(/\/(\w+Server)\/?$/i)?.[1];
      const reason: LeftOutReason = !serviceType ? 'noData' : /^FeatureServer$/i.test(serviceType) ? 'serviceItem' : 'notFeatureService';
      return { leftOut: { title, reason, serviceType, url: apiUrl ?? optionalString(d.landingPage) } };
    }
    const itemId = identifier.match(/[?&]id=([0-9a-f]{32})/i)?.[1];
    const sublayer = identifier.match(/[?&]sublayer=(\d+)/i)?.[1] ?? layerMatch?.[1];
    const id = itemId ? (sublayer !== undefined ? `${itemId}_${sublayer}` : itemId) : identifier;
    const keywords = stringList(d.keyword);
    const themes = stringList(d.theme).filter((t) => !UNINFORMATIVE_THEMES.has(t.toLowerCase()));
    const groups = (itemId && categories.get(itemId)) || (themes.length ? themes : keywords.slice(0, 1));
    const contact = d.contactPoint && typeof d.contactPoint === 'object' ? (d.contactPoint as JsonObject) : undefined;
    const landing = optionalString(d.landingPage) ?? optionalString(distributions.find((x) => /text\/html/i.test(String(x.mediaType)))?.accessURL);
    return {
      portal: this.config.name,
      id,
      title,
      description: optionalString(d.description) ?? '',
      groups: groups.length ? groups : ['Other'],
      keywords,
      license: optionalString(d.license),
      updateFrequency: optionalString(d.accrualPeriodicity) ?? statedFrequency(optionalString(d.description)) ?? keywordFrequency(keywords),
      publisher: optionalString((d.publisher as JsonObject | undefined)?.name),
      contact: contact ? { name: optionalString(contact.fn), email: optionalString(contact.hasEmail)?.replace(/^mailto:/i, '') } : undefined,
      issued: optionalString(d.issued),
      modified: optionalString(d.modified),
      landingPage: landing,
      apiUrl: apiUrl?.replace(/\/+$/, ''),
      downloads,
      geometry: stringList(d.theme).some((t) => t.toLowerCase() === 'geospatial') || parseExtent(d.spatial) ? 'unknown' : 'none',
      extent: parseExtent(d.spatial),
    };
  }

  getSchema(dataset: DatasetSummary, signal?: AbortSignal, limits?: SchemaLimits): Promise<DatasetSchema> {
    if (!hasLayer(dataset)) return this.downloads.schema(dataset, signal);
    if (limits?.maxBytes === undefined) return this.schemas.get(dataset.id, () => this.fetchSchema(dataset, signal));
    // A bounded read is not shared while in flight: a panel opened meanwhile must not fail
    // because the index would not read a big layer description.
    return this.schemas.peek(dataset.id) ?? this.fetchSchema(dataset, signal, limits.maxBytes).then((schema) => {
      this.schemas.offer(dataset.id, schema);
      return schema;
    });
  }

  forget(dataset: DatasetSummary): void {
    this.schemas.delete(dataset.id);
    this.idLists.forget(dataset.id);
    this.downloads.forget(dataset);
  }

  private async fetchSchema(dataset: DatasetSummary, signal?: AbortSignal, maxBytes?: number): Promise<DatasetSchema> {
    const layerUrl = this.layerUrl(dataset);
    const params = new URLSearchParams({ f: 'json' });
    const countParams = new URLSearchParams({ f: 'json', where: '1=1', returnCountOnly: 'true' });
    const [layer, recordCount] = await Promise.all([
      this.layerJson({ url: layerUrl, searchParams: params, signal, conditional: true, maxBytes }, (v) => {
        const o = asObject(v, 'the layer description');
        asArray(o.fields, 'the layer\'s fields');
        return o;
      }),
      // The size is part of what a user weighs before opening a dataset; a failed count
      // must not hide the schema.
      this.layerJson({ url: `${layerUrl}/query`, searchParams: countParams, signal }, (v) => optionalNumber(asObject(v, 'the count answer').count))
        .catch(() => undefined),
    ]);
    const fields = (layer.fields as unknown[]).map((f) => esriField(asObject(f, 'a field')));
    const geometry = esriGeometryKind(layer.geometryType);
    if (geometry !== 'none') fields.push({ name: 'Shape', kind: 'geometry', nativeType: String(layer.geometryType) });
    const editDate = optionalNumber((layer.editingInfo as JsonObject | undefined)?.lastEditDate);
    const queryCapabilities = readQueryCapabilities(layer);
    this.capabilities.set(dataset.id, queryCapabilities);
    return {
      fields,
      objectIdField: optionalString(layer.objectIdField) ?? fields.find((f) => f.kind === 'oid')?.name,
      geometry,
      maxRecordCount: optionalNumber(layer.maxRecordCount),
      recordCount,
      extent: parseExtent(layer.extent),
      lastEdit: editDate !== undefined ? new Date(editDate).toISOString() : undefined,
      copyright: optionalString(layer.copyrightText),
      description: optionalString(layer.description),
      statisticsSupport: statisticsSupport(layer),
      queryCapabilities,
    };
  }

  async queryPage(dataset: DatasetSummary, query: DatasetQuery, offset: number, count: number, signal?: AbortSignal): Promise<RowPage> {
    if (!hasLayer(dataset)) return this.downloads.page(dataset, query, offset, count, signal);
    const wantGeometry = wantsGeometry(query);
    const target = await this.target(dataset, signal);
    if (pagesByObjectId(target)) return this.objectIdPage(dataset, target, query, offset, count, signal);
    let pbfRefused = false;
    if (wantGeometry && query.compactGeometry && target.capabilities?.pbf && !this.pbfUnreadable.has(target.layerUrl)) {
      const pbf = await this.pbfPage(dataset, target, query, offset, count, signal);
      if ('page' in pbf) return pbf.page;
      pbfRefused = pbf.refused;
    }
    const request = this.pageRequest(target, query, offset, count, wantGeometry, signal);
    const page = await this.layerJson(request, (v) => readPage(v, readMode(wantGeometry, target)));
    // The server answers as JSON what it refused as PBF: JSON for this layer from now on.
    if (pbfRefused) this.pbfUnreadable.add(target.layerUrl);
    return page;
  }

  /** A geometry page as `f=pbf`: about a fifth of the bytes of JSON and no JSON to parse. An
   * answer that claims to be PBF but cannot be read makes the layer use JSON for the session;
   * one the server refused (an ArcGIS error object: a server that lists PBF but not the
   * quantization asked, say) is asked again as JSON, whose answer decides. Other failures (a
   * web page, the network, time) fail as the JSON path would, with the same messages. */
  private async pbfPage(dataset: DatasetSummary, target: LayerTarget, query: DatasetQuery, offset: number, count: number, signal?: AbortSignal): Promise<{ page: RowPage } | { refused: boolean }> {
    const params = hubQueryParams(query, target, { offset, count });
    params.set('f', 'pbf');
    params.set('returnGeometry', 'true');
    params.set('quantizationParameters', JSON.stringify(pbfQuantization(dataset.extent)));
    const request = layerQuery(target.layerUrl, params, signal);
    let read: Awaited<ReturnType<typeof readPbfAnswer>>;
    try {
      read = await this.layerSend(request, async (sent) => readPbfAnswer(await this.http.bytes(sent), request.url));
    } catch (error) {
      if (error instanceof PortalError && (error.kind === 'refused' || error.kind === 'rejected')) return { refused: true };
      throw error;
    }
    if ('page' in read) return read;
    this.pbfUnreadable.add(target.layerUrl);
    return { refused: false };
  }

  async queryPageRaw(dataset: DatasetSummary, query: DatasetQuery, offset: number, count: number, signal?: AbortSignal): Promise<RawRowPage | undefined> {
    if (!hasLayer(dataset)) return undefined;
    const wantGeometry = wantsGeometry(query);
    const target = await this.target(dataset, signal);
    // Geometry comes raw only as GeoJSON pages by offset: esri geometry is converted while
    // parsing, and id batches are asked for as esri JSON.
    if (wantGeometry && (target.capabilities?.geoJson === false || pagesByObjectId(target))) return undefined;
    let request: HttpRequest;
    if (pagesByObjectId(target)) {
      // The raw bytes are written in the order the server sends them: only a server that
      // orders each batch by object id, for a query in object id order, can hand them over.
      if (!target.capabilities?.orderBy || !target.objectIdField || !sortsByObjectId(query.sort, target.objectIdField) || query.sort?.[0]?.descending) return undefined;
      const window = await this.objectIdWindow(dataset, target, query, offset, count, signal);
      if (!window.ids.length) return undefined;
      request = this.objectIdBatchRequest(target, query, window.ids, query.fields, signal);
    } else {
      request = this.pageRequest(target, query, offset, count, wantGeometry, signal);
    }
    // The schema read before (target) learnt how this server takes the token.
    const response = await this.http.bytes(await this.withToken(request));
    const mode = readMode(wantGeometry, target);
    return { format: wantGeometry ? 'geojson' : 'esri-json', bytes: response.bytes, parse: () => parseJsonResponse(decodeBody(response), request.url, (v) => readPage(v, mode)) };
  }

  private pageRequest(target: LayerTarget, query: DatasetQuery, offset: number, count: number, wantGeometry: boolean, signal?: AbortSignal): HttpRequest {
    const params = hubQueryParams(query, target, { offset, count });
    // GeoJSON carries WGS84 geometry in a form every consumer reads; without geometry the
    // esri JSON form is smaller and keeps the same attributes. A layer without geoJSON gives
    // esri geometry in WGS84 (outSR), converted in readPage.
    params.set('f', wantGeometry && target.capabilities?.geoJson !== false ? 'geojson' : 'json');
    params.set('returnGeometry', String(wantGeometry));
    return layerQuery(target.layerUrl, params, signal);
  }

  /** One page of a layer paged by object id: the page's ids from the query's id list, their
   * rows in one request, put back in the list's order. */
  private async objectIdPage(dataset: DatasetSummary, target: LayerTarget, query: DatasetQuery, offset: number, count: number, signal?: AbortSignal): Promise<RowPage> {
    const window = await this.objectIdWindow(dataset, target, query, offset, count, signal);
    if (!window.ids.length) return { rows: [], more: false };
    const oid = target.objectIdField!;
    const asked = query.fields?.length ? query.fields : undefined;
    const addOid = !!asked && !asked.some((f) => f.toLowerCase() === oid.toLowerCase());
    const request = this.objectIdBatchRequest(target, query, window.ids, addOid ? [...asked!, oid] : asked, signal);
    const page = await this.layerJson(request, (v) => readPage(v, readMode(wantsGeometry(query), target)));
    const byId = new Map<number, DataRow>();
    for (const row of page.rows) byId.set(Number(attributeOf(row.attributes, oid)), row);
    const rows: DataRow[] = [];
    for (const id of window.ids) {
      const row = byId.get(id);
      if (!row) continue;
      if (addOid) for (const key of Object.keys(row.attributes)) if (key.toLowerCase() === oid.toLowerCase()) delete row.attributes[key];
      rows.push(row);
    }
    return { rows, more: window.more };
  }

  private async objectIdWindow(dataset: DatasetSummary, target: LayerTarget, query: DatasetQuery, offset: number, count: number, signal?: AbortSignal) {
    const oid = target.objectIdField;
    if (!oid) throw new PortalError('rejected', 'This layer cannot page its rows: it has no object id field and no resultOffset.');
    const batch = Math.max(1, target.maxRecordCount ?? 1000);
    const key = JSON.stringify([query.filters ?? [], query.join ?? 'and', query.spatial ?? null, query.sort ?? []]);
    const source: IdSource = {
      objectIdField: oid,
      batchSize: batch,
      listIds: async (s) => {
        const params = hubObjectIdsParams(query, target);
        return this.layerJson(layerQuery(target.layerUrl, params, s), readObjectIds);
      },
      attributes: async (ids, fields, s) => {
        const request = this.objectIdBatchRequest(target, { returnGeometry: false }, ids, [oid, ...fields.filter((f) => f.toLowerCase() !== oid.toLowerCase())], s);
        return (await this.layerJson(request, (v) => readPage(v, 'attributes'))).rows.map((r) => r.attributes);
      },
    };
    const ids = await this.idLists.get(dataset.id, key, () => orderedObjectIds(source, query.sort, signal));
    return idWindow(ids, query.offset, query.limit, offset, Math.min(count, batch));
  }

  /** A batch of ids goes in a form body: a thousand ids make a URL longer than servers take. */
  private objectIdBatchRequest(target: LayerTarget, query: DatasetQuery, ids: number[], fields: string[] | undefined, signal?: AbortSignal): HttpRequest {
    const params = hubObjectIdBatchParams(query, target, ids, fields);
    return { url: `${target.layerUrl}/query`, method: 'POST', body: params.toString(), contentType: 'application/x-www-form-urlencoded', signal };
  }

  async countRows(dataset: DatasetSummary, query: DatasetQuery, signal?: AbortSignal): Promise<number> {
    if (!hasLayer(dataset)) return this.downloads.count(dataset, query, signal);
    const target = await this.target(dataset, signal);
    const params = hubCountParams(query, target);
    return this.layerJson(layerQuery(target.layerUrl, params, signal), (v) => {
      const count = optionalNumber(asObject(v, 'the count answer').count);
      if (count === undefined) throw new Error('no count in the answer');
      return count;
    });
  }

  async queryStatistics(dataset: DatasetSummary, query: DatasetQuery, request: StatisticsRequest, signal?: AbortSignal): Promise<StatisticsTable> {
    const target = await this.target(dataset, signal);
    const params = hubStatisticsParams(query, target, request);
    const columns = [...(request.groupBy ?? []), ...request.statistics.map((s) => s.outName)];
    return this.layerJson(layerQuery(target.layerUrl, params, signal), (v) => readStatistics(v, columns));
  }

  async countDistinct(dataset: DatasetSummary, query: DatasetQuery, field: string, signal?: AbortSignal): Promise<number> {
    const target = await this.target(dataset, signal);
    const params = hubDistinctCountParams(query, target, field);
    return this.layerJson(layerQuery(target.layerUrl, params, signal), (v) => {
      const count = optionalNumber(asObject(v, 'the distinct count answer').count);
      // A server that ignores returnDistinctValues answers with the plain row count or rows: refuse
      // anything but a count so a wrong figure is never shown as the distinct count.
      if (count === undefined) throw new Error('no count in the answer');
      return count;
    });
  }

  queryUrl(dataset: DatasetSummary, query: DatasetQuery): string {
    if (!hasLayer(dataset)) return DownloadTables.source(dataset)?.url ?? dataset.landingPage ?? this.siteUrl;
    return hubQueryUrl(query, { layerUrl: this.layerUrl(dataset), capabilities: this.capabilities.get(dataset.id) });
  }

  feedbackUrl(dataset: DatasetSummary): string {
    // Hub dataset pages carry the owner's contact and feedback form on their About tab.
    return `${dataset.landingPage ?? `${this.siteUrl}/datasets/${dataset.id}`}/about`;
  }

  /** Download API link for a whole-dataset file, when the catalog did not list one. */
  downloadUrl(dataset: DatasetSummary, format: 'csv' | 'geojson'): string {
    const listed = dataset.downloads.find((x) => x.format === format);
    if (listed) return listed.url;
    const [itemId, layer = '0'] = dataset.id.split('_');
    return hubDownloadUrl(this.siteUrl, itemId, layer, format);
  }

  private layerUrl(dataset: DatasetSummary): string {
    if (!hasLayer(dataset)) {
      throw new PortalError('rejected', 'This dataset has no FeatureServer layer to query; use its download links.');
    }
    return dataset.apiUrl;
  }

  private async target(dataset: DatasetSummary, signal?: AbortSignal): Promise<LayerTarget> {
    const schema = await this.getSchema(dataset, signal);
    const fieldTypes: Record<string, FieldKind> = {};
    for (const f of schema.fields) fieldTypes[f.name] = f.kind;
    return {
      layerUrl: this.layerUrl(dataset),
      objectIdField: schema.objectIdField,
      maxRecordCount: schema.maxRecordCount,
      fieldTypes,
      capabilities: schema.queryCapabilities,
    };
  }

  /** A layer request answered as JSON, with the portal's token (see withToken). A server that
   * answers 499 Token Required to the header ignores it (10.x): the request goes again as a
   * POST with the token in the form body, as every later one to that server does. */
  private async layerJson<T>(request: HttpRequest, check: (value: unknown) => T): Promise<T> {
    return this.layerSend(request, (sent) => this.http.json(sent, check));
  }

  /** Sends a layer request with the token as layerJson describes, through `send`. */
  private async layerSend<T>(request: HttpRequest, send: (sent: HttpRequest) => Promise<T>): Promise<T> {
    const server = arcgisServer(request.url);
    const tokenInForm = this.tokenInForm.has(server);
    const sent = await this.withToken(request);
    try {
      return await send(sent);
    } catch (error) {
      if (tokenInForm || sent === request || !(error instanceof PortalError && error.details.status === 499)) throw error;
      this.tokenInForm.add(server);
      return send(await this.withToken(request));
    }
  }

  /** The request with the portal's token, never in the URL: proxies, and VS Code's own proxy
   * resolver at debug level, log request URLs. ArcGIS Online and Enterprise read it from the
   * X-Esri-Authorization header; servers known to ignore that get it in a POST form body. */
  private async withToken(request: HttpRequest): Promise<HttpRequest> {
    const token = await this.credentials.token();
    if (!token) return request;
    if (!this.tokenInForm.has(arcgisServer(request.url))) {
      return { ...request, headers: { ...request.headers, 'X-Esri-Authorization': `Bearer ${token}` } };
    }
    const form = new URLSearchParams(request.body ?? request.searchParams);
    form.set('token', token);
    return { ...request, method: 'POST', searchParams: undefined, body: form.toString(), contentType: 'application/x-www-form-urlencoded', conditional: false };
  }
}

/** The ArcGIS server a layer URL belongs to (all before `/rest/services`): the unit that does
 * or does not read the token header. */
function arcgisServer(url: string): string {
  const at = url.search(/\/rest\/services\//i);
  return at < 0 ? url : url.slice(0, at);
}

/** The items URL of the dataset collection in a Search API collection list: the one whose
 * `key` is `dataset` (the site's catalog), else one whose id is `dataset`; never `all`. A
 * listed `items` link is used only when it stays on the site. */
export function siteDatasetCollection(collections: unknown[], api: string): string | undefined {
  const entries = collections.filter((c): c is JsonObject => !!c && typeof c === 'object' && typeof (c as JsonObject).id === 'string' && (c as JsonObject).id !== 'all');
  const chosen = entries.find((c) => String(c.key ?? '').toLowerCase() === 'dataset') ?? entries.find((c) => String(c.id).toLowerCase() === 'dataset');
  if (!chosen) return undefined;
  const fallback = `${api}/collections/${encodeURIComponent(String(chosen.id))}/items`;
  const listed = Array.isArray(chosen.links) ? chosen.links.find((l): l is JsonObject => !!l && typeof l === 'object' && (l as JsonObject).rel === 'items') : undefined;
  const href = optionalString(listed?.href);
  try {
    return href && new URL(href).origin === new URL(api).origin ? href.replace(/[?#].*$/, '') : fallback;
  } catch {
    return fallback;
  }
}

/** `.../FeatureServer/3` or `.../MapServer/3`: a layer with rows to query. */
const LAYER_URL = /\/(?:Feature|Map)Server\/(\d+)\/?$/i;

/** A distribution that names an ArcGIS service (any kind) rather than a file. Current feeds
 * say "ArcGIS GeoServices REST API"; older ones say "Esri REST" (with `application/json`). */
function isServiceDistribution(x: JsonObject): boolean {
  return /ArcGIS GeoServices REST API|Esri REST/i.test(String(x.format ?? '')) || /\/rest\/services\/.*\/\w+Server(\/\d+)?\/?$/i.test(String(x.accessURL ?? ''));
}

type LayerTarget = HubQueryTarget & { layerUrl: string };

/** What a layer's description says its `/query` accepts. A property a server does not write
 * is a capability it lacks: 10.x layers have no supportsPagination and list `JSON, AMF`. */
export function readQueryCapabilities(layer: JsonObject): QueryCapabilities {
  const advanced = layer.advancedQueryCapabilities && typeof layer.advancedQueryCapabilities === 'object' ? (layer.advancedQueryCapabilities as JsonObject) : undefined;
  const formats = String(layer.supportedQueryFormats ?? '').split(',').map((f) => f.trim().toLowerCase());
  return {
    geoJson: formats.includes('geojson'),
    pagination: layer.supportsPagination === true || advanced?.supportsPagination === true,
    orderBy: advanced ? advanced.supportsOrderBy === true : layer.supportsAdvancedQueries === true,
    ...(advanced?.supportsQueryWithResultType === true && positiveNumber(layer.standardMaxRecordCount) ? { standardMaxRecordCount: layer.standardMaxRecordCount as number } : {}),
    ...(advanced?.supportsMaxRecordCountFactor === true ? { maxRecordCountFactor: true } : {}),
    ...(formats.includes('pbf') ? { pbf: true } : {}),
  };
}

function positiveNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Quantization steps of `f=pbf` pages: 1e-7 degrees is about a centimetre, so no point moves
 * on the map. Integers are measured from the extent's top-left corner and must stay within
 * sint32, so over a wider extent (or none known: the world) the step grows to fit. */
const PBF_STEP_DEGREES = 1e-7;
const PBF_LARGEST_INTEGER = 2 ** 31 - 1;

export function pbfQuantization(extent: [number, number, number, number] | undefined): Record<string, unknown> {
  const [xmin, ymin, xmax, ymax] = extent && extent.every(Number.isFinite) && extent[2] > extent[0] && extent[3] > extent[1] ? extent : [-180, -90, 180, 90];
  const tolerance = Math.max(PBF_STEP_DEGREES, Math.max(xmax - xmin, ymax - ymin) / PBF_LARGEST_INTEGER * 1.01);
  return { mode: 'view', originPosition: 'upperLeft', tolerance, extent: { xmin, ymin, xmax, ymax, spatialReference: { wkid: 4326 } } };
}

/** An `f=pbf` answer read: rows, or, when it is not readable PBF, why. A body that is text (an
 * ArcGIS error object, a web page) fails as on the JSON path, with the same messages; JSON
 * without an error (a server that ignored f=pbf) is unreadable too, never read as rows. */
export function readPbfAnswer(response: BytesResponse, url: string): { page: RowPage } | { unreadable: PortalError } {
  let first = 0;
  while (first < response.bytes.length && first < 64 && /\s/.test(String.fromCharCode(response.bytes[first]))) first++;
  // '{' and '<' open no protocol buffer message (they would be group wire types, unused in proto3).
  const textual = /json|html|text\//i.test(response.contentType) || response.bytes[first] === 0x7b || response.bytes[first] === 0x3c;
  if (textual) {
    parseJsonResponse(decodeBody(response), url, (v) => v);
    return { unreadable: new PortalError('malformed', 'The portal answered f=pbf with JSON.', { url: redactUrl(url), status: response.status }) };
  }
  try {
    return { page: decodeFeaturePbf(response.bytes, redactUrl(url)) };
  } catch (error) {
    if (error instanceof PortalError) return { unreadable: error };
    throw error;
  }
}

/** How a /query answer is read: attributes only, GeoJSON, or esri JSON with its geometry. */
export type ReadMode = 'attributes' | 'geojson' | 'esri-geometry';

function readMode(wantGeometry: boolean, target: HubQueryTarget): ReadMode {
  if (!wantGeometry) return 'attributes';
  return target.capabilities?.geoJson === false ? 'esri-geometry' : 'geojson';
}

/** A FeatureServer (or MapServer) layer to query, rather than only file downloads. */
function hasLayer(dataset: DatasetSummary): dataset is DatasetSummary & { apiUrl: string } {
  return !!dataset.apiUrl && /\/(Feature|Map)Server\/\d+$/i.test(dataset.apiUrl);
}

function downloadFormat(text: string): DownloadFormat | undefined {
  const t = text.toLowerCase();
  if (/geojson|geo\+json/.test(t)) return 'geojson';
  if (/\bcsv\b|text\/csv/.test(t)) return 'csv';
  if (/shapefile|zip/.test(t)) return 'shapefile';
  if (/kml/.test(t)) return 'kml';
  if (/\bjson\b/.test(t) && !/geoservices/.test(t)) return 'json';
  return undefined;
}

/** OKC writes the cadence into the description: "This dataset is updated on a daily basis." */
function statedFrequency(description: string | undefined): string | undefined {
  const text = description?.replace(/<[^>]*>/g, ' ');
  return text?.match(/This dataset is updated[^.<]*\.?/i)?.[0].trim();
}

/** Some feeds state the cadence ("updated on a daily basis"), sometimes as a keyword. */
function keywordFrequency(keywords: string[]): string | undefined {
  return keywords.find((k) => /\b(daily|weekly|monthly|annual|yearly|hourly|quarterly|as needed|minutes)\b/i.test(k));
}

const ESRI_KINDS: Record<string, FieldKind> = {
  esriFieldTypeOID: 'oid',
  esriFieldTypeInteger: 'integer',
  esriFieldTypeSmallInteger: 'integer',
  esriFieldTypeBigInteger: 'integer',
  esriFieldTypeDouble: 'double',
  esriFieldTypeSingle: 'double',
  esriFieldTypeString: 'string',
  esriFieldTypeDate: 'date',
  esriFieldTypeDateOnly: 'date',
  esriFieldTypeTimestampOffset: 'date',
  esriFieldTypeGUID: 'guid',
  esriFieldTypeGlobalID: 'guid',
  esriFieldTypeGeometry: 'geometry',
};

/** The portal-neutral kind of an ArcGIS field type (`esriFieldTypeDate` -> `date`). */
export function esriFieldKind(type: string): FieldKind {
  return ESRI_KINDS[type] ?? 'other';
}

function esriField(f: JsonObject): DatasetField {
  const nativeType = optionalString(f.type) ?? 'unknown';
  const name = optionalString(f.name);
  if (!name) throw new Error('a field has no name');
  const alias = optionalString(f.alias);
  return {
    name,
    alias: alias && alias !== name ? alias : undefined,
    kind: esriFieldKind(nativeType),
    nativeType,
    description: fieldDescription(f.description),
    length: optionalNumber(f.length),
  };
}

/** Hosted layers wrap field descriptions in a JSON string `{"value": ..., "fieldValueType": ...}`. */
function fieldDescription(value: unknown): string | undefined {
  const text = optionalString(value);
  if (!text?.startsWith('{')) return text;
  try {
    return optionalString((JSON.parse(text) as JsonObject).value);
  } catch {
    return text;
  }
}

function esriGeometryKind(value: unknown): GeometryKind {
  switch (value) {
    case 'esriGeometryPoint':
      return 'point';
    case 'esriGeometryMultipoint':
      return 'multipoint';
    case 'esriGeometryPolyline':
      return 'line';
    case 'esriGeometryPolygon':
    case 'esriGeometryEnvelope':
      return 'polygon';
    case undefined:
    case null:
    case '':
      return 'none';
    default:
      return 'unknown';
  }
}

/** `supportsStatistics` sits at the top of a layer since 10.1; older layers say it only under
 * `advancedQueryCapabilities`. */
function statisticsSupport(layer: JsonObject): StatisticsSupport {
  const advanced = (layer.advancedQueryCapabilities ?? {}) as JsonObject;
  return {
    statistics: (layer.supportsStatistics ?? advanced.supportsStatistics) === true,
    distinct: advanced.supportsDistinct === true,
  };
}

/** A statistics answer as a table in the asked column order. Servers may fold the statistic
 * names' case (PostgreSQL-backed ones answer in lower case), so names match case-insensitively. */
export function readStatistics(value: unknown, columns: string[]): StatisticsTable {
  const body = asObject(value, 'the statistics answer');
  const features = asArray(body.features, 'the statistics answer\'s features');
  const rows = features.map((f) => {
    const attributes = asObject(asObject(f, 'a feature').attributes ?? {}, 'a feature\'s attributes');
    const byLower = new Map(Object.keys(attributes).map((k) => [k.toLowerCase(), k]));
    return columns.map((c) => {
      const key = byLower.get(c.toLowerCase());
      if (key === undefined) throw new Error(`the answer has no column ${c}`);
      return cell(attributes[key]);
    });
  });
  return { columns, rows, more: body.exceededTransferLimit === true };
}

function cell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function wantsGeometry(query: DatasetQuery): boolean {
  return query.returnGeometry ?? query.format === 'geojson';
}

/** A /query answer as rows (exported for the save fast paths' tests, which hold their output to it). */
export function readPage(value: unknown, mode: ReadMode): RowPage {
  const body = asObject(value, 'the query answer');
  const features = asArray(body.features, 'the query answer\'s features');
  const geojson = mode === 'geojson';
  const flags = { hasZ: body.hasZ === true, hasM: body.hasM === true };
  const rows: DataRow[] = features.map((f) => {
    const feature = asObject(f, 'a feature');
    const source = asObject((geojson ? feature.properties : feature.attributes) ?? {}, 'a feature\'s attributes');
    // Parsed JSON attributes are nearly always primitives already: keep the object (a page
    // is thousands of rows, so a copy per row shows in save and preview times) and only
    // flatten the rare nested value in place.
    for (const key in source) {
      const value = source[key];
      if (value !== null && typeof value === 'object') setCell<unknown>(source, key, cell(value));
    }
    const attributes = source as Record<string, CellValue>;
    const row: DataRow = { attributes };
    if (geojson) row.geometry = (feature.geometry as GeoJsonGeometry | null | undefined) ?? null;
    else if (mode === 'esri-geometry') row.geometry = esriToGeoJson(feature.geometry, flags);
    return row;
  });
  const more = geojson
    ? (body.properties as JsonObject | undefined)?.exceededTransferLimit === true || body.exceededTransferLimit === true
    : body.exceededTransferLimit === true;
  return { rows, more };
}
