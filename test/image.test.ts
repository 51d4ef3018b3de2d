import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import {
  spawnReady,
  startPrivateRedis,
  waitFor,
  withAdmin,
  withDatabase,
  type AppProcess,
  type PrivateRedis,
} from '@gitsync/testing';
import { loadCompose, repoRoot, type ComposeService } from './compose';
import { hostPath, replayDockerfile, type ReplayedStage } from './dockerfile-replay';

/**
 * The image without Docker: the Dockerfile's steps replayed in a temporary folder (the context
 * filtered by .dockerignore, `npm ci`, the build, the production install of the runtime stage),
 * then migrate, API, scheduler and one worker started from the runtime stage's files only, with
 * docker-compose.yml's commands and environment, against a database and a password-protected
 * redis-server of this test's own, as a user other than root when the machine allows it.
 */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'gitsync-image-'));
// The processes may run as another user: it must reach the runtime folder.
chmodSync(tmp, 0o755);

const secrets = {
  POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
  REDIS_PASSWORD: randomBytes(12).toString('hex'),
  GITSYNC_ADMIN_API_KEY: randomBytes(16).toString('hex'),
  GITSYNC_TOKEN_ENCRYPTION_KEYS: randomBytes(32).toString('base64'),
};
const githubToken = `ghp_${randomBytes(12).toString('hex')}`;
const database = `gitsync_test_image_${randomBytes(4).toString('hex')}`;

/** Root here; the image's `USER node` becomes `nobody` (no `node` user on this machine). */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  return Number.isInteger(uid) && uid > 0 ? { uid, gid: id('-g') } : null;
}
const user = runAs();

let stages: ReplayedStage[] = [];
let runtime: ReplayedStage;
let redis: PrivateRedis;
let fake: FakeGitHub;
/** Every process started, a start tried again on another port included. */
const started: AppProcess[] = [];
const ports = { api: 0, scheduler: 0, worker: 0 };

/**
 * A compose service's environment as the container sees it,
 * this machine's addresses in place of the compose network's.
 */
function environmentOf(service: ComposeService, dotEnv: Record<string, string>): Record<string, string> {
  const env = { ...(service.env_file ? dotEnv : {}), ...service.environment };
  const db = new URL(env.DATABASE_URL!);
  expect(db.hostname).toBe('postgres');
  env.DATABASE_URL = withDatabase(database, `postgres://${db.username}:${db.password}@127.0.0.1:5432/postgres`);
  if (env.REDIS_URL) {
    const url = new URL(env.REDIS_URL);
    expect([url.hostname, url.password]).toEqual(['redis', secrets.REDIS_PASSWORD]);
    url.host = new URL(redis.url).host;
    env.REDIS_URL = url.toString();
  }
  if (env.HOST === '0.0.0.0') env.HOST = '127.0.0.1';
  return env;
}

