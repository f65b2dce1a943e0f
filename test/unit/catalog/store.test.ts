// CatalogStore: cache first, refresh per portal, failures isolated, bad cache files discarded.

import * as assert from 'node:assert/strict';
import { CatalogStore, datasetKey } from '../../../src/catalog/store';
import { PortalError } from '../../../src/portal/errors';
import type { DatasetSummary, Portal, PortalConfig } from '../../../src/portal/types';
import { MemoryStorage } from './memoryStorage';

function dataset(portal: string, id: string, title = id): DatasetSummary {
  return { portal, id, title, description: '', groups: ['G'], keywords: [], downloads: [], geometry: 'point' };
}

function fakePortal(config: PortalConfig, list: () => Promise<DatasetSummary[]>): Portal {
  return {
    config,
    listDatasets: list,
    getSchema: async () => ({ fields: [{ name: 'Street_Name', kind: 'string', nativeType: 'esriFieldTypeString' }], geometry: 'point' }),
    queryPage: async () => ({ rows: [], more: false }),
    countRows: async () => 0,
    queryUrl: () => '',
    feedbackUrl: () => '',
  };
}


const hub: PortalConfig = { name: 'Hub', kind: 'hub', url: 'http://127.0.0.1:1' };
const legacy: PortalConfig = { name: 'Legacy', kind: 'legacy', url: 'http://127.0.0.1:2' };

describe('CatalogStore', () => {
  it('loads every portal and keeps a failing one from hiding the others', async () => {
    const store = new CatalogStore(
      [
        fakePortal(hub, async () => [dataset('Hub', 'a'), dataset('Hub', 'b')]),
        fakePortal(legacy, async () => {
          throw new PortalError('botChallenge', 'browser check page');
        }),
      ],
      new MemoryStorage(),
    );
    await store.refresh();
    const [h, l] = store.states();
    assert.equal(h.datasets.length, 2);
    assert.equal(h.error, undefined);
    assert.equal(l.datasets.length, 0);
    assert.equal(l.error?.kind, 'botChallenge');
  });

  it('shows the cached catalog first and keeps it, marked, when the refresh fails', async () => {
    const storage = new MemoryStorage();
    let now = 1_000_000;
    const first = new CatalogStore([fakePortal(hub, async () => [dataset('Hub', 'a', 'Fire Stations')])], storage, () => now);
    await first.refresh();

    now += 3_600_000;
    const second = new CatalogStore(
      [
        fakePortal(hub, async () => {
          throw new PortalError('timeout', 'no answer');
        }),
      ],
      storage,
      () => now,
    );
    assert.equal(await second.loadCache(), true);
    assert.equal(second.states()[0].fromCache, true);
    assert.equal(second.states()[0].datasets[0].title, 'Fire Stations');
    await second.refresh();
    const s = second.states()[0];
    assert.equal(s.datasets[0].title, 'Fire Stations', 'cache kept');
    assert.equal(s.error?.kind, 'timeout');
    assert.equal(s.fetchedAt, 1_000_000, 'age of the cache is still known');
  });

  for (const [name, bytes] of [
    ['corrupt JSON', new TextEncoder().encode('{"format": "okc-open-data/catalog-cache", "portals": [')],
    ['a foreign file', new TextEncoder().encode('{"hello": "world"}')],
    ['binary noise', new Uint8Array([0, 255, 1, 254, 2])],
  ] as const) {
    it(`discards ${name} as a cache and rebuilds it`, async () => {
      const storage = new MemoryStorage(bytes);
      const store = new CatalogStore([fakePortal(hub, async () => [dataset('Hub', 'a')])], storage);
      assert.equal(await store.loadCache(), false);
      assert.ok(store.cacheProblem);
      await store.refresh();
      const reread = new CatalogStore([fakePortal(hub, async () => [])], storage);
      assert.equal(await reread.loadCache(), true);
      assert.equal(reread.states()[0].datasets.length, 1);
    });
  }

  it('ignores a cache written for another URL of the same portal name', async () => {
    const storage = new MemoryStorage();
    const store = new CatalogStore([fakePortal(hub, async () => [dataset('Hub', 'a')])], storage);
    await store.refresh();
    const moved = new CatalogStore([fakePortal({ ...hub, url: 'http://127.0.0.1:9' }, async () => [])], storage);
    assert.equal(await moved.loadCache(), false);
  });

  it('indexes field names for search and persists them', async () => {
    const storage = new MemoryStorage();
    const store = new CatalogStore([fakePortal(hub, async () => [{ ...dataset('Hub', 'a'), apiUrl: 'http://x/FeatureServer/0' }])], storage);
    await store.refresh();
    await store.indexFields();
    assert.deepEqual(store.fields.get(datasetKey({ portal: 'Hub', id: 'a' })), ['Street_Name']);
    const reread = new CatalogStore([fakePortal(hub, async () => [])], storage);
    await reread.loadCache();
    assert.deepEqual(reread.fields.get(datasetKey({ portal: 'Hub', id: 'a' })), ['Street_Name']);
  });

  it('keeps the latest refresh\'s outcome when an older one ends after it', async () => {
    const answers: { resolve(list: DatasetSummary[]): void; reject(error: Error): void }[] = [];
    const store = new CatalogStore([fakePortal(hub, () => new Promise((resolve, reject) => answers.push({ resolve, reject })))], new MemoryStorage());
    const older = store.refresh();
    const newer = store.refresh();
    assert.equal(answers.length, 2);
    answers[1].reject(new PortalError('server', 'HTTP 500'));
    await newer;
    answers[0].resolve([dataset('Hub', 'a')]);
    await older;
    const [h] = store.states();
    assert.equal(h.error?.kind, 'server');
    assert.equal(h.datasets.length, 0);
    assert.equal(h.loading, false);
  });

  it('notifies listeners on every change', async () => {
    const store = new CatalogStore([fakePortal(hub, async () => [dataset('Hub', 'a')])], new MemoryStorage());
    let changes = 0;
    store.onDidChange(() => changes++);
    await store.refresh();
    assert.ok(changes >= 2, 'loading and loaded');
  });

  it('waits for a dataset until the catalog lists it, and gives up when loading ends without it', async () => {
    const store = new CatalogStore([fakePortal(hub, async () => [dataset('Hub', 'a')])], new MemoryStorage());
    const waiting = store.waitFor('Hub', 'a', 5000);
    const missing = store.waitFor('Hub', 'zzz', 5000);
    await store.refresh();
    assert.equal((await waiting)?.id, 'a');
    assert.equal(await missing, undefined);
    assert.equal((await store.waitFor('Hub', 'a', 1))?.id, 'a', 'already listed');
  });
});
