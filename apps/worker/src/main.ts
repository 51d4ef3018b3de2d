import { createRegistry, createWorkerMetrics } from '@gitsync/metrics';
import { createDb, tokenCipherOf } from '@gitsync/db';
import { createLogger } from '@gitsync/logger';
import { createRedis } from '@gitsync/redis';
import { exitOnStartupError, onShutdown, startHealthServer } from '@gitsync/runtime';
import { sql } from 'drizzle-orm';
import { loadWorkerEnv } from './env.js';
import { createProviders, createTokenRefresher } from './providers.js';
import { createRedisRepositoryCache } from './repository-cache.js';
import { createRefreshWorker } from './worker.js';

async function main(): Promise<void> {
  const env = loadWorkerEnv();
  const logger = createLogger('worker', { level: env.LOG_LEVEL });
  if (env.providers.length === 0)
    logger.warn('no provider configured (GITSYNC_EXTERNAL_AUTH_<n>_*): every row will answer "no provider"');
  const { db, close: closeDb } = createDb(env.DATABASE_URL, {
    max: Math.min(20, env.GITSYNC_WORKER_CONCURRENCY),
    onError: (err) => logger.warn({ err }, 'postgres pool error'),
  });
  const connection = createRedis(env.redis, 'worker');
  const redis = createRedis(env.redis, 'worker');
  const { worker, metrics } = createRefreshWorker({
    metrics: createWorkerMetrics(createRegistry({ processMetrics: true })),
    db,
    tokenCipher: tokenCipherOf(env.GITSYNC_TOKEN_ENCRYPTION_KEYS, (message) => logger.warn(message)),
    connection,
    redis,
    prefix: env.GITSYNC_QUEUE_PREFIX,
    providers: createProviders(env.providers, {
      timeoutMs: env.GITSYNC_PROVIDER_TIMEOUT,
      paddingMs: env.GITSYNC_RATE_LIMIT_PADDING,
      repositories: createRedisRepositoryCache(redis, env.GITSYNC_QUEUE_PREFIX),
    }),
    refreshToken: createTokenRefresher(env.providers, env.GITSYNC_PROVIDER_TIMEOUT),
    timings: {
      diffStatusTtlMs: env.GITSYNC_DIFF_STATUS_TTL,
      noTokenBackoffMs: env.GITSYNC_NO_TOKEN_BACKOFF,
      noPrRetryMs: env.GITSYNC_NO_PR_RETRY,
      noPrWindowMs: env.GITSYNC_NO_PR_WINDOW,
      errorBackoffMs: env.GITSYNC_ERROR_BACKOFF,
      leaseMs: env.GITSYNC_CLAIM_LEASE,
      noPrBackoffMs: env.GITSYNC_NO_PR_BACKOFF,
      noPrBackoffMaxMs: env.GITSYNC_NO_PR_BACKOFF_MAX,
      terminalIntervalMs: env.GITSYNC_TERMINAL_REFRESH_INTERVAL,
      terminalIntervalMaxMs: env.GITSYNC_TERMINAL_REFRESH_MAX,
    },
    concurrency: env.GITSYNC_WORKER_CONCURRENCY,
    minConcurrency: env.GITSYNC_WORKER_MIN_CONCURRENCY,
    groupConcurrency: env.GITSYNC_GROUP_CONCURRENCY,
    groupMaxInFlight: env.GITSYNC_GROUP_MAX_IN_FLIGHT,
    rateLimitReserve: env.GITSYNC_RATE_LIMIT_RESERVE,
    groupRequestsPerMinute: env.GITSYNC_GROUP_REQUESTS_PER_MINUTE,
    rateLimitPaddingMs: env.GITSYNC_RATE_LIMIT_PADDING,
    requestTimeoutMs: env.GITSYNC_PROVIDER_TIMEOUT,
    lockDurationMs: env.GITSYNC_JOB_LOCK_DURATION,
    stalledIntervalMs: env.GITSYNC_STALLED_INTERVAL,
    logger,
  });
  const health = env.GITSYNC_HEALTH_PORT
    ? await startHealthServer({
        port: env.GITSYNC_HEALTH_PORT,
        checks: {
          postgres: () => db.execute(sql`select 1`),
          redis: () => redis.ping(),
          worker: async () => worker.isRunning() || Promise.reject(),
        },
        metrics: { contentType: metrics.registry.contentType, render: () => metrics.registry.metrics() },
      })
    : null;
  logger.info(
    { concurrency: env.GITSYNC_WORKER_CONCURRENCY, providers: env.providers.map((p) => p.id) },
    'worker started',
  );

  // Jobs still running at the deadline are handed back: their locks lapse and another worker's
  // stalled-job check picks them up.
  onShutdown(
    logger,
    async () => {
      health?.close();
      await worker.close();
      connection.disconnect();
      redis.disconnect();
      await closeDb();
    },
    { timeoutMs: env.GITSYNC_SHUTDOWN_TIMEOUT },
  );
}

main().catch(exitOnStartupError);
