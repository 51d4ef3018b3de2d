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
 *
 * redis-server cannot bind port 0 and say which port it got, so the port is a free one found just
 * before; another process may take it meanwhile, and then the start is tried again on another one.
 * A server that exits instead of answering fails the start at once, with what it printed.
 */
export async function startPrivateRedis(args: readonly string[] = [], attempts = 3): Promise<PrivateRedis> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = await startOn(port, args);
    if (!('output' in started)) return started;
    const taken = /address already in use/i.test(started.output);
    if (!taken || attempt >= attempts) {
      throw new Error(`redis-server exited instead of serving port ${port}:\n${started.output.trim().slice(-2000)}`);
    }
  }
}

/** The server on `port`, or what it printed when it exited instead of answering. */
async function startOn(port: number, args: readonly string[]): Promise<PrivateRedis | { output: string }> {
  const child = spawn(
    'redis-server',
    ['--save', '', '--appendonly', 'no', ...args, '--port', String(port), '--bind', '127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    if (output.length < 20_000) output += chunk.toString();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let gone = false;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      gone = true;
      resolve();
    }),
  );
  child.on('error', (err) => {
    output += `${err.message}\n`;
    gone = true;
  });
  // `--requirepass` among the settings (docker-compose.yml's command): the URL carries it.
  const at = args.indexOf('--requirepass');
  const auth = at === -1 ? '' : `:${encodeURIComponent(args[at + 1] ?? '')}@`;
  const url = `redis://${auth}127.0.0.1:${port}`;
  const state = await waitFor(
    async () => {
      if (gone) return 'exited';
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined); // refused until the server listens: expected, not news
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG' && 'ready';
      } catch {
        return undefined;
      } finally {
        probe.disconnect();
      }
    },
    { timeoutMs: 10_000, message: () => `private redis-server to answer on port ${port}\n${output.slice(-2000)}` },
  ).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });
  if (state === 'exited') {
    await exited;
    return { output };
  }
  child.stdout!.removeListener('data', keep);
  child.stderr!.removeListener('data', keep);
  child.stdout!.resume();
  child.stderr!.resume();
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
