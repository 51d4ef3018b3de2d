import { waitFor } from '@gitsync/testing';
import { System } from './harness.js';

/**
 * The right pull request for every chat (SPEC §3.1, §4), end to end: the agent reports through
 * the API process — never with a pull_request_url here — and the scheduler and worker processes
 * find the PR on the fake GitHub.
 */
const ADMIN_KEY = 'discovery-test-admin-key-0123456789';
let s: System;
let base: string;
let owner: string;

beforeAll(async () => {
  s = await System.start();
  const [api] = await Promise.all([
    s.startApi({ GITSYNC_ADMIN_API_KEY: ADMIN_KEY }),
    s.startWorkers(1),
    s.startSchedulers(1),
  ]);
  base = api.url;
  owner = await s.user('ada', 'ghp_discovery_ada');
}, 60_000);
afterAll(() => s?.close(), 60_000);

type DiffStatus = {
  url?: string;
  pull_request_state?: string;
  pull_request_title: string;
  pr_number?: number;
  refreshed_at?: string;
};

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function newChat(): Promise<string> {
  const res = await call('POST', '/api/v1/chats', { owner_id: owner, title: 'chat' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** The agent's report, as it sends one on every push. */
async function report(
  chatId: string,
  repo: string,
  branch: string,
  extra: Record<string, string> = {},
): Promise<DiffStatus> {
  const res = await call('POST', `/api/v1/chats/${chatId}/git`, {
    branch,
    remote_origin: `${s.fake.url}/${repo}.git`,
    ...extra,
  });
  expect(res.status).toBe(202);
  return res.body.diff_status as DiffStatus;
}

const statusOf = async (chatId: string) =>
  (await call('GET', `/api/v1/chats/${chatId}`)).body.diff_status as DiffStatus & { refreshed_at?: string };

/** Waits for a refresh newer than `after` (ISO) that satisfies `check`. */
function settled(chatId: string, check: (status: DiffStatus) => boolean, after?: string): Promise<DiffStatus> {
  let last: DiffStatus | undefined;
  return waitFor(
    async () => {
      last = await statusOf(chatId);
      const fresh = last.refreshed_at !== undefined && (after === undefined || last.refreshed_at > after);
      return fresh && check(last) ? last : undefined;
    },
    { timeoutMs: 20_000, message: () => `chat ${chatId}: ${JSON.stringify(last)}\n${s.tail()}` },
  );
}

/** Waits until the chat's refresh ended without a PR (`no_pr`) and its url is gone. */
async function forgotten(chatId: string): Promise<DiffStatus> {
  let last: DiffStatus | undefined;
  return waitFor(
    async () => {
      last = await statusOf(chatId);
      return last.url === undefined && (await s.outcomes([chatId])).no_pr === 1 ? last : undefined;
    },
    { timeoutMs: 20_000, message: () => `chat ${chatId} without its PR: ${JSON.stringify(last)}\n${s.tail()}` },
  );
}

/** The API never shows what is known of a PR without the PR's url. */
function expectOneTruth(status: DiffStatus): void {
  if (status.url === undefined) {
    expect(status).not.toHaveProperty('pull_request_state');
    expect(status).not.toHaveProperty('pr_number');
    expect(status.pull_request_title).toBe('');
  }
}

describe('finding the pull request of a branch', () => {
  it('finds a PR merged, or closed, before the first report', async () => {
    const merged = s.fake.createPullRequest({
      owner: 'acme',
      repo: 'early',
      head: 'feat/merged',
      title: 'Merged early',
    });
    s.fake.updatePullRequest('acme', 'early', merged.number, { merged: true });
    const closed = s.fake.createPullRequest({
      owner: 'acme',
      repo: 'early',
      head: 'feat/closed',
      title: 'Closed early',
    });
    s.fake.updatePullRequest('acme', 'early', closed.number, { state: 'closed' });
    const [a, b] = [await newChat(), await newChat()];
    await report(a, 'acme/early', 'feat/merged');
    await report(b, 'acme/early', 'feat/closed');
    expect(await settled(a, (st) => st.url !== undefined)).toMatchObject({
      url: merged.htmlUrl,
      pull_request_state: 'merged',
      pull_request_title: 'Merged early',
    });
    expect(await settled(b, (st) => st.url !== undefined)).toMatchObject({
      url: closed.htmlUrl,
      pull_request_state: 'closed',
    });
  });

  it(
    'keeps a merged PR when the agent reports the branch again, ' + 'and takes a new open PR on the reused branch',
    async () => {
      const first = s.fake.createPullRequest({
        owner: 'acme',
        repo: 'reuse',
        head: 'feat/again',
        title: 'First round',
      });
      const chat = await newChat();
      await report(chat, 'acme/reuse', 'feat/again');
      const open = await settled(chat, (st) => st.pull_request_state === 'open');
      expect(open.url).toBe(first.htmlUrl);

      s.fake.updatePullRequest('acme', 'reuse', first.number, { merged: true });
      const answered = await report(chat, 'acme/reuse', 'feat/again');
      // The report keeps what is known of the PR: no moment without it.
      expect(answered).toMatchObject({ url: first.htmlUrl, pull_request_state: 'open' });
      const merged = await settled(chat, (st) => st.pull_request_state === 'merged', open.refreshed_at);
      expect(merged).toMatchObject({ url: first.htmlUrl, pull_request_title: 'First round' });

      const second = s.fake.createPullRequest({
        owner: 'acme',
        repo: 'reuse',
        head: 'feat/again',
        title: 'Second round',
      });
      await report(chat, 'acme/reuse', 'feat/again');
      const superseded = await settled(chat, (st) => st.url === second.htmlUrl, merged.refreshed_at);
      expect(superseded).toMatchObject({
        pull_request_state: 'open',
        pull_request_title: 'Second round',
        pr_number: second.number,
      });
    },
  );

  it(
    "finds a fork's PR in its parent; " + 'an upstream chat on a branch of the same name keeps the upstream PR',
    async () => {
      const upstreamPr = s.fake.createPullRequest({
        owner: 'acme',
        repo: 'lib',
        head: 'main',
        base: 'stable',
        title: 'Upstream main',
      });
      const forkPr = s.fake.createPullRequest({
        owner: 'acme',
        repo: 'lib',
        head: 'main',
        headOwner: 'contributor',
        headRepo: 'lib',
        title: 'Fork main',
      });
      const [forkChat, upstreamChat] = [await newChat(), await newChat()];
      await report(forkChat, 'contributor/lib', 'main');
      await report(upstreamChat, 'acme/lib', 'main');
      expect(await settled(forkChat, (st) => st.url !== undefined)).toMatchObject({
        url: forkPr.htmlUrl,
        pull_request_title: 'Fork main',
      });
      expect(await settled(upstreamChat, (st) => st.url !== undefined)).toMatchObject({
        url: upstreamPr.htmlUrl,
        pull_request_title: 'Upstream main',
      });
    },
  );

  it('forgets a PR that vanished or left the branch, with everything known of it', async () => {
    const pr = s.fake.createPullRequest({ owner: 'acme', repo: 'gone', head: 'feat/moving', title: 'Will move' });
    const chat = await newChat();
    await report(chat, 'acme/gone', 'feat/moving');
    const found = await settled(chat, (st) => st.url === pr.htmlUrl);
    // The PR's head moves to another branch: it is no longer this chat's.
    s.fake.updatePullRequest('acme', 'gone', pr.number, { head: 'feat/elsewhere' });
    await report(chat, 'acme/gone', 'feat/moving');
    expect(found.pull_request_state).toBe('open');
    expectOneTruth(await forgotten(chat));

    // A url the agent gives that leads nowhere (404) is dropped the same way.
    const other = await newChat();
    const res = await call('POST', `/api/v1/chats/${other}/git`, {
      branch: 'feat/none',
      remote_origin: `${s.fake.url}/acme/gone.git`,
      pull_request_url: `${s.fake.url}/acme/gone/pull/999`,
    });
    expect(res.status).toBe(202);
    expectOneTruth(await forgotten(other));
  });

  it(
    'with head_sha, a closed or merged PR of another commit ' + 'is not the chat’s PR (the branch name was reused)',
    async () => {
      const old = s.fake.createPullRequest({ owner: 'acme', repo: 'sha', head: 'feat/reused', title: 'Old work' });
      s.fake.updatePullRequest('acme', 'sha', old.number, { merged: true });
      const headSha = s.fake.getPullRequest('acme', 'sha', old.number)!.headSha;
      const chat = await newChat();
      const before = new Date().toISOString();
      await report(chat, 'acme/sha', 'feat/reused', { head_sha: 'f'.repeat(40) });
      expectOneTruth(await forgotten(chat));

      await report(chat, 'acme/sha', 'feat/reused', { head_sha: headSha });
      expect(await settled(chat, (st) => st.url !== undefined, before)).toMatchObject({
        url: old.htmlUrl,
        pull_request_state: 'merged',
      });
    },
  );
});
