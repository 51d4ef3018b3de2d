import sse from '@fastify/sse';
import { Queue } from 'bullmq';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { EventHub } from '@gitsync/events';
import { createProviders, createTokenRefresher, type ClosableProvider, type GitProvider } from '@gitsync/gitprovider';
import { createTokenSource, systemClock } from '@gitsync/gitsync';
import { createTokenStore } from '@gitsync/db';
import { RedisGroupPacer } from '@gitsync/rate-limits';
import type { Logger } from '@gitsync/logger';
import { createRegistry, type Registry } from '@gitsync/metrics';
import { JobCompletions, queueNames, RefreshProducer } from '@gitsync/queue';
import { duplicateRedis } from '@gitsync/redis';
import { authenticate } from './auth.js';
import { DiffCache } from './diff-cache.js';
import { DiffSource } from './diffs.js';
import type { ApiContext } from './context.js';
import { registerErrorHandler } from './errors.js';
import { registerOpenApi } from './openapi.js';
import { defaultQuotas, registerQuotas, type QuotaHandle, type Quotas } from './quotas.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { boardRoutes } from './routes/board.js';
import { chatRoutes } from './routes/chats.js';
import { diffRoutes } from './routes/diff.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { refreshRoutes } from './routes/refresh.js';
import { userRoutes } from './routes/users.js';
import { webRoutes } from './routes/web.js';
import { webhookRoutes } from './routes/webhooks.js';
import { registerSecurityHeaders } from './security-headers.js';
import { StreamSlots } from './stream-slots.js';

