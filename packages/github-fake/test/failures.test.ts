import { startFakeGitHub } from '../src/index.js';
import type { FakeGitHub } from '../src/index.js';
import { waitFor } from '@gitsync/testing';
import { call, obj } from './helpers.js';

let fake: FakeGitHub;
const T = 'failures-token';

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.addToken(T, { login: 'agent' });
  fake.createPullRequest({ owner: 'acme', repo: 'flaky', head: 'f' });
  fake.createPullRequest({ owner: 'acme', repo: 'steady', head: 's' });
});
afterAll(() => fake.close());
afterEach(() => fake.clearFailures());

describe('failRepo', () => {
  it('error500 answers a JSON 500 on every path of that repository only', async () => {
    fake.failRepo('acme', 'flaky', 'error500');
    for (const path of ['/repos/acme/flaky/pulls', '/repos/acme/flaky/pulls/1', '/repos/ACME/flaky/pulls/1/reviews']) {
      const reply = await call(fake, path, { token: T });
      expect(reply.status).toBe(500);
      expect(obj(reply.json).message).toEqual(expect.any(String));
    }
    expect((await call(fake, '/repos/acme/steady/pulls/1', { token: T })).status).toBe(200);
    expect((await call(fake, '/repos/acme/flakyish/pulls', { token: T })).status).toBe(404);
  });

  it('garbage answers 200 with a body that is not JSON', async () => {
    fake.failRepo('acme', 'flaky', 'garbage');
    const reply = await call(fake, '/repos/acme/flaky/pulls/1', { token: T });
    expect(reply.status).toBe(200);
    expect(reply.json).toBeUndefined();
    expect(reply.headers.get('etag')).toBeNull();
  });

  it('forbidden answers 403 without any rate-limit header', async () => {
    fake.failRepo('acme', 'flaky', 'forbidden');
    const reply = await call(fake, '/repos/acme/flaky/pulls/1', { token: T });
    expect(reply.status).toBe(403);
    expect(obj(reply.json).message).toEqual(expect.any(String));
    expect([...reply.headers.keys()].filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
  });

  it('notFound answers 404 although the pull request exists', async () => {
    fake.failRepo('acme', 'flaky', 'notFound');
    const reply = await call(fake, '/repos/acme/flaky/pulls/1', { token: T });
    expect(reply.status).toBe(404);
    expect(obj(reply.json)).toMatchObject({ message: 'Not Found' });
  });

  it('fails only `times` requests, and clearFailures restores at once', async () => {
    fake.failRepo('acme', 'flaky', 'error500', 2);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(fake, '/repos/acme/flaky/pulls/1', { token: T })).status);
    expect(statuses).toEqual([500, 500, 200]);
    fake.failRepo('acme', 'flaky', 'error500');
    expect((await call(fake, '/repos/acme/flaky/pulls/1', { token: T })).status).toBe(500);
    fake.clearFailures();
    expect((await call(fake, '/repos/acme/flaky/pulls/1', { token: T })).status).toBe(200);
  });
});

describe('latency', () => {
  it('waits at least latencyMs before answering, and setLatency changes it', async () => {
    const slow = await startFakeGitHub({ latencyMs: 120 });
    try {
      slow.addToken(T, { login: 'agent' });
      // 1 ms of slack: Node timers may fire up to a millisecond before the wall clock says so.
      expect((await call(slow, '/repos/a/b/pulls', { token: T })).elapsedMs).toBeGreaterThanOrEqual(119);
      slow.setLatency(250);
      const reply = await call(slow, '/repos/a/b/pulls', { token: T });
      expect(reply.status).toBe(404);
      expect(reply.elapsedMs).toBeGreaterThanOrEqual(249);
      slow.setLatency(0);
    } finally {
      await slow.close();
    }
  });

  it('close() ends keep-alive sockets and requests still waiting out their latency', async () => {
    const slow = await startFakeGitHub({ latencyMs: 10_000 });
    slow.addToken(T, { login: 'agent' });
    // The fake's latency is a timer per request: one more active Timeout means the request reached it.
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const inFlight = fetch(`${slow.apiBaseUrl}/repos/a/b/pulls`, { headers: { authorization: `Bearer ${T}` } }).then(
      () => 'answered',
      () => 'aborted',
    );
    await waitFor(() => timers() > before, {
      timeoutMs: 5000,
      message: 'the request to wait out its latency in the fake',
    });
    const started = Date.now();
    await slow.close();
    expect(await inFlight).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(5000);
    // No latency timer outlives close(), so nothing holds the process open.
    expect(timers()).toBe(before);
  });
});
