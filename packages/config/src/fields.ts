import ms from 'ms';
import { z } from 'zod';
import { redisUrls } from './redis.js';

/** A duration as milliseconds (`120000`) or with a unit (`2m`, `15s`, `1h`). */
export const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const parsed = /^\d+$/.test(value) ? Number(value) : ms(value as ms.StringValue);
      if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (try 120000, 15s or 2m)` });
        return z.NEVER;
      }
      return parsed;
    });

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const url = (fallback: string, protocols: RegExp) =>
  z
    .string()
    .default(fallback)
    .refine((value) => URL.canParse(value) && protocols.test(new URL(value).protocol), {
      message: `must be a URL (${protocols.source})`,
    });

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/**
 * A BullMQ prefix: letters, digits, `_` and `-`, or the same in braces (`{gitsync}`): a hash tag,
 * which puts every key under the prefix in one Redis Cluster slot.
 */
export const queuePrefix = z
  .string()
  .regex(/^(?:[A-Za-z0-9_-]+|\{[A-Za-z0-9_-]+\})$/, 'letters, digits, _ and - only, optionally in braces ({gitsync})');

/** What every process needs: where Postgres and Redis are, how loudly to log, which BullMQ prefix. */
export const baseEnv = {
  DATABASE_URL: url('postgres://postgres@127.0.0.1:5432/gitsync', /^postgres(ql)?:$/),
  /** One Redis server, or several comma-separated nodes of a Redis Cluster (see redis.ts). */
  REDIS_URL: redisUrls('redis://127.0.0.1:6379'),
  /** `true`: REDIS_URL names (seed) nodes of a Redis Cluster, even when it names only one. */
  REDIS_CLUSTER: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  LOG_LEVEL: logLevel,
  /** Default: `gitsync`, or `{gitsync}` on a cluster (redis.ts). */
  GITSYNC_QUEUE_PREFIX: queuePrefix.optional(),
};

/** The refresh timings of SPEC §3.4, overridable for demos and tests. */
export const timingEnv = {
  GITSYNC_DIFF_STATUS_TTL: duration('2m'),
  GITSYNC_NO_TOKEN_BACKOFF: duration('10m'),
  GITSYNC_NO_PR_RETRY: duration('15s'),
  GITSYNC_NO_PR_WINDOW: duration('2m'),
  GITSYNC_ERROR_BACKOFF: duration('2m'),
  GITSYNC_CLAIM_LEASE: duration('5m'),
  GITSYNC_RATE_LIMIT_PADDING: duration('5s'),
  /** A missing PR's first wait once the report's window is over, doubling … */
  GITSYNC_NO_PR_BACKOFF: duration('5m'),
  /** … up to this. */
  GITSYNC_NO_PR_BACKOFF_MAX: duration('1h'),
  /** A merged or closed PR's first wait, then doubling while nothing changes … */
  GITSYNC_TERMINAL_REFRESH_INTERVAL: duration('1h'),
  /** … up to this. */
  GITSYNC_TERMINAL_REFRESH_MAX: duration('24h'),
};

/** Port of the /healthz and /readyz server of processes without an HTTP API (0: none). */
export const healthPort = z.coerce.number().int().min(0).max(65535).default(0);
