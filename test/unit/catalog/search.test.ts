// searchDatasets: every term must match; titles rank first; ranges point into the title.

import * as assert from 'node:assert/strict';
import { searchDatasets } from '../../../src/catalog/search';
import { datasetKey } from '../../../src/catalog/store';
import type { DatasetSummary } from '../../../src/portal/types';

function d(id: string, title: string, extra: Partial<DatasetSummary> = {}): DatasetSummary {
  return { portal: 'P', id, title, description: '', groups: ['Other'], keywords: [], downloads: [], geometry: 'point', ...extra };
}

const catalog = [
  d('1', 'Fire Stations', { groups: ['Public Safety'], description: '<p>Locations of <b>fire</b> stations</p>' }),
  d('2', 'Work Zones', { groups: ['Transportation'], keywords: ['construction'] }),
  d('3', 'Emergency Responses', { groups: ['Public Safety'], description: 'Fire and police calls' }),
  d('4', 'Trash Collection Zones', { groups: ['Utilities'] }),
];

describe('searchDatasets', () => {
  it('ranks title matches above description matches and gives title ranges', () => {
    const hits = searchDatasets(catalog, 'fire');
    assert.deepEqual(hits.map((h) => h.dataset.id), ['1', '3']);
    assert.deepEqual(hits[0].titleRanges, [[0, 4]]);
    assert.deepEqual(hits[1].matchedIn, ['description']);
  });

  it('requires every term', () => {
    assert.deepEqual(searchDatasets(catalog, 'zones trash').map((h) => h.dataset.id), ['4']);
    assert.deepEqual(searchDatasets(catalog, 'zones nothing'), []);
  });

  it('matches keywords, groups and field names', () => {
    assert.deepEqual(searchDatasets(catalog, 'construction').map((h) => h.dataset.id), ['2']);
    assert.deepEqual(searchDatasets(catalog, 'utilities').map((h) => h.dataset.id), ['4']);
    const fields = new Map([[datasetKey(catalog[1]), ['Worktype', 'Startdate']]]);
    const hits = searchDatasets(catalog, 'startdate', fields);
    assert.deepEqual(hits.map((h) => h.dataset.id), ['2']);
    assert.deepEqual(hits[0].matchedFields, ['Startdate']);
  });

  it('does not match markup inside descriptions', () => {
    assert.deepEqual(searchDatasets(catalog, '<b>'), []);
  });

  it('lists everything for an empty query', () => {
    assert.equal(searchDatasets(catalog, '  ').length, 4);
  });
});
