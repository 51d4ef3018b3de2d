import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_WORKER_CONCURRENCY, baseEnv, parseEnv } from '@gitsync/config';

/** The repository root, where BENCHMARKS.md and docs/ live. */
export const repoRoot = path.resolve(__dirname, '../../..');

/** The bench's phases, in the order they run. */
export const PHASES = ['ceiling', 'refresh', 'ondemand', 'scheduler', 'flat', 'budget', 'scale'] as const;
export type Phase = (typeof PHASES)[number];
/** What a run without `--phases` does: `scale` (a million rows, minutes) only when asked for. */
export const DEFAULT_PHASES: readonly Phase[] = PHASES.filter((p) => p !== 'scale');

export interface BenchOptions {
  quick: boolean;
  /** The phases to run (`--phases`); the figures of the others are left empty. @defaultValue every phase */
  phases: Phase[];
  /** Chats seeded for the refresh phases. */
  rows: number;
  users: number;
  /** Provider latencies (ms) the refresh phases run at. */
  latencies: number[];
  /** Worker process counts the ceiling and refresh phases run with. */
  workerCounts: number[];
  /** Due rows the scheduler phase claims and enqueues. */
  schedulerRows: number;
  /** Tracked rows of the scale phase. @defaultValue 1,000,000 */
  scaleRows: number;
  /** Jobs the memory phase runs through one worker; RSS is read after a tenth of them and at the end. */
  flatJobs: number;
  /**
   * Time cap of a refresh pass: a pass still running then is measured over the rows done and its
   * backlog cancelled, so the whole run stays within minutes however slow the system is. The very
   * first pass is never capped (it records every row's url and ETags).
   */
  passSeconds: number;
  /** On-demand requests timed per condition (idle, backlog). */
  onDemandSamples: number;
  /**
   * The budget phase (issue 15): its chats, the factor every schedule duration is divided by (a
   * simulated day then runs in 86,400 / scale seconds), and simulated hours of the fixed schedule.
   */
  budget: { rows: number; scale: number; fixedHours: number };
  /** Extra environment for the worker processes (`--worker-env K=V`), logged with the results. */
  workerEnv: Record<string, string>;
  /** Jobs per worker process: GITSYNC_WORKER_CONCURRENCY of `--worker-env`, else the worker's default. */
  concurrency: number;
  out: string | null;
  /** Where BENCHMARKS.md (and docs/bench.svg) are written; null: not written. */
  docsDir: string | null;
  /** Directory for CPU profiles of the worker processes during one refresh pass; null: no profiling. */
  profileDir: string | null;
  databaseUrl: string;
  redisUrl: string;
  /** Run a redis-server of the bench's own (on a free loopback port) instead of REDIS_URL's. */
  privateRedis: boolean;
}

const benchEnv = z.object({ DATABASE_URL: baseEnv.DATABASE_URL, REDIS_URL: baseEnv.REDIS_URL });

const USAGE =
  `usage: npm run bench -- [--quick] [--phases ${PHASES.join(',')}] [--rows N] [--users N] [--out FILE]\n` +
  '       [--docs-dir DIR | --no-docs] [--latencies 0,100] [--workers 1,2] [--pass-seconds S] [--scheduler-rows N]' +
  ' [--flat-jobs N] [--scale-rows N] [--samples N]\n' +
  '       [--budget-rows N] [--budget-scale N] [--budget-fixed-hours N]\n' +
  '       [--profile DIR] [--private-redis] [--worker-env KEY=VALUE ...]';

const list = (name: string, raw: string | undefined, fallback: number[], min: number): number[] => {
  if (raw === undefined) return fallback;
  const items = raw.split(',').map(Number);
  if (items.length === 0 || items.some((n) => !Number.isInteger(n) || n < min))
    throw new Error(`--${name}: "${raw}" is not a list like 0,100\n${USAGE}`);
  return items;
};

