/**
 * On-demand refresh latency, median and p99, with an idle queue and with a backlog of 20,000
 * background jobs: the API in this process, a worker process as operators run it, Postgres,
 * Redis and the fake GitHub on this machine. Each sample is one POST …/diff-status/refresh,
 * timed by the caller, for a chat whose PR exists (so the worker calls the fake every time).
 *
 *   node --import tsx apps/api/scripts/on-demand-latency.ts [samples=200] [fake latency ms=0] [worker concurrency=50]
 */
import { performance } from 'node:perf_hooks';
import { startFakeGitHub } from '@gitsync/github-fake';
import { createRedis, RefreshProducer } from '@gitsync/queue';
import { prepareTemplate } from '@gitsync/testing';
import { githubProvider, startApi } from '../test/harness.js';
import { backlogPayload } from '../test/backlog.js';
import { spawnWorker } from '../test/worker-process.js';

const BACKLOG = 20_000;
const [samples = 200, fakeLatencyMs = 0, concurrency = 50] = process.argv.slice(2).map(Number);


function summary(name: string, ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!.toFixed(1);
  return `${name.padEnd(26)} n=${sorted.length}  median ${at(0.5)} ms  p99 ${at(0.99)} ms  max ${sorted[sorted.length - 1]!.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  await prepareTemplate();
  const fake = await startFakeGitHub({ latencyMs: fakeLatencyMs });
  const h = await startApi({ providers: [githubProvider(fake.apiBaseUrl)] });
  const worker = await spawnWorker({
    databaseUrl: h.t.url,
    redisUrl: h.r.url,
    prefix: h.r.prefix,
    apiBaseUrl: fake.apiBaseUrl,
    extra: { LOG_LEVEL: 'warn', GITSYNC_WORKER_CONCURRENCY: String(concurrency) },
  });
  const connection = createRedis(h.r.url, 'producer');
  const producer = new RefreshProducer({ connection, prefix: h.r.prefix });
  try {
    const user = await h.client().createUser({ username: 'bench' });
    const client = h.client(user.api_key);
    fake.addToken('ghp_bench', { login: 'bench', budget: 1_000_000 });
    await client.linkToken('me', 'github', { access_token: 'ghp_bench' });
    const chats: string[] = [];
    for (let i = 0; i < 20; i++) {
      fake.createPullRequest({ owner: 'acme', repo: 'app', head: `feat/${i}`, title: `PR ${i}` });
      const chat = await client.createChat({ title: `${i}` });
      await client.reportGit(chat.id, { branch: `feat/${i}`, remote_origin: `${fake.url}/acme/app.git` });
      chats.push(chat.id);
    }
    const measure = async (before?: () => Promise<void>) => {
      const ms: number[] = [];
      for (let i = 0; i < samples; i++) {
        await before?.();
        const started = performance.now();
        const res = await client.refreshDiffStatus(chats[i % chats.length]!);
        ms.push(performance.now() - started);
        if (res.refresh.outcome !== 'refreshed') throw new Error(`unexpected refresh ${JSON.stringify(res.refresh)}`);
      }
      return ms;
    };
    await measure(); // warm-up: connections, the first PR look-ups, JIT
    const idle = await measure();

    const queued = async () => (await producer.queue.getJobCounts('prioritized')).prioritized ?? 0;
    const topUp = async () => {
      const missing = BACKLOG - (await queued());
      if (missing < BACKLOG / 4) return;
      for (let i = 0; i < missing; i += 5_000) await producer.enqueueBackground(Array.from({ length: Math.min(5_000, missing - i) }, backlogPayload));
    };
    await topUp();
    let least = Infinity;
    const busy = await measure(async () => {
      await topUp();
      least = Math.min(least, await queued());
    });

    console.log(`fake GitHub latency ${fakeLatencyMs} ms per request, worker concurrency ${concurrency}`);
    console.log(summary('idle queue', idle));
    console.log(summary(`${BACKLOG} background jobs`, busy));
    console.log(`backlog never fell below ${least} queued jobs while measuring`);
  } finally {
    await producer.close();
    connection.disconnect();
    await worker.stop();
    await h.close();
    await fake.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
