import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { countRowsByOutcome, oldestDueRowAgeSeconds, type Database } from '@gitsync/db';
import { registerSystemMetrics, type Registry, type SystemSources } from '@gitsync/metrics';
import { blockKey } from '@gitsync/rate-limits';

export interface MetricsOptions {
  registry: Registry;
  db: Database;
  redis: Redis;
  queuePrefix: string;
  queues: Queue[];
}

/** Counting keys with SCAN, in pages of this many: never a blocking KEYS on a busy Redis. */
const SCAN_COUNT = 500;

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
    rowsByOutcome: () => countRowsByOutcome(options.db),
    oldestDueRowAgeSeconds: () => oldestDueRowAgeSeconds(options.db),
    // The rate-limit gate keeps one key per blocked group, expiring at the group's reset.
    async rateLimitedGroups() {
      let cursor = '0';
      let count = 0;
      do {
        const [next, keys] = await options.redis.scan(cursor, 'MATCH', blockKey(options.queuePrefix, '*'), 'COUNT', SCAN_COUNT);
        count += keys.length;
        cursor = next;
      } while (cursor !== '0');
      return count;
    },
  };
}
