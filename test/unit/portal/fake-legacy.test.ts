// The fake legacy Records API: the real samples' shape and quirks (strings everywhere, Not
// Available, lat,lon,N shapes, name echo), GET options, POST filters / sort / spatial, errors.

import assert from 'node:assert/strict';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { fetchText, getJson, type Loose } from './fake-http';

const RECORDS = '/services/portal/api/data/records/';
// First records of portal-samples/okc-legacy/fire-stations.json and school-district-boundaries.json.
const FIRE_FIELDS = [
  { FieldID: 0, FieldName: 'Object_ID', FieldType: 'System.Int32' }, { FieldID: 1, FieldName: 'Station_Number', FieldType: 'System.Int32' },
  { FieldID: 2, FieldName: 'Station_Address', FieldType: 'System.String' }, { FieldID: 3, FieldName: 'Shape', FieldType: 'Microsoft.SqlServer.Types.SqlGeometry' },
];
const FIRE_FIRST = [['36', '30', '4343 S LAKE HEFNER DR', '35.54262,-97.59821,19'], ['37', '37', '16820 N PENNSYLVANIA AVE', '35.64237,-97.54897,19']];
const SCHOOL_12 = ['12', 'Not Available', 'Deer Creek', '35.62016,-97.62960,12'];

describe('fake portal legacy Records API', () => {
  let portal: FakePortal;
  const post = (name: string, body: unknown, contentType = 'text/json') =>
    fetchText(portal, RECORDS + encodeURIComponent(name), { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });

  before(async () => {
    portal = await startFakePortal({ seed: 9 });
  });
  after(() => portal.close());

  it('matches the real Fire Stations response', async () => {
    const answer = await getJson(portal, `${RECORDS}Fire%20Stations`);
    assert.deepEqual(Object.keys(answer), ['DatasetName', 'RecordID', 'Fields', 'Records']);
    assert.equal(answer.DatasetName, 'Fire Stations');
    assert.equal(answer.RecordID, -1);
    assert.deepEqual(answer.Fields, FIRE_FIELDS);
    assert.deepEqual(answer.Records.slice(0, 2), FIRE_FIRST);
    assert.equal(answer.Records.length, 36);
  });

  it('matches names case-insensitively and echoes the name as sent', async () => {
    const answer = await getJson(portal, `${RECORDS}school%20district%20boundaries?recordID=12`);
    assert.equal(answer.DatasetName, 'school district boundaries');
    assert.equal(answer.RecordID, 12);
    assert.deepEqual(answer.Records, [SCHOOL_12]);
    const trash = await getJson(portal, `${RECORDS}TRASH%20ZONES?schemaOnly=true`);
    assert.equal(trash.DatasetName, 'TRASH ZONES');
    assert.deepEqual(trash.Records, []);
    assert.ok(trash.Fields.length > 2);
  });

  it('sends every value as a string, missing ones as Not Available, shapes as lat,lon,N', async () => {
    const answer = await getJson(portal, `${RECORDS}Parks`);
    const shapeIndex = answer.Fields.findIndex((f: Loose) => f.FieldName === 'Shape');
    let notAvailable = 0;
    for (const record of answer.Records) {
      assert.equal(record.length, answer.Fields.length);
      for (const v of record) assert.equal(typeof v, 'string');
      if (record.includes('Not Available')) notAvailable++;
      const [lat, lon, zoom] = record[shapeIndex].split(',');
      assert.match(lat, /^35\.\d{5}$/);
      assert.match(lon, /^-97\.\d{5}$/);
      assert.ok(Number(zoom) >= 12 && Number(zoom) <= 17);
    }
    assert.ok(notAvailable > 0);
    const types = new Set(answer.Fields.map((f: Loose) => f.FieldType));
    assert.ok(types.has('System.Double') && types.has('System.String') && types.has('System.Int32'));
  });

  it('prints dates the legacy ways', async () => {
    const land = await getJson(portal, `${RECORDS}Land%20Documents?recordID=7`);
    const dateIndex = land.Fields.findIndex((f: Loose) => f.FieldName === 'Date');
    assert.equal(land.Fields[dateIndex].FieldType, 'System.DateTime');
    assert.match(land.Records[0][dateIndex], /^(\w{3} \d\d, \d{4}|Not Available)$/);
    const survey = await getJson(portal, `${RECORDS}Survey%20Primary%20Control%20Points?recordID=3`);
    const setIndex = survey.Fields.findIndex((f: Loose) => f.FieldName === 'DATE_SET');
    assert.match(survey.Records[0][setIndex], /^(\w{3} \d\d \d{4} \d\d:\d\d[AP]M|Not Available)$/);
  });

  it('serves the same rows as the Hub generation', async () => {
    const wz = portal.catalog.byTitle('Work Zones')!;
    const answer = await getJson(portal, `${RECORDS}Work%20Zones`);
    assert.equal(answer.Records.length, 213);
    const names = answer.Fields.map((f: Loose) => f.FieldName);
    const attrs = wz.attributesAt(10);
    assert.equal(answer.Records[10][names.indexOf('Object_ID')], String(attrs.OBJECTID));
    assert.equal(answer.Records[10][names.indexOf('Startdate')], attrs.Startdate);
  });

  it('sorts and intersects with POST, and ignores the undocumented filters', async () => {
    const wz = portal.catalog.byTitle('Work Zones')!;
    // `filters` was never documented: an unknown member, ignored as ASP.NET Web API does.
    const answer = (await post('Work Zones', {
      filters: [{ field: 'worktype', operator: '=', value: 'road construction' }], filterJoin: 'or', orderByField: 'Object_ID', ascending: false,
    })).json();
    const expected: string[] = [];
    for (let i = wz.rowCount - 1; i >= 0; i--) expected.push(String(wz.oidAt(i)));
    assert.deepEqual(answer.Records.map((r: string[]) => r[0]), expected);
    const near = (feet: number) => post('Fire Stations', { spatialFilter: 'POINT(-97.59821 35.55)', bufferDistance: feet });
    assert.deepEqual((await near(2000)).json().Records, []);
    assert.deepEqual((await near(3000)).json().Records, [FIRE_FIRST[0]]);
    const box = (await post('Fire Stations', { spatialFilter: 'POLYGON((-97.6 35.5, -97.5 35.5, -97.5 35.6, -97.6 35.6, -97.6 35.5))', orderByField: 'Station_Number' })).json();
    const numbers = box.Records.map((r: string[]) => Number(r[1]));
    assert.ok(numbers.length > 1);
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
  });

  it('rejects bad requests and unknown datasets with small JSON bodies', async () => {
    const unknown = await fetchText(portal, `${RECORDS}No%20Such%20Thing`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json(), { Message: "Dataset 'No Such Thing' was not found." });
    assert.equal((await post('Fire Stations', { orderByField: 'Nope' })).status, 400);
    assert.equal((await post('Fire Stations', { spatialFilter: 'CIRCLE(1 2)' })).status, 400);
    const broken = await fetchText(portal, `${RECORDS}Fire%20Stations`, { method: 'POST', headers: { 'content-type': 'text/json' }, body: '{nope' });
    assert.equal(broken.status, 400);
  });

  it('lists datasets without a name and at /services/portal/api/datasets/', async () => {
    const list = await getJson(portal, RECORDS);
    assert.equal(list.length, portal.catalog.datasets.length);
    assert.deepEqual(Object.keys(list[0]), ['DatasetName', 'Group', 'Description']);
    assert.ok(list.some((d: Loose) => d.DatasetName === 'Trash Zones'));
    const details = await getJson(portal, '/services/portal/api/datasets/');
    assert.equal(details.length, list.length);
    assert.ok('RecordCount' in details[0] && 'UpdateFrequency' in details[0]);
  });

  it('requires X-Api-Key on a protected dataset', async () => {
    const ds = portal.catalog.byLegacyName('Police Stations')!;
    ds.legacyApiKey = 'k3y';
    try {
      assert.equal((await fetchText(portal, `${RECORDS}Police%20Stations`)).status, 401);
      assert.equal((await fetchText(portal, `${RECORDS}Police%20Stations`, { headers: { 'X-Api-Key': 'k3y' } })).status, 200);
    } finally {
      delete ds.legacyApiKey;
    }
  });

  it('serves the map layer feed and the address search', async () => {
    const layer = await getJson(portal, '/services/portal/api/map/layers/Fire%20Stations?mapScale=9&minLatitude=35.54&maxLatitude=35.55&minLongitude=-97.6&maxLongitude=-97.59');
    assert.deepEqual(layer.Features, [{ ID: 36, GeometryType: 'Point', Geometry: 'POINT (-97.59821 35.54262)', CenterLat: 35.54262, CenterLong: -97.59821 }]);
    const found = await getJson(portal, '/services/portal/api/location/4343%20S%20LAKE%20HEFNER%20DR');
    assert.ok(found.candidates.some((c: Loose) => c.attributes.Ref_ID === 36 && c.score === 100));
  });

  it('serves the human pages', async () => {
    for (const path of ['/portal/page/viewer?datasetName=Fire%20Stations', '/portal/page/catalog', '/portal/page/api']) {
      const page = await fetchText(portal, path);
      assert.equal(page.status, 200, path);
      assert.match(page.headers.get('content-type')!, /text\/html/);
    }
  });
});
