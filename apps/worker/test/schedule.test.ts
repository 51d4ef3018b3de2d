import { createChat, createUser, getDiffStatus, markStale, upsertExternalAuthLink } from '@gitsync/db';
import { createGitHubProvider } from '@gitsync/gitprovider';
import { defaultTimings, refreshChat, type Clock, type RefreshDeps } from '@gitsync/gitsync';
import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import type { RedisConnection } from '@gitsync/redis';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@gitsync/testing';
import { createRefreshDeps } from '../src/worker.js';

/**
 * Issue 15: the state-aware schedule, end to end through the real store and the fake GitHub, with
 * an injected clock: each refresh runs at the due time the previous one stored, hours apart,
 * without waiting for them.
 */
let t: TestDatabase;
let r: TestRedis;
let fake: FakeGitHub;
let redis: RedisConnection;
let deps: RefreshDeps<unknown>;
let owner: string;
/** The injected clock: it stands still unless a test moves it. */
let nowMs = Date.now();
const clock: Clock = {
  now: () => new Date(nowMs),
  sleep: async (ms) => void (nowMs += ms),
};
const MIN = 60_000;
const HOUR = 60 * MIN;

beforeAll(async () => {
  [t, r, fake] = await Promise.all([createTestDatabase(), createTestRedis(), startFakeGitHub()]);
  redis = r.connect('worker');
  owner = (await createUser(t.db, { username: 'ada', role: 'member' })).id;
  fake.addToken('ghp_schedule', { login: 'ada' });
  await upsertExternalAuthLink(t.db, { providerId: 'github', userId: owner, accessToken: 'ghp_schedule' });
  deps = createRefreshDeps({
    db: t.db,
    connection: redis,
    redis,
    prefix: r.prefix,
    providers: [createGitHubProvider({ id: 'github', apiBaseUrl: fake.apiBaseUrl })],
    refreshToken: async () => null,
    timings: defaultTimings,
    groupConcurrency: 10,
    clock,
  }) as RefreshDeps<unknown>;
});
afterAll(async () => {
  await fake.close();
  await r.cleanup();
  await t.drop();
});
beforeEach(() => {
  nowMs = Date.now();
});

async function chat(branch: string): Promise<string> {
  const { id } = await createChat(t.db, { ownerId: owner, title: branch });
  await markStale(t.db, { chatId: id, branch, remoteOrigin: `${fake.url}/acme/app.git` });
  return id;
}

/** Moves the clock to the row's due time, refreshes it, and answers the wait it stored next. */
async function refreshWhenDue(chatId: string): Promise<{ waitMs: number; intervalClass: string }> {
  const before = (await getDiffStatus(t.db, chatId))!;
  nowMs = Math.max(nowMs, before.staleAt.getTime());
  await refreshChat(chatId, deps);
  const row = (await getDiffStatus(t.db, chatId))!;
  return { waitMs: row.staleAt.getTime() - clock.now().getTime(), intervalClass: row.refreshIntervalClass };
}

const hoursOf = (waits: Array<{ waitMs: number }>) => waits.map((w) => Math.round(w.waitMs / HOUR));

describe('the state-aware schedule (issue 15)', () => {
  it('waits 1 h for a merged PR, doubling to 24 h; a reopen seen on GitHub returns it to the TTL', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/merged', title: 'Done' });
    fake.updatePullRequest('acme', 'app', pr.number, { merged: true });
    const chatId = await chat('feat/merged');
    const waits = [];
    for (let i = 0; i < 7; i++) waits.push(await refreshWhenDue(chatId));
    expect(hoursOf(waits)).toEqual([1, 2, 4, 8, 16, 24, 24]);
    expect(waits.every((w) => w.intervalClass === 'terminal')).toBe(true);
    const row = (await getDiffStatus(t.db, chatId))!;
    expect(row.pullRequestState).toBe('merged');
    // Seen terminal at the first refresh, unchanged since.
    expect(row.prChangedAt!.getTime()).toBeLessThan(row.refreshedAt!.getTime() - 40 * HOUR);

    fake.updatePullRequest('acme', 'app', pr.number, { state: 'open' });
    expect(await refreshWhenDue(chatId)).toEqual({ waitMs: 2 * MIN, intervalClass: 'open' });
    fake.updatePullRequest('acme', 'app', pr.number, { state: 'closed' });
    expect(await refreshWhenDue(chatId)).toEqual({ waitMs: HOUR, intervalClass: 'terminal' });
  });

  it('makes a 24-hour row due at once on a report, and starts its schedule over', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/again', title: 'Again' });
    fake.updatePullRequest('acme', 'app', pr.number, { merged: true });
    const chatId = await chat('feat/again');
    for (let i = 0; i < 6; i++) await refreshWhenDue(chatId);
    expect(hoursOf([await refreshWhenDue(chatId)])).toEqual([24]);

    nowMs = Date.now();
    await markStale(t.db, { chatId, branch: 'feat/again', remoteOrigin: `${fake.url}/acme/app.git` });
    expect((await getDiffStatus(t.db, chatId))!.staleAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await refreshWhenDue(chatId)).toEqual({ waitMs: HOUR, intervalClass: 'terminal' });
  });

  it('backs a branch without a PR off to 1 h, and looks again at once when the agent reports', async () => {
    const chatId = await chat('feat/nothing-yet');
    // Right after the report: the short retry.
    expect(await refreshWhenDue(chatId)).toEqual({ waitMs: 15_000, intervalClass: 'no_pr_recent' });
    nowMs += 3 * MIN; // the report's window is over
    const waits = [];
    for (let i = 0; i < 6; i++) waits.push(await refreshWhenDue(chatId));
    expect(waits.map((w) => w.waitMs / MIN)).toEqual([5, 10, 20, 40, 60, 60]);
    expect(waits.every((w) => w.intervalClass === 'no_pr')).toBe(true);

    nowMs = Date.now();
    fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/nothing-yet', title: 'At last' });
    await markStale(t.db, { chatId, branch: 'feat/nothing-yet', remoteOrigin: `${fake.url}/acme/app.git` });
    expect((await getDiffStatus(t.db, chatId))!.staleAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await refreshWhenDue(chatId)).toEqual({ waitMs: 2 * MIN, intervalClass: 'open' });
  });
});
