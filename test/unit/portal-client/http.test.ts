// PortalHttp against a scripted loopback server: retries, Retry-After, typed failures,
// conditional requests, the per-host limit and the User-Agent.

import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortalError } from '../../../src/portal/errors';
import { gzipSync } from 'node:zlib';
import { initialBodyCapacity, PortalHttp, retryAfterSeconds } from '../../../src/portal/http';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const fast = { userAgent: 'okc-open-data-test/1.0', retries: 2, backoffLimitMs: 20, timeoutMs: 2000 };
const any = (v: unknown): unknown => v;

async function rejectsWith(promise: Promise<unknown>, kind: string): Promise<PortalError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PortalError, `expected a PortalError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    return error;
  }
  assert.fail(`expected a ${kind} failure`);
}

describe('PortalHttp', () => {
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends the User-Agent and parses JSON', async () => {
    let agent: string | undefined;
    server = await serve((req, res) => {
      agent = req.headers['user-agent'];
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    const value = await new PortalHttp(fast).json({ url: `${server.url}/x` }, any);
    assert.deepEqual(value, { ok: true });
    assert.equal(agent, 'okc-open-data-test/1.0');
  });

  it('retries 5xx and succeeds when the server recovers', async () => {
    let calls = 0;
    server = await serve((_req, res) => {
      calls++;
      if (calls < 3) {
        res.statusCode = 503;
        res.end('busy');
      } else res.end('[1]');
    });
    assert.deepEqual(await new PortalHttp(fast).json({ url: server.url }, any), [1]);
    assert.equal(calls, 3);
  });

  it('gives up on persistent 5xx with a server error', async () => {
    let calls = 0;
    server = await serve((_req, res) => {
      calls++;
      res.statusCode = 502;
      res.end('<html>bad gateway</html>');
    });
    const error = await rejectsWith(new PortalHttp(fast).json({ url: server.url }, any), 'server');
    assert.equal(error.details.status, 502);
    assert.equal(calls, 3);
  });

  it('honours Retry-After on 429', async () => {
    const times: number[] = [];
    server = await serve((_req, res) => {
      times.push(Date.now());
      if (times.length === 1) {
        res.statusCode = 429;
        res.setHeader('retry-after', '1');
        res.end();
      } else res.end('{}');
    });
    await new PortalHttp(fast).json({ url: server.url }, any);
    assert.equal(times.length, 2);
    assert.ok(times[1] - times[0] >= 900, `waited ${times[1] - times[0]} ms`);
  });

  it('reports persistent 429 as rate limited with the asked delay', async () => {
    server = await serve((_req, res) => {
      res.statusCode = 429;
      res.setHeader('retry-after', '0');
      res.end();
    });
    const error = await rejectsWith(new PortalHttp(fast).json({ url: server.url }, any), 'rateLimited');
    assert.equal(error.details.retryAfterSeconds, 0);
  });

  it('recognises the bot-challenge page', async () => {
    server = await serve((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW"></head><body><iframe id="main-iframe" src="/_Incapsula_Resource?SWUDNSAI=31"></iframe></body></html>');
    });
    await rejectsWith(new PortalHttp(fast).json({ url: server.url }, any), 'botChallenge');
  });

  it('turns malformed JSON and wrong shapes into malformed errors', async () => {
    server = await serve((req, res) => res.end(req.url === '/broken' ? '{"dataset": [' : '{"dataset": 3}'));
    const client = new PortalHttp(fast);
    await rejectsWith(client.json({ url: `${server.url}/broken` }, any), 'malformed');
    await rejectsWith(
      client.json({ url: `${server.url}/shape` }, (v) => {
        if (!Array.isArray((v as { dataset: unknown }).dataset)) throw new Error('no dataset list');
        return v;
      }),
      'malformed',
    );
  });

  it('retries a truncated body and reports it as a network failure when it persists', async () => {
    let calls = 0;
    server = await serve((_req, res) => {
      calls++;
      res.setHeader('content-length', '1000');
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    await rejectsWith(new PortalHttp(fast).json({ url: server.url }, any), 'network');
    assert.ok(calls >= 2, `tried ${calls} times`);
  });

  it('returns bodies as bytes, chunked, large or cut short', async () => {
    const big = Buffer.alloc(300_000, 'é');
    server = await serve((req, res) => {
      if (req.url === '/chunked') {
        // No Content-Length: the buffer grows as chunks arrive.
        for (let i = 0; i < big.length; i += 7000) res.write(big.subarray(i, i + 7000));
        res.end();
      } else if (req.url === '/huge-claim') {
        // A header claiming 5 GB must not be believed (the body then falls short).
        res.setHeader('content-length', String(5 * 1024 ** 3));
        res.write('{"x":1}');
        setTimeout(() => res.socket?.destroy(), 10);
      } else {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(big);
      }
    });
    const client = new PortalHttp(fast);
    for (const path of ['/chunked', '/sized']) {
      const response = await client.bytes({ url: `${server.url}${path}` });
      assert.equal(response.status, 200);
      assert.ok(Buffer.from(response.bytes).equals(big), path);
    }
    await rejectsWith(client.bytes({ url: `${server.url}/huge-claim` }), 'network');
    assert.equal(initialBodyCapacity(String(5 * 1024 ** 3)), 16 * 1024 ** 2);
    assert.equal(initialBodyCapacity('1234'), 1234);
    for (const odd of [null, '', 'abc', '-5', '1e400', '12.5']) assert.equal(initialBodyCapacity(odd), 64 * 1024, String(odd));
  });

  it('maps ArcGIS HTTP-200 error bodies, with 499 as an auth problem', async () => {
    server = await serve((req, res) =>
      res.end(
        req.url === '/auth'
          ? '{"error":{"code":499,"message":"Token Required","details":[]}}'
          : '{"error":{"code":400,"message":"Cannot perform query. Invalid query parameters.","details":["No where clause specified."]}}',
      ),
    );
    const client = new PortalHttp(fast);
    const rejected = await rejectsWith(client.json({ url: `${server.url}/q` }, any), 'refused');
    assert.deepEqual(rejected.details.portalDetails, ['No where clause specified.']);
    await rejectsWith(client.json({ url: `${server.url}/auth` }, any), 'auth');
  });

  it('never puts a token into an error', async () => {
    server = await serve((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    const error = await rejectsWith(new PortalHttp(fast).json({ url: server.url, searchParams: new URLSearchParams({ f: 'json', token: 'SECRET-123' }) }, any), 'notFound');
    assert.ok(!JSON.stringify({ m: error.message, d: error.details }).includes('SECRET-123'));
  });

  it('times out a silent server', async () => {
    server = await serve(() => {
      /* never answers */
    });
    await rejectsWith(new PortalHttp({ ...fast, timeoutMs: 150, retries: 0 }).json({ url: server.url }, any), 'timeout');
  });

  it('reuses the stored body on 304', async () => {
    const seen: (string | undefined)[] = [];
    server = await serve((req, res) => {
      seen.push(req.headers['if-none-match'] as string | undefined);
      if (req.headers['if-none-match'] === '"v1"') {
        res.statusCode = 304;
        res.end();
        return;
      }
      res.setHeader('etag', '"v1"');
      res.end('{"n":1}');
    });
    const client = new PortalHttp(fast);
    assert.deepEqual(await client.json({ url: server.url, conditional: true }, any), { n: 1 });
    const second = await client.text({ url: server.url, conditional: true });
    assert.equal(second.notModified, true);
    assert.equal(second.text, '{"n":1}');
    assert.deepEqual(seen, [undefined, '"v1"']);
  });

  it('keeps at most the configured number of requests in flight per host', async () => {
    let active = 0;
    let peak = 0;
    server = await serve((_req, res) => {
      active++;
      peak = Math.max(peak, active);
      setTimeout(() => {
        active--;
        res.end('{}');
      }, 30);
    });
    const client = new PortalHttp({ ...fast, maxConcurrentPerHost: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => client.json({ url: `${server!.url}/${i}` }, any)));
    assert.equal(peak, 2);
  });

  it('reports cancellation as cancelled', async () => {
    server = await serve((_req, res) => setTimeout(() => res.end('{}'), 500));
    const controller = new AbortController();
    const pending = new PortalHttp(fast).json({ url: server.url, signal: controller.signal }, any);
    setTimeout(() => controller.abort(), 20);
    await rejectsWith(pending, 'cancelled');
  });

  it('times out a body that stalls after the headers, retries it, then says so', async () => {
    let calls = 0;
    server = await serve((_req, res) => {
      calls++;
      res.setHeader('content-length', '1000');
      res.write('{"stalled":');
      // Never finishes; the server's close ends it.
    });
    const started = Date.now();
    const error = await rejectsWith(new PortalHttp({ ...fast, timeoutMs: 200 }).json({ url: server.url }, any), 'timeout');
    assert.match(error.message, /stopped sending data/);
    assert.equal(error.details.status, 200);
    assert.equal(calls, 3, 'the first attempt and two body retries');
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  });

  it('lets a slow body through as long as bytes keep coming', async () => {
    server = await serve((_req, res) => {
      const parts = ['[1,', '2,', '3,', '4]'];
      const next = (): void => {
        const part = parts.shift();
        if (part === undefined) res.end();
        else {
          res.write(part);
          setTimeout(next, 120);
        }
      };
      next();
    });
    assert.deepEqual(await new PortalHttp({ ...fast, timeoutMs: 300 }).json({ url: server.url }, any), [1, 2, 3, 4]);
  });

  it('recovers from a stalled body when the next attempt answers', async () => {
    let calls = 0;
    server = await serve((_req, res) => {
      calls++;
      if (calls === 1) {
        res.write('[1,');
        return;
      }
      res.end('[1,2]');
    });
    assert.deepEqual(await new PortalHttp({ ...fast, timeoutMs: 200 }).bytes({ url: server.url }).then((r) => JSON.parse(Buffer.from(r.bytes).toString())), [1, 2]);
    assert.equal(calls, 2);
  });

  it('reads Retry-After as seconds and as an HTTP date', () => {
    const now = Date.parse('2026-11-29T09:00:00Z');
    assert.equal(retryAfterSeconds('7', now), 7);
    assert.equal(retryAfterSeconds(' 0 ', now), 0);
    assert.equal(retryAfterSeconds('Sun, 29 Nov 2026 09:00:12 GMT', now), 12);
    assert.equal(retryAfterSeconds('Sunday, 29-Nov-26 09:00:03 GMT', now), 3);
    assert.equal(retryAfterSeconds('Sun, 29 Nov 2026 08:59:00 GMT', now), 0, 'a date in the past means now');
    for (const odd of [null, '', 'soon', '-3', '1.5']) assert.equal(retryAfterSeconds(odd, now), undefined, String(odd));
  });

  it('waits a Retry-After given as an HTTP date, and tells about a long wait', async () => {
    const times: number[] = [];
    server = await serve((_req, res) => {
      times.push(Date.now());
      if (times.length === 1) {
        res.statusCode = 429;
        res.setHeader('retry-after', new Date(Math.ceil((Date.now() + 1000) / 1000) * 1000).toUTCString());
        res.end();
      } else res.end('{}');
    });
    const waits: number[] = [];
    await new PortalHttp({ ...fast, onLongWait: (w) => waits.push(w.seconds) }).json({ url: server.url }, any);
    assert.equal(times.length, 2);
    assert.ok(times[1] - times[0] >= 900, `waited ${times[1] - times[0]} ms`);
    assert.deepEqual(waits, [], 'a short wait is not announced');
  }).timeout(6000);

  it('announces a long Retry-After and fails at once on one beyond the maximum', async () => {
    const asked = ['6', '3600'];
    let calls = 0;
    server = await serve((req, res) => {
      calls++;
      if (req.url === '/long' && calls > 1) return res.end('{}');
      res.statusCode = 429;
      res.setHeader('retry-after', req.url === '/long' ? asked[0] : asked[1]);
      res.end();
    });
    const waits: number[] = [];
    const client = new PortalHttp({ ...fast, maxRetryAfterMs: 10_000, onLongWait: (w) => waits.push(w.seconds) });
    const started = Date.now();
    await client.json({ url: `${server.url}/long` }, any);
    assert.ok(Date.now() - started >= 5900, `waited ${Date.now() - started} ms`);
    assert.deepEqual(waits, [6]);
    calls = 0;
    const error = await rejectsWith(client.json({ url: `${server.url}/over` }, any), 'rateLimited');
    assert.equal(error.details.retryAfterSeconds, 3600);
    assert.equal(calls, 1, 'no retry when the portal asks for longer than we wait');
  }).timeout(15_000);

  it('reads gzip bodies, sized or chunked, as text and as bytes', async () => {
    const rows = JSON.stringify({ features: Array.from({ length: 5000 }, (_, i) => ({ attributes: { OBJECTID: i, Name: `Row ${i} é` } })) });
    const packed = gzipSync(rows);
    let sawAccept = '';
    server = await serve((req, res) => {
      sawAccept = String(req.headers['accept-encoding']);
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('content-encoding', 'gzip');
      if (req.url === '/sized') {
        res.setHeader('content-length', String(packed.length));
        res.end(packed);
      } else {
        for (let i = 0; i < packed.length; i += 4096) res.write(packed.subarray(i, i + 4096));
        res.end();
      }
    });
    const client = new PortalHttp(fast);
    for (const path of ['/sized', '/chunked']) {
      assert.equal((await client.text({ url: `${server.url}${path}` })).text, rows, path);
      assert.equal(Buffer.from((await client.bytes({ url: `${server.url}${path}` })).bytes).toString('utf8'), rows, path);
    }
    assert.match(sawAccept, /gzip/);
    // The compressed size is a floor, not the size: room for the decoded body from the start.
    assert.equal(initialBodyCapacity(String(packed.length), 'gzip'), Math.max(64 * 1024, packed.length * 4));
    assert.equal(initialBodyCapacity('1234', 'identity'), 1234);
  });

  it('stops reading a body past maxBytes, sized or chunked, and downloads no more of it', async function () {
    // The socket buffers fill in a moment; the time is for a loaded machine.
    this.timeout(20_000);
    const total = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let written = 0;
    let closed: Promise<void> = Promise.resolve();
    server = await serve((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/sized') res.setHeader('content-length', String(total));
      written = 0;
      closed = new Promise((resolve) => res.once('close', resolve));
      // Written as fast as the client reads: what the server got out is what was downloaded.
      const more = (): void => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    const http = new PortalHttp(fast);
    for (const path of ['/sized', '/chunked']) {
      const error = await rejectsWith(http.text({ url: `${server.url}${path}`, maxBytes: 1024 * 1024 }), 'rejected');
      assert.match(error.message, /larger than 1 MB/);
      await closed;
      // Socket buffers on both sides hold a few MB at most; the whole body is 64 MB.
      assert.ok(written < 16 * 1024 * 1024, `${path}: ${written} bytes written before the client let go`);
    }
    // Within the limit, the body is read as usual.
    await server.close();
    server = await serve((_req, res) => res.end('{"small":true}'));
    assert.deepEqual(await http.json({ url: server.url, maxBytes: 1024 }, any), { small: true });
  });
});
