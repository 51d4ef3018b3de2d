import { randomBytes } from 'node:crypto';
import { jobCatalog } from '@gitsync/queue';
import { dumpRedis, spawnNode, stopAll, type AppProcess } from '@gitsync/testing';
import { System } from './harness.js';

/**
 * Issue 20, against the processes operators run: the admin key of the environment replaces the
 * previous one; a worker's OAuth refresh whose save Postgres refuses leaves its tokens in no log,
 * job failure reason, Bull Board answer, Redis key or on-demand answer; with keys set, tokens are
 * sealed at rest, and a key put in front (then `npm run migrate`) keeps every row readable.
 */
let s: System;
beforeAll(async () => {
  s = await System.start();
});
afterAll(() => s?.close());

const ADMIN = `admin-${randomBytes(12).toString('hex')}`;
const newKey = () => randomBytes(32).toString('base64');

interface Api {
  url: string;
  app: AppProcess;
  call(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown },
  ): Promise<{ status: number; text: string; body: any }>;
}

async function startApi(env: Record<string, string> = {}): Promise<Api> {
  const app = await s.startApi({ GITSYNC_ADMIN_API_KEY: ADMIN, ...env });
  const url = app.url;
  return {
    url,
    app,
    async call(method, path, { key = ADMIN, body } = {}) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      return { status: res.status, text, body: text ? JSON.parse(text) : null };
    },
  };
}

async function stop(...apps: AppProcess[]): Promise<void> {
  await stopAll(apps);
  for (const app of apps) s.apps.splice(s.apps.indexOf(app), 1);
}

/** A member with a chat whose branch has an open PR on the fake, reported through the API. */
async function memberWithChat(api: Api, username: string) {
  const user = await api.call('POST', '/api/v1/users', { body: { username, role: 'member' } });
  const key = user.body.api_key as string;
  const chat = await api.call('POST', '/api/v1/chats', { key, body: {} });
  s.fake.createPullRequest({ owner: 'acme', repo: username, head: 'feat/secret', title: `PR of ${username}` });
  const report = await api.call('POST', `/api/v1/chats/${chat.body.id}/git`, {
    key,
    body: { branch: 'feat/secret', remote_origin: `${s.fake.url}/acme/${username}.git` },
  });
  expect(report.status).toBe(202);
  return { userId: user.body.id as string, key, chatId: chat.body.id as string };
}

it('a new GITSYNC_ADMIN_API_KEY replaces the old one at the next start', async () => {
  const first = await startApi({ GITSYNC_ADMIN_API_KEY: 'old-admin-key-0123456789' });
  expect((await first.call('GET', '/api/v1/chats', { key: 'old-admin-key-0123456789' })).status).toBe(200);
  await stop(first.app);

  const second = await startApi({ GITSYNC_ADMIN_API_KEY: 'new-admin-key-0123456789' });
  expect((await second.call('GET', '/api/v1/chats', { key: 'old-admin-key-0123456789' })).status).toBe(401);
  expect((await second.call('GET', '/api/v1/chats', { key: 'new-admin-key-0123456789' })).status).toBe(200);
  await stop(second.app);
}, 90_000);