const count = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name}: "${raw}" is not a positive integer\n${USAGE}`);
  return n;
};

/**
 * Which phases run. On-demand calls chats whose PR url the refresh passes found, so it needs them.
 */
function phases(raw: string | undefined): Phase[] {
  if (raw === undefined) return [...DEFAULT_PHASES];
  const picked = raw.split(',').map((p) => p.trim());
  const unknown = picked.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (picked.length === 0 || unknown.length > 0)
    throw new Error(`--phases: "${raw}" is not a list of ${PHASES.join(', ')}\n${USAGE}`);
  if (picked.includes('ondemand') && !picked.includes('refresh'))
    throw new Error(`--phases: ondemand needs refresh (it calls chats with a PR url)\n${USAGE}`);
  return PHASES.filter((p) => picked.includes(p));
}

/** Only the budget phase: it needs none of the others' seeding, and writes only its own section. */
export const isBudgetOnly = (phases: readonly Phase[]) => phases.length === 1 && phases[0] === 'budget';

/** Parses the command line; DATABASE_URL and REDIS_URL come from the environment. */
export function parseOptions(argv: string[], env: Record<string, string | undefined> = process.env): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      phases: { type: 'string' },
      rows: { type: 'string' },
      'scale-rows': { type: 'string' },
      users: { type: 'string' },
      'scheduler-rows': { type: 'string' },
      'flat-jobs': { type: 'string' },
      samples: { type: 'string' },
      'budget-rows': { type: 'string' },
      'budget-scale': { type: 'string' },
      'budget-fixed-hours': { type: 'string' },
      'pass-seconds': { type: 'string' },
      latencies: { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
      'docs-dir': { type: 'string' },
      'no-docs': { type: 'boolean', default: false },
      'private-redis': { type: 'boolean', default: false },
      profile: { type: 'string' },
      'worker-env': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new Error(USAGE);
  const quick = values.quick;
  const selected = phases(values.phases);
  if (values.profile && !selected.includes('refresh'))
    throw new Error(`--profile: profiles a refresh pass, so --phases must include refresh\n${USAGE}`);
  const workerEnv: Record<string, string> = {};
  for (const pair of values['worker-env']) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--worker-env: "${pair}" is not KEY=VALUE`);
    workerEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const { DATABASE_URL, REDIS_URL } = parseEnv(benchEnv, env);
  // A smoke run or a run of some phases must not replace the recorded figures unless told where to write;
  // a full run of the budget phase alone replaces the budget section only (report.ts).
  const partial = quick || (DEFAULT_PHASES.some((p) => !selected.includes(p)) && !isBudgetOnly(selected));
  const docsDir = values['no-docs'] ? null : (values['docs-dir'] ?? (partial ? null : repoRoot));
  return {
    quick,
    phases: selected,
    rows: count('rows', values.rows, quick ? 2_000 : 20_000),
    users: count('users', values.users, quick ? 20 : 200),
    latencies: list('latencies', values.latencies, [0, 100], 0),
    workerCounts: list('workers', values.workers, quick ? [1] : [1, 2], 1),
    schedulerRows: count('scheduler-rows', values['scheduler-rows'], quick ? 5_000 : 100_000),
    scaleRows: count('scale-rows', values['scale-rows'], quick ? 20_000 : 1_000_000),
    flatJobs: count('flat-jobs', values['flat-jobs'], quick ? 5_000 : 200_000),
    passSeconds: count('pass-seconds', values['pass-seconds'], 20),
    onDemandSamples: count('samples', values.samples, quick ? 20 : 200),
    budget: {
      rows: count('budget-rows', values['budget-rows'], quick ? 30 : 50),
      // 144: a simulated day in 10 minutes, a 0.83 s TTL (quick: 2,880, a day in 30 s). Faster, and the
      // system's own delay per refresh cycle (~0.1 s) weighs on the TTL.
      scale: count('budget-scale', values['budget-scale'], quick ? 2_880 : 144),
      fixedHours: count('budget-fixed-hours', values['budget-fixed-hours'], 2),
    },
    workerEnv,
    concurrency: count(
      'worker-env GITSYNC_WORKER_CONCURRENCY',
      workerEnv.GITSYNC_WORKER_CONCURRENCY,
      DEFAULT_WORKER_CONCURRENCY,
    ),
    out: values.out ? path.resolve(values.out) : null,
    docsDir: docsDir && path.resolve(docsDir),
    profileDir: values.profile ? path.resolve(values.profile) : null,
    databaseUrl: DATABASE_URL,
    redisUrl: REDIS_URL,
    privateRedis: values['private-redis'],
  };
}
