import { sql } from 'drizzle-orm';
import type { RedisConnection } from '@gitsync/redis';
import { createLogger } from '@gitsync/logger';
import { RefreshProducer, type RefreshPayload } from '@gitsync/queue';
import { createRedis } from '@gitsync/redis';
import { Scheduler } from '@gitsync/schedule-engine';
import { CpuMeter, round } from './cpu.js';
import { composeBytesPerJob, usedMemory } from './compose-redis.js';
import type { MemoryFigures, SchedulerFigure } from './figures.js';
import { countRows, seedChats } from './seed.js';
import { deletePrefix, type Bench } from './setup.js';

/** The scheduler process's defaults (apps/scheduler/src/env.ts). */
const CLAIM_BATCH = 1000;
const LEASE_MS = 5 * 60_000;

/**
 * The real producer, timing its addBulk calls: the drain's time minus these is the claims'
 * (Postgres). The scheduler keeps more than one addBulk in flight, so what is summed is the time
 * during which at least one was (adding up each call's own time would count overlaps twice).
 */
export class TimedProducer extends RefreshProducer {
  enqueueMs = 0;
  /** What was enqueued, to queue the same jobs elsewhere (composeBytesPerJob). */
  readonly payloads: RefreshPayload[] = [];
  private inFlight = 0;
  private since = 0;

  override async enqueueBackground(payloads: RefreshPayload[]): ReturnType<RefreshProducer['enqueueBackground']> {
    this.payloads.push(...payloads);
    if (this.inFlight++ === 0) this.since = performance.now();
    try {
      return await super.enqueueBackground(payloads);
    } finally {
      if (--this.inFlight === 0) this.enqueueMs += performance.now() - this.since;
    }
  }
}

export interface SchedulerPhase {
  scheduler: SchedulerFigure;
  redisBytesPerJob: number;
  redisJobsQueued: number;
  /** MEMORY USAGE of one job's keys and its share of the queue's sets, in bytes. */
  redisBreakdown: Record<string, number>;
  compose: MemoryFigures['compose'];
}

/**
 * Where a queued job's bytes are: its hash, its deduplication key, its entry in the prioritized
 * set, averaged over a random sample (rows with and without a PR url differ in size, and the first
 * jobs of the set are not a fair mix of them). used_memory also counts allocator overhead these
 * leave out.
 */
async function breakdown(redis: RedisConnection, queueKey: string, jobs: number): Promise<Record<string, number>> {
  const ids = (await redis.call('ZRANDMEMBER', `${queueKey}:prioritized`, '200')) as string[];
  const usage = async (key: string) => Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
  let hash = 0;
  let dedup = 0;
  for (const id of ids) {
    hash += await usage(`${queueKey}:${id}`);
    const deid = await redis.hget(`${queueKey}:${id}`, 'deid');
    if (deid) dedup += await usage(`${queueKey}:de:${deid}`);
  }
  const n = Math.max(1, ids.length);
  return {
    jobHash: round(hash / n),
    dedupKey: round(dedup / n),
    prioritizedEntry: round((await usage(`${queueKey}:prioritized`)) / jobs),
    eventsStreamShare: round((await usage(`${queueKey}:events`)) / jobs),
  };
}

/**
 * Claim-and-enqueue rate of packages/schedule-engine's Scheduler.drain(), in this process, for
 * `schedulerRows` due rows (seeded up to that many), into a queue nobody consumes; the same run
 * gives Redis's bytes per queued job (INFO used_memory before and after). No scheduler or worker
 * process may be running: they would claim the same rows.
 */
export async function measureScheduler(bench: Bench): Promise<SchedulerPhase> {
  const target = bench.options.schedulerRows;
  const have = await countRows(bench);
  if (have < target) await seedChats(bench, have, target, false);
  const rows = Math.max(have, target);
  const prefix = `${bench.prefix}-sched`;
  const connection = createRedis(bench.redisUrl, 'producer');
  const producer = new TimedProducer({ connection, prefix });
  const scheduler = new Scheduler({
    db: bench.pg.db,
    producer,
    logger: createLogger('bench-scheduler', { level: 'warn' }),
    leaseMs: LEASE_MS,
    batchSize: CLAIM_BATCH,
    intervalMs: 1000,
  });
  try {
    await bench.pg.db.execute(
      sql`update chat_diff_statuses set stale_at = now() - interval '1 second', leased_until = null`,
    );
    // The passes before left dead row versions behind; autovacuum would have cleared them on a
    // system that had been quiet for a minute, which is the state a claim storm usually meets.
    await bench.pg.db.execute(sql`vacuum analyze chat_diff_statuses`);
    const before = await usedMemory(bench.redis);
    const meter = new CpuMeter({ 'bench (scheduler)': [process.pid], postgres: { postgres: bench.dbName } });
    const started = performance.now();
    const enqueued = await scheduler.drain();
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = meter.stop();
    const after = await usedMemory(bench.redis);
    if (enqueued !== rows) throw new Error(`scheduler: drained ${enqueued} of ${rows} due rows`);
    const queued = await producer.queue.getJobCountByTypes('prioritized', 'wait');
    const enqueueSeconds = producer.enqueueMs / 1000;
    const figure: SchedulerFigure = {
      mode:
        'in-process Scheduler.drain() (packages/schedule-engine), claim batch 1000, ' +
        'up to two batches in flight (100-job transactions), ' +
        'claims overlapping them; no queue cap (the scheduler app stops at GITSYNC_MAX_QUEUED)',
      rows,
      batch: CLAIM_BATCH,
      seconds: round(seconds, 2),
      rowsPerSec: round(rows / seconds),
      // Claims overlap the enqueues: this is the claim time not hidden behind an addBulk.
      claimSeconds: round(Math.max(0, seconds - enqueueSeconds), 2),
      enqueueSeconds: round(enqueueSeconds, 2),
      cpuSeconds,
    };
    const bytesPerJob = round((after - before) / queued);
    const redisBreakdown = await breakdown(bench.redis, producer.queue.qualifiedName, queued);
    console.log(
      `[bench] scheduler: ${rows} rows in ${figure.seconds}s = ${figure.rowsPerSec}/s ` +
        `(claims ${figure.claimSeconds}s, addBulk ${figure.enqueueSeconds}s); ` +
        `Redis ${bytesPerJob} B/job ${JSON.stringify(redisBreakdown)}`,
    );
    const compose = await composeBytesPerJob(producer.payloads, prefix);
    console.log(
      `[bench] Redis with docker-compose.yml's settings (${compose.args.join(' ')}): ${compose.bytesPerJob} B/job`,
    );
    return { scheduler: figure, redisBytesPerJob: bytesPerJob, redisJobsQueued: queued, redisBreakdown, compose };
  } finally {
    await scheduler.stop();
    await producer.close();
    connection.disconnect();
    await deletePrefix(bench.redis, prefix);
  }
}
