import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@gitsync/testing';

/**
 * The README's `npm start`, as a newcomer runs it: real processes (launcher, API, scheduler,
 * worker), the built-in fake GitHub and its demo chats, which must get their PR statuses.
 */
const root = path.resolve(__dirname, '..');
const DEMO_KEY = 'gsk_demo_member_local_only';

let t: TestDatabase;
let r: TestRedis;
let launcher: ChildProcess;
let output = '';

beforeAll(async () => {
  [t, r] = await Promise.all([createTestDatabase(), createTestRedis()]);
});

afterAll(async () => {
  if (launcher.exitCode === null) {
    try {
      process.kill(-launcher.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await r?.cleanup();
  await t?.drop();
});

it('npm start runs the whole system and the demo chats get their pull-request status', async () => {
  const port = await freePort();
  launcher = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    detached: true,
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      REDIS_URL: r.url,
      GITSYNC_QUEUE_PREFIX: r.prefix,
      PORT: String(port),
      GITSYNC_FAKE_GITHUB_PORT: '0',
      GITSYNC_FAKE_GITLAB_PORT: '0',
      GITSYNC_WORKERS: '1',
      LOG_LEVEL: 'warn',
      FORCE_COLOR: '0',
    },
  });
  launcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  launcher.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const chats = await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/chats`, {
        headers: { authorization: `Bearer ${DEMO_KEY}` },
      });
      if (!res.ok) return undefined;
      const body = (await res.json()) as {
        chats: Array<{ title: string; diff_status?: { url?: string; pull_request_state?: string } }>;
      };
      return body.chats.filter((c) => c.diff_status?.url).length >= 10 ? body.chats : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 250, message: 'demo chats with a PR url' },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n--- launcher output ---\n${output}`);
  });

  const states = Object.fromEntries(chats.map((c) => [c.title, c.diff_status?.pull_request_state]));
  // Reported without a PR url: merged and closed PRs, and a fork's PR in its parent, are found by branch.
  expect(states).toMatchObject({
    'Add dark mode': 'open',
    'Fix login redirect': 'merged',
    'Cache experiment': 'closed',
    'Upgrade to Node 22': 'merged',
    'Fix typos in the docs': 'open',
    // GitLab merge requests, beside them: a nested group's, a fork's (upstream) and a merged one.
    'Payments: retry failed charges': 'open',
    'Mobile: release notes': 'open',
    'Billing: CSV export': 'merged',
  });
  expect(output).toContain('gitsync is running');
  expect(output).toContain(DEMO_KEY);

  launcher.kill('SIGTERM');
  const exit = await waitFor(
    () =>
      (launcher.exitCode !== null || launcher.signalCode !== null) && {
        code: launcher.exitCode,
        signal: launcher.signalCode,
      },
    { timeoutMs: 30_000, message: 'launcher exit' },
  );
  // The launcher stops its group and exits 0 on SIGTERM (not killed by the signal).
  expect(exit).toEqual({ code: 0, signal: null });
}, 120_000);
