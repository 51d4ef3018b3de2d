import { waitFor } from '@gitsync/testing';
import { System } from './harness.js';

/** Issue 3: on SIGTERM a worker takes no new job, finishes those in flight and exits 0. */
let s: System;
afterAll(() => s.close());

it('finishes the jobs in flight on SIGTERM and exits cleanly', async () => {
  s = await System.start({ fakeLatencyMs: 800 });
  const owner = await s.user('term', 'ghp_term_token');
  const rows = await s.rows(owner, 20);
  const [worker] = await s.startWorkers(1, { GITSYNC_WORKER_CONCURRENCY: '5' });
  await s.startSchedulers(1);

  // Wait until the worker is in the middle of its first jobs (requests reached the fake).
  await waitFor(() => s.fake.requests.length > 0 || undefined, { timeoutMs: 30_000 });
  const stoppedAt = Date.now();
  worker!.kill('SIGTERM');
  expect(await worker!.exited).toBe(0);
  const seconds = (Date.now() - stoppedAt) / 1000;

  const done = (await s.outcomes(rows)).refreshed ?? 0;
  // The jobs it had started were finished, not abandoned; the rest are left for other workers.
  expect(done).toBeGreaterThanOrEqual(1);
  expect(done).toBeLessThan(rows.length);
  expect(worker!.output()).toContain('"msg":"stopping"');

  await s.startWorkers(1);
  await s.waitAllRefreshed(rows, 60_000);
  expect(await s.failedJobs()).toBe(0);
  console.log(`SIGTERM: worker exited 0 after ${seconds.toFixed(1)} s with ${done} jobs finished`);
}, 120_000);
