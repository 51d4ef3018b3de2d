import { System } from './harness.js';

/**
 * Issue 3: a token with 100 requests per window and 250 due rows (1,000 requests). The replicas read
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
  // The url is known, so each refresh costs four requests (pull, reviews, the head's check runs and
  // combined status): 1,000 in all.
  const rows = await s.rows(owner, 250, { withUrl: true });
  await s.startWorkers(2);
  await s.startSchedulers(1);

  await s.waitAllRefreshed(rows, 240_000);

  const requests = s.fake.requests.filter((r) => r.token === 'ghp_budget_token');
  expect(requests.filter((r) => r.status === 403 || r.status === 429)).toEqual([]);
  // The fake refuses (403) any request past a window's budget: none came, so none was overspent.
  // Every row's PR and reviews were answered; a refresh that found the budget spent before its
  // head's checks keeps the stored ones (they come with the next refresh), so that its PR and
  // reviews are not asked twice; one that found it spent earlier is redone after the reset.
  const answered = requests.filter((r) => r.status === 200).length;
  const pullsAndReviews = requests.filter((r) => r.status === 200 && /\/pulls\/\d+(\/reviews)?(\?|$)/.test(r.path));
  expect(pullsAndReviews.length).toBeGreaterThanOrEqual(500);
  expect(answered).toBeLessThan(1_000 + budget);
  const windows = Math.ceil(answered / budget);
  expect(s.fake.requests.at(-1)!.at - requests[0]!.at).toBeGreaterThanOrEqual((windows - 1) * windowMs);
  expect(await s.failedJobs()).toBe(0);
}, 300_000);
