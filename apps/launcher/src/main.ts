import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { concurrently } from 'concurrently';
import { appNodeFlags, type AppName } from '@gitsync/config';
import {
  createDb,
  ensureDatabase,
  migrateDatabase,
  rekeyExternalAuthLinks,
  TokenCipher,
  type Database,
} from '@gitsync/db';
import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import { startFakeGitLab, type FakeGitLab } from '@gitsync/gitlab-fake';
import {
  DEMO_ADMIN_KEY,
  DEMO_MEMBER_KEY,
  DEMO_PROVIDER_ID,
  DEMO_TOKEN_KEY,
  reportAll,
  seedDemo,
  startDemoChanges,
} from './demo.js';
import { DEMO_GITLAB_PROVIDER_ID, reportAllGitLab, seedGitLabDemo, startGitLabDemoChanges } from './demo-gitlab.js';
import { loadLauncherEnv } from './env.js';

const root = path.resolve(__dirname, '../../..');
// `exec` replaces the shell, so signals reach node and a clean stop is not taken for a crash.
const tsx = (app: AppName) =>
  `exec "${process.execPath}" ${[...appNodeFlags[app], '--import', 'tsx'].join(' ')} apps/${app}/src/main.ts`;

/**
 * `npm start`: migrate, then run API, scheduler and workers as one supervised process group
 * (restarted when they crash, all stopped together). With no provider configured it also runs
 * the fake GitHub with demo chats, so a newcomer sees statuses appear and change.
 */
async function main(): Promise<void> {
  const env = loadLauncherEnv();
  buildWebPage();
  const demoMode = env.providers.length === 0;
  // The demo seals its tokens too, under a key it prints; real setups bring their own (or warn).
  const demoTokenKey = demoMode && env.GITSYNC_TOKEN_ENCRYPTION_KEYS.length === 0 ? DEMO_TOKEN_KEY : null;
  const tokenKeys = demoTokenKey ? [Buffer.from(demoTokenKey, 'base64')] : env.GITSYNC_TOKEN_ENCRYPTION_KEYS;
  const cipher = tokenKeys.length > 0 ? new TokenCipher(tokenKeys) : null;
  await ensureDatabase(env.DATABASE_URL);
  await migrateDatabase(env.DATABASE_URL);
  // As `npm run migrate` does: tokens from before the key (or under an older one) are sealed again.
  if (cipher) await withDb(env.DATABASE_URL, (db) => rekeyExternalAuthLinks(db, cipher));

  let fake: FakeGitHub | null = null;
  let gitlab: FakeGitLab | null = null;
  const childEnv: Record<string, string> = { ...(process.env as Record<string, string>), FORCE_COLOR: '1' };
  if (demoTokenKey) childEnv.GITSYNC_TOKEN_ENCRYPTION_KEYS = demoTokenKey;
  if (demoMode) {
    fake = await startFakeGitHub({ port: env.GITSYNC_FAKE_GITHUB_PORT, latencyMs: 50 }).catch(() =>
      startFakeGitHub({ port: 0, latencyMs: 50 }),
    );
    gitlab = await startFakeGitLab({ port: env.GITSYNC_FAKE_GITLAB_PORT, latencyMs: 50 }).catch(() =>
      startFakeGitLab({ port: 0, latencyMs: 50 }),
    );
    Object.assign(childEnv, {
      GITSYNC_EXTERNAL_AUTH_1_ID: DEMO_PROVIDER_ID,
      GITSYNC_EXTERNAL_AUTH_1_API_BASE_URL: fake.apiBaseUrl,
      GITSYNC_EXTERNAL_AUTH_1_TOKEN_URL: fake.tokenUrl,
      // GitLab's token URL defaults to <web base>/oauth/token, where the fake answers it.
      GITSYNC_EXTERNAL_AUTH_2_ID: DEMO_GITLAB_PROVIDER_ID,
      GITSYNC_EXTERNAL_AUTH_2_TYPE: 'gitlab',
      GITSYNC_EXTERNAL_AUTH_2_API_BASE_URL: gitlab.apiBaseUrl,
      GITSYNC_ADMIN_API_KEY: env.GITSYNC_ADMIN_API_KEY ?? DEMO_ADMIN_KEY,
    });
  }

  // The API makes sure the admin user has this key when it starts.
  const adminKey = childEnv.GITSYNC_ADMIN_API_KEY;
  const demo = fake ? await withDb(env.DATABASE_URL, (db) => seedDemo(db, fake, cipher)) : null;
  const gitlabDemo =
    gitlab && demo ? await withDb(env.DATABASE_URL, (db) => seedGitLabDemo(db, gitlab, demo.userId, cipher)) : null;

  const workers = Array.from({ length: env.GITSYNC_WORKERS }, (_, i) => ({
    name: `worker${i + 1}`,
    command: tsx('worker'),
    env: childEnv,
    cwd: root,
  }));
  const { result, commands } = concurrently(
    [
      { name: 'api', command: tsx('api'), env: childEnv, cwd: root },
      { name: 'scheduler', command: tsx('scheduler'), env: childEnv, cwd: root },
      ...workers,
    ],
    { prefix: 'name', restartTries: 5, restartDelay: 1000, killOthersOn: ['failure'], handleInput: false },
  );

  const apiUrl = `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`;
  let stopDemo = () => {};
  if (fake && demo) {
    await waitForApi(apiUrl);
    await reportAll(apiUrl, fake, demo);
    const stopGitHub = startDemoChanges(apiUrl, fake, demo, 15_000);
    let stopGitLab = () => {};
    if (gitlab && gitlabDemo) {
      await reportAllGitLab(apiUrl, gitlab, gitlabDemo);
      stopGitLab = startGitLabDemoChanges(apiUrl, gitlab, gitlabDemo, 20_000);
    }
    stopDemo = () => {
      stopGitHub();
      stopGitLab();
    };
  }
  printWelcome(apiUrl, fake, gitlab, adminKey, demoTokenKey);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    stopDemo();
    for (const command of commands) command.kill('SIGTERM');
  };
  // `on`, not `once`: under tsx a signal with no listener left exits at once, before the children stop.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await result.catch(() => undefined);
  stopDemo();
  await fake?.close();
  await gitlab?.close();
  process.exit(0);
}

