import assert from 'node:assert/strict';
import {
  hubCountParams,
  hubDownloadUrl,
  hubQueryParams,
  hubQueryUrl,
  hubWhereClause,
  largestPage,
  legacyRequest,
  sqlFieldName,
  sqlTimestamp,
} from '../../../src/query/compile';
import type { HubQueryTarget } from '../../../src/query/compile';
import type { DatasetQuery } from '../../../src/query/model';

const LAYER = 'https://utility.arcgis.com/usrsvcs/servers/abc/rest/services/OpenData/Transportation/FeatureServer/5';

describe('hubWhereClause', () => {
  it('is 1=1 without filters', () => {
    assert.equal(hubWhereClause({}), '1=1');
    assert.equal(hubWhereClause({ filters: [] }), '1=1');
  });

  it('leaves numbers unquoted and doubles quotes in strings', () => {
    assert.equal(hubWhereClause({ filters: [{ field: 'OBJECTID', op: '>', value: 10 }] }), 'OBJECTID > 10');
    assert.equal(
      hubWhereClause({ filters: [{ field: 'Name', op: '=', value: "O'Brien's \\ ${x}" }] }),
      "Name = 'O''Brien''s \\ ${x}'",
    );
  });

  it('types values by field kind', () => {
    const types = { Count: 'integer', Code: 'string', Day: 'date' } as const;
    assert.equal(hubWhereClause({ filters: [{ field: 'Count', op: '=', value: '42' }] }, types), 'Count = 42');
    assert.equal(hubWhereClause({ filters: [{ field: 'Code', op: '=', value: 42 }] }, types), "Code = '42'");
    assert.equal(
      hubWhereClause({ filters: [{ field: 'Day', op: '>=', value: '2024-01-05' }] }, types),
      "Day >= timestamp '2024-01-05 00:00:00'",
    );
    assert.equal(hubWhereClause({ filters: [{ field: 'Count', op: '=', value: 'abc' }] }, types), "Count = 'abc'");
  });

  it('compiles LIKE, IN, IS NULL and joins with parentheses', () => {
    const query: DatasetQuery = {
      join: 'or',
      filters: [
        { field: 'Worktype', op: 'like', value: 'Street%' },
        { field: 'Ward', op: 'in', value: [1, 2, 'x'] },
        { field: 'Enddate', op: 'is null' },
        { field: 'Startdate', op: 'is not null' },
      ],
    };
    assert.equal(
      hubWhereClause(query),
      "(Worktype LIKE 'Street%') OR (Ward IN (1, 2, 'x')) OR (Enddate IS NULL) OR (Startdate IS NOT NULL)",
    );
    assert.equal(hubWhereClause({ filters: [{ field: 'A', op: 'in', value: [] }] }), '1=0');
    assert.equal(
      hubWhereClause({ filters: [{ field: 'A', op: '=', value: 1 }, { field: 'B', op: '=', value: 2 }] }),
      '(A = 1) AND (B = 2)',
    );
  });

  it('quotes field names with spaces and refuses names that could inject SQL', () => {
    assert.equal(sqlFieldName('Service Provider'), '"Service Provider"');
    assert.equal(sqlFieldName('Shape__Area'), 'Shape__Area');
    assert.throws(() => sqlFieldName('a; DROP TABLE x'), /not a valid field name/);
    assert.throws(() => sqlFieldName('1abc'), /not a valid field name/);
    assert.throws(() => hubWhereClause({ filters: [{ field: "x' OR '1'='1", op: '=', value: 1 }] }));
  });

  it('refuses a comparison without a single value', () => {
    assert.throws(() => hubWhereClause({ filters: [{ field: 'A', op: '=' }] }), /needs one value/);
    assert.throws(() => hubWhereClause({ filters: [{ field: 'A', op: '=', value: [1] }] }), /needs one value/);
  });
});

describe('sqlTimestamp', () => {
  it('keeps zoneless ISO values as written and converts zoned ones to UTC', () => {
    assert.equal(sqlTimestamp('2024-01-05T16:12'), "timestamp '2024-01-05 16:12:00'");
    assert.equal(sqlTimestamp('2024-01-05T16:12:30.5Z'), "timestamp '2024-01-05 16:12:30'");
    assert.equal(sqlTimestamp('2024-01-05T18:00:00-06:00'), "timestamp '2024-01-06 00:00:00'");
    assert.equal(sqlTimestamp(Date.UTC(2023, 3, 11)), "timestamp '2023-04-11 00:00:00'");
    assert.throws(() => sqlTimestamp('Apr 11, 2023'), /not an ISO date/);
  });
});

