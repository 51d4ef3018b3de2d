import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { anyString, webUrlValue } from './values.js';
import { WHO, type Who, type World } from './world.js';

/*
 * Requests no generated client would send: routes the description hides (Bull Board, metrics,
 * webhooks, the document itself), methods no route has, paths that match nothing.
 */

export const WEBHOOK_SECRET = 'fuzz-webhook-secret';

export type RawRequest =
  | { kind: 'path'; method: string; path: string; as: Who | null; body: string | null }
  | { kind: 'webhook'; provider: string; event: string; body: string; signed: boolean; delivery: string | null };

const paths = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '/',
      '/index.html',
      '/assets/missing.js',
      '/openapi.json',
      '/metrics',
      '/healthz',
      '/readyz',
      '/admin/queues',
      '/admin/queues/api/queues',
      '/admin/queues/api/redis/stats',
      '/admin/queues/api/queues?activeQueue=refresh&status=latest&page=1',
      '/api/v1',
      '/api/v1/chats/',
      '/api/v1//chats',
      '/api/v1/users/me',
      '/api/v1/users/me/external-auth',
      '/api/v1/events?since=0',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/api/v1/chats/%00',
      '/api/v1/chats?limit=1&limit=2',
      `/api/v1/chats?cursor=${'A'.repeat(5000)}`,
    ),
  },
  { weight: 1, arbitrary: webUrlValue.map((url) => new URL(url).pathname + new URL(url).search) },
);

const pullRequestPayload = fc.record({
  action: fc.constantFrom('opened', 'edited', 'closed', 'synchronize', 'deleted', 'submitted', '\u0000'),
  pull_request: fc.oneof(
    fc.constant(null),
    fc.record({
      html_url: fc.oneof(
        fc.constant('https://github.com/acme/app/pull/1'),
        webUrlValue,
        fc.constant('https://github.com/acme/app/pull/1\u0000'),
      ),
      number: fc.oneof(fc.nat(), fc.constant(-1)),
      head: fc.record({
        ref: fc.oneof(fc.constant('feat/alice-1'), anyString(30)),
        repo: fc.record({ html_url: fc.oneof(fc.constant('https://github.com/acme/app'), webUrlValue) }),
      }),
    }),
  ),
  repository: fc.record({
    html_url: fc.oneof(
      fc.constant('https://github.com/acme/app'),
      webUrlValue,
      fc.constantFrom('not a url', 'https://github.com/acme/app\u0000'),
    ),
    full_name: fc.constant('acme/app'),
  }),
});

export const rawArbitrary: fc.Arbitrary<RawRequest> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('path' as const),
      method: fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
      path: paths,
      as: fc.option(fc.constantFrom(...WHO)),
      body: fc.option(
        fc.oneof(
          fc.constant('{}'),
          fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
        ),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('webhook' as const),
      provider: fc.constantFrom('github', 'github', 'gitlab', '%00', 'x'.repeat(300)),
      event: fc.constantFrom('ping', 'pull_request', 'pull_request_review', 'push', '', 'x'.repeat(300)),
      body: fc.oneof(
        pullRequestPayload.map((p) => JSON.stringify(p)),
        fc.constantFrom('', '{', 'null', '[]', '{"zen":"ok"}'),
        anyString(100),
      ),
      signed: fc.boolean(),
      delivery: fc.option(fc.oneof(fc.uuid(), fc.constant('same-delivery'))),
    }),
  },
);

/** The request itself, sent as written. */
export function rawRequest(baseUrl: string, world: World, raw: RawRequest, signal: AbortSignal): Request {
  const canHaveBody = (method: string) => method !== 'GET' && method !== 'HEAD';
  if (raw.kind === 'webhook') {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': raw.event };
    if (raw.signed)
      headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(raw.body).digest('hex')}`;
    if (raw.delivery) headers['x-github-delivery'] = raw.delivery;
    return new Request(`${baseUrl}/api/v1/webhooks/${raw.provider}`, {
      method: 'POST',
      headers,
      body: raw.body,
      signal,
    });
  }
  const headers: Record<string, string> = raw.as ? world.auth(raw.as) : {};
  const body = raw.body !== null && canHaveBody(raw.method) ? raw.body : null;
  if (body !== null) headers['content-type'] = 'application/json';
  return new Request(`${baseUrl}${raw.path}`, { method: raw.method, headers, body, signal });
}
