import path from 'node:path';
import { z } from 'zod';
import { baseEnv, duration, parseEnv, parseProviders, tokenKeysEnv, type ProviderConfig } from '@gitsync/config';

export const apiEnvSchema = z.object({
  ...baseEnv,
  ...tokenKeysEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Loopback unless told otherwise: the API holds tokens and should not be exposed by accident. */
  HOST: z.string().default('127.0.0.1'),
  /** When set, an admin user `admin` exists with this key (a fresh install can be driven at once). */
  GITSYNC_ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How long `POST …/diff-status/refresh` waits for its job before answering the stored status. */
  GITSYNC_ON_DEMAND_TIMEOUT: duration('10s'),
  /** Comment lines on idle event streams, so that proxies do not close them. */
  GITSYNC_SSE_HEARTBEAT: duration('15s'),
  /** The built web sidebar served at `/`. */
  GITSYNC_WEB_DIR: z.string().default(path.resolve(__dirname, '../../web/dist')),
});

export type ApiEnv = z.output<typeof apiEnvSchema> & { providers: ProviderConfig[] };

export function loadApiEnv(env: Record<string, string | undefined> = process.env): ApiEnv {
  return { ...parseEnv(apiEnvSchema, env), providers: parseProviders(env) };
}
