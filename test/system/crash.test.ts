import { sql } from 'drizzle-orm';
import { System } from './harness.js';

/**
 * Issue 3: kill -9 one of three worker processes in the middle of 2,000 rows. Its jobs come back
 * through BullMQ's stalled-job check (lock 4 s, checked every second here; 30 s / 15 s by
 * default) and every row is refreshed.
 */
let s: System;
afterAll(() => s?.close());

it('recovers the jobs of a worker killed with SIGKILL; every row is refreshed', async () => {
  s = await System.start({ fakeLatencyMs: 30 });
  const owner = await s.user('crash', 'ghp_crash_token', { budget: 100_000, windowMs: 3_600_000 });
  const rows = await s.rows(owner, 2_000);
  const [victim] = await s.startWorkers(3, { GITSYNC_WORKER_CONCURRENCY: '30' });
  await s.startSchedulers(1);

  await s.waitAllRefreshed(rows, 60_000, 400);
  victim!.kill('SIGKILL');
  expect(await victim!.exited).toBe(-1);
  const killedAt = Date.now();

  await s.waitAllRefreshed(rows, 120_000);
  expect(await s.failedJobs()).toBe(0);
  // Only the killed worker's jobs in flight (at most its concurrency) may have been looked up twice.
  const finds = s.lookupsPerBranch();
  const repeated = [...finds.values()].filter((n) => n > 1).length;
  expect(finds.size).toBe(2_000);
  expect(repeated).toBeLessThanOrEqual(30);
  const leased = await s.t.db.execute<{ n: string }>(
    sql`select count(*) as n from chat_diff_statuses where leased_until is not null`,
  );
  expect(Number(leased.rows[0]!.n)).toBe(0);
  console.log(
    `kill -9 recovery: all 2,000 rows refreshed ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill; ` +
      `${repeated} rows looked up twice`,
  );
}, 240_000);
