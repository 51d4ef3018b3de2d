import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { RedisConnection } from '@gitsync/redis';
import { describePayloadError, jobCatalog, type JobName, type JobPayload } from './catalog.js';
import { doneChannel, type DoneMessage } from './done.js';
import { catalogWorkerOptions } from './job-options.js';

export type JobHandler<N extends JobName, R = unknown> = (payload: JobPayload<N>, job: Job) => Promise<R>;

export interface QueueWorkerOptions {
  connection: RedisConnection;
  prefix?: string;
  concurrency: number;
  /** Extra BullMQ worker settings (stalled-job checks, lock duration…). */
  worker?: Partial<WorkerOptions>;
}

/**
 * A BullMQ worker for one job name of the catalog. The payload is validated before the handler
 * sees it; an invalid one fails at once (retrying cannot fix it) with the fields named. Every job's
 * end (completed, or failed for good) is announced to its waiters (done.ts).
 */
export function createQueueWorker<N extends JobName, R>(
  name: N,
  handler: JobHandler<N, R>,
  options: QueueWorkerOptions,
): Worker {
  const definition = jobCatalog[name];
  const catalog = catalogWorkerOptions(name);
  const prefix = options.prefix ?? 'gitsync';
  const worker = new Worker(
    definition.queue,
    async (job: Job) => {
      const parsed = definition.payload.safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError(`invalid ${name} payload: ${describePayloadError(parsed.error)}`);
      return handler(parsed.data as JobPayload<N>, job);
    },
    {
      connection: options.connection,
      prefix,
      concurrency: options.concurrency,
      ...catalog,
      ...options.worker,
      settings: { ...catalog.settings, ...options.worker?.settings },
    },
  );
  const announce = (job: Job, message: DoneMessage) => {
    // The payload was validated before the handler ran; only a malformed one (failed) may lack its key.
    const key: unknown = definition.waitKey((job.data ?? {}) as JobPayload<N>);
    if (typeof key !== 'string' || key === '') return;
    const channel = doneChannel(prefix, definition.queue, key);
    // A lost announcement costs its waiter the rest of its wait, then a look at the job's state.
    options.connection.publish(channel, JSON.stringify(message)).catch(() => undefined);
  };
  worker.on('completed', (job, returnValue) =>
    announce(job, { jobId: String(job.id), state: 'completed', returnValue }),
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    // A failed attempt that will be retried is not the end.
    void job.getState().then(
      (state) =>
        state === 'failed' &&
        announce(job, { jobId: String(job.id), state: 'failed', reason: job.failedReason ?? err.message }),
      () => undefined,
    );
  });
  return worker;
}
