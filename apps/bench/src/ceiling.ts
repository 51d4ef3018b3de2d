import { appNodeFlags } from '@gitsync/config';
import { randomUUID } from 'node:crypto';
import { RefreshProducer, type RefreshPayload } from '@gitsync/queue';
import { createRedis } from '@gitsync/redis';
import { round } from './cpu.js';
import { redisCalls, redisCallsBetween } from './probes.js';
import type { CeilingFigure } from './figures.js';
import { deletePrefix, type Bench } from './setup.js';
import { deadlineMs, waitQueueEmpty } from './wait.js';

/** The scheduler's claim batch: jobs go to Redis in addBulk calls of this size, as the scheduler sends them. */
const BULK = 1000;

/** Job payloads, each for a chat of its own (a job names its chat; the no-op worker reads nothing). */
export function fakePayloads(n: number): RefreshPayload[] {
  return Array.from({ length: n }, () => ({ chatId: randomUUID(), generation: 1 }));
}

/** Enqueues `payloads` in addBulk calls of BULK with the real producer (background priority, deduplication). */
export async function enqueueAll(producer: RefreshProducer, payloads: RefreshPayload[]): Promise<void> {
  for (let i = 0; i < payloads.length; i += BULK) await producer.enqueueBackground(payloads.slice(i, i + BULK));
}

/**
 * BullMQ's own limit on this machine: `workers` no-op worker processes with the real worker's
 * concurrency and settings drain `jobs` jobs, enqueued (as the scheduler enqueues them) into the
 * paused queue. Timed from the resume to the queue found empty.
 */
export async function measureCeiling(bench: Bench, workers: number, concurrency: number): Promise<CeilingFigure> {
  const prefix = `${bench.prefix}-noop${workers}`;
  const jobs = bench.options.rows;
  const env = {
    REDIS_URL: bench.redisUrl,
    GITSYNC_QUEUE_PREFIX: prefix,
    GITSYNC_WORKER_CONCURRENCY: String(concurrency),
    LOG_LEVEL: 'info',
  };
  const apps = await Promise.all(
    Array.from({ length: workers }, (_, i) =>
      bench.processes.script('apps/bench/src/noop-worker.ts', env, `noop${workers}.${i + 1}`, 'noop worker started', [
        ...appNodeFlags.worker,
      ]),
    ),
  );
  const connection = createRedis(bench.redisUrl, 'producer');
  const producer = new RefreshProducer({ connection, prefix });
  try {
    const payloads = fakePayloads(jobs);
    // Queued first, then released at once: the ceiling is what the workers can drain, not what one
    // producer can feed.
    await producer.queue.pause();
    const callsBefore = await redisCalls(bench);
    const queued = performance.now();
    await enqueueAll(producer, payloads);
    const enqueueSeconds = (performance.now() - queued) / 1000;
    const started = performance.now();
    await producer.queue.resume();
    const done = await waitQueueEmpty(producer.queue, deadlineMs(jobs), 'ceiling');
    const seconds = (done - started) / 1000;
    const calls = redisCallsBetween(callsBefore, await redisCalls(bench));
    const failed = await producer.queue.getJobCountByTypes('failed');
    if (failed > 0) throw new Error(`ceiling: ${failed} no-op jobs failed`);
    const figure: CeilingFigure = {
      workers,
      concurrency,
      jobs,
      seconds: round(seconds, 2),
      jobsPerSec: round(jobs / seconds),
      enqueuePerSec: round(jobs / enqueueSeconds),
      redisCommandsPerJob: round(calls / jobs, 2),
    };
    console.log(
      `[bench] ceiling ${workers}w x ${concurrency}: ${jobs} no-op jobs in ${figure.seconds}s ` +
        `= ${figure.jobsPerSec}/s (queued at ${figure.enqueuePerSec}/s), redis ${figure.redisCommandsPerJob} cmd/job`,
    );
    return figure;
  } finally {
    await bench.processes.stop(apps);
    await producer.close();
    connection.disconnect();
    await deletePrefix(bench.redis, prefix);
  }
}
