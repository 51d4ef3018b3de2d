import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { waitFor } from './wait.js';

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

export interface PrivateRedis {
  url: string;
  client: Redis;
  stop(): Promise<void>;
}

/**
 * A Redis server of the test's own (no persistence, like production), for tests that flush or
 * restart Redis and must not disturb the shared one other test files use. `args`: more settings
 * (with `--requirepass`, `url` and `client` authenticate).
 */
export async function startPrivateRedis(args: readonly string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--save', '', '--appendonly', 'no', ...args, '--port', String(port), '--bind', '127.0.0.1'],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // `--requirepass` among the settings (docker-compose.yml's command): the URL carries it.
  const at = args.indexOf('--requirepass');
  const auth = at === -1 ? '' : `:${encodeURIComponent(args[at + 1] ?? '')}@`;
  const url = `redis://${auth}127.0.0.1:${port}`;
  await waitFor(
    async () => {
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined); // refused until the server listens: expected, not news
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG' || undefined;
      } catch {
        return undefined;
      } finally {
        probe.disconnect();
      }
    },
    { timeoutMs: 10_000, message: 'private redis-server to answer' },
  );
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  return {
    url,
    client,
    async stop() {
      client.disconnect();
      child.kill('SIGKILL');
      await exited;
    },
  };
}
