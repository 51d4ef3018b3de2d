import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { describePayloadError, jobCatalog, type JobName, type JobPayload } from './catalog.js';

export type JobHandler<N extends JobName, R = unknown> = (payload: JobPayload<N>, job: Job) => Promise<R>;

export interface QueueWorkerOptions {
  connection: Redis;
  prefix?: string;
  concurrency: number;
  /** Extra BullMQ worker settings (stalled-job checks, lock duration…). */
  worker?: Partial<WorkerOptions>;
}

/**
 * A BullMQ worker for one job name of the catalog. The payload is validated before the handler
 * sees it; an invalid one fails at once (retrying cannot fix it) with the fields named.
 */
export function createQueueWorker<N extends JobName, R>(
  name: N,
  handler: JobHandler<N, R>,
  options: QueueWorkerOptions,
): Worker {
  const definition = jobCatalog[name];
  return new Worker(
    definition.queue,
    async (job: Job) => {
      const parsed = definition.payload.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid ${name} payload: ${describePayloadError(parsed.error)}`);
      return handler(parsed.data as JobPayload<N>, job);
    },
    {
      connection: options.connection,
      prefix: options.prefix ?? 'gitsync',
      concurrency: options.concurrency,
      ...options.worker,
    },
  );
}
