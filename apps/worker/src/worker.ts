import type { Worker } from 'bullmq';
import type { RedisConnection } from '@gitsync/redis';
import type { DiffStatusChangeEvent } from '@gitsync/contracts';
import type { Database, TokenCipher } from '@gitsync/db';
import { createRedisPublisher } from '@gitsync/events';
import type { GitProvider } from '@gitsync/gitprovider';
import {
  createTokenSource,
  systemClock,
  type Clock,
  type ExchangeLock,
  type GroupPacer,
  type RefreshDeps,
  type Timings,
  type TokenRefresher,
  type TokenStore,
} from '@gitsync/gitsync';
import { createWorkerMetrics, type WorkerMetrics } from '@gitsync/metrics';
import type { Logger } from '@gitsync/logger';
import { createQueueWorker } from '@gitsync/queue';
import { RedisGroupPacer } from '@gitsync/rate-limits';
import { adaptConcurrency } from './concurrency.js';
import { createRedisExchangeLock } from './exchange-lock.js';
import { createRefreshHandler } from './processor.js';
import { createRefreshStore, createTokenStore } from './store.js';

export interface RefreshDepsOptions {
  db: Database;
  /** Blocking connection for BullMQ (maxRetriesPerRequest: null). */
  connection: RedisConnection;
  /** Connection for publishing events and pacing requests. */
  redis: RedisConnection;
  prefix: string;
  providers: readonly GitProvider[];
  refreshToken: TokenRefresher;
  timings: Timings;
  /** Requests in flight per group in this process. */
  groupConcurrency: number;
  /** Requests in flight per group across replicas; paced through Redis. @defaultValue 50 */
  groupMaxInFlight?: number;
  rateLimitReserve?: number;
  /** Requests per group started per minute across replicas, 304s included; 0: none. @defaultValue 0 */
  groupRequestsPerMinute?: number;
  rateLimitPaddingMs?: number;
  /** Slot lease of the pacer: longer than one provider request can take. */
  requestTimeoutMs?: number;
  clock?: Clock;
  /** Where tokens come from; Postgres by default. */
  tokenStore?: TokenStore;
  /** For what the dependencies tell (a token exchange waiting for another replica). */
  logger?: Logger;
  /** One token exchange per owner at a time across replicas. @defaultValue a lock in Redis */
  exchangeLock?: ExchangeLock;
  /** Seals and opens the tokens of the Postgres store; null: plain text. @defaultValue null */
  tokenCipher?: TokenCipher | null;
  /** @defaultValue metrics in a registry of their own */
  metrics?: WorkerMetrics;
}

export interface RefreshWorkerOptions extends RefreshDepsOptions {
  /** The most jobs at once. */
  concurrency: number;
  /** The fewest jobs at once while the process is CPU-bound (see concurrency.ts). @defaultValue `concurrency`: fixed */
  minConcurrency?: number;
  logger: Logger;
  /** @defaultValue the catalog's (catalogWorkerOptions), 30 s */
  lockDurationMs?: number;
  /** @defaultValue the catalog's, 15 s */
  stalledIntervalMs?: number;
}

/** The refresh pipeline wired to Postgres, Redis and the providers. */
export function createRefreshDeps(options: RefreshDepsOptions): RefreshDeps<DiffStatusChangeEvent> {
  const clock = options.clock ?? systemClock;
  return {
    providers: options.providers,
    tokens: createTokenSource({
      store: options.tokenStore ?? createTokenStore(options.db, options.tokenCipher ?? null),
      refresh: options.refreshToken,
      clock,
      lock:
        options.exchangeLock ??
        createRedisExchangeLock({
          redis: options.redis,
          prefix: options.prefix,
          leaseMs: (options.requestTimeoutMs ?? 10_000) * 3,
          onWait: (key) => options.logger?.debug({ key }, 'token exchange waits for another replica'),
        }),
    }),
    store: createRefreshStore(options.db),
    publisher: createRedisPublisher(options.redis),
    pacer: countRequests(
      new RedisGroupPacer({
        redis: options.redis,
        prefix: options.prefix,
        maxInFlight: options.groupMaxInFlight ?? 50,
        perProcess: options.groupConcurrency,
        reserve: options.rateLimitReserve ?? 0,
        requestsPerMinute: options.groupRequestsPerMinute ?? 0,
        paddingMs: options.rateLimitPaddingMs ?? 5_000,
        slotLeaseMs: (options.requestTimeoutMs ?? 10_000) * 2,
        now: () => clock.now().getTime(),
      }),
      options.metrics,
    ),
    clock,
    timings: options.timings,
  };
}

/** Runs the refresh pipeline as a BullMQ worker. */
export function createRefreshWorker(options: RefreshWorkerOptions): {
  worker: Worker;
  deps: RefreshDeps<DiffStatusChangeEvent>;
  metrics: WorkerMetrics;
} {
  const metrics = options.metrics ?? createWorkerMetrics();
  const deps = createRefreshDeps({ ...options, metrics });
  const handler = createRefreshHandler(deps, options.logger, metrics);
  let inFlight = 0;
  const worker = createQueueWorker(
    'refresh-diff-status',
    async (payload, job) => {
      inFlight += 1;
      try {
        return await handler(payload, job);
      } finally {
        inFlight -= 1;
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      worker: {
        ...(options.lockDurationMs !== undefined && { lockDuration: options.lockDurationMs }),
        ...(options.stalledIntervalMs !== undefined && { stalledInterval: options.stalledIntervalMs }),
      },
    },
  );
  const min = Math.min(options.minConcurrency ?? options.concurrency, options.concurrency);
  if (min < options.concurrency)
    worker.on('closed', adaptConcurrency(worker, { min, max: options.concurrency, inFlight: () => inFlight }));
  worker.on('failed', (job, err) =>
    options.logger.error(
      { jobId: job?.id, chatId: (job?.data as { chatId?: unknown } | undefined)?.chatId, err },
      'refresh job failed',
    ),
  );
  worker.on('error', (err) => options.logger.error({ err }, 'worker error'));
  return { worker, deps, metrics };
}

/** Counts every provider answer by status (304 apart) on its way through the pacer. */
function countRequests(pacer: GroupPacer, metrics: WorkerMetrics | undefined): GroupPacer {
  if (!metrics) return pacer;
  return {
    forGroup(group, options) {
      const inner = pacer.forGroup(group, options);
      return {
        async acquire() {
          const report = await inner.acquire();
          return (info) => {
            metrics.providerRequest(info.status ?? 'error');
            report(info);
          };
        },
      };
    },
  };
}
