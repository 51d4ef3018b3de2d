import path from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import {
  createTestDatabase,
  createTestRedis,
  startApp,
  stopAll,
  type AppProcess,
  type StartedApp,
} from '@gitsync/testing';

export const ADMIN_KEY = 'web-e2e-admin-key-0123456789';
export const PROVIDER_ID = 'github';
/** The production build the API serves at `/` (the e2e test builds it before starting the system). */
export const WEB_DIST = path.resolve(__dirname, '../dist');

export interface System {
  /** The API, which also serves the built page at `/`, as in production. */
  apiUrl: string;
  fake: FakeGitHub;
  /** JSON request to the API as `key` (the admin by default). */
  call(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown },
  ): Promise<{ status: number; body: any }>;
  /** Everything the processes printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The system as operators run it: API, scheduler and worker as real processes (the same
 * commands as `npm run start:*`), on a database and queue prefix of this test file's own, with
 * the fake GitHub in this process so the test can move its pull requests.
 */
export async function startSystem(): Promise<System> {
  const [t, r, fake] = await Promise.all([createTestDatabase(), createTestRedis(), startFakeGitHub()]);
  const env = {
    DATABASE_URL: t.url,
    REDIS_URL: r.url,
    GITSYNC_QUEUE_PREFIX: r.prefix,
    GITSYNC_ADMIN_API_KEY: ADMIN_KEY,
    GITSYNC_EXTERNAL_AUTH_1_ID: PROVIDER_ID,
    GITSYNC_EXTERNAL_AUTH_1_API_BASE_URL: fake.apiBaseUrl,
    GITSYNC_EXTERNAL_AUTH_1_TOKEN_URL: fake.tokenUrl,
    GITSYNC_SCHEDULER_INTERVAL: '200',
    GITSYNC_WEB_DIR: WEB_DIST,
    LOG_LEVEL: 'info',
  };
  // Each process is known as soon as it is spawned, so stop() ends it however its start went.
  const apps: AppProcess[] = [];
  const output = () => apps.map((app) => app.output().replace(/^(?=.)/gm, `[${app.name}] `)).join('');
  const stop = async () => {
    await stopAll(apps, 15_000);
    await fake.close();
    await r.cleanup();
    await t.drop();
  };
  let started: StartedApp[];
  try {
    started = await Promise.all(
      (['api', 'scheduler', 'worker'] as const).map((name) => startApp(name, env, { onSpawn: (a) => apps.push(a) })),
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- process output ---\n${output()}`);
  }
  const apiUrl = started[0]!.url;
  return {
    apiUrl,
    fake,
    output,
    async call(method, urlPath, { key = ADMIN_KEY, body } = {}) {
      const res = await fetch(`${apiUrl}${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    stop,
  };
}
