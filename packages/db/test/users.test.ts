import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@gitsync/testing';
import { addApiKey, authenticateApiKey, createUser } from '../src/index.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const lastUsed = async () => {
  const at = (await t.db.execute<{ at: string | null }>(sql`select last_used_at as at from api_keys`)).rows[0]!.at;
  return at === null ? null : new Date(at);
};

it('finds the key owner, touches last_used_at at most once a minute, and knows no stranger', async () => {
  const user = await createUser(t.db, { username: 'kim', role: 'admin' });
  await addApiKey(t.db, user.id, 'gsk_kim');
  expect(await authenticateApiKey(t.db, 'gsk_nobody')).toBeNull();
  expect(await lastUsed()).toBeNull();

  expect(await authenticateApiKey(t.db, 'gsk_kim')).toEqual({ id: user.id, username: 'kim', role: 'admin', createdAt: user.createdAt });
  const first = await lastUsed();
  expect(first).not.toBeNull();
  await authenticateApiKey(t.db, 'gsk_kim');
  expect(await lastUsed()).toEqual(first);

  await t.db.execute(sql`update api_keys set last_used_at = now() - interval '2 minutes'`);
  await authenticateApiKey(t.db, 'gsk_kim');
  // Two minutes old: touched again, to now.
  expect((await lastUsed())!.getTime()).toBeGreaterThan(Date.now() - 60_000);
});
