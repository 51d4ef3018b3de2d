import { z } from 'zod';
import {
  DEFAULT_WORKER_CONCURRENCY,
  baseEnv,
  healthPort,
  duration,
  parseEnv,
  parseProviders,
  positiveInt,
  timingEnv,
  redisSettings,
  tokenKeysEnv,
  type ProviderConfig,
} from '@gitsync/config';

export const workerEnvSchema = z.object({
  ...baseEnv,
  ...tokenKeysEnv,
  GITSYNC_HEALTH_PORT: healthPort,
  ...timingEnv,
  /**
   * The most jobs one worker process runs at once; provider latency is hidden behind this (a steady
   * refresh at 100 ms a request takes ~200 ms in a loaded worker: 400 jobs are ~2,000 refreshes/s,
   * more than one process's CPU serves).
   */
  GITSYNC_WORKER_CONCURRENCY: positiveInt(DEFAULT_WORKER_CONCURRENCY),
  /**
   * Jobs at once while the process is CPU-bound: more would only queue behind one another, and an
   * on-demand refresh with them. Between this and GITSYNC_WORKER_CONCURRENCY the worker adapts.
   */
  GITSYNC_WORKER_MIN_CONCURRENCY: positiveInt(8),
  /** Provider requests in flight per rate-limit group (provider + token owner) in one process. */
  GITSYNC_GROUP_CONCURRENCY: positiveInt(10),
  /** Provider requests in flight per group across every replica (GitHub asks for at most 100). */
  GITSYNC_GROUP_MAX_IN_FLIGHT: positiveInt(50),
  /**
   * Requests per group (provider + token owner) started per minute across every replica, 304s
   * included: GitHub's secondary limit is 900 points a minute on REST. 0: no ceiling.
   */
  GITSYNC_GROUP_REQUESTS_PER_MINUTE: z.coerce.number().int().min(0).default(800),
  /** Requests of a group's budget left untouched, for other clients of the same token. */
  GITSYNC_RATE_LIMIT_RESERVE: z.coerce.number().int().min(0).default(0),
  GITSYNC_PROVIDER_TIMEOUT: duration('10s'),
  /**
   * A job's lock; a worker that dies (kill -9) holds its jobs this long before another worker's
   * stalled-job check (every GITSYNC_STALLED_INTERVAL) takes them back.
   */
  GITSYNC_JOB_LOCK_DURATION: duration('30s'),
  GITSYNC_STALLED_INTERVAL: duration('15s'),
  /** How long SIGTERM waits for jobs in flight before handing them back. */
  GITSYNC_SHUTDOWN_TIMEOUT: duration('20s'),
});

export type WorkerEnv = z.output<typeof workerEnvSchema> &
  ReturnType<typeof redisSettings> & { providers: ProviderConfig[] };

export function loadWorkerEnv(env: Record<string, string | undefined> = process.env): WorkerEnv {
  const parsed = parseEnv(workerEnvSchema, env);
  return { ...parsed, ...redisSettings(parsed), providers: parseProviders(env) };
}
