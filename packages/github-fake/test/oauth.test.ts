import { startFakeGitHub } from '../src/index.js';
import type { FakeGitHub } from '../src/index.js';
import { call, obj } from './helpers.js';

let fake: FakeGitHub;

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.addRepo('acme', 'oauth');
});
afterAll(() => fake?.close());

async function refresh(body: string, contentType: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(fake.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/json' },
    body,
  });
  return { status: res.status, json: obj(await res.json()) };
}

const form = (refreshToken: string) =>
  new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: 'cid',
    client_secret: 'sec',
  }).toString();

describe('POST /login/oauth/access_token', () => {
  it('trades a refresh token (form) for a new access token of the same login and a new refresh token', async () => {
    fake.addToken('old-access', { login: 'carol' });
    fake.addRefreshToken('r1', { login: 'carol' });
    const { status, json } = await refresh(form('r1'), 'application/x-www-form-urlencoded');
    expect(status).toBe(200);
    expect(json).toMatchObject({ token_type: 'bearer', expires_in: expect.any(Number) });
    const access = String(json.access_token);
    const next = String(json.refresh_token);
    expect(access).not.toBe('old-access');
    expect(next).not.toBe('r1');

    expect((await call(fake, '/repos/acme/oauth/pulls', { token: access })).status).toBe(200);
    expect((await call(fake, '/repos/acme/oauth/pulls', { token: 'old-access' })).status).toBe(200);
    expect(fake.requests.filter((r) => r.path === '/login/oauth/access_token')).toHaveLength(1);

    // The new refresh token works (here as JSON); the spent one does not.
    const again = await refresh(
      JSON.stringify({ grant_type: 'refresh_token', refresh_token: next, client_id: 'cid' }),
      'application/json',
    );
    expect(again.status).toBe(200);
    const spent = await refresh(form('r1'), 'application/x-www-form-urlencoded');
    expect(spent).toEqual({ status: 400, json: expect.objectContaining({ error: 'bad_refresh_token' }) });
  });

  it(
    'keeps a reusable refresh token (a provider that does not rotate them) ' + 'and records every pair it issued',
    async () => {
      fake.addRefreshToken('r-keep', { login: 'dan', reusable: true });
      const first = await refresh(form('r-keep'), 'application/x-www-form-urlencoded');
      const second = await refresh(form('r-keep'), 'application/x-www-form-urlencoded');
      expect([first.status, second.status]).toEqual([200, 200]);
      expect([first.json.refresh_token, second.json.refresh_token]).toEqual(['r-keep', 'r-keep']);
      expect(first.json.access_token).not.toBe(second.json.access_token);
      expect(fake.issuedTokens.slice(-2)).toEqual([
        { accessToken: first.json.access_token, refreshToken: 'r-keep' },
        { accessToken: second.json.access_token, refreshToken: 'r-keep' },
      ]);
    },
  );

  it('answers 400 bad_refresh_token to an unknown refresh token and 400 to other grants', async () => {
    expect(await refresh(form('unknown'), 'application/x-www-form-urlencoded')).toEqual({
      status: 400,
      json: expect.objectContaining({ error: 'bad_refresh_token' }),
    });
    const grant = await refresh('grant_type=authorization_code&code=x', 'application/x-www-form-urlencoded');
    expect(grant.status).toBe(400);
    expect(grant.json.error).toBe('unsupported_grant_type');
  });
});
