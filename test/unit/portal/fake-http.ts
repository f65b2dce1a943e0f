// Shared by the fake portal's tests: one portal per test file and small fetch helpers.

import type { FakePortal } from '../../portal/server';

/** Parsed JSON under test: assertions read arbitrary shapes, so no static type helps here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json<T = Loose>(): T;
}

export async function fetchText(portal: FakePortal, path: string, init?: RequestInit): Promise<Answer> {
  const res = await fetch(portal.baseUrl + path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

export async function getJson<T = Loose>(portal: FakePortal, path: string, init?: RequestInit): Promise<T> {
  const answer = await fetchText(portal, path, init);
  return answer.json<T>();
}

export function query(params: Record<string, string | number | boolean>): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
}
