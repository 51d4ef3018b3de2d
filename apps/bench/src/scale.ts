import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { claimDueRowsStatement, countRowsByOutcome, oldestDueRowAgeSeconds, oldestDueRowStatement } from '@gitsync/db';
import { createLogger } from '@gitsync/logger';
import { createRedis } from '@gitsync/redis';
import { Scheduler } from '@gitsync/schedule-engine';
import { freePort } from '@gitsync/testing';
import { round } from './cpu.js';
import { usedMemory } from './compose-redis.js';
import type { ScaleFigure } from './figures.js';
import { percentile } from './ondemand.js';
import { TimedProducer } from './scheduling.js';
import { countRows, seedChats } from './seed.js';
import { deletePrefix, type Bench } from './setup.js';

/** The scheduler app's defaults (apps/scheduler/src/env.ts). */
const CLAIM_BATCH = 1000;
const MAX_QUEUED = 2000;
const LEASE_MS = 5 * 60_000;
const SAMPLES = 30;

const ms = (since: number) => performance.now() - since;

/**
 * The system at a million tracked rows: seeds them (set-based SQL), and measures what grows with
 * the table — the claim query's plan and rate, bytes per row in Postgres, Redis with the queue
 * capped, and the API's list and /metrics — so that docs/scaling.md can say how far one machine
 * of each kind goes. No scheduler or worker process may be running (they would claim the rows).
 */
export async function measureScale(bench: Bench): Promise<ScaleFigure> {
  const { db } = bench.pg;
  const SCALE_ROWS = bench.options.scaleRows;
  // Made due for the claim-and-enqueue rate: a tenth of the rows.
  const DUE_ROWS = Math.round(SCALE_ROWS / 10);
  const have = await countRows(bench);
  let t = performance.now();
  if (have < SCALE_ROWS) await seedChats(bench, have, SCALE_ROWS, false);
  const seedSeconds = ms(t) / 1000;
  t = performance.now();
  await db.execute(sql`vacuum analyze chats`);
  await db.execute(sql`vacuum analyze chat_diff_statuses`);
  const vacuumSeconds = (ms(t) / 1000).toFixed(1);
  console.log(
    `[bench] scale: ${SCALE_ROWS} rows seeded in ${seedSeconds.toFixed(1)} s, vacuumed in ${vacuumSeconds} s`,
  );
  const postgres = await sizes(bench, SCALE_ROWS);

  // A tenth of the rows due for the rate, and the capped drain's on top.
  await db.execute(sql`
    update chat_diff_statuses set stale_at = now() - interval '1 second'
    where chat_id in (select chat_id from chat_diff_statuses order by chat_id limit ${DUE_ROWS + MAX_QUEUED})`);
  await db.execute(sql`analyze chat_diff_statuses`);
  const plan = await explainClaim(bench);
  console.log(`[bench] scale: claim plan\n${plan.text}`);

  const capped = await drain(bench, 'capped', MAX_QUEUED);
  const uncapped = await drain(bench, 'rate', Infinity);
  const statsMs = await timeStats(bench);
  const oldestDue = await explain(bench, oldestDueRowStatement);
  console.log(`[bench] scale: oldest due row plan\n${oldestDue.text}`);
  const api = await measureApi(bench);
  const figure: ScaleFigure = {
    rows: SCALE_ROWS,
    seedSeconds: round(seedSeconds, 1),
    postgres,
    claimPlan: plan.text,
    claimUsesIndex: plan.usesIndex,
    claimBatchMs: plan.executionMs,
    oldestDuePlan: oldestDue.text,
    claimAndEnqueue: {
      dueRows: uncapped.rows,
      seconds: round(uncapped.seconds, 2),
      rowsPerSec: round(uncapped.rows / uncapped.seconds),
      // Claims overlap the enqueues: the claim time not hidden behind an addBulk.
      claimSeconds: round(Math.max(0, uncapped.seconds - uncapped.enqueueSeconds), 2),
      enqueueSeconds: round(uncapped.enqueueSeconds, 2),
    },
    redisCapped: { jobs: capped.queued, usedMemoryDeltaBytes: capped.memoryDelta, maxQueued: MAX_QUEUED },
    statsQueriesMs: statsMs,
    api,
  };
  console.log(`[bench] scale: ${JSON.stringify({ ...figure, claimPlan: undefined, oldestDuePlan: undefined })}`);
  return figure;
}

async function sizes(bench: Bench, rows: number): Promise<ScaleFigure['postgres']> {
  const result = await bench.pg.db.execute<{ table: string; heap: string; indexes: string }>(sql`
    select relname as table, pg_table_size(oid) as heap, pg_indexes_size(oid) as indexes
    from pg_class where relname in ('chats', 'chat_diff_statuses')`);
  return Object.fromEntries(
    result.rows.map((r) => [
      r.table,
      {
        tableBytesPerRow: round(Number(r.heap) / rows),
        indexBytesPerRow: round(Number(r.indexes) / rows),
        totalMiB: round((Number(r.heap) + Number(r.indexes)) / 2 ** 20),
      },
    ]),
  );
}

