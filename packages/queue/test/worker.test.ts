import { randomUUID } from 'node:crypto';
import { Queue, type Job, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createTestRedis, waitFor, type TestRedis } from '@gitsync/testing';
import { jobCatalog, PRIORITY, type RefreshPayload } from '../src/catalog.js';
import { createRedis } from '../src/connection.js';
import { RefreshProducer } from '../src/producer.js';
import { createQueueWorker } from '../src/worker.js';

/**
 * What the worker side promises now that jobs store a compact payload and only part of their
 * options: handlers and listeners see the named payload, retries still back off, finished jobs
 * are removed or kept as the catalog says, and jobs queued the old way still run.
 */
let r: TestRedis;
let connection: Redis;
let producer: RefreshProducer;
const workers: Array<{ worker: Worker; connection: Redis }> = [];

const payload = (overrides: Partial<RefreshPayload> = {}): RefreshPayload => ({
  chatId: randomUUID(),
  ownerId: randomUUID(),
  branch: 'feat/x',
  remoteOrigin: 'https://github.com/o/r.git',
  url: 'https://github.com/o/r/pull/7',
  generation: 2,
  pullEtag: 'W/"p"',
  reviewsEtag: null,
  markedStaleAt: new Date().toISOString(),
  ...overrides,
});

beforeEach(async () => {
  r = await createTestRedis();
  connection = createRedis(r.url, 'producer');
  producer = new RefreshProducer({ connection, prefix: r.prefix });
});
afterEach(async () => {
  for (const { worker, connection: c } of workers.splice(0)) {
    await worker.close();
    c.disconnect();
  }
  await producer.close();
  connection.disconnect();
  await r.cleanup();
});

function startWorker(handler: (p: RefreshPayload) => Promise<unknown>): Worker {
  const c = createRedis(r.url, 'worker');
  const worker = createQueueWorker('refresh-diff-status', handler, { connection: c, prefix: r.prefix, concurrency: 1 });
  workers.push({ worker, connection: c });
  return worker;
}

const jobOf = async (chatId: string) => (await producer.queue.getJob((await producer.queue.getDeduplicationJobId(chatId))!))!;

describe('createQueueWorker', () => {
  it('hands the handler and every listener the payload the producer was given; completed jobs are removed', async () => {
    const p = payload();
    const seen: Record<string, unknown> = {};
    const worker = startWorker(async (got) => void (seen.handler = got));
    worker.on('active', (job: Job<RefreshPayload>) => (seen.active = job.data));
    worker.on('completed', (job: Job<RefreshPayload>) => (seen.completed = job.data));
    await producer.enqueueBackground([p]);
    const id = (await producer.queue.getDeduplicationJobId(p.chatId))!;
    await waitFor(() => seen.completed);
    expect(seen).toEqual({ handler: p, active: p, completed: p });
    await waitFor(async () => (await producer.queue.getJobState(id)) === 'unknown');
  });

  it('retries a job whose handler threw with the catalog’s exponential backoff, then keeps it failed', async () => {
    const p = payload();
    const { attempts, backoff } = jobCatalog['refresh-diff-status'].retry;
    const failures: RefreshPayload[] = [];
    startWorker(async (got) => {
      failures.push(got);
      throw new Error('postgres is away');
    });
    await producer.enqueueBackground([p]);
    const job = await jobOf(p.chatId);
    for (let attempt = 1; attempt < attempts; attempt++) {
      await waitFor(async () => (await job.getState()) === 'delayed' && failures.length === attempt);
      const delayed = (await producer.queue.getJob(job.id!))!;
      expect(delayed.delay).toBe(backoff.delay! * 2 ** (attempt - 1));
      // No need to sit out the delay: the retry is what is under test.
      await delayed.promote();
    }
    await waitFor(async () => (await job.getState()) === 'failed');
    const failed = (await producer.queue.getJob(job.id!))!;
    expect({ attemptsMade: failed.attemptsMade, reason: failed.failedReason }).toEqual({ attemptsMade: attempts, reason: 'postgres is away' });
    expect(failures).toEqual(Array.from({ length: attempts }, () => p));
  });

  it('fails a malformed job at once, naming the fields', async () => {
    const handled: RefreshPayload[] = [];
    startWorker(async (got) => void handled.push(got));
    const queue = new Queue(jobCatalog['refresh-diff-status'].queue, { connection, prefix: r.prefix });
    try {
      const job = await queue.add('refresh-diff-status', [1, 'not-a-uuid'], { attempts: 5, priority: PRIORITY.background });
      await waitFor(async () => (await job.getState()) === 'failed');
      const failed = (await queue.getJob(job.id!))!;
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/^invalid refresh-diff-status payload: chatId: .*ownerId: /);
      expect(handled).toEqual([]);
    } finally {
      await queue.close();
    }
  });

  it('runs jobs queued before the compact form: named payload, every option stored with the job', async () => {
    const p = payload();
    const handled: RefreshPayload[] = [];
    startWorker(async (got) => void handled.push(got));
    const queue = new Queue(jobCatalog['refresh-diff-status'].queue, { connection, prefix: r.prefix });
    try {
      await queue.add('refresh-diff-status', p, {
        attempts: 5,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
        priority: PRIORITY.background,
        deduplication: { id: p.chatId },
      });
      await waitFor(() => handled.length === 1);
      expect(handled).toEqual([p]);
    } finally {
      await queue.close();
    }
  });
});

describe('RefreshProducer.enqueueBackground', () => {
  it('queues the valid payloads of a batch and hands back the invalid ones with the reason', async () => {
    const good = [payload(), payload()];
    const bad = payload({ generation: -1, branch: '' });
    const { rejected } = await producer.enqueueBackground([good[0]!, bad, good[1]!]);
    expect(rejected).toEqual([{ chatId: bad.chatId, reason: expect.stringMatching(/^invalid refresh payload: branch: .*; generation: /) as string }]);
    expect(await producer.queue.getJobCountByTypes('prioritized')).toBe(2);
    expect(await producer.queue.getDeduplicationJobId(bad.chatId)).toBeFalsy();
  });
});