/** The sidebar the API serves at `/`: built on every start (about a second) so it is never stale. */
function buildWebPage(): void {
  const build = spawnSync('npm', ['run', 'build', '--silent', '-w', '@gitsync/web'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) console.warn('gitsync: the web sidebar did not build; the API still runs without it');
}

async function waitForApi(apiUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`${apiUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the API did not become ready at ${apiUrl}`);
}

function printWelcome(
  apiUrl: string,
  fake: FakeGitHub | null,
  gitlab: FakeGitLab | null,
  adminKey: string | undefined,
  demoTokenKey: string | null,
): void {
  const lines = [
    '',
    'gitsync is running',
    `  sidebar      ${apiUrl}/`,
    `  API          ${apiUrl}/api/v1   (OpenAPI: ${apiUrl}/openapi.json, health: ${apiUrl}/readyz)`,
    `  Bull Board   ${apiUrl}/admin/queues   (admin key as password)`,
    `  metrics      ${apiUrl}/metrics`,
    ...(adminKey ? [`  admin key    ${adminKey}`] : []),
    ...(demoTokenKey
      ? [
          `  token key    ${demoTokenKey}   (demo only: seals tokens at rest; ` +
            'set GITSYNC_TOKEN_ENCRYPTION_KEYS for your own)',
        ]
      : []),
  ];
  if (fake) {
    lines.push(
      `  fake GitHub  ${fake.url}   (demo mode: no GITSYNC_EXTERNAL_AUTH_<n>_* configured)`,
      ...(gitlab ? [`  fake GitLab  ${gitlab.url}   (three demo chats are GitLab merge requests)`] : []),
      `  demo key     ${DEMO_MEMBER_KEY}`,
      '',
      `  Open ${apiUrl}/ with the demo key to watch the demo chats change their pull-request icons, or:`,
      `    curl -s -H 'Authorization: Bearer ${DEMO_MEMBER_KEY}' ${apiUrl}/api/v1/chats`,
      '  A demo PR moves on every 15 s (reviewed, ready, merged, reopened…), a GitLab MR every 20 s.',
    );
  }
  lines.push('  Stop with Ctrl-C.', '');
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

async function withDb<T>(url: string, work: (db: Database) => Promise<T>): Promise<T> {
  const { db, close } = createDb(url, { max: 2 });
  try {
    return await work(db);
  } finally {
    await close();
  }
}
