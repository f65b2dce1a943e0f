// The fake FeatureServer: metadata and /query shapes against the real samples, paging caps,
// counts, ids, ordering, spatial filters, output spatial references, errors and tokens.

import assert from 'node:assert/strict';
import { BIG_TITLE, type FakeDataset } from '../../portal/data';
import { toStatePlane } from '../../portal/geo';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { fetchText, getJson, query, type Loose } from './fake-http';

// Key sets copied from portal-samples/arcgis/query-f-json.json, query-geojson.json and featureserver-layer.json.
const QUERY_JSON_KEYS = ['objectIdFieldName', 'uniqueIdField', 'globalIdFieldName', 'geometryType', 'spatialReference', 'fields', 'exceededTransferLimit', 'features'];
const QUERY_FIELD_KEYS = ['name', 'type', 'alias', 'sqlType', 'domain', 'defaultValue'];
const LAYER_KEYS = ['currentVersion', 'id', 'name', 'type', 'description', 'copyrightText', 'defaultVisibility', 'editingInfo', 'geometryType',
  'extent', 'objectIdField', 'uniqueIdField', 'globalIdField', 'fields', 'maxRecordCount', 'standardMaxRecordCount', 'supportedQueryFormats',
  'capabilities', 'advancedQueryCapabilities', 'hasZ', 'hasM', 'hasAttachments', 'typeIdField', 'displayField', 'indexes', 'types', 'templates',
  'dateFieldsTimeReference', 'supportsAdvancedQueries', 'useStandardizedQueries', 'supportedExportFormats', 'maxRecordCountFactor', 'tileMaxRecordCount'];

