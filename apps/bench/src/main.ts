/**
 * `npm run bench`: issue 6's benchmark. Creates its own database, BullMQ prefix and fake GitHub
 * servers, runs every phase against the real processes, prints the figures and the targets,
 * writes them (`--out`, BENCHMARKS.md) and removes everything it created, even on failure.
 */
import { isBudgetOnly, parseOptions } from './options.js';
import { writeOutputs } from './report.js';
import { runPhases } from './run.js';
import { startBench, type Bench } from './setup.js';
import { textReport } from './tables.js';

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const clock = performance.now();
  let bench: Bench | null = null;
  // Ctrl-C reaches the children too (same process group); the database and keys are ours to remove.
  // The listeners stay registered: tsx exits at once when a signal finds none left.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`[bench] ${signal}: cleaning up`);
    // Still starting: the main flow sees `stopping` once the start is done and cleans up then.
    if (bench) void bench.close().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    bench = await startBench(options);
    if (stopping) throw new Error('interrupted while starting');
    const results = await runPhases(bench, startedAt);
    console.log(`\n${textReport(results)}`);
    const written = writeOutputs(results, options.out, options.docsDir, isBudgetOnly(options.phases));
    for (const [what, file] of Object.entries(written)) if (file) console.log(`[bench] wrote ${what}: ${file}`);
    const missed = results.targets.filter((t) => !t.pass).length;
    console.log(`[bench] ${results.targets.length - missed} of ${results.targets.length} targets met`);
  } finally {
    await bench?.close();
    console.log(
      `[bench] done in ${Math.round((performance.now() - clock) / 1000)} s; database, keys and processes removed`,
    );
  }
  // Missed targets are findings, not failures: the run itself succeeded.
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('[bench] failed:', err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
