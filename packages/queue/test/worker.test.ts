import { randomUUID } from 'node:crypto';
import { type Job } from 'bullmq';
import { waitFor } from '@gitsync/testing';
import { jobCatalog, PRIORITY, type RefreshPayload } from '../src/catalog.js';
import { payload, useQueueBed } from './bed.js';

/**
 * What the worker side promises now that jobs store only part of their options: handlers and
 * listeners see the payload, retries still back off, finished jobs are removed or kept as the
 * catalog says, and jobs queued by earlier versions still run.
 */
const bed = useQueueBed();

const jobOf = async (chatId: string) =>
  (await bed.producer.queue.getJob((await bed.producer.queue.getDeduplicationJobId(chatId))!))!;

describe('createQueueWorker', () => {
  it(
    'hands the handler and every listener the payload the bed.producer was given; ' + 'completed jobs are removed',
    async () => {
      const p = payload();
      const seen: Record<string, unknown> = {};
      const worker = bed.startWorker(async (got) => void (seen.handler = got));
      worker.on('active', (job: Job<RefreshPayload>) => (seen.active = job.data));
      worker.on('completed', (job: Job<RefreshPayload>) => (seen.completed = job.data));
      await bed.producer.enqueueBackground([p]);
      const id = (await bed.producer.queue.getDeduplicationJobId(p.chatId))!;
      await waitFor(() => seen.completed);
      expect(seen).toEqual({ handler: p, active: p, completed: p });
      await waitFor(async () => (await bed.producer.queue.getJobState(id)) === 'unknown');
    },
  );

  it('retries a job whose handler threw with the catalog’s exponential backoff, then keeps it failed', async () => {
    const p = payload();
    const { attempts, backoff } = jobCatalog['refresh-diff-status'].retry;
    const failures: RefreshPayload[] = [];
    bed.startWorker(async (got) => {
      failures.push(got);
      throw new Error('postgres is away');
    });
    await bed.producer.enqueueBackground([p]);
    const job = await jobOf(p.chatId);
    for (let attempt = 1; attempt < attempts; attempt++) {
      await waitFor(async () => (await job.getState()) === 'delayed' && failures.length === attempt);
      const delayed = (await bed.producer.queue.getJob(job.id!))!;
      expect(delayed.delay).toBe(backoff.delay! * 2 ** (attempt - 1));
      // No need to sit out the delay: the retry is what is under test.
      await delayed.promote();
    }
    await waitFor(async () => (await job.getState()) === 'failed');
    const failed = (await bed.producer.queue.getJob(job.id!))!;
    expect({ attemptsMade: failed.attemptsMade, reason: failed.failedReason }).toEqual({
      attemptsMade: attempts,
      reason: 'postgres is away',
    });
    expect(failures).toEqual(Array.from({ length: attempts }, () => p));
  });

  it('fails a malformed job at once, naming the fields', async () => {
    const handled: RefreshPayload[] = [];
    bed.startWorker(async (got) => void handled.push(got));
    const { queue } = bed.producer;
    const job = await queue.add(
      'refresh-diff-status',
      { chatId: 'not-a-uuid' },
      { attempts: 5, priority: PRIORITY.background },
    );
    await waitFor(async () => (await job.getState()) === 'failed');
    const failed = (await queue.getJob(job.id!))!;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/^invalid refresh-diff-status payload: chatId: .*generation: /);
    expect(handled).toEqual([]);
  });

  it(
    'runs jobs queued by earlier versions: row data in the payload (ignored), ' + 'every option stored with the job',
    async () => {
      const p = payload();
      const handled: RefreshPayload[] = [];
      bed.startWorker(async (got) => void handled.push(got));
      const old = {
        ...p,
        ownerId: randomUUID(),
        branch: 'feat/x',
        remoteOrigin: 'https://github.com/o/r.git',
        url: null,
        pullEtag: null,
      };
      await bed.producer.queue.add('refresh-diff-status', old, {
        attempts: 5,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
        priority: PRIORITY.background,
        deduplication: { id: p.chatId },
      });
      await waitFor(() => handled.length === 1);
      expect(handled).toEqual([p]);
    },
  );
});

describe('RefreshProducer.enqueueBackground', () => {
  it('queues the valid payloads of a batch and hands back the invalid ones with the reason', async () => {
    const good = [payload(), payload()];
    const bad = payload({ generation: -1 });
    const { rejected } = await bed.producer.enqueueBackground([good[0]!, bad, good[1]!]);
    expect(rejected).toEqual([
      { chatId: bad.chatId, reason: expect.stringMatching(/^invalid refresh payload: generation: /) as string },
    ]);
    expect(await bed.producer.queue.getJobCountByTypes('prioritized')).toBe(2);
    expect(await bed.producer.queue.getDeduplicationJobId(bad.chatId)).toBeFalsy();
  });
});
