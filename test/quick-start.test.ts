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
  if (launcher) await killLauncher();
  await r?.cleanup();
  await t?.drop();
});

/** `npm start` on `port`, as its own process group (the launcher, its shells and the apps). */
function startLauncher(port: number): ChildProcess {
  output = '';
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
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
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return child;
}

type Chat = { title: string; diff_status?: { url?: string; pull_request_state?: string } };

/** The demo chats once at least 10 have a PR url, or 'taken' when the API could not bind `port`. */
async function demoChats(port: number): Promise<Chat[] | 'taken'> {
  const taken = new RegExp(`EADDRINUSE[^\\n]*:${port}\\b`);
  return waitFor(
    async () => {
      if (taken.test(output)) return 'taken' as const;
      // Whatever else took the port meanwhile does not know the demo key of this database, and may
      // not answer at all.
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/chats`, {
        headers: { authorization: `Bearer ${DEMO_KEY}` },
        signal: AbortSignal.timeout(5_000),
      }).catch(() => null);
      if (!res?.ok) return undefined;
      const body = (await res.json()) as { chats: Chat[] };
      return body.chats.filter((c) => c.diff_status?.url).length >= 10 ? body.chats : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 250, message: 'demo chats with a PR url' },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n--- launcher output ---\n${output}`);
  });
}

/** Kills the launcher's whole process group and waits until the launcher is gone. */
async function killLauncher(): Promise<void> {
  if (launcher.exitCode !== null || launcher.signalCode !== null) return;
  const gone = new Promise((resolve) => launcher.once('exit', resolve));
  try {
    process.kill(-launcher.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  await gone;
}

it('npm start runs the whole system and the demo chats get their pull-request status', async () => {
  // The launcher takes a fixed PORT (it tells the demo and the welcome text where the API is): one
  // found free just before, and another when something took it before the API could bind it.
  let chats: Chat[] | 'taken' = 'taken';
  for (let attempt = 1; chats === 'taken'; attempt++) {
    if (attempt > 3) throw new Error(`the API found its port taken ${attempt - 1} times\n${output}`);
    if (attempt > 1) await killLauncher();
    const port = await freePort();
    launcher = startLauncher(port);
    chats = await demoChats(port);
  }

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
