import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { RedisConnection } from '@gitsync/redis';
import { countRowsByOutcome, oldestDueRowAgeSeconds, type Database } from '@gitsync/db';
import { cachedFor, registerSystemMetrics, type Registry, type SystemSources } from '@gitsync/metrics';
import { RATE_LIMIT_BLOCK_KINDS } from '@gitsync/contracts';
import { countBlockedGroups } from '@gitsync/rate-limits';

/**
 * How long the rows-per-outcome counts are kept between scrapes. Counting them reads the whole
 * table (~0.1–0.2 s at a million rows, on every API replica at every scrape); the counts move
 * slowly, while the oldest due row — an index lookup — stays exact at every scrape.
 */
export const ROW_COUNTS_TTL_MS = 60_000;

export interface MetricsOptions {
  registry: Registry;
  db: Database;
  redis: RedisConnection;
  queuePrefix: string;
  queues: Queue[];
}

/**
 * `GET /metrics` (open, like /healthz): the system's state read at scrape time from BullMQ,
 * Postgres and Redis, plus whatever else the registry holds. Per-process worker counters
 * (outcomes, provider requests, durations) live in each worker's own registry.
 */
export function metricsRoutes(app: FastifyInstance, options: MetricsOptions): void {
  registerSystemMetrics(options.registry, systemSources(options));
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await options.registry.metrics();
    return reply.type(options.registry.contentType).send(body);
  });
}

export function systemSources(options: Omit<MetricsOptions, 'registry'>): SystemSources {
  return {
    async jobCounts() {
      const entries = await Promise.all(options.queues.map(async (q) => [q.name, await q.getJobCounts()] as const));
      return Object.fromEntries(entries);
    },
    rowsByOutcome: cachedFor(ROW_COUNTS_TTL_MS, () => countRowsByOutcome(options.db)),
    oldestDueRowAgeSeconds: () => oldestDueRowAgeSeconds(options.db),
    rateLimitedGroups: () => countBlockedGroups(options.redis, options.queuePrefix),
    async rateLimitedGroupsByKind() {
      const now = Date.now();
      const counts = await Promise.all(
        RATE_LIMIT_BLOCK_KINDS.map((kind) => countBlockedGroups(options.redis, options.queuePrefix, now, kind)),
      );
      return Object.fromEntries(RATE_LIMIT_BLOCK_KINDS.map((kind, i) => [kind, counts[i]!]));
    },
  };
}
