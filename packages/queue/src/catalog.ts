import type { BackoffOptions, KeepJobs } from 'bullmq';
import { z } from 'zod';

/**
 * A refresh job points at a row; it carries no data of it. The worker reads the row (owner,
 * branch, origin, url, ETags) from Postgres when the job runs, so nothing in Redis can speak for a
 * user, and the payload reads plainly in Bull Board. Unknown fields are dropped, not trusted: an
 * `ownerId` written into a job by hand changes nothing.
 */
export const refreshPayloadSchema = z.object({
  chatId: z.uuid(),
  /** The row's version (bumped by every report) when the job was queued; the worker reads the current one. */
  generation: z.number().int().nonnegative(),
});
export type RefreshPayload = z.infer<typeof refreshPayloadSchema>;

/**
 * BullMQ runs jobs without a priority before every prioritized one, so background jobs carry a
 * priority too: on-demand and webhook refreshes (1) overtake any backlog (1000).
 */
export const PRIORITY = { onDemand: 1, background: 1000 } as const;

interface JobDefinition<S extends z.ZodType> {
  queue: string;
  payload: S;
  /** Retries of a job whose handler threw; the backoff is applied by our workers (job-options.ts). */
  retry: { attempts: number; backoff: BackoffOptions };
  /** How long finished jobs are kept; applied by our workers, not stored with each job (job-options.ts). */
  retention: { removeOnComplete: KeepJobs; removeOnFail: KeepJobs };
  /** What a waiter waits on (done.ts): the end of any job with the same key answers it. */
  waitKey(payload: z.infer<S>): string;
}

/**
 * One entry per job name: its queue, payload schema and retry settings. Payloads are
 * validated where they enter (the producer) and where they are used (the worker).
 */
export const jobCatalog = {
  'refresh-diff-status': {
    queue: 'diff-status-refresh',
    payload: refreshPayloadSchema,
    // One job per chat at a time (deduplication): whichever ends next is the refresh asked for.
    waitKey: (payload: RefreshPayload) => payload.chatId,
    // Row-level outcomes (no token, provider errors…) complete the job and live in Postgres;
    // only infrastructure failures (Postgres down) throw, and those deserve a few retries.
    retry: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } },
    retention: {
      // Removed at once: a refresh's result lives in Postgres.
      removeOnComplete: { count: 0 },
      // Failed jobs stay inspectable in Bull Board. They never block the row: deduplication
      // (not a fixed job id) is released when a job fails, and the row's lease brings it back.
      removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
    },
  },
} satisfies Record<string, JobDefinition<z.ZodType>>;

export type JobName = keyof typeof jobCatalog;
export type JobPayload<N extends JobName> = z.infer<(typeof jobCatalog)[N]['payload']>;

/** Every queue of the system, for Bull Board, metrics and cleanup. */
export const queueNames = [...new Set(Object.values(jobCatalog).map((d) => d.queue))];

/** Names the fields that were wrong, e.g. `chatId: Invalid UUID; branch: Too small`. */
export function describePayloadError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
}
