// The fake OKC portal: one node:http server on 127.0.0.1 that speaks both portal generations
// (Hub + FeatureServer, legacy Records API), logs every request and injects faults on demand.
// Tests start it in-process; test/portal/cli.ts runs it standalone. See README.md beside this file.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createCatalog, type FakeCatalog, type MutateRequest } from './data';
import { Faults, sendWithFaults, validateRule, type FaultController, type FaultRule, type PlannedResponse } from './faults';
import { handleFeatureServer } from './featureserver';
import { handleHub } from './hub';
import { handleLegacy } from './legacy';
import { html, json, type FakeRequest } from './respond';

export type { FaultRule, FaultKind, FaultController } from './faults';
export type { FakeCatalog, FakeDataset, FakeField, FakeRow, LegacyField, MutateRequest } from './data';

export interface FakePortalOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  seed?: number;
  faults?: FaultRule[];
  /** Size of the synthetic big dataset; default 1_000_000. */
  bigRows?: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** The same as `url` (path + query), under the name some tests reach for. */
  path: string;
  /** Lower-case names, as node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The form-encoded body of a POST, as sent (a token may travel there). */
  form?: string;
  /** Status written; 0 when the socket was cut before one was sent. */
  status: number;
  /** The fault that bent the answer, if any. */
  fault?: string;
  /** epoch ms when the request arrived. */
  time: number;
}

export interface FakePortal {
  /** e.g. http://127.0.0.1:43123 (no trailing slash). */
  baseUrl: string;
  catalog: FakeCatalog;
  faults: FaultController;
  requests: RequestLogEntry[];
  close(): Promise<void>;
}

const MAX_LOG = 20000;
const MAX_BODY = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('Request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function control(req: FakeRequest, faults: Faults, log: RequestLogEntry[]): PlannedResponse | null {
  if (req.pathname === '/__fake/faults') {
    if (req.method === 'DELETE') {
      faults.clear();
      return json({ rules: [] });
    }
    if (req.method === 'POST' || req.method === 'PUT') {
      try {
        const rules = JSON.parse(req.body.toString('utf8') || '[]') as unknown;
        if (!Array.isArray(rules)) throw new Error('Expected a JSON array of fault rules');
        faults.set(rules.map(validateRule));
      } catch (err) {
        return json({ error: (err as Error).message }, 400);
      }
    }
    return json({ rules: faults.rules });
  }
  if (req.pathname === '/__fake/requests') {
    if (req.method === 'DELETE') log.length = 0;
    return json(log);
  }
  if (req.pathname === '/__fake/mutate' && req.method === 'POST') {
    try {
      const body = JSON.parse(req.body.toString('utf8')) as MutateRequest & { dataset?: string };
      if (typeof body.dataset !== 'string') throw new Error('Body needs "dataset": item id, {itemId}_{layer}, title or legacy name');
      const ds = req.catalog.mutate(body.dataset, body);
      return json({ dataset: ds.title, itemId: ds.itemId, rowCount: ds.rowCount, modified: ds.modified, lastEditDate: ds.lastEditDate });
    } catch (err) {
      return json({ error: (err as Error).message }, 400);
    }
  }
  if (req.pathname === '/__fake/health') return json({ ok: true, datasets: req.catalog.datasets.length });
  return null;
}

/** The longest request target the fake reads, as ArcGIS Server's Tomcat does (8 KB request
 * line): past it real servers answer 414, and clients send long queries as a form POST. */
export const MAX_REQUEST_TARGET = 8192;

export async function startFakePortal(options: FakePortalOptions = {}): Promise<FakePortal> {
  const catalog = createCatalog({ seed: options.seed, bigRows: options.bigRows });
  const faults = new Faults();
  if (options.faults) faults.set(options.faults);
  const requests: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  let baseUrl = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET', url: req.url ?? '/', path: req.url ?? '/', headers: { ...req.headers }, status: 0, time: Date.now(),
    };
    requests.push(entry);
    if (requests.length > MAX_LOG) requests.splice(0, requests.length - MAX_LOG);
    let planned: PlannedResponse;
    let rules: FaultRule[] = [];
    try {
      if ((req.url ?? '').length > MAX_REQUEST_TARGET) throw new UriTooLong();
      const url = new URL(req.url ?? '/', baseUrl);
      const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
      const params = new URLSearchParams(url.search);
      if (/application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) {
        entry.form = body.toString('utf8');
        for (const [k, v] of new URLSearchParams(entry.form)) params.set(k, v);
      }
      const fake: FakeRequest = { method: req.method ?? 'GET', pathname: url.pathname, params, headers: req.headers, body, baseUrl, catalog };
      const controlAnswer = url.pathname.startsWith('/__fake/') ? control(fake, faults, requests) : null;
      if (!controlAnswer) rules = faults.take(url.pathname, params);
      planned = controlAnswer ?? (await handleFeatureServer(fake)) ?? (await handleHub(fake)) ?? (await handleLegacy(fake))
        ?? json({ error: { code: 404, message: 'Not found', details: [url.pathname] } }, 404);
    } catch (err) {
      planned = err instanceof UriTooLong
        ? html('<!DOCTYPE html><html><head><title>414 Request-URI Too Long</title></head><body><h1>Request-URI Too Long</h1></body></html>', 414)
        : json({ error: { code: 500, message: (err as Error).message, details: [] } }, 500);
    }
    planned.headers['access-control-allow-origin'] ??= '*';
    const sent = await sendWithFaults(res, planned, rules, req.headers, faults.cleared());
    entry.status = sent.status;
    if (sent.fault) entry.fault = sent.fault;
  };

  // Node's own 16 KB header limit would drop a long GET's socket; a real server answers it.
  const server = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Tests cut sockets on purpose; a peer's reset must never crash the process.
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('Fake portal has no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    baseUrl,
    catalog,
    faults,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

class UriTooLong extends Error {}
