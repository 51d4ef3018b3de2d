import { System } from './harness.js';

/**
 * Issue 3: two schedulers and three workers at once. No row ever has two jobs: each of 600 rows
 * is looked up exactly once in its due period, and every row is refreshed.
 */
let s: System;
afterAll(() => s?.close());

it('two schedulers and three workers refresh every due row exactly once', async () => {
  s = await System.start({ fakeLatencyMs: 10 });
  const owners = [await s.user('r1', 'ghp_r1'), await s.user('r2', 'ghp_r2')];
  await s.startWorkers(3);
  await s.startSchedulers(2);
  const rows = [
    ...(await s.rows(owners[0]!, 300, { repo: 'one' })),
    ...(await s.rows(owners[1]!, 300, { repo: 'two' })),
  ];

  await s.waitAllRefreshed(rows, 90_000);
  const finds = s.lookupsPerBranch();
  expect(finds.size).toBe(600);
  expect([...finds.values()].every((n) => n === 1)).toBe(true);
  expect(await s.failedJobs()).toBe(0);
}, 150_000);
