import { z } from 'zod';
import { baseEnv, healthPort, duration, parseEnv, positiveInt, redisSettings, timingEnv } from '@gitsync/config';

export const schedulerEnvSchema = z.object({
  ...baseEnv,
  GITSYNC_HEALTH_PORT: healthPort,
  GITSYNC_CLAIM_LEASE: timingEnv.GITSYNC_CLAIM_LEASE,
  /** How often to look for due rows when nothing woke us. */
  GITSYNC_SCHEDULER_INTERVAL: duration('1s'),
  /** Rows claimed per statement; the scheduler keeps claiming while batches come back full. */
  GITSYNC_CLAIM_BATCH: positiveInt(1000),
  /**
   * Jobs waiting in Redis above which the scheduler stops claiming; the backlog waits in Postgres
   * and the queue is topped up every 100 ms. Keep it above the fleet's refreshes in 100 ms.
   */
  GITSYNC_MAX_QUEUED: positiveInt(2000),
});

export type SchedulerEnv = z.output<typeof schedulerEnvSchema> & ReturnType<typeof redisSettings>;

export function loadSchedulerEnv(env: Record<string, string | undefined> = process.env): SchedulerEnv {
  const parsed = parseEnv(schedulerEnvSchema, env);
  return { ...parsed, ...redisSettings(parsed) };
}
