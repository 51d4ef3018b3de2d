import { performance } from 'node:perf_hooks';
import type { Job } from 'bullmq';
import { getDiffStatus } from '@gitsync/db';
import type { RefreshPayload } from '@gitsync/queue';
import type { GitsyncClient } from '@gitsync/sdk';
import { waitFor } from '@gitsync/testing';
import { backlogPayload } from './backlog.js';
import { Pipeline, type ApiProcess } from './harness.js';

/**
 * On-demand refresh through the real pipeline: the API (a process) enqueues, an in-process BullMQ worker runs
 * the refresh against the fake GitHub over HTTP and writes Postgres; the API answers what it wrote.
 */
const BACKLOG = 20_000;
const TOKEN = 'ghp_on_demand_owner';

let p: Pipeline;
let h: ApiProcess;
let ada: GitsyncClient;
let adaKey: string;
let origin: string;
const active: string[] = [];
const completed: string[] = [];

beforeAll(async () => {
  p = await Pipeline.start();
  h = await p.startApi();
  origin = `${p.fake.url}/acme/app.git`;
  const user = await h.client().createUser({ username: 'ada' });
  p.fake.addToken(TOKEN, { login: 'ada' });
  adaKey = user.api_key;
  ada = h.client(adaKey);
  await ada.linkToken('me', 'github', { access_token: TOKEN });
  p.worker!.on('active', (job: Job<RefreshPayload>) => active.push(job.data.chatId));
  p.worker!.on('completed', (job: Job<RefreshPayload>) => completed.push(job.data.chatId));
}, 60_000);
afterAll(async () => {
  await h?.close();
  await p?.close();
}, 60_000);

async function chatOn(branch: string): Promise<string> {
  const chat = await ada.createChat({ title: branch });
  await ada.reportGit(chat.id, { branch, remote_origin: origin });
  return chat.id;
}

/** Background jobs for chats that do not exist (the worker writes nothing for them), plus `extra`. */
async function enqueueBacklog(count: number, extra: RefreshPayload[] = [], at = 0): Promise<void> {
  const payloads: RefreshPayload[] = Array.from({ length: count }, backlogPayload);
  payloads.splice(at, 0, ...extra);
  for (let i = 0; i < payloads.length; i += 5_000) await p.producer.enqueueBackground(payloads.slice(i, i + 5_000));
}

const queued = async () => (await p.producer.queue.getJobCounts('prioritized')).prioritized ?? 0;

