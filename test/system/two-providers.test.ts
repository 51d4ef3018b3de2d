import { randomUUID } from 'node:crypto';
import { waitFor } from '@gitsync/testing';
import { GITLAB_PROVIDER_ID, System } from './harness.js';

/**
 * Issue 16: GitHub and GitLab in one deployment, end to end with real processes — the agent
 * reports through the API, the scheduler and worker find each chat's pull or merge request on its
 * own provider, and a GitLab webhook carrying the secret token reaches its chat.
 */
const ADMIN_KEY = 'two-providers-admin-key-0123456789';
const WEBHOOK_TOKEN = 'gitlab-webhook-secret-token';
let s: System;
let base: string;
let owner: string;

beforeAll(async () => {
  s = await System.start({ gitlab: { webhookSecret: WEBHOOK_TOKEN } });
  const [api] = await Promise.all([
    s.startApi({ GITSYNC_ADMIN_API_KEY: ADMIN_KEY }),
    s.startWorkers(1),
    s.startSchedulers(1),
  ]);
  base = api.url;
  owner = await s.user('ada', 'ghp_two_providers_ada');
  await s.gitlabToken(owner, 'ada', 'glpat-two-providers-ada');
}, 60_000);
afterAll(() => s?.close(), 60_000);

type DiffStatus = Record<string, unknown> & { refreshed_at?: string };

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

async function chatOn(origin: string, branch: string): Promise<string> {
  const chat = await call('POST', '/api/v1/chats', { owner_id: owner, title: branch });
  expect(chat.status).toBe(201);
  expect((await call('POST', `/api/v1/chats/${chat.body.id}/git`, { branch, remote_origin: origin })).status).toBe(202);
  return chat.body.id as string;
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

/** Posts a delivery as GitLab does. */
async function deliver(event: string, body: object, token: string | null = WEBHOOK_TOKEN) {
  const res = await fetch(`${base}/api/v1/webhooks/${GITLAB_PROVIDER_ID}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-gitlab-event': event,
      'x-gitlab-event-uuid': randomUUID(),
      ...(token !== null && { 'x-gitlab-token': token }),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

it('each chat gets the pull or merge request of its own provider', async () => {
  const gl = s.gitlab!;
  const pr = s.fake.createPullRequest({ owner: 'acme', repo: 'web', head: 'feat/both', title: 'GitHub side' });
  const mr = gl.createMergeRequest({
    project: 'acme/platform/api',
    sourceBranch: 'feat/both',
    title: 'GitLab side',
    author: 'ada',
    additions: 40,
    deletions: 4,
    changedFiles: 3,
    commits: 2,
  });
  gl.approve('acme/platform/api', mr.iid, 'bob');
  const fork = gl.createMergeRequest({
    project: 'acme/app',
    sourceProject: 'ada/app',
    sourceBranch: 'main',
    title: 'From a fork',
  });
  gl.setReviewer('acme/app', fork.iid, 'carol', 'REQUESTED_CHANGES');

  const [github, gitlab, forked] = await Promise.all([
    chatOn(`${s.fake.url}/acme/web.git`, 'feat/both'),
    chatOn(`${gl.url}/acme/platform/api.git`, 'feat/both'),
    chatOn(`${gl.url}/ada/app.git`, 'main'),
  ]);
  expect(await settled(github, (d) => d.url === pr.htmlUrl)).toMatchObject({ pull_request_title: 'GitHub side' });
  expect(await settled(gitlab, (d) => d.url === mr.webUrl)).toMatchObject({
    pull_request_state: 'open',
    pull_request_title: 'GitLab side',
    author_login: 'ada',
    additions: 40,
    deletions: 4,
    changed_files: 3,
    commits: 2,
    pr_number: mr.iid,
    head_branch: 'feat/both',
    base_branch: 'main',
    approved: true,
    changes_requested: false,
    reviewer_count: 1,
  });
  expect(await settled(forked, (d) => d.url === fork.webUrl)).toMatchObject({
    approved: false,
    changes_requested: true,
  });
});

it('a GitLab webhook with the secret token reaches its chat; a wrong or missing token is refused', async () => {
  const gl = s.gitlab!;
  const mr = gl.createMergeRequest({ project: 'acme/hooks', sourceBranch: 'feat/hook', title: 'Before' });
  const chat = await chatOn(`${gl.url}/acme/hooks.git`, 'feat/hook');
  await settled(chat, (d) => d.pull_request_title === 'Before');

  gl.updateMergeRequest('acme/hooks', mr.iid, { title: 'After', state: 'merged' });
  expect(
    (await deliver('Merge Request Hook', gl.mergeRequestHook('acme/hooks', mr.iid, 'merge'), 'wrong')).status,
  ).toBe(401);
  expect((await deliver('Merge Request Hook', gl.mergeRequestHook('acme/hooks', mr.iid, 'merge'), null)).status).toBe(
    401,
  );
  const accepted = await deliver('Merge Request Hook', gl.mergeRequestHook('acme/hooks', mr.iid, 'merge'));
  expect(accepted).toEqual({ status: 202, body: { refreshing: 1 } });
  // Polling would come back in two minutes: only the webhook brings this within the wait.
  expect(await settled(chat, (d) => d.pull_request_title === 'After')).toMatchObject({ pull_request_state: 'merged' });

  // A branch pipeline names no merge request: the rows on its project and branch are refreshed.
  const before = (await settled(chat, () => true)).refreshed_at;
  const hook = gl.pipelineHook('acme/hooks', mr.iid) as { object_attributes: Record<string, unknown> };
  const branchPipeline = { ...hook, merge_request: null };
  expect(await deliver('Pipeline Hook', branchPipeline)).toEqual({ status: 202, body: { refreshing: 1 } });
  // Its refresh ends here, so that no request of it lands in the next test's count.
  await settled(chat, (d) => d.refreshed_at !== before);
  const other = { ...branchPipeline, object_attributes: { ...branchPipeline.object_attributes, ref: 'elsewhere' } };
  expect(await deliver('Pipeline Hook', other)).toEqual({ status: 202, body: { refreshing: 0 } });
});

it('calls per refresh: two on the first pass (find + status), one GraphQL query after', async () => {
  const gl = s.gitlab!;
  gl.createMergeRequest({ project: 'acme/count', sourceBranch: 'feat/count' });
  // The other chats' next refreshes are minutes away: every request from here on is this chat's.
  gl.clearRequests();
  const chat = await chatOn(`${gl.url}/acme/count.git`, 'feat/count');
  await settled(chat, (d) => typeof d.url === 'string');
  const calls = () => gl.requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.operation ?? ''}`.trim());
  expect(calls()).toEqual([
    'GET /api/v4/projects/acme%2Fcount/merge_requests',
    'POST /api/graphql gitsyncMergeRequest',
  ]);

  gl.clearRequests();
  const refreshed = await call('POST', `/api/v1/chats/${chat}/diff-status/refresh`);
  expect(refreshed.body.refresh).toMatchObject({ completed: true, outcome: 'refreshed' });
  expect(calls()).toEqual(['POST /api/graphql gitsyncMergeRequest']);
});
