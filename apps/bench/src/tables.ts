import type { BenchResults, ScaleFigure } from './figures.js';
import { budgetSection } from './budget-table.js';
import { mib } from './flat.js';

/** One table of the report, rendered as text for the terminal and as Markdown for BENCHMARKS.md. */
export interface Section {
  title: string;
  headers: string[];
  rows: string[][];
  /** Lines printed under the table. */
  notes?: string[];
}

const n = (x: number): string => x.toLocaleString('en-US');
const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;

export function sections(r: BenchResults): Section[] {
  const ceilingOf = (workers: number) => r.ceiling.find((c) => c.workers === workers)?.jobsPerSec;
  const out: Section[] = [
    {
      title: 'Ceiling: no-op BullMQ jobs (same Redis, processes and concurrency)',
      headers: ['workers', 'concurrency', 'jobs', 'seconds', 'jobs/s', 'queued/s (producer)', 'Redis cmd/job'],
      rows: r.ceiling.map((c) => [
        String(c.workers),
        String(c.concurrency),
        n(c.jobs),
        String(c.seconds),
        n(c.jobsPerSec),
        n(c.enqueuePerSec),
        c.redisCommandsPerJob === undefined ? '–' : String(c.redisCommandsPerJob),
      ]),
      notes: [
        'jobs are queued into the paused queue first; the clock runs from the resume to an empty queue.',
        "Redis cmd/job: every command from the first add to the empty queue (BullMQ's own share of a refresh).",
      ],
    },
    {
      title: 'Refresh throughput: all rows marked stale → all written back (real scheduler + worker processes)',
      headers: [
        'workers',
        'latency',
        'pass',
        'rows',
        'seconds',
        'rows/s',
        'of ceiling',
        'requests/refresh',
        'counted/refresh',
        'not refreshed',
      ],
      rows: r.refresh.map((f) => {
        const ceiling = ceilingOf(f.workers);
        return [
          String(f.workers),
          `${f.latencyMs} ms`,
          f.pass,
          f.complete ? n(f.rows) : `${n(f.rows)} of ${n(f.rowsDue)}*`,
          String(f.seconds),
          n(f.rowsPerSec),
          ceiling ? pct(f.rowsPerSec / ceiling) : '–',
          String(f.requestsPerRefresh),
          String(f.countedPerRefresh),
          Object.entries(f.otherOutcomes)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || '–',
        ];
      }),
      notes: r.refresh.some((f) => !f.complete)
        ? [
            `* the pass hit its ${r.meta.passSeconds} s cap: rows/s is over the rows written back by then, ` +
              'the rest of its backlog was cancelled.',
          ]
        : [],
    },
    {
      title:
        'Where the time goes, per refresh: CPU ms by process (other = the rest of the machine), ' +
        'round trips, handler time',
      headers: [
        'workers',
        'latency',
        'pass',
        ...cpuRoles(r).map((role) => `cpu ${role}`),
        'redis cmds',
        'redis scripts',
        'pg tx',
        'job ms',
        'slots busy',
      ],
      rows: r.refresh.map((f) => [
        String(f.workers),
        `${f.latencyMs} ms`,
        f.pass,
        ...cpuRoles(r).map((role) => ((1000 * (f.cpuSeconds[role] ?? 0)) / Math.max(1, f.rows)).toFixed(2)),
        String(f.cost.redisCommandsPerRefresh),
        String(f.cost.redisScriptsPerRefresh),
        String(f.cost.pgTransactionsPerRefresh),
        String(f.cost.meanJobMs),
        pct(f.cost.slotOccupancy),
      ]),
      notes: [
        "redis cmds counts every command of the server (scripts' inner calls too; other clients included); " +
          "pg tx are the run database's commits.",
        "job ms: mean time in the worker's handler; slots busy: handler time over processes × concurrency × seconds.",
        `most called Redis commands per refresh (last steady pass): ${topRedis(r)}`,
      ],
    },
    {
      title:
        'On-demand refresh: POST /api/v1/chats/{chat}/diff-status/refresh, ' +
        `one at a time (provider latency ${r.onDemand.latencyMs} ms)`,
      headers: ['condition', 'calls', 'p50 ms', 'p99 ms', 'max ms', 'completed', 'failed'],
      rows: r.onDemand.figures.map((f) => [
        f.condition,
        String(f.samples),
        String(f.p50Ms),
        String(f.p99Ms),
        String(f.maxMs),
        String(f.completed),
        String(f.failed),
      ]),
      ...(r.onDemand.note && { notes: [r.onDemand.note] }),
    },
    {
      title: 'Scheduler: claim-and-enqueue',
      headers: ['mode', 'rows', 'seconds', 'rows/s', 'claims (Postgres) s', 'addBulk (Redis) s'],
      rows: [
        [
          r.scheduler.mode,
          n(r.scheduler.rows),
          String(r.scheduler.seconds),
          n(r.scheduler.rowsPerSec),
          String(r.scheduler.claimSeconds),
          String(r.scheduler.enqueueSeconds),
        ],
      ],
      notes: [`CPU s during the drain: ${JSON.stringify(r.scheduler.cpuSeconds)}`],
    },
    {
      title: 'Memory',
      headers: ['what', 'figure'],
      rows: [
        [
          'Redis bytes per queued job',
          `${n(r.memory.redisBytesPerJob)} B (${n(r.memory.redisJobsQueued)} jobs queued by the real producer)`,
        ],
        [
          '… of which (MEMORY USAGE)',
          Object.entries(r.memory.redisBreakdown)
            .map(([k, v]) => `${k} ${v} B`)
            .join(', '),
        ],
        ...(r.memory.compose
          ? [
              [
                `… with docker-compose.yml's Redis settings`,
                `${n(r.memory.compose.bytesPerJob)} B (the same jobs; redis-server ${r.memory.compose.args.join(' ')})`,
              ],
            ]
          : []),
        ...r.memory.workers.map((w) => [
          `RSS of ${w.name} (real worker)`,
          [
            `${mib(w.rssStartBytes)} at start`,
            ...rssSeries(r, w.name),
            `${mib(w.rssEndBytes)} at the end (${w.jobs === null ? '?' : n(w.jobs)} jobs)`,
          ].join(' → '),
        ]),
        [
          `RSS of one ${r.memory.flat.worker.split(' ')[0]} worker`,
          r.memory.flat.rssAtBytes.map((x) => `${mib(x.rssBytes)} after ${n(x.jobs)} jobs`).join(' → ') +
            (r.memory.flat.growth === null
              ? ''
              : ` (${r.memory.flat.growth >= 0 ? '+' : ''}${pct(r.memory.flat.growth)})`),
        ],
      ],
    },
    {
      title: 'Targets (issue 6), as ratios within this run',
      headers: ['', 'target', 'measured', 'ratio', 'goal'],
      rows: r.targets.map((t) => [
        t.pass ? 'PASS' : 'MISS',
        t.name,
        t.measured,
        t.ratio === null ? '–' : String(t.ratio),
        t.target,
      ]),
    },
  ];
  if (r.profile) {
    out.push({
      title: `CPU profile: ${r.profile.what} — top self time (${n(Math.round(r.profile.totalMs))} ms sampled)`,
      headers: ['self ms', 'self %', 'function', 'where'],
      rows: r.profile.top.map((t) => [n(Math.round(t.selfMs)), `${t.selfPct}%`, t.fn, t.where]),
      notes: [`by package: ${r.profile.byPackage.map((p) => `${p.pkg} ${p.selfPct}%`).join(', ')}`],
    });
    out.push({
      title:
        'CPU profile: our own functions by inclusive time (themselves and what they call synchronously; ' +
        'work after an await counts where it resumes)',
      headers: ['total ms', 'total %', 'function', 'where'],
      rows: r.profile.inclusive.map((t) => [n(Math.round(t.selfMs)), `${t.selfPct}%`, t.fn, t.where]),
    });
  }
  if (r.scale) out.push(scaleSection(r.scale));
  return out;
}

