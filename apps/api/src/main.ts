import { createRegistry } from '@gitsync/metrics';
import { createDb, ensureAdmin, tokenCipherOf } from '@gitsync/db';
import { createRedisPublisher } from '@gitsync/events';
import { createLogger } from '@gitsync/logger';
import { createRedis } from '@gitsync/redis';
import { exitOnStartupError, onShutdown } from '@gitsync/runtime';
import { buildApp } from './app.js';
import { loadApiEnv } from './env.js';

async function main(): Promise<void> {
  const env = loadApiEnv();
  const logger = createLogger('api', { level: env.LOG_LEVEL });
  const { db, close: closeDb } = createDb(env.DATABASE_URL, {
    onError: (err) => logger.warn({ err }, 'postgres pool error'),
  });
  const redis = createRedis(env.redis, 'producer');
  const tokenCipher = tokenCipherOf(env.GITSYNC_TOKEN_ENCRYPTION_KEYS, (message) => logger.warn(message));
  if (env.GITSYNC_ADMIN_API_KEY) {
    await ensureAdmin(db, 'admin', env.GITSYNC_ADMIN_API_KEY);
    logger.info('admin user ready (key from GITSYNC_ADMIN_API_KEY; a previous value no longer works)');
  }
  const app = await buildApp({
    db,
    redis,
    publisher: createRedisPublisher(redis),
    providers: env.providers,
    queuePrefix: env.GITSYNC_QUEUE_PREFIX,
    tokenCipher,
    logger,
    onDemandTimeoutMs: env.GITSYNC_ON_DEMAND_TIMEOUT,
    sseHeartbeatMs: env.GITSYNC_SSE_HEARTBEAT,
    webDir: env.GITSYNC_WEB_DIR,
    quotas: {
      windowMs: env.GITSYNC_QUOTA_WINDOW,
      perKey: env.GITSYNC_API_QUOTA,
      refreshPerKey: env.GITSYNC_REFRESH_QUOTA,
      authFailuresPerAddress: env.GITSYNC_AUTH_FAILURE_QUOTA,
      streamsPerKey: env.GITSYNC_MAX_EVENT_STREAMS,
    },
    maxApiKeysPerUser: env.GITSYNC_MAX_API_KEYS,
    requestTimeoutMs: env.GITSYNC_REQUEST_TIMEOUT,
    connectionTimeoutMs: env.GITSYNC_CONNECTION_TIMEOUT,
    trustProxy: env.GITSYNC_TRUST_PROXY,
    providerTimeoutMs: env.GITSYNC_PROVIDER_TIMEOUT,
    rateLimitPaddingMs: env.GITSYNC_RATE_LIMIT_PADDING,
    groupMaxInFlight: env.GITSYNC_GROUP_MAX_IN_FLIGHT,
    rateLimitReserve: env.GITSYNC_RATE_LIMIT_RESERVE,
    groupRequestsPerMinute: env.GITSYNC_GROUP_REQUESTS_PER_MINUTE,
    // The process's own CPU, memory, event-loop lag and GC: only here, not in tests that build many apps.
    registry: createRegistry({ processMetrics: true }),
  });
  const address = await app.listen({ port: env.PORT, host: env.HOST });
  logger.info({ address }, 'api listening');

  onShutdown(
    logger,
    async () => {
      await app.close();
      redis.disconnect();
      await closeDb();
    },
    { timeoutMs: 10_000 },
  );
}

main().catch(exitOnStartupError);
