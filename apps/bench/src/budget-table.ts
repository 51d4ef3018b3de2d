import type { BudgetResult } from './budget.js';
import type { Section } from './tables.js';

const n = (x: number): string => x.toLocaleString('en-US');
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
/** As budget.ts scales it: 5 minutes divided by the scale, at least 500 ms. */
const lease = (scale: number) => Math.round(Math.max(0.5, 300 / scale) * 100) / 100;

export const BUDGET_TITLE = 'Budget (issue 15): state-aware schedule vs a fixed 2-minute one, per simulated hour';

/** The budget phase's table: both schedules, per simulated hour, and their ratio. */
export function budgetSection(b: BudgetResult): Section {
  const [state, fixed] = b.figures;
  const ttlTarget = Math.round((b.ttlSeconds + 5) * 100) / 100;
  return {
    title: BUDGET_TITLE,
    headers: [
      'schedule',
      'simulated h',
      'real s',
      'requests/h',
      'counted/h',
      'refresh jobs/h',
      'open PR gap: median, longest (real s)',
    ],
    rows: [
      ...b.figures.map((f) => [
        f.schedule,
        String(f.simulatedHours),
        String(f.realSeconds),
        n(f.requestsPerHour),
        n(f.countedPerHour),
        n(f.jobsPerHour),
        `${f.openMedianGapSeconds}, ${f.openMaxGapSeconds}`,
      ]),
      [
        'state-aware / fixed',
        '',
        '',
        pct(b.ratios.requests),
        pct(b.ratios.counted),
        pct(b.ratios.jobs),
        `target ≤ TTL + 5 s = ${ttlTarget}`,
      ],
    ],
    notes: [
      `${b.rows} chats: ${b.mix.open} open PRs, ${b.mix.merged} merged, ${b.mix.closed} closed, ` +
        `${b.mix.no_pr} branches without a PR; one fake GitHub, 10 users.`,
      `every schedule duration divided by ${b.scale} (a simulated day in ${Math.round(86_400 / b.scale)} s; ` +
        `the 2-minute TTL is ${b.ttlSeconds} s, the claim lease ${lease(b.scale)} s); the scheduler polls every 50 ms.`,
      'both start from every row due at once, urls and ETags known (a warm-up pass), as after deploying over old ' +
        'chats; the state-aware schedule runs a whole simulated day, as its waits grow through it; the fixed one ' +
        'costs the same every hour.',
      `a fixed 2-minute schedule would run ${n(b.rows * 30)} refresh jobs an hour; the system delivered ` +
        `${fixed ? n(fixed.jobsPerHour) : '–'} (the TTL plus its own delay per cycle: the median gap above).`,
      `target: requests ≤ 25% of the fixed schedule's (${state && fixed ? pct(b.ratios.requests) : '–'}), ` +
        'every open PR refreshed within TTL + 5 s.',
    ],
  };
}
