import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Queue } from 'bullmq';
import type { RedisConnection } from '@gitsync/redis';
import { createChat, createUser, markStale, upsertExternalAuthLink } from '@gitsync/db';
import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import { startFakeGitLab, type FakeGitLab } from '@gitsync/gitlab-fake';
import { jobCatalog } from '@gitsync/queue';
import { duplicateRedis } from '@gitsync/redis';
import {
  createTestDatabase,
  createTestRedis,
  scanKeys,
  startApp,
  startPrivateRedis,
  stopAll,
  waitFor,
  type AppProcess,
  type PrivateCluster,
  type StartedApp,
  type PrivateRedis,
  type TestDatabase,
  type TestRedis,
} from '@gitsync/testing';

export interface SystemOptions {
  /** A Redis server of the test's own, for tests that flush it. */
  privateRedis?: boolean;
  /**
   * A Redis Cluster (startPrivateCluster) the system runs on, in cluster mode: REDIS_URL lists its
   * nodes and the prefix is a hash tag. Several systems of one test file may share it.
   */
  cluster?: PrivateCluster;
  fakeLatencyMs?: number;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /**
   * A fake GitLab too, configured as a second provider (`gitlab`, GITSYNC_EXTERNAL_AUTH_2_*) with
   * this webhook secret token.
   */
  gitlab?: { webhookSecret?: string };
}

/** The id of the second provider, when the system has a fake GitLab. */
export const GITLAB_PROVIDER_ID = 'gitlab';

/**
 * The system as operators run it — separate worker and scheduler processes — on a database and
 * BullMQ prefix of the test's own and the fake GitHub over real HTTP.
 */
export class System {
  readonly apps: AppProcess[] = [];
  private constructor(
    readonly t: TestDatabase,
    readonly redisUrl: string,
    readonly prefix: string,
    readonly redis: RedisConnection,
    readonly fake: FakeGitHub,
    /** The fake GitLab of a system started with `gitlab`; null otherwise. */
    readonly gitlab: FakeGitLab | null,
    private readonly options: SystemOptions,
    private readonly cleanupRedis: () => Promise<void>,
  ) {}

