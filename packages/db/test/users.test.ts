import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@gitsync/testing';
import {
  addApiKey,
  authenticateApiKey,
  createApiKey,
  createUser,
  ensureAdmin,
  hashApiKey,
  listApiKeys,
  revokeApiKey,
  TooManyApiKeysError,
} from '../src/index.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

const lastUsed = async () => {
  const at = (await t.db.execute<{ at: string | null }>(sql`select last_used_at as at from api_keys`)).rows[0]!.at;
  return at === null ? null : new Date(at);
};

it('finds the key owner, touches last_used_at at most once a minute, and knows no stranger', async () => {
  const user = await createUser(t.db, { username: 'kim', role: 'admin' });
  await addApiKey(t.db, user.id, 'gsk_kim');
  expect(await authenticateApiKey(t.db, 'gsk_nobody')).toBeNull();
  expect(await lastUsed()).toBeNull();

  expect(await authenticateApiKey(t.db, 'gsk_kim')).toEqual({
    keyId: expect.any(String),
    user: { id: user.id, username: 'kim', role: 'admin', createdAt: user.createdAt },
  });
  const first = await lastUsed();
  expect(first).not.toBeNull();
  await authenticateApiKey(t.db, 'gsk_kim');
  expect(await lastUsed()).toEqual(first);

  await t.db.execute(sql`update api_keys set last_used_at = now() - interval '2 minutes'`);
  await authenticateApiKey(t.db, 'gsk_kim');
  // Two minutes old: touched again, to now.
  expect((await lastUsed())!.getTime()).toBeGreaterThan(Date.now() - 60_000);
});

it('the admin key of the environment replaces the previous one; keys made through the API stay', async () => {
  // As an older gitsync left it: the admin user with its key from the variable, of no source.
  const admin = await createUser(t.db, { username: 'root', role: 'admin' });
  await t.db.execute(
    sql`insert into api_keys (user_id, hashed_secret) values (${admin.id}, ${hashApiKey('env-key-old-0123456789')})`,
  );
  const made = (await createApiKey(t.db, admin.id, { name: 'ci', max: 10 }))!;

  await ensureAdmin(t.db, 'root', 'env-key-one-0123456789');
  expect(await authenticateApiKey(t.db, 'env-key-old-0123456789')).toBeNull();
  expect((await authenticateApiKey(t.db, 'env-key-one-0123456789'))?.user.id).toBe(admin.id);
  await ensureAdmin(t.db, 'root', 'env-key-one-0123456789');
  expect((await authenticateApiKey(t.db, 'env-key-one-0123456789'))?.user.id).toBe(admin.id);

  await ensureAdmin(t.db, 'root', 'env-key-two-0123456789');
  expect(await authenticateApiKey(t.db, 'env-key-one-0123456789')).toBeNull();
  expect((await authenticateApiKey(t.db, 'env-key-two-0123456789'))?.user.id).toBe(admin.id);
  expect((await authenticateApiKey(t.db, made.secret))?.user.id).toBe(admin.id);
  expect((await listApiKeys(t.db, admin.id)).map((k) => [k.name, k.source])).toEqual([
    ['ci', 'api'],
    ['GITSYNC_ADMIN_API_KEY', 'env'],
  ]);
});

it('API keys: shown once, listed without secrets, capped per user, revoked at once', async () => {
  const user = await createUser(t.db, { username: 'lee', role: 'member' });
  const first = (await createApiKey(t.db, user.id, { name: 'laptop', max: 2 }))!;
  expect(first.secret).toMatch(/^gsk_/);
  expect((await authenticateApiKey(t.db, first.secret))?.keyId).toBe(first.id);
  await createApiKey(t.db, user.id, { name: 'ci', max: 2 });
  await expect(createApiKey(t.db, user.id, { name: 'third', max: 2 })).rejects.toThrow(TooManyApiKeysError);
  const listed = await listApiKeys(t.db, user.id);
  expect(listed.map((k) => k.name)).toEqual(['laptop', 'ci']);
  expect(JSON.stringify(listed)).not.toContain(first.secret);

  const other = await createUser(t.db, { username: 'max', role: 'member' });
  expect(await revokeApiKey(t.db, other.id, first.id)).toBe(false);
  expect(await revokeApiKey(t.db, user.id, first.id)).toBe(true);
  expect(await authenticateApiKey(t.db, first.secret)).toBeNull();
  expect(await createApiKey(t.db, '00000000-0000-4000-8000-000000000000', { name: 'x', max: 2 })).toBeNull();
});
