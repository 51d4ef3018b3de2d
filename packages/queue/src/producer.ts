import { randomUUID } from 'node:crypto';
import { Job, Queue, type JobsOptions } from 'bullmq';
import type { RedisConnection } from '@gitsync/redis';
import type { z } from 'zod';
import { describePayloadError, jobCatalog, PRIORITY, refreshPayloadSchema, type RefreshPayload } from './catalog.js';
import { storedJobOptions } from './job-options.js';

const NAME = 'refresh-diff-status';
const refresh = jobCatalog[NAME];
const stored = storedJobOptions(NAME);
/** Jobs per Redis transaction of a background batch. */
const ADD_CHUNK = 100;

export interface RefreshProducerOptions {
  connection: RedisConnection;
  /** BullMQ key prefix; tests use one of their own. @defaultValue 'gitsync' */
  prefix?: string;
}

/** The job an on-demand refresh waits for. */
export interface OnDemandJob {
  /** BullMQ job id: a new job, or the one already queued or running for the chat. */
  id: string;
  /** A job for the chat already existed and was promoted instead of adding a second one. */
  promoted: boolean;
  /**
   * That job was already running when asked (or ended before we could tell): what it read of the
   * provider may predate the request. BullMQ keeps the request and starts a follow-up job of the
   * chat when the running one ends (`keepLastIfActive`); a caller who waits for the state as of
   * now waits for `followUp` next.
   */
  running: boolean;
}

/** A payload `enqueueBackground` refused: nothing was queued for it, the others were. */
export interface RejectedPayload {
  chatId: string;
  /** Names the fields that were wrong. */
  reason: string;
}

/** Enqueues refresh jobs; one row never has two jobs waiting or running (deduplicated by chat id). */
export class RefreshProducer {
  readonly queue: Queue;

  constructor(options: RefreshProducerOptions) {
    this.queue = new Queue(refresh.queue, { connection: options.connection, prefix: options.prefix ?? 'gitsync' });
  }

  /**
   * Background refreshes of claimed rows, in one round trip. An invalid payload is left out and
   * returned with the reason, so that one bad row does not hold back the rest of its batch.
   */
  async enqueueBackground(payloads: RefreshPayload[]): Promise<{ rejected: RejectedPayload[] }> {
    const jobs: Array<{ name: typeof NAME; data: RefreshPayload; opts: JobsOptions }> = [];
    const rejected: RejectedPayload[] = [];
    for (const payload of payloads) {
      const parsed = refreshPayloadSchema.safeParse(payload);
      if (parsed.success)
        jobs.push({ name: NAME, data: parsed.data, opts: jobOptions(parsed.data, PRIORITY.background) });
      else rejected.push({ chatId: String(payload.chatId), reason: invalidPayload(parsed.error) });
    }
    // BullMQ adds a bulk in one MULTI, which Redis runs without serving anyone else: 1,000 jobs held
    // every other client (an on-demand refresh) ~30 ms. Transactions of ADD_CHUNK jobs, all sent at
    // once on the one connection, keep the order and let other commands in between.
    const chunks: Array<Promise<unknown>> = [];
    for (let i = 0; i < jobs.length; i += ADD_CHUNK) chunks.push(this.queue.addBulk(jobs.slice(i, i + ADD_CHUNK)));
    await Promise.all(chunks);
    return { rejected };
  }

  /**
   * A refresh somebody is waiting for: it runs before every background job. When the chat already
   * has a job (deduplication id = chat id), `add` hands back that job's id and adds nothing:
   * - a queued job is promoted to the on-demand priority, so the chat still has exactly one job (it
   *   reads the row when it runs, so it refreshes the newest report). Promotion is one atomic
   *   script: a job that became active meanwhile only gets its priority field rewritten.
   * - a running job may have read the provider before the change the caller asks about (a webhook's
   *   merge): BullMQ stores the request and adds it as a job of its own when the running one ends
   *   (`keepLastIfActive`; several requests meanwhile make one follow-up), so no request is lost.
   */
  async enqueueOnDemand(payload: RefreshPayload): Promise<OnDemandJob> {
    const data = validate(payload);
    // An id of our own tells our new job from one the chat already had.
    const ours = randomUUID();
    const added = await this.queue.add(NAME, data, {
      ...jobOptions(data, PRIORITY.onDemand, { keepLastIfActive: true }),
      jobId: ours,
    });
    const id = added.id;
    if (id === undefined) throw new Error('BullMQ returned a job without an id');
    if (id === ours) return { id, promoted: false, running: false };
    const job = await Job.fromId(this.queue, id);
    // Gone already: it ended between the two calls, and it may have been running when we asked
    // (then it left a follow-up): the caller looks for one, as for a running job.
    if (!job) return { id, promoted: false, running: true };
    // Any start counts: comparing it with our clock would compare two machines' clocks, and a job
    // that started just after the add only makes the caller wait for one more job.
    const running = job.processedOn !== undefined;
    if (running || job.priority === PRIORITY.onDemand) return { id, promoted: false, running };

    try {
      await job.changePriority({ priority: PRIORITY.onDemand });
      // A retry waiting out its backoff would not run before its delay, whatever its priority.
      if (await job.isDelayed()) await job.promote();
    } catch (err) {
      // The job finished (and was removed) or left the delayed set while we promoted it: what we
      // wanted happens anyway. A job still stuck in the delayed set is a real failure.
      if ((await this.queue.getJobState(id)) === 'delayed') throw err;
    }
    return { id, promoted: true, running: false };
  }

  /**
   * The job that refreshes the chat after `ended`, which was running when a request joined it:
   * the follow-up BullMQ added when it ended (or any job queued since; all of them read the
   * provider after the request). `null` when the chat has no job any more: the follow-up already
   * finished, or none was needed because `ended` had not yet started when the request came.
   */
  async followUp(chatId: string, ended: string): Promise<{ id: string } | null> {
    const id = await this.queue.getDeduplicationJobId(chatId);
    return id && id !== ended ? { id } : null;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

function jobOptions(
  payload: RefreshPayload,
  priority: number,
  deduplication: { keepLastIfActive?: boolean } = {},
): JobsOptions {
  return { ...stored, priority, deduplication: { id: payload.chatId, ...deduplication } };
}

/** The payload, checked; throws naming the wrong fields. */
function validate(payload: unknown): RefreshPayload {
  const parsed = refreshPayloadSchema.safeParse(payload);
  if (!parsed.success) throw new Error(invalidPayload(parsed.error));
  return parsed.data;
}

const invalidPayload = (error: z.ZodError) => `invalid refresh payload: ${describePayloadError(error)}`;