  static async start(options: SystemOptions = {}): Promise<System> {
    const t = await createTestDatabase();
    const fake = await startFakeGitHub({ latencyMs: options.fakeLatencyMs ?? 0 });
    const gitlab = options.gitlab ? await startFakeGitLab({ latencyMs: options.fakeLatencyMs ?? 0 }) : null;
    if (options.cluster) {
      const { cluster } = options;
      const prefix = `{gst_${randomBytes(5).toString('hex')}}`;
      const cleanup = async () => {
        const keys = await scanKeys(cluster.client, `${prefix}:*`);
        for (let i = 0; i < keys.length; i += 500) await cluster.client.del(...keys.slice(i, i + 500));
      };
      // The processes get the nodes that do not hold the prefix's slot, so they only work by learning
      // the cluster's slot map: a plain connection to a seed would be answered MOVED.
      const slot = Number(await cluster.client.cluster('KEYSLOT', prefix));
      const owner = cluster.client.slots[slot]?.[0];
      const seeds = cluster.urls.filter((url) => !url.endsWith(`//${owner}`));
      if (owner === undefined || seeds.length !== cluster.urls.length - 1) throw new Error(`no owner of slot ${slot}`);
      return new System(t, seeds.join(','), prefix, cluster.client, fake, gitlab, options, cleanup);
    }
    if (options.privateRedis) {
      const own: PrivateRedis = await startPrivateRedis();
      return new System(t, own.url, 'gitsync', own.client, fake, gitlab, options, () => own.stop());
    }
    const r: TestRedis = await createTestRedis();
    return new System(t, r.url, r.prefix, r.client, fake, gitlab, options, () => r.cleanup());
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.t.url,
      REDIS_URL: this.redisUrl,
      GITSYNC_QUEUE_PREFIX: this.prefix,
      LOG_LEVEL: 'info',
      GITSYNC_EXTERNAL_AUTH_1_ID: 'github',
      GITSYNC_EXTERNAL_AUTH_1_API_BASE_URL: this.fake.apiBaseUrl,
      GITSYNC_EXTERNAL_AUTH_1_TOKEN_URL: this.fake.tokenUrl,
      ...(this.gitlab && {
        GITSYNC_EXTERNAL_AUTH_2_ID: GITLAB_PROVIDER_ID,
        GITSYNC_EXTERNAL_AUTH_2_TYPE: 'gitlab',
        GITSYNC_EXTERNAL_AUTH_2_API_BASE_URL: this.gitlab.apiBaseUrl,
        ...(this.options.gitlab?.webhookSecret && {
          GITSYNC_EXTERNAL_AUTH_2_WEBHOOK_SECRET: this.options.gitlab.webhookSecret,
        }),
      }),
      GITSYNC_RATE_LIMIT_PADDING: '300',
      GITSYNC_SCHEDULER_INTERVAL: '200',
      GITSYNC_JOB_LOCK_DURATION: '4s',
      GITSYNC_STALLED_INTERVAL: '1s',
      // The fakes answer thousands of requests a minute per token; a test that wants the ceiling sets it.
      GITSYNC_GROUP_REQUESTS_PER_MINUTE: '0',
      ...this.options.env,
      ...extra,
    };
  }

  /** `n` worker processes, each ready (its /readyz answers); `url` is its health server. */
  startWorkers(n: number, extra: Record<string, string> = {}): Promise<StartedApp[]> {
    return this.startApps('worker', n, extra);
  }

  startSchedulers(n: number, extra: Record<string, string> = {}): Promise<StartedApp[]> {
    return this.startApps('scheduler', n, extra);
  }

  /** An API process on a port it chose itself, ready; `url` is its base URL. */
  async startApi(extra: Record<string, string> = {}): Promise<StartedApp> {
    const [api] = await this.startApps('api', 1, extra);
    return api!;
  }

  private async startApps(app: 'api' | 'worker' | 'scheduler', n: number, extra: Record<string, string>) {
    const first = this.apps.filter((a) => a.name.startsWith(app)).length + 1;
    // Each process joins `apps` when spawned: close() stops it however its start ends.
    const onSpawn = (spawned: AppProcess) => this.apps.push(spawned);
    return Promise.all(
      Array.from({ length: n }, (_, i) => startApp(app, this.env(extra), { name: `${app}${first + i}`, onSpawn })),
    );
  }

  /** A user with a token the fake knows (5,000 requests an hour unless told otherwise, as GitHub). */
  async user(username: string, token: string, budget?: { budget: number; windowMs: number }): Promise<string> {
    const user = await createUser(this.t.db, { username, role: 'member' });
    this.fake.addToken(token, { login: username, ...budget });
    await upsertExternalAuthLink(this.t.db, { providerId: 'github', userId: user.id, accessToken: token });
    return user.id;
  }

  /** Links a GitLab token of `username` (known to the fake GitLab) to an existing user. */
  async gitlabToken(userId: string, username: string, token: string): Promise<void> {
    if (!this.gitlab) throw new Error('System.start({ gitlab: {} }) runs a fake GitLab');
    this.gitlab.addToken(token, { username });
    await upsertExternalAuthLink(this.t.db, { providerId: GITLAB_PROVIDER_ID, userId, accessToken: token });
  }

  /** `n` chats of `ownerId`, each on its own branch with an open PR in the fake; returns chat ids. */
  async rows(ownerId: string, n: number, options: { repo?: string; withUrl?: boolean } = {}): Promise<string[]> {
    const repo = options.repo ?? 'app';
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const branch = `${repo}/b${i}`;
      const pr = this.fake.createPullRequest({ owner: 'acme', repo, head: branch, title: `PR ${i}` });
      const chat = await createChat(this.t.db, { ownerId, title: branch });
      await markStale(this.t.db, {
        chatId: chat.id,
        branch,
        remoteOrigin: `${this.fake.url}/acme/${repo}.git`,
        pullRequestUrl: options.withUrl ? pr.htmlUrl : null,
      });
      ids.push(chat.id);
    }
    return ids;
  }

  async outcomes(ids: string[]): Promise<Record<string, number>> {
    const result = await this.t.db.execute<{ outcome: string | null; n: string }>(sql`
      select last_outcome as outcome, count(*) as n from chat_diff_statuses
      where chat_id in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )}) group by last_outcome`);
    return Object.fromEntries(result.rows.map((r) => [r.outcome ?? 'none', Number(r.n)]));
  }

  /**
   * Waits until `atLeast` (by default all) of `ids` were refreshed;
   * on timeout says what the processes printed last.
   */
  async waitAllRefreshed(ids: string[], timeoutMs = 60_000, atLeast = ids.length): Promise<void> {
    let last: Record<string, number> = {};
    const what = atLeast === ids.length ? `all ${ids.length}` : `at least ${atLeast} of ${ids.length}`;
    await waitFor(
      async () => {
        last = await this.outcomes(ids);
        return (last.refreshed ?? 0) >= atLeast || undefined;
      },
      { timeoutMs, intervalMs: 100, message: () => `${what} rows refreshed (${JSON.stringify(last)})\n${this.tail()}` },
    );
  }

  /** How often the fake was asked for each branch's pull request (find-by-branch lookups), by request path. */
  lookupsPerBranch(): Map<string, number> {
    const lookups = new Map<string, number>();
    for (const r of this.fake.requests.filter((q) => q.path.includes('/pulls?head=')))
      lookups.set(r.path, (lookups.get(r.path) ?? 0) + 1);
    return lookups;
  }

  /** Failed jobs of the refresh queue. */
  async failedJobs(): Promise<number> {
    const connection = duplicateRedis(this.redis);
    const queue = new Queue(jobCatalog['refresh-diff-status'].queue, { connection, prefix: this.prefix });
    try {
      return await queue.getJobCountByTypes('failed');
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }

  /** The last lines of every process, for failure messages. */
  tail(): string {
    return this.apps.map((app) => `--- ${app.name} ---\n${app.output().slice(-2000)}`).join('\n');
  }

  async close(): Promise<void> {
    await stopAll(this.apps);
    await this.fake.close();
    await this.gitlab?.close();
    await this.cleanupRedis();
    await this.t.drop();
  }
}
