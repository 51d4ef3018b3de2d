import { getExternalAuthLink, upsertExternalAuthLink, createUser } from '@gitsync/db';
import { dumpRedis, waitFor } from '@gitsync/testing';
import { System } from './harness.js';

/**
 * Issue 18: the rows of one owner whose token expired, refreshed by two worker processes at once,
 * cost one token exchange. GitHub rotates refresh tokens (so does the fake: a used one is
 * refused), so a second exchange would fail and leave rows on the no-token backoff.
 */
let s: System;
afterAll(() => s?.close());

const EXPIRED = 'ghu_expired_access_secret';
const REFRESH = 'ghr_first_refresh_secret';

it('one exchange for the rows of one owner across two workers; every row refreshed, the link still valid', async () => {
  s = await System.start({ env: { LOG_LEVEL: 'debug' } });
  const owner = (await createUser(s.t.db, { username: 'rot', role: 'member' })).id;
  s.fake.addRefreshToken(REFRESH, { login: 'rot' });
  await upsertExternalAuthLink(s.t.db, {
    providerId: 'github',
    userId: owner,
    accessToken: EXPIRED,
    refreshToken: REFRESH,
    expiresAt: new Date(Date.now() - 60_000),
  });
  const rows = await s.rows(owner, 20);

  // The exchange is held at the fake until the other worker is seen waiting for it.
  const exchange = s.fake.hold((r) => r.path.startsWith('/login/oauth/access_token'));
  const workers = await s.startWorkers(2, { GITSYNC_WORKER_CONCURRENCY: '3' });
  await s.startSchedulers(1);
  try {
    await waitFor(
      () =>
        exchange.waiting === 1 && workers.some((w) => w.output().includes('token exchange waits for another replica')),
      { timeoutMs: 30_000, message: () => `one exchange held, the other worker waiting for it\n${s.tail()}` },
    );
  } finally {
    exchange.release();
  }
  await s.waitAllRefreshed(rows, 60_000);

  const exchanges = s.fake.requests.filter((r) => r.path.startsWith('/login/oauth/access_token'));
  expect(exchanges.map((r) => r.status)).toEqual([200]);
  expect(s.fake.issuedTokens).toHaveLength(1);
  const issued = s.fake.issuedTokens[0]!;
  const link = await getExternalAuthLink(s.t.db, 'github', owner);
  expect(link).toMatchObject({ accessToken: issued.accessToken, refreshToken: issued.refreshToken });
  expect(link!.expiresAt!.getTime()).toBeGreaterThan(Date.now());
  expect(await s.outcomes(rows)).toEqual({ refreshed: rows.length });
  expect(s.fake.requests.filter((r) => r.token === EXPIRED)).toEqual([]);

  // No token of the owner, old or new, went into Redis (the lock's value is a random id).
  const redisDump = await dumpRedis(s.redis, '*');
  for (const secret of [EXPIRED, REFRESH, issued.accessToken, issued.refreshToken]) {
    expect(redisDump).not.toContain(secret);
  }
  // The stored refresh token is the live one: the fake still exchanges it.
  const res = await fetch(s.fake.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: link!.refreshToken! }),
  });
  expect(res.status).toBe(200);
}, 120_000);
