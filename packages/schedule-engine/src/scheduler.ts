import type { RedisConnection } from '@gitsync/redis';
import { claimDueRows, releaseLeases, type Database, type RowVersion } from '@gitsync/db';
import type { Logger } from '@gitsync/logger';
import type { RefreshProducer } from '@gitsync/queue';

export interface SchedulerOptions {
  db: Database;
  producer: RefreshProducer;
  logger: Logger;
  leaseMs: number;
  batchSize: number;
  intervalMs: number;
  /** Where the Redis epoch marker lives; without it a Redis data loss waits for the leases. */
  epoch?: { redis: RedisConnection; prefix: string };
  /**
   * Background jobs waiting in Redis above which a drain stops claiming: the rest of the backlog
   * stays due in Postgres, the source of truth, and is claimed as the workers make room. Pushing a
   * whole backlog at once bought nothing (workers take jobs at their own pace) but a storm that
   * slowed everything else on the machine for seconds — on-demand refreshes most of all — and
   * Redis memory for every due row. @defaultValue unbounded
   */
  maxQueued?: number;
}

/** How soon a drain that stopped at maxQueued looks again. */
const TOP_UP_MS = 100;

/** Claimed batches being added to Redis at once (see `drain`). */
const ENQUEUES_IN_FLIGHT = 2;

/**
 * `promise`, marked as handled so that a failure while the drain awaits something else is not an
 * unhandled rejection (which ends the process); the drain awaits it later and sees the error then.
 */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Claims due rows and enqueues one job per row. A plain timer loop rather than a BullMQ job
 * scheduler: it drains everything due at once (batch after batch while they come back full) and
 * can be woken early by a report, neither of which a fixed-interval repeatable job can do.
 * Claims use SKIP LOCKED and deduplication stops a second job per row, so any number of
 * schedulers may run side by side.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private wakeAgain = false;
  /** The last drain stopped at maxQueued: workers are busy, top the queue up soon. */
  private capped = false;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** Look for due rows now (e.g. the API just marked one stale). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    this.schedule(0);
  }

  /** Claims and enqueues until nothing is due; returns how many rows were enqueued. */
  async drain(): Promise<number> {
    const { db, leaseMs, batchSize, maxQueued = Infinity } = this.options;
    await this.recoverLostJobs();
    // Claims run while earlier batches are added to Redis, and up to ENQUEUES_IN_FLIGHT batches
    // are on their way at once: Redis runs one batch's scripts while this process encodes the
    // next. They share one connection, so Redis still adds them in claim order, oldest first.
    const inFlight: Array<Promise<number>> = [];
    let total = 0;
    try {
      // The room is measured once per drain: what workers free meanwhile is filled on the next tick.
      let room = Number.isFinite(maxQueued) ? Math.max(0, maxQueued - (await this.queued())) : Infinity;
      this.capped = room === 0;
      while (room > 0) {
        const limit = Math.min(batchSize, room);
        const rows = await claimDueRows(db, { limit, leaseMs });
        room -= rows.length;
        this.capped = room === 0;
        if (inFlight.length >= ENQUEUES_IN_FLIGHT) total += await inFlight.shift()!;
        inFlight.push(settledLater(this.enqueue(rows)));
        if (rows.length < limit || this.stopped) break;
      }
    } finally {
      for (const enqueue of inFlight.splice(0)) total += await enqueue;
    }
    return total;
  }

  /** Jobs waiting to run (background jobs are prioritized ones). */
  private async queued(): Promise<number> {
    const counts = await this.options.producer.queue.getJobCounts('wait', 'prioritized');
    return (counts.wait ?? 0) + (counts.prioritized ?? 0);
  }

  /** Enqueues one claimed batch; a row whose payload is invalid is logged and keeps its lease. */
  private async enqueue(rows: RowVersion[]): Promise<number> {
    const { rejected } = await this.options.producer.enqueueBackground(rows);
    for (const { chatId, reason } of rejected)
      this.options.logger.error({ chatId, reason }, 'row not enqueued: its refresh payload is invalid');
    return rows.length - rejected.length;
  }

  /**
   * Redis keeps nothing on disk: after a flush or restart every queued job is gone. A marker key
   * that no longer exists tells us so (on a fresh system there is simply nothing leased), and the
   * leased rows are made due at once rather than after their leases.
   */
  private async recoverLostJobs(): Promise<void> {
    const epoch = this.options.epoch;
    if (!epoch) return;
    const created = await epoch.redis.set(`${epoch.prefix}:scheduler:epoch`, new Date().toISOString(), 'NX');
    if (created !== 'OK') return;
    const released = await releaseLeases(this.options.db);
    if (released > 0) this.options.logger.warn({ released }, 'Redis lost its jobs; leased rows made due again');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    this.running = this.drain();
    try {
      const enqueued = await this.running;
      if (enqueued > 0) this.options.logger.debug({ enqueued }, 'enqueued due rows');
    } catch (err) {
      // Postgres or Redis away: keep the loop alive, the lease keeps claimed rows safe.
      this.options.logger.error({ err }, 'claim and enqueue failed; retrying');
    } finally {
      this.running = null;
    }
    const again = this.wakeAgain;
    this.wakeAgain = false;
    // Capped: small top-ups often, rather than the whole interval's worth in one burst.
    this.schedule(again ? 0 : this.capped ? Math.min(this.options.intervalMs, TOP_UP_MS) : this.options.intervalMs);
  }
}
