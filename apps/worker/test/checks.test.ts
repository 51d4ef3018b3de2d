import { sql } from 'drizzle-orm';
import { getDiffStatus } from '@gitsync/db';
import { waitFor } from '@gitsync/testing';
import { Pipeline } from './harness.js';

let p: Pipeline;
let owner: string;
const TOKEN = 'ghp_checks_owner_token';

beforeAll(async () => {
  p = await Pipeline.start();
  owner = await p.user('ada', TOKEN);
  await p.listen(owner);
  p.scheduler.start();
});
afterAll(() => p.close());

/** Makes the row due and waits for the refresh after `since`. */
async function refreshed(chatId: string, since = new Date(0)) {
  await p.t.db.execute(sql`update chat_diff_statuses set stale_at = now() where chat_id = ${chatId}`);
  p.scheduler.wake();
  return waitFor(
    async () => {
      const row = await getDiffStatus(p.t.db, chatId);
      return row?.lastOutcome === 'refreshed' && row.refreshedAt! > since ? row : undefined;
    },
    { message: `row ${chatId} refreshed` },
  );
}

describe("the head commit's checks", () => {
  it('reads every page of 130 green runs and a red commit status as failure, with the counts', async () => {
    const pr = p.fake.createPullRequest({ owner: 'acme', repo: 'ci', head: 'many' });
    for (let i = 0; i < 130; i++)
      p.fake.addCheckRun('acme', 'ci', pr.headSha, { name: `job ${i}`, conclusion: 'success' });
    p.fake.setCommitStatus('acme', 'ci', pr.headSha, { context: 'ci/lint', state: 'failure' });
    const chatId = await p.chat(owner, 'acme/ci', 'many');
    const row = await refreshed(chatId);
    expect(row).toMatchObject({ checksState: 'failure', checksPassed: 130, checksFailed: 1, checksPending: 0 });
    // Two pages: no validator is kept for the runs (a 304 on page 1 says nothing of page 2).
    expect(row.checkRunsEtag).toBeNull();
    expect(row.statusesEtag).not.toBeNull();
    const pages = p.fake.requests.filter((r) => r.path.includes(`/commits/${pr.headSha}/check-runs`));
    expect(pages.map((r) => new URL(r.path, 'http://x').searchParams.get('page'))).toEqual([null, '2']);
  });

  it('goes pending → failure on the same head, and stays 304 (not counted) while nothing changes', async () => {
    const pr = p.fake.createPullRequest({ owner: 'acme', repo: 'ci', head: 'flip' });
    p.fake.addCheckRun('acme', 'ci', pr.headSha, { name: 'lint', conclusion: 'success' });
    const build = p.fake.addCheckRun('acme', 'ci', pr.headSha, { name: 'build', status: 'in_progress' });
    p.fake.updatePullRequest('acme', 'ci', pr.number, {
      mergeable: false,
      mergeableState: 'dirty',
      requestedReviewers: ['bob'],
      labels: ['bug'],
    });
    const chatId = await p.chat(owner, 'acme/ci', 'flip');
    const first = await refreshed(chatId);
    expect(first).toMatchObject({
      checksState: 'pending',
      checksPassed: 1,
      checksPending: 1,
      checksFailed: 0,
      mergeable: false,
      mergeableState: 'dirty',
      requestedReviewerCount: 1,
      labels: ['bug'],
    });

    p.fake.clearRequests();
    const steady = await refreshed(chatId, first.refreshedAt!);
    expect(p.fake.requests.map((r) => r.status)).toEqual([304, 304, 304, 304]);
    expect(steady.checksState).toBe('pending');

    p.fake.updateCheckRun('acme', 'ci', build.id, { conclusion: 'timed_out' });
    p.fake.clearRequests();
    const failed = await refreshed(chatId, steady.refreshedAt!);
    expect(failed).toMatchObject({ checksState: 'failure', checksPassed: 1, checksFailed: 1, checksPending: 0 });
    // Only the check runs answered anew: the PR, its reviews and the statuses were 304s.
    expect(p.fake.requests.filter((r) => r.status !== 304).map((r) => r.path)).toEqual([
      expect.stringContaining(`/commits/${pr.headSha}/check-runs`),
    ]);
    await waitFor(() => p.events.find((e) => e.chat.id === chatId && e.chat.diff_status?.checks_state === 'failure'));
  });

  it('follows a new head: checks of the old commit are not kept', async () => {
    const pr = p.fake.createPullRequest({ owner: 'acme', repo: 'ci', head: 'push' });
    p.fake.addCheckRun('acme', 'ci', pr.headSha, { name: 'build', conclusion: 'failure' });
    const chatId = await p.chat(owner, 'acme/ci', 'push');
    const first = await refreshed(chatId);
    expect(first.checksState).toBe('failure');
    const pushed = p.fake.updatePullRequest('acme', 'ci', pr.number, { headSha: 'b'.repeat(40) });
    const second = await refreshed(chatId, first.refreshedAt!);
    expect(second).toMatchObject({ headSha: pushed.headSha, checksState: null, checksPassed: null });
    p.fake.addCheckRun('acme', 'ci', pushed.headSha, { name: 'build', conclusion: 'success' });
    expect(await refreshed(chatId, second.refreshedAt!)).toMatchObject({ checksState: 'success', checksPassed: 1 });
  });
});
