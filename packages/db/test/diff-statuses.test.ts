import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@gitsync/testing';
import {
  claimDueRows,
  createChat,
  createUser,
  getDiffStatus,
  makeDueWithin,
  markOwnerDue,
  markStale,
  saveOutcomeBatch,
  saveRefreshedBatch,
  updateChat,
  type Database,
} from '../src/index.js';
import type { OutcomeWrite, RefreshedWrite } from '@gitsync/gitsync';

let t: TestDatabase;
let db: Database;
let ownerId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  ownerId = (await createUser(db, { username: 'ada', role: 'member' })).id;
});
afterAll(() => t?.drop());

const saveRefreshed = async (db: Database, write: Omit<RefreshedWrite, 'checks'> & Partial<RefreshedWrite>) =>
  (await saveRefreshedBatch(db, [{ checks: null, ...write }]))[0]!;
const saveOutcome = async (db: Database, write: OutcomeWrite) => (await saveOutcomeBatch(db, [write]))[0]!;
const newChat = async () => (await createChat(db, { ownerId, title: 'chat' })).id;
const report = (chatId: string, branch = 'feat/x') => ({ chatId, branch, remoteOrigin: 'https://github.com/o/r' });

describe('markStale', () => {
  it('does nothing for an empty branch or origin', async () => {
    const chatId = await newChat();
    expect(await markStale(db, { chatId, branch: '', remoteOrigin: 'https://github.com/o/r' })).toBeNull();
    expect(await markStale(db, { chatId, branch: 'x', remoteOrigin: '' })).toBeNull();
    expect(await getDiffStatus(db, chatId)).toBeNull();
  });

  it('makes the row due, clears the url unless given and bumps the generation', async () => {
    const chatId = await newChat();
    const first = await markStale(db, { ...report(chatId), pullRequestUrl: 'https://github.com/o/r/pull/1' });
    expect(first).toMatchObject({ url: 'https://github.com/o/r/pull/1', generation: 0, gitBranch: 'feat/x' });
    expect(first!.staleAt.getTime()).toBeLessThan(Date.now());
    const second = await markStale(db, report(chatId, 'feat/y'));
    expect(second).toMatchObject({ url: null, generation: 1, gitBranch: 'feat/y' });
  });
});

describe('a row due at once, whatever its interval (issue 15)', () => {
  const parkForADay = (chatId: string) =>
    db.execute(sql`update chat_diff_statuses set stale_at = now() + interval '24 hours',
      refresh_interval_class = 'terminal', refresh_interval_ms = ${86_400_000} where chat_id = ${chatId}`);

  it('a report makes a 24-hour row due and starts its schedule over', async () => {
    const chatId = await newChat();
    await markStale(db, report(chatId));
    await parkForADay(chatId);
    const row = await markStale(db, report(chatId));
    expect(row!.staleAt.getTime()).toBeLessThan(Date.now());
    expect(row).toMatchObject({ refreshIntervalClass: 'reported', refreshIntervalMs: null });
  });

  it("a linked token makes its owner's rows due and keeps their interval", async () => {
    const owner = (await createUser(db, { username: 'linker', role: 'member' })).id;
    const chatId = (await createChat(db, { ownerId: owner, title: 'c' })).id;
    await markStale(db, report(chatId));
    await parkForADay(chatId);
    expect(await markOwnerDue(db, owner)).toBe(1);
    const row = await getDiffStatus(db, chatId);
    expect(row!.staleAt.getTime()).toBeLessThan(Date.now());
    expect(row).toMatchObject({ refreshIntervalClass: 'token_linked', refreshIntervalMs: 86_400_000 });
  });
});

