import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { throughputChart } from './chart.js';
import type { BenchResults } from './figures.js';
import { budgetSection } from './budget-table.js';
import { headline, markdownTables, sectionMarkdown } from './tables.js';

const envLines = (env: Record<string, string>) =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

/** BENCHMARKS.md: the latest run's tables and chart, and how the figures are made. */
export function benchmarksMarkdown(r: BenchResults): string {
  const missed = r.targets.filter((t) => !t.pass);
  const missedNames = missed.length ? ` Missed: ${missed.map((t) => t.name).join('; ')}.` : '';
  return `# Benchmarks

Written by \`npm run bench\` (apps/bench) — do not edit by hand; run it again. The latest run:
${headline(r)}.

![refresh throughput vs the no-op BullMQ ceiling](docs/bench.svg)

Targets met: ${r.targets.length - missed.length} of ${r.targets.length}.${missedNames}

${markdownTables(r)}

${budgetMarkdown(r)}

## How the figures are made

- One command creates a database \`gitsync_bench_<random>\` on \`DATABASE_URL\`'s server (migrated, dropped at
  the end), a BullMQ prefix of its own (deleted at the end) and two fake GitHub servers (providers \`gh1\`, \`gh2\`),
  seeds the chats with set-based SQL, each with an open PR in its fake, and users with a token on each fake.
- **Ceiling**: no-op worker processes (apps/bench/src/noop-worker.ts: a plain BullMQ worker with the real
  worker's concurrency and lock settings) drain jobs queued with the real producer (addBulk of 1,000,
  background priority, deduplication) into the paused queue, timed from the resume to an empty queue.
- **Refresh**: real scheduler and worker processes are running; one SQL update makes every row due (a first pass
  also forgets urls and ETags, so every PR is found by branch again) and the clock runs until every row is
  written back. Steady state: url and ETags known, nothing changed on GitHub. The run's first pass always
  reaches every row; later passes stop after ${r.meta.passSeconds} s (\`--pass-seconds\`) and are measured over the rows
  written back by then, so that a slow system still finishes the run in minutes. The workers' TTL is 1 h
  instead of 2 min so that rows of one pass do not fall due again during a later one.
- **GitHub cost**: requests the fakes answered during a pass, per refresh; *counted* leaves out 304s.
- **Where the time goes**: CPU seconds of each process (from /proc; *other* is the rest of the machine — on a
  shared machine, a large *other* means noisy figures), Redis commands (INFO commandstats, server-wide) and
  the run database's commits per refresh, and the workers' mean handler time (their /metrics).
- **On-demand**: a real API process; requests one at a time, idle and while every row is due, timed by a client
  process of its own (apps/bench/src/caller.ts), apart from the bench process that serves the fakes.
- **Scheduler**: packages/schedule-engine's \`Scheduler.drain()\` in the bench process, into a queue nobody
  consumes; its addBulk calls are timed apart from the claims.
- **Memory**: Redis \`used_memory\` before and after that drain, per job queued, and MEMORY USAGE of a sample of
  its keys; RSS (VmRSS) of the real workers after every pass; RSS of one no-op worker after 10% and 100% of
  200,000 jobs, each read after a full collection (\`--expose-gc\`): the young generation grows to its 32 MiB
  semi-spaces at some point of the run, which an RSS read without it caught or missed (+3% to +35% at 200,000 jobs).
- **Scale** (only with \`--phases scale\`: a million rows, about 3 minutes): seeds the rows with set-based SQL, then
  EXPLAIN ANALYZE of one claim, \`Scheduler.drain()\` of a tenth of them (no cap) and of 2,000 (the scheduler app's
  cap: Redis memory), the statements \`/metrics\` reads, and a real API's list pages and \`/metrics\`, one request at a
  time. docs/scaling.md turns these and the per-refresh costs into rows per core and per Redis node.
- \`npm run bench -- --profile DIR\` adds a first and a steady pass through one worker under \`node --cpu-prof\`
  and summarises its top self-time functions.

Worker environment of this run (database, prefix and ports are the run's own):

\`\`\`
${envLines(r.meta.workerEnv)}
\`\`\`
`;
}

export interface Written {
  json: string | null;
  markdown: string | null;
  svg: string | null;
}

/** Markers around the budget section, so that a run of that phase alone can replace it in place. */
const BUDGET_BEGIN = '<!-- budget: npm run bench -- --phases budget -->';
const BUDGET_END = '<!-- /budget -->';

export const budgetMarkdown = (r: BenchResults): string =>
  r.budget
    ? `${BUDGET_BEGIN}\n${sectionMarkdown(budgetSection(r.budget))}\n\n_Run ${r.meta.startedAt}, ` +
      `${r.meta.seconds} s, ${r.meta.cores} cores; Node ${r.meta.node}._\n${BUDGET_END}`
    : '';

/**
 * Replaces the budget section of an existing BENCHMARKS.md (or adds it before "How the figures
 * are made"), leaving every other phase's figures as their last full run wrote them.
 */
export function spliceBudget(existing: string, section: string): string {
  const begin = existing.indexOf(BUDGET_BEGIN);
  const end = existing.indexOf(BUDGET_END);
  if (begin >= 0 && end > begin) return existing.slice(0, begin) + section + existing.slice(end + BUDGET_END.length);
  const how = existing.indexOf('## How the figures are made');
  if (how < 0) return `${existing.trimEnd()}\n\n${section}\n`;
  return `${existing.slice(0, how)}${section}\n\n${existing.slice(how)}`;
}

export function writeOutputs(r: BenchResults, out: string | null, docsDir: string | null, budgetOnly = false): Written {
  const written: Written = { json: null, markdown: null, svg: null };
  if (out) {
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(r, null, 2)}\n`);
    written.json = out;
  }
  if (docsDir && budgetOnly) {
    const markdown = path.join(docsDir, 'BENCHMARKS.md');
    const existing = existsSync(markdown) ? readFileSync(markdown, 'utf8') : '# Benchmarks\n';
    writeFileSync(markdown, spliceBudget(existing, budgetMarkdown(r)));
    written.markdown = markdown;
  } else if (docsDir) {
    const svg = path.join(docsDir, 'docs', 'bench.svg');
    mkdirSync(path.dirname(svg), { recursive: true });
    writeFileSync(svg, throughputChart(r));
    const markdown = path.join(docsDir, 'BENCHMARKS.md');
    writeFileSync(markdown, benchmarksMarkdown(r));
    Object.assign(written, { markdown, svg });
  }
  return written;
}