describe('on-demand refresh', () => {
  it('answers the refreshed status, and says how a refresh that did not succeed went', async () => {
    const pr = p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/one', title: 'One', additions: 3 });
    const ok = await ada.refreshDiffStatus(await chatOn('feat/one'));
    expect(ok).toMatchObject({
      url: pr.htmlUrl,
      pull_request_title: 'One',
      additions: 3,
      refresh: { completed: true, outcome: 'refreshed' },
    });
    expect(Date.parse(ok.refresh.next_refresh_at!)).toBeGreaterThan(Date.now() + 100_000);

    const noPr = await ada.refreshDiffStatus(await chatOn('feat/not-pushed'));
    expect(noPr.refresh).toMatchObject({ completed: true, outcome: 'no_pr' });
    expect(noPr).not.toHaveProperty('url');

    p.fake.createPullRequest({ owner: 'acme', repo: 'broken', head: 'x' });
    p.fake.failRepo('acme', 'broken', 'error500');
    const chat = await ada.createChat({});
    await ada.reportGit(chat.id, { branch: 'x', remote_origin: `${p.fake.url}/acme/broken.git` });
    const broken = await ada.refreshDiffStatus(chat.id);
    expect(broken.refresh).toMatchObject({
      completed: true,
      outcome: 'provider_error',
      error: expect.stringMatching(/500/),
    });

    const nat = await h.client().createUser({ username: 'nat' });
    const natChat = await h.client(nat.api_key).createChat({});
    await h.client(nat.api_key).reportGit(natChat.id, { branch: 'feat/one', remote_origin: origin });
    const noToken = await h.client(nat.api_key).refreshDiffStatus(natChat.id);
    expect(noToken.refresh).toMatchObject({
      completed: true,
      outcome: 'no_token',
      error: 'no token available for provider github',
    });
  });

  it('says when the provider rate-limits the owner, and until when', async () => {
    // An owner of its own: the block holds for the whole group (provider + owner) on every replica.
    const rita = await h.client().createUser({ username: 'rita' });
    const client = h.client(rita.api_key);
    p.fake.addToken('ghp_rita', { login: 'rita' });
    await client.linkToken('me', 'github', { access_token: 'ghp_rita' });
    p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/limited' });
    const chat = await client.createChat({});
    await client.reportGit(chat.id, { branch: 'feat/limited', remote_origin: origin });
    p.fake.forceRateLimit('ghp_rita', { ms: 120_000, kind: 'secondary' });
    const res = await client.refreshDiffStatus(chat.id);
    expect(res.refresh).toMatchObject({ completed: true, outcome: 'rate_limited' });
    expect(Date.parse(res.refresh.next_refresh_at!)).toBeGreaterThan(Date.now() + 100_000);
  });

  it('promotes the chat’s queued background job rather than adding one, and runs it before 20,000 others', async () => {
    const pr = p.fake.createPullRequest({
      owner: 'acme',
      repo: 'app',
      head: 'feat/promote',
      title: 'Before',
      additions: 1,
    });
    const chatId = await chatOn('feat/promote');
    expect((await ada.refreshDiffStatus(chatId)).pull_request_title).toBe('Before');
    p.fake.updatePullRequest('acme', 'app', pr.number, { title: 'After', additions: 50, draft: true });
    p.fake.addReview('acme', 'app', pr.number, { user: 'bob', state: 'APPROVED' });

    await p.worker!.pause();
    // The chat's own background job sits in the middle of the backlog.
    await enqueueBacklog(
      BACKLOG - 1,
      [{ chatId, generation: (await getDiffStatus(p.t.db, chatId))!.generation }],
      BACKLOG / 2,
    );
    const backgroundJob = await p.producer.queue.getDeduplicationJobId(chatId);
    expect(await queued()).toBe(BACKLOG);

    const answer = ada.refreshDiffStatus(chatId);
    await waitFor(async () => (await p.producer.queue.getJob(backgroundJob!))?.priority === 1, {
      message: 'background job promoted',
    });
    expect(await queued()).toBe(BACKLOG); // promoted, not duplicated
    active.length = 0;
    p.worker!.resume();
    const res = await answer;
    expect(res).toMatchObject({
      pull_request_title: 'After',
      additions: 50,
      pull_request_draft: true,
      approved: true,
      refresh: { completed: true, outcome: 'refreshed' },
    });
    expect(active[0]).toBe(chatId);
    expect(await p.producer.queue.getDeduplicationJobId(chatId)).toBeNull();
  }, 60_000);

  it('overtakes a backlog the workers are busy with', async () => {
    await enqueueBacklog(Math.max(0, BACKLOG - (await queued())));
    const pr = p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/busy', title: 'Busy v1' });
    const chatId = await chatOn('feat/busy');
    p.fake.updatePullRequest('acme', 'app', pr.number, { title: 'Busy v2', deletions: 9 });
    const before = completed.length;
    await waitFor(() => completed.length >= before + 200, { message: 'the worker going through the backlog' });

    const from = completed.length;
    const started = performance.now();
    const res = await ada.refreshDiffStatus(chatId);
    const ms = performance.now() - started;
    const left = await queued();
    expect(res).toMatchObject({
      pull_request_title: 'Busy v2',
      deletions: 9,
      refresh: { completed: true, outcome: 'refreshed' },
    });
    const overtaken = completed.indexOf(chatId, from) - from;
    expect(overtaken).toBeGreaterThanOrEqual(0);
    // Without priorities it would have waited for every one of them.
    expect(overtaken).toBeLessThan(BACKLOG / 10);
    expect(left).toBeGreaterThan(BACKLOG / 2);
    console.log(
      `on-demand refresh with ${left} jobs still queued: answered in ${ms.toFixed(0)} ms; ` +
        `${overtaken} backlog jobs finished meanwhile`,
    );
  }, 60_000);

  it('answers the PR as of the request when the refresh it joined had read it before', async () => {
    const pr = p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/midway', title: 'Before' });
    const chatId = await chatOn('feat/midway');
    const row = await getDiffStatus(p.t.db, chatId);
    // A refresh someone else asked for (a webhook's) reads the PR (Before) and waits at the fake
    // for the head's checks. On-demand priority: it starts ahead of what earlier tests left queued.
    const hold = p.fake.hold((r) => r.path.includes(`/commits/${pr.headSha}/`));
    try {
      await p.producer.enqueueOnDemand({ chatId, generation: row!.generation });
      await waitFor(() => hold.waiting >= 1, {
        timeoutMs: 30_000,
        message: 'the first refresh to ask for the checks',
      });
      p.fake.updatePullRequest('acme', 'app', pr.number, { title: 'After' });
      const answer = ada.refreshDiffStatus(chatId);
      // The request joined the running job; BullMQ keeps it for a follow-up job.
      const followUp = p.producer.queue.toKey(`dn:${chatId}`);
      await waitFor(async () => (await p.r.client.exists(followUp)) === 1, {
        message: 'the request stored as the follow-up of the running refresh',
      });
      hold.release();
      expect(await answer).toMatchObject({ pull_request_title: 'After', refresh: { completed: true } });
    } finally {
      hold.release();
    }
  });

  it('answers the stored status with completed: false when the wait runs out', async () => {
    const impatient = await p.startApi({ GITSYNC_ON_DEMAND_TIMEOUT: '200' });
    try {
      const pr = p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/slow', title: 'Slow' });
      const chatId = await chatOn('feat/slow');
      await p.worker!.pause();
      const res = await impatient.client(adaKey).refreshDiffStatus(chatId);
      expect(res).toMatchObject({ chat_id: chatId, pull_request_title: '', refresh: { completed: false } });
      expect(res).not.toHaveProperty('url');
      p.worker!.resume();
      // The job stays queued and does its work later.
      await waitFor(async () => (await ada.getDiffStatus(chatId)).url === pr.htmlUrl, {
        timeoutMs: 30_000,
        message: 'the late refresh',
      });
    } finally {
      p.worker!.resume();
      await impatient.close();
    }
  }, 60_000);
});
