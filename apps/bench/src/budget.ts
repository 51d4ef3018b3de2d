import { sql } from 'drizzle-orm';
import { freePort, waitFor } from '@gitsync/testing';
import { round } from './cpu.js';
import type { Bench } from './setup.js';
import { deletePrefix } from './setup.js';
import { jobsRun, type WorkerProcess } from './workers.js';
import { sleep } from './wait.js';

/**
 * Issue 15's budget phase: where GitHub's budget goes under the state-aware schedule and under a
 * fixed 2-minute one (what Coder does), on the same rows in the same run. The mix is a chat
 * product's: 20% open PRs, 70% merged or closed, 10% branches without a PR. Every duration of the
 * schedule is divided by `scale`, so a simulated day runs in minutes; requests and jobs are counted
 * per simulated hour. The fixed schedule costs the same every hour, so a few simulated hours of it
 * are measured; the state-aware one is measured over a whole simulated day, since its waits grow.
 */

const HOUR_MS = 3_600_000;
const USERS = 10;
const REPOS = 10;
/** Large enough that no run meets a primary rate limit: the phase counts requests, it does not back off. */
const BUDGET = 1_000_000_000;

export type RowKind = 'open' | 'merged' | 'closed' | 'no_pr';

/** The mix, by g mod 10: 2 open, 1 closed, 6 merged, 1 without a PR. */
export const kindOf = (g: number): RowKind => {
  const k = g % 10;
  return k < 2 ? 'open' : k === 2 ? 'closed' : k < 9 ? 'merged' : 'no_pr';
};

export interface BudgetScheduleFigure {
  schedule: 'state-aware' | 'fixed 2 min';
  simulatedHours: number;
  realSeconds: number;
  /** GitHub requests per simulated hour (304s included), counted ones (304s left out), refresh jobs. */
  requestsPerHour: number;
  countedPerHour: number;
  jobsPerHour: number;
  /** The longest an open PR went without a refresh (real seconds, the window's end included). */
  openMaxGapSeconds: number;
  /** The median gap between two refreshes of an open PR (real seconds): the TTL plus the system's own delay. */
  openMedianGapSeconds: number;
  /** The fake's answers by status, and by kind of request (search, PR, reviews). */
  statuses: Record<string, number>;
  kinds: Record<string, number>;
}

export interface BudgetResult {
  rows: number;
  mix: Record<RowKind, number>;
  /** Every duration of the schedule is divided by this. */
  scale: number;
  /** The open-PR TTL as run (real seconds). */
  ttlSeconds: number;
  figures: BudgetScheduleFigure[];
  /** State-aware over fixed, per simulated hour. */
  ratios: { requests: number; counted: number; jobs: number };
}

/**
 * The claim lease, scaled too (at least 500 ms): a row whose new job BullMQ's deduplication
 * swallowed (its previous job was still completing) waits for the lease to end, an artifact of
 * scaled-down TTLs that a 10-second lease would turn into simulated hours.
 */
const leaseOf = (scale: number) => String(Math.max(500, Math.round(300_000 / scale)));

/** The worker environment of a schedule: every duration of SPEC §3.4 divided by `scale`. */
export function scheduleEnv(scale: number, fixed: boolean): Record<string, string> {
  const ms = (x: number) => String(Math.max(1, Math.round(x / scale)));
  const ttl = ms(120_000);
  return {
    GITSYNC_DIFF_STATUS_TTL: ttl,
    GITSYNC_NO_TOKEN_BACKOFF: ms(600_000),
    GITSYNC_NO_PR_RETRY: fixed ? ttl : ms(15_000),
    GITSYNC_NO_PR_WINDOW: ms(120_000),
    GITSYNC_ERROR_BACKOFF: ms(120_000),
    GITSYNC_RATE_LIMIT_PADDING: ms(5_000),
    GITSYNC_NO_PR_BACKOFF: fixed ? ttl : ms(300_000),
    GITSYNC_NO_PR_BACKOFF_MAX: fixed ? ttl : ms(HOUR_MS),
    GITSYNC_TERMINAL_REFRESH_INTERVAL: fixed ? ttl : ms(HOUR_MS),
    GITSYNC_TERMINAL_REFRESH_MAX: fixed ? ttl : ms(24 * HOUR_MS),
    GITSYNC_CLAIM_LEASE: leaseOf(scale),
    // The fake's tokens are not GitHub's; the per-minute ceiling is not what this phase measures.
    GITSYNC_GROUP_REQUESTS_PER_MINUTE: '0',
  };
}

