import type { BackoffOptions, KeepJobs } from 'bullmq';
import { z } from 'zod';
import { decodeRefreshPayload, encodeRefreshPayload } from './stored-payload.js';

/**
 * Ids, git coordinates and conditional-request validators of one row. Never a token: the
 * worker resolves it from Postgres, so nothing secret ever sits in Redis.
 */
export const refreshPayloadSchema = z.strictObject({
  chatId: z.uuid(),
  ownerId: z.uuid(),
  branch: z.string().min(1),
  remoteOrigin: z.string().min(1),
  url: z.string().nullable(),
  generation: z.number().int().nonnegative(),
  pullEtag: z.string().nullable(),
  reviewsEtag: z.string().nullable(),
  /** ISO time of the agent's last report; drives the short no-PR-yet retry window. */
  markedStaleAt: z.iso.datetime({ offset: true }).nullable(),
});
export type RefreshPayload = z.infer<typeof refreshPayloadSchema>;

/** A row to refresh (claimed by the scheduler, or looked up by the API) as its job's payload. */
export const toRefreshPayload = (row: Omit<RefreshPayload, 'markedStaleAt'> & { markedStaleAt: Date | null }): RefreshPayload => ({
  chatId: row.chatId,
  ownerId: row.ownerId,
  branch: row.branch,
  remoteOrigin: row.remoteOrigin,
  url: row.url,
  generation: row.generation,
  pullEtag: row.pullEtag,
  reviewsEtag: row.reviewsEtag,
  markedStaleAt: row.markedStaleAt?.toISOString() ?? null,
});

/**
 * BullMQ runs jobs without a priority before every prioritized one, so background jobs carry a
 * priority too: on-demand and webhook refreshes (1) overtake any backlog (1000).
 */
export const PRIORITY = { onDemand: 1, background: 1000 } as const;

interface JobDefinition<S extends z.ZodType> {
  queue: string;
  payload: S;
  /**
   * What Redis stores for a payload (`encode`) and back (`decode`, before the schema validates
   * it; it never throws, so a malformed job fails with the schema's message).
   */
  stored: { encode(payload: z.infer<S>): unknown; decode(stored: unknown): unknown };
  /** Retries of a job whose handler threw; the backoff is applied by our workers (job-options.ts). */
  retry: { attempts: number; backoff: BackoffOptions };
  /** How long finished jobs are kept; applied by our workers, not stored with each job (job-options.ts). */
  retention: { removeOnComplete: KeepJobs; removeOnFail: KeepJobs };
  /** What a waiter waits on (done.ts): the end of any job with the same key answers it. */
  waitKey(payload: z.infer<S>): string;
}

/**
 * One entry per job name: its queue, payload schema, stored form and retry settings. Payloads are
 * validated where they enter (the producer) and where they are used (the worker).
 */
export const jobCatalog = {
  'refresh-diff-status': {
    queue: 'diff-status-refresh',
    payload: refreshPayloadSchema,
    stored: { encode: encodeRefreshPayload, decode: decodeRefreshPayload },
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
