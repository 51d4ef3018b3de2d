import { round } from './cpu.js';
import type { BenchResults, RefreshFigure, TargetResult } from './figures.js';

type Figures = Pick<BenchResults, 'ceiling' | 'refresh' | 'onDemand' | 'scheduler' | 'memory' | 'budget'>;

const label = (f: Pick<RefreshFigure, 'workers' | 'pass'>) =>
  `${f.workers} worker${f.workers > 1 ? 's' : ''}, ${f.pass} pass`;

/** CPU ms per refresh of the system's processes (workers, scheduler, Postgres, Redis, the bench and its fakes). */
const cpuMsPerRefresh = (f: Pick<RefreshFigure, 'cpuSeconds' | 'rows'>): number =>
  round(
    (1000 * Object.entries(f.cpuSeconds).reduce((sum, [role, s]) => (role === 'other' ? sum : sum + s), 0)) /
      Math.max(1, f.rows),
    2,
  );

/** The targets, as ratios of figures of this one run (these machines are noisy). */
export function evaluateTargets(r: Figures): TargetResult[] {
  const targets: TargetResult[] = [];
  const find = (workers: number, latencyMs: number, pass: string) =>
    r.refresh.find((f) => f.workers === workers && f.latencyMs === latencyMs && f.pass === pass);

  for (const f of r.refresh.filter((x) => x.latencyMs === 0)) {
    const ceiling = r.ceiling.find((c) => c.workers === f.workers);
    if (!ceiling) continue;
    const ratio = round(f.rowsPerSec / ceiling.jobsPerSec, 3);
    targets.push({
      name: `refresh at 0 ms vs no-op ceiling (${label(f)})`,
      measured: `${f.rowsPerSec}/s vs ${ceiling.jobsPerSec}/s`,
      target: '≥ 0.30',
      ratio,
      pass: ratio >= 0.3,
    });
  }
  for (const slow of r.refresh.filter((x) => x.latencyMs === 100)) {
    const fast = find(slow.workers, 0, slow.pass);
    if (!fast) continue;
    const ratio = round(slow.rowsPerSec / fast.rowsPerSec, 3);
    targets.push({
      name: `refresh at 100 ms vs 0 ms (${label(slow)})`,
      measured: `${slow.rowsPerSec}/s vs ${fast.rowsPerSec}/s`,
      target: '≥ 0.90',
      ratio,
      pass: ratio >= 0.9,
    });
  }
  const steady = r.refresh.filter((f) => f.pass === 'steady');
  if (steady.length > 0) {
    const worst = Math.max(...steady.map((f) => f.countedPerRefresh));
    targets.push({
      name: 'steady state: rate-limit-counted requests per refresh (worst pass)',
      measured: `${worst} (of ${Math.max(...steady.map((f) => f.requestsPerRefresh))} requests)`,
      target: '≤ 0.05',
      ratio: worst,
      pass: worst <= 0.05,
    });
  }
  // Issue 17's cost targets, per steady refresh at 0 ms: what a refresh adds to Redis beyond BullMQ's
  // own share of a job (the no-op ceiling's, this run), and the CPU of every process of ours.
  for (const f of steady.filter((x) => x.latencyMs === 0)) {
    const noop = r.ceiling.find((c) => c.workers === f.workers)?.redisCommandsPerJob;
    if (noop !== undefined) {
      const ours = round(f.cost.redisCommandsPerRefresh - noop, 2);
      targets.push({
        name: `Redis commands per steady refresh beyond a no-op job's (${label(f)})`,
        measured: `${f.cost.redisCommandsPerRefresh} − ${noop} = ${ours}`,
        target: '≤ 25',
        ratio: round(ours / 25, 3),
        pass: ours <= 25,
      });
    }
    const ms = cpuMsPerRefresh(f);
    targets.push({
      name: `CPU per steady refresh, every process of the system (${label(f)})`,
      measured: `${ms} ms`,
      target: '≤ 0.5 ms',
      ratio: round(ms / 0.5, 3),
      pass: ms <= 0.5,
    });
  }
  const idle = r.onDemand.figures.find((f) => f.condition === 'idle');
  const busy = r.onDemand.figures.find((f) => f.condition === 'backlog');
  targets.push(
    idle && busy && busy.samples > 0
      ? {
          name: 'on-demand p99 with backlog vs idle p99',
          measured: `${busy.p99Ms} ms vs ${idle.p99Ms} ms`,
          target: '≤ idle + 50 ms',
          ratio: round(busy.p99Ms - idle.p99Ms, 1),
          pass: busy.p99Ms <= idle.p99Ms + 50,
        }
      : {
          name: 'on-demand p99 with backlog vs idle p99',
          measured: r.onDemand.note ?? 'not measured',
          target: '≤ idle + 50 ms',
          ratio: null,
          pass: false,
        },
  );
  targets.push({
    name: 'scheduler claim-and-enqueue rate',
    measured: `${r.scheduler.rowsPerSec} rows/s over ${r.scheduler.rows} rows`,
    target: '≥ 10,000 rows/s',
    ratio: round(r.scheduler.rowsPerSec / 10_000, 3),
    pass: r.scheduler.rowsPerSec >= 10_000,
  });
  targets.push({
    name: 'Redis bytes per queued job',
    measured: `${r.memory.redisBytesPerJob} B`,
    target: '≤ 1024 B',
    ratio: round(r.memory.redisBytesPerJob / 1024, 3),
    pass: r.memory.redisBytesPerJob <= 1024,
  });
  if (r.budget) targets.push(...budgetTargets(r.budget));
  const { flat } = r.memory;
  const [from, to] = flat.rssAtBytes;
  targets.push({
    name: `worker RSS from ${from?.jobs ?? '?'} to ${to?.jobs ?? '?'} jobs`,
    measured: flat.growth === null ? 'not measured' : `${round(flat.growth * 100, 1)}%`,
    target: 'within ±20%',
    ratio: flat.growth,
    pass: flat.growth !== null && Math.abs(flat.growth) <= 0.2,
  });
  return targets;
}

/** Issue 15's: the state-aware schedule's GitHub requests against the fixed one's, open PRs still fresh. */
function budgetTargets(b: NonNullable<BenchResults['budget']>): TargetResult[] {
  const [state, fixed] = b.figures;
  const worstGap = Math.max(...b.figures.map((f) => f.openMaxGapSeconds));
  const gapTarget = round(b.ttlSeconds + 5, 2);
  return [
    {
      name: 'budget: GitHub requests per simulated hour, state-aware vs fixed 2 min',
      measured: `${state?.requestsPerHour} vs ${fixed?.requestsPerHour}`,
      target: '≤ 0.25',
      ratio: b.ratios.requests,
      pass: b.ratios.requests <= 0.25,
    },
    {
      name: 'budget: longest an open PR went unrefreshed (real s, both schedules)',
      measured: `${worstGap} s`,
      target: `≤ TTL + 5 s = ${gapTarget} s`,
      ratio: round(worstGap / gapTarget, 3),
      pass: worstGap <= gapTarget,
    },
  ];
}
