import { startFakeGitHub } from '../src/index.js';
import type { FakeGitHub } from '../src/index.js';
import { call, obj } from './helpers.js';

let fake: FakeGitHub;
/** The fake's clock: windows end when a test moves it on, not when the wall clock says so. */
let now = Date.parse('2026-01-01T00:00:00Z');

beforeAll(async () => {
  fake = await startFakeGitHub({ now: () => now });
  fake.addRepo('acme', 'limits');
});
afterAll(() => fake?.close());
beforeEach(() => fake.clearRequests());

const PATH = '/repos/acme/limits/pulls';

describe('authentication', () => {
  it('answers 401 Bad credentials to a missing, unknown or removed token and records them', async () => {
    fake.addToken('soon-gone', { login: 'agent' });
    expect((await call(fake, PATH, { headers: { authorization: 'token soon-gone' } })).status).toBe(200);
    fake.removeToken('soon-gone');
    for (const token of [undefined, 'nope', 'soon-gone']) {
      const reply = await call(fake, PATH, token === undefined ? {} : { token });
      expect(reply.status).toBe(401);
      expect(obj(reply.json)).toMatchObject({ message: 'Bad credentials' });
      expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
    expect(fake.requests.map((r) => [r.token, r.status])).toEqual([
      ['soon-gone', 200],
      [null, 401],
      ['nope', 401],
      ['soon-gone', 401],
    ]);
  });
});

describe('budget', () => {
  it('sends the rate-limit headers on every answer', async () => {
    fake.addToken('headers', { login: 'agent', budget: 10, windowMs: 60_000 });
    const reply = await call(fake, PATH, { token: 'headers' });
    expect(reply.headers.get('x-ratelimit-limit')).toBe('10');
    expect(reply.headers.get('x-ratelimit-remaining')).toBe('9');
    expect(reply.headers.get('x-ratelimit-used')).toBe('1');
    expect(reply.headers.get('x-ratelimit-resource')).toBe('core');
    expect(reply.headers.get('x-github-api-version-selected')).toBe('2022-11-28');
    expect(Number(reply.headers.get('x-ratelimit-reset'))).toBe(Math.ceil((now + 60_000) / 1000));
    // A 404 costs a request too, as on GitHub.
    const missing = await call(fake, '/repos/acme/limits/pulls/77', { token: 'headers' });
    expect(missing.headers.get('x-ratelimit-remaining')).toBe('8');
  });

  it('answers 403 with remaining 0 once the budget is spent, and restarts after the window', async () => {
    fake.addToken('small', { login: 'agent', budget: 3, windowMs: 400 });
    const windowEnd = now + 400;
    for (let i = 0; i < 3; i++) expect((await call(fake, PATH, { token: 'small' })).status).toBe(200);
    const limited = await call(fake, PATH, { token: 'small' });
    expect(limited.status).toBe(403);
    expect(obj(limited.json).message).toMatch(/^API rate limit exceeded for user ID \d+\.$/);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBe(Math.ceil(windowEnd / 1000));
    // Other tokens are unaffected.
    fake.addToken('other', { login: 'agent' });
    expect((await call(fake, PATH, { token: 'other' })).status).toBe(200);
    // Still spent until the last millisecond of the window; a fresh budget from its end.
    now = windowEnd - 1;
    expect((await call(fake, PATH, { token: 'small' })).status).toBe(403);
    now = windowEnd;
    expect((await call(fake, PATH, { token: 'small' })).status).toBe(200);
    const fresh = await call(fake, PATH, { token: 'small' });
    expect(fresh.headers.get('x-ratelimit-remaining')).toBe('1');
  });
});

describe('forced rate limits', () => {
  it('primary: 403, remaining 0 and reset at the end of the forced period, then recovers', async () => {
    fake.addToken('primary', { login: 'agent' });
    fake.forceRateLimit('primary', { ms: 300 });
    // The period is timed from the first request that meets it, however late that comes.
    now += 5_000;
    const until = now + 300;
    const reply = await call(fake, PATH, { token: 'primary' });
    expect(reply.status).toBe(403);
    expect(reply.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(reply.headers.get('retry-after')).toBeNull();
    expect(Number(reply.headers.get('x-ratelimit-reset'))).toBe(Math.ceil(until / 1000));
    now = until - 1;
    expect((await call(fake, PATH, { token: 'primary' })).status).toBe(403);
    now = until;
    expect((await call(fake, PATH, { token: 'primary' })).status).toBe(200);
  });

  it('secondary: 429 with retry-after in whole seconds and a message naming the secondary rate limit', async () => {
    fake.addToken('secondary', { login: 'agent' });
    fake.forceRateLimit('secondary', { ms: 1500, kind: 'secondary' });
    const reply = await call(fake, PATH, { token: 'secondary' });
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('2');
    expect(reply.headers.get('x-ratelimit-remaining')).not.toBe('0');
    expect(obj(reply.json).message).toMatch(/secondary rate limit/);
    now += 1499;
    expect((await call(fake, PATH, { token: 'secondary' })).headers.get('retry-after')).toBe('1');
    now += 1;
    expect((await call(fake, PATH, { token: 'secondary' })).status).toBe(200);
  });

  it('secondary per minute: past perMinute requests (304s too), a 403 with the message and quota left', async () => {
    fake.addToken('per-minute', { login: 'agent', perMinute: 3 });
    const first = await call(fake, PATH, { token: 'per-minute' });
    const etag = first.headers.get('etag')!;
    // A 304 is free for the hourly budget, not for the per-minute limit.
    expect((await call(fake, PATH, { token: 'per-minute', headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await call(fake, PATH, { token: 'per-minute' })).status).toBe(200);
    const refused = await call(fake, PATH, { token: 'per-minute' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(refused.headers.get('x-ratelimit-remaining')).not.toBe('0');
    expect(obj(refused.json).message).toMatch(/secondary rate limit/);
  });
});

describe('request log', () => {
  it('records method, path with query, token, status, time and conditional flag in order', async () => {
    fake.addToken('a', { login: 'alice' });
    fake.addToken('b', { login: 'bob' });
    const start = Date.now();
    fake.clearRequests();
    await call(fake, `${PATH}?state=all`, { token: 'a' });
    await call(fake, PATH, { token: 'b', headers: { 'if-none-match': '"x"' } });
    await call(fake, PATH, { token: 'a' });
    expect(fake.requests.filter((r) => r.token === 'a')).toHaveLength(2);
    expect(fake.requests.filter((r) => r.token === 'b')).toHaveLength(1);
    expect(fake.requests[0]).toEqual({
      method: 'GET',
      path: `/api/v3${PATH}?state=all`,
      token: 'a',
      status: 200,
      at: expect.any(Number),
      arrival: expect.any(Number),
      answered: expect.any(Number),
      conditional: false,
    });
    // One after another: each answered before the next arrived.
    const order = fake.requests.flatMap((r) => [r.arrival, r.answered]);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(fake.requests[1]?.conditional).toBe(true);
    expect(fake.requests[0]?.at).toBeGreaterThanOrEqual(start);
    fake.clearRequests();
    expect(fake.requests).toHaveLength(0);
  });
});
