import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { measureBudget } from './budget.js';
import { measureCeiling } from './ceiling.js';
import type {
  BenchResults,
  CeilingFigure,
  MemoryFigures,
  OnDemandResult,
  ProfileSummary,
  RefreshFigure,
} from './figures.js';
import { measureFlatness } from './flat.js';
import { measureOnDemand, ON_DEMAND_LATENCY_MS } from './ondemand.js';
import { summariseProfiles } from './profile.js';
import { measurePass, saveValidators, type RunningSystem } from './refresh.js';
import { measureScale } from './scale.js';
import { measureScheduler, type SchedulerPhase } from './scheduling.js';
import { isBudgetOnly, repoRoot, type Phase } from './options.js';
import { seedChats, seedUsers } from './seed.js';
import type { Bench } from './setup.js';
import { evaluateTargets } from './targets.js';
import { startWorker, workerEnv, workerMemory, type WorkerProcess } from './workers.js';

const PASSES = ['first', 'steady'] as const;

async function versions(bench: Bench) {
  const pg = await bench.pg.db.execute<{ v: string }>(sql`select current_setting('server_version') as v`);
  const info = await bench.redis.info('server');
  const bullmq = (
    JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/bullmq/package.json'), 'utf8')) as { version: string }
  ).version;
  const pid = /^process_id:(\d+)/m.exec(info)?.[1];
  return {
    postgres: pg.rows[0]?.v ?? 'unknown',
    redis: /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown',
    // Only a Redis on this machine can be measured for CPU.
    redisPid: pid && /^redis:\/\/(127\.0\.0\.1|localhost)[:/]/.test(bench.redisUrl) ? Number(pid) : null,
    bullmq,
  };
}

/** The figures of a phase that was not run (`--phases`): empty, and its targets read as missed. */
const notRun = {
  onDemand: (latencyMs: number): OnDemandResult => ({
    available: false,
    note: 'not run (--phases)',
    latencyMs,
    figures: [],
  }),
  scheduler: (): SchedulerPhase => ({
    scheduler: {
      mode: 'not run (--phases)',
      rows: 0,
      batch: 0,
      seconds: 0,
      rowsPerSec: 0,
      claimSeconds: 0,
      enqueueSeconds: 0,
      cpuSeconds: {},
    },
    redisBytesPerJob: 0,
    redisJobsQueued: 0,
    redisBreakdown: {},
    compose: null,
  }),
  flat: (): MemoryFigures['flat'] => ({
    worker: 'not run (--phases)',
    jobs: 0,
    rssAtBytes: [],
    growth: null,
    seconds: 0,
  }),
};

