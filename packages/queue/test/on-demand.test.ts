import { UnrecoverableError } from 'bullmq';
import { EventHub } from '@gitsync/events';
import { waitFor } from '@gitsync/testing';
import { PRIORITY } from '../src/catalog.js';
import { JobCompletions } from '../src/completion.js';
import { doneChannel } from '../src/done.js';
import { createRedis } from '@gitsync/redis';
import { payload, useQueueBed } from './bed.js';

const bed = useQueueBed();
let hub: EventHub;
let completions: JobCompletions;
beforeEach(() => {
  hub = new EventHub(() => createRedis(bed.r.url, 'worker'));
  completions = new JobCompletions({
    queue: bed.producer.queue,
    listen: (channel, listener) => hub.listen({ channel }, listener),
  });
});
afterEach(() => hub.close());

describe('RefreshProducer.enqueueOnDemand', () => {
  it('adds a job ahead of the background ones', async () => {
    await bed.producer.enqueueBackground([payload(), payload()]);
    const job = await bed.producer.enqueueOnDemand(payload());
    expect(job.promoted).toBe(false);
    const prioritized = await bed.producer.queue.getJobs(['prioritized']);
    expect(prioritized.find((j) => j.id === job.id)?.priority).toBe(PRIORITY.onDemand);
    const order: string[] = [];
    bed.startWorker(async (p) => void order.push(p.chatId));
    await waitFor(() => order.length === 3);
    const first = await bed.producer.queue.getJob(job.id);
    expect(first).toBeUndefined(); // removed on completion
    expect(order[0]).toBe((prioritized.find((j) => j.id === job.id)!.data as { chatId: string }).chatId);
  });

  it('promotes the queued background job of the chat instead of adding a second one', async () => {
    const target = payload({ generation: 3 });
    await bed.producer.enqueueBackground([payload(), payload(), target, payload()]);
    const backgroundId = await bed.producer.queue.getDeduplicationJobId(target.chatId);
    const job = await bed.producer.enqueueOnDemand({ ...target, generation: 4 });
    expect(job).toEqual({ id: backgroundId, promoted: true, running: false });
    expect(await bed.producer.queue.getJobCounts('prioritized')).toEqual({ prioritized: 4 });
    const promoted = await bed.producer.queue.getJob(job.id);
    expect(promoted?.priority).toBe(PRIORITY.onDemand);
    // Its payload is a pointer: the worker reads the newer report from the row when it runs.
    expect(promoted!.data).toEqual({ chatId: target.chatId, generation: 3 });
    // A second on-demand request for the same chat joins the same job.
    expect(await bed.producer.enqueueOnDemand({ ...target, generation: 4 })).toEqual({
      id: backgroundId,
      promoted: false,
      running: false,
    });

    const order: string[] = [];
    bed.startWorker(async (p) => void order.push(p.chatId));
    await waitFor(() => order.length === 4);
    expect(order[0]).toBe(target.chatId);
  });

  it('runs a request that joined a running job again after it, once however many joined', async () => {
    const target = payload();
    let finish: () => void = () => undefined;
    const started: string[] = [];
    bed.startWorker(async (p) => {
      started.push(p.chatId);
      if (started.length === 1) await new Promise<void>((resolve) => (finish = resolve));
    });
    await bed.producer.enqueueBackground([target]);
    await waitFor(() => started.includes(target.chatId), { message: 'the background job running' });
    const backgroundId = await bed.producer.queue.getDeduplicationJobId(target.chatId);
    // It may have read the provider before the change the request is about: the request is kept.
    expect(await bed.producer.enqueueOnDemand(target)).toEqual({ id: backgroundId, promoted: false, running: true });
    expect(await bed.producer.enqueueOnDemand(target)).toEqual({ id: backgroundId, promoted: false, running: true });
    expect(await bed.producer.followUp(target.chatId, backgroundId!)).toBeNull(); // not yet: it has not ended
    finish();
    await waitFor(async () => (await bed.producer.queue.getDeduplicationJobId(target.chatId)) === null, {
      message: 'the running job and its follow-up ended',
    });
    expect(started).toEqual([target.chatId, target.chatId]);
    expect(await bed.producer.followUp(target.chatId, backgroundId!)).toBeNull(); // the follow-up is over too

    // Once they ended, a request gets a job of its own, not running when added even if a worker
    // takes it at once.
    const fresh = await bed.producer.enqueueOnDemand(target);
    expect(fresh.id).not.toBe(backgroundId);
    expect(fresh).toMatchObject({ promoted: false, running: false });
    await waitFor(() => started.length === 3, { message: 'the fresh job run' });
  });

  it('names the follow-up job once the running one ended', async () => {
    const target = payload();
    const release: Array<() => void> = [];
    const started: string[] = [];
    bed.startWorker(async (p) => {
      started.push(p.chatId);
      await new Promise<void>((resolve) => release.push(resolve));
    });
    await bed.producer.enqueueBackground([target]);
    await waitFor(() => started.length === 1, { message: 'the background job running' });
    const first = (await bed.producer.queue.getDeduplicationJobId(target.chatId))!;
    const joined = await bed.producer.enqueueOnDemand(target);
    expect(joined).toMatchObject({ id: first, running: true });
    release.shift()!();
    await waitFor(() => started.length === 2, { message: 'the follow-up running' });
    const next = await bed.producer.followUp(target.chatId, first);
    expect(next).not.toBeNull();
    expect(next!.id).not.toBe(first);
    const job = await bed.producer.queue.getJob(next!.id);
    expect(job?.priority).toBe(PRIORITY.onDemand);
    release.shift()!();
  });
});

