// What every fake portal handler receives and returns: a parsed request and a planned response
// (the fault layer may still bend it on the way out), plus small builders for both.

import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeCatalog } from './data';
import type { PlannedResponse } from './faults';

export interface FakeRequest {
  method: string;
  pathname: string;
  /** Query string merged with a form-encoded POST body (body wins). */
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  baseUrl: string;
  catalog: FakeCatalog;
}

export type Handler = (req: FakeRequest) => PlannedResponse | null | Promise<PlannedResponse | null>;

export function json(value: unknown, status = 200, headers: Record<string, string> = {}): PlannedResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: Buffer.from(JSON.stringify(value)) };
}

export function html(text: string, status = 200): PlannedResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(text) };
}

export function text(body: string | Buffer, contentType: string, status = 200, headers: Record<string, string> = {}): PlannedResponse {
  return { status, headers: { 'content-type': contentType, ...headers }, body: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function htmlPage(title: string, bodyHtml: string): PlannedResponse {
  return html(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${bodyHtml}</body></html>`);
}

/**
 * Adds ETag / Last-Modified and answers 304 when the request's validators still match,
 * as the Hub's CDN does for the DCAT feed.
 */
export function conditional(req: FakeRequest, planned: PlannedResponse, lastModifiedMs: number): PlannedResponse {
  const etag = `"${createHash('sha1').update(planned.body).digest('hex').slice(0, 27)}"`;
  const lastModified = new Date(Math.floor(lastModifiedMs / 1000) * 1000).toUTCString();
  const validators = { etag, 'last-modified': lastModified, 'cache-control': 'public, max-age=0, must-revalidate' };
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  let fresh = false;
  if (inm !== undefined) {
    fresh = inm.split(',').some((tag) => tag.trim() === etag || tag.trim() === `W/${etag}` || tag.trim() === '*');
  } else if (ims !== undefined) {
    const since = Date.parse(ims);
    fresh = Number.isFinite(since) && Math.floor(lastModifiedMs / 1000) * 1000 <= since;
  }
  if (fresh) return { status: 304, headers: validators, body: Buffer.alloc(0) };
  return { ...planned, headers: { ...planned.headers, ...validators } };
}
