import { sql } from 'drizzle-orm';
import type { DiffStatusChangeEvent } from '@gitsync/contracts';
import { GitsyncClient } from '@gitsync/sdk';
import { dumpRedis, waitFor } from '@gitsync/testing';
import type { System, SystemOptions } from './harness.js';

/**
 * System tests that run on more than one kind of Redis (a server, a cluster): each test file
 * starts the system its way and runs the scenario on it, so the claim is written once.
 */
export interface Scenario {
  title: string;
  /** How the system is started (the test file adds where Redis is). */
  options: SystemOptions;
  timeoutMs: number;
  run(s: System): Promise<void>;
}

/**
 * Issue 3: kill -9 one of three worker processes in the middle of `rows` rows (2,000; a fifth of
 * them refreshed first). Its jobs come back through BullMQ's stalled-job check (lock 4 s, checked
 * every second here; 30 s / 15 s by default) and every row is refreshed.
 */
export const killNineRecovery = (rows = 2_000): Scenario => ({
  title: `recovers the jobs of a worker killed with SIGKILL; every one of ${rows} rows is refreshed`,
  options: { fakeLatencyMs: 30 },
  timeoutMs: 240_000,
  async run(s) {
    const owner = await s.user('crash', 'ghp_crash_token', { budget: 100_000, windowMs: 3_600_000 });
    const ids = await s.rows(owner, rows);
    const [victim] = await s.startWorkers(3, { GITSYNC_WORKER_CONCURRENCY: '30' });
    await s.startSchedulers(1);

    await s.waitAllRefreshed(ids, 60_000, rows / 5);
    victim!.kill('SIGKILL');
    expect(await victim!.exited).toBe(-1);
    const killedAt = Date.now();

    await s.waitAllRefreshed(ids, 120_000);
    expect(await s.failedJobs()).toBe(0);
    // Only the killed worker's jobs in flight (at most its concurrency) may have been looked up twice.
    const finds = s.lookupsPerBranch();
    const repeated = [...finds.values()].filter((n) => n > 1).length;
    expect(finds.size).toBe(rows);
    expect(repeated).toBeLessThanOrEqual(30);
    const leased = await s.t.db.execute<{ n: string }>(
      sql`select count(*) as n from chat_diff_statuses where leased_until is not null`,
    );
    expect(Number(leased.rows[0]!.n)).toBe(0);
    console.log(
      `kill -9 recovery: all ${rows} rows refreshed ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill; ` +
        `${repeated} rows looked up twice`,
    );
  },
});

/**
 * Issue 3: one of two tokens is limited for a few seconds while three worker processes run. Every
 * replica stops calling GitHub for that group, the other group goes on, the limited rows are
 * refreshed after the window, nothing fails, and no token ends up in Redis or in a log line.
 *
 * Proved by the fake's request log, not by the clock: with one request of a group in flight across
 * all replicas (GITSYNC_GROUP_MAX_IN_FLIGHT=1), the request that meets the limit holds the group's
 * only slot until its answer has blocked the group in Redis; any request sent in the window after
 * that would be answered 403 too. So exactly one 403 means no replica called during the window.
 */
