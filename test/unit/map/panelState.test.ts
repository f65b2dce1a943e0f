// What a map panel restores after a window reload: the state its webview stored, read back
// field by field (it comes from disk and may be from another version).

import assert from 'node:assert/strict';
import { readMapPanelState } from '../../../src/map/panelState';

describe('map panel state', () => {
  it('restores a dataset map with its grid filters and portal sort', () => {
    const state = { kind: 'remote', portal: 'OKC Hub', id: 'abc_0', filters: [{ field: 'Ward', op: '=', value: 3 }], sort: [{ field: 'Name', descending: true }] };
    assert.deepEqual(readMapPanelState(JSON.parse(JSON.stringify(state))), state);
  });

  it('drops filters that are not filters and keeps the rest', () => {
    const s = readMapPanelState({ kind: 'remote', portal: 'P', id: 'x', filters: [{ field: 'A', op: 'drop table', value: 1 }, { field: 'B', op: 'is null' }, null, 7], sort: 'Name' });
    assert.deepEqual(s, { kind: 'remote', portal: 'P', id: 'x', filters: [{ field: 'B', op: 'is null', value: undefined }], sort: [] });
  });

  it('restores a file map, with the CSV columns its points came from', () => {
    assert.deepEqual(readMapPanelState({ kind: 'file', uri: 'file:///data/stops.csv', latLon: { lat: 'Latitude', lon: 'Longitude' } }), { kind: 'file', uri: 'file:///data/stops.csv', latLon: { lat: 'Latitude', lon: 'Longitude' } });
    assert.deepEqual(readMapPanelState({ kind: 'file', uri: 'file:///data/shapes.geojson', latLon: { lat: 1 } }), { kind: 'file', uri: 'file:///data/shapes.geojson' });
  });

  it('restores nothing from a state that names nothing to map', () => {
    for (const state of [undefined, null, 'remote', {}, { kind: 'remote', portal: 'P' }, { kind: 'remote', portal: '', id: 'x' }, { kind: 'file', uri: '/no/scheme.csv' }, { kind: 'file', uri: 'file:///a/notes.txt' }, { kind: 'grid', portal: 'P', id: 'x' }]) {
      assert.equal(readMapPanelState(state), undefined, JSON.stringify(state));
    }
  });
});
