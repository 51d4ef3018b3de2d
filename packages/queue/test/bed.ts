import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { createTestRedis, type TestRedis } from '@gitsync/testing';
import type { RefreshPayload } from '../src/catalog.js';
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
  const workers: Worker[] = [];
  const bed = {
    startWorker(handler: (p: RefreshPayload) => Promise<unknown>): Worker {
      const worker = createQueueWorker('refresh-diff-status', handler, {
        connection: bed.r.connect('worker'),
        prefix: bed.r.prefix,
        concurrency: 1,
      });
      workers.push(worker);
      return worker;
    },
  } as QueueBed;
  beforeEach(async () => {
    bed.r = await createTestRedis();
    bed.producer = new RefreshProducer({ connection: bed.r.connect('producer'), prefix: bed.r.prefix });
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close();
    await bed.producer.close();
    await bed.r.cleanup();
  });
  return bed;
}
