import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { freePort, spawnApp, waitFor, waitForOutput } from '@gitsync/testing';
import { System } from './harness.js';

/**
 * Issue 14, end to end with real processes: a chat's PR shows its head's checks, and a `check_run`
 * delivery turns them red at once — polling alone would wait for the row's next due time.
 */
const ADMIN_KEY = 'checks-webhook-admin-key-0123456789';
const SECRET = 'whsec_checks_system';
let s: System;
let base: string;
let owner: string;

beforeAll(async () => {
  s = await System.start({ env: { GITSYNC_EXTERNAL_AUTH_1_WEBHOOK_SECRET: SECRET } });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const api = spawnApp('api', s.env({ PORT: String(port), GITSYNC_ADMIN_API_KEY: ADMIN_KEY }));
  s.apps.push(api);
  await Promise.all([waitForOutput(api, 'api listening'), s.startWorkers(1), s.startSchedulers(1)]);
  owner = await s.user('ada', 'ghp_checks_system_ada');
}, 60_000);
afterAll(() => s.close(), 60_000);

type DiffStatus = Record<string, unknown> & { refreshed_at?: string; checks_state?: string };

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

function settled(chatId: string, check: (status: DiffStatus) => boolean): Promise<DiffStatus> {
  let last: DiffStatus | undefined;
  return waitFor(
    async () => {
      last = (await call('GET', `/api/v1/chats/${chatId}`)).body.diff_status as DiffStatus;
      return last?.refreshed_at !== undefined && check(last) ? last : undefined;
    },
    { timeoutMs: 30_000, message: () => `a status that passes (last ${JSON.stringify(last)})\n${s.tail()}` },
  );
}

it('a check_run webhook turns a chat from pending to failure', async () => {
  const pr = s.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'agent/ci' });
  s.fake.addCheckRun('acme', 'app', pr.headSha, { name: 'lint', conclusion: 'success' });
  const build = s.fake.addCheckRun('acme', 'app', pr.headSha, { name: 'build', status: 'in_progress' });
  const chat = await call('POST', '/api/v1/chats', { owner_id: owner, title: 'ci' });
  const report = { branch: 'agent/ci', remote_origin: `${s.fake.url}/acme/app.git` };
  expect((await call('POST', `/api/v1/chats/${chat.body.id}/git`, report)).status).toBe(202);
  const pending = await settled(chat.body.id, (d) => d.checks_state === 'pending');
  expect(pending).toMatchObject({ checks_passed: 1, checks_pending: 1, checks_failed: 0 });

  s.fake.updateCheckRun('acme', 'app', build.id, { conclusion: 'failure' });
  const body = JSON.stringify({
    action: 'completed',
    check_run: { id: build.id, head_sha: pr.headSha, status: 'completed', conclusion: 'failure' },
    repository: { full_name: 'acme/app', html_url: `${s.fake.url}/acme/app` },
  });
  const res = await fetch(`${base}/api/v1/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'check_run',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': await sign(SECRET, body),
    },
    body,
  });
  expect(res.status).toBe(202);
  expect(await res.json()).toEqual({ refreshing: 1 });
  // The row is not due for two minutes: only the delivery brings this within the wait.
  const failed = await settled(chat.body.id, (d) => d.checks_state === 'failure');
  expect(failed).toMatchObject({ checks_passed: 1, checks_failed: 1, checks_pending: 0 });
});
