// The background field index against the fake portal's hostile sizes: a layer whose metadata
// answer is 50 MB (its description) is skipped after a few megabytes, not downloaded and
// parsed in every session, while a 5,000-field layer is still indexed, and the skip leaves
// the layer's schema readable in full for its metadata panel.

import * as assert from 'node:assert/strict';
import { CatalogStore, datasetKey, INDEX_MAX_SCHEMA_BYTES } from '../../../src/catalog/store';
import { PortalError } from '../../../src/portal/errors';
import { PortalHttp, type HttpRequest } from '../../../src/portal/http';
import { HubPortal } from '../../../src/portal/hub';
import type { DatasetSummary } from '../../../src/portal/types';
import { HOSTILE_LONG_DESCRIPTION_TITLE, HOSTILE_WIDE_TITLE, LONG_DESCRIPTION_CHARS, WIDE_COLUMNS } from '../../portal/data';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { MemoryStorage } from './memoryStorage';

/** PortalHttp that records every JSON answer it handed over (its length as JSON) or the
 * failure's kind. */
class RecordingHttp extends PortalHttp {
  readonly answers: { url: string; maxBytes?: number; chars?: number; failed?: string }[] = [];
  override async json<T>(request: HttpRequest, check: (value: unknown) => T): Promise<T> {
    let chars: number | undefined;
    try {
      const value = await super.json(request, (v) => {
        chars = JSON.stringify(v).length;
        return check(v);
      });
      this.answers.push({ url: request.url, maxBytes: request.maxBytes, chars });
      return value;
    } catch (error) {
      this.answers.push({ url: request.url, maxBytes: request.maxBytes, failed: error instanceof PortalError ? error.kind : String(error) });
      throw error;
    }
  }
}


describe('field index against the fake portal\'s hostile sizes', function () {
  this.timeout(120_000);
  let fake: FakePortal;
  before(async () => {
    fake = await startFakePortal({ port: 0, bigRows: 1000 });
  });
  after(async () => fake.close());

  const setUp = () => {
    const http = new RecordingHttp({ userAgent: 'okc-open-data-test', retries: 1, backoffLimitMs: 20, timeoutMs: 20_000 });
    const portal = new HubPortal({ name: 'OKC', kind: 'hub', url: fake.baseUrl }, http, { token: async () => undefined });
    const store = new CatalogStore([portal], new MemoryStorage());
    const find = (title: string): DatasetSummary => {
      const found = store.allDatasets().find((d) => d.title === title);
      assert.ok(found, `${title} listed`);
      return found;
    };
    return { http, portal, store, find };
  };

  it('skips the 50 MB layer description after a few megabytes and indexes every other layer, the 5,000 fields too', async () => {
    const { http, store, find } = setUp();
    await store.refresh();
    await store.indexFields();
    const long = find(HOSTILE_LONG_DESCRIPTION_TITLE);
    assert.equal(store.fields.has(datasetKey(long)), false, 'the long description layer is not indexed');
    assert.equal(store.fields.get(datasetKey(find(HOSTILE_WIDE_TITLE)))?.length, WIDE_COLUMNS);
    const layers = store.allDatasets().filter((d) => d.apiUrl);
    assert.ok(layers.length > 20);
    assert.deepEqual(layers.filter((d) => d !== long && !store.fields.has(datasetKey(d))).map((d) => d.title), [], 'every other layer indexed');
    // The long layer's metadata was asked for with the cap, and dropped, not handed over.
    const longAnswers = http.answers.filter((a) => a.url === long.apiUrl);
    assert.ok(longAnswers.length >= 1);
    for (const answer of longAnswers) assert.deepEqual(answer, { url: long.apiUrl, maxBytes: INDEX_MAX_SCHEMA_BYTES, failed: 'rejected' });
    const biggest = Math.max(...http.answers.map((a) => a.chars ?? 0));
    assert.ok(biggest < INDEX_MAX_SCHEMA_BYTES, `no answer over the cap was read (largest ${biggest} characters)`);
  });

  it('leaves the skipped layer\'s schema readable in full, also while the index is reading it', async () => {
    const { portal, store, find } = setUp();
    await store.refresh();
    const long = find(HOSTILE_LONG_DESCRIPTION_TITLE);
    // A panel opened while the index reads the same layer gets the whole schema, not the index's refusal.
    const [bounded, whole] = await Promise.allSettled([portal.getSchema(long, undefined, { maxBytes: INDEX_MAX_SCHEMA_BYTES }), portal.getSchema(long)]);
    assert.equal(bounded.status, 'rejected');
    if (whole.status !== 'fulfilled') assert.fail(`the whole schema failed: ${String(whole.reason)}`);
    assert.equal(whole.value.description?.length, LONG_DESCRIPTION_CHARS);
    // Once read in full, the schema is shared, the index's bounded read included.
    assert.equal(await portal.getSchema(long, undefined, { maxBytes: INDEX_MAX_SCHEMA_BYTES }), whole.value);
  });
});
