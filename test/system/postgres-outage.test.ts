import { sql } from 'drizzle-orm';
import { waitFor, withAdmin } from '@gitsync/testing';
import { System } from './harness.js';

/**
 * Issue 3: Postgres goes away (connections cut, new ones refused — a restart, for this test's
 * database only, so other test files are undisturbed) in the middle of a run. Workers and the
 * scheduler stay up, retry, and catch up when it is back.
 */
let s: System;
afterAll(() => s?.close());

it('survives a Postgres outage and catches up', async () => {
  s = await System.start({ fakeLatencyMs: 20 });
  const owner = await s.user('pg', 'ghp_pg_token');
  const rows = await s.rows(owner, 300);
  const apps = [...(await s.startWorkers(2, { GITSYNC_WORKER_CONCURRENCY: '10' })), ...(await s.startSchedulers(1))];
  await s.waitAllRefreshed(rows, 60_000, 30);

  await s.t.close(); // the test's own pool, so that it is not counted as a user of the database
  const name = s.t.name;
  await withAdmin(async (c) => {
    await c.query(`alter database "${name}" allow_connections false`);
    await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
  });
  // Down until the scheduler's claims and the workers' jobs have failed against it (and will be retried).
  const [workerA, workerB, scheduler] = apps;
  await waitFor(
    () =>
      (scheduler!.output().includes('claim and enqueue failed') &&
        [workerA!, workerB!].some((w) => w.output().includes('refresh job failed'))) ||
      undefined,
    { timeoutMs: 30_000, message: () => `claims and jobs failing during the outage\n${s.tail()}` },
  );
  await withAdmin((c) => c.query(`alter database "${name}" allow_connections true`));

  const { createDb } = await import('@gitsync/db');
  const fresh = createDb(s.t.url, { max: 2 });
  try {
    await waitFor(
      async () => {
        const r = await fresh.db.execute<{ n: string }>(
          sql`select count(*) as n from chat_diff_statuses where last_outcome = 'refreshed'`,
        );
        return Number(r.rows[0]!.n) === rows.length || undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250, message: () => `all rows refreshed after the outage\n${s.tail()}` },
    );
  } finally {
    await fresh.close();
  }
  expect(apps.every((a) => a.child.exitCode === null)).toBe(true);
}, 200_000);
