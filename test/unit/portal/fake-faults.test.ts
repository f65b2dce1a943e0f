// Fault injection of the fake portal: every kind, path matching, expiry, the control endpoint
// and the request log.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
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

  it('stalls a body after the headers until the client gives up', async () => {
    portal.faults.add({ kind: 'stall', path: '/services/' });
    const controller = new AbortController();
    const res = await fetch(portal.baseUrl + RECORDS, { signal: controller.signal });
    assert.equal(res.status, 200, 'the headers came');
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.ok(first.value && first.value.length > 0, 'a first part of the body came');
    const next = reader.read();
    const outcome = await Promise.race([next.then(() => 'data'), new Promise((r) => setTimeout(() => r('silent'), 300))]);
    assert.equal(outcome, 'silent', 'then nothing');
    controller.abort();
    await next.catch(() => undefined);
    // The log entry is completed when the client's close reaches the server.
    for (let i = 0; i < 100 && !portal.requests.some((r) => r.url === RECORDS && r.fault === 'stall'); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(portal.requests.find((r) => r.url === RECORDS && r.fault === 'stall')?.status, 200);
  });

  it('holds an answer until the rules are cleared, then sends it as the other rules say', async () => {
    portal.faults.set([
      { kind: 'hold', path: '/services/', times: 1 },
      { kind: 'status5xx', status: 503, path: '/services/', times: 1 },
    ]);
    let settled = false;
    const held = fetchText(portal, RECORDS).then((answer) => {
      settled = true;
      return answer;
    });
    const before = portal.requests.length;
    const arrived = (): boolean => portal.requests.slice(before).some((r) => r.url === RECORDS);
    for (let i = 0; i < 500 && !arrived(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(arrived(), 'the request reached the fake');
    // A whole answer to another request comes and goes while the held one waits.
    assert.equal((await fetchText(portal, FEED)).status, 200);
    assert.equal(settled, false, 'an answer came while held');
    portal.faults.clear();
    assert.equal((await held).status, 503, 'the other rule taken with the hold decides the answer');
    assert.equal(portal.requests.slice(before).find((r) => r.url === RECORDS)?.fault, 'status5xx');
  });

  it('lets a hold go after its ms when nothing clears the rules', async () => {
    portal.faults.add({ kind: 'hold', ms: 50, path: '/services/' });
    const answer = await fetchText(portal, RECORDS);
    assert.equal(answer.status, 200);
    assert.equal(portal.requests.filter((r) => r.url === RECORDS).at(-1)?.fault, 'hold');
  });

  it('sends an ArcGIS error object inside HTTP 200', async () => {
    portal.faults.add({ kind: 'arcgisError', path: '/usrsvcs/' });
    portal.faults.add({ kind: 'arcgisError', path: '/api/feed', status: 500, message: 'Syntax error [].' });
    const layer = portal.catalog.byTitle('Fire Stations')!.layerPath;
    const answer = await fetchText(portal, `${layer}?f=json`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json(), { error: { code: 400, message: 'Unable to complete operation.', details: [] } });
    assert.deepEqual((await fetchText(portal, FEED)).json().error, { code: 500, message: 'Syntax error [].', details: [] });
  });

  it('rate limits with Retry-After as an HTTP date', async () => {
    portal.faults.add({ kind: 'rateLimit', retryAfterSeconds: 30, retryAfterDate: true });
    const sent = Date.now();
    const header = (await fetchText(portal, FEED)).headers.get('retry-after')!;
    assert.match(header, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const wait = Date.parse(header) - sent;
    assert.ok(wait >= 29_000 && wait <= 32_000, `${wait} ms`);
  });

  it('targets a rule by query parameters: only pages past the first, only sorted queries', async () => {
    const layer = portal.catalog.byTitle('Fire Stations')!.layerPath;
    portal.faults.add({ kind: 'status5xx', path: `${layer}/query`, query: 'resultOffset=[1-9]' });
    portal.faults.add({ kind: 'status5xx', status: 502, path: `${layer}/query`, query: 'orderByFields=' });
    const page = (extra: string) => fetchText(portal, `${layer}/query?where=1%3D1&outFields=*&f=json&resultRecordCount=5${extra}`);
    assert.equal((await page('&resultOffset=0')).status, 200);
    assert.equal((await page('&resultOffset=10')).status, 503);
    assert.equal((await page('&orderByFields=OBJECTID%20DESC')).status, 502);
    const posted = await fetchText(portal, `${layer}/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'where=1%3D1&f=json&resultOffset=20&resultRecordCount=5',
    });
    assert.equal(posted.status, 503, 'form bodies are matched too');
  });

  it('gzips for clients that accept it, and sends chunked bodies without a length', async () => {
    portal.faults.add({ kind: 'gzip' });
    portal.faults.add({ kind: 'chunked', path: '/services/' });
    const raw = (path: string, headers: Record<string, string>) =>
      new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
        const req = request(portal.baseUrl + path, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    const packed = await raw(FEED, { 'accept-encoding': 'gzip, deflate' });
    assert.equal(packed.headers['content-encoding'], 'gzip');
    assert.equal(Number(packed.headers['content-length']), packed.body.length, 'Content-Length is the compressed size');
    const feed = JSON.parse(gunzipSync(packed.body).toString('utf8'));
    assert.ok(feed.dataset.length > 50);
    const plain = await raw(FEED, {});
    assert.equal(plain.headers['content-encoding'], undefined, 'no gzip unless accepted');
    const chunked = await raw(RECORDS, {});
    assert.equal(chunked.headers['transfer-encoding'], 'chunked');
    assert.equal(chunked.headers['content-length'], undefined);
    assert.equal(JSON.parse(chunked.body.toString('utf8')).Records.length, 36);
  });

  it('switches faults through /__fake/faults and logs requests', async () => {
    const set = await getJson(portal, '/__fake/faults', { method: 'POST', body: JSON.stringify([{ kind: 'rateLimit', path: '/api/search', times: 2 }]) });
    assert.equal(set.rules.length, 1);
    assert.equal((await fetchText(portal, '/api/search/v1/collections/collectiondm3n84mi/items')).status, 429);
    assert.equal((await getJson(portal, '/__fake/faults')).rules[0].times, 1);
    await fetchText(portal, '/__fake/faults', { method: 'DELETE' });
    assert.equal((await fetchText(portal, '/api/search/v1/collections/collectiondm3n84mi/items')).status, 200);
    assert.equal((await fetchText(portal, '/__fake/faults', { method: 'POST', body: '[{"kind":"nope"}]' })).status, 400);
    const log = await getJson(portal, '/__fake/requests');
    const limited = log.filter((e: { url: string; status: number }) => e.url === '/api/search/v1/collections/collectiondm3n84mi/items');
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
