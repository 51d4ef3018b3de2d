import { z } from 'zod';
import { baseEnv, parseEnv, parseProviders, positiveInt, tokenKeysEnv, type ProviderConfig } from '@gitsync/config';

export const launcherEnvSchema = z.object({
  ...baseEnv,
  ...tokenKeysEnv,
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  GITSYNC_ADMIN_API_KEY: z.string().min(16).optional(),
  /** Worker processes to run side by side. */
  GITSYNC_WORKERS: positiveInt(2),
  /** Where the built-in fake GitHub listens when no provider is configured (0: any free port). */
  GITSYNC_FAKE_GITHUB_PORT: z.coerce.number().int().min(0).max(65535).default(9000),
  /** Where the built-in fake GitLab listens beside it (0: any free port). */
  GITSYNC_FAKE_GITLAB_PORT: z.coerce.number().int().min(0).max(65535).default(9100),
});

export type LauncherEnv = z.output<typeof launcherEnvSchema> & { providers: ProviderConfig[] };

export function loadLauncherEnv(env: Record<string, string | undefined> = process.env): LauncherEnv {
  return { ...parseEnv(launcherEnvSchema, env), providers: parseProviders(env) };
}
