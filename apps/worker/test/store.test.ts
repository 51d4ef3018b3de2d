import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createChat, createDb, createUser, getDiffStatus, markStale } from '@gitsync/db';
import { REQUEUE_MOVED_MS } from '@gitsync/schedule-engine';
import type { RefreshedWrite } from '@gitsync/gitsync';
import { createTestDatabase, freePort, waitFor, type TestDatabase } from '@gitsync/testing';
import { createRefreshStore } from '../src/store.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

const pull = {
  state: 'open' as const,
  title: 'Add x',
  draft: false,
  additions: 1,
  deletions: 0,
  changedFiles: 1,
  commits: 1,
  number: 1,
  headBranch: 'feat/x',
  headSha: 'abc',
  baseBranch: 'main',
  authorLogin: null,
  authorAvatarUrl: null,
  mergeable: true,
  mergeableState: 'clean',
  requestedReviewerCount: 0,
  labels: [],
  etag: '"p"',
  url: 'https://github.com/o/r/pull/1',
};

async function trackedRows(n: number): Promise<Array<{ chatId: string; generation: number }>> {
  const owner = await createUser(t.db, { username: `u${Date.now()}${Math.random()}`, role: 'member' });
  const rows = [];
  for (let i = 0; i < n; i++) {
    const chat = await createChat(t.db, { ownerId: owner.id, title: `chat ${i}` });
    const marked = await markStale(t.db, { chatId: chat.id, branch: 'feat/x', remoteOrigin: 'https://github.com/o/r' });
    rows.push({ chatId: chat.id, generation: marked!.generation });
  }
  return rows;
}

const write = (row: { chatId: string; generation: number }, title = 'Add x'): RefreshedWrite => ({
  ...row,
  url: 'https://github.com/o/r/pull/1',
  pull: { ...pull, title },
  reviews: null,
  checks: null,
  refreshedAt: new Date(),
  staleAt: new Date(Date.now() + 120_000),
  schedule: { intervalClass: 'open', intervalMs: 120_000 },
  prChangedAt: null,
  changed: true,
});

/** Statements the store sent, by prepared-statement name. */
function countStatements() {
  const counts = new Map<string, number>();
  const query = t.db.$client.query.bind(t.db.$client);
  const spy = jest.spyOn(t.db.$client, 'query').mockImplementation(((config: unknown, ...rest: unknown[]) => {
    const name = (config as { name?: string } | null)?.name ?? '(unnamed)';
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return (query as (...a: unknown[]) => unknown)(config, ...rest);
  }) as never);
  return { counts, restore: () => spy.mockRestore() };
}

describe('the worker’s refresh store', () => {
  it('writes the results of concurrent jobs in a few statements, each job getting its own result', async () => {
    const rows = await trackedRows(200);
    const store = createRefreshStore(t.db);
    const statements = countStatements();
    try {
      const saved = await Promise.all(rows.map((row) => store.saveRefreshed(write(row, `PR of ${row.chatId}`))));
      expect(saved.every((s) => s.written)).toBe(true);
      saved.forEach((s, i) =>
        expect(s.change).toMatchObject({
          kind: 'diff_status_change',
          chat: { id: rows[i]!.chatId, diff_status: { pull_request_title: `PR of ${rows[i]!.chatId}` } },
        }),
      );
      // One tick's worth of results shares a statement: far fewer than one per job.
      expect(statements.counts.get('gitsync_save_refreshed_v2')).toBeLessThanOrEqual(2);
    } finally {
      statements.restore();
    }
  });

  it('a write Postgres refuses fails alone; the others of its batch are written', async () => {
    const rows = await trackedRows(5);
    const store = createRefreshStore(t.db);
    const results = await Promise.allSettled(
      rows.map((row, i) => store.saveRefreshed(write(row, i === 2 ? 'nul \u0000 byte' : 'fine'))),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/22021 \(data exception\)/);
    for (const [i, row] of rows.entries()) {
      expect((await getDiffStatus(t.db, row.chatId))!.pullRequestTitle).toBe(i === 2 ? '' : 'fine');
    }
  });

  it('a database that is away fails the whole batch at once, without a retry per row', async () => {
    const rows = await trackedRows(5);
    const away = createDb(`postgres://postgres@127.0.0.1:${await freePort()}/nowhere`, { max: 2 });
    try {
      const sent = jest.spyOn(away.pool, 'query');
      const store = createRefreshStore(away.db);
      const results = await Promise.allSettled(rows.map((row) => store.saveRefreshed(write(row))));
      expect(results.every((r) => r.status === 'rejected' && /ECONNREFUSED/.test(String(r.reason)))).toBe(true);
      expect(sent).toHaveBeenCalledTimes(1);
    } finally {
      await away.close();
    }
  });

  it('records outcomes in batches too, false for a row that moved on', async () => {
    const rows = await trackedRows(3);
    await markStale(t.db, { chatId: rows[0]!.chatId, branch: 'feat/y', remoteOrigin: 'https://github.com/o/r' });
    const store = createRefreshStore(t.db);
    const staleAt = new Date(Date.now() + 600_000);
    const written = await Promise.all(
      rows.map((row) =>
        store.saveOutcome({
          ...row,
          outcome: 'no_token',
          error: 'no token',
          staleAt,
          schedule: { intervalClass: 'no_token', intervalMs: null },
          clearUrl: false,
        }),
      ),
    );
    expect(written.map((w) => w.written)).toEqual([false, true, true]);
    expect(await getDiffStatus(t.db, rows[1]!.chatId)).toMatchObject({ lastOutcome: 'no_token', failedAttempts: 1 });
  });

  it('makes a row that moved on while it was refreshed due again within a second (the requeue policy)', async () => {
    const [row] = await trackedRows(1);
    await markStale(t.db, { chatId: row!.chatId, branch: 'feat/y', remoteOrigin: 'https://github.com/o/r' });
    // As if a scheduler had claimed the newer report meanwhile: its job would be swallowed by ours.
    await t.db.execute(
      sql`update chat_diff_statuses set stale_at = now() + interval '5 minutes',
          leased_until = now() + interval '5 minutes' where chat_id = ${row!.chatId}`,
    );
    const saved = await createRefreshStore(t.db).saveRefreshed(write(row!));
    expect(saved.written).toBe(false);
    const after = (await getDiffStatus(t.db, row!.chatId))!;
    expect(after.staleAt.getTime()).toBeLessThanOrEqual(Date.now() + REQUEUE_MOVED_MS);
    expect(after.leasedUntil).toBeNull();
  });

  it('reads the rows that jobs arriving together point at in one statement; a deleted chat reads as null', async () => {
    const rows = await trackedRows(50);
    const store = createRefreshStore(t.db);
    const statements = countStatements();
    try {
      const targets = await Promise.all([...rows.map((row) => store.load(row.chatId)), store.load(randomUUID())]);
      expect(targets.slice(0, 50).map((target) => target?.chatId)).toEqual(rows.map((row) => row.chatId));
      expect(targets[0]).toMatchObject({
        branch: 'feat/x',
        remoteOrigin: 'https://github.com/o/r',
        url: null,
        generation: rows[0]!.generation,
      });
      expect(targets[50]).toBeNull();
      expect(statements.counts.get('gitsync_load_refresh_targets_v3')).toBe(1);
    } finally {
      statements.restore();
    }
  });
});

