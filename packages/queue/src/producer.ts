import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { describePayloadError, jobCatalog, PRIORITY, refreshPayloadSchema, type RefreshPayload } from './catalog.js';

const refresh = jobCatalog['refresh-diff-status'];

export interface RefreshProducerOptions {
  connection: Redis;
  /** BullMQ key prefix; tests use one of their own. @defaultValue 'gitsync' */
  prefix?: string;
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

  async close(): Promise<void> {
    await this.queue.close();
  }
}

function validate(payload: RefreshPayload): RefreshPayload {
  const parsed = refreshPayloadSchema.safeParse(payload);
  if (!parsed.success) throw new Error(`invalid refresh payload: ${describePayloadError(parsed.error)}`);
  return parsed.data;
}