/** The `scale` phase: one row per figure, at a million tracked rows. */
function scaleSection(s: ScaleFigure): Section {
  const pg = Object.entries(s.postgres).map(
    ([table, f]) => `${table} ${f.tableBytesPerRow} + ${f.indexBytesPerRow} (indexes) B/row, ${n(f.totalMiB)} MiB`,
  );
  const p = (x: { p50Ms: number; p95Ms: number }) => `p50 ${x.p50Ms} ms, p95 ${x.p95Ms} ms`;
  return {
    title: `Scale: ${n(s.rows)} tracked rows`,
    headers: ['what', 'measured'],
    rows: [
      ['seed (set-based SQL)', `${s.seedSeconds} s`],
      ['Postgres size', pg.join('; ')],
      [
        'claim of 1,000 due rows',
        `${s.claimBatchMs} ms; ${s.claimUsesIndex ? 'index scans only' : 'a Seq Scan in the plan'}`,
      ],
      [
        'claim and enqueue (Scheduler.drain, no cap)',
        `${n(s.claimAndEnqueue.dueRows)} rows in ${s.claimAndEnqueue.seconds} s = ` +
          `${n(s.claimAndEnqueue.rowsPerSec)}/s (claims ${s.claimAndEnqueue.claimSeconds} s, ` +
          `addBulk ${s.claimAndEnqueue.enqueueSeconds} s)`,
      ],
      [
        `Redis with the queue capped at ${n(s.redisCapped.maxQueued)}`,
        `${n(s.redisCapped.jobs)} jobs, +${n(Math.round(s.redisCapped.usedMemoryDeltaBytes / 1024))} KiB used_memory`,
      ],
      [
        'rows per outcome / oldest due row (SQL)',
        `${s.statsQueriesMs.rowsByOutcome} ms / ${s.statsQueriesMs.oldestDueRow} ms`,
      ],
      ['GET /api/v1/chats?limit=25 (admin, all)', p(s.api.listAll)],
      ['… one owner', p(s.api.listOwner)],
      ['… next page (cursor)', p(s.api.listNextPage)],
      ['GET /metrics: first scrape / later (counts kept 60 s)', `${s.api.metricsFirstMs} ms / ${p(s.api.metrics)}`],
    ],
    notes: ['the claim plan is in the JSON output (`--out`) and in docs/scaling.md.'],
  };
}

