import type { Worker } from 'bullmq';
import { ownerChannel, type DiffStatusChangeEvent } from '@gitsync/contracts';
import { createChat, createUser, markStale, upsertExternalAuthLink, type Database } from '@gitsync/db';
import { createGitHubProvider, type GitProvider } from '@gitsync/gitprovider';
import { defaultTimings, type TokenStore } from '@gitsync/gitsync';
import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import { createLogger } from '@gitsync/logger';
import { RefreshProducer } from '@gitsync/queue';
import { Scheduler } from '@gitsync/schedule-engine';
import { GitsyncClient } from '@gitsync/sdk';
import {
  createTestDatabase,
  createTestRedis,
  startApp,
  stopAll,
  type AppProcess,
  type TestDatabase,
  type TestRedis,
} from '@gitsync/testing';
import { createTokenRefresher } from '../src/providers.js';
import { createRefreshWorker } from '../src/worker.js';

export const PROVIDER_ID = 'github';
/** The admin key of the API processes a `Pipeline` starts. */
export const ADMIN_KEY = 'pipeline-admin-key-0123456789';

export interface PipelineOptions {
  concurrency?: number;
  groupConcurrency?: number;
  /** Wrap or replace the providers (e.g. to gate calls). */
  providers?: (fake: FakeGitHub) => GitProvider[];
  /** Replaces the Postgres token store (e.g. to count look-ups). */
  tokenStore?: (db: Database) => TokenStore;
  /** Worker replicas, each with its own connections and pacer. @defaultValue 1 */
  replicas?: number;
  /** The pacer's per-minute ceiling per group. @defaultValue 0: none */
  groupRequestsPerMinute?: number;
}

/** A job's start or end as the worker of a `Pipeline` saw it. */
export interface JobEvent {
  event: 'active' | 'completed' | 'failed';
  chatId: string;
  generation: number;
}

/** An API process a `Pipeline` started. */
export interface ApiProcess {
  baseUrl: string;
  /** The SDK, as the holder of `key` (the admin by default). */
  client(key?: string): GitsyncClient;
  close(): Promise<void>;
}

/**
 * The whole pipeline in one test process, on real Postgres, real Redis and the fake GitHub over
 * real HTTP: scheduler → BullMQ → worker → fake → Postgres → events; an API in front on demand.
 */
export class Pipeline {
  events: DiffStatusChangeEvent[] = [];
  /** Every job the worker started and ended, in order: what ran, not what the rows say. */
  jobs: JobEvent[] = [];
  worker: Worker | null = null;
  /** Every replica's worker (`worker` is the first). */
  workers: Worker[] = [];
  private readonly apis: AppProcess[] = [];
  private constructor(
    readonly t: TestDatabase,
    readonly r: TestRedis,
    readonly fake: FakeGitHub,
    readonly producer: RefreshProducer,
    readonly scheduler: Scheduler,
  ) {}

  static async start(options: PipelineOptions = {}): Promise<Pipeline> {
    const [t, r, fake] = await Promise.all([createTestDatabase(), createTestRedis(), startFakeGitHub()]);
    const producer = new RefreshProducer({ connection: r.connect('producer'), prefix: r.prefix });
    const logger = createLogger('test', { level: (process.env.TEST_LOG_LEVEL as 'info') ?? 'silent' });
    const scheduler = new Scheduler({
      db: t.db,
      producer,
      logger,
      leaseMs: defaultTimings.leaseMs,
      batchSize: 100,
      intervalMs: 50,
    });
    const pipeline = new Pipeline(t, r, fake, producer, scheduler);
    const providers = options.providers?.(fake) ?? [
      createGitHubProvider({ id: PROVIDER_ID, apiBaseUrl: fake.apiBaseUrl, rateLimitPaddingMs: 1000 }),
    ];
    const tokenStore = options.tokenStore?.(t.db);
    for (let i = 0; i < (options.replicas ?? 1); i++) {
      const { worker } = createRefreshWorker({
        db: t.db,
        connection: r.connect('worker'),
        redis: r.connect('worker'),
        prefix: r.prefix,
        providers,
        refreshToken: createTokenRefresher(
          [
            {
              id: PROVIDER_ID,
              type: 'github',
              apiBaseUrl: fake.apiBaseUrl,
              originPattern: null,
              clientId: 'c',
              clientSecret: 's',
              tokenUrl: fake.tokenUrl,
              webhookSecret: null,
            },
          ],
          5000,
        ),
        timings: defaultTimings,
        concurrency: options.concurrency ?? 20,
        groupConcurrency: options.groupConcurrency ?? 10,
        rateLimitPaddingMs: 1000,
        groupRequestsPerMinute: options.groupRequestsPerMinute ?? 0,
        logger,
        ...(tokenStore && { tokenStore }),
      });
      pipeline.workers.push(worker);
      for (const event of ['active', 'completed', 'failed'] as const) {
        worker.on(event, (job?: { data: { chatId: string; generation: number } }) => {
          if (job) pipeline.jobs.push({ event, chatId: job.data.chatId, generation: job.data.generation });
        });
      }
    }
    pipeline.worker = pipeline.workers[0]!;
    return pipeline;
  }

