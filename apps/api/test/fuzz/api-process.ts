import { once } from 'node:events';
import { startApp, stopAll, type TestDatabase, type TestRedis } from '@gitsync/testing';
import { WEBHOOK_SECRET } from './raw.js';

export const FUZZ_ADMIN_KEY = 'fuzz-admin-key-0123456789abcdef';

/** pino's levels: 50 is `error`, 60 `fatal`. */
const ERROR_LEVEL = 50;

export interface ApiProcess {
  baseUrl: string;
  /** The error-level lines it logged so far (pino JSON). */
  errorLines(): string[];
  /** Stops it (SIGTERM) and waits until everything it printed has been read. */
  stop(): Promise<void>;
}

/**
 * `npm run start:api` as operators run it — a process of its own, configured by environment — on
 * the test's database and Redis prefix, with a provider that takes webhooks. No worker runs, so
 * an on-demand refresh waits only briefly for its job.
 */
export async function startApiProcess(
  t: TestDatabase,
  r: TestRedis,
  env: Record<string, string> = {},
): Promise<ApiProcess> {
  const app = await startApp('api', {
    DATABASE_URL: t.url,
    REDIS_URL: r.url,
    GITSYNC_QUEUE_PREFIX: r.prefix,
    LOG_LEVEL: 'info',
    GITSYNC_ADMIN_API_KEY: FUZZ_ADMIN_KEY,
    GITSYNC_EXTERNAL_AUTH_1_ID: 'github',
    GITSYNC_EXTERNAL_AUTH_1_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GITSYNC_ON_DEMAND_TIMEOUT: '50',
    // A few keys send thousands of requests: quotas would answer most of them 429 (tested apart).
    GITSYNC_API_QUOTA: '1000000',
    GITSYNC_REFRESH_QUOTA: '1000000',
    GITSYNC_AUTH_FAILURE_QUOTA: '1000000',
    ...env,
  });
  const closed = app.child.exitCode === null ? once(app.child, 'close') : Promise.resolve();
  return {
    baseUrl: app.url,
    errorLines: () =>
      app
        .output()
        .split('\n')
        .filter((line) => {
          try {
            return (JSON.parse(line) as { level?: number }).level! >= ERROR_LEVEL;
          } catch {
            return false;
          }
        }),
    async stop() {
      await stopAll([app]);
      await closed;
    },
  };
}
