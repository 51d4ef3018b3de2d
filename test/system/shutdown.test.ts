import { sql } from 'drizzle-orm';
import { waitFor, waitForOutput } from '@gitsync/testing';
import { System } from './harness.js';

/** Issue 3: on SIGTERM a worker takes no new job, finishes those in flight and exits 0. */
let s: System;
afterAll(() => s?.close());

const CONCURRENCY = 5;

it('finishes the jobs in flight on SIGTERM and exits cleanly', async () => {
  s = await System.start();
  const owner = await s.user('term', 'ghp_term_token');
  const [worker] = await s.startWorkers(1, { GITSYNC_WORKER_CONCURRENCY: String(CONCURRENCY) });
  await s.startSchedulers(1);
  // One row first: the group's budget is then known, and every job's first request goes out at once.
  await s.waitAllRefreshed(await s.rows(owner, 1, { repo: 'warm' }), 30_000);

  // Every job of the worker is held at its first request: the jobs in flight are known exactly.
  const heldBranches = new Set<string>();
  const hold = s.fake.hold((r) => {
    const branch = /[?&]head=acme(?:%3A|:)([^&]+)/.exec(r.path)?.[1];
    if (branch) heldBranches.add(decodeURIComponent(branch));
    return true;
  });
  const rows = await s.rows(owner, 20);
  try {
    await waitFor(() => hold.waiting === CONCURRENCY, {
      timeoutMs: 30_000,
      message: () => `${CONCURRENCY} jobs in flight (held: ${hold.waiting})\n${s.tail()}`,
    });
    worker!.kill('SIGTERM');
    await waitForOutput(worker!, '"msg":"stopping"');
  } finally {
    hold.release();
  }
  expect(await worker!.exited).toBe(0);

  // Exactly the jobs in flight were finished; no job was abandoned, and none taken after SIGTERM.
  expect(heldBranches.size).toBe(CONCURRENCY);
  const outcomes = await s.outcomes(rows);
  expect(outcomes).toEqual({ refreshed: CONCURRENCY, none: rows.length - CONCURRENCY });
  const refreshedBranches = await s.t.db.execute<{ git_branch: string }>(
    sql`select git_branch from chat_diff_statuses where last_outcome = 'refreshed' and git_branch like 'app/%'`,
  );
  expect(new Set(refreshedBranches.rows.map((r) => r.git_branch))).toEqual(heldBranches);

  await s.startWorkers(1);
  await s.waitAllRefreshed(rows, 60_000);
  expect(await s.failedJobs()).toBe(0);
}, 120_000);
