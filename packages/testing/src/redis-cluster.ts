import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Cluster } from 'ioredis';
import { createRedis } from '@gitsync/redis';
import { freePort } from './redis-server.js';
import { waitFor } from './wait.js';

export interface PrivateCluster {
  /** The masters' URLs. */
  urls: string[];
  /** `REDIS_URL` for the system's processes: every node, comma-separated (cluster mode). */
  url: string;
  /** A cluster client (producer settings). */
  client: Cluster;
  stop(): Promise<void>;
}

interface Node {
  port: number;
  child: ChildProcess;
  output(): string;
  exited: Promise<void>;
}

const run = promisify(execFile);

/**
 * A Redis Cluster of the test's own: three masters without replicas on free loopback ports (the
 * cluster bus on free ports too), no persistence, its node files in a temporary folder. A
 * redis-server that does not start (a busy port, an old version without `--cluster-port`) fails
 * this with what the server printed. `args`: more settings for every node.
 */
export async function startPrivateCluster(masters = 3, args: readonly string[] = []): Promise<PrivateCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gitsync-cluster-'));
  const nodes: Node[] = [];
  const stopNodes = async () => {
    for (const node of nodes) node.child.kill('SIGKILL');
    await Promise.all(nodes.map((node) => node.exited));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) nodes.push(await startNode(dir, i, args));
    await Promise.all(nodes.map((node) => untilAnswers(node)));
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 30_000,
    }).catch((err: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`redis-cli --cluster create failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    });
    await Promise.all(nodes.map((node) => untilClusterOk(node)));
  } catch (err) {
    await stopNodes();
    throw err;
  }
  const urls = nodes.map((node) => `redis://127.0.0.1:${node.port}`);
  const client = createRedis({ urls, cluster: true }, 'producer') as Cluster;
  await waitFor(async () => (await client.ping()) === 'PONG' || undefined, {
    timeoutMs: 10_000,
    message: 'the cluster client to learn the slots',
  });
  return {
    urls,
    url: urls.join(','),
    client,
    async stop() {
      client.disconnect();
      await stopNodes();
    },
  };
}

async function startNode(dir: string, i: number, args: readonly string[]): Promise<Node> {
  const [port, busPort] = [await freePort(), await freePort()];
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--cluster-port',
      String(busPort),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      path.join(dir, `nodes-${i}.conf`),
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('error', (err) => keep(Buffer.from(`${err.message}\n`)));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { port, child, output: () => output, exited };
}

/** Resolves once the node answers PING; fails at once, with what it printed, when it exited instead. */
async function untilAnswers(node: Node): Promise<void> {
  let settled = false;
  // Stops asking once the race is decided, either way.
  const answers = waitFor(async () => settled || (await ask(node.port, 'ping')) === 'PONG' || undefined, {
    timeoutMs: 10_000,
    message: () => `redis-server on port ${node.port} to answer\n${node.output()}`,
  });
  answers.catch(() => undefined); // lost the race to an exit: already reported
  const exitedFirst = node.exited.then(() => {
    if (!settled) throw new Error(`redis-server on port ${node.port} exited at start:\n${node.output()}`);
  });
  try {
    await Promise.race([answers, exitedFirst]);
  } finally {
    settled = true;
  }
}

async function untilClusterOk(node: Node): Promise<void> {
  await waitFor(async () => /cluster_state:ok/.test(String(await ask(node.port, 'cluster', 'info'))) || undefined, {
    timeoutMs: 15_000,
    message: `the node on port ${node.port} to see the cluster ok`,
  });
}

/** One command through redis-cli (no client to tear down); undefined while the server does not answer. */
async function ask(port: number, ...command: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...command], { timeout: 2_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}
