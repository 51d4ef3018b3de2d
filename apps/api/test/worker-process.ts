import type { ChildProcess } from 'node:child_process';
import { freePort, spawnApp, stopAll, waitFor } from '@gitsync/testing';

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * `npm run start:worker` as operators run it — a process of its own, configured by environment —
 * against the test's database, Redis prefix and fake GitHub. Resolves once its /readyz says the
 * worker runs (whatever the log level).
 */
export async function spawnWorker(env: {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  apiBaseUrl: string;
  /** More variables, e.g. GITSYNC_WORKER_CONCURRENCY or LOG_LEVEL. */
  extra?: Record<string, string>;
}): Promise<WorkerProcess> {
  const healthPort = await freePort();
  const app = spawnApp('worker', {
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    GITSYNC_QUEUE_PREFIX: env.prefix,
    GITSYNC_EXTERNAL_AUTH_1_ID: 'github',
    GITSYNC_EXTERNAL_AUTH_1_API_BASE_URL: env.apiBaseUrl,
    GITSYNC_HEALTH_PORT: String(healthPort),
    GITSYNC_WORKER_CONCURRENCY: '20',
    LOG_LEVEL: 'warn',
    ...env.extra,
  });
  const stop = () => stopAll([app]);
  try {
    await waitFor(
      async () => {
        if (app.child.exitCode !== null) throw new Error(`worker exited with ${app.child.exitCode}`);
        const res = await fetch(`http://127.0.0.1:${healthPort}/readyz`).catch(() => null);
        return res?.ok === true;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 100,
        message: () => `worker process ready\n--- worker output ---\n${app.output().slice(-4000)}`,
      },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { child: app.child, output: app.output, stop };
}
