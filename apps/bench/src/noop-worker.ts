/**
 * The ceiling's worker process: a plain BullMQ worker on the refresh queue with the real worker's
 * connection, concurrency and lock settings, whose handler does nothing. What it reaches is what
 * BullMQ and Redis allow on this machine before any of our code runs.
 */
import { Worker } from 'bullmq';
import { z } from 'zod';
import { DEFAULT_WORKER_CONCURRENCY, baseEnv, parseEnv, positiveInt, redisSettings } from '@gitsync/config';
import { createLogger } from '@gitsync/logger';
import { catalogWorkerOptions, jobCatalog } from '@gitsync/queue';
import { createRedis } from '@gitsync/redis';
import { exitOnStartupError, onShutdown } from '@gitsync/runtime';

const noopEnvSchema = z.object({
  REDIS_URL: baseEnv.REDIS_URL,
  REDIS_CLUSTER: baseEnv.REDIS_CLUSTER,
  GITSYNC_QUEUE_PREFIX: baseEnv.GITSYNC_QUEUE_PREFIX,
  LOG_LEVEL: baseEnv.LOG_LEVEL,
  GITSYNC_WORKER_CONCURRENCY: positiveInt(DEFAULT_WORKER_CONCURRENCY),
});

async function main(): Promise<void> {
  const parsed = parseEnv(noopEnvSchema, process.env);
  const env = { ...parsed, ...redisSettings(parsed) };
  const logger = createLogger('noop-worker', { level: env.LOG_LEVEL });
  const connection = createRedis(env.redis, 'worker');
  let processed = 0;
  // The real worker's settings (the catalog's, as createQueueWorker gives them), so that only the handler differs.
  const worker = new Worker(
    jobCatalog['refresh-diff-status'].queue,
    async () => {
      processed++;
    },
    {
      connection,
      prefix: env.GITSYNC_QUEUE_PREFIX,
      concurrency: env.GITSYNC_WORKER_CONCURRENCY,
      ...catalogWorkerOptions('refresh-diff-status'),
    },
  );
  worker.on('error', (err) => logger.error({ err }, 'worker error'));
  await worker.waitUntilReady();
  // The memory phase asks for a full collection before each reading (started with --expose-gc).
  const gc = (globalThis as { gc?: () => void }).gc;
  let collections = 0;
  if (gc)
    process.on('SIGUSR2', () => {
      gc();
      logger.info({ heapUsed: process.memoryUsage().heapUsed }, `collected ${++collections}`);
    });
  logger.info({ concurrency: env.GITSYNC_WORKER_CONCURRENCY }, 'noop worker started');
  onShutdown(
    logger,
    async () => {
      await worker.close();
      connection.disconnect();
      logger.info({ processed }, 'noop worker stopped');
    },
    { timeoutMs: 10_000 },
  );
}

main().catch(exitOnStartupError);
