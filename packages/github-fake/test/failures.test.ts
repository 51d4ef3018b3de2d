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
afterAll(() => fake?.close());
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
    // Ten minutes: a close() that waited for it would outlast the test's own timeout.
    const slow = await startFakeGitHub({ latencyMs: 600_000 });
    slow.addToken(T, { login: 'agent' });
    const inFlight = fetch(`${slow.apiBaseUrl}/repos/a/b/pulls`, { headers: { authorization: `Bearer ${T}` } }).then(
      () => 'answered',
      () => 'aborted',
    );
    await waitFor(() => slow.pending === 1, { message: 'the request to wait out its latency in the fake' });
    await slow.close();
    expect(await inFlight).toBe('aborted');
    // Its wait was ended, not left to a timer that would hold the process open.
    expect(slow.pending).toBe(0);
    expect(slow.requests).toEqual([]);
  });
});

describe('hold', () => {
  it('keeps matching requests waiting until released, lets others through, and logs arrival order', async () => {
    const hold = fake.hold((r) => r.path.includes('/acme/flaky/'));
    fake.clearRequests();
    const held = call(fake, '/repos/acme/flaky/pulls/1', { token: T });
    await waitFor(() => hold.waiting === 1, { message: 'the request to be held' });
    expect((await call(fake, '/repos/acme/steady/pulls/1', { token: T })).status).toBe(200);
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/v3/repos/acme/steady/pulls/1']);
    hold.release();
    expect((await held).status).toBe(200);
    expect(hold.waiting).toBe(0);
    const [steady, flaky] = fake.requests;
    // The held request arrived first and was answered last.
    expect(flaky!.arrival).toBeLessThan(steady!.arrival);
    expect(flaky!.answered).toBeGreaterThan(steady!.answered);
    expect(steady!.arrival).toBeLessThan(steady!.answered);
    // Released holds hold nothing more.
    expect((await call(fake, '/repos/acme/flaky/pulls/1', { token: T })).status).toBe(200);
  });

  it('close() ends held requests too', async () => {
    const other = await startFakeGitHub();
    other.addToken(T, { login: 'agent' });
    const hold = other.hold(() => true);
    const inFlight = fetch(`${other.apiBaseUrl}/repos/a/b/pulls`, { headers: { authorization: `Bearer ${T}` } }).then(
      () => 'answered',
      () => 'aborted',
    );
    await waitFor(() => hold.waiting === 1, { message: 'the request to be held' });
    await other.close();
    expect(await inFlight).toBe('aborted');
    expect(other.pending).toBe(0);
  });
});
