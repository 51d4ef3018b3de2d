import { createChat, createUser, getDiffStatus, markStale } from '@gitsync/db';
import { waitFor } from '@gitsync/testing';
import { System } from './harness.js';

/**
 * Issue 3: a user without a token waits out the 10-minute backoff — until they link one through
 * the API, which makes their rows due at once: refreshed within seconds, by other processes.
 */
let s: System;
afterAll(() => s?.close());

it('linking a token refreshes the waiting rows within seconds', async () => {
  s = await System.start();
  const adminKey = 'system-test-admin-key-0123456789';
  const [api, [worker]] = await Promise.all([
    s.startApi({ GITSYNC_ADMIN_API_KEY: adminKey }),
    s.startWorkers(1),
    s.startSchedulers(1),
  ]);

  const user = await createUser(s.t.db, { username: 'late', role: 'member' });
  const chat = await createChat(s.t.db, { ownerId: user.id });
  s.fake.createPullRequest({ owner: 'acme', repo: 'late', head: 'feat/late', title: 'Late token' });
  await markStale(s.t.db, { chatId: chat.id, branch: 'feat/late', remoteOrigin: `${s.fake.url}/acme/late.git` });
  const waiting = await waitFor(async () => {
    const row = await getDiffStatus(s.t.db, chat.id);
    return row?.lastOutcome === 'no_token' ? row : undefined;
  });
  expect(waiting.staleAt.getTime() - Date.now()).toBeGreaterThan(590_000);

  s.fake.addToken('ghp_linked_late', { login: 'late' });
  const linkedAt = Date.now();
  const res = await fetch(`${api.url}/api/v1/users/${user.id}/external-auth/github`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ access_token: 'ghp_linked_late' }),
  });
  expect(res.status).toBe(204);
  const refreshed = await waitFor(
    async () => {
      const row = await getDiffStatus(s.t.db, chat.id);
      return row?.lastOutcome === 'refreshed' ? row : undefined;
    },
    { timeoutMs: 10_000, message: () => `row refreshed after linking\n${s.tail()}` },
  );
  expect(refreshed.pullRequestTitle).toBe('Late token');
  console.log(`token linked → row refreshed in ${Date.now() - linkedAt} ms`);

  // The worker counts each outcome and each provider answer on its own /metrics, once the job's
  // handler has returned — a moment after the row is written.
  const metrics = await waitFor(
    async () => {
      const text = await (await fetch(`${worker!.url}/metrics`)).text();
      return /gitsync_refresh_duration_seconds_count 2\b/.test(text) ? text : undefined;
    },
    { timeoutMs: 10_000, message: 'the worker to count the second refresh' },
  );
  expect(metrics).toMatch(/gitsync_refresh_outcomes_total\{outcome="no_token"\} 1\b/);
  expect(metrics).toMatch(/gitsync_refresh_outcomes_total\{outcome="refreshed"\} 1\b/);
  expect(metrics).toMatch(/gitsync_provider_requests_total\{status="200"\} [3-9]/);
  // …and its process's own CPU, memory and event loop.
  expect(metrics).toMatch(/^gitsync_process_cpu_seconds_total \d/m);
  expect(metrics).toMatch(/^gitsync_nodejs_eventloop_lag_seconds \d/m);
}, 90_000);
