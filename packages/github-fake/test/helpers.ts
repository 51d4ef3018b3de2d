import type { FakeGitHub } from '../src/index.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body; undefined when it is not JSON. */
  json: unknown;
  elapsedMs: number;
}

/** GET (or another method) against the fake's API base with an optional token. */
export async function call(
  fake: FakeGitHub,
  path: string,
  opts: { token?: string; headers?: Record<string, string>; method?: string; base?: 'api' | 'web' } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json', ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  const started = performance.now();
  const res = await fetch(`${opts.base === 'web' ? fake.url : fake.apiBaseUrl}${path}`, {
    method: opts.method ?? 'GET',
    headers,
  });
  const text = await res.text();
  const elapsedMs = performance.now() - started;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, elapsedMs };
}

/** Narrows parsed JSON for assertions without `any`. */
export function obj(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`not an object: ${String(value)}`);
  return value as Record<string, unknown>;
}

export function arr(value: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(value)) throw new Error(`not an array: ${String(value)}`);
  return value.map(obj);
}

/** rel → URL from a GitHub Link header. */
export function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part);
    if (m?.[1] && m[2]) out[m[2]] = m[1];
  }
  return out;
}