/** A compose service's command, run in the runtime stage's WORKDIR. */
function start(name: string, service: ComposeService, env: Record<string, string>): AppProcess {
  const [program, ...args] = service.command!;
  expect(program).toBe('node');
  expect(existsSync(path.join(hostPath(runtime, '.'), args.at(-1)!))).toBe(true);
  const child = spawn(process.execPath, args, {
    cwd: hostPath(runtime, '.'),
    env: { PATH: process.env.PATH!, ...runtime.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(user ?? {}),
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const process_ = {
    name,
    child,
    output: () => output,
    exited: new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1))),
    kill: (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
  started.push(process_);
  return process_;
}

/** Bytes of the files under `dir`. */
function sizeOf(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

const figures: Record<string, unknown> = {};

beforeAll(async () => {
  // Offline first: CI installed the same lockfile a moment ago, so the cache holds every package.
  stages = await replayDockerfile({ context: repoRoot, into: tmp, runEnv: { npm_config_prefer_offline: 'true' } });
  runtime = stages.at(-1)!;
  figures.runs = stages.flatMap((s) =>
    s.runs.map((r) => ({ stage: s.name, ms: r.ms, command: r.command.slice(0, 60) })),
  );
  figures.runtimeBytes = sizeOf(hostPath(runtime, '.'));
  figures.nodeModulesBytes = sizeOf(hostPath(runtime, 'node_modules'));
  redis = await startPrivateRedis(loadCompose(secrets).services.redis!.command!.slice(1));
  fake = await startFakeGitHub({ port: 0 });
  fake.addToken(githubToken, { login: 'octo' });
  fake.addRepo('octo', 'app');
  fake.createPullRequest({
    owner: 'octo',
    repo: 'app',
    head: 'feat/image',
    title: 'Ship the image',
    additions: 7,
    deletions: 2,
  });
}, 600_000);

afterAll(async () => {
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(started.map((p) => p.exited));
  await redis?.stop();
  await fake?.close();
  await withAdmin((admin) => admin.query(`drop database if exists "${database}" with (force)`));
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(path.join(repoRoot, 'out'), { recursive: true });
  writeFileSync(path.join(repoRoot, 'out', 'image-replay.json'), `${JSON.stringify(figures, null, 2)}\n`);
});

describe('the image, replayed without Docker', () => {
  it('builds on Node 22 LTS and runs as a user other than root', () => {
    for (const stage of stages) expect(stage.base).toMatch(/^node:22-/);
    expect(runtime.user).toBe('node');
    expect(runtime.env.NODE_ENV).toBe('production');
  });

  it('holds the bundles, the sidebar and the migrations, and no TypeScript sources or dev tools', () => {
    const at = (p: string) => existsSync(hostPath(runtime, p));
    for (const app of ['api', 'scheduler', 'worker', 'migrate']) expect(at(`apps/${app}/dist/main.js`)).toBe(true);
    expect(at('apps/web/dist/index.html')).toBe(true);
    expect(at('drizzle/meta/_journal.json')).toBe(true);
    const sources = readdirSync(hostPath(runtime, '.'), { recursive: true, encoding: 'utf8' }).filter(
      (f) => !f.startsWith('node_modules') && /\.tsx?$/.test(f),
    );
    expect(sources).toEqual([]);
    for (const tool of ['tsx', 'esbuild', 'jest', 'turbo', 'vite', 'drizzle-kit'])
      expect({ tool, installed: at(`node_modules/${tool}`) }).toEqual({ tool, installed: false });
    expect(runtime.cmd).toEqual(loadCompose(secrets).services.api!.command);
  });

  it(
    'starts migrate, API, scheduler and a worker from the built output ' +
      'with the compose environment, and refreshes a row',
    async () => {
      const dotEnv = {
        ...secrets,
        GITSYNC_QUEUE_PREFIX: `img${randomBytes(4).toString('hex')}`,
        GITSYNC_EXTERNAL_AUTH_1_API_BASE_URL: fake.apiBaseUrl,
        GITSYNC_EXTERNAL_AUTH_1_TOKEN_URL: fake.tokenUrl,
      };
      const { services } = loadCompose(dotEnv);

      const t0 = Date.now();
      const migrate = start('migrate', services.migrate!, environmentOf(services.migrate!, dotEnv));
      expect({ code: await migrate.exited, output: migrate.output() }).toEqual({
        code: 0,
        output: expect.stringContaining(`migrated ${database}`),
      });
      figures.migrateMs = Date.now() - t0;

      const t1 = Date.now();
      const outputs = () => started.map((p) => `--- ${p.name} ---\n${p.output().slice(-3000)}`).join('\n');
      // The API binds a port of its own choosing and says which; the others are given a health port
      // found free just before, and started again on another one if something took it meanwhile.
      const ready = async (name: keyof typeof ports, spawn: (port: number | null) => AppProcess) => {
        const app = await spawnReady(spawn, name === 'api' ? 'reported' : 'free-port').catch((err: Error) => {
          throw new Error(`${name} /readyz: ${err.message}\n${outputs()}`);
        });
        ports[name] = Number(new URL(app.url).port);
        figures[`${name}ReadyMs`] = Date.now() - t1;
        return app;
      };
      const apps = await Promise.all([
        ready('api', () => start('api', services.api!, { ...environmentOf(services.api!, dotEnv), PORT: '0' })),
        ready('scheduler', (port) =>
          start('scheduler', services.scheduler!, {
            ...environmentOf(services.scheduler!, dotEnv),
            GITSYNC_HEALTH_PORT: String(port),
          }),
        ),
        ready('worker', (port) =>
          start('worker', services.worker!, {
            ...environmentOf(services.worker!, dotEnv),
            GITSYNC_HEALTH_PORT: String(port),
          }),
        ),
      ]);
      // The sidebar, found from the bundle as from the sources.
      expect(await fetch(`http://127.0.0.1:${ports.api}/`).then((r) => r.text())).toContain('<div id="root">');
      // Each healthcheck compose runs in the container, pointed at this run's port.
      for (const [name, port] of Object.entries(ports)) {
        const [kind, program, ...args] = services[name]!.healthcheck!.test;
        expect([kind, program]).toEqual(['CMD', 'node']);
        const check = spawnSync(
          process.execPath,
          args.map((a) => a.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`)),
        );
        expect({ name, status: check.status }).toEqual({ name, status: 0 });
      }

      const api = async (method: string, url: string, key: string, body?: unknown) => {
        const res = await fetch(`http://127.0.0.1:${ports.api}${url}`, {
          method,
          headers: {
            authorization: `Bearer ${key}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as Record<string, any>) };
      };
      const member = await api('POST', '/api/v1/users', secrets.GITSYNC_ADMIN_API_KEY, {
        username: 'octo',
        role: 'member',
      });
      expect(member.status).toBe(201);
      const key = member.body!.api_key as string;
      expect(
        (await api('PUT', '/api/v1/users/me/external-auth/github', key, { access_token: githubToken })).status,
      ).toBe(204);
      const chat = await api('POST', '/api/v1/chats', key, { title: 'image' });
      expect(chat.status).toBe(201);
      const report = await api('POST', `/api/v1/chats/${chat.body!.id}/git`, key, {
        branch: 'feat/image',
        remote_origin: `${fake.url}/octo/app.git`,
      });
      expect(report.status).toBe(202);
      const status = await waitFor(
        async () => {
          const res = await api('GET', `/api/v1/chats/${chat.body!.id}/diff-status`, key);
          return res.body?.refreshed_at ? res.body : undefined;
        },
        { timeoutMs: 30_000, message: () => `the row to be refreshed\n${outputs()}` },
      );
      expect(status).toMatchObject({
        pull_request_state: 'open',
        pull_request_title: 'Ship the image',
        additions: 7,
        deletions: 2,
      });
      figures.refreshedMs = Date.now() - t1;

      // SIGTERM, as `docker compose stop` sends it: each process stops cleanly.
      for (const p of apps) p.kill('SIGTERM');
      const codes = await Promise.all(apps.map(async (p) => [p.name, await p.exited]));
      expect(Object.fromEntries(codes)).toEqual({ api: 0, scheduler: 0, worker: 0 });

      for (const p of started) {
        for (const [name, secret] of Object.entries({ ...secrets, githubToken })) {
          expect({ process: p.name, leaks: name, found: p.output().includes(secret) }).toEqual({
            process: p.name,
            leaks: name,
            found: false,
          });
        }
      }
      figures.user = user ? `uid ${user.uid}` : `uid ${process.getuid?.()}`;
    },
    180_000,
  );
});
