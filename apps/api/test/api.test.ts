import { getDiffStatus, getExternalAuthLink } from '@gitsync/db';
import { ADMIN_KEY, startApi, type ApiHarness } from './harness.js';

let h: ApiHarness;
let member: { id: string; api_key: string };
let other: { id: string; api_key: string };

beforeAll(async () => {
  h = await startApi();
  member = (await h.call('POST', '/api/v1/users', { body: { username: 'ada', role: 'member' } })).body;
  other = (await h.call('POST', '/api/v1/users', { body: { username: 'bob', role: 'member' } })).body;
});
afterAll(() => h.close());

describe('health', () => {
  it('answers liveness and readiness without a key', async () => {
    expect(await h.call('GET', '/healthz', { key: null })).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await h.call('GET', '/readyz', { key: null })).toMatchObject({ status: 200, body: { checks: { postgres: true, redis: true } } });
  });
});

describe('users', () => {
  it('creates a user with a key shown once, usable at once, stored hashed', async () => {
    const res = await h.call('POST', '/api/v1/users', { body: { username: 'cy' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: 'cy', role: 'member' });
    expect(res.body.api_key).toMatch(/^gsk_/);
    const stored = await h.t.pool.query('select hashed_secret from api_keys where user_id = $1', [res.body.id]);
    expect(stored.rows[0].hashed_secret).not.toContain(res.body.api_key);
    expect((await h.call('GET', '/api/v1/chats', { key: res.body.api_key })).status).toBe(200);
  });

  it('refuses members, duplicates and bad names', async () => {
    expect((await h.call('POST', '/api/v1/users', { key: member.api_key, body: { username: 'x' } })).status).toBe(403);
    expect((await h.call('POST', '/api/v1/users', { body: { username: 'ada' } })).status).toBe(409);
    const bad = await h.call('POST', '/api/v1/users', { body: { username: 'a b', role: 'owner' } });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/username/);
    expect(bad.body.detail).toMatch(/role/);
  });

  it('rejects a missing or unknown key with 401 JSON', async () => {
    expect(await h.call('GET', '/api/v1/chats', { key: null })).toMatchObject({ status: 401, body: { message: 'missing API key' } });
    expect(await h.call('GET', '/api/v1/chats', { key: 'gsk_nope' })).toMatchObject({ status: 401, body: { message: 'unknown API key' } });
  });
});

describe('external auth links', () => {
  it('links a token for me, for another user as admin, never for another user as member', async () => {
    const body = { access_token: 'ghp_member_secret', refresh_token: 'ghr_x', expires_at: '2030-01-01T00:00:00Z' };
    expect((await h.call('PUT', '/api/v1/users/me/external-auth/github', { key: member.api_key, body })).status).toBe(204);
    const link = await getExternalAuthLink(h.t.db, 'github', member.id);
    expect(link).toMatchObject({ accessToken: 'ghp_member_secret', refreshToken: 'ghr_x' });
    expect((await h.call('PUT', `/api/v1/users/${other.id}/external-auth/github`, { body: { access_token: 't2' } })).status).toBe(204);
    expect((await h.call('PUT', `/api/v1/users/${other.id}/external-auth/github`, { key: member.api_key, body })).status).toBe(404);
  });

  it('rejects an unknown provider and unlinks', async () => {
    const res = await h.call('PUT', '/api/v1/users/me/external-auth/gitlab', { key: member.api_key, body: { access_token: 't' } });
    expect(res).toMatchObject({ status: 404, body: { message: 'unknown provider gitlab' } });
    expect((await h.call('DELETE', `/api/v1/users/${other.id}/external-auth/github`)).status).toBe(204);
    expect((await h.call('DELETE', '/api/v1/users/me/external-auth/github', { key: other.api_key })).status).toBe(404);
    expect(await getExternalAuthLink(h.t.db, 'github', other.id)).toBeNull();
  });
});

describe('chats and git reports', () => {
  it('creates a chat, takes the agent report and shows the diff status', async () => {
    const chat = (await h.call('POST', '/api/v1/chats', { key: member.api_key, body: { title: 'fix login' } })).body;
    expect(chat).toMatchObject({ owner_id: member.id, title: 'fix login', status: 'waiting', archived: false });
    expect(chat).not.toHaveProperty('diff_status');

    const report = await h.call('POST', `/api/v1/chats/${chat.id}/git`, {
      key: member.api_key,
      body: { branch: 'feat/ünïcode/x', remote_origin: 'https://user:ghp_leak@github.com/acme/app.git' },
    });
    expect(report.status).toBe(202);
    const row = await getDiffStatus(h.t.db, chat.id);
    expect(row).toMatchObject({ gitBranch: 'feat/ünïcode/x', url: null });
    expect(row!.gitRemoteOrigin).not.toContain('ghp_leak');
    expect(row!.staleAt.getTime()).toBeLessThan(Date.now());

    const got = await h.call('GET', `/api/v1/chats/${chat.id}`, { key: member.api_key });
    expect(got.body.diff_status).toMatchObject({ chat_id: chat.id, pull_request_title: '', additions: 0 });
    expect(got.body.diff_status).not.toHaveProperty('url');
  });

  it('ignores a report with an empty branch', async () => {
    const chat = (await h.call('POST', '/api/v1/chats', { key: member.api_key, body: {} })).body;
    const res = await h.call('POST', `/api/v1/chats/${chat.id}/git`, { key: member.api_key, body: { branch: '', remote_origin: 'https://github.com/a/b' } });
    expect(res).toMatchObject({ status: 202, body: { accepted: false } });
    expect((await h.call('GET', `/api/v1/chats/${chat.id}/diff-status`, { key: member.api_key })).status).toBe(404);
  });

  it("answers 404 for another user's chat, whatever the verb", async () => {
    const chat = (await h.call('POST', '/api/v1/chats', { key: other.api_key, body: { title: 'secret' } })).body;
    for (const [method, path, body] of [
      ['GET', `/api/v1/chats/${chat.id}`, undefined],
      ['PATCH', `/api/v1/chats/${chat.id}`, { title: 'x' }],
      ['POST', `/api/v1/chats/${chat.id}/git`, { branch: 'b', remote_origin: 'https://github.com/a/b' }],
      ['GET', `/api/v1/chats/${chat.id}/diff-status`, undefined],
    ] as const) {
      expect((await h.call(method, path, { key: member.api_key, body })).status).toBe(404);
    }
    expect(await getDiffStatus(h.t.db, chat.id)).toBeNull();
    expect((await h.call('GET', `/api/v1/chats/${chat.id}`, { key: ADMIN_KEY })).status).toBe(200);
  });

  it('names the field of a bad request', async () => {
    const malformed = await h.call('GET', '/api/v1/chats/not-a-uuid', { key: member.api_key });
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toMatch(/chat/);
    const unknown = await h.call('POST', '/api/v1/chats', { key: member.api_key, body: { title: 't', colour: 'red' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toMatch(/colour/);
    const notJson = await h.call('POST', '/api/v1/chats', { key: member.api_key, body: '{"title":', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
  });
});