describe('hubQueryParams', () => {
  const target = { layerUrl: LAYER, objectIdField: 'OBJECTID', maxRecordCount: 100 };

  it('asks for everything in WGS84 by default, ordered by object id', () => {
    const p = hubQueryParams({}, target);
    assert.equal(p.get('f'), 'json');
    assert.equal(p.get('where'), '1=1');
    assert.equal(p.get('outFields'), '*');
    assert.equal(p.get('orderByFields'), 'OBJECTID ASC');
    assert.equal(p.get('returnGeometry'), 'false');
    assert.equal(p.get('outSR'), '4326');
    assert.equal(p.get('resultOffset'), null);
    assert.equal(p.get('resultRecordCount'), null);
  });

  it('appends the object id after sort keys once', () => {
    assert.equal(
      hubQueryParams({ sort: [{ field: 'Worktype', descending: true }, { field: 'Service Provider' }] }, target).get('orderByFields'),
      'Worktype DESC,"Service Provider" ASC,OBJECTID ASC',
    );
    assert.equal(hubQueryParams({ sort: [{ field: 'objectid', descending: true }] }, target).get('orderByFields'), 'objectid DESC');
  });

  it('pages inside the query window and never past maxRecordCount', () => {
    const q: DatasetQuery = { offset: 10, limit: 150 };
    let p = hubQueryParams(q, target, { offset: 0, count: 500 });
    assert.equal(p.get('resultOffset'), '10');
    assert.equal(p.get('resultRecordCount'), '100');
    p = hubQueryParams(q, target, { offset: 100, count: 100 });
    assert.equal(p.get('resultOffset'), '110');
    assert.equal(p.get('resultRecordCount'), '50');
    p = hubQueryParams({}, target, { offset: 0, count: 25 });
    assert.equal(p.get('resultOffset'), '0');
    assert.equal(p.get('resultRecordCount'), '25');
  });

  it('asks for large pages only when the query wants them and the layer says it serves them', () => {
    const both = { ...target, capabilities: { geoJson: true, pagination: true, orderBy: true, standardMaxRecordCount: 32000, maxRecordCountFactor: true } };
    // maxRecordCountFactor, the smallest that lets the page through, up to 5 times maxRecordCount
    let p = hubQueryParams({ largePages: true }, both, { offset: 200, count: 450 });
    assert.deepEqual([p.get('resultOffset'), p.get('resultRecordCount'), p.get('maxRecordCountFactor'), p.get('resultType')], ['200', '450', '5', null]);
    p = hubQueryParams({ largePages: true }, both, { offset: 0, count: 100_000 });
    assert.deepEqual([p.get('resultRecordCount'), p.get('maxRecordCountFactor')], ['500', '5']);
    assert.equal(largestPage(100, both.capabilities), 500);
    // resultType=standard where only that is advertised
    const standard = { ...target, capabilities: { geoJson: true, pagination: true, orderBy: true, standardMaxRecordCount: 32000 } };
    p = hubQueryParams({ largePages: true }, standard, { offset: 0, count: 100_000 });
    assert.deepEqual([p.get('resultRecordCount'), p.get('resultType'), p.get('maxRecordCountFactor')], ['32000', 'standard', null]);
    assert.equal(largestPage(100, standard.capabilities), 32000);
    // a page within maxRecordCount needs neither
    p = hubQueryParams({ largePages: true }, both, { offset: 0, count: 100 });
    assert.deepEqual([p.get('resultRecordCount'), p.get('maxRecordCountFactor'), p.get('resultType')], ['100', null, null]);
    // without the capabilities, or without largePages, or on a layer paged by object id: maxRecordCount
    const cases: [DatasetQuery, HubQueryTarget][] = [[{ largePages: true }, target], [{}, both], [{ largePages: true }, { ...both, capabilities: { ...both.capabilities, pagination: false } }]];
    for (const [query, t] of cases) {
      p = hubQueryParams(query, t, { offset: 0, count: 5000 });
      assert.deepEqual([p.get('resultRecordCount'), p.get('maxRecordCountFactor'), p.get('resultType')], [t.capabilities?.pagination === false ? null : '100', null, null]);
      assert.equal(largestPage(100, query.largePages ? t.capabilities : undefined), 100);
    }
  });

  it('compiles fields, geojson and geometry choices', () => {
    const p = hubQueryParams({ fields: ['Worktype', 'Service Provider'], format: 'geojson' }, target);
    assert.equal(p.get('outFields'), 'Worktype,"Service Provider"');
    assert.equal(p.get('f'), 'geojson');
    assert.equal(p.get('returnGeometry'), 'true');
    assert.equal(hubQueryParams({ format: 'geojson', returnGeometry: false }, target).get('returnGeometry'), 'false');
    assert.equal(hubQueryParams({ format: 'csv', returnGeometry: true }, target).get('f'), 'json');
  });

  it('compiles a bbox and a near filter in WGS84', () => {
    const bbox = hubQueryParams({ spatial: { kind: 'bbox', xmin: -97.6, ymin: 35.4, xmax: -97.4, ymax: 35.6 } }, target);
    assert.equal(bbox.get('geometry'), '-97.6,35.4,-97.4,35.6');
    assert.equal(bbox.get('geometryType'), 'esriGeometryEnvelope');
    assert.equal(bbox.get('inSR'), '4326');
    assert.equal(bbox.get('spatialRel'), 'esriSpatialRelIntersects');
    assert.equal(bbox.get('distance'), null);
    const near = hubQueryParams({ spatial: { kind: 'near', longitude: -97.5, latitude: 35.5, meters: 800 } }, target);
    assert.equal(near.get('geometry'), '-97.5,35.5');
    assert.equal(near.get('geometryType'), 'esriGeometryPoint');
    assert.equal(near.get('distance'), '800');
    assert.equal(near.get('units'), 'esriSRUnit_Meter');
  });

  it('count params carry the filter and spatial parts only', () => {
    const p = hubCountParams(
      { filters: [{ field: 'A', op: '=', value: 1 }], sort: [{ field: 'A' }], limit: 5, spatial: { kind: 'near', longitude: 1, latitude: 2, meters: 3 } },
      target,
    );
    assert.equal(p.get('returnCountOnly'), 'true');
    assert.equal(p.get('where'), 'A = 1');
    assert.equal(p.get('orderByFields'), null);
    assert.equal(p.get('resultRecordCount'), null);
    assert.equal(p.get('distance'), '3');
  });

  it('builds a query URL that round-trips through URL parsing', () => {
    const url = new URL(hubQueryUrl({ filters: [{ field: 'Name', op: '=', value: "a&b='c' #%" }] }, { layerUrl: `${LAYER}/` }));
    assert.equal(url.pathname.endsWith('/FeatureServer/5/query'), true);
    assert.equal(url.searchParams.get('where'), "Name = 'a&b=''c'' #%'");
  });
});