describe('claimDueRows', () => {
  beforeEach(() => db.execute(sql`update chat_diff_statuses set stale_at = now() + interval '1 hour'`));

  it('claims due rows oldest first, leases them, and skips archived chats', async () => {
    const a = await newChat();
    const b = await newChat();
    const archived = await newChat();
    await markStale(db, report(b));
    await markStale(db, report(a));
    await markStale(db, report(archived));
    await updateChat(db, archived, { archived: true });
    await db.execute(sql`update chat_diff_statuses set stale_at = now() - interval '1 minute' where chat_id = ${b}`);

    const claimed = await claimDueRows(db, { limit: 10, leaseMs: 300_000 });
    expect(claimed.map((r) => r.chatId)).toEqual([b, a]);
    expect(claimed[0]).toEqual({ chatId: b, generation: 0 });
    const leased = await getDiffStatus(db, a);
    expect(leased!.staleAt.getTime()).toBeGreaterThan(Date.now() + 290_000);
    expect(await claimDueRows(db, { limit: 10, leaseMs: 300_000 })).toEqual([]);
  });

  it('never hands the same row to two concurrent claimers', async () => {
    const ids = await Promise.all(Array.from({ length: 40 }, () => newChat()));
    for (const id of ids) await markStale(db, report(id));
    const batches = await Promise.all(
      Array.from({ length: 4 }, () => claimDueRows(db, { limit: 15, leaseMs: 60_000 })),
    );
    const claimed = batches.flat().map((r) => r.chatId);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual([...ids].sort());
  });
});

