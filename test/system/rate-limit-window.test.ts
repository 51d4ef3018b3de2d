import { dumpRedis, waitFor } from '@gitsync/testing';
import { System } from './harness.js';

/**
 * Issue 3: one of two tokens is limited for a few seconds while three worker processes run. Every replica
 * stops calling GitHub for that group, the other group goes on, the limited rows are refreshed
 * after the window, nothing fails, and no token ends up in Redis or in a log line.
 *
 * Proved by the fake's request log, not by the clock: with one request of a group in flight across
 * all replicas (GITSYNC_GROUP_MAX_IN_FLIGHT=1), the request that meets the limit holds the group's
 * only slot until its answer has blocked the group in Redis; any request sent in the window after
 * that would be answered 403 too. So exactly one 403 means no replica called during the window.
 */
let s: System;
afterAll(() => s?.close());

const LIMITED = 'ghp_limited_token_secret';
const FREE = 'ghp_free_token_secret';

it('a limited group stops on every replica until its reset while the other group goes on', async () => {
  s = await System.start({ fakeLatencyMs: 20, env: { LOG_LEVEL: 'debug', GITSYNC_GROUP_MAX_IN_FLIGHT: '1' } });
  const limitedOwner = await s.user('limited', LIMITED);
  const freeOwner = await s.user('free', FREE);
  await s.startWorkers(3);
  await s.startSchedulers(1);

  s.fake.forceRateLimit(LIMITED, { ms: 3_000, kind: 'primary' });
  // The free group waits at the fake until the limited group met its limit: it is then sure to
  // have work left while the limited group is blocked, however the two groups' jobs interleave.
  const freeHeld = s.fake.hold((r) => r.token === FREE);
  const limited = await s.rows(limitedOwner, 30, { repo: 'limited' });
  const free = await s.rows(freeOwner, 30, { repo: 'free' });
  try {
    await waitFor(() => s.fake.requests.some((r) => r.token === LIMITED && r.status === 403), {
      timeoutMs: 30_000,
      message: () => `the limited group to meet its limit\n${s.tail()}`,
    });
  } finally {
    freeHeld.release();
  }

  await s.waitAllRefreshed([...limited, ...free], 60_000);

  const requests = s.fake.requests;
  const ofLimited = requests.filter((r) => r.token === LIMITED).sort((a, b) => a.arrival - b.arrival);
  // One request met the limit; no replica sent another until the window was over.
  expect(ofLimited.filter((r) => r.status === 403)).toHaveLength(1);
  const [met, next] = [ofLimited.find((r) => r.status === 403)!, ofLimited.find((r) => r.status === 200)!];
  expect(next.arrival).toBeGreaterThan(met.answered);
  // Meanwhile the free group was sent requests.
  const freeMeanwhile = requests.filter(
    (r) => r.token === FREE && r.arrival > met.answered && r.arrival < next.arrival,
  );
  expect(freeMeanwhile.length).toBeGreaterThan(0);
  expect(await s.failedJobs()).toBe(0);

  const redisDump = await dumpRedis(s.redis, '*');
  const logs = s.apps.map((app) => app.output()).join('\n');
  expect(logs).toContain('"outcome":"rate_limited"');
  for (const secret of [LIMITED, FREE]) {
    expect(redisDump).not.toContain(secret);
    expect(logs).not.toContain(secret);
  }
}, 120_000);
