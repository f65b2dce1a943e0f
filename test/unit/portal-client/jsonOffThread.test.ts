// Big JSON answers are parsed in a worker thread, not on the thread that asked: the same value
// (own `__proto__` keys included), the same typed failures for a body that is not JSON.

import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortalError } from '../../../src/portal/errors';
import { PortalHttp } from '../../../src/portal/http';
import { OFF_THREAD_JSON_CHARS, parseJsonOffThread } from '../../../src/portal/jsonOffThread';

/** A layer answer of more than OFF_THREAD_JSON_CHARS: a long description and hostile keys. */
function bigAnswer(): string {
  const description = `<p>${'A long layer description. '.repeat(Math.ceil(OFF_THREAD_JSON_CHARS / 25))}</p>`;
  return `{"description":${JSON.stringify(description)},"fields":[{"name":"__proto__"}],"attributes":{"__proto__":"kept","constructor":1}}`;
}

describe('JSON parsed off the host thread', function () {
  // Megabytes to parse and copy on a loaded machine.
  this.timeout(30_000);
  let server: http.Server | undefined;
  const realParse = JSON.parse;
  afterEach(async () => {
    JSON.parse = realParse;
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
  });

  /** Makes this thread's JSON.parse refuse big texts: only the worker may parse them. */
  const forbidBigParseHere = (): void => {
    JSON.parse = ((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
      if (text.length >= OFF_THREAD_JSON_CHARS) throw new Error(`a ${text.length}-character answer was parsed on the host thread`);
      return realParse(text, reviver);
    }) as typeof JSON.parse;
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
    const value = (await parseJsonOffThread(text)) as { attributes: Record<string, unknown> };
    assert.deepEqual(value, realParse(text));
    assert.deepEqual(Object.keys(value.attributes), ['__proto__', 'constructor']);
    assert.equal(Object.getPrototypeOf(value.attributes), Object.prototype);
    await assert.rejects(parseJsonOffThread('{"cut": "short'), SyntaxError);
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
});
