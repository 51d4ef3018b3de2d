import { sql } from 'drizzle-orm';
import { getDiffStatus, markStale, type ChatDiffStatus } from '@gitsync/db';
import { waitFor } from '@gitsync/testing';
import { Pipeline } from './harness.js';

let p: Pipeline;
let owner: string;
const TOKEN = 'ghp_pipeline_owner_token';

beforeAll(async () => {
  p = await Pipeline.start();
  owner = await p.user('ada', TOKEN);
  await p.listen(owner);
  p.scheduler.start();
});
afterAll(() => p?.close());

const settled = (chatId: string, outcome?: string) =>
  waitFor(
    async () => {
      const row = await getDiffStatus(p.t.db, chatId);
      return row?.lastOutcome && (!outcome || row.lastOutcome === outcome) ? row : undefined;
    },
    { message: `row ${chatId} settled${outcome ? ` as ${outcome}` : ''}` },
  );
const secondsFromNow = (row: ChatDiffStatus) => (row.staleAt.getTime() - Date.now()) / 1000;

describe('the refresh pipeline', () => {
  it('finds the PR of a branch, stores its status and publishes the change', async () => {
    const pr = p.fake.createPullRequest({
      owner: 'acme',
      repo: 'app',
      head: 'feat/login',
      title: 'Login page',
      additions: 40,
      deletions: 7,
      changedFiles: 3,
      commits: 2,
      author: 'ada',
    });
    p.fake.addReview('acme', 'app', pr.number, { user: 'Bob', state: 'CHANGES_REQUESTED' });
    p.fake.addReview('acme', 'app', pr.number, { user: 'bob', state: 'APPROVED' });
    p.fake.addReview('acme', 'app', pr.number, { user: 'cy', state: 'COMMENTED' });
    const chatId = await p.chat(owner, 'acme/app', 'feat/login');
    p.scheduler.wake();

    const row = await settled(chatId, 'refreshed');
    expect(row).toMatchObject({
      url: pr.htmlUrl,
      pullRequestState: 'open',
      pullRequestTitle: 'Login page',
      pullRequestDraft: false,
      additions: 40,
      deletions: 7,
      changedFiles: 3,
      commits: 2,
      prNumber: pr.number,
      headBranch: 'feat/login',
      baseBranch: 'main',
      authorLogin: 'ada',
      approved: true,
      changesRequested: false,
      reviewerCount: 1,
      lastError: null,
    });
    expect(secondsFromNow(row)).toBeGreaterThan(110);
    expect(secondsFromNow(row)).toBeLessThanOrEqual(120);
    const event = await waitFor(() =>
      p.events.find((e) => e.chat.id === chatId && e.chat.diff_status?.pr_number === pr.number),
    );
    expect(event).toMatchObject({
      kind: 'diff_status_change',
      chat: { owner_id: owner, diff_status: { pull_request_state: 'open', approved: true } },
    });
  });

  it('answers a steady-state refresh with 304s: nothing counted, nothing published', async () => {
    p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/etag', title: 'Cache me' });
    const chatId = await p.chat(owner, 'acme/app', 'feat/etag');
    p.scheduler.wake();
    const first = await settled(chatId, 'refreshed');
    expect(first.pullEtag).not.toBeNull();
    // Pub/sub delivers after the write-back: wait for the first refresh's event before counting.
    await waitFor(() => p.events.some((e) => e.chat.id === chatId && e.chat.diff_status?.url));
    const eventsBefore = p.events.filter((e) => e.chat.id === chatId).length;
    p.fake.clearRequests();

    await p.t.db.execute(
      sql`update chat_diff_statuses set stale_at = now(), last_outcome = null where chat_id = ${chatId}`,
    );
    p.scheduler.wake();
    const second = await settled(chatId, 'refreshed');
    expect(second.refreshedAt!.getTime()).toBeGreaterThan(first.refreshedAt!.getTime());
    // The PR, its reviews, and its head's check runs and combined status.
    expect(p.fake.requests.map((r) => r.status)).toEqual([304, 304, 304, 304]);
    expect(p.fake.requests.every((r) => r.conditional)).toBe(true);
    expect(p.events.filter((e) => e.chat.id === chatId)).toHaveLength(eventsBefore);

    p.fake.updatePullRequest('acme', 'app', second.prNumber!, { merged: true });
    await p.t.db.execute(
      sql`update chat_diff_statuses set stale_at = now(), last_outcome = null where chat_id = ${chatId}`,
    );
    p.scheduler.wake();
    expect(await settled(chatId, 'refreshed')).toMatchObject({ pullRequestState: 'merged' });
    await waitFor(() =>
      p.events.find((e) => e.chat.id === chatId && e.chat.diff_status?.pull_request_state === 'merged'),
    );
    // Events of one publisher connection arrive in order: had the 304 refresh published, it would be counted here.
    expect(p.events.filter((e) => e.chat.id === chatId)).toHaveLength(eventsBefore + 1);
  });

  it('gives every row its outcome; bad rows never stop the others', async () => {
    const hugeTitle = 'T'.repeat(100 * 1024);
    p.fake.createPullRequest({ owner: 'acme', repo: 'big', head: 'feat/huge', title: hugeTitle });
    p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'fix/ünïcødé/ブランチ', title: 'Unicode' });
    p.fake.createPullRequest({ owner: 'acme', repo: 'broken', head: 'x' });
    p.fake.createPullRequest({ owner: 'acme', repo: 'garbled', head: 'x' });
    p.fake.failRepo('acme', 'broken', 'error500');
    p.fake.failRepo('acme', 'garbled', 'garbage');
    const noTokenOwner = await p.user('nat');

    const rows = {
      huge: await p.chat(owner, 'acme/big', 'feat/huge'),
      unicode: await p.chat(owner, 'acme/app', 'fix/ünïcødé/ブランチ'),
      noPr: await p.chat(owner, 'acme/app', 'feat/not-pushed-yet'),
      broken: await p.chat(owner, 'acme/broken', 'x'),
      garbled: await p.chat(owner, 'acme/garbled', 'x'),
      foreign: await p.chat(owner, '', 'main', 'https://gitlab.com/acme/app.git'),
      // Stored before the API stripped this spelling's credential: the error names the repository only.
      legacy: await p.chat(owner, '', 'main', 'git+https://ci:ghp_legacy_secret@gitlab.com/acme/app.git'),
      unparseable: await p.chat(owner, '', 'main', 'not a url at all'),
      noToken: await p.chat(noTokenOwner, 'acme/app', 'feat/login'),
    };
    p.scheduler.wake();

    expect((await settled(rows.huge, 'refreshed')).pullRequestTitle).toHaveLength(hugeTitle.length);
    expect((await settled(rows.unicode, 'refreshed')).pullRequestTitle).toBe('Unicode');
    expect(secondsFromNow(await settled(rows.noPr, 'no_pr'))).toBeLessThanOrEqual(15);
    const broken = await settled(rows.broken, 'provider_error');
    expect(broken.lastError).toMatch(/500/);
    expect(secondsFromNow(broken)).toBeGreaterThan(110);
    // Transient errors are retried inside the job before the row backs off.
    expect(p.fake.requests.filter((r) => r.path.includes('/acme/broken/')).length).toBeGreaterThanOrEqual(3);
    expect((await settled(rows.garbled, 'provider_error')).lastError).toMatch(/json|invalid|expected/i);
    expect((await settled(rows.foreign, 'no_provider')).lastError).toBe('no provider for origin gitlab.com/acme/app');
    expect((await settled(rows.legacy, 'no_provider')).lastError).toBe('no provider for origin gitlab.com/acme/app');
    expect((await settled(rows.unparseable)).lastOutcome).toMatch(/no_provider|provider_error/);
    const noToken = await settled(rows.noToken, 'no_token');
    expect(secondsFromNow(noToken)).toBeGreaterThan(590);
    expect(noToken.failedAttempts).toBe(1);
  });

  it('does not let a refresh of an older report push a newer report back', async () => {
    const oldPr = p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/old', title: 'Old branch' });
    const newPr = p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/new', title: 'New branch' });
    const chatId = await p.chat(owner, 'acme/app', 'feat/old');
    const reported = (await getDiffStatus(p.t.db, chatId))!.generation;
    // The old report's refresh is held at its first request: in flight, with the old version.
    const hold = p.fake.hold((r) => r.path.includes('head=acme%3Afeat%2Fold') || r.path.includes('head=acme:feat/old'));
    try {
      p.scheduler.wake();
      await waitFor(() => hold.waiting === 1, { message: "the old report's refresh to reach the fake" });
      expect(p.jobsOf(chatId)).toEqual([{ event: 'active', chatId, generation: reported }]);
      await markStale(p.t.db, { chatId, branch: 'feat/new', remoteOrigin: `${p.fake.url}/acme/app.git` });
    } finally {
      hold.release();
    }
    // The old refresh goes on to the old PR's status and ends with a result it must not write.
    await waitFor(() => p.jobsOf(chatId, 'completed').length >= 1, { message: 'the old refresh to end' });
    expect(p.jobsOf(chatId, 'completed')[0]).toMatchObject({ generation: reported });
    expect(p.fake.requests.some((r) => r.path.endsWith(`/pulls/${oldPr.number}`))).toBe(true);
    const afterOld = (await getDiffStatus(p.t.db, chatId))!;
    expect(afterOld).toMatchObject({ gitBranch: 'feat/new', generation: reported + 1 });
    expect(afterOld.pullRequestTitle).not.toBe('Old branch');
    expect(afterOld.url).not.toBe(oldPr.htmlUrl);

    // The newer report gets its own refresh, which writes.
    p.scheduler.wake();
    const row = await waitFor(async () => {
      const r = await getDiffStatus(p.t.db, chatId);
      return r?.pullRequestTitle === 'New branch' ? r : undefined;
    });
    expect(row).toMatchObject({ gitBranch: 'feat/new', url: newPr.htmlUrl, lastOutcome: 'refreshed' });
    // (Its job ends just after its write-back.)
    await waitFor(() => p.jobsOf(chatId, 'completed').length === 2, { message: 'the newer refresh to end' });
    expect(p.jobsOf(chatId, 'completed').map((j) => j.generation)).toEqual([reported, reported + 1]);
    // Nothing of the old report was ever published.
    const published = p.events.filter((e) => e.chat.id === chatId).map((e) => e.chat.diff_status?.pull_request_title);
    expect(published).not.toContain('Old branch');
    expect(published).toContain('New branch');
  });
});
