import { z } from 'zod';
import { baseEnv, healthPort, duration, parseEnv, parseProviders, positiveInt, timingEnv, type ProviderConfig } from '@gitsync/config';

export const workerEnvSchema = z.object({
  ...baseEnv,
  GITSYNC_HEALTH_PORT: healthPort,
  ...timingEnv,
  /** Jobs one worker process runs at once; provider latency is hidden behind this. */
  GITSYNC_WORKER_CONCURRENCY: positiveInt(50),
  /** Provider requests in flight per rate-limit group (provider + token owner) in one process. */
  GITSYNC_GROUP_CONCURRENCY: positiveInt(10),
  GITSYNC_PROVIDER_TIMEOUT: duration('10s'),
  /** How long SIGTERM waits for jobs in flight before handing them back. */
  GITSYNC_SHUTDOWN_TIMEOUT: duration('20s'),
});

export type WorkerEnv = z.output<typeof workerEnvSchema> & { providers: ProviderConfig[] };

export function loadWorkerEnv(env: Record<string, string | undefined> = process.env): WorkerEnv {
  return { ...parseEnv(workerEnvSchema, env), providers: parseProviders(env) };
}