describe('hubDownloadUrl', () => {
  it('follows the Hub download API pattern', () => {
    assert.equal(
      hubDownloadUrl('https://open-okc.hub.arcgis.com/', 'abc123', 4, 'csv'),
      'https://open-okc.hub.arcgis.com/api/download/v1/items/abc123/csv?layers=4',
    );
    assert.equal(
      hubDownloadUrl('https://open-okc.hub.arcgis.com', 'abc123', 0, 'geojson'),
      'https://open-okc.hub.arcgis.com/api/download/v1/items/abc123/geojson?layers=0',
    );
  });
});

describe('legacyRequest', () => {
  it('GETs the records URL with %20 when nothing needs the server', () => {
    assert.deepEqual(legacyRequest({ fields: ['Address'], limit: 3 }, 'https://data.okc.gov/', 'Fire Stations'), {
      method: 'GET',
      url: 'https://data.okc.gov/services/portal/api/data/records/Fire%20Stations',
    });
    assert.equal(
      legacyRequest({}, 'https://data.okc.gov/services/portal/api/data/records', 'A/B?').url,
      'https://data.okc.gov/services/portal/api/data/records/A%2FB%3F',
    );
  });

  it('POSTs sort, filters and a WKT spatial filter', () => {
    const req = legacyRequest(
      {
        sort: [{ field: 'Address', descending: true }, { field: 'Other' }],
        filters: [
          { field: 'Station', op: '>=', value: 10 },
          { field: 'Address', op: 'is null', value: 'ignored' },
        ],
        spatial: { kind: 'bbox', xmin: -97.6, ymin: 35.4, xmax: -97.4, ymax: 35.6 },
      },
      'https://data.okc.gov',
      'Fire Stations',
    );
    assert.equal(req.method, 'POST');
    assert.deepEqual(req.body, {
      orderByField: 'Address',
      ascending: false,
      spatialFilter: 'POLYGON((-97.6 35.4, -97.4 35.4, -97.4 35.6, -97.6 35.6, -97.6 35.4))',
      bufferDistance: 0,
    });
    assert.ok(!('filters' in req.body!), 'the guide documents no filter parameter: filters run on the client');
  });

  it('sends a point with a buffer in feet for near, and never the undocumented filters', () => {
    const req = legacyRequest({ spatial: { kind: 'near', longitude: -97.5, latitude: 35.5, meters: 304.8 } }, 'http://127.0.0.1:1', 'Parks');
    assert.deepEqual(req.body, { spatialFilter: 'POINT(-97.5 35.5)', bufferDistance: 1000 });
    // Filters alone need no POST: only documented parameters are sent.
    const or = legacyRequest({ join: 'or', filters: [{ field: 'A', op: 'in', value: [1] }, { field: 'B', op: 'like', value: 'x%' }] }, 'http://h', 'P');
    assert.deepEqual(or, { method: 'GET', url: 'http://h/services/portal/api/data/records/P' });
  });
});
