import { createDb } from '@gitsync/db';
import { createLogger } from '@gitsync/logger';
import { onSchedulerWake, RefreshProducer } from '@gitsync/queue';
import { createRedis } from '@gitsync/redis';
import { exitOnStartupError, onShutdown, startHealthServer } from '@gitsync/runtime';
import { sql } from 'drizzle-orm';
import { loadSchedulerEnv } from './env.js';
import { Scheduler } from '@gitsync/schedule-engine';

async function main(): Promise<void> {
  const env = loadSchedulerEnv();
  const logger = createLogger('scheduler', { level: env.LOG_LEVEL });
  const { db, close: closeDb } = createDb(env.DATABASE_URL, {
    onError: (err) => logger.warn({ err }, 'postgres pool error'),
  });
  const connection = createRedis(env.redis, 'producer');
  const subscriber = createRedis(env.redis, 'worker');
  const producer = new RefreshProducer({ connection, prefix: env.GITSYNC_QUEUE_PREFIX });
  const scheduler = new Scheduler({
    db,
    producer,
    logger,
    leaseMs: env.GITSYNC_CLAIM_LEASE,
    batchSize: env.GITSYNC_CLAIM_BATCH,
    maxQueued: env.GITSYNC_MAX_QUEUED,
    intervalMs: env.GITSYNC_SCHEDULER_INTERVAL,
    epoch: { redis: connection, prefix: env.GITSYNC_QUEUE_PREFIX },
  });
  await onSchedulerWake(subscriber, env.GITSYNC_QUEUE_PREFIX, () => scheduler.wake());
  scheduler.start();
  const health = env.GITSYNC_HEALTH_PORT
    ? await startHealthServer({
        port: env.GITSYNC_HEALTH_PORT,
        checks: { postgres: () => db.execute(sql`select 1`), redis: () => connection.ping() },
      })
    : null;
  logger.info({ intervalMs: env.GITSYNC_SCHEDULER_INTERVAL, batch: env.GITSYNC_CLAIM_BATCH }, 'scheduler started');

  onShutdown(
    logger,
    async () => {
      health?.close();
      await scheduler.stop();
      subscriber.disconnect();
      await producer.close();
      connection.disconnect();
      await closeDb();
    },
    { timeoutMs: 10_000 },
  );
}

main().catch(exitOnStartupError);
