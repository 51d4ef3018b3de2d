import { dumpRedis } from '@gitsync/testing';
import { System } from './harness.js';

/**
 * Issue 3: one of two tokens is limited for a few seconds while three worker processes run. Every replica
 * stops calling GitHub for that group, the other group goes on, the limited rows are refreshed
 * after the window, nothing fails, and no token ends up in Redis or in a log line.
 */
let s: System;
afterAll(() => s.close());

it('a limited group stops on every replica until its reset while the other group goes on', async () => {
  s = await System.start({ fakeLatencyMs: 20, env: { LOG_LEVEL: 'debug' } });
  const limitedOwner = await s.user('limited', 'ghp_limited_token_secret');
  const freeOwner = await s.user('free', 'ghp_free_token_secret');
  await s.startWorkers(3);
  await s.startSchedulers(1);

  // The window is 3 s; 5 s leaves room for two busy cores to be slow and still proves it.
  const windowMs = 5_000;
  const windowStart = Date.now();
  s.fake.forceRateLimit('ghp_limited_token_secret', { ms: windowMs, kind: 'primary' });
  const windowEnd = windowStart + windowMs;
  const limited = await s.rows(limitedOwner, 30, { repo: 'limited' });
  const free = await s.rows(freeOwner, 30, { repo: 'free' });

  await s.waitAllRefreshed([...limited, ...free], 60_000);

  const requests = s.fake.requests;
  const limitedAnswers = requests.filter((r) => r.token === 'ghp_limited_token_secret' && r.status === 403);
  expect(limitedAnswers.length).toBeGreaterThanOrEqual(1);
  const firstLimited = Math.min(...limitedAnswers.map((r) => r.at));
  // Once one replica saw the limit, no replica sends that token again until the window is over
  // (requests already in flight when it was seen may still land just after: the fake records
  // answers, and two busy cores can delay one by hundreds of ms).
  expect(firstLimited).toBeLessThan(windowStart + 2_000);
  const duringWindow = requests.filter(
    (r) => r.token === 'ghp_limited_token_secret' && r.at > firstLimited + 1_000 && r.at < windowEnd,
  );
  expect(duringWindow).toEqual([]);
  const freeDuringWindow = requests.filter((r) => r.token === 'ghp_free_token_secret' && r.at < windowEnd);
  expect(freeDuringWindow.length).toBeGreaterThan(0);
  expect(
    requests.filter((r) => r.token === 'ghp_limited_token_secret' && r.status === 200).every((r) => r.at >= windowEnd),
  ).toBe(true);
  expect(await s.failedJobs()).toBe(0);

  const redisDump = await dumpRedis(s.redis, '*');
  const logs = s.apps.map((app) => app.output()).join('\n');
  expect(logs).toContain('"outcome":"rate_limited"');
  for (const secret of ['ghp_limited_token_secret', 'ghp_free_token_secret']) {
    expect(redisDump).not.toContain(secret);
    expect(logs).not.toContain(secret);
  }
}, 120_000);