/** Every phase chosen, in turn; processes of one phase are stopped before the next needs them gone. */
export async function runPhases(bench: Bench, startedAt: Date): Promise<BenchResults> {
  const { options } = bench;
  const on = (phase: Phase) => options.phases.includes(phase);
  const t0 = performance.now();
  const v = await versions(bench);
  const wEnv = workerEnv(bench);
  const { concurrency } = options;
  const schedulerEnv = bench.env();
  console.log(
    `[bench] database ${bench.dbName}, BullMQ prefix ${bench.prefix}, ` +
      `fakes ${bench.providers.map((p) => p.fake.url).join(' ')}`,
  );
  console.log(`[bench] phases: ${options.phases.join(', ')}`);
  console.log(
    `[bench] worker env:\n${Object.entries(wEnv)
      .map(([k, val]) => `  ${k}=${val}`)
      .join('\n')}`,
  );

  if (!isBudgetOnly(options.phases)) {
    const t = performance.now();
    await seedUsers(bench);
    await seedChats(bench, 0, options.rows, true);
    console.log(
      `[bench] seeded ${options.users} users and ${options.rows} chats ` +
        `with PRs in ${((performance.now() - t) / 1000).toFixed(1)}s`,
    );
  }

  const ceiling: CeilingFigure[] = [];
  if (on('ceiling')) for (const w of options.workerCounts) ceiling.push(await measureCeiling(bench, w, concurrency));

  const running = on('refresh') ? await runSystem(bench, v.redisPid, on('ondemand')) : null;
  const sched = on('scheduler') ? await measureScheduler(bench) : notRun.scheduler();
  const flat = on('flat') ? await measureFlatness(bench, concurrency) : notRun.flat();
  const budget = on('budget') ? await measureBudget(bench, options.budget) : null;
  // Last: it leaves a million rows behind, which would slow every phase after it.
  const scale = on('scale') ? await measureScale(bench) : null;
  const figures = {
    budget,
    ceiling,
    refresh: running?.refresh ?? [],
    onDemand: running?.onDemand ?? notRun.onDemand(ON_DEMAND_LATENCY_MS),
    scheduler: sched.scheduler,
    memory: {
      redisBytesPerJob: sched.redisBytesPerJob,
      redisJobsQueued: sched.redisJobsQueued,
      redisBreakdown: sched.redisBreakdown,
      compose: sched.compose,
      workers: running?.workers ?? [],
      flat,
    },
  };
  return {
    meta: {
      startedAt: startedAt.toISOString(),
      database: bench.dbName,
      queuePrefix: bench.prefix,
      seconds: Math.round((performance.now() - t0) / 1000),
      quick: options.quick,
      cores: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryBytes: os.totalmem(),
      node: process.version,
      postgres: v.postgres,
      redis: v.redis,
      redisServer: options.privateRedis ? 'private' : 'REDIS_URL',
      bullmq: v.bullmq,
      rows: options.rows,
      users: options.users,
      providers: bench.providers.length,
      passSeconds: options.passSeconds,
      workerEnv: wEnv,
      schedulerEnv,
    },
    ...figures,
    targets: evaluateTargets(figures),
    profile: running?.profile ?? null,
    scale,
  };
}

/**
 * The real scheduler and workers: the refresh passes, then (when chosen) the on-demand phase and
 * the profile against the same processes, which are all stopped before returning.
 */
async function runSystem(bench: Bench, redisPid: number | null, onDemandToo: boolean) {
  const { options } = bench;
  const scheduler = await bench.processes.app('scheduler', bench.env(), 'scheduler', 'scheduler started');
  const system: RunningSystem = { scheduler, workers: [], redisPid };
  const refresh: RefreshFigure[] = [];
  for (const w of [...options.workerCounts].sort((a, b) => a - b)) {
    while (system.workers.length < w)
      system.workers.push(await startWorker(bench, `worker${system.workers.length + 1}`));
    for (const latency of options.latencies) {
      for (const pass of PASSES) {
        // The first pass of the run must reach every row: it gives each its url and ETags.
        const first = refresh.length === 0;
        refresh.push(await measurePass(bench, system, latency, pass, first ? null : options.passSeconds));
        if (first) await saveValidators(bench);
      }
    }
  }
  const onDemand = onDemandToo ? await measureOnDemand(bench) : null;
  const workers = await Promise.all(system.workers.map(workerMemory));
  await bench.processes.stop(system.workers.map((w) => w.app));

  const profile = options.profileDir ? await profileWorker(bench, system, options.profileDir) : null;
  await bench.processes.stop([scheduler]);
  return { refresh, onDemand, workers, profile };
}

/**
 * One worker process under `node --cpu-prof` for a first and a steady pass at 0 ms (not part of
 * the figures: the profiler slows it down), then the top self-time functions of its profile.
 */
async function profileWorker(bench: Bench, system: RunningSystem, dir: string): Promise<ProfileSummary> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const worker: WorkerProcess = await startWorker(bench, 'worker-profiled', ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const profiled: RunningSystem = { ...system, workers: [worker] };
  for (const pass of PASSES) await measurePass(bench, profiled, 0, pass, bench.options.passSeconds);
  // The profile is written when the process exits normally (SIGTERM → graceful shutdown).
  await bench.processes.stop([worker.app]);
  const summary = summariseProfiles(
    dir,
    `1 worker process, a first and a steady pass of ${bench.options.rows} rows at 0 ms`,
  );
  console.log(`[bench] profile written to ${dir}`);
  return summary;
}
