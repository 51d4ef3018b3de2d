import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@gitsync/testing';
import {
  createUser,
  getExternalAuthLink,
  rekeyExternalAuthLinks,
  TokenCipher,
  TokenKeyError,
  tokenKeyId,
  upsertExternalAuthLink,
} from '../src/index.js';

/** Issue 20: tokens at rest are sealed (AES-256-GCM), bound to their row, and survive key rotation. */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

const [k1, k2] = [randomBytes(32), randomBytes(32)];
const newUser = async () =>
  (await createUser(t.db, { username: `u${randomBytes(4).toString('hex')}`, role: 'member' })).id;

/** Every token column of every row, as a dump of the table would show them. */
async function storedText(): Promise<string> {
  const rows = await t.db.execute(sql`select * from external_auth_links`);
  return JSON.stringify(rows.rows);
}

async function keyIds(userId: string) {
  const { rows } = await t.pool.query(
    'select access_token_key_id as a, refresh_token_key_id as r from external_auth_links where user_id = $1',
    [userId],
  );
  return rows[0] as { a: string | null; r: string | null };
}

it('with a key, the table holds no token in plain text, and the store reads them back', async () => {
  const cipher = new TokenCipher([k1]);
  const userId = await newUser();
  const expiresAt = new Date(Date.now() + 3_600_000);
  await upsertExternalAuthLink(
    t.db,
    { providerId: 'github', userId, accessToken: 'ghu_sealed_access', refreshToken: 'ghr_sealed_refresh', expiresAt },
    cipher,
  );
  const stored = await storedText();
  expect(stored).not.toContain('ghu_sealed_access');
  expect(stored).not.toContain('ghr_sealed_refresh');
  expect(await keyIds(userId)).toEqual({ a: tokenKeyId(k1), r: tokenKeyId(k1) });
  expect(await getExternalAuthLink(t.db, 'github', userId, cipher)).toMatchObject({
    accessToken: 'ghu_sealed_access',
    refreshToken: 'ghr_sealed_refresh',
    expiresAt,
  });
  // Sealed twice, the same token is stored differently (a fresh nonce per value).
  await upsertExternalAuthLink(t.db, { providerId: 'github', userId, accessToken: 'ghu_sealed_access' }, cipher);
  expect(await storedText()).not.toBe(stored);
});

it('a sealed value copied into another row, or into the other field, does not open', async () => {
  const cipher = new TokenCipher([k1]);
  const [victim, thief] = [await newUser(), await newUser()];
  await upsertExternalAuthLink(
    t.db,
    { providerId: 'github', userId: victim, accessToken: 'ghu_victim', refreshToken: 'ghr_victim' },
    cipher,
  );
  await upsertExternalAuthLink(t.db, { providerId: 'github', userId: thief, accessToken: 'ghu_thief' }, cipher);
  await t.pool.query(
    `update external_auth_links t set access_token = v.access_token, access_token_key_id = v.access_token_key_id
     from external_auth_links v where v.user_id = $1 and t.user_id = $2`,
    [victim, thief],
  );
  await expect(getExternalAuthLink(t.db, 'github', thief, cipher)).rejects.toThrow(TokenKeyError);
  await t.pool.query('update external_auth_links set access_token = refresh_token where user_id = $1', [victim]);
  await expect(getExternalAuthLink(t.db, 'github', victim, cipher)).rejects.toThrow(/does not open here/);
  await t.pool.query('delete from external_auth_links where user_id = any($1)', [[victim, thief]]);
});

it('rotation: a key put in front seals new writes while every older row stays readable', async () => {
  const userId = await newUser();
  await upsertExternalAuthLink(
    t.db,
    { providerId: 'github', userId, accessToken: 'ghu_under_k1' },
    new TokenCipher([k1]),
  );
  const rotated = new TokenCipher([k2, k1]);
  expect((await getExternalAuthLink(t.db, 'github', userId, rotated))!.accessToken).toBe('ghu_under_k1');
  await upsertExternalAuthLink(t.db, { providerId: 'github', userId, accessToken: 'ghu_under_k2' }, rotated);
  expect((await keyIds(userId)).a).toBe(tokenKeyId(k2));
  expect((await getExternalAuthLink(t.db, 'github', userId, new TokenCipher([k2])))!.accessToken).toBe('ghu_under_k2');
});

it('rekey seals plain-text rows and rows under older keys with the first key; then the old key can go', async () => {
  const [plain, old, current] = [await newUser(), await newUser(), await newUser()];
  await upsertExternalAuthLink(t.db, {
    providerId: 'github',
    userId: plain,
    accessToken: 'ghu_plain',
    refreshToken: 'ghr_plain',
  });
  await upsertExternalAuthLink(
    t.db,
    { providerId: 'github', userId: old, accessToken: 'ghu_old' },
    new TokenCipher([k1]),
  );
  const rotated = new TokenCipher([k2, k1]);
  await upsertExternalAuthLink(t.db, { providerId: 'github', userId: current, accessToken: 'ghu_current' }, rotated);
  expect(await storedText()).toContain('ghr_plain');

  const resealed = await rekeyExternalAuthLinks(t.db, rotated, 2);
  expect(resealed).toBeGreaterThanOrEqual(2);
  expect(await rekeyExternalAuthLinks(t.db, rotated)).toBe(0);
  const { rows } = await t.pool.query(
    'select access_token_key_id as k from external_auth_links ' +
      'union select refresh_token_key_id from external_auth_links where refresh_token is not null',
  );
  expect(rows.map((r: { k: string }) => r.k)).toEqual([tokenKeyId(k2)]);
  const text = await storedText();
  for (const token of ['ghu_plain', 'ghr_plain', 'ghu_old', 'ghu_current']) expect(text).not.toContain(token);

  const onlyNew = new TokenCipher([k2]);
  expect(await getExternalAuthLink(t.db, 'github', plain, onlyNew)).toMatchObject({
    accessToken: 'ghu_plain',
    refreshToken: 'ghr_plain',
  });
  expect((await getExternalAuthLink(t.db, 'github', old, onlyNew))!.accessToken).toBe('ghu_old');
});

it('a process without the key says which key and which variable, never the value', async () => {
  const userId = await newUser();
  await upsertExternalAuthLink(
    t.db,
    { providerId: 'github', userId, accessToken: 'ghu_needs_key' },
    new TokenCipher([k1]),
  );
  const err = await getExternalAuthLink(t.db, 'github', userId).catch((e: unknown) => e as Error);
  expect(err).toBeInstanceOf(TokenKeyError);
  expect((err as Error).message).toContain('GITSYNC_TOKEN_ENCRYPTION_KEYS');
  await expect(getExternalAuthLink(t.db, 'github', userId, new TokenCipher([k2]))).rejects.toThrow(
    `sealed under key ${tokenKeyId(k1)}, which GITSYNC_TOKEN_ENCRYPTION_KEYS does not hold`,
  );
  await expect(rekeyExternalAuthLinks(t.db, new TokenCipher([k2]))).rejects.toThrow(TokenKeyError);
});
