import { getDiffStatus, getExternalAuthLink } from '@gitsync/db';
import { rateLimitGroup } from '@gitsync/gitsync';
import { RedisGroupPacer } from '@gitsync/rate-limits';
import { waitFor } from '@gitsync/testing';
import { ADMIN_KEY, startApi, type ApiHarness } from './harness.js';

let h: ApiHarness;
let member: { id: string; api_key: string };
let other: { id: string; api_key: string };

beforeAll(async () => {
  h = await startApi();
  member = (await h.call('POST', '/api/v1/users', { body: { username: 'ada', role: 'member' } })).body;
  other = (await h.call('POST', '/api/v1/users', { body: { username: 'bob', role: 'member' } })).body;
});
afterAll(() => h?.close());

describe('health', () => {
  it('answers liveness and readiness without a key', async () => {
    expect(await h.call('GET', '/healthz', { key: null })).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await h.call('GET', '/readyz', { key: null })).toMatchObject({
      status: 200,
      body: { checks: { postgres: true, redis: true } },
    });
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
    expect(await h.call('GET', '/api/v1/chats', { key: null })).toMatchObject({
      status: 401,
      body: { message: 'missing API key' },
    });
    expect(await h.call('GET', '/api/v1/chats', { key: 'gsk_nope' })).toMatchObject({
      status: 401,
      body: { message: 'unknown API key' },
    });
  });
});

