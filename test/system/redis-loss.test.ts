import { System } from './harness.js';

/**
 * Issue 3: Redis keeps nothing on disk. FLUSHALL in the middle of a run loses every queued job;
 * the scheduler sees its epoch marker gone, makes the leased rows due again and the run finishes
 * — within seconds, not after the 5-minute lease.
 */
let s: System;
afterAll(() => s?.close());

it('finishes the run after Redis is flushed', async () => {
  s = await System.start({ privateRedis: true, fakeLatencyMs: 50 });
  const owner = await s.user('flush', 'ghp_flush_token');
  const rows = await s.rows(owner, 400);
  await s.startWorkers(2, { GITSYNC_WORKER_CONCURRENCY: '10' });
  await s.startSchedulers(1);

  await s.waitAllRefreshed(rows, 60_000, 50);
  await s.redis.flushall();
  const flushedAt = Date.now();

  await s.waitAllRefreshed(rows, 90_000);
  const logs = s.apps.map((a) => a.output()).join('\n');
  expect(logs).toContain('Redis lost its jobs; leased rows made due again');
  console.log(
    `Redis FLUSHALL: all 400 rows refreshed ${((Date.now() - flushedAt) / 1000).toFixed(1)} s after the flush`,
  );
}, 180_000);
