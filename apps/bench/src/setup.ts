import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createDb, ensureDatabase, migrateDatabase, type DbClient } from '@gitsync/db';
import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import { scanKeys, startPrivateRedis, withAdmin, withDatabase } from '@gitsync/testing';
import type { BenchOptions } from './options.js';
import { Processes } from './procs.js';

/** One git provider of the run: its id in GITSYNC_EXTERNAL_AUTH_<n>_ID and the fake behind it. */
export interface BenchProvider {
  id: string;
  fake: FakeGitHub;
}

/**
 * What every phase shares: a database and a BullMQ prefix of the run's own, two fake GitHub
 * servers (two providers), and the processes started so far. `close()` removes all of it.
 */
export interface Bench {
  options: BenchOptions;
  dbName: string;
  dbUrl: string;
  pg: DbClient;
  /** REDIS_URL, or the bench's own redis-server with `--private-redis`. */
  redisUrl: string;
  redis: Redis;
  /** BullMQ prefix of the real system; phases that need a queue of their own append `-<name>`. */
  prefix: string;
  providers: [BenchProvider, BenchProvider];
  processes: Processes;
  /** Environment for the real apps: database, Redis, prefix and both providers. */
  env(extra?: Record<string, string>): Record<string, string>;
  setLatency(ms: number): void;
  clearRequests(): void;
  close(): Promise<void>;
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdmin(
    (admin) => admin.query(`drop database if exists "${name}" with (force)`),
    withDatabase('postgres', serverUrl),
  );
}

/**
 * Deletes every key of the prefix; with `subPrefixes`, also those of its `-<name>` sub-prefixes
 * (a phase deletes its own sub-prefix as soon as it is over: Redis memory is measured later).
 */
export async function deletePrefix(redis: Redis, prefix: string, subPrefixes = false): Promise<number> {
  let deleted = 0;
  for (const pattern of subPrefixes ? [`${prefix}:*`, `${prefix}-*:*`] : [`${prefix}:*`]) {
    const keys = await scanKeys(redis, pattern);
    for (let i = 0; i < keys.length; i += 5000) deleted += await redis.unlink(...keys.slice(i, i + 5000));
  }
  return deleted;
}

/**
 * Creates the run's database (migrated), prefix and fakes. Whatever was created before a failure
 * is removed again before the error is passed on.
 */
export async function startBench(options: BenchOptions): Promise<Bench> {
  const id = randomBytes(5).toString('hex');
  const dbName = `gitsync_bench_${id}`;
  const dbUrl = withDatabase(dbName, options.databaseUrl);
  const prefix = `gsbench_${id}`;
  const undo: Array<() => Promise<unknown>> = [];
  const processes = new Processes();
  // Once only: a signal and the main flow's finally may both ask for it.
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      // Processes first (they hold connections), then everything else even if one step fails.
      await processes.stopAll().catch((err: unknown) => console.error('[bench] stopping processes failed:', err));
      for (const step of undo.reverse())
        await step().catch((err: unknown) => console.error('[bench] cleanup step failed:', err));
    })());
  try {
    undo.push(() => dropDatabase(options.databaseUrl, dbName));
    await ensureDatabase(dbUrl);
    await migrateDatabase(dbUrl);
    const pg = createDb(dbUrl, { max: 10 });
    undo.push(() => pg.close());
    let redisUrl = options.redisUrl;
    if (options.privateRedis) {
      // Alone on its server, the run's Redis figures (commands, CPU, memory) are its own.
      const own = await startPrivateRedis();
      undo.push(() => own.stop());
      redisUrl = own.url;
    }
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
    await redis.connect();
    undo.push(async () => {
      await deletePrefix(redis, prefix, true);
      redis.disconnect();
    });
    const fakes: FakeGitHub[] = [];
    for (let i = 0; i < 2; i++) {
      const fake = await startFakeGitHub({ latencyMs: 0 });
      fakes.push(fake);
      undo.push(() => fake.close());
    }
    const providers: [BenchProvider, BenchProvider] = [
      { id: 'gh1', fake: fakes[0]! },
      { id: 'gh2', fake: fakes[1]! },
    ];
    return {
      options,
      dbName,
      dbUrl,
      pg,
      redisUrl,
      redis,
      prefix,
      providers,
      processes,
      env: (extra = {}) => ({
        DATABASE_URL: dbUrl,
        REDIS_URL: redisUrl,
        GITSYNC_QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'info',
        ...Object.fromEntries(
          providers.flatMap((p, i) => [
            [`GITSYNC_EXTERNAL_AUTH_${i + 1}_ID`, p.id],
            [`GITSYNC_EXTERNAL_AUTH_${i + 1}_API_BASE_URL`, p.fake.apiBaseUrl],
          ]),
        ),
        ...extra,
      }),
      setLatency: (ms) => providers.forEach((p) => p.fake.setLatency(ms)),
      clearRequests: () => providers.forEach((p) => p.fake.clearRequests()),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