describe('external auth links', () => {
  it('links a token for me, for another user as admin, never for another user as member', async () => {
    const body = { access_token: 'ghp_member_secret', refresh_token: 'ghr_x', expires_at: '2030-01-01T00:00:00Z' };
    expect((await h.call('PUT', '/api/v1/users/me/external-auth/github', { key: member.api_key, body })).status).toBe(
      204,
    );
    const link = await getExternalAuthLink(h.t.db, 'github', member.id);
    expect(link).toMatchObject({ accessToken: 'ghp_member_secret', refreshToken: 'ghr_x' });
    expect(
      (await h.call('PUT', `/api/v1/users/${other.id}/external-auth/github`, { body: { access_token: 't2' } })).status,
    ).toBe(204);
    expect(
      (await h.call('PUT', `/api/v1/users/${other.id}/external-auth/github`, { key: member.api_key, body })).status,
    ).toBe(404);
  });

  it('rejects an unknown provider and unlinks', async () => {
    const res = await h.call('PUT', '/api/v1/users/me/external-auth/gitlab', {
      key: member.api_key,
      body: { access_token: 't' },
    });
    expect(res).toMatchObject({ status: 404, body: { message: 'unknown provider gitlab' } });
    expect((await h.call('DELETE', `/api/v1/users/${other.id}/external-auth/github`)).status).toBe(204);
    expect((await h.call('DELETE', '/api/v1/users/me/external-auth/github', { key: other.api_key })).status).toBe(404);
    expect(await getExternalAuthLink(h.t.db, 'github', other.id)).toBeNull();
  });

  it("shows a user's link and budget, never the token: figures, then a block and its kind (issue 15)", async () => {
    const user = (await h.call('POST', '/api/v1/users', { body: { username: 'budget', role: 'member' } })).body;
    const get = (who = 'me', key: string | undefined = user.api_key) =>
      h.call('GET', `/api/v1/users/${who}/external-auth/github`, { key });
    expect(await get()).toMatchObject({ status: 200, body: { provider: 'github', linked: false } });

    const token = 'ghp_budget_secret_never_shown';
    const body = { access_token: token, expires_at: '2030-01-01T00:00:00Z' };
    expect((await h.call('PUT', '/api/v1/users/me/external-auth/github', { key: user.api_key, body })).status).toBe(
      204,
    );
    const linked = await get();
    expect(linked.body).toEqual({ provider: 'github', linked: true, expires_at: '2030-01-01T00:00:00.000Z' });

    // What the workers' pacer learns from GitHub's answers, then a secondary limit.
    const group = new RedisGroupPacer({ redis: h.redis, prefix: h.r.prefix }).forGroup(
      rateLimitGroup('github', user.id),
    );
    const resetAt = new Date(Date.now() + 3_600_000);
    (await group.acquire())({ status: 200, remaining: 4321, limit: 5000, resetAt, blockedUntil: null });
    const until = new Date(Date.now() + 120_000);
    (await group.acquire())({
      status: 403,
      remaining: 4320,
      limit: 5000,
      resetAt,
      blockedUntil: until,
      blockedBy: 'secondary',
    });
    const seen = await waitFor(async () => {
      const res = await get();
      return res.body.blocked ? res : undefined;
    });
    expect(seen.body).toEqual({
      provider: 'github',
      linked: true,
      expires_at: '2030-01-01T00:00:00.000Z',
      rate_limit: { remaining: 4320, limit: 5000, reset: resetAt.toISOString() },
      blocked: { until: until.toISOString(), kind: 'secondary' },
    });
    expect(JSON.stringify(seen.body)).not.toContain(token);
    // An admin sees anyone's; a member only their own (another user's answers 404).
    expect((await get(user.id, undefined)).body.blocked.kind).toBe('secondary');
    expect((await get(user.id, member.api_key)).status).toBe(404);
    expect((await h.call('GET', '/api/v1/users/me/external-auth/nope', { key: user.api_key })).status).toBe(404);
    // Other tests here count on a Redis without pacer keys.
    const keys = (await h.r.keys()).filter((k) => k.includes(user.id) || k.includes(':ratelimited-groups'));
    await h.redis.del(...keys);
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
    const res = await h.call('POST', `/api/v1/chats/${chat.id}/git`, {
      key: member.api_key,
      body: { branch: '', remote_origin: 'https://github.com/a/b' },
    });
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
      ['POST', `/api/v1/chats/${chat.id}/diff-status/refresh`, undefined],
    ] as const) {
      expect((await h.call(method, path, { key: member.api_key, body })).status).toBe(404);
    }
    expect(await getDiffStatus(h.t.db, chat.id)).toBeNull();
    // Nothing queued: BullMQ's meta key at most, no job, no deduplication key.
    expect((await h.r.keys()).filter((k) => !k.endsWith(':meta'))).toEqual([]);
    expect((await h.call('GET', `/api/v1/chats/${chat.id}`, { key: ADMIN_KEY })).status).toBe(200);
  });

  it('names the field of a bad request', async () => {
    const malformed = await h.call('GET', '/api/v1/chats/not-a-uuid', { key: member.api_key });
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toMatch(/chat/);
    const unknown = await h.call('POST', '/api/v1/chats', { key: member.api_key, body: { title: 't', colour: 'red' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toMatch(/colour/);
    const notJson = await h.call('POST', '/api/v1/chats', {
      key: member.api_key,
      body: '{"title":',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
  });
});

describe('bad input', () => {
  /** Rows of every table a request could write to: a rejected request must leave them alone. */
  const counts = async () => {
    const { rows } = await h.t.pool.query(`select
      (select count(*) from users) as users, (select count(*) from chats) as chats,
      (select count(*) from chat_diff_statuses) as statuses, (select count(*) from external_auth_links) as links,
      (select max(updated_at) from chats) as chats_updated,
      (select max(updated_at) from chat_diff_statuses) as statuses_updated`);
    return rows[0];
  };

  it('answers 400/401/413/415 naming what was wrong, and writes nothing', async () => {
    const chat = (await h.call('POST', '/api/v1/chats', { key: member.api_key, body: { title: 'mine' } })).body;
    const before = await counts();
    const key = member.api_key;
    const cases: Array<[string, Promise<{ status: number; body: any }>, number, RegExp]> = [
      ['malformed uuid', h.call('GET', '/api/v1/chats/1234', { key }), 400, /chat/],
      [
        'malformed uuid in a write',
        h.call('PATCH', '/api/v1/chats/not-a-uuid', { key, body: { title: 'x' } }),
        400,
        /chat/,
      ],
      [
        'unknown body field',
        h.call('PATCH', `/api/v1/chats/${chat.id}`, { key, body: { title: 'x', colour: 'red' } }),
        400,
        /colour/,
      ],
      ['unknown query field', h.call('GET', '/api/v1/chats?colour=red', { key }), 400, /colour/],
      ['limit 0', h.call('GET', '/api/v1/chats?limit=0', { key }), 400, /limit/],
      ['limit 500', h.call('GET', '/api/v1/chats?limit=500', { key }), 400, /limit/],
      ['limit not a number', h.call('GET', '/api/v1/chats?limit=ten', { key }), 400, /limit/],
      ['bad cursor', h.call('GET', '/api/v1/chats?cursor=7', { key }), 400, /cursor/],
      ['bad status', h.call('PATCH', `/api/v1/chats/${chat.id}`, { key, body: { status: 'sleeping' } }), 400, /status/],
      [
        'branch not a string',
        h.call('POST', `/api/v1/chats/${chat.id}/git`, { key, body: { branch: 1, remote_origin: 'x' } }),
        400,
        /branch/,
      ],
      [
        'missing remote_origin',
        h.call('POST', `/api/v1/chats/${chat.id}/git`, { key, body: { branch: 'b' } }),
        400,
        /remote_origin/,
      ],
      [
        'bad pull_request_url',
        h.call('POST', `/api/v1/chats/${chat.id}/git`, {
          key,
          body: { branch: 'b', remote_origin: 'https://github.com/a/b', pull_request_url: 'nope' },
        }),
        400,
        /pull_request_url/,
      ],
      [
        'bad expires_at',
        h.call('PUT', '/api/v1/users/me/external-auth/github', {
          key,
          body: { access_token: 't', expires_at: 'tomorrow' },
        }),
        400,
        /expires_at/,
      ],
      [
        'body over 1 MiB',
        h.call('POST', '/api/v1/chats', { key, body: { title: 'x'.repeat(1024 * 1024 + 1) } }),
        413,
        /1048576 bytes/,
      ],
      [
        'text/plain body',
        h.call('POST', '/api/v1/chats', { key, body: 'title=x', headers: { 'content-type': 'text/plain' } }),
        415,
        /application\/json/,
      ],
      [
        'form body',
        h.call('POST', `/api/v1/chats/${chat.id}/git`, {
          key,
          body: 'branch=b',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
        /application\/json/,
      ],
      ['broken JSON', h.call('POST', '/api/v1/chats', { key, body: '{"title":' }), 400, /JSON/],
      [
        'missing key',
        h.call('POST', '/api/v1/chats', { key: null, body: { title: 'x' } }),
        401,
        /Authorization: Bearer/,
      ],
      [
        'unknown key',
        h.call('POST', '/api/v1/chats', { key: 'gsk_unknown', body: { title: 'x' } }),
        401,
        /unknown API key/,
      ],
      [
        'not a bearer key',
        h.call('GET', '/api/v1/chats', {
          key: null,
          headers: { authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` },
        }),
        401,
        /Bearer/,
      ],
    ];
    for (const [name, request, status, names] of cases) {
      const res = await request;
      expect({ name, status: res.status }).toEqual({ name, status });
      expect(typeof res.body.message).toBe('string');
      expect({ name, said: `${res.body.message} ${res.body.detail ?? ''}` }).toEqual({
        name,
        said: expect.stringMatching(names),
      });
      expect(Object.keys(res.body).every((k) => k === 'message' || k === 'detail')).toBe(true);
    }
    expect(await counts()).toEqual(before);
  });

  it('answers 404 for a refresh of a chat without a diff status, 409 without a branch', async () => {
    const chat = (await h.call('POST', '/api/v1/chats', { key: member.api_key, body: {} })).body;
    const none = await h.call('POST', `/api/v1/chats/${chat.id}/diff-status/refresh`, { key: member.api_key });
    expect(none).toMatchObject({
      status: 404,
      body: { message: 'no diff status to refresh', detail: expect.stringMatching(/\/git/) },
    });
    await h.t.pool.query(`insert into chat_diff_statuses (chat_id) values ($1)`, [chat.id]);
    const empty = await h.call('POST', `/api/v1/chats/${chat.id}/diff-status/refresh`, { key: member.api_key });
    expect(empty).toMatchObject({
      status: 409,
      body: { message: expect.stringMatching(/no branch or remote origin/) },
    });
  });
});

describe('diff_status JSON', () => {
  const GO_FIELDS = [
    'chat_id',
    'url',
    'pull_request_state',
    'pull_request_title',
    'pull_request_draft',
    'changes_requested',
    'additions',
    'deletions',
    'changed_files',
    'author_login',
    'author_avatar_url',
    'base_branch',
    'head_branch',
    'pr_number',
    'commits',
    'approved',
    'reviewer_count',
    'refreshed_at',
    'stale_at',
  ];

  it('has exactly SPEC §6’s field names, omits nulls and keeps internals out, on every route', async () => {
    const chat = (await h.call('POST', '/api/v1/chats', { key: member.api_key, body: { title: 'json' } })).body;
    await h.call('POST', `/api/v1/chats/${chat.id}/git`, {
      key: member.api_key,
      body: { branch: 'b', remote_origin: 'https://github.com/a/b' },
    });
    const bare = (await h.call('GET', `/api/v1/chats/${chat.id}/diff-status`, { key: member.api_key })).body;
    expect(Object.keys(bare).sort()).toEqual(
      [
        'additions',
        'changed_files',
        'changes_requested',
        'chat_id',
        'deletions',
        'pull_request_draft',
        'pull_request_title',
        'stale_at',
      ].sort(),
    );
    expect(Object.values(bare)).not.toContain(null);

    // Everything set, as a refresh would leave it: now every field is there, and nothing more.
    await h.t.pool.query(
      `update chat_diff_statuses set url = 'https://github.com/a/b/pull/1', pull_request_state = 'open', author_login = 'a',
         author_avatar_url = 'https://x/a.png', base_branch = 'main', head_branch = 'b', head_sha = 'abc', pr_number = 1, commits = 2,
         approved = false, reviewer_count = 0, refreshed_at = now(), pull_etag = '"e"', last_outcome = 'refreshed',
         last_error = 'x'
       where chat_id = $1`,
      [chat.id],
    );
    const full = (await h.call('GET', `/api/v1/chats/${chat.id}/diff-status`, { key: member.api_key })).body;
    expect(Object.keys(full).sort()).toEqual([...GO_FIELDS].sort());
    expect(full).toMatchObject({ approved: false, reviewer_count: 0, pr_number: 1 });
    const embedded = (await h.call('GET', `/api/v1/chats/${chat.id}`, { key: member.api_key })).body.diff_status;
    expect(embedded).toEqual(full);
    const listed = (await h.call('GET', '/api/v1/chats?limit=100', { key: member.api_key })).body.chats.find(
      (c: any) => c.id === chat.id,
    );
    expect(listed.diff_status).toEqual(full);
  });
});