  /**
   * The API as operators run it, a process of its own (a test here imports no other app), on the
   * pipeline's database, Redis prefix and fake GitHub, quotas off; `env` adds to its configuration.
   */
  async startApi(env: Record<string, string> = {}): Promise<ApiProcess> {
    const app = await startApp(
      'api',
      {
        DATABASE_URL: this.t.url,
        REDIS_URL: this.r.url,
        GITSYNC_QUEUE_PREFIX: this.r.prefix,
        LOG_LEVEL: 'info',
        GITSYNC_ADMIN_API_KEY: ADMIN_KEY,
        GITSYNC_EXTERNAL_AUTH_1_ID: PROVIDER_ID,
        GITSYNC_EXTERNAL_AUTH_1_API_BASE_URL: this.fake.apiBaseUrl,
        // Every request of a test file comes from one address with a few keys.
        GITSYNC_API_QUOTA: '0',
        GITSYNC_REFRESH_QUOTA: '0',
        GITSYNC_AUTH_FAILURE_QUOTA: '0',
        ...env,
      },
      { outputTailChars: 64_000, onSpawn: (spawned) => this.apis.push(spawned) },
    );
    return {
      baseUrl: app.url,
      client: (key = ADMIN_KEY) => new GitsyncClient({ baseUrl: app.url, apiKey: key }),
      close: () => stopAll([app]),
    };
  }

  /** Records every event published for this owner. */
  async listen(ownerId: string): Promise<void> {
    const sub = this.r.connect('worker');
    sub.on('message', (_channel: string, message: string) => this.events.push(JSON.parse(message)));
    await sub.subscribe(ownerChannel(ownerId));
  }

  async user(username: string, token?: string, limits: { perMinute?: number } = {}): Promise<string> {
    const user = await createUser(this.t.db, { username, role: 'member' });
    if (token) {
      this.fake.addToken(token, { login: username, ...limits });
      await upsertExternalAuthLink(this.t.db, { providerId: PROVIDER_ID, userId: user.id, accessToken: token });
    }
    return user.id;
  }

  /** A chat whose agent reported `branch` on `owner/repo` of the fake. */
  async chat(ownerId: string, repo: string, branch: string, origin?: string): Promise<string> {
    const chat = await createChat(this.t.db, { ownerId, title: branch });
    await markStale(this.t.db, { chatId: chat.id, branch, remoteOrigin: origin ?? `${this.fake.url}/${repo}.git` });
    return chat.id;
  }

  /** The jobs of one chat that started (`active`), in order. */
  jobsOf(chatId: string, event: JobEvent['event'] = 'active'): JobEvent[] {
    return this.jobs.filter((j) => j.chatId === chatId && j.event === event);
  }

  async close(): Promise<void> {
    await stopAll(this.apis);
    await this.scheduler.stop();
    await Promise.all(this.workers.map((w) => w.close()));
    await this.producer.close();
    await this.fake.close();
    await this.r.cleanup();
    await this.t.drop();
  }
}
