import { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import { createChat, createUser, markStale, upsertExternalAuthLink } from '@gitsync/db';
import { createLogger } from '@gitsync/logger';
import { RefreshProducer, jobCatalog, refreshPayloadSchema } from '@gitsync/queue';
import type { RedisConnection } from '@gitsync/redis';
import {
  createTestDatabase,
  createTestRedis,
  spawnNode,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@gitsync/testing';
import { Scheduler } from '../src/scheduler.js';

let t: TestDatabase;
let r: TestRedis;
let queue: Queue;
const logger = createLogger('test', { level: 'silent' });

beforeAll(async () => {
  [t, r] = await Promise.all([createTestDatabase(), createTestRedis()]);
  queue = new Queue(jobCatalog['refresh-diff-status'].queue, { connection: r.connect('producer'), prefix: r.prefix });
});
afterAll(async () => {
  await queue?.close();
  await r?.cleanup();
  await t?.drop();
});

function scheduler(
  batchSize: number,
  log = logger,
  maxQueued?: number,
): { s: Scheduler; producer: RefreshProducer; conn: RedisConnection } {
  const conn = r.connect('producer');
  const producer = new RefreshProducer({ connection: conn, prefix: r.prefix });
  return {
    s: new Scheduler({
      db: t.db,
      producer,
      logger: log,
      leaseMs: 300_000,
      batchSize,
      intervalMs: 60_000,
      ...(maxQueued && { maxQueued }),
    }),
    producer,
    conn,
  };
}

/** A logger whose lines the test reads back. */
function recordingLogger(): { log: typeof logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('test', {
    level: 'warn',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { log, lines };
}

async function seedRows(n: number, token?: string): Promise<string[]> {
  const owner = await createUser(t.db, { username: `u${Math.random().toString(36).slice(2)}`, role: 'member' });
  if (token)
    await upsertExternalAuthLink(t.db, {
      providerId: 'github',
      userId: owner.id,
      accessToken: token,
      refreshToken: `${token}_refresh`,
    });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const chat = await createChat(t.db, { ownerId: owner.id, title: 'chat' });
    await markStale(t.db, { chatId: chat.id, branch: `b${i}`, remoteOrigin: 'https://github.com/o/r' });
    ids.push(chat.id);
  }
  return ids;
}

describe('Scheduler', () => {
  it('drains every due row in batches, and two schedulers never enqueue a row twice', async () => {
    const ids = await seedRows(500);
    const a = scheduler(64);
    const b = scheduler(64);
    const [na, nb] = await Promise.all([a.s.drain(), b.s.drain()]);
    expect(na + nb).toBe(500);
    const jobs = await queue.getJobs(['prioritized', 'waiting']);
    expect(jobs).toHaveLength(500);
    expect(new Set(jobs.map((j) => refreshPayloadSchema.parse(j.data).chatId))).toEqual(new Set(ids));
    expect(jobs.every((j) => j.opts.priority === 1000)).toBe(true);
    await Promise.all([a.producer.close(), b.producer.close()]);
  });

  it('does not queue a second job for a row whose job is still waiting', async () => {
    await queue.obliterate({ force: true });
    const [id] = await seedRows(1);
    const { s, producer } = scheduler(10);
    expect(await s.drain()).toBe(1);
    await markStale(t.db, { chatId: id!, branch: 'again', remoteOrigin: 'https://github.com/o/r' });
    expect(await s.drain()).toBe(1);
    expect(await queue.getJobCountByTypes('prioritized', 'waiting')).toBe(1);
    await producer.close();
  });

  it('keeps every secret out of Redis: a job names its chat and version, nothing else', async () => {
    await queue.obliterate({ force: true });
    await seedRows(3, 'ghp_should_never_be_here');
    const { s, producer } = scheduler(10);
    await s.drain();
    const [job] = await queue.getJobs(['prioritized']);
    const payload = refreshPayloadSchema.parse(job!.data);
    expect(Object.keys(job!.data as object).sort()).toEqual(['chatId', 'generation']);
    const everything = await r.dump();
    expect(everything).toContain(payload.chatId);
    expect(everything).not.toContain('ghp_should_never_be_here');
    await producer.close();
  });

  it('enqueues the rest of a batch when one row cannot make a valid payload, and says which row and why', async () => {
    await queue.obliterate({ force: true });
    const ids = await seedRows(5);
    await t.db.execute(sql`update chat_diff_statuses set generation = -1 where chat_id = ${ids[2]!}`);
    const { log, lines } = recordingLogger();
    const { s, producer } = scheduler(10, log);
    expect(await s.drain()).toBe(4);
    const jobs = await queue.getJobs(['prioritized']);
    expect(new Set(jobs.map((j) => refreshPayloadSchema.parse(j.data).chatId))).toEqual(
      new Set(ids.filter((_, i) => i !== 2)),
    );
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, chatId: ids[2], reason: expect.stringMatching(/generation/) as string }),
    ]);
    await producer.close();
  });

  it('fails the drain, not the process, when Redis refuses a batch while the next one is claimed', async () => {
    await seedRows(600);
    // Claims of 200 rows take longer than a refused addBulk: it fails while the next claim runs.
    const env = { DATABASE_URL: t.url, REDIS_URL: r.url, PREFIX: r.prefix, BATCH: '200' };
    const run = spawnNode('packages/schedule-engine/test/fixtures/drain-redis-down.ts', env, 'drain');
    try {
      expect({ code: await run.exited, output: run.output().trim() }).toEqual({
        code: 0,
        output: expect.stringMatching(/^drain failed: /) as string,
      });
    } finally {
      run.kill('SIGKILL');
      // The claimed rows keep their lease; the rest must not be due for the tests that follow.
      await t.db.execute(sql`update chat_diff_statuses set stale_at = now() + interval '1 hour'`);
    }
  });

  it('wakes at once instead of waiting for its interval', async () => {
    await queue.obliterate({ force: true });
    const { s, producer } = scheduler(10);
    const drains = jest.spyOn(s, 'drain');
    s.start();
    try {
      // The first drain (at start) is over before the rows exist: only wake() can enqueue them.
      // (It enqueued nothing: its count is 0, so wait for the drain itself, not for its count.)
      await waitFor(async () => {
        const first = drains.mock.results[0];
        return first !== undefined && (await (first.value as Promise<number>)) >= 0;
      });
      await seedRows(2);
      s.wake();
      await waitFor(async () => (await queue.getJobCountByTypes('prioritized')) === 2 || undefined, {
        timeoutMs: 5_000,
      });
    } finally {
      await s.stop();
      await producer.close();
    }
  });

  it('stops claiming at maxQueued waiting jobs; the rest stay due in Postgres until workers make room', async () => {
    await queue.obliterate({ force: true });
    const ids = await seedRows(250);
    const { s, producer } = scheduler(64, logger, 100);
    expect(await s.drain()).toBe(100);
    expect(await queue.getJobCountByTypes('prioritized', 'waiting')).toBe(100);
    const leased = await t.db.execute<{ n: string }>(
      sql`select count(*) as n from chat_diff_statuses where leased_until is not null and chat_id in ${ids}`,
    );
    expect(Number(leased.rows[0]!.n)).toBe(100);
    // Workers took 60 jobs: that much room, and no more, is filled.
    for (const job of (await queue.getJobs(['prioritized'])).slice(0, 60)) await job.remove();
    expect(await s.drain()).toBe(60);
    expect(await queue.getJobCountByTypes('prioritized', 'waiting')).toBe(100);
    await producer.close();
    await t.db.execute(sql`update chat_diff_statuses set stale_at = now() + interval '1 day' where chat_id in ${ids}`);
  });
});
