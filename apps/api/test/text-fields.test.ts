import { getDiffStatus, getExternalAuthLink } from '@gitsync/db';
import { startApi, type ApiHarness } from './harness.js';

/**
 * Issue 19's table: text Postgres cannot store (a NUL) answered 500 with the query in the log.
 * Every text field now answers 400 naming the field and the rule, and writes nothing.
 */
let h: ApiHarness;
let member: { id: string; api_key: string };
let chatId: string;

beforeAll(async () => {
  h = await startApi();
  member = (await h.call('POST', '/api/v1/users', { body: { username: 'ada', role: 'member' } })).body;
  chatId = (await h.call('POST', '/api/v1/chats', { key: member.api_key, body: { title: 'mine' } })).body.id;
  const report = { branch: 'feat/x', remote_origin: 'https://github.com/acme/app.git' };
  expect((await h.call('POST', `/api/v1/chats/${chatId}/git`, { key: member.api_key, body: report })).status).toBe(202);
});
afterAll(() => h?.close());

/** Everything a rejected request could have written. */
async function snapshot(): Promise<unknown> {
  const { rows } = await h.t.pool.query(`select
    (select json_agg(c order by c.id) from chats c) as chats,
    (select json_agg(s order by s.chat_id) from chat_diff_statuses s) as statuses,
    (select json_agg(l order by l.user_id) from external_auth_links l) as links,
    (select count(*) from users) as users`);
  return rows[0];
}

const NUL = '\u0000';

describe('text that Postgres cannot store', () => {
  const git = (body: Record<string, unknown>) => ({
    branch: 'feat/x',
    remote_origin: 'https://github.com/acme/app.git',
    ...body,
  });
  const rows: Array<[string, string, () => string, Record<string, unknown>, string, RegExp]> = [
    [
      'POST /api/v1/users username',
      'POST',
      () => '/api/v1/users',
      { username: `a${NUL}b` },
      'username',
      /letters, digits/,
    ],
    ['POST /api/v1/chats title', 'POST', () => '/api/v1/chats', { title: `fix${NUL}` }, 'title', /NUL character/],
    [
      'PATCH /api/v1/chats/{chat} title',
      'PATCH',
      () => `/api/v1/chats/${chatId}`,
      { title: `fix${NUL}` },
      'title',
      /NUL character/,
    ],
    [
      'POST …/git branch',
      'POST',
      () => `/api/v1/chats/${chatId}/git`,
      git({ branch: `feat${NUL}` }),
      'branch',
      /NUL character/,
    ],
    [
      'POST …/git remote_origin',
      'POST',
      () => `/api/v1/chats/${chatId}/git`,
      git({ remote_origin: `https://github.com/a/b${NUL}` }),
      'remote_origin',
      /NUL character/,
    ],
    [
      'POST …/git pull_request_url',
      'POST',
      () => `/api/v1/chats/${chatId}/git`,
      git({ pull_request_url: `https://github.com/a/b/pull/1${NUL}` }),
      'pull_request_url',
      /NUL character/,
    ],
    [
      'PUT …/external-auth access_token',
      'PUT',
      () => '/api/v1/users/me/external-auth/github',
      { access_token: `ghp_${NUL}` },
      'access_token',
      /NUL character/,
    ],
    [
      'PUT …/external-auth refresh_token',
      'PUT',
      () => '/api/v1/users/me/external-auth/github',
      { access_token: 't', refresh_token: `r${NUL}` },
      'refresh_token',
      /NUL character/,
    ],
    [
      'a lone surrogate in a title',
      'POST',
      () => '/api/v1/chats',
      { title: 'half \ud83d' },
      'title',
      /lone UTF-16 surrogate/,
    ],
    [
      'a control character in a branch',
      'POST',
      () => `/api/v1/chats/${chatId}/git`,
      git({ branch: 'feat/\u001b[2J' }),
      'branch',
      /no control characters/,
    ],
    [
      'a branch part over 255 bytes',
      'POST',
      () => `/api/v1/chats/${chatId}/git`,
      git({ branch: `feat/${'ö'.repeat(200)}` }),
      'branch',
      /at most 255 bytes/,
    ],
    [
      'a non-ASCII pull-request URL',
      'POST',
      () => `/api/v1/chats/${chatId}/git`,
      git({ pull_request_url: `https://github.com/a/b/pull/1#${'é'.repeat(2000)}` }),
      'pull_request_url',
      /printable ASCII/,
    ],
    [
      'a header-splitting token',
      'PUT',
      () => '/api/v1/users/me/external-auth/github',
      { access_token: 'ghp_x\r\nX-Evil: 1' },
      'access_token',
      /printable ASCII/,
    ],
    [
      'a 5 KiB token',
      'PUT',
      () => '/api/v1/users/me/external-auth/github',
      { access_token: 'a'.repeat(5000) },
      'access_token',
      /at most 4096 characters/,
    ],
  ];

  it.each(rows)(
    '%s answers 400 naming the field and the rule, and writes nothing',
    async (_name, method, path, body, field, rule) => {
      const before = await snapshot();
      // Creating users takes the admin (the harness's default key); the rest act as the member.
      const res = await h.call(method, path(), { ...(path() !== '/api/v1/users' && { key: member.api_key }), body });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: 'invalid body', detail: expect.stringMatching(new RegExp(`^${field}: `)) });
      expect(res.body.detail).toMatch(rule);
      expect(await snapshot()).toEqual(before);
    },
  );

  it('still takes the longest values each kind allows', async () => {
    const title = '😀'.repeat(1000);
    expect(
      (await h.call('PATCH', `/api/v1/chats/${chatId}`, { key: member.api_key, body: { title } })).body.title,
    ).toBe(title);
    // 2048 ASCII characters: an indexed url within Postgres's 2704-byte limit on an index entry.
    const url = `https://github.com/acme/app/pull/1#${'x'.repeat(2048 - 35)}`;
    const branch = `${'ö'.repeat(127)}/${'x'.repeat(255)}`;
    const report = await h.call('POST', `/api/v1/chats/${chatId}/git`, {
      key: member.api_key,
      body: { branch, remote_origin: 'git@github.com:acme/app.git', pull_request_url: url },
    });
    expect(report.status).toBe(202);
    expect(await getDiffStatus(h.t.db, chatId)).toMatchObject({ url, gitBranch: branch });
    const token = `ghp_${'A'.repeat(4092)}`;
    expect(
      (
        await h.call('PUT', '/api/v1/users/me/external-auth/github', {
          key: member.api_key,
          body: { access_token: token },
        })
      ).status,
    ).toBe(204);
    expect((await getExternalAuthLink(h.t.db, 'github', member.id))?.accessToken).toBe(token);
  });
});
