import { appNodeFlags } from '@gitsync/config';
import { RefreshProducer } from '@gitsync/queue';
import { createRedis } from '@gitsync/redis';
import { waitForOutput } from '@gitsync/testing';
import { enqueueAll, fakePayloads } from './ceiling.js';
import { round } from './cpu.js';
import type { MemoryFigures } from './figures.js';
import { rssBytes } from './procs.js';
import { deletePrefix, type Bench } from './setup.js';
import { deadlineMs, waitQueueEmpty } from './wait.js';

/** Jobs queued ahead of the worker at most: Redis need not hold all 200,000 at once. */
const AHEAD = 20_000;

/**
 * Runs `flatJobs` no-op jobs through one worker process (the ceiling's, so a few minutes are
 * enough for 200,000) and reads its RSS after the first tenth and at the end: a leak per job
 * shows as growth between the two.
 */
export async function measureFlatness(bench: Bench, concurrency: number): Promise<MemoryFigures['flat']> {
  const total = bench.options.flatJobs;
  const first = Math.max(1, Math.round(total / 10));
  const prefix = `${bench.prefix}-flat`;
  const env = {
    REDIS_URL: bench.redisUrl,
    GITSYNC_QUEUE_PREFIX: prefix,
    GITSYNC_WORKER_CONCURRENCY: String(concurrency),
  };
  const worker = await bench.processes.script(
    'apps/bench/src/noop-worker.ts',
    env,
    'noop-flat',
    'noop worker started',
    [...appNodeFlags.worker, '--expose-gc'],
  );
  const connection = createRedis(bench.redisUrl, 'producer');
  const producer = new RefreshProducer({ connection, prefix });
  // Read once the worker is idle again and has run a full collection, so both readings hold what it
  // keeps, not garbage a later collection would free (report.ts says why).
  let collections = 0;
  const settledRss = async () => {
    worker.child.kill('SIGUSR2');
    await waitForOutput(worker, `collected ${++collections}`);
    return rssBytes(worker.child.pid);
  };
  try {
    const started = performance.now();
    const rssAtBytes: MemoryFigures['flat']['rssAtBytes'] = [];
    let done = 0;
    for (const until of [first, total]) {
      while (done < until) {
        const n = Math.min(AHEAD, until - done);
        await enqueueAll(producer, fakePayloads(n));
        await waitQueueEmpty(producer.queue, deadlineMs(n), 'memory flatness');
        done += n;
      }
      rssAtBytes.push({ jobs: done, rssBytes: await settledRss() });
    }
    const [a, b] = rssAtBytes.map((r) => r.rssBytes);
    const growth = a && b ? round(b / a - 1, 3) : null;
    const seconds = round((performance.now() - started) / 1000, 1);
    console.log(
      `[bench] memory: noop worker RSS ${rssAtBytes.map((r) => `${r.jobs} jobs ${mib(r.rssBytes)}`).join(' → ')}`,
    );
    return { worker: 'noop (apps/bench/src/noop-worker.ts)', jobs: total, rssAtBytes, growth, seconds };
  } finally {
    await bench.processes.stop([worker]);
    await producer.close();
    connection.disconnect();
    await deletePrefix(bench.redis, prefix);
  }
}

export const mib = (bytes: number | null): string => (bytes === null ? 'n/a' : `${round(bytes / 1024 / 1024, 1)} MiB`);