/** A worker's RSS after each pass it took part in. */
function rssSeries(r: BenchResults, name: string): string[] {
  return r.refresh.flatMap((f) =>
    f.workerRss
      .filter((w) => w.name === name)
      .map((w) => `${mib(w.rssBytes)} after ${w.jobs === null ? '?' : n(w.jobs)}`),
  );
}

function topRedis(r: BenchResults): string {
  const steady = r.refresh.filter((f) => f.pass === 'steady').at(-1);
  return steady
    ? Object.entries(steady.cost.redisTop)
        .map(([cmd, per]) => `${cmd} ${per}`)
        .join(', ')
    : '–';
}

function cpuRoles(r: BenchResults): string[] {
  return [...new Set(r.refresh.flatMap((f) => Object.keys(f.cpuSeconds)))];
}

export function headline(r: BenchResults): string {
  const m = r.meta;
  return (
    `${n(m.rows)} rows, ${m.users} users, ${m.providers} providers${m.quick ? ' (quick)' : ''} · ` +
    `${m.cores} cores (${m.cpuModel}) · ` +
    `Node ${m.node} · PostgreSQL ${m.postgres} · ` +
    `Redis ${m.redis}${m.redisServer === 'private' ? ' (private)' : ''} · ` +
    `BullMQ ${m.bullmq} · ${m.startedAt} · ${m.seconds} s`
  );
}

export function textReport(r: BenchResults): string {
  const lines = [`gitsync bench — ${headline(r)}`, ''];
  // The budget section goes to BENCHMARKS.md on its own (report.ts), so that it can be replaced alone.
  for (const s of [...sections(r), ...(r.budget ? [budgetSection(r.budget)] : [])]) {
    lines.push(s.title);
    const widths = s.headers.map((h, i) => Math.max(h.length, ...s.rows.map((row) => (row[i] ?? '').length)));
    const line = (cells: string[]) =>
      '  ' +
      cells
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd();
    lines.push(line(s.headers), line(widths.map((w) => '-'.repeat(w))), ...s.rows.map(line));
    for (const note of s.notes ?? []) lines.push(`  note: ${note}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** One section as Markdown: its title, table and notes. */
export function sectionMarkdown(s: Section): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [
    `### ${s.title}`,
    '',
    `| ${s.headers.map(esc).join(' | ')} |`,
    `|${s.headers.map(() => '---').join('|')}|`,
    ...s.rows.map((row) => `| ${row.map(esc).join(' | ')} |`),
    ...(s.notes ?? []).map((note) => `\n_${esc(note)}_`),
  ].join('\n');
}

export function markdownTables(r: BenchResults): string {
  return sections(r).map(sectionMarkdown).join('\n\n');
}
