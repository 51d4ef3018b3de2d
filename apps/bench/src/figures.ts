import type { BudgetResult } from './budget.js';
import type { PassCost } from './probes.js';
import type { WorkerMemory } from './workers.js';

/** The JSON written by `--out`: every figure of one run. */

export interface CeilingFigure {
  workers: number;
  concurrency: number;
  jobs: number;
  /** From resuming the pre-filled queue to finding it empty. */
  seconds: number;
  jobsPerSec: number;
  /** How fast the real producer queued them (addBulk of 1,000), for comparison. */
  enqueuePerSec: number;
  /**
   * Redis commands per job from the first add to the empty queue, server-wide: BullMQ's own share of a
   * refresh (add, fetch, finish, events), beside which a refresh's commands are read. Absent in older runs.
   */
  redisCommandsPerJob?: number;
}

export type Pass = 'first' | 'steady';

export interface RefreshFigure {
  workers: number;
  latencyMs: number;
  /** first: no PR url yet (find by branch, then fetch); steady: url and ETags known, nothing changed. */
  pass: Pass;
  /** Rows made due (every row of the run). */
  rowsDue: number;
  /** Rows written back when the clock stopped: all of them, or those done when the pass hit its time cap. */
  rows: number;
  /** False when the pass hit its time cap; the rate is then over the rows done by the cap. */
  complete: boolean;
  seconds: number;
  rowsPerSec: number;
  /** Rows that ended in an outcome other than `refreshed`, by outcome. */
  otherOutcomes: Record<string, number>;
  /** Requests the fakes answered during the pass. */
  requests: number;
  /** Of those, the ones a rate limit counts (everything but 304). */
  countedRequests: number;
  conditionalRequests: number;
  requestsPerRefresh: number;
  countedPerRefresh: number;
  /** CPU seconds each role used during the pass; `other` is the rest of the machine. */
  cpuSeconds: Record<string, number>;
  /** Round trips and handler time per refresh. */
  cost: PassCost;
  /** Each worker's RSS after the pass, with the jobs it ran so far. */
  workerRss: Array<{ name: string; jobs: number | null; rssBytes: number | null }>;
}

export interface OnDemandFigure {
  /** `webhook`: a signed delivery posted → the worker's diff_status_change published (idle workers). */
  condition: 'idle' | 'webhook' | 'backlog';
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers whose refresh completed within the API's wait (`refresh.completed`). */
  completed: number;
  /** Non-200 answers. */
  failed: number;
  /** Background jobs left when the last sample was taken (backlog condition only). */
  backlogLeftAtEnd?: number;
}

export interface OnDemandResult {
  available: boolean;
  /** Why the phase could not run, when it could not. */
  note?: string;
  latencyMs: number;
  figures: OnDemandFigure[];
}

export interface SchedulerFigure {
  mode: string;
  rows: number;
  batch: number;
  seconds: number;
  rowsPerSec: number;
  /** Of the drain's time: claiming in Postgres, and addBulk into Redis. */
  claimSeconds: number;
  enqueueSeconds: number;
  cpuSeconds: Record<string, number>;
}

export interface MemoryFigures {
  /** used_memory growth divided by the jobs queued by the real producer (the scheduler phase). */
  redisBytesPerJob: number;
  redisJobsQueued: number;
  /** MEMORY USAGE per job: its hash, deduplication key, prioritized-set entry, events-stream share. */
  redisBreakdown: Record<string, number>;
  /** The same jobs in a redis-server started with docker-compose.yml's settings; null when not measured. */
  compose: { args: string[]; bytesPerJob: number } | null;
  /** The real workers of the refresh and on-demand phases. */
  workers: WorkerMemory[];
  flat: {
    worker: string;
    jobs: number;
    /** RSS after a tenth of the jobs, and at the end. */
    rssAtBytes: Array<{ jobs: number; rssBytes: number | null }>;
    /** End RSS over first RSS, minus one. */
    growth: number | null;
    seconds: number;
  };
}

export interface TargetResult {
  name: string;
  measured: string;
  target: string;
  ratio: number | null;
  pass: boolean;
}

export interface ProfileSummary {
  what: string;
  files: string[];
  totalMs: number;
  top: Array<{ fn: string; where: string; selfMs: number; selfPct: number }>;
  /** Our own functions by inclusive time (themselves and everything they called); selfMs holds that time. */
  inclusive: Array<{ fn: string; where: string; selfMs: number; selfPct: number }>;
  byPackage: Array<{ pkg: string; selfMs: number; selfPct: number }>;
}

/** The `scale` phase: the system at a million tracked rows (issue 17). */
export interface ScaleFigure {
  rows: number;
  seedSeconds: number;
  /** Per table: heap (with TOAST) and index bytes per tracked row, and the total. */
  postgres: Record<string, { tableBytesPerRow: number; indexBytesPerRow: number; totalMiB: number }>;
  /** EXPLAIN ANALYZE of one claim of 1,000 rows (run in a transaction rolled back). */
  claimPlan: string;
  /** Index scans only: stale_at's for the due rows, and no Seq Scan anywhere. */
  claimUsesIndex: boolean;
  claimBatchMs: number;
  /** Scheduler.drain() of the due rows into a queue nobody consumes, no cap. */
  claimAndEnqueue: {
    dueRows: number;
    seconds: number;
    rowsPerSec: number;
    claimSeconds: number;
    enqueueSeconds: number;
  };
  /** EXPLAIN ANALYZE of the oldest-due-row statement /metrics reads at every scrape. */
  oldestDuePlan: string;
  /** The same drain stopped at the scheduler app's cap: what Redis holds however large the backlog. */
  redisCapped: { jobs: number; usedMemoryDeltaBytes: number; maxQueued: number };
  /** Median time of the statements /metrics reads from Postgres. */
  statsQueriesMs: { rowsByOutcome: number; oldestDueRow: number };
  /** A real API process, one request at a time. */
  api: {
    listAll: { p50Ms: number; p95Ms: number };
    listOwner: { p50Ms: number; p95Ms: number };
    listNextPage: { p50Ms: number; p95Ms: number };
    /** The first scrape counts the rows per outcome; the next ones within a minute do not. */
    metricsFirstMs: number;
    metrics: { p50Ms: number; p95Ms: number };
  };
}

export interface BenchResults {
  meta: {
    startedAt: string;
    /** The run's own database and BullMQ prefix (both removed at the end). */
    database: string;
    queuePrefix: string;
    seconds: number;
    quick: boolean;
    cores: number;
    cpuModel: string;
    memoryBytes: number;
    node: string;
    postgres: string;
    redis: string;
    /** `REDIS_URL` (shared with whatever else uses it) or `private` (a redis-server of the run's own). */
    redisServer: 'REDIS_URL' | 'private';
    bullmq: string;
    rows: number;
    users: number;
    providers: number;
    /** Time cap of a refresh pass (the first pass of the run has none). */
    passSeconds: number;
    /** Environment of the real worker processes (no secret: tokens live in Postgres). */
    workerEnv: Record<string, string>;
    schedulerEnv: Record<string, string>;
  };
  ceiling: CeilingFigure[];
  refresh: RefreshFigure[];
  onDemand: OnDemandResult;
  scheduler: SchedulerFigure;
  memory: MemoryFigures;
  /** The budget phase (issue 15); null when not run. */
  budget: BudgetResult | null;
  targets: TargetResult[];
  profile: ProfileSummary | null;
  /** null when the `scale` phase did not run. */
  scale?: ScaleFigure | null;
}