it('a worker whose save of a refreshed OAuth token Postgres refuses leaks neither token anywhere', async () => {
  const api = await startApi({ GITSYNC_ON_DEMAND_TIMEOUT: '45s' });
  const [worker] = await s.startWorkers(1);
  const { key, chatId } = await memberWithChat(api, 'oauth');
  const linked = {
    access: `ghu_linked_${randomBytes(12).toString('hex')}`,
    refresh: `ghr_linked_${randomBytes(12).toString('hex')}`,
  };
  // Not rotated by the fake: every attempt of the job refreshes, and every save is refused.
  s.fake.addRefreshToken(linked.refresh, { login: 'oauth', reusable: true });
  const link = await api.call('PUT', '/api/v1/users/me/external-auth/github', {
    key,
    body: {
      access_token: linked.access,
      refresh_token: linked.refresh,
      expires_at: new Date(Date.now() - 60_000).toISOString(),
    },
  });
  expect(link.status).toBe(204);
  // The table refuses every write from now on; Postgres' DETAIL would quote the whole row.
  await s.t.pool.query('alter table external_auth_links add constraint refuse_writes check (false) not valid');
  try {
    const refreshed = await api.call('POST', `/api/v1/chats/${chatId}/diff-status/refresh`, { key });
    const sanitized =
      'database error 23514 (integrity constraint violation): table external_auth_links, constraint refuse_writes';
    expect(refreshed.body.refresh).toEqual({ completed: true, outcome: 'failed', error: sanitized });

    const queue = jobCatalog['refresh-diff-status'].queue;
    const board = await api.call(
      'GET',
      `/admin/queues/api/queues?activeQueue=${queue}&status=failed&page=1&jobsPerPage=50`,
    );
    expect(board.status).toBe(200);
    const failed = board.body.queues.find((q: { name: string }) => q.name === queue).jobs;
    expect(failed).toHaveLength(1);
    expect(failed[0].failedReason).toBe(sanitized);
    // A job names its chat, with field names an operator can read (issue 11), and nothing else.
    expect(failed[0].data).toEqual({ chatId, generation: expect.any(Number) });
    expect(worker!.output()).toContain('refresh job failed');
    expect(worker!.output()).toContain('23514');

    const issued = s.fake.issuedTokens.map((t) => t.accessToken);
    expect(issued.length).toBeGreaterThanOrEqual(1);
    const places = {
      'worker log': worker!.output(),
      'api log': api.app.output(),
      'on-demand answer': refreshed.text,
      'Bull Board': board.text,
      Redis: await dumpRedis(s.redis, `${s.prefix}:*`),
    };
    for (const secret of [linked.access, linked.refresh, ...issued]) {
      for (const [where, text] of Object.entries(places))
        expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
    }
    // A process without GITSYNC_TOKEN_ENCRYPTION_KEYS says so, once.
    expect(worker!.output().split('GITSYNC_TOKEN_ENCRYPTION_KEYS is not set').length - 1).toBe(1);
  } finally {
    await s.t.pool.query('alter table external_auth_links drop constraint refuse_writes');
    await stop(api.app, worker!);
  }
}, 120_000);

it(
  'with keys, tokens are sealed at rest; ' + 'a key put in front, then npm run migrate, keeps every row readable',
  async () => {
    const [k1, k2] = [newKey(), newKey()];
    const withKeys = (keys: string) => ({ GITSYNC_TOKEN_ENCRYPTION_KEYS: keys });
    let api = await startApi(withKeys(k1));
    let [worker] = await s.startWorkers(1, withKeys(k1));
    const { key, chatId, userId } = await memberWithChat(api, 'sealed');
    const token = `ghp_sealed_${randomBytes(12).toString('hex')}`;
    s.fake.addToken(token, { login: 'sealed' });
    expect(
      (await api.call('PUT', '/api/v1/users/me/external-auth/github', { key, body: { access_token: token } })).status,
    ).toBe(204);

    const stored = async () =>
      (await s.t.pool.query('select * from external_auth_links where user_id = $1', [userId])).rows[0];
    expect(JSON.stringify(await stored())).not.toContain(token);
    const refresh = async () =>
      (await api.call('POST', `/api/v1/chats/${chatId}/diff-status/refresh`, { key })).body.refresh;
    expect(await refresh()).toMatchObject({ outcome: 'refreshed' });
    const underK1 = (await stored()).access_token_key_id;

    // Rotation: a new key in front; the row sealed under the old one still opens.
    await stop(api.app, worker!);
    api = await startApi(withKeys(`${k2},${k1}`));
    [worker] = await s.startWorkers(1, withKeys(`${k2},${k1}`));
    expect(await refresh()).toMatchObject({ outcome: 'refreshed' });

    // npm run migrate seals it again under the first key: then the old key can go.
    const migrate = spawnNode('apps/migrate/src/main.ts', s.env(withKeys(`${k2},${k1}`)), 'migrate');
    expect(await migrate.exited).toBe(0);
    expect(migrate.output()).toMatch(/tokens: \d+ link\(s\) sealed again/);
    const resealed = await stored();
    expect(resealed.access_token_key_id).not.toBe(underK1);
    expect(JSON.stringify(resealed)).not.toContain(token);
    await stop(api.app, worker!);
    api = await startApi(withKeys(k2));
    [worker] = await s.startWorkers(1, withKeys(k2));
    expect(await refresh()).toMatchObject({ outcome: 'refreshed' });
    expect(worker!.output()).not.toContain('GITSYNC_TOKEN_ENCRYPTION_KEYS is not set');
    await stop(api.app, worker!);
  },
  180_000,
);
