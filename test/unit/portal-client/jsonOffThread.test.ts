// Big JSON answers are parsed in a worker thread, not on the thread that asked: the same value
// (own `__proto__` keys included), the same typed failures for a body that is not JSON.

import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortalError } from '../../../src/portal/errors';
import { PortalHttp } from '../../../src/portal/http';
import { OFF_THREAD_JSON_BYTES, parseJsonBytesOffThread } from '../../../src/portal/jsonOffThread';

/** A layer answer of more than `bytes` (OFF_THREAD_JSON_BYTES unless said): a long description
 * and hostile keys. */
function bigAnswer(bytes = OFF_THREAD_JSON_BYTES): string {
  const description = `<p>${'A long layer description. '.repeat(Math.ceil(bytes / 25))}</p>`;
  return `{"description":${JSON.stringify(description)},"fields":[{"name":"__proto__"}],"attributes":{"__proto__":"kept","constructor":1}}`;
}

describe('JSON parsed off the host thread', function () {
  // Megabytes to parse and copy on a loaded machine.
  this.timeout(30_000);
  let server: http.Server | undefined;
  const realParse = JSON.parse;
  const realDecode = TextDecoder.prototype.decode;
  afterEach(async () => {
    JSON.parse = realParse;
    TextDecoder.prototype.decode = realDecode;
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
  });

  /** Makes this thread's JSON.parse and TextDecoder refuse big bodies: only the worker may
   * decode and parse them. */
  const forbidBigParseHere = (): void => {
    JSON.parse = ((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
      if (text.length >= OFF_THREAD_JSON_BYTES) throw new Error(`a ${text.length}-character answer was parsed on the host thread`);
      return realParse(text, reviver);
    }) as typeof JSON.parse;
    TextDecoder.prototype.decode = function (this: InstanceType<typeof TextDecoder>, ...args: Parameters<typeof realDecode>): string {
      const input = args[0];
      if (input && input.byteLength >= OFF_THREAD_JSON_BYTES) throw new Error(`a ${input.byteLength}-byte answer was decoded on the host thread`);
      return realDecode.apply(this, args);
    };
  };

  const serve = async (body: string, contentType = 'application/json'): Promise<string> => {
    server = http.createServer((_req, res) => {
      res.setHeader('content-type', contentType);
      res.end(body);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/layer`;
  };

  it('gives the value JSON.parse would, own __proto__ keys kept', async () => {
    const text = bigAnswer();
    const bytes = new TextEncoder().encode(`\uFEFF${text}`);
    const value = (await parseJsonBytesOffThread(bytes)) as { attributes: Record<string, unknown> };
    assert.deepEqual(value, realParse(text));
    assert.deepEqual(Object.keys(value.attributes), ['__proto__', 'constructor']);
    assert.equal(Object.getPrototypeOf(value.attributes), Object.prototype);
    // The bytes moved to the worker rather than being copied.
    assert.equal(bytes.byteLength, 0);
    await assert.rejects(parseJsonBytesOffThread(new TextEncoder().encode('{"cut": "short')), SyntaxError);
    // A view into part of a bigger buffer parses just its own bytes.
    const framed = new TextEncoder().encode('xx{"inside": "ü"}yy');
    assert.deepEqual(await parseJsonBytesOffThread(framed.subarray(2, framed.length - 2)), { inside: 'ü' });
  });

  it('parses a big portal answer in the worker, and names a big broken one malformed', async () => {
    const text = bigAnswer();
    const url = await serve(text);
    forbidBigParseHere();
    const portalHttp = new PortalHttp({ userAgent: 'okc-open-data-test', retries: 0, timeoutMs: 20_000 });
    const value = await portalHttp.json({ url }, (v) => v as { description: string }).catch((e: unknown) => e);
    assert.ok(!(value instanceof Error), String(value));
    assert.equal((value as { description: string }).description.length, realParse(text).description.length);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const brokenUrl = await serve(text.slice(0, -10));
    const error = await portalHttp.json({ url: brokenUrl }, (v) => v).catch((e: unknown) => e);
    assert.ok(error instanceof PortalError && error.kind === 'malformed', String(error));
  });

  it('still tells a big web page from data, and keeps no big body for revalidation', async () => {
    TextDecoder.prototype.decode = realDecode;
    const page = `<!DOCTYPE html><html><body>${'<p>Sorry.</p>'.repeat(Math.ceil(OFF_THREAD_JSON_BYTES / 12))}</body></html>`;
    const portalHttp = new PortalHttp({ userAgent: 'okc-open-data-test', retries: 0, timeoutMs: 20_000 });
    const pageError = await portalHttp.json({ url: await serve(page, 'text/html') }, (v) => v).catch((e: unknown) => e);
    assert.ok(pageError instanceof PortalError && pageError.kind === 'malformed' && /web page/.test(pageError.message), String(pageError));
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    // A conditional request of an answer bigger than the revalidation store keeps (8 MB): the
    // second asks again without a validator and gets the whole answer again.
    const text = bigAnswer(9 * 1024 * 1024);
    let conditionalAsks = 0;
    server = http.createServer((req, res) => {
      if (req.headers['if-none-match']) conditionalAsks++;
      res.setHeader('content-type', 'application/json');
      res.setHeader('etag', '"v1"');
      res.end(text);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/layer`;
    forbidBigParseHere();
    for (let i = 0; i < 2; i++) {
      const value = await portalHttp.json({ url, conditional: true }, (v) => v as { description: string });
      assert.equal(value.description.length, realParse(text).description.length);
    }
    assert.equal(conditionalAsks, 0);
  });
});
