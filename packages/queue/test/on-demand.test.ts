import { randomUUID } from 'node:crypto';
import { UnrecoverableError, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createTestRedis, waitFor, type TestRedis } from '@gitsync/testing';
import { PRIORITY, type RefreshPayload } from '../src/catalog.js';
import { JobCompletions } from '../src/completion.js';
import { createRedis } from '../src/connection.js';
import { queuedRefreshPayload, RefreshProducer } from '../src/producer.js';
import { createQueueWorker } from '../src/worker.js';

let r: TestRedis;
let connection: Redis;
let producer: RefreshProducer;
let completions: JobCompletions;
const workers: Array<{ worker: Worker; connection: Redis }> = [];

const payload = (overrides: Partial<RefreshPayload> = {}): RefreshPayload => ({
  chatId: randomUUID(),
  ownerId: randomUUID(),
  branch: 'b',
  remoteOrigin: 'https://github.com/a/b.git',
  url: null,
  generation: 0,
  pullEtag: null,
  reviewsEtag: null,
  markedStaleAt: null,
  ...overrides,
});

beforeEach(async () => {
  r = await createTestRedis();
  connection = createRedis(r.url, 'producer');
  producer = new RefreshProducer({ connection, prefix: r.prefix });
  completions = new JobCompletions({ queue: producer.queue, connect: () => createRedis(r.url, 'worker') });
});
afterEach(async () => {
  for (const { worker, connection: c } of workers.splice(0)) {
    await worker.close();
    c.disconnect();
  }
  await completions.close();
  await producer.close();
  connection.disconnect();
  await r.cleanup();
});

/** A worker on the test's prefix that runs `handler` for each refresh job. */
function startWorker(handler: (p: RefreshPayload) => Promise<unknown>): Worker {
  const c = createRedis(r.url, 'worker');
  const worker = createQueueWorker('refresh-diff-status', handler, { connection: c, prefix: r.prefix, concurrency: 1 });
  workers.push({ worker, connection: c });
  return worker;
}

describe('RefreshProducer.enqueueOnDemand', () => {
  it('adds a job ahead of the background ones', async () => {
    await producer.enqueueBackground([payload(), payload()]);
    const job = await producer.enqueueOnDemand(payload());
    expect(job.promoted).toBe(false);
    const prioritized = await producer.queue.getJobs(['prioritized']);
    expect(prioritized.find((j) => j.id === job.id)?.priority).toBe(PRIORITY.onDemand);
    const order: string[] = [];
    startWorker(async (p) => void order.push(p.chatId));
    await waitFor(() => order.length === 3);
    const first = await producer.queue.getJob(job.id);
    expect(first).toBeUndefined(); // removed on completion
    expect(order[0]).toBe(queuedRefreshPayload(prioritized.find((j) => j.id === job.id)!).chatId);
  });

  it('promotes the queued background job of the chat instead of adding a second one', async () => {
    const target = payload({ generation: 3 });
    await producer.enqueueBackground([payload(), payload(), target, payload()]);
    const backgroundId = await producer.queue.getDeduplicationJobId(target.chatId);
    const job = await producer.enqueueOnDemand({ ...target, generation: 4 });
    expect(job).toEqual({ id: backgroundId, promoted: true });
    expect(await producer.queue.getJobCounts('prioritized')).toEqual({ prioritized: 4 });
    const promoted = await producer.queue.getJob(job.id);
    expect(promoted?.priority).toBe(PRIORITY.onDemand);
    // It refreshes the newer report.
    expect(queuedRefreshPayload(promoted!).generation).toBe(4);
    // A second on-demand request for the same chat joins the same job.
    expect(await producer.enqueueOnDemand({ ...target, generation: 4 })).toEqual({ id: backgroundId, promoted: false });

    const order: string[] = [];
    startWorker(async (p) => void order.push(p.chatId));
    await waitFor(() => order.length === 4);
    expect(order[0]).toBe(target.chatId);
  });
});

describe('JobCompletions', () => {
  it('answers the return value of a completed job', async () => {
    startWorker(async (p) => ({ outcome: 'refreshed', chatId: p.chatId }));
    const p = payload();
    expect(await completions.run(p.chatId, () => producer.enqueueOnDemand(p), 10_000)).toEqual({ state: 'completed', returnValue: { outcome: 'refreshed', chatId: p.chatId } });
  });

  it('answers pending when the wait runs out, failed when the job failed', async () => {
    const waiting = payload();
    expect(await completions.run(waiting.chatId, () => producer.enqueueOnDemand(waiting), 100)).toEqual({ state: 'pending' });

    startWorker(async (p) => {
      throw new UnrecoverableError(`cannot refresh ${p.chatId}`);
    });
    // The first job fails too once the worker runs; wait for the second one we add.
    const failing = payload();
    expect(await completions.run(failing.chatId, () => producer.enqueueOnDemand(failing), 10_000)).toEqual({ state: 'failed', reason: `cannot refresh ${failing.chatId}` });
  });

  it('sees a job that finished before enqueue returned', async () => {
    // A worker so fast that the job is done (and removed) before the producer's second round trip.
    startWorker(async () => ({ outcome: 'refreshed' }));
    for (let i = 0; i < 20; i++) {
      const p = payload();
      const completion = await completions.run(p.chatId, async () => {
        const job = await producer.enqueueOnDemand(p);
        await waitFor(async () => (await producer.queue.getJobState(job.id)) === 'unknown');
        return job;
      }, 5_000);
      expect(completion).toEqual({ state: 'completed', returnValue: { outcome: 'refreshed' } });
    }
  });

  it('hears only the ends of its own key, and not a failed attempt that will be retried', async () => {
    const tries = new Map<string, number>();
    startWorker(async (p) => {
      const n = (tries.get(p.chatId) ?? 0) + 1;
      tries.set(p.chatId, n);
      if (p.branch === 'flaky' && n === 1) throw new Error('transient');
      return { outcome: 'refreshed', chatId: p.chatId, try: n };
    });
    const others = [payload(), payload(), payload()];
    const flaky = payload({ branch: 'flaky' });
    const completion = await completions.run(flaky.chatId, async () => {
      await producer.enqueueBackground(others);
      return producer.enqueueOnDemand(flaky);
    }, 10_000);
    expect(completion).toEqual({ state: 'completed', returnValue: { outcome: 'refreshed', chatId: flaky.chatId, try: 2 } });
  });
});
