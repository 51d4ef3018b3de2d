import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { describePayloadError, jobCatalog, PRIORITY, refreshPayloadSchema, type RefreshPayload } from './catalog.js';

const refresh = jobCatalog['refresh-diff-status'];

export interface RefreshProducerOptions {
  connection: Redis;
  /** BullMQ key prefix; tests use one of their own. @defaultValue 'gitsync' */
  prefix?: string;
}

/** The job an on-demand refresh waits for. */
export interface OnDemandJob {
  /** BullMQ job id: a new job, or the one already queued or running for the chat. */
  id: string;
  /** A job for the chat already existed and was promoted instead of adding a second one. */
  promoted: boolean;
}

/** Enqueues refresh jobs; one row never has two jobs waiting or running (deduplicated by chat id). */
export class RefreshProducer {
  readonly queue: Queue;

  constructor(options: RefreshProducerOptions) {
    this.queue = new Queue(refresh.queue, { connection: options.connection, prefix: options.prefix ?? 'gitsync' });
  }

  /** Background refreshes of claimed rows, in one round trip. */
  async enqueueBackground(payloads: RefreshPayload[]): Promise<void> {
    if (payloads.length === 0) return;
    await this.queue.addBulk(
      payloads.map((payload) => ({
        name: 'refresh-diff-status',
        data: validate(payload),
        opts: { ...refresh.options, priority: PRIORITY.background, deduplication: { id: payload.chatId } },
      })),
    );
  }

  /**
   * A refresh somebody is waiting for: it runs before every background job. When the chat already
   * has a job (deduplication id = chat id), `add` hands back that job's id and adds nothing; that
   * job is then promoted to the on-demand priority and given the newer payload, so the chat still
   * has exactly one job. Promotion is one atomic script: a job that became active meanwhile only
   * gets its priority field rewritten, which is harmless.
   */
  async enqueueOnDemand(payload: RefreshPayload): Promise<OnDemandJob> {
    const data = validate(payload);
    const added = await this.queue.add('refresh-diff-status', data, {
      ...refresh.options,
      priority: PRIORITY.onDemand,
      deduplication: { id: data.chatId },
    });
    const id = added.id;
    if (id === undefined) throw new Error('BullMQ returned a job without an id');
    const job = await Job.fromId<RefreshPayload>(this.queue, id);
    // Gone already: the job that was there finished between the two calls. Its result is the
    // fresh one the caller wants; the waiter finds it finished.
    if (!job || job.priority === PRIORITY.onDemand) return { id, promoted: false };

    try {
      await job.changePriority({ priority: PRIORITY.onDemand });
      // A newer report (a higher generation) than the queued job knows of: refresh that one instead.
      if (job.data.generation < data.generation) await job.updateData(data);
      // A retry waiting out its backoff would not run before its delay, whatever its priority.
      if (await job.isDelayed()) await job.promote();
    } catch (err) {
      // The job finished (and was removed) or left the delayed set while we promoted it: what we
      // wanted happens anyway. A job still stuck in the delayed set is a real failure.
      if ((await this.queue.getJobState(id)) === 'delayed') throw err;
    }
    return { id, promoted: true };
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

function validate(payload: RefreshPayload): RefreshPayload {
  const parsed = refreshPayloadSchema.safeParse(payload);
  if (!parsed.success) throw new Error(`invalid refresh payload: ${describePayloadError(parsed.error)}`);
  return parsed.data;
}
