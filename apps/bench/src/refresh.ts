import { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import { jobCatalog, wakeSchedulers } from '@gitsync/queue';
import type { AppProcess } from '@gitsync/testing';
import { CpuMeter, round } from './cpu.js';
import type { Pass, RefreshFigure } from './figures.js';
import type { Bench } from './setup.js';
import { deadlineMs, sleep, waitQueueEmpty } from './wait.js';
import { passCost, readCounters } from './probes.js';
import { rssBytes } from './procs.js';
import { jobsRun, type WorkerProcess } from './workers.js';

/** The processes a pass runs against. */
export interface RunningSystem {
  scheduler: AppProcess;
  workers: WorkerProcess[];
  /** Redis server's pid, for CPU accounting (null when Redis runs elsewhere). */
  redisPid: number | null;
}

const describe = (f: RefreshFigure) =>
  `${f.workers}w ${f.latencyMs}ms ${f.pass}: ${f.rows}${f.complete ? '' : ` of ${f.rowsDue} (capped)`} ` +
  `rows in ${f.seconds}s = ${f.rowsPerSec}/s, ` +
  `${f.requestsPerRefresh} req/refresh (${f.countedPerRefresh} counted), ` +
  `job ${f.cost.meanJobMs} ms, slots ${f.cost.slotOccupancy}, ` +
  `redis ${f.cost.redisCommandsPerRefresh} cmd/refresh, ` +
  `pg ${f.cost.pgTransactionsPerRefresh} tx/refresh, cpu s ${JSON.stringify(f.cpuSeconds)}`;

export const refreshQueue = (bench: Bench) =>
  new Queue(jobCatalog['refresh-diff-status'].queue, { connection: bench.redis, prefix: bench.prefix });

async function progress(bench: Bench, t0: string): Promise<{ refreshed: number; other: number }> {
  const result = await bench.pg.db.execute<{ refreshed: string; other: string }>(sql`
    select count(*) filter (where refreshed_at >= ${t0}::timestamptz) as refreshed,
           count(*) filter (where updated_at >= ${t0}::timestamptz
                              and last_outcome is distinct from 'refreshed') as other
    from chat_diff_statuses`);
  const r = result.rows[0];
  return { refreshed: Number(r?.refreshed ?? 0), other: Number(r?.other ?? 0) };
}

/**
 * When to count again: the count scans the whole table (tens of milliseconds of Postgres at 20,000
 * rows), and every 200 ms it was a sixth of Postgres's CPU in a pass, billed to the system. Half
 * the time the pass still needs at its rate so far, never past the cap: the looks thin out while
 * the end is far and close in on it, so the end is still seen within a look of 50 ms.
 */
export function nextLook(rows: number, rowsDue: number, elapsedMs: number, leftMs: number): number {
  const rate = rows / Math.max(1, elapsedMs);
  const toEnd = rate > 0 ? (rowsDue - rows) / rate : Infinity;
  return Math.max(50, Math.min(2_000, toEnd / 2, leftMs));
}

/**
 * Stops a pass that hit its cap: the jobs still waiting are removed (with their deduplication
 * keys) and the running ones finish, so the next pass starts from an empty queue. Their rows keep
 * their lease until the next pass makes every row due again.
 */
export async function cancelBacklog(bench: Bench, queue: Queue): Promise<void> {
  // The scheduler keeps only a part of a backlog in Redis (GITSYNC_MAX_QUEUED): the rest is due in
  // Postgres and would be topped up into the queue as fast as it is drained.
  await bench.pg.db.execute(
    sql`update chat_diff_statuses set stale_at = now() + interval '1 day' where stale_at <= now()`,
  );
  await queue.drain(true);
  await waitQueueEmpty(queue, 60_000, 'cancelled backlog');
}

/**
 * Every row's url and ETags, kept after the first complete pass: a first pass that hits its cap
 * leaves the rows it did not reach without them, and they are put back so that the steady pass
 * that follows really is steady (nothing on the fakes changes meanwhile).
 */
export async function saveValidators(bench: Bench): Promise<void> {
  await bench.pg.db.execute(sql`
    create table if not exists bench_validators as
    select chat_id, url, pull_etag, reviews_etag from chat_diff_statuses`);
}

async function restoreValidators(bench: Bench): Promise<void> {
  await bench.pg.db.execute(sql`
    update chat_diff_statuses ds set url = v.url, pull_etag = v.pull_etag, reviews_etag = v.reviews_etag
    from bench_validators v where v.chat_id = ds.chat_id and ds.url is null`);
}

/**
 * Makes every row due in one statement and times the system from there until every row is
 * written back, or until `capSeconds` (then the rate is over the rows done by then). A first
 * pass forgets urls and ETags (every PR is found by branch again); a steady pass keeps them.
 */
export async function measurePass(
  bench: Bench,
  system: RunningSystem,
  latencyMs: number,
  pass: Pass,
  capSeconds: number | null,
): Promise<RefreshFigure> {
  const { db } = bench.pg;
  const rowsDue = bench.options.rows;
  const queue = refreshQueue(bench);
  try {
    bench.setLatency(latencyMs);
    bench.clearRequests();
    const meter = new CpuMeter({
      workers: system.workers.map((w) => w.app.child.pid ?? 0),
      scheduler: [system.scheduler.child.pid ?? 0],
      'bench+fakes': [process.pid],
      postgres: { postgres: bench.dbName },
      redis: system.redisPid === null ? [] : [system.redisPid],
    });
    const before = await readCounters(bench, system.workers);
    const [clock] = (await db.execute<{ t0: string }>(sql`select clock_timestamp()::text as t0`)).rows;
    const t0 = clock!.t0;
    const started = performance.now();
    await db.execute(
      pass === 'first'
        ? sql`update chat_diff_statuses
              set stale_at = now() - interval '1 second', url = null, pull_etag = null, reviews_etag = null`
        : sql`update chat_diff_statuses set stale_at = now() - interval '1 second'`,
    );
    // A report wakes the schedulers the same way; without it the first claim waits up to a tick.
    await wakeSchedulers(bench.redis, bench.prefix);
    const deadline = started + (capSeconds === null ? deadlineMs(rowsDue, 20) : capSeconds * 1000);
    let done = { refreshed: 0, other: 0 };
    let ended = started;
    let endedAt = Date.now();
    for (;;) {
      done = await progress(bench, t0);
      ended = performance.now();
      endedAt = Date.now();
      if (done.refreshed + done.other >= rowsDue || ended >= deadline) break;
      await sleep(nextLook(done.refreshed + done.other, rowsDue, ended - started, deadline - ended));
    }
    const complete = done.refreshed + done.other >= rowsDue;
    if (!complete && capSeconds === null)
      throw new Error(`${pass} pass at ${latencyMs} ms: only ${JSON.stringify(done)} of ${rowsDue} rows written back`);
    const cpuSeconds = meter.stop();
    const after = await readCounters(bench, system.workers);
    // Requests answered while the clock ran (a capped pass goes on for a moment while it is cancelled).
    const requests = bench.providers.flatMap((p) => p.fake.requests.filter((r) => r.at <= endedAt));
    if (complete) await waitQueueEmpty(queue, 60_000, `${pass} pass`);
    else await cancelBacklog(bench, queue);
    if (!complete && pass === 'first') await restoreValidators(bench);
    const seconds = (ended - started) / 1000;
    const rows = done.refreshed + done.other;
    const outcomes = await db.execute<{ outcome: string; n: string }>(sql`
      select coalesce(last_outcome::text, 'none') as outcome, count(*) as n from chat_diff_statuses
      where updated_at >= ${t0}::timestamptz and last_outcome is distinct from 'refreshed' group by 1`);
    const counted = requests.filter((r) => r.status !== 304).length;
    const figure: RefreshFigure = {
      workers: system.workers.length,
      latencyMs,
      pass,
      rowsDue,
      rows,
      complete,
      seconds: round(seconds, 2),
      rowsPerSec: round(rows / seconds),
      otherOutcomes: Object.fromEntries(outcomes.rows.map((r) => [r.outcome, Number(r.n)])),
      requests: requests.length,
      countedRequests: counted,
      conditionalRequests: requests.filter((r) => r.conditional).length,
      requestsPerRefresh: round(requests.length / Math.max(1, rows), 3),
      countedPerRefresh: round(counted / Math.max(1, rows), 3),
      cpuSeconds,
      cost: passCost(before, after, rows, system.workers.length * bench.options.concurrency, seconds),
      workerRss: await Promise.all(
        system.workers.map(async (w) => ({
          name: w.app.name,
          jobs: await jobsRun(w),
          rssBytes: rssBytes(w.app.child.pid),
        })),
      ),
    };
    bench.clearRequests();
    console.log(`[bench] refresh ${describe(figure)}`);
    return figure;
  } finally {
    await queue.close();
  }
}
