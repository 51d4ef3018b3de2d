import { sql } from 'drizzle-orm';
import { round } from './cpu.js';
import type { Bench } from './setup.js';
import type { WorkerProcess } from './workers.js';

/** Counters read before and after a pass; their differences say what one refresh costs. */
interface Counters {
  redis: Map<string, number>;
  pgTransactions: number;
  pgRowsUpdated: number;
  /** Summed over the workers: jobs finished and seconds spent in the handler. */
  jobs: number;
  handlerSeconds: number;
}

export interface PassCost {
  /** Redis commands per refresh, server-wide (other clients of the server included), scripts' inner calls included. */
  redisCommandsPerRefresh: number;
  /** Script calls (EVALSHA/EVAL) per refresh: each is one round trip. */
  redisScriptsPerRefresh: number;
  /** The commands most called, per refresh. */
  redisTop: Record<string, number>;
  /** Committed transactions of the run's database per refresh (every statement outside a transaction is one). */
  pgTransactionsPerRefresh: number;
  pgRowsUpdatedPerRefresh: number;
  /** Mean time a job spent in the worker's handler (gitsync_refresh_duration_seconds). */
  meanJobMs: number;
  /** Handler time over the slots available (processes × concurrency × seconds): 1 = every slot always busy. */
  slotOccupancy: number;
}

/** Calls per command since the server started (INFO commandstats), scripts' inner calls included. */
export async function redisCalls(bench: Pick<Bench, 'redis'>): Promise<Map<string, number>> {
  const info = await bench.redis.info('commandstats');
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

/** Calls per command between two readings of `redisCalls` (commands called at least once). */
export function redisCallDeltas(before: Map<string, number>, after: Map<string, number>): Array<[string, number]> {
  return [...after]
    .map(([cmd, calls]): [string, number] => [cmd, calls - (before.get(cmd) ?? 0)])
    .filter(([, d]) => d > 0);
}

/** Every command called between two readings of `redisCalls`, summed. */
export const redisCallsBetween = (before: Map<string, number>, after: Map<string, number>): number =>
  redisCallDeltas(before, after).reduce((sum, [, d]) => sum + d, 0);

async function workerCounters(worker: WorkerProcess): Promise<{ jobs: number; seconds: number }> {
  try {
    const res = await fetch(`http://127.0.0.1:${worker.healthPort}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    return {
      jobs: value('gitsync_refresh_duration_seconds_count'),
      seconds: value('gitsync_refresh_duration_seconds_sum'),
    };
  } catch {
    return { jobs: 0, seconds: 0 };
  }
}

export async function readCounters(bench: Bench, workers: WorkerProcess[]): Promise<Counters> {
  const [redis, pg, perWorker] = await Promise.all([
    redisCalls(bench),
    bench.pg.db.execute<{ xacts: string; updated: string }>(sql`
      select xact_commit as xacts, tup_updated as updated from pg_stat_database where datname = current_database()`),
    Promise.all(workers.map(workerCounters)),
  ]);
  return {
    redis,
    pgTransactions: Number(pg.rows[0]?.xacts ?? 0),
    pgRowsUpdated: Number(pg.rows[0]?.updated ?? 0),
    jobs: perWorker.reduce((s, w) => s + w.jobs, 0),
    handlerSeconds: perWorker.reduce((s, w) => s + w.seconds, 0),
  };
}

export function passCost(
  before: Counters,
  after: Counters,
  refreshes: number,
  slots: number,
  seconds: number,
): PassCost {
  const per = (n: number) => round(n / Math.max(1, refreshes), 2);
  const deltas = redisCallDeltas(before.redis, after.redis);
  const total = deltas.reduce((sum, [, d]) => sum + d, 0);
  const scripts = deltas.filter(([cmd]) => cmd === 'evalsha' || cmd === 'eval').reduce((s, [, d]) => s + d, 0);
  const jobs = after.jobs - before.jobs;
  const handler = after.handlerSeconds - before.handlerSeconds;
  return {
    redisCommandsPerRefresh: per(total),
    redisScriptsPerRefresh: per(scripts),
    redisTop: Object.fromEntries(
      deltas
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([cmd, d]) => [cmd, per(d)]),
    ),
    pgTransactionsPerRefresh: per(after.pgTransactions - before.pgTransactions),
    pgRowsUpdatedPerRefresh: per(after.pgRowsUpdated - before.pgRowsUpdated),
    meanJobMs: jobs > 0 ? round((1000 * handler) / jobs, 1) : 0,
    slotOccupancy: round(handler / Math.max(1e-9, slots * seconds), 2),
  };
}