export interface BuildAppOptions extends ApiContext {
  logger: Logger;
  /** @defaultValue 1 MiB */
  bodyLimit?: number;
  /** How long an on-demand refresh waits for its job. @defaultValue 10 s */
  onDemandTimeoutMs?: number;
  /** Heartbeat comment interval of event streams. @defaultValue 15 s */
  sseHeartbeatMs?: number;
  /** Registry for /metrics; a new one per app by default. */
  registry?: Registry;
  /** The built web sidebar (apps/web/dist), served at `/` when given. */
  webDir?: string;
  /** Request quotas per API key and client address (quotas.ts). @defaultValue {@link defaultQuotas} */
  quotas?: Partial<Quotas>;
  /** API keys one user may hold. @defaultValue 25 */
  maxApiKeysPerUser?: number;
  /** Time to receive a whole request, body included; 0: none. @defaultValue 30 s */
  requestTimeoutMs?: number;
  /** Idle time after which a connection is closed; 0: never. @defaultValue 60 s */
  connectionTimeoutMs?: number;
  /** Fastify's `trustProxy`: whose X-Forwarded-For names the client (quotas per address). @defaultValue false */
  trustProxy?: boolean | string[];
  /** The providers diffs are read from. @defaultValue made from `providers` */
  gitProviders?: readonly GitProvider[];
  /** Deadline of one provider exchange (diffs: of the headers, and of each pause in the body). @defaultValue 10 s */
  providerTimeoutMs?: number;
  /** Added to every rate-limit reset time, as the workers do. @defaultValue 5 s */
  rateLimitPaddingMs?: number;
  /** Provider requests in flight per rate-limit group across replicas, as the workers'. @defaultValue 50 */
  groupMaxInFlight?: number;
  /** Requests of a group's budget left untouched, as the workers'. @defaultValue 0 */
  rateLimitReserve?: number;
  /** Requests per group per minute, as the workers' (`GITSYNC_GROUP_REQUESTS_PER_MINUTE`). @defaultValue 0: none */
  groupRequestsPerMinute?: number;
  /** The largest diff served. @defaultValue 4 MiB */
  maxDiffBytes?: number;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Slow or stalled uploads must not hold memory and sockets for ever (Fastify's default is none).
    // Node reads it when the server is made (Fastify sets it after), and looks for requests past it
    // every connectionsCheckingInterval (30 s by default).
    requestTimeout,
    http: { requestTimeout, connectionsCheckingInterval: Math.min(30_000, Math.max(250, requestTimeout / 4)) },
    connectionTimeout: options.connectionTimeoutMs ?? 60_000,
    trustProxy: options.trustProxy ?? false,
    // One line per request would drown the refresh logs; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  await registerSecurityHeaders(app);
  // JSON only: Fastify also parses text/plain by default, which would turn a wrong content type
  // into a confusing 400 about the body instead of a 415.
  app.removeContentTypeParser('text/plain');
  await registerOpenApi(app);
  await app.register(sse, { heartbeatInterval: options.sseHeartbeatMs ?? 15_000 });

  const { redis, queuePrefix: prefix } = options;
  const producer = new RefreshProducer({ connection: redis, prefix });
  const queues = queueNames.map((name) =>
    name === producer.queue.name ? producer.queue : new Queue(name, { connection: redis, prefix }),
  );
  // One subscriber connection, made on first use, for event streams and on-demand waits alike:
  // subscriber mode cannot share the API's fail-fast command connection.
  const hub = new EventHub(
    // Named, so an operator (or a test) can find it in CLIENT LIST.
    () => duplicateRedis(redis, { enableOfflineQueue: true, connectionName: `${prefix}:api-events` }),
    (err) => options.logger.warn({ err }, 'event subscriber connection error'),
  );
  const completions = new JobCompletions({
    queue: producer.queue,
    listen: (channel, listener) => hub.listen({ channel }, listener),
  });
  app.addHook('onClose', async () => {
    await Promise.allSettled([hub.close(), ...queues.map((q) => q.close())]);
  });

  const quotaLimits = { ...defaultQuotas, ...options.quotas };
  const slots = new StreamSlots({ redis, prefix, perKey: quotaLimits.streamsPerKey });
  healthRoutes(app, options);
  metricsRoutes(app, {
    registry: options.registry ?? createRegistry(),
    db: options.db,
    redis,
    queuePrefix: prefix,
    queues,
  });
  let quotas: QuotaHandle | undefined;
  await app.register(async (api) => {
    // Authentication first: the quotas' hooks count per key, once the key is known.
    const handle = (quotas = await registerQuotas(api, { redis, prefix, quotas: quotaLimits }));
    api.addHook('onRequest', authenticate(options.db, handle));
    userRoutes(api, options);
    apiKeyRoutes(api, options, { maxPerUser: options.maxApiKeysPerUser ?? 25 });
    chatRoutes(api, options);
    refreshRoutes(api, options, {
      producer,
      completions,
      timeoutMs: options.onDemandTimeoutMs ?? 10_000,
      rateLimit: handle.refreshRoute,
    });
    eventRoutes(api, { hub, slots, prefix });
    diffRoutes(api, options, diffSource(app, options));
  });
  // After the API's scope: Bull Board's login counts failed keys with the limiter made there.
  await boardRoutes(app, { db: options.db, queues, quotas: quotas! });
  await webhookRoutes(app, options, producer);
  if (options.webDir) await webRoutes(app, options.webDir);
  return app;
}

/** Diffs read with the owner's token, through the workers' rate-limit groups, cached in Redis. */
function diffSource(app: FastifyInstance, options: BuildAppOptions): DiffSource {
  const timeoutMs = options.providerTimeoutMs ?? 10_000;
  const paddingMs = options.rateLimitPaddingMs ?? 5_000;
  let providers = options.gitProviders;
  if (!providers) {
    const made: ClosableProvider[] = createProviders(options.providers, { timeoutMs, paddingMs });
    app.addHook('onClose', async () => {
      await Promise.allSettled(made.map((p) => p.close()));
    });
    providers = made;
  }
  return new DiffSource({
    providers,
    tokens: createTokenSource({
      store: createTokenStore(options.db, options.tokenCipher ?? null),
      refresh: createTokenRefresher(options.providers, timeoutMs),
      clock: systemClock,
    }),
    pacer: new RedisGroupPacer({
      redis: options.redis,
      prefix: options.queuePrefix,
      maxInFlight: options.groupMaxInFlight ?? 50,
      reserve: options.rateLimitReserve ?? 0,
      requestsPerMinute: options.groupRequestsPerMinute ?? 0,
      paddingMs,
      slotLeaseMs: timeoutMs * 2,
    }),
    cache: new DiffCache({ redis: options.redis, prefix: options.queuePrefix }),
    ...(options.maxDiffBytes !== undefined && { maxBytes: options.maxDiffBytes }),
  });
}
