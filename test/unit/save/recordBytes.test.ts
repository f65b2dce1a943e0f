// The JSON and GeoJSON encoders build each record with readers chosen per column; the bytes
// must stay exactly those of the plain way (a fresh object per row, stringified whole, kept
// in geoJsonReference.ts). Checked on awkward rows and on every layer of the fake portal.

import assert from 'node:assert/strict';
import { PortalHttp } from '../../../src/portal/http';
import { HubPortal } from '../../../src/portal/hub';
import type { DataRow, DatasetField, DatasetSchema } from '../../../src/portal/types';
import type { DatasetQuery } from '../../../src/query/model';
import { createEncoder } from '../../../src/save/encoders';
import { planColumns, type ColumnPlan, type SaveFormat } from '../../../src/save/values';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { referenceGeoJson, referenceJson } from './geoJsonReference';

const field = (name: string, kind: DatasetField['kind']): DatasetField => ({ name, kind, nativeType: kind });

/** Integer-like names (JavaScript puts them first in an object), a prototype name, every kind. */
const SCHEMA: DatasetSchema = {
  fields: [
    field('OBJECTID', 'oid'), field('Name', 'string'), field('2020', 'integer'), field('10', 'double'),
    field('__proto__', 'string'), field('When', 'date'), field('Flag', 'other'), field('Shape', 'geometry'), field('GlobalID', 'guid'),
  ],
  geometry: 'polygon',
  objectIdField: 'OBJECTID',
  maxRecordCount: 1000,
};

// Parsed from text as portal answers are, so `__proto__` is an own key.
const ROWS: DataRow[] = JSON.parse(JSON.stringify([
  { attributes: { OBJECTID: 1, Name: 'plain', 2020: 7, 10: 1.5, When: 1502554365000, Flag: true, GlobalID: '{A}' },
    geometry: { type: 'Polygon', coordinates: [[[-97.5, 35.5], [-97.4, 35.5], [-97.4, 35.6], [-97.5, 35.5]], [[-97.45, 35.52], [-97.44, 35.52], [-97.44, 35.53], [-97.45, 35.52]]] } },
  { attributes: { OBJECTID: '2', Name: 'quote " back \\ nl \n tab \t \u2028 \ud800 é', 2020: ' 12 ', 10: 'n/a', When: 'Apr 11, 2023', Flag: null },
    geometry: null },
  { attributes: { OBJECTID: null, Name: '', 2020: '', 10: -0, When: '', Flag: 0 } },
  { attributes: { OBJECTID: 4, When: '1502554365000', Name: 'no such date: 31/31/2023' },
    geometry: { type: 'MultiLineString', coordinates: [[[-97.5, 35.5, 300.25], [-97.4, 35.6, 301]], [[-97.3, 35.4, 0]]] } },
  { attributes: { OBJECTID: 5, When: 'not a date', 2020: 1e21, 10: 123456789.125, Name: '0008123' },
    geometry: { type: 'Point', coordinates: [-97.123456789012, 35.000000000001] } },
]).replace('"Name":"plain"', '"Name":"plain","__proto__":"own key"')) as DataRow[];

function encode(format: SaveFormat, plan: ColumnPlan, pages: readonly (readonly DataRow[])[]): string {
  const encoder = createEncoder(format, plan);
  return encoder.start() + pages.map((p) => encoder.page(p)).join('') + encoder.end();
}

function reference(format: 'json' | 'geojson', plan: ColumnPlan, pages: readonly (readonly DataRow[])[]): string {
  return format === 'geojson' ? referenceGeoJson(plan, pages) : referenceJson(plan, pages);
}

describe('save: JSON and GeoJSON records byte for byte', () => {
  it('the awkward rows really have __proto__ and integer-like names as own keys', () => {
    assert.ok(Object.prototype.hasOwnProperty.call(ROWS[0].attributes, '__proto__'));
    assert.equal(Object.keys(ROWS[0].attributes)[0], '10', 'integer-like keys come first');
  });

  const queries: [string, DatasetQuery][] = [
    ['every field', {}],
    ['fields asked twice, the id not among them', { fields: ['Name', '2020', 'Name', 'When', 'Missing'] }],
    ['the id asked last', { fields: ['When', 'OBJECTID'] }],
    ['geometry as columns', { returnGeometry: true }],
  ];
  for (const [label, query] of queries) {
    for (const format of ['geojson', 'json'] as const) {
      it(`${format}, ${label}: the same bytes as stringifying each record`, () => {
        const plan = planColumns(format, SCHEMA, query);
        const pages = [ROWS.slice(0, 2), [], ROWS.slice(2)];
        assert.equal(encode(format, plan, pages), reference(format, plan, pages));
      });
    }
  }

  it('point layers give longitude and latitude columns the same way', () => {
    const plan = planColumns('json', { ...SCHEMA, geometry: 'point' }, { returnGeometry: true });
    assert.equal(plan.geometry, 'lonlat');
    assert.equal(encode('json', plan, [ROWS]), referenceJson(plan, [ROWS]));
  });

  it('an empty save is the same too', () => {
    const plan = planColumns('geojson', SCHEMA, {});
    assert.equal(encode('geojson', plan, []), referenceGeoJson(plan, []));
  });

  describe('every layer of the fake portal', function () {
    this.timeout(300_000);
    let fake: FakePortal;
    before(async () => {
      fake = await startFakePortal({ port: 0, bigRows: 2500 });
    });
    after(async () => {
      await fake.close();
    });

    it('GeoJSON and JSON with geometry: the same bytes as stringifying each record', async () => {
      const hub = new HubPortal({ name: 'Fake OKC', kind: 'hub', url: fake.baseUrl }, new PortalHttp({ userAgent: 'okc-open-data-tests', timeoutMs: 30_000 }), { token: async () => undefined });
      let layers = 0;
      for (const dataset of await hub.listDatasets()) {
        if (!dataset.apiUrl) continue;
        const schema = await hub.getSchema(dataset);
        if (schema.geometry === 'none') continue;
        const pages = [(await hub.queryPage(dataset, { returnGeometry: true }, 0, 500)).rows];
        for (const [format, query] of [['geojson', {}], ['json', { returnGeometry: true }]] as const) {
          const plan = planColumns(format, schema, query);
          assert.equal(encode(format, plan, pages), reference(format, plan, pages), `${dataset.title} as ${format}`);
        }
        layers++;
      }
      assert.ok(layers >= 5, `only ${layers} layers with geometry were compared`);
    });
  });
});
