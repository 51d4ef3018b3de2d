import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import { createTestDatabase, createTestRedis, freePort, waitFor } from '@gitsync/testing';

const root = path.resolve(__dirname, '../../..');
export const ADMIN_KEY = 'web-e2e-admin-key-0123456789';
export const PROVIDER_ID = 'github';

export { freePort };

export interface System {
  apiUrl: string;
  fake: FakeGitHub;
  /** JSON request to the API as `key` (the admin by default). */
  call(method: string, path: string, options?: { key?: string; body?: unknown }): Promise<{ status: number; body: any }>;
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
  const [t, r, fake, port] = await Promise.all([createTestDatabase(), createTestRedis(), startFakeGitHub(), freePort()]);
  const apiUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: t.url,
    REDIS_URL: r.url,
    GITSYNC_QUEUE_PREFIX: r.prefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    GITSYNC_ADMIN_API_KEY: ADMIN_KEY,
    GITSYNC_EXTERNAL_AUTH_1_ID: PROVIDER_ID,
    GITSYNC_EXTERNAL_AUTH_1_API_BASE_URL: fake.apiBaseUrl,
    GITSYNC_EXTERNAL_AUTH_1_TOKEN_URL: fake.tokenUrl,
    GITSYNC_SCHEDULER_INTERVAL: '200',
    LOG_LEVEL: 'warn',
    FORCE_COLOR: '0',
  };
  let output = '';
  const children: ChildProcess[] = ['api', 'scheduler', 'worker'].map((app) => {
    // detached: each child leads its own process group, so stop() reaches anything it spawned.
    const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], { cwd: root, env, detached: true });
    child.stdout!.on('data', (chunk: Buffer) => (output += `[${app}] ${chunk}`));
    child.stderr!.on('data', (chunk: Buffer) => (output += `[${app}] ${chunk}`));
    return child;
  });

  const system: System = {
    apiUrl,
    fake,
    output: () => output,
    async call(method, urlPath, { key = ADMIN_KEY, body } = {}) {
      const res = await fetch(`${apiUrl}${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async stop() {
      for (const child of children) signal(child, 'SIGTERM');
      await waitFor(() => children.every((c) => c.exitCode !== null || c.signalCode !== null), { timeoutMs: 15_000, message: 'processes to exit' }).catch(() => {
        for (const child of children) signal(child, 'SIGKILL');
      });
      await fake.close();
      await r.cleanup();
      await t.drop();
    },
  };

  try {
    await waitFor(() => fetch(`${apiUrl}/readyz`).then((res) => res.ok, () => false), { timeoutMs: 60_000, intervalMs: 200, message: 'API ready' });
  } catch (err) {
    await system.stop();
    throw new Error(`${(err as Error).message}\n--- process output ---\n${output}`);
  }
  return system;
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid!, name);
  } catch {
    // already gone
  }
}

