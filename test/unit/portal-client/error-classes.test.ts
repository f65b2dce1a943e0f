// ArcGIS error bodies as real servers send them (copies in ./samples), classified by what
// they say: a refused query, a token problem, a server failure. Each body goes through
// PortalHttp as an HTTP 200 answer, as the servers send them, and again with its code as the
// HTTP status (400 "Unable to complete operation.", 498/499 tokens), as other servers do.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { classifyArcgisError, PortalError, type PortalErrorKind } from '../../../src/portal/errors';
import { PortalHttp } from '../../../src/portal/http';

const SAMPLES = path.resolve(__dirname, '../../../../test/unit/portal-client/samples');
const read = (name: string): unknown => JSON.parse(readFileSync(path.join(SAMPLES, name), 'utf8'));

type Body = { error: { code?: number; message: string; details?: string[] } };
const variants = (read('query-error-variants.json') as { variants: { body: Body }[] }).variants.map((v) => v.body);

/** Every sample body and the kind its words call for. */
const EXPECTED: [Body, PortalErrorKind][] = [
  [read('query-error.json') as Body, 'refused'],
  [read('query-error-400-unable-to-complete.json') as Body, 'refused'],
  ...variants.map((body): [Body, PortalErrorKind] => [body, body.error.code === 499 || body.error.code === 498 ? 'auth' : 'refused']),
  // Not from a sample: the fake portal's 5xx fault and a token body with its 498 code.
  [{ error: { code: 500, message: 'An internal server error occurred.', details: [] } }, 'server'],
  [{ error: { code: 498, message: 'Invalid token.', details: ['Invalid token.'] } }, 'auth'],
  [{ error: { code: 500, message: 'Unable to complete operation.', details: [] } }, 'server'],
];

describe('ArcGIS error classification', () => {
  let server: http.Server;
  let base: string;
  let answer: unknown;
  let httpStatus = 200;
  let contentType = 'application/json';
  before(async () => {
    server = http.createServer((_req, res) => {
      res.statusCode = httpStatus;
      res.setHeader('content-type', contentType);
      res.end(typeof answer === 'string' ? answer : JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    httpStatus = 200;
    contentType = 'application/json';
  });

  it('has every real sample in the table', () => {
    assert.equal(variants.length, 6);
    assert.ok(variants.some((b) => b.error.code === 500 && b.error.message === 'Syntax error [].'));
  });

  for (const [body, kind] of EXPECTED) {
    it(`${body.error.code} "${body.error.message}" is ${kind}`, async () => {
      assert.equal(classifyArcgisError(body.error.code, body.error.message, body.error.details), kind);
      answer = body;
      const client = new PortalHttp({ userAgent: 'test', retries: 0 });
      await assert.rejects(client.json({ url: `${base}/query` }, (v) => v), (e: unknown) => {
        assert.ok(e instanceof PortalError);
        assert.equal(e.kind, kind);
        assert.equal(e.message, body.error.message);
        assert.equal(e.details.status, body.error.code);
        return true;
      });
    });
  }

  for (const [body, kind] of EXPECTED) {
    it(`${body.error.code} "${body.error.message}" sent with HTTP ${body.error.code} is ${kind}, in the portal's words`, async () => {
      answer = body;
      httpStatus = body.error.code!;
      const client = new PortalHttp({ userAgent: 'test', retries: 0 });
      await assert.rejects(client.json({ url: `${base}/query` }, (v) => v), (e: unknown) => {
        assert.ok(e instanceof PortalError);
        assert.equal(e.kind, kind);
        assert.equal(e.message, body.error.message);
        assert.deepEqual(e.details.portalDetails, (body.error.details ?? []).filter(Boolean));
        return true;
      });
    });
  }

  it('reads a Hub API (NestJS) error body, and falls back to the status for a page that says nothing', async () => {
    const client = new PortalHttp({ userAgent: 'test', retries: 0 });
    const failure = async (): Promise<PortalError> => {
      try {
        await client.json({ url: `${base}/x` }, (v) => v);
      } catch (error) {
        assert.ok(error instanceof PortalError);
        return error;
      }
      throw new Error('no failure');
    };
    answer = { statusCode: 404, message: 'Collection with id "dataset" not found', error: 'Not Found' };
    httpStatus = 404;
    const missing = await failure();
    assert.deepEqual([missing.kind, missing.message], ['notFound', 'Collection with id "dataset" not found']);
    answer = '<html><body>Bad Request</body></html>';
    contentType = 'text/html';
    httpStatus = 400;
    const page = await failure();
    assert.deepEqual([page.kind, page.message], ['rejected', 'The portal rejected the request (HTTP 400).']);
  });

  it('reads the words before the code: Enterprise\'s 500 "Syntax error []." is a refusal', () => {
    assert.equal(classifyArcgisError(500, 'Syntax error [].'), 'refused');
    assert.equal(classifyArcgisError(400, 'Cannot perform query. Invalid query parameters.', ["'where' parameter is invalid"]), 'refused');
    assert.equal(classifyArcgisError(500, 'Error performing query operation'), 'server');
    assert.equal(classifyArcgisError(404, 'Requested layer not found'), 'notFound');
  });
});
