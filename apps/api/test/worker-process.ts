import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { waitFor } from '@gitsync/testing';

const root = path.resolve(__dirname, '../../..');

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

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
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      GITSYNC_QUEUE_PREFIX: env.prefix,
      GITSYNC_EXTERNAL_AUTH_1_ID: 'github',
      GITSYNC_EXTERNAL_AUTH_1_API_BASE_URL: env.apiBaseUrl,
      GITSYNC_HEALTH_PORT: String(healthPort),
      GITSYNC_WORKER_CONCURRENCY: '20',
      LOG_LEVEL: 'warn',
      FORCE_COLOR: '0',
      ...env.extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const ready = async () => {
    if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}`);
    const res = await fetch(`http://127.0.0.1:${healthPort}/readyz`).catch(() => null);
    return res?.ok === true;
  };
  try {
    await waitFor(ready, { timeoutMs: 30_000, intervalMs: 100, message: 'worker process ready' });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- worker output ---\n${output.slice(-4000)}`);
  }
  return { child, output: () => output, stop };
}
