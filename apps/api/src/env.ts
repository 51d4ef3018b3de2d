import { z } from 'zod';
import { baseEnv, parseEnv, parseProviders, type ProviderConfig } from '@gitsync/config';

export const apiEnvSchema = z.object({
  ...baseEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Loopback unless told otherwise: the API holds tokens and should not be exposed by accident. */
  HOST: z.string().default('127.0.0.1'),
  /** When set, an admin user `admin` exists with this key (a fresh install can be driven at once). */
  GITSYNC_ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type ApiEnv = z.output<typeof apiEnvSchema> & { providers: ProviderConfig[] };

export function loadApiEnv(env: Record<string, string | undefined> = process.env): ApiEnv {
  return { ...parseEnv(apiEnvSchema, env), providers: parseProviders(env) };
}
