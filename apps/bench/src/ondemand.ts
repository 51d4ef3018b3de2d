import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { wakeSchedulers } from '@gitsync/queue';
import { freePort, waitFor } from '@gitsync/testing';
import { round } from './cpu.js';
import type { OnDemandFigure, OnDemandResult } from './figures.js';
import { someChatIds } from './seed.js';
import type { Bench } from './setup.js';
import { cancelBacklog, refreshQueue } from './refresh.js';
import { jobsLeft } from './wait.js';
import { measureWebhooks, webhookEnv } from './webhook.js';

const WARMUP = 10;

/** Provider latency during the on-demand phase: none, so the figures are the system's own. */
export const ON_DEMAND_LATENCY_MS = 0;

/** One timed call of the refresh route (caller.ts). */
export interface Sample {
  ms: number;
  status: number;
  completed: boolean;
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

function summarise(condition: OnDemandFigure['condition'], samples: Sample[]): OnDemandFigure {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    condition,
    samples: samples.length,
    p50Ms: round(percentile(ms, 50), 1),
    p99Ms: round(percentile(ms, 99), 1),
    maxMs: round(ms.at(-1) ?? 0, 1),
    completed: samples.filter((s) => s.completed).length,
    failed: samples.filter((s) => s.status !== 200).length,
  };
}

/**
 * p50/p99 of `POST /api/v1/chats/{chat}/diff-status/refresh` through a real API process, one
 * request at a time: with the workers idle, then while a background backlog of every row keeps
 * them saturated, timed by a client in a process of its own (caller.ts). Runs against the system
 * left running by the refresh phases.
 */
export async function measureOnDemand(bench: Bench): Promise<OnDemandResult> {
  const latencyMs = ON_DEMAND_LATENCY_MS;
  const key = `bench-admin-${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const api = await bench.processes.app(
    'api',
    // Quotas off: this measures latency, and one key asks for every sample.
    bench.env({
      PORT: String(port),
      HOST: '127.0.0.1',
      GITSYNC_ADMIN_API_KEY: key,
      GITSYNC_API_QUOTA: '0',
      GITSYNC_REFRESH_QUOTA: '0',
      ...webhookEnv(bench),
    }),
    'api',
    'api listening',
  );
  const callerPort = await freePort();
  const caller = await bench.processes.script(
    'apps/bench/src/caller.ts',
    { CALLER_PORT: String(callerPort), API_URL: `http://127.0.0.1:${port}`, API_KEY: key },
    'caller',
    'caller listening',
  );
  const queue = refreshQueue(bench);
  try {
    bench.setLatency(latencyMs);
    const ids = await someChatIds(bench, Math.max(WARMUP, bench.options.onDemandSamples));
    const call = async (chatId: string): Promise<Sample> => {
      const res = await fetch(`http://127.0.0.1:${callerPort}/call/${chatId}`, { method: 'POST' });
      if (!res.ok) throw new Error(`on-demand: the caller failed: ${await res.text()}`);
      return (await res.json()) as Sample;
    };

    for (let i = 0; i < WARMUP; i++) {
      const warm = await call(ids[i % ids.length]!);
      if (warm.status !== 200)
        throw new Error(`on-demand: POST /api/v1/chats/{chat}/diff-status/refresh answered ${warm.status}`);
    }

    const idle: Sample[] = [];
    for (let i = 0; i < bench.options.onDemandSamples; i++) idle.push(await call(ids[i % ids.length]!));
    const webhook: Sample[] = (
      await measureWebhooks(bench, `http://127.0.0.1:${port}`, Math.min(100, bench.options.onDemandSamples))
    ).map((ms) => ({ ms, status: 200, completed: true }));

    // Every row due at once; sampling starts when the scheduler has queued a real backlog.
    const rows = bench.options.rows;
    await bench.pg.db.execute(sql`update chat_diff_statuses set stale_at = now() - interval '1 second'`);
    await wakeSchedulers(bench.redis, bench.prefix);
    await waitFor(async () => (await jobsLeft(queue)) >= Math.min(rows / 2, 1000) || undefined, {
      timeoutMs: 30_000,
      message: 'the scheduler to queue a backlog',
    });
    const backlog: Sample[] = [];
    let left = await jobsLeft(queue);
    for (let i = 0; i < bench.options.onDemandSamples && left > 0; i++) {
      backlog.push(await call(ids[(i * 7) % ids.length]!));
      left = await jobsLeft(queue);
    }
    // What is left of the backlog is not needed any more.
    await cancelBacklog(bench, queue);
    const figures = [
      summarise('idle', idle),
      summarise('webhook', webhook),
      { ...summarise('backlog', backlog), backlogLeftAtEnd: left },
    ];
    for (const f of figures)
      console.log(`[bench] on-demand ${f.condition}: p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms over ${f.samples} calls`);
    return {
      available: true,
      ...(backlog.length < bench.options.onDemandSamples && {
        note: `the backlog drained after ${backlog.length} calls`,
      }),
      latencyMs,
      figures,
    };
  } finally {
    await queue.close();
    await bench.processes.stop([caller, api]);
  }
}