/** The claim statement's plan, and its execution time run for real in a transaction rolled back. */
async function explainClaim(bench: Bench): Promise<{ text: string; usesIndex: boolean; executionMs: number }> {
  const explained = await explain(bench, claimDueRowsStatement({ limit: CLAIM_BATCH, leaseMs: LEASE_MS }));
  // Both halves by index: the due rows from stale_at's, the update of them by primary key (no Seq Scan).
  const usesIndex =
    /Index Scan using chat_diff_statuses_stale_at_idx/.test(explained.text) && !/Seq Scan/.test(explained.text);
  return { ...explained, usesIndex };
}

/** EXPLAIN ANALYZE of a statement, in a transaction rolled back (the claim writes). */
async function explain(bench: Bench, statement: SQL): Promise<{ text: string; executionMs: number }> {
  const { sql: text, params } = new PgDialect().sqlToQuery(statement);
  const client = await bench.pg.pool.connect();
  try {
    await client.query('begin');
    const analyzed = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, costs off) ${text}`, params);
    await client.query('rollback');
    const lines = analyzed.rows.map((r) => r['QUERY PLAN']);
    return {
      text: lines.filter((l) => !/^(Planning|Execution) Time/.test(l)).join('\n'),
      executionMs: Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1] ?? NaN),
    };
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * packages/schedule-engine's drain into a queue nobody consumes: with the scheduler app's cap
 * (Redis memory then), or without one (the claim-and-enqueue rate over every due row left).
 */
async function drain(bench: Bench, name: string, maxQueued: number) {
  const prefix = `${bench.prefix}-${name}`;
  const connection = createRedis(bench.redisUrl, 'producer');
  const producer = new TimedProducer({ connection, prefix });
  const scheduler = new Scheduler({
    db: bench.pg.db,
    producer,
    logger: createLogger('bench-scale', { level: 'warn' }),
    leaseMs: LEASE_MS,
    batchSize: CLAIM_BATCH,
    maxQueued,
    intervalMs: 1000,
  });
  try {
    const before = await usedMemory(bench.redis);
    const started = performance.now();
    const rows = await scheduler.drain();
    const seconds = ms(started) / 1000;
    const memoryDelta = (await usedMemory(bench.redis)) - before;
    const queued = await producer.queue.getJobCountByTypes('prioritized', 'wait');
    const enqueueSeconds = producer.enqueueMs / 1000;
    console.log(
      `[bench] scale: drain ${name}: ${rows} rows in ${seconds.toFixed(2)} s ` +
        `(addBulk ${enqueueSeconds.toFixed(2)} s); ${queued} queued, +${memoryDelta} B`,
    );
    return { rows, seconds, queued, memoryDelta, enqueueSeconds };
  } finally {
    await scheduler.stop();
    await producer.close();
    connection.disconnect();
    await deletePrefix(bench.redis, prefix);
  }
}

/** The two statements /metrics reads from Postgres, timed at this size (median of five). */
async function timeStats(bench: Bench): Promise<ScaleFigure['statsQueriesMs']> {
  const median = async (fn: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await fn();
      times.push(ms(t));
    }
    return round(times.sort((a, b) => a - b)[2]!, 1);
  };
  return {
    rowsByOutcome: await median(() => countRowsByOutcome(bench.pg.db)),
    oldestDueRow: await median(() => oldestDueRowAgeSeconds(bench.pg.db)),
  };
}

/** A real API process: list pages (all chats, one owner's, the next page) and /metrics, one request at a time. */
async function measureApi(bench: Bench): Promise<ScaleFigure['api']> {
  const key = `bench-admin-${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const api = await bench.processes.app(
    'api',
    bench.env({ PORT: String(port), GITSYNC_ADMIN_API_KEY: key, LOG_LEVEL: 'info' }),
    'api-scale',
    'api listening',
  );
  const base = `http://127.0.0.1:${port}`;
  const get = async (path: string, auth = true) => {
    const t = performance.now();
    const res = await fetch(`${base}${path}`, { headers: auth ? { authorization: `Bearer ${key}` } : {} });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 200)}`);
    return { ms: ms(t), body };
  };
  const timed = async (path: () => Promise<string>, auth = true) => {
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) times.push((await get(await path(), auth)).ms);
    times.sort((a, b) => a - b);
    return { p50Ms: round(percentile(times, 50), 1), p95Ms: round(percentile(times, 95), 1) };
  };
  try {
    const owner = await bench.pg.db.execute<{ id: string }>(sql`select id from users where username = 'bench_u0'`);
    const ownerId = owner.rows[0]!.id;
    const first = JSON.parse((await get('/api/v1/chats?limit=25')).body) as { next_cursor?: string };
    const cold = await get('/metrics', false);
    return {
      listAll: await timed(async () => '/api/v1/chats?limit=25'),
      listOwner: await timed(async () => `/api/v1/chats?limit=25&owner_id=${ownerId}`),
      listNextPage: await timed(async () => `/api/v1/chats?limit=25&cursor=${encodeURIComponent(first.next_cursor!)}`),
      metricsFirstMs: round(cold.ms, 1),
      metrics: await timed(async () => '/metrics', false),
    };
  } finally {
    await bench.processes.stop([api]);
  }
}