describe('the worker’s refresh store, for a refresh somebody waits for (urgent)', () => {
  // A pool of its own for the store: the test's own pool holds the lock and watches the statements.
  let own: ReturnType<typeof createDb>;
  beforeAll(() => {
    own = createDb(t.url, { max: 10 });
  });
  afterAll(() => own?.close());
  /** Statements of this database waiting for a lock. */
  const waitingOnLock = async () =>
    Number(
      (
        await t.db.execute<{ n: string }>(sql`
          select count(*) as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`)
      ).rows[0]!.n,
    );
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  /**
   * Two background batches in flight (held by a lock on the table) take both of the store's slots
   * and a third waits for one; an urgent statement must reach Postgres anyway.
   */
  async function withSlotsHeld<R>(
    background: Array<() => Promise<unknown>>,
    urgent: () => Promise<R>,
  ): Promise<{ urgent: R; background: unknown[] }> {
    const locker = await t.db.$client.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table chat_diff_statuses in access exclusive mode');
      const started: Array<Promise<unknown>> = [];
      for (const run of background) {
        started.push(run());
        await nextTurn(); // each turn's items make a batch of their own
      }
      await waitFor(async () => (await waitingOnLock()) === 2 || undefined, { message: 'two batches at the lock' });
      const answer = urgent();
      await waitFor(async () => (await waitingOnLock()) === 3 || undefined, {
        message: 'the urgent statement to reach Postgres while both slots are taken',
      });
      await locker.query('commit');
      return { urgent: await answer, background: await Promise.all(started) };
    } finally {
      await locker.query('rollback').catch(() => undefined);
      locker.release();
    }
  }

  it('reads its row at once, beside the batches that hold every slot', async () => {
    const rows = await trackedRows(4);
    const store = createRefreshStore(own.db);
    const { urgent, background } = await withSlotsHeld(
      rows.slice(0, 3).map((row) => () => store.load(row.chatId)),
      () => store.urgent!.load(rows[3]!.chatId),
    );
    expect(urgent).toMatchObject({ chatId: rows[3]!.chatId, generation: rows[3]!.generation });
    expect(background.map((target) => (target as { chatId: string }).chatId)).toEqual(
      rows.slice(0, 3).map((row) => row.chatId),
    );
  });

  it('writes its result at once, beside the batches that hold every slot, with the same event', async () => {
    const rows = await trackedRows(4);
    const store = createRefreshStore(own.db);
    const { urgent, background } = await withSlotsHeld(
      rows.slice(0, 3).map((row) => () => store.saveRefreshed(write(row))),
      () => store.urgent!.saveRefreshed(write(rows[3]!, 'urgent title')),
    );
    expect(urgent.written).toBe(true);
    expect(urgent.change).toMatchObject({
      chat: { id: rows[3]!.chatId, diff_status: { pull_request_title: 'urgent title' } },
    });
    expect(background.every((saved) => (saved as { written: boolean }).written)).toBe(true);
  });

  it('gives a moved row another refresh soon, as a batched write does', async () => {
    const [row] = await trackedRows(1);
    await markStale(t.db, { chatId: row!.chatId, branch: 'feat/y', remoteOrigin: 'https://github.com/o/r' });
    const saved = await createRefreshStore(own.db).urgent!.saveOutcome({
      chatId: row!.chatId,
      generation: row!.generation,
      outcome: 'no_token',
      error: 'no token',
      staleAt: new Date(Date.now() + 3_600_000),
      schedule: { intervalClass: 'no_token', intervalMs: null },
      clearUrl: false,
    });
    expect(saved.written).toBe(false);
    expect((await getDiffStatus(t.db, row!.chatId))!.staleAt.getTime()).toBeLessThanOrEqual(
      Date.now() + REQUEUE_MOVED_MS,
    );
  });
});
