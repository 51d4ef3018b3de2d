import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { redisUrl, scanKeys, serverUrl as databaseUrl } from '@gitsync/testing';
import type { BenchResults } from '../src/figures.js';

const root = path.resolve(__dirname, '../../..');

/** Runs `npm run bench -- <args>` as a user would; killed if it outlives the test. */
function runBench(args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/bench/src/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // SIGINT first: the bench cleans up its database, keys and processes on it.
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      clearTimeout(killer);
      resolve({ code: code ?? -1, output });
    });
  });
}

describe('npm run bench -- --quick', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gitsync-bench-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures every figure end to end, writes JSON and docs, and leaves nothing behind', async () => {
    const out = path.join(dir, 'bench.json');
    const { code, output } = await runBench(
      ['--quick', '--rows', '1000', '--users', '10', '--samples', '10', '--out', out, '--docs-dir', dir],
      300_000,
    );
    expect({ code, tail: code === 0 ? '' : output.slice(-4000) }).toEqual({ code: 0, tail: '' });
    expect(output).toMatch(/Targets \(issue 6\)/);

    const r = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
    expect(r.meta).toMatchObject({ quick: true, rows: 1000, providers: 2 });
    for (const version of [r.meta.node, r.meta.postgres, r.meta.redis]) expect(version).toMatch(/^v?\d+\.\d+/);
    expect(r.meta.workerEnv.GITSYNC_EXTERNAL_AUTH_2_API_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);

    expect(r.ceiling).toHaveLength(1);
    expect(r.ceiling[0]!.jobsPerSec).toBeGreaterThan(0);
    // Each no-op job is at least added, fetched and finished: several commands, not zero.
    expect(r.ceiling[0]!.redisCommandsPerJob).toBeGreaterThan(3);
    // Quick mode: one worker, both latencies, both passes.
    expect(r.refresh.map((f) => `${f.workers}/${f.latencyMs}/${f.pass}`)).toEqual([
      '1/0/first',
      '1/0/steady',
      '1/100/first',
      '1/100/steady',
    ]);
    for (const f of r.refresh) {
      expect(f.rows).toBeGreaterThan(0);
      expect(f.rowsPerSec).toBeGreaterThan(0);
      expect(f.requestsPerRefresh).toBeGreaterThan(0);
      expect(Object.keys(f.cpuSeconds)).toEqual(expect.arrayContaining(['workers', 'scheduler', 'postgres', 'other']));
      expect(f.cost.meanJobMs).toBeGreaterThan(0);
      expect(f.workerRss[0]?.rssBytes).toBeGreaterThan(0);
    }
    // The first pass reaches every row (it records urls and ETags for the steady passes).
    expect(r.refresh[0]).toMatchObject({ complete: true, rows: 1000, otherOutcomes: {} });
    // Steady passes send the recorded ETags: some answers are 304s, which the rate limit does not count.
    for (const f of r.refresh.filter((x) => x.pass === 'steady')) {
      expect(f.conditionalRequests).toBeGreaterThan(0);
      expect(f.countedPerRefresh).toBeLessThan(f.requestsPerRefresh);
    }

    expect(r.onDemand.available).toBe(true);
    expect(r.onDemand.figures.map((f) => f.condition)).toEqual(['idle', 'webhook', 'backlog']);
    for (const f of r.onDemand.figures) {
      expect(f.samples).toBeGreaterThan(0);
      expect(f.p99Ms).toBeGreaterThanOrEqual(f.p50Ms);
      expect(f.failed).toBe(0);
    }

    expect(r.scheduler.rows).toBe(5000);
    expect(r.scheduler.rowsPerSec).toBeGreaterThan(0);
    expect(r.memory.redisBytesPerJob).toBeGreaterThan(0);
    expect(r.memory.redisBreakdown.jobHash).toBeGreaterThan(0);
    expect(r.memory.workers.length).toBeGreaterThan(0);
    for (const w of r.memory.workers) {
      expect(w.rssStartBytes).toBeGreaterThan(0);
      expect(w.rssEndBytes).toBeGreaterThan(0);
    }
    expect(r.memory.flat.rssAtBytes.map((x) => x.jobs)).toEqual([500, 5000]);
    expect(r.memory.flat.growth).not.toBeNull();

    // The budget phase: both schedules measured, the state-aware one over a simulated day.
    expect(r.budget?.figures.map((f) => [f.schedule, f.simulatedHours])).toEqual([
      ['state-aware', 24],
      ['fixed 2 min', 2],
    ]);
    for (const f of r.budget!.figures) {
      expect(f.requestsPerHour).toBeGreaterThan(0);
      expect(f.jobsPerHour).toBeGreaterThan(0);
    }

    expect(r.targets).toHaveLength(13);
    // Issue 17's cost targets, for the one steady pass at 0 ms, read against this run's no-op job.
    const costs = r.targets.filter((t) => /^(Redis commands|CPU) per steady refresh/.test(t.name));
    expect(costs.map((t) => t.name)).toEqual([
      "Redis commands per steady refresh beyond a no-op job's (1 worker, steady pass)",
      'CPU per steady refresh, every process of the system (1 worker, steady pass)',
    ]);
    for (const t of costs) expect(t.ratio).toBeGreaterThan(0);

    const markdown = readFileSync(path.join(dir, 'BENCHMARKS.md'), 'utf8');
    expect(markdown).toContain('![refresh throughput');
    expect(markdown).toContain('### Budget (issue 15)');
    expect(readFileSync(path.join(dir, 'docs', 'bench.svg'), 'utf8')).toMatch(
      /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    );

    // Nothing left behind: the database is dropped and no key of the prefix remains.
    const pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    try {
      const dbs = await pg.query('select 1 from pg_database where datname = $1', [r.meta.database]);
      expect(dbs.rowCount).toBe(0);
      expect(await scanKeys(redis, `${r.meta.queuePrefix}*`)).toEqual([]);
    } finally {
      await pg.end();
      redis.disconnect();
    }
  }, 360_000);
});
