import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { getExternalAuthLink, TokenCipher } from '@gitsync/db';
import { createLogger } from '@gitsync/logger';
import { startApi, type ApiHarness } from './harness.js';

/**
 * Issue 20, at the API: a token write Postgres refuses leaves the tokens in no log line, Redis key
 * or answer; origins and PR urls are stored without the credentials they carry, in any spelling;
 * with a key, tokens are sealed at rest; every answer forbids framing and carries a CSP.
 */
const logLines: string[] = [];
const logged = () => logLines.join('');
let h: ApiHarness;
let sealed: ApiHarness;
const cipher = new TokenCipher([randomBytes(32)]);
beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  h = await startApi({ logger: createLogger('api-secrets', { level: 'debug', destination }) });
  sealed = await startApi({ on: { t: h.t, r: h.r }, tokenCipher: cipher });
});
afterAll(async () => {
  await sealed?.close();
  await h?.close();
});

/** Asserts that `secret` is nowhere the API could have put it: its log, its Redis keys, the answer. */
async function expectNowhere(secret: string, answer: unknown): Promise<void> {
  expect(JSON.stringify(answer)).not.toContain(secret);
  expect(logged()).not.toContain(secret);
  expect(await h.r.dump()).not.toContain(secret);
}

async function member(username: string): Promise<{ id: string; key: string }> {
  const res = await h.call('POST', '/api/v1/users', { body: { username, role: 'member' } });
  return { id: res.body.id, key: res.body.api_key };
}

describe('a token write Postgres refuses', () => {
  it('with a NUL byte: refused, and the token is nowhere', async () => {
    const { key } = await member('nul');
    const secret = `ghp_${randomBytes(12).toString('hex')}`;
    const res = await h.call('PUT', '/api/v1/users/me/external-auth/github', {
      key,
      body: { access_token: `${secret}\u0000`, refresh_token: `${secret}_r` },
    });
    // 400 once the contracts refuse control characters; 500 where only Postgres does.
    expect([400, 500]).toContain(res.status);
    await expectNowhere(secret, res);
  });

  it(
    'refused by a constraint whose DETAIL would quote the row: ' + '500, and the log names the constraint only',
    async () => {
      const { key } = await member('refused');
      await h.t.pool.query('alter table external_auth_links add constraint refuse_writes check (false) not valid');
      try {
        const secret = `ghp_${randomBytes(12).toString('hex')}`;
        logLines.length = 0;
        const res = await h.call('PUT', '/api/v1/users/me/external-auth/github', {
          key,
          body: { access_token: secret, refresh_token: `${secret}_r` },
        });
        expect(res).toMatchObject({ status: 500, body: { message: 'internal error' } });
        await expectNowhere(secret, res);
        const line = JSON.parse(logLines.find((l) => l.includes('request failed'))!);
        expect(line.err).toMatchObject({
          type: 'DatabaseError',
          message:
            'database error 23514 (integrity constraint violation): ' +
            'table external_auth_links, constraint refuse_writes',
          code: '23514',
        });
      } finally {
        await h.t.pool.query('alter table external_auth_links drop constraint refuse_writes');
      }
    },
  );
});

describe('origins and PR urls with credentials', () => {
  const spellings = [
    'https://x-access-token:SECRET@github.com/acme/app.git',
    'https:/u:SECRET@github.com/acme/app.git',
    'HTTPS://u:SECRET@GitHub.com/acme/app.git',
    'git+https://u:SECRET@github.com/acme/app.git',
    'ssh://git:SECRET@github.com/acme/app.git',
    'ssh://SECRET@github.com/acme/app.git',
    ' https://u:SECRET @github.com/acme/app.git ',
    'SECRET@github.com:acme/app.git',
    'u:SECRET@github.com/acme/app.git',
  ];

  it.each(spellings)('%j is stored and answered without its credential', async (spelling) => {
    const { key } = await member(`o${randomBytes(4).toString('hex')}`);
    const chat = await h.call('POST', '/api/v1/chats', { key, body: {} });
    const secret = `ghp_${randomBytes(12).toString('hex')}`;
    const res = await h.call('POST', `/api/v1/chats/${chat.body.id}/git`, {
      key,
      body: {
        branch: 'feat/x',
        remote_origin: spelling.replace('SECRET', secret),
        pull_request_url: `https://u:${secret}@github.com/acme/app/pull/1`,
      },
    });
    expect(res.status).toBe(202);
    const { rows } = await h.t.pool.query(
      'select git_remote_origin as origin, url from chat_diff_statuses where chat_id = $1',
      [chat.body.id],
    );
    expect(rows[0].origin).toMatch(/github\.com[:/]acme\/app\.git$/i);
    expect(rows[0].url).toBe('https://github.com/acme/app/pull/1');
    expect(JSON.stringify(rows)).not.toContain(secret);
    await expectNowhere(secret, res);
  });

  it('an origin the API refuses (a control character) is not echoed with its credential either', async () => {
    const { key } = await member(`o${randomBytes(4).toString('hex')}`);
    const chat = await h.call('POST', '/api/v1/chats', { key, body: {} });
    const secret = `ghp_${randomBytes(12).toString('hex')}`;
    const res = await h.call('POST', `/api/v1/chats/${chat.body.id}/git`, {
      key,
      body: { branch: 'feat/x', remote_origin: `ht\ttps://u:${secret}@github.com/acme/app.git` },
    });
    expect(res).toMatchObject({ status: 400, body: { detail: expect.stringContaining('remote_origin') } });
    await expectNowhere(secret, res);
  });
});

it('with a key, a linked token is sealed at rest and opens with that key only', async () => {
  const { id, key } = await member('sealed');
  const secret = `ghp_${randomBytes(12).toString('hex')}`;
  const res = await sealed.call('PUT', '/api/v1/users/me/external-auth/github', {
    key,
    body: { access_token: secret, refresh_token: `${secret}_r` },
  });
  expect(res.status).toBe(204);
  const { rows } = await h.t.pool.query('select * from external_auth_links where user_id = $1', [id]);
  expect(rows).toHaveLength(1);
  expect(JSON.stringify(rows)).not.toContain(secret);
  expect(rows[0]).toMatchObject({
    access_token_key_id: cipher.primaryKeyId,
    refresh_token_key_id: cipher.primaryKeyId,
  });
  expect(await getExternalAuthLink(h.t.db, 'github', id, cipher)).toMatchObject({
    accessToken: secret,
    refreshToken: `${secret}_r`,
  });
  await expect(getExternalAuthLink(h.t.db, 'github', id, new TokenCipher([randomBytes(32)]))).rejects.toThrow(
    /does not hold/,
  );
});

describe('headers', () => {
  it('every answer forbids framing and sniffing and carries the CSP', async () => {
    for (const path of ['/healthz', '/api/v1/chats', '/openapi.json']) {
      const res = await h.call('GET', path);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe');
    }
  });

  it("Bull Board's page has a CSP of its own, still without framing", async () => {
    const res = await h.call('GET', '/admin/queues');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline' https://fonts.googleapis.com");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
  });
});
