// Reading what a layer's /query accepts from its description, on the real layer samples.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readQueryCapabilities } from '../../../src/portal/hub';
import { oldLayerJson } from '../../portal/featureserver';
import { createCatalog } from '../../portal/data';

const SAMPLES = join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'oldserver', 'samples');
const sample = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8')) as Record<string, unknown>;

describe('layer query capabilities', () => {
  it('a 10.22 layer as pyesridump saved it: JSON, AMF, no pagination, orderBy through supportsAdvancedQueries', () => {
    // us-mi-kent Parcels (10.22), the keys that matter, verbatim
    const layer = { currentVersion: 10.22, supportsStatistics: true, supportsAdvancedQueries: true, supportedQueryFormats: 'JSON, AMF' };
    assert.deepEqual(readQueryCapabilities(layer), { geoJson: false, pagination: false, orderBy: true });
  });

  it('a 10.0 layer with no advanced queries cannot order either', () => {
    assert.deepEqual(readQueryCapabilities({ currentVersion: 10, supportedQueryFormats: 'JSON, AMF' }), { geoJson: false, pagination: false, orderBy: false });
  });

  it('the 10.3 FeatureServer and 10.81 MapServer samples', () => {
    // 10.3 paginates but lists only JSON and AMF: geometry comes as esri JSON, pages by offset
    assert.deepEqual(readQueryCapabilities(sample('featureserver-layer-ags103-facilities.json')), { geoJson: false, pagination: true, orderBy: true });
    assert.deepEqual(readQueryCapabilities(sample('mapserver-layer-ags1081-census-places.json')), { geoJson: true, pagination: true, orderBy: true });
  });

  it('the hosted 10.81 layer sample: resultType=standard up to standardMaxRecordCount, and maxRecordCountFactor', () => {
    const hosted = JSON.parse(readFileSync(join(SAMPLES, 'featureserver-layer.json'), 'utf8')) as Record<string, unknown>;
    // The hosted sample lists `JSON, geoJSON, PBF`: feature pages may come as f=pbf.
    assert.deepEqual(readQueryCapabilities(hosted), { geoJson: true, pagination: true, orderBy: true, standardMaxRecordCount: 32000, maxRecordCountFactor: true, pbf: true });
    // Either capability alone, as it is written; a standardMaxRecordCount without supportsQueryWithResultType is not one.
    assert.deepEqual(readQueryCapabilities({ supportedQueryFormats: 'JSON', standardMaxRecordCount: 32000, advancedQueryCapabilities: { supportsPagination: true, supportsOrderBy: true } }), { geoJson: false, pagination: true, orderBy: true });
    assert.deepEqual(readQueryCapabilities({ supportedQueryFormats: 'JSON', standardMaxRecordCount: 32000, advancedQueryCapabilities: { supportsPagination: true, supportsOrderBy: true, supportsQueryWithResultType: true } }), { geoJson: false, pagination: true, orderBy: true, standardMaxRecordCount: 32000 });
  });

  it('the fake old-server layers read as old', () => {
    const catalog = createCatalog({ bigRows: 10 });
    const old = catalog.datasets.filter((d) => d.serverProfile === 'old');
    assert.equal(old.length, 4);
    for (const ds of old) {
      const layer = oldLayerJson(ds);
      assert.deepEqual(readQueryCapabilities(layer), { geoJson: false, pagination: false, orderBy: true });
      assert.equal(layer.objectIdField, 'objectid');
      assert.equal('advancedQueryCapabilities' in layer, false);
      if (layer.timeInfo) assert.equal((layer.timeInfo as { timeReference: unknown }).timeReference, null);
    }
  });
});
