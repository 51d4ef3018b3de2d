import { createChat, createUser, getDiffStatus, markStale } from '@gitsync/db';
import { createGitHubProvider, type GitHubProvider, type PullRequestStatus } from '@gitsync/gitprovider';
import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import type { RefreshedWrite } from '@gitsync/gitsync';
import { createTestDatabase, type TestDatabase } from '@gitsync/testing';
import { createRefreshStore } from '../src/store.js';

/**
 * Issue 19: text from GitHub that Postgres cannot store (a NUL in a PR title or branch name) must
 * not fail the batched write-back. The provider cleans it where it reads the response, so the row
 * is written — in one statement with the rest of its batch.
 */
const TOKEN = 'ghp_provider_text_token';
let t: TestDatabase;
let fake: FakeGitHub;
let provider: GitHubProvider;

beforeAll(async () => {
  [t, fake] = await Promise.all([createTestDatabase(), startFakeGitHub()]);
  fake.addToken(TOKEN, { login: 'ada' });
  provider = createGitHubProvider({ id: 'github', apiBaseUrl: fake.apiBaseUrl });
});
afterAll(async () => {
  await provider?.close();
  await fake?.close();
  await t?.drop();
});

/** A tracked row whose PR (on the fake) has this title and head branch, and what GitHub answers for it. */
async function rowWithPullRequest(ownerId: string, title: string, head: string) {
  const pr = fake.createPullRequest({ owner: 'acme', repo: 'app', head, title });
  const chat = await createChat(t.db, { ownerId, title: 'chat' });
  const marked = await markStale(t.db, {
    chatId: chat.id,
    branch: 'feat/x',
    remoteOrigin: `${fake.url}/acme/app.git`,
    pullRequestUrl: pr.htmlUrl,
  });
  const ref = provider.parsePullRequestUrl(pr.htmlUrl)!;
  const status = await provider.fetchPullRequestStatus(TOKEN, ref, {});
  return { chatId: chat.id, generation: marked!.generation, url: pr.htmlUrl, status };
}

const writeOf = (row: {
  chatId: string;
  generation: number;
  url: string;
  status: PullRequestStatus;
}): RefreshedWrite => {
  const { pull, reviews } = row.status;
  if (!pull.changed || !reviews.changed) throw new Error('a first fetch answers 200');
  return {
    chatId: row.chatId,
    generation: row.generation,
    url: row.url,
    pull: { ...pull.value, etag: pull.etag },
    reviews: { ...reviews.value, etag: reviews.etag },
    checks: null,
    refreshedAt: new Date(),
    staleAt: new Date(Date.now() + 120_000),
    schedule: { intervalClass: 'open', intervalMs: 120_000 },
    prChangedAt: new Date(),
    changed: true,
  };
};

it('writes a PR titled with a NUL cleaned, in one statement with the other row of its batch', async () => {
  const owner = await createUser(t.db, { username: 'ada', role: 'member' });
  const odd = await rowWithPullRequest(owner.id, 'Fix\u0000 login \ud83d', 'feat/nul\u0000');
  const plain = await rowWithPullRequest(owner.id, 'Add search', 'feat/search');

  const store = createRefreshStore(t.db);
  const statements = jest.spyOn(t.db.$client, 'query');
  // Asked in the same tick, the two writes share one batch.
  const saved = await Promise.all([store.saveRefreshed(writeOf(odd)), store.saveRefreshed(writeOf(plain))]);
  const batches = statements.mock.calls.filter(
    ([config]) => (config as { name?: string }).name === 'gitsync_save_refreshed_v2',
  );
  statements.mockRestore();

  expect(saved.map((s) => s.written)).toEqual([true, true]);
  // One statement: the batch never failed, so it was never retried row by row.
  expect(batches).toHaveLength(1);
  expect(await getDiffStatus(t.db, odd.chatId)).toMatchObject({
    pullRequestTitle: 'Fix login \ufffd',
    headBranch: 'feat/nul',
    lastOutcome: 'refreshed',
  });
  expect(await getDiffStatus(t.db, plain.chatId)).toMatchObject({
    pullRequestTitle: 'Add search',
    headBranch: 'feat/search',
    lastOutcome: 'refreshed',
  });
});