describe('JobCompletions', () => {
  it('answers the return value of a completed job', async () => {
    bed.startWorker(async (p) => ({ outcome: 'refreshed', chatId: p.chatId }));
    const p = payload();
    expect(await completions.run(p.chatId, () => bed.producer.enqueueOnDemand(p), 10_000)).toEqual({
      state: 'completed',
      returnValue: { outcome: 'refreshed', chatId: p.chatId },
    });
  });

  it('answers pending when the wait runs out, failed when the job failed', async () => {
    const waiting = payload();
    expect(await completions.run(waiting.chatId, () => bed.producer.enqueueOnDemand(waiting), 100)).toEqual({
      state: 'pending',
    });

    bed.startWorker(async (p) => {
      throw new UnrecoverableError(`cannot refresh ${p.chatId}`);
    });
    // The first job fails too once the worker runs; wait for the second one we add.
    const failing = payload();
    expect(await completions.run(failing.chatId, () => bed.producer.enqueueOnDemand(failing), 10_000)).toEqual({
      state: 'failed',
      reason: `cannot refresh ${failing.chatId}`,
    });
  });

  it('sees a job that finished before enqueue returned', async () => {
    // A worker so fast that the job is done (and removed) before the bed.producer's second round trip.
    bed.startWorker(async () => ({ outcome: 'refreshed' }));
    for (let i = 0; i < 20; i++) {
      const p = payload();
      const completion = await completions.run(
        p.chatId,
        async () => {
          const job = await bed.producer.enqueueOnDemand(p);
          await waitFor(async () => (await bed.producer.queue.getJobState(job.id)) === 'unknown');
          return job;
        },
        5_000,
      );
      expect(completion).toEqual({ state: 'completed', returnValue: { outcome: 'refreshed' } });
    }
  });

  it('hears only the ends of its own key, and not a failed attempt that will be retried', async () => {
    const tries = new Map<string, number>();
    const flaky = payload();
    bed.startWorker(async (p) => {
      const n = (tries.get(p.chatId) ?? 0) + 1;
      tries.set(p.chatId, n);
      if (p.chatId === flaky.chatId && n === 1) throw new Error('transient');
      return { outcome: 'refreshed', chatId: p.chatId, try: n };
    });
    const others = [payload(), payload(), payload()];
    const completion = await completions.run(
      flaky.chatId,
      async () => {
        await bed.producer.enqueueBackground(others);
        return bed.producer.enqueueOnDemand(flaky);
      },
      10_000,
    );
    expect(completion).toEqual({
      state: 'completed',
      returnValue: { outcome: 'refreshed', chatId: flaky.chatId, try: 2 },
    });
  });

  it('does not take the end of another job of its key (one that ran before the request) for its own', async () => {
    const p = payload();
    const channel = doneChannel(bed.r.prefix, bed.producer.queue.name, p.chatId);
    const earlier = JSON.stringify({ jobId: 'an-earlier-job', state: 'completed', returnValue: { stale: true } });
    bed.startWorker(async () => ({ outcome: 'refreshed', fresh: true }));
    const completion = await completions.run(
      p.chatId,
      async () => {
        // Heard before the enqueue returns, and again after: neither is this request's job.
        await bed.r.client.publish(channel, earlier);
        const job = await bed.producer.enqueueOnDemand(p);
        await bed.r.client.publish(channel, earlier);
        return job;
      },
      10_000,
    );
    expect(completion).toEqual({ state: 'completed', returnValue: { outcome: 'refreshed', fresh: true } });
  });
});