export const rateLimitWindow: Scenario = {
  title: 'a limited group stops on every replica until its reset while the other group goes on',
  options: { fakeLatencyMs: 20, env: { LOG_LEVEL: 'debug', GITSYNC_GROUP_MAX_IN_FLIGHT: '1' } },
  timeoutMs: 120_000,
  async run(s) {
    const LIMITED = 'ghp_limited_token_secret';
    const FREE = 'ghp_free_token_secret';
    const limitedOwner = await s.user('limited', LIMITED);
    const freeOwner = await s.user('free', FREE);
    await s.startWorkers(3);
    await s.startSchedulers(1);

    s.fake.forceRateLimit(LIMITED, { ms: 3_000, kind: 'primary' });
    // The free group waits at the fake until the limited group met its limit: it is then sure to
    // have work left while the limited group is blocked, however the two groups' jobs interleave.
    const freeHeld = s.fake.hold((r) => r.token === FREE);
    const limited = await s.rows(limitedOwner, 30, { repo: 'limited' });
    const free = await s.rows(freeOwner, 30, { repo: 'free' });
    try {
      await waitFor(() => s.fake.requests.some((r) => r.token === LIMITED && r.status === 403), {
        timeoutMs: 30_000,
        message: () => `the limited group to meet its limit\n${s.tail()}`,
      });
    } finally {
      freeHeld.release();
    }

    await s.waitAllRefreshed([...limited, ...free], 60_000);

    const requests = s.fake.requests;
    const ofLimited = requests.filter((r) => r.token === LIMITED).sort((a, b) => a.arrival - b.arrival);
    // One request met the limit; no replica sent another until the window was over.
    expect(ofLimited.filter((r) => r.status === 403)).toHaveLength(1);
    const [met, next] = [ofLimited.find((r) => r.status === 403)!, ofLimited.find((r) => r.status === 200)!];
    expect(next.arrival).toBeGreaterThan(met.answered);
    // Meanwhile the free group was sent requests.
    const freeMeanwhile = requests.filter(
      (r) => r.token === FREE && r.arrival > met.answered && r.arrival < next.arrival,
    );
    expect(freeMeanwhile.length).toBeGreaterThan(0);
    expect(await s.failedJobs()).toBe(0);

    const redisDump = await dumpRedis(s.redis, '*');
    const logs = s.apps.map((app) => app.output()).join('\n');
    expect(logs).toContain('"outcome":"rate_limited"');
    for (const secret of [LIMITED, FREE]) {
      expect(redisDump).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  },
};

const ADMIN_KEY = 'scenario-admin-key-0123456789';

/**
 * The whole path through every process and every use of Redis: the agent's report reaches the
 * API (quotas, scheduler wake-up), the scheduler enqueues, a worker refreshes (pacer, queue) and
 * publishes the change, which the API relays on the owner's event stream; an on-demand refresh
 * jumps the queue and the API hears its job's end (job-end channel).
 */
export const apiRefresh: Scenario = {
  title: 'a report through the API is refreshed, streamed live, and refreshed again on demand',
  options: {},
  timeoutMs: 90_000,
  async run(s) {
    const [api] = await Promise.all([
      s.startApi({ GITSYNC_ADMIN_API_KEY: ADMIN_KEY }),
      s.startWorkers(2),
      s.startSchedulers(1),
    ]);
    const baseUrl = api.url;
    const admin = new GitsyncClient({ baseUrl, apiKey: ADMIN_KEY });
    const user = await admin.createUser({ username: 'ada', role: 'member' });
    const ada = new GitsyncClient({ baseUrl, apiKey: user.api_key });
    s.fake.addToken('ghp_scenario_ada', { login: 'ada' });
    await ada.linkToken('me', 'github', { access_token: 'ghp_scenario_ada' });

    const stream = await ada.events();
    const seen: DiffStatusChangeEvent[] = [];
    void (async () => {
      for await (const event of stream) seen.push(event);
    })();
    try {
      const pr = s.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'feat/e2e', title: 'First title' });
      const chat = await ada.createChat({ title: 'e2e' });
      await ada.reportGit(chat.id, { branch: 'feat/e2e', remote_origin: `${s.fake.url}/acme/app.git` });
      const event = await waitFor(
        () => seen.find((e) => e.chat.id === chat.id && e.chat.diff_status?.url === pr.htmlUrl),
        {
          timeoutMs: 30_000,
          message: () => `the refreshed status on ada's stream (${seen.length} events)\n${s.tail()}`,
        },
      );
      expect(event.chat.diff_status).toMatchObject({ pull_request_state: 'open', pull_request_title: 'First title' });

      s.fake.updatePullRequest('acme', 'app', pr.number, { title: 'Second title' });
      const refreshed = await ada.refreshDiffStatus(chat.id);
      expect(refreshed.refresh).toMatchObject({ completed: true, outcome: 'refreshed' });
      expect(refreshed.pull_request_title).toBe('Second title');
      await waitFor(() => seen.some((e) => e.chat.diff_status?.pull_request_title === 'Second title'), {
        message: 'the on-demand change on the stream',
      });

      // What operators look at reads the same Redis: readiness, metrics, Bull Board.
      const open = (path: string, auth?: string) =>
        fetch(`${baseUrl}${path}`, auth ? { headers: { authorization: `Bearer ${auth}` } } : {});
      expect(await (await open('/readyz')).json()).toMatchObject({ checks: { redis: true, postgres: true } });
      expect(await (await open('/metrics')).text()).toMatch(/^gitsync_metrics_source_up\{source="jobCounts"\} 1$/m);
      const board = (await (await open('/admin/queues/api/queues', ADMIN_KEY)).json()) as {
        queues: { name: string }[];
      };
      expect(board.queues.map((q) => q.name)).toEqual(['diff-status-refresh']);
    } finally {
      stream.close();
    }
  },
};
