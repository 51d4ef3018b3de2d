import { Backoffs, type JobsOptions, type WorkerOptions } from 'bullmq';
import { jobCatalog, type JobName } from './catalog.js';

/*
 * BullMQ copies a job's options into the job's hash, once per queued job. Only what BullMQ reads
 * from the job itself is stored there; the rest of the catalog's settings travel with our
 * workers, which cuts the stored options from ~190 to ~100 bytes.
 */

/**
 * The backoff type stored in each job instead of the catalog's type and delay: BullMQ hands a
 * type it does not know to the worker's `backoffStrategy`, which applies the catalog's backoff.
 * One letter because it is stored with every job.
 */
const CATALOG_BACKOFF = 'c';

/** Options stored with each job of `name`: its attempt count (BullMQ reads it from the job) and the backoff marker. */
export function storedJobOptions(name: JobName): Pick<JobsOptions, 'attempts' | 'backoff'> {
  return { attempts: jobCatalog[name].retry.attempts, backoff: { type: CATALOG_BACKOFF } };
}

/**
 * What every worker of `name`'s queue must be given, or its jobs are kept forever and retried
 * without delay: the retention of finished jobs (BullMQ uses the worker's when a job has none of
 * its own), the catalog's retry delays, and how a dead worker's jobs are taken back.
 */
export function catalogWorkerOptions(
  name: JobName,
): Pick<
  WorkerOptions,
  'removeOnComplete' | 'removeOnFail' | 'settings' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'
> {
  const { retention, retry } = jobCatalog[name];
  return {
    // A dead worker's jobs come back after their lock lapses, at the next stalled-job check.
    lockDuration: 30_000,
    stalledInterval: 15_000,
    // …to another worker, several times if need be, rather than failed: the refresh is idempotent
    // and the row's generation guards its write-back.
    maxStalledCount: 5,
    removeOnComplete: retention.removeOnComplete,
    removeOnFail: retention.removeOnFail,
    settings: {
      backoffStrategy: (attemptsMade, type, err, job) =>
        // Jobs queued before the marker existed carry BullMQ's own types and never get here.
        type === CATALOG_BACKOFF && job
          ? (Backoffs.calculate(retry.backoff, attemptsMade, err ?? new Error('retry'), job) ?? 0)
          : 0,
    },
  };
}