/** Users with a token on the first fake, and `rows` chats on its repositories in the mix above. */
async function seed(bench: Bench, rows: number): Promise<Map<string, RowKind>> {
  const { db } = bench.pg;
  const provider = bench.providers[0];
  await db.execute(sql`
    insert into users (username, role)
    select 'budget_u' || g, 'member' from generate_series(0, ${USERS - 1}::int) g`);
  await db.execute(sql`
    insert into external_auth_links (provider_id, user_id, access_token)
    select ${provider.id}, u.id, 'budget_tok_' || g
    from generate_series(0, ${USERS - 1}::int) g join users u on u.username = 'budget_u' || g`);
  for (let j = 0; j < USERS; j++) provider.fake.addToken(`budget_tok_${j}`, { login: `budget_u${j}`, budget: BUDGET });
  await db.execute(sql`
    with s as (select g, gen_random_uuid() as id from generate_series(0, ${rows - 1}::int) g),
    c as (
      insert into chats (id, owner_id, title)
      select s.id, u.id, 'budget chat ' || s.g from s join users u on u.username = 'budget_u' || (s.g % ${USERS}::int)
      returning id
    )
    insert into chat_diff_statuses (chat_id, git_branch, git_remote_origin, stale_at, marked_stale_at)
    select s.id, 'budget/c' || s.g, ${`${provider.fake.url}/acme/b`}::text || (s.g % ${REPOS}::int) || '.git',
           now() + interval '1 day', now() - interval '1 day'
    from s`);
  // Paths of the open PRs' GET …/pulls/{n}: their refreshes, in the fake's log.
  const openPaths = new Map<string, RowKind>();
  for (let k = 0; k < REPOS; k++) provider.fake.addRepo('acme', `b${k}`);
  for (let g = 0; g < rows; g++) {
    const kind = kindOf(g);
    if (kind === 'no_pr') continue;
    const repo = `b${g % REPOS}`;
    const pr = provider.fake.createPullRequest({ owner: 'acme', repo, head: `budget/c${g}`, title: `Budget ${g}` });
    if (kind === 'merged') provider.fake.updatePullRequest('acme', repo, pr.number, { merged: true });
    if (kind === 'closed') provider.fake.updatePullRequest('acme', repo, pr.number, { state: 'closed' });
    if (kind === 'open') openPaths.set(`/api/v3/repos/acme/${repo}/pulls/${pr.number}`, kind);
  }
  return openPaths;
}

/**
 * Every row due now, as after a deployment over existing rows: no report (they are old), no
 * interval yet. Leases and queued jobs of a previous window are gone with the keys.
 */
const makeAllDue = (bench: Bench) =>
  bench.pg.db.execute(sql`
    update chat_diff_statuses set stale_at = now(), leased_until = null, last_outcome = null,
      refresh_interval_class = 'reported', refresh_interval_ms = null`);

interface Running {
  scheduler: WorkerProcess['app'];
  worker: WorkerProcess;
}

async function start(bench: Bench, env: Record<string, string>, name: string): Promise<Running> {
  const scheduler = await bench.processes.app(
    'scheduler',
    bench.env({ GITSYNC_CLAIM_LEASE: env.GITSYNC_CLAIM_LEASE ?? '10s', GITSYNC_SCHEDULER_INTERVAL: '50' }),
    `scheduler-${name}`,
    'scheduler started',
  );
  const healthPort = await freePort();
  const app = await bench.processes.app(
    'worker',
    bench.env({ ...env, GITSYNC_HEALTH_PORT: String(healthPort) }),
    `worker-${name}`,
    'worker started',
  );
  return { scheduler, worker: { app, healthPort, rssStartBytes: null } };
}

async function stop(bench: Bench, running: Running): Promise<void> {
  await bench.processes.stop([running.worker.app, running.scheduler]);
  await deletePrefix(bench.redis, bench.prefix);
}