describe('write-backs', () => {
  const pull = {
    url: 'https://github.com/o/r/pull/7',
    state: 'open' as const,
    title: 'Add x',
    draft: false,
    additions: 3,
    deletions: 1,
    changedFiles: 2,
    commits: 1,
    number: 7,
    headBranch: 'feat/x',
    headSha: 'abc',
    baseBranch: 'main',
    authorLogin: 'ada',
    authorAvatarUrl: null,
    mergeable: null,
    mergeableState: 'unknown',
    requestedReviewerCount: 2,
    labels: ['bug', "it's"],
    etag: '"p1"',
  };

  it('writes a refreshed status and returns the chat with it', async () => {
    const chatId = await newChat();
    const marked = await markStale(db, report(chatId));
    const staleAt = new Date(Date.now() + 120_000);
    const saved = await saveRefreshed(db, {
      chatId,
      generation: marked!.generation,
      url: 'https://github.com/o/r/pull/7',
      pull,
      reviews: { approved: true, changesRequested: false, reviewerCount: 1, etag: null },
      refreshedAt: new Date(),
      staleAt,
      schedule: { intervalClass: 'open', intervalMs: 120_000 },
      prChangedAt: new Date(),
      changed: true,
    });
    expect(saved.written).toBe(true);
    expect(saved.change!.chat.ownerId).toBe(ownerId);
    expect(saved.change!.status).toMatchObject({
      prNumber: 7,
      pullRequestTitle: 'Add x',
      approved: true,
      lastOutcome: 'refreshed',
      pullEtag: '"p1"',
    });
    expect(saved.change!.status!.staleAt.getTime()).toBe(staleAt.getTime());
  });

  it('keeps stored fields for parts that answered 304', async () => {
    const chatId = await newChat();
    const { generation } = (await markStale(db, report(chatId)))!;
    const base = {
      chatId,
      generation,
      url: 'https://github.com/o/r/pull/7',
      refreshedAt: new Date(),
      staleAt: new Date(),
      schedule: { intervalClass: 'open' as const, intervalMs: 120_000 },
      prChangedAt: null,
    };
    await saveRefreshed(db, {
      ...base,
      pull,
      reviews: { approved: false, changesRequested: true, reviewerCount: 2, etag: '"r1"' },
      changed: true,
    });
    const again = await saveRefreshed(db, { ...base, pull: null, reviews: null, changed: false });
    // Nothing a reader can see changed: written, but no chat is loaded for an event.
    expect(again).toEqual({ written: true, change: null });
    expect(await getDiffStatus(db, chatId)).toMatchObject({
      pullRequestTitle: 'Add x',
      additions: 3,
      pullEtag: '"p1"',
      changesRequested: true,
      reviewerCount: 2,
      reviewsEtag: '"r1"',
    });
  });

  it('writes mergeability, labels and checks, keeps the checks on a 304, and forgets them with the PR', async () => {
    const chatId = await newChat();
    const { generation } = (await markStale(db, report(chatId)))!;
    const base = {
      chatId,
      generation,
      url: 'https://github.com/o/r/pull/7',
      refreshedAt: new Date(),
      staleAt: new Date(),
      schedule: { intervalClass: 'open' as const, intervalMs: 120_000 },
      prChangedAt: null,
    };
    const tally = { passed: 2, failed: 1, pending: 0, neutral: 1 };
    const checks = {
      summary: { state: 'failure' as const, passed: 2, failed: 1, pending: 0 },
      checkRuns: { tally, etag: '"runs"' },
      statuses: { tally: { passed: 0, failed: 0, pending: 0, neutral: 0 }, etag: '"st"' },
    };
    await saveRefreshed(db, { ...base, pull, reviews: null, checks, changed: true });
    const expected = {
      mergeable: null,
      mergeableState: 'unknown',
      requestedReviewerCount: 2,
      labels: ['bug', "it's"],
      checksState: 'failure',
      checksPassed: 2,
      checksFailed: 1,
      checksPending: 0,
      checkRunsEtag: '"runs"',
      statusesEtag: '"st"',
      checkRunsTally: tally,
    };
    expect(await getDiffStatus(db, chatId)).toMatchObject(expected);
    await saveRefreshed(db, { ...base, pull: null, reviews: null, checks: null, changed: false });
    expect(await getDiffStatus(db, chatId)).toMatchObject(expected);

    await saveOutcomeBatch(db, [
      {
        chatId,
        generation,
        outcome: 'no_pr',
        error: null,
        staleAt: new Date(),
        clearUrl: true,
        schedule: { intervalClass: 'no_pr', intervalMs: 300_000 },
      },
    ]);
    expect(await getDiffStatus(db, chatId)).toMatchObject({
      url: null,
      mergeable: null,
      mergeableState: null,
      requestedReviewerCount: null,
      labels: null,
      checksState: null,
      checksPassed: null,
      checkRunsEtag: null,
      statusesEtag: null,
      checkRunsTally: null,
      statusesTally: null,
    });
  });

  it('drops a result of an older generation', async () => {
    const chatId = await newChat();
    const { generation } = (await markStale(db, report(chatId)))!;
    await claimDueRows(db, { limit: 1000, leaseMs: 300_000 });
    await markStale(db, report(chatId, 'feat/other'));
    await db.execute(
      sql`update chat_diff_statuses set stale_at = now() + interval '5 minutes' where chat_id = ${chatId}`,
    );
    const before = await getDiffStatus(db, chatId);
    const saved = await saveRefreshed(db, {
      chatId,
      generation,
      url: 'https://github.com/o/r/pull/7',
      pull,
      reviews: null,
      checks: null,
      refreshedAt: new Date(),
      staleAt: new Date(Date.now() + 120_000),
      schedule: { intervalClass: 'open', intervalMs: 120_000 },
      prChangedAt: null,
      changed: true,
    });
    expect(saved).toEqual({ written: false, change: null });
    const row = await getDiffStatus(db, chatId);
    expect(row).toMatchObject({ gitBranch: 'feat/other', url: null, prNumber: null });
    expect(row!.staleAt).toEqual(before!.staleAt);
  });

  it('makeDueWithin makes rows due that soon (never later than they were) and ends their lease', async () => {
    const [soon, later] = [await newChat(), await newChat()];
    for (const id of [soon, later]) await markStale(db, report(id));
    await db.execute(
      sql`update chat_diff_statuses set stale_at = now() + interval '5 minutes',
          leased_until = now() + interval '5 minutes' where chat_id in (${soon}, ${later})`,
    );
    await db.execute(
      sql`update chat_diff_statuses set stale_at = now() - interval '1 minute' where chat_id = ${later}`,
    );
    await makeDueWithin(db, [soon, later], 1_000);
    const [a, b] = [(await getDiffStatus(db, soon))!, (await getDiffStatus(db, later))!];
    expect(a.staleAt.getTime()).toBeLessThan(Date.now() + 2_000);
    expect(b.staleAt.getTime()).toBeLessThan(Date.now() - 50_000);
    expect([a.leasedUntil, b.leasedUntil]).toEqual([null, null]);
  });

  it('records a failure outcome with its backoff and counts attempts', async () => {
    const chatId = await newChat();
    const { generation } = (await markStale(db, report(chatId)))!;
    const staleAt = new Date(Date.now() + 600_000);
    for (let i = 0; i < 2; i++) {
      expect(
        await saveOutcome(db, {
          chatId,
          generation,
          outcome: 'no_token',
          error: 'no token available',
          staleAt,
          schedule: { intervalClass: 'no_token', intervalMs: null },
          clearUrl: false,
        }),
      ).toEqual({ written: true, change: null });
    }
    expect(await getDiffStatus(db, chatId)).toMatchObject({
      lastOutcome: 'no_token',
      lastError: 'no token available',
      failedAttempts: 2,
    });
  });

  it('writes a batch in one statement, each row by its own generation, results in order', async () => {
    const ids = [await newChat(), await newChat(), await newChat()];
    const generations: number[] = [];
    for (const id of ids) generations.push((await markStale(db, report(id)))!.generation);
    await markStale(db, report(ids[1]!, 'feat/newer')); // the middle row moves on
    const staleAt = new Date(Date.now() + 120_000);
    const changedAt = new Date('2026-01-01T00:00:00Z');
    const writes = ids.map((chatId, i): RefreshedWrite => ({
      chatId,
      generation: generations[i]!,
      url: `https://github.com/o/r/pull/${i + 1}`,
      pull: i === 2 ? null : { ...pull, number: i + 1, title: `PR ${i + 1}` },
      reviews: null,
      checks: null,
      refreshedAt: new Date(),
      staleAt,
      schedule: { intervalClass: 'terminal', intervalMs: 3_600_000 * (i + 1) },
      prChangedAt: i === 0 ? changedAt : null,
      changed: i === 0,
    }));
    const saved = await saveRefreshedBatch(db, writes);
    expect(saved.map((s) => s.written)).toEqual([true, false, true]);
    expect(saved[0]!.change!.status).toMatchObject({ chatId: ids[0], prNumber: 1, pullRequestTitle: 'PR 1' });
    expect(saved[2]!.change).toBeNull();
    expect(await getDiffStatus(db, ids[2]!)).toMatchObject({
      url: 'https://github.com/o/r/pull/3',
      prNumber: null,
      lastOutcome: 'refreshed',
      refreshIntervalClass: 'terminal',
      refreshIntervalMs: 3 * 3_600_000,
      prChangedAt: null,
    });
    expect(await getDiffStatus(db, ids[0]!)).toMatchObject({ refreshIntervalMs: 3_600_000, prChangedAt: changedAt });
    expect((await getDiffStatus(db, ids[1]!))!.gitBranch).toBe('feat/newer');

    const outcomes = await saveOutcomeBatch(db, [
      {
        chatId: ids[0]!,
        generation: generations[0]!,
        outcome: 'no_pr',
        error: null,
        staleAt,
        schedule: { intervalClass: 'no_pr', intervalMs: 300_000 },
        clearUrl: true,
      },
      {
        chatId: ids[1]!,
        generation: generations[1]!,
        outcome: 'provider_error',
        error: 'boom',
        staleAt,
        schedule: { intervalClass: 'error', intervalMs: null },
        clearUrl: false,
      },
      {
        chatId: ids[2]!,
        generation: generations[2]!,
        outcome: 'rate_limited',
        error: 'later',
        staleAt,
        schedule: { intervalClass: 'rate_limited', intervalMs: 7_200_000 },
        clearUrl: false,
      },
    ]);
    expect(outcomes.map((o) => o.written)).toEqual([true, false, true]);
    // Forgetting a PR is a change a reader sees: the chat comes back for its event.
    expect(outcomes.map((o) => o.change?.status?.chatId ?? null)).toEqual([ids[0], null, null]);
    expect(await getDiffStatus(db, ids[0]!)).toMatchObject({
      url: null,
      lastOutcome: 'no_pr',
      failedAttempts: 1,
      refreshIntervalClass: 'no_pr',
      refreshIntervalMs: 300_000,
    });
    expect(await getDiffStatus(db, ids[2]!)).toMatchObject({
      url: 'https://github.com/o/r/pull/3',
      lastOutcome: 'rate_limited',
      lastError: 'later',
      refreshIntervalClass: 'rate_limited',
      refreshIntervalMs: 7_200_000,
    });
  });
});
