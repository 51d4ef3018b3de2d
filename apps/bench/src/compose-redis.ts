import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RedisConnection } from '@gitsync/redis';
import { parse } from 'yaml';
import { RefreshProducer, type RefreshPayload } from '@gitsync/queue';
import { createRedis } from '@gitsync/redis';
import { startPrivateRedis } from '@gitsync/testing';
import { enqueueAll } from './ceiling.js';
import { round } from './cpu.js';
import { repoRoot } from './options.js';

/** INFO memory's used_memory, in bytes. */
export async function usedMemory(redis: RedisConnection): Promise<number> {
  const info = await redis.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match) throw new Error('INFO memory has no used_memory');
  return Number(match[1]);
}

/** The redis-server settings operators run with (docker-compose.yml's redis command). */
export function composeRedisArgs(): string[] {
  const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
    services?: { redis?: { command?: string[] } };
  };
  const command = compose.services?.redis?.command;
  if (!command || command[0] !== 'redis-server')
    throw new Error('docker-compose.yml: services.redis.command is not a redis-server command');
  // The password (interpolated from the environment by compose) is access control, not a memory setting.
  const args = command.slice(1);
  const password = args.indexOf('--requirepass');
  return password === -1 ? args : [...args.slice(0, password), ...args.slice(password + 2)];
}

/**
 * Bytes per queued job in a redis-server of the run's own, started with docker-compose.yml's
 * settings: the same payloads through the real producer, under a prefix as long as the run's.
 */
export async function composeBytesPerJob(
  payloads: RefreshPayload[],
  prefix: string,
): Promise<{ args: string[]; bytesPerJob: number }> {
  const args = composeRedisArgs();
  const redis = await startPrivateRedis(args);
  const connection = createRedis(redis.url, 'producer');
  const producer = new RefreshProducer({ connection, prefix });
  try {
    const before = await usedMemory(redis.client);
    await enqueueAll(producer, payloads);
    const queued = await producer.queue.getJobCountByTypes('prioritized', 'wait');
    return { args, bytesPerJob: round(((await usedMemory(redis.client)) - before) / Math.max(1, queued)) };
  } finally {
    await producer.close();
    connection.disconnect();
    await redis.stop();
  }
}