/** One schedule over `simulatedHours`: requests and jobs per simulated hour, and open PRs' longest gap. */
async function measureSchedule(
  bench: Bench,
  schedule: BudgetScheduleFigure['schedule'],
  env: Record<string, string>,
  scale: number,
  simulatedHours: number,
  openPaths: Map<string, RowKind>,
): Promise<BudgetScheduleFigure> {
  const fake = bench.providers[0].fake;
  const running = await start(bench, env, schedule === 'fixed 2 min' ? 'fixed' : 'state');
  try {
    const jobsBefore = (await jobsRun(running.worker)) ?? 0;
    fake.clearRequests();
    const t0 = Date.now();
    await makeAllDue(bench);
    const realMs = (simulatedHours * HOUR_MS) / scale;
    console.log(`[bench] budget: ${schedule} for ${simulatedHours} simulated h (${Math.round(realMs / 1000)} s)`);
    await sleep(realMs);
    const t1 = Date.now();
    const jobs = ((await jobsRun(running.worker)) ?? 0) - jobsBefore;
    const requests = fake.requests.filter((r) => r.at >= t0 && r.at <= t1);
    const counted = requests.filter((r) => r.status !== 304).length;
    // Refreshes of each open PR, as GETs of its path, then the longest gap (the window's end too).
    const last = new Map<string, number>();
    let maxGap = 0;
    const gaps: number[] = [];
    for (const r of requests) {
      if (!openPaths.has(r.path)) continue;
      const gap = r.at - (last.get(r.path) ?? t0);
      gaps.push(gap);
      maxGap = Math.max(maxGap, gap);
      last.set(r.path, r.at);
    }
    gaps.sort((a, b) => a - b);
    const q = (x: number) => gaps[Math.min(gaps.length - 1, Math.floor(x * gaps.length))] ?? 0;
    console.log(`[bench] budget: ${schedule}: open PRs' gaps p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms`);
    const medianGap = q(0.5);
    for (const path of openPaths.keys()) maxGap = Math.max(maxGap, t1 - (last.get(path) ?? t0));
    const tally = (key: (r: (typeof requests)[number]) => string) => {
      const out: Record<string, number> = {};
      for (const r of requests) out[key(r)] = (out[key(r)] ?? 0) + 1;
      return out;
    };
    const kindOfPath = (p: string) => (p.includes('/reviews') ? 'reviews' : p.includes('?') ? 'search' : 'pull');
    return {
      schedule,
      simulatedHours,
      realSeconds: round((t1 - t0) / 1000, 1),
      requestsPerHour: round(requests.length / simulatedHours, 1),
      countedPerHour: round(counted / simulatedHours, 1),
      jobsPerHour: round(jobs / simulatedHours, 1),
      openMaxGapSeconds: round(maxGap / 1000, 2),
      openMedianGapSeconds: round(medianGap / 1000, 3),
      statuses: tally((r) => String(r.status)),
      kinds: tally((r) => `${kindOfPath(r.path)} ${r.status}`),
    };
  } finally {
    await stop(bench, running);
  }
}

export interface BudgetOptions {
  rows: number;
  scale: number;
  /** Simulated hours of the fixed schedule (its cost is the same every hour). */
  fixedHours: number;
}

export async function measureBudget(bench: Bench, options: BudgetOptions): Promise<BudgetResult> {
  const { rows, scale, fixedHours } = options;
  // The phase counts and refreshes every row of the table: the rows of the phases before it (the
  // scheduler phase's 100,000 point at repositories no fake has) would be refreshed with its own
  // and never all find a PR, which timed the warm-up out in a full run.
  await bench.pg.db.execute(sql`delete from chats`);
  const openPaths = await seed(bench, rows);
  // Warm-up, not measured: every row finds its PR (url and ETags), as in a system that has run.
  const warm = await start(bench, scheduleEnv(scale, false), 'warm-up');
  try {
    await bench.pg.db.execute(sql`update chat_diff_statuses set stale_at = now()`);
    await waitFor(
      async () => {
        const left = await bench.pg.db.execute<{ n: string }>(
          sql`select count(*) as n from chat_diff_statuses where last_outcome is null`,
        );
        return Number(left.rows[0]?.n) === 0 || undefined;
      },
      { timeoutMs: 120_000, message: 'budget warm-up: every row refreshed once' },
    );
  } finally {
    await stop(bench, warm);
  }
  const stateAware = await measureSchedule(bench, 'state-aware', scheduleEnv(scale, false), scale, 24, openPaths);
  const fixed = await measureSchedule(bench, 'fixed 2 min', scheduleEnv(scale, true), scale, fixedHours, openPaths);
  const ratio = (a: number, b: number) => (b === 0 ? 0 : round(a / b, 3));
  const mix = { open: 0, merged: 0, closed: 0, no_pr: 0 };
  for (let g = 0; g < rows; g++) mix[kindOf(g)] += 1;
  return {
    rows,
    mix,
    scale,
    ttlSeconds: round(120 / scale, 3),
    figures: [stateAware, fixed],
    ratios: {
      requests: ratio(stateAware.requestsPerHour, fixed.requestsPerHour),
      counted: ratio(stateAware.countedPerHour, fixed.countedPerHour),
      jobs: ratio(stateAware.jobsPerHour, fixed.jobsPerHour),
    },
  };
}
