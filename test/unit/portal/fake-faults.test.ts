// Fault injection of the fake portal: every kind, path matching, expiry, the control endpoint
// and the request log.

import assert from 'node:assert/strict';
import { INCAPSULA_PAGE } from '../../portal/faults';
import { startFakePortal, type FakePortal } from '../../portal/server';
import { fetchText, getJson } from './fake-http';

const FEED = '/api/feed/dcat-us/1.1.json';
const RECORDS = '/services/portal/api/data/records/Fire%20Stations';

describe('fake portal faults', () => {
  let portal: FakePortal;
  before(async () => {
    portal = await startFakePortal({ bigRows: 1000 });
  });
  afterEach(() => portal.faults.clear());
  after(() => portal.close());

  it('adds latency', async () => {
    // A long latency, so that an unmatched path stays well under it even on a loaded machine.
    portal.faults.add({ kind: 'latency', ms: 1500, path: '/services/' });
    const start = performance.now();
    assert.equal((await fetchText(portal, RECORDS)).status, 200);
    assert.ok(performance.now() - start >= 1490);
    const quick = performance.now();
    await fetchText(portal, '/__fake/health');
    assert.ok(performance.now() - quick < 1490, 'the latency applies to matching paths only');
  });

  it('fails with 5xx: HTML for gateways, JSON for 500', async () => {
    portal.faults.add({ kind: 'status5xx', status: 502, times: 1 });
    const gateway = await fetchText(portal, FEED);
    assert.equal(gateway.status, 502);
    assert.match(gateway.headers.get('content-type')!, /text\/html/);
    assert.equal((await fetchText(portal, FEED)).status, 200, 'the rule expired after one use');
    portal.faults.add({ kind: 'status5xx', status: 500 });
    const internal = await fetchText(portal, FEED);
    assert.equal(internal.status, 500);
    assert.equal(internal.json().error.code, 500);
  });

  it('rate limits with Retry-After', async () => {
    portal.faults.add({ kind: 'rateLimit', retryAfterSeconds: 7 });
    const answer = await fetchText(portal, FEED);
    assert.equal(answer.status, 429);
    assert.equal(answer.headers.get('retry-after'), '7');
  });

  it('answers the Incapsula bot challenge instead of JSON', async () => {
    portal.faults.add({ kind: 'botChallenge', path: '/services/portal' });
    const answer = await fetchText(portal, RECORDS);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type')!, /^text\/html/);
    assert.equal(answer.text, INCAPSULA_PAGE);
    assert.ok(answer.text.length > 190 && answer.text.length < 240, String(answer.text.length));
    assert.match(answer.text, /<iframe[^>]+_Incapsula_Resource/);
    assert.equal((await fetchText(portal, FEED)).status, 200, 'other paths untouched');
  });

  it('sends malformed JSON', async () => {
    portal.faults.add({ kind: 'malformedJson', path: '^/api/feed/' });
    const answer = await fetchText(portal, FEED);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type')!, /json/);
    assert.throws(() => JSON.parse(answer.text));
  });

  it('truncates a body below its Content-Length', async () => {
    portal.faults.add({ kind: 'truncated' });
    await assert.rejects(fetchText(portal, FEED));
  });

  it('resets the connection mid-body', async () => {
    portal.faults.add({ kind: 'reset' });
    await assert.rejects(fetchText(portal, RECORDS));
    portal.faults.clear();
    assert.equal((await fetchText(portal, RECORDS)).status, 200, 'the server survives');
  });

  it('drips a body slowly but completely', async () => {
    portal.faults.add({ kind: 'slowDrip', ms: 5 });
    const start = performance.now();
    const answer = await fetchText(portal, RECORDS);
    assert.ok(performance.now() - start >= 100);
    assert.equal(answer.json().Records.length, 36);
  });

  it('switches faults through /__fake/faults and logs requests', async () => {
    const set = await getJson(portal, '/__fake/faults', { method: 'POST', body: JSON.stringify([{ kind: 'rateLimit', path: '/api/search', times: 2 }]) });
    assert.equal(set.rules.length, 1);
    assert.equal((await fetchText(portal, '/api/search/v1/collections/dataset/items')).status, 429);
    assert.equal((await getJson(portal, '/__fake/faults')).rules[0].times, 1);
    await fetchText(portal, '/__fake/faults', { method: 'DELETE' });
    assert.equal((await fetchText(portal, '/api/search/v1/collections/dataset/items')).status, 200);
    assert.equal((await fetchText(portal, '/__fake/faults', { method: 'POST', body: '[{"kind":"nope"}]' })).status, 400);
    const log = await getJson(portal, '/__fake/requests');
    const limited = log.filter((e: { url: string; status: number }) => e.url === '/api/search/v1/collections/dataset/items');
    assert.deepEqual(limited.map((e: { status: number }) => e.status).slice(-2), [429, 200]);
    assert.equal(portal.requests.at(-1)!.url, '/__fake/requests');
    await fetchText(portal, RECORDS, { headers: { 'X-Api-Key': 'abc' } });
    assert.equal(portal.requests.at(-1)!.headers['x-api-key'], 'abc');
  });

  it('mutates data through /__fake/mutate', async () => {
    const before = portal.catalog.byTitle('Garage Sales')!.rowCount;
    const answer = await getJson(portal, '/__fake/mutate', { method: 'POST', body: JSON.stringify({ dataset: 'Garage Sales', add: 3, remove: [1] }) });
    assert.equal(answer.rowCount, before + 2);
    const legacy = await getJson(portal, '/services/portal/api/data/records/Garage%20Sales');
    assert.equal(legacy.Records.length, before + 2);
    assert.equal((await fetchText(portal, '/__fake/mutate', { method: 'POST', body: '{"dataset":"Nope"}' })).status, 400);
  });
});