describe('fake portal FeatureServer', () => {
  let portal: FakePortal;
  let parks: FakeDataset;
  let big: FakeDataset;
  const q = (ds: FakeDataset, params: Record<string, string | number | boolean>, init?: RequestInit) =>
    getJson(portal, `${ds.layerPath}/query?${query(params)}`, init);

  before(async () => {
    portal = await startFakePortal({ seed: 11 });
    parks = portal.catalog.byTitle('Parks')!;
    big = portal.catalog.byTitle(BIG_TITLE)!;
  });
  after(() => portal.close());

  it('answers the service root and layer metadata like the real samples', async () => {
    const root = await getJson(portal, `${parks.layerPath.replace(/\/\d+$/, '')}?f=json`);
    assert.ok(root.layers.some((l: Loose) => l.id === parks.layer && l.name === 'Parks' && l.geometryType === 'esriGeometryPolygon'));
    assert.equal(root.spatialReference.wkid, 103512);
    assert.equal(root.capabilities, 'Query');
    const land = portal.catalog.byTitle('Land Documents')!;
    const subdivision = await getJson(portal, `${land.layerPath.replace(/\/\d+$/, '')}?f=json`);
    assert.ok(subdivision.tables.some((t: Loose) => t.id === 8 && t.type === 'Table'));
    const layer = await getJson(portal, `${parks.layerPath}?f=json`);
    for (const key of LAYER_KEYS) assert.ok(key in layer, key);
    assert.equal(layer.maxRecordCount, 2000);
    assert.equal(layer.supportedQueryFormats, 'JSON, geoJSON, PBF');
    assert.equal(layer.advancedQueryCapabilities.supportsPagination, true);
    assert.equal(layer.extent.spatialReference.wkid, 103512);
    assert.equal(layer.editingInfo.lastEditDate, parks.lastEditDate);
    assert.deepEqual(layer.fields.map((f: Loose) => f.name), parks.fields.map((f) => f.name));
    const landLayer = await getJson(portal, `${land.layerPath}?f=json`);
    assert.equal(landLayer.maxRecordCount, 1000);
    assert.equal(landLayer.type, 'Table');
  });

  it('returns f=json pages shaped like query-f-json.json, capped at maxRecordCount', async () => {
    const page = await q(parks, { where: '1=1', outFields: '*', resultRecordCount: 5, f: 'json' });
    assert.deepEqual(Object.keys(page), QUERY_JSON_KEYS);
    for (const f of page.fields) for (const key of QUERY_FIELD_KEYS) assert.ok(key in f, key);
    assert.equal(page.features.length, 5);
    assert.deepEqual(Object.keys(page.features[0]), ['attributes', 'geometry']);
    assert.ok(Array.isArray(page.features[0].geometry.rings));
    assert.deepEqual(page.features[0].attributes, parks.rowAt(0).attributes);

    const land = portal.catalog.byTitle('Land Documents')!;
    const capped = await q(land, { where: '1=1', outFields: 'OBJECTID', resultRecordCount: 5000, f: 'json' });
    assert.equal(capped.features.length, 1000);
    assert.equal(capped.exceededTransferLimit, true);
    const last = await q(parks, { where: '1=1', outFields: 'OBJECTID', resultOffset: parks.rowCount - 3, f: 'json' });
    assert.equal(last.features.length, 3);
    assert.ok(!('exceededTransferLimit' in last));
    const exact = await q(parks, { where: '1=1', outFields: 'OBJECTID', resultOffset: 0, resultRecordCount: parks.rowCount, f: 'json' });
    assert.ok(!('exceededTransferLimit' in exact));
  });

  it('pages past maxRecordCount only as resultType and maxRecordCountFactor allow, and refuses other values', async () => {
    const layer = await getJson(portal, `${big.layerPath}?f=json`);
    assert.equal(layer.advancedQueryCapabilities.supportsQueryWithResultType, true);
    assert.equal(layer.advancedQueryCapabilities.supportsMaxRecordCountFactor, true);
    const rows = async (params: Record<string, string | number>) => {
      const page = await q(big, { where: '1=1', outFields: 'OBJECTID', returnGeometry: false, f: 'json', resultRecordCount: 50_000, ...params });
      return { count: page.features.length, more: page.exceededTransferLimit === true, first: page.features[0]?.attributes.OBJECTID };
    };
    assert.deepEqual(await rows({}), { count: layer.maxRecordCount, more: true, first: big.oidAt(0) });
    assert.equal((await rows({ resultType: 'none' })).count, layer.maxRecordCount);
    assert.equal((await rows({ resultType: 'standard' })).count, layer.standardMaxRecordCount);
    assert.equal((await rows({ resultType: 'tile' })).count, layer.tileMaxRecordCount);
    assert.equal((await rows({ maxRecordCountFactor: 5 })).count, 5 * layer.maxRecordCount);
    assert.equal((await rows({ resultType: 'tile', maxRecordCountFactor: 2 })).count, 2 * layer.tileMaxRecordCount);
    // With resultOffset, as the JS API pages a layer: the next rows in order, no fewer than asked.
    const at = 12_345;
    assert.deepEqual(await rows({ maxRecordCountFactor: 3, resultOffset: at, resultRecordCount: 6000 }), { count: 6000, more: true, first: big.oidAt(at) });
    // A layer that does not say it serves them ignores both.
    big.noLargePages = true;
    try {
      const plain = await getJson(portal, `${big.layerPath}?f=json`);
      for (const key of ['standardMaxRecordCount', 'tileMaxRecordCount', 'maxRecordCountFactor']) assert.ok(!(key in plain), key);
      assert.ok(!('supportsMaxRecordCountFactor' in plain.advancedQueryCapabilities) && !('supportsQueryWithResultType' in plain.advancedQueryCapabilities));
      assert.equal((await rows({ resultType: 'standard', maxRecordCountFactor: 5 })).count, layer.maxRecordCount);
    } finally {
      big.noLargePages = undefined;
    }
    for (const bad of [{ resultType: 'big' } as Record<string, string | number>, { maxRecordCountFactor: 6 }, { maxRecordCountFactor: 0 }, { maxRecordCountFactor: 1.5 }]) {
      const error = await q(big, { where: '1=1', f: 'json', ...bad });
      assert.equal(error.error?.code, 400, JSON.stringify(bad));
      assert.equal(error.error.message, 'Cannot perform query. Invalid query parameters.');
      assert.match(error.error.details[0], new RegExp(`'${Object.keys(bad)[0]}' parameter is invalid`));
    }
  });

  it('counts, lists ids, and filters with where', async () => {
    assert.deepEqual(await q(parks, { where: '1=1', returnCountOnly: true, f: 'json' }), { count: parks.rowCount });
    const ids = await q(parks, { where: '1=1', returnIdsOnly: true, f: 'json' });
    assert.deepEqual(Object.keys(ids), ['objectIdFieldName', 'objectIds']);
    assert.equal(ids.objectIds.length, parks.rowCount);
    const wz = portal.catalog.byTitle('Work Zones')!;
    let expected = 0;
    for (let i = 0; i < wz.rowCount; i++) if (wz.attributesAt(i).Worktype === 'Road Construction') expected++;
    const count = await q(wz, { where: "Worktype = 'Road Construction'", returnCountOnly: true, f: 'json' });
    assert.equal(count.count, expected);
    assert.ok(expected > 0 && expected < 213);
  });

  it('orders by several fields, ascending and descending', async () => {
    const wz = portal.catalog.byTitle('Work Zones')!;
    const page = await q(wz, { where: '1=1', outFields: 'Worktype,OBJECTID', orderByFields: 'Worktype ASC, OBJECTID DESC', f: 'json' });
    const rows = page.features.map((f: Loose) => f.attributes);
    assert.equal(rows.length, 213);
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1];
      const b = rows[i];
      const ka = a.Worktype ?? '';
      const kb = b.Worktype ?? '';
      assert.ok(ka < kb || (ka === kb && a.OBJECTID > b.OBJECTID) || (a.Worktype === null && b.Worktype !== null), `${JSON.stringify(a)} before ${JSON.stringify(b)}`);
    }
    const desc = await q(parks, { where: '1=1', outFields: 'OBJECTID', orderByFields: 'OBJECTID DESC', resultRecordCount: 2, f: 'json' });
    assert.deepEqual(desc.features.map((f: Loose) => f.attributes.OBJECTID), [parks.rowCount, parks.rowCount - 1]);
  });

  it('projects geometry: native 103512 feet by default, 4326 on request, GeoJSON with crs when not 4326', async () => {
    const fs = portal.catalog.byTitle('Fire Stations')!;
    const native = await q(fs, { where: 'OBJECTID = 36', outFields: '*', f: 'json' });
    assert.deepEqual(native.spatialReference, { wkid: 103512, latestWkid: 103512 });
    const [x, y] = toStatePlane(-97.59821, 35.54262);
    assert.ok(Math.abs(native.features[0].geometry.x - x) < 1e-6 && Math.abs(native.features[0].geometry.y - y) < 1e-6);
    const wgs = await q(fs, { where: 'OBJECTID = 36', outFields: '*', outSR: 4326, f: 'json' });
    assert.deepEqual(wgs.features[0].geometry, { x: -97.59821, y: 35.54262 });
    const gj = await q(fs, { where: '1=1', outFields: '*', resultRecordCount: 2, f: 'geojson' });
    assert.deepEqual(Object.keys(gj), ['type', 'properties', 'features']);
    assert.deepEqual(gj.properties, { exceededTransferLimit: true });
    assert.deepEqual(Object.keys(gj.features[0]), ['type', 'id', 'geometry', 'properties']);
    assert.deepEqual(gj.features[0].geometry, { type: 'Point', coordinates: [-97.59821, 35.54262] });
    const gjNative = await q(fs, { where: '1=1', outFields: '*', outSR: 103512, f: 'geojson' });
    assert.deepEqual(gjNative.crs, { type: 'name', properties: { name: 'ESRI:103512' } });
    assert.ok(!('properties' in gjNative));
  });

  it('filters by envelope and by distance from a point', async () => {
    const fs = portal.catalog.byTitle('Fire Stations')!;
    const env = await q(fs, { where: '1=1', geometry: '-97.6,35.5,-97.5,35.6', geometryType: 'esriGeometryEnvelope', inSR: 4326, spatialRel: 'esriSpatialRelIntersects', outFields: 'OBJECTID', returnGeometry: false, f: 'json' });
    const expected = [];
    for (let i = 0; i < fs.rowCount; i++) {
      const [lon, lat] = fs.rowAt(i).geometry!.coordinates as number[];
      if (lon >= -97.6 && lon <= -97.5 && lat >= 35.5 && lat <= 35.6) expected.push(fs.oidAt(i));
    }
    assert.ok(expected.length > 0);
    assert.deepEqual(env.features.map((f: Loose) => f.attributes.OBJECTID), expected);
    assert.ok(!('geometry' in env.features[0]));
    const [x, y] = toStatePlane(-97.59821, 35.54262);
    const envNative = await q(fs, { where: '1=1', geometry: JSON.stringify({ xmin: x - 10, ymin: y - 10, xmax: x + 10, ymax: y + 10 }), returnIdsOnly: true, f: 'json' });
    assert.deepEqual(envNative.objectIds, [36]);
    const near = (distance: number, units: string) =>
      q(fs, { where: '1=1', geometry: '-97.59821,35.55', geometryType: 'esriGeometryPoint', inSR: 4326, distance, units, returnCountOnly: true, f: 'json' });
    // Station 30 is 0.00738 degrees of latitude (about 816 m) south of the point.
    assert.equal((await near(700, 'esriSRUnit_Meter')).count, 0);
    assert.equal((await near(900, 'esriSRUnit_Meter')).count, 1);
    assert.equal((await near(0.9, 'esriSRUnit_Kilometer')).count, 1);
    assert.equal((await near(2800, 'esriSRUnit_Foot')).count, 1);
    assert.equal((await near(0.4, 'esriSRUnit_StatuteMile')).count, 0);
    assert.equal((await near(0.6, 'esriSRUnit_StatuteMile')).count, 1);
  });

  it('answers errors as HTTP 200 bodies', async () => {
    const bad = await fetchText(portal, `${parks.layerPath}/query?${query({ where: 'Name = ', f: 'json' })}`);
    assert.equal(bad.status, 200);
    assert.equal(bad.json().error.code, 400);
    assert.ok(Array.isArray(bad.json().error.details));
    const field = await q(parks, { where: '1=1', outFields: 'Nope', f: 'json' });
    assert.match(field.error.details[0], /Invalid field: Nope/);
    const noWhere = await q(parks, { f: 'json' });
    assert.deepEqual(noWhere, { error: { code: 400, message: 'Cannot perform query. Invalid query parameters.', details: ['Unable to perform query. Please check your parameters.', 'No where clause specified.'] } });
    const orderBy = await q(parks, { where: '1=1', orderByFields: 'Bogus DESC', f: 'json' });
    assert.equal(orderBy.error.code, 400);
  });

  it('accepts POST form-encoded queries', async () => {
    const page = await getJson(portal, `${parks.layerPath}/query`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: query({ where: 'OBJECTID <= 3', outFields: 'OBJECTID,Name', f: 'json' }),
    });
    assert.deepEqual(page.features.map((f: Loose) => f.attributes.OBJECTID), [1, 2, 3]);
    assert.deepEqual(Object.keys(page.features[0].attributes), ['OBJECTID', 'Name']);
  });

  it('requires a token on a protected layer', async () => {
    const council = portal.catalog.byTitle('Council Wards')!;
    council.token = 's3cret';
    try {
      assert.deepEqual(await q(council, { where: '1=1', returnCountOnly: true, f: 'json' }), { error: { code: 499, message: 'Token Required' } });
      assert.equal((await q(council, { where: '1=1', returnCountOnly: true, f: 'json', token: 'wrong' })).error.code, 498);
      assert.deepEqual(await q(council, { where: '1=1', returnCountOnly: true, f: 'json', token: 's3cret' }), { count: council.rowCount });
      const count = { where: '1=1', returnCountOnly: true, f: 'json' };
      for (const header of ['X-Esri-Authorization', 'Authorization']) {
        assert.deepEqual(await q(council, count, { headers: { [header]: 'Bearer s3cret' } }), { count: council.rowCount }, header);
        assert.equal((await q(council, count, { headers: { [header]: 'Bearer wrong' } })).error.code, 498, header);
      }
    } finally {
      delete council.token;
    }
  });

  it('takes a token on the 10.x profile in the query or a form body, not in a header', async () => {
    const hydrants = portal.catalog.byTitle('Old Server Fire Hydrants')!;
    hydrants.token = 's3cret';
    try {
      const count = { where: '1=1', returnCountOnly: true, f: 'json' };
      assert.deepEqual(await q(hydrants, count, { headers: { 'X-Esri-Authorization': 'Bearer s3cret' } }), { error: { code: 499, message: 'Token Required' } });
      assert.deepEqual(await q(hydrants, { ...count, token: 's3cret' }), { count: hydrants.rowCount });
      const form = await fetch(`${portal.baseUrl}${hydrants.layerPath}/query`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...count, returnCountOnly: 'true', token: 's3cret' }),
      });
      assert.deepEqual(await form.json(), { count: hydrants.rowCount });
    } finally {
      delete hydrants.token;
    }
  });

  it('pages the million-row dataset at offset 999,000', async () => {
    const page = await q(big, { where: '1=1', outFields: '*', orderByFields: 'OBJECTID ASC', resultOffset: 999_000, resultRecordCount: 1000, f: 'json' });
    assert.equal(page.features.length, 1000);
    assert.equal(page.features[0].attributes.OBJECTID, 999_001);
    assert.equal(page.exceededTransferLimit, undefined);
    assert.deepEqual(await q(big, { where: '1=1', returnCountOnly: true, f: 'json' }), { count: 1_000_000 });
  });

  // How fast the fake answers is measured by bench/where.bench.ts, not asserted here.
  it('sorts the million-row dataset by two keys, NULL lowest', async function () {
    this.timeout(120_000);
    const page = await q(big, { where: '1=1', outFields: 'Category,Amount', orderByFields: 'Category ASC, Amount DESC', resultRecordCount: 50, f: 'json' });
    const rows = page.features.map((f: Loose) => f.attributes);
    assert.equal(rows[0].Category, 'Audit');
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].Amount >= rows[i].Amount);
    const tail = await q(big, { where: '1=1', outFields: 'Status', orderByFields: 'Status DESC', resultOffset: 999_990, f: 'json' });
    assert.deepEqual(tail.features.map((f: Loose) => f.attributes.Status), new Array(10).fill(null));
  });

  it('filters the million-row dataset', async function () {
    this.timeout(120_000);
    const answer = await q(big, { where: "Ward = 3 AND Status = 'Open'", returnCountOnly: true, f: 'json' });
    assert.ok(answer.count > 10000 && answer.count < 60000, String(answer.count));
  });
});
