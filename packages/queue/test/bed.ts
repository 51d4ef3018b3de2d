import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import type { RedisConnection } from '@gitsync/redis';
import { createTestRedis, type TestRedis } from '@gitsync/testing';
import type { RefreshPayload } from '../src/catalog.js';
import { createRedis } from '@gitsync/redis';
import { RefreshProducer } from '../src/producer.js';
import { createQueueWorker } from '../src/worker.js';

/** A valid payload; override what a test is about. */
export const payload = (overrides: Partial<RefreshPayload> = {}): RefreshPayload => ({
  chatId: randomUUID(),
  generation: 2,
  ...overrides,
});

export interface QueueBed {
  r: TestRedis;
  producer: RefreshProducer;
  /** A worker on the test's prefix that runs `handler` for each refresh job; closed after the test. */
  startWorker(handler: (p: RefreshPayload) => Promise<unknown>): Worker;
}

/** A Redis prefix, a producer and workers of each test's own (set up and removed around every test). */
export function useQueueBed(): QueueBed {
  let connection: RedisConnection;
  const workers: Array<{ worker: Worker; connection: RedisConnection }> = [];
  const bed = {
    startWorker(handler: (p: RefreshPayload) => Promise<unknown>): Worker {
      const c = createRedis(bed.r.url, 'worker');
      const worker = createQueueWorker('refresh-diff-status', handler, {
        connection: c,
        prefix: bed.r.prefix,
        concurrency: 1,
      });
      workers.push({ worker, connection: c });
      return worker;
    },
  } as QueueBed;
  beforeEach(async () => {
    bed.r = await createTestRedis();
    connection = createRedis(bed.r.url, 'producer');
    bed.producer = new RefreshProducer({ connection, prefix: bed.r.prefix });
  });
  afterEach(async () => {
    for (const { worker, connection: c } of workers.splice(0)) {
      await worker.close();
      c.disconnect();
    }
    await bed.producer.close();
    connection.disconnect();
    await bed.r.cleanup();
  });
  return bed;
}
