import path from 'node:path';
import { z } from 'zod';
import {
  baseEnv,
  duration,
  parseEnv,
  parseProviders,
  redisSettings,
  tokenKeysEnv,
  type ProviderConfig,
} from '@gitsync/config';
import { defaultQuotas } from './quotas.js';

/** A count with a default; 0 turns the bound off. */
const bound = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/**
 * Fastify's `trustProxy`: `false` (the socket's address is the client's), `true` (any proxy), or
 * the comma-separated addresses/CIDRs of the proxies in front, whose X-Forwarded-For is believed.
 */
const trustProxy = z
  .string()
  .default('false')
  .transform((value): boolean | string[] => {
    if (value === 'true' || value === 'false') return value === 'true';
    return value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  });

export const apiEnvSchema = z
  .object({
    ...baseEnv,
    ...tokenKeysEnv,
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Loopback unless told otherwise: the API holds tokens and should not be exposed by accident. */
    HOST: z.string().default('127.0.0.1'),
    /**
     * When set, an admin user `admin` exists with this key (a fresh install can be driven at once);
     * a new value replaces the previous one at start.
     */
    GITSYNC_ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    /** How long `POST …/diff-status/refresh` waits for its job before answering the stored status. */
    GITSYNC_ON_DEMAND_TIMEOUT: duration('10s'),
    /** Comment lines on idle event streams, so that proxies do not close them. */
    GITSYNC_SSE_HEARTBEAT: duration('15s'),
    /** The built web sidebar served at `/`. */
    GITSYNC_WEB_DIR: z.string().default(path.resolve(__dirname, '../../web/dist')),
    /** Quotas (quotas.ts), counted per window in Redis across replicas. */
    GITSYNC_QUOTA_WINDOW: duration(String(defaultQuotas.windowMs)),
    GITSYNC_API_QUOTA: bound(defaultQuotas.perKey),
    GITSYNC_REFRESH_QUOTA: bound(defaultQuotas.refreshPerKey),
    GITSYNC_AUTH_FAILURE_QUOTA: bound(defaultQuotas.authFailuresPerAddress),
    GITSYNC_MAX_EVENT_STREAMS: bound(defaultQuotas.streamsPerKey),
    /** API keys one user may hold. */
    GITSYNC_MAX_API_KEYS: z.coerce.number().int().min(1).default(25),
    GITSYNC_TRUST_PROXY: trustProxy,
    /** Time to receive a whole request, body included (slow uploads are cut off). */
    GITSYNC_REQUEST_TIMEOUT: duration('30s'),
    /** An idle connection is closed after this; event streams stay busy with their heartbeat. */
    GITSYNC_CONNECTION_TIMEOUT: duration('60s'),
    /**
     * Diffs are read from the provider with the chat owner's token, in the same rate-limit groups
     * as the workers': these must be the workers' values.
     */
    GITSYNC_PROVIDER_TIMEOUT: duration('10s'),
    GITSYNC_RATE_LIMIT_PADDING: duration('5s'),
    GITSYNC_GROUP_MAX_IN_FLIGHT: z.coerce.number().int().min(1).default(50),
    GITSYNC_RATE_LIMIT_RESERVE: z.coerce.number().int().min(0).default(0),
    GITSYNC_GROUP_REQUESTS_PER_MINUTE: z.coerce.number().int().min(0).default(800),
  })
  .superRefine((env, ctx) => {
    const longest = Math.max(env.GITSYNC_SSE_HEARTBEAT, env.GITSYNC_ON_DEMAND_TIMEOUT);
    if (env.GITSYNC_CONNECTION_TIMEOUT !== 0 && env.GITSYNC_CONNECTION_TIMEOUT <= longest) {
      ctx.addIssue({
        code: 'custom',
        path: ['GITSYNC_CONNECTION_TIMEOUT'],
        message:
          'must be longer than GITSYNC_SSE_HEARTBEAT and GITSYNC_ON_DEMAND_TIMEOUT, or idle streams and waits are cut',
      });
    }
  });

export type ApiEnv = z.output<typeof apiEnvSchema> & ReturnType<typeof redisSettings> & { providers: ProviderConfig[] };

export function loadApiEnv(env: Record<string, string | undefined> = process.env): ApiEnv {
  const parsed = parseEnv(apiEnvSchema, env);
  return { ...parsed, ...redisSettings(parsed), providers: parseProviders(env) };
}
