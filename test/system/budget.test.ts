import { System } from './harness.js';

/**
 * Issue 3: a token with 100 requests per window and 500 due rows. The replicas read
 * x-ratelimit-remaining, spend at most the budget, stop before GitHub has to refuse, and finish
 * the rest after each reset — without a single 403.
 */
let s: System;
afterAll(() => s?.close());

it('spends at most the budget per window and never meets a 403', async () => {
  const budget = 100;
  const windowMs = 2_000;
  s = await System.start({ fakeLatencyMs: 5 });
  const owner = await s.user('thrifty', 'ghp_budget_token', { budget, windowMs });
  // The url is known, so each refresh costs two requests (pull and reviews): 1,000 in all.
  const rows = await s.rows(owner, 500, { withUrl: true });
  await s.startWorkers(2);
  await s.startSchedulers(1);

  await s.waitAllRefreshed(rows, 240_000);

  const requests = s.fake.requests.filter((r) => r.token === 'ghp_budget_token');
  expect(requests.filter((r) => r.status === 403 || r.status === 429)).toEqual([]);
  // The fake refuses (403) any request past a window's budget: none came, so none was overspent.
  // A refresh whose second request found the budget spent is redone after the reset: a few extra.
  const answered = requests.filter((r) => r.status === 200).length;
  expect(answered).toBeGreaterThanOrEqual(1_000);
  expect(answered).toBeLessThan(1_000 + budget);
  const windows = Math.ceil(answered / budget);
  expect(s.fake.requests.at(-1)!.at - requests[0]!.at).toBeGreaterThanOrEqual((windows - 1) * windowMs);
  expect(await s.failedJobs()).toBe(0);
}, 300_000);
