import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@gitsync/testing';
import { createChat, createUser, listChats, type Viewer } from '../src/index.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

it('lists each chat with its exact position, and pages from a position, not from where the chat is now', async () => {
  const user = await createUser(t.db, { username: 'lee', role: 'member' });
  const viewer: Viewer = { id: user.id, role: 'member' };
  const [a, b, c] = [
    await createChat(t.db, { ownerId: user.id }),
    await createChat(t.db, { ownerId: user.id }),
    await createChat(t.db, { ownerId: user.id }),
  ];
  await t.db.execute(sql`update chats set updated_at = timestamptz '2026-03-01T10:00:00.000003Z' where id = ${a.id}`);
  await t.db.execute(sql`update chats set updated_at = timestamptz '2026-03-01T10:00:00.000002Z' where id = ${b.id}`);
  await t.db.execute(sql`update chats set updated_at = timestamptz '2026-03-01T10:00:00.000001Z' where id = ${c.id}`);

  const first = await listChats(t.db, { viewer, limit: 1 });
  // In UTC, to the microsecond.
  expect(first.map((r) => r.position)).toEqual([{ updatedAt: '2026-03-01T10:00:00.000003Z', id: a.id }]);

  // The cursor chat moves to the top meanwhile; the next page still starts below where it was.
  await t.db.execute(sql`update chats set updated_at = now() where id = ${a.id}`);
  const rest = await listChats(t.db, { viewer, limit: 10, after: first[0]!.position });
  expect(rest.map((r) => r.chat.id)).toEqual([b.id, c.id]);
  expect(rest[0]!.position.updatedAt).toBe('2026-03-01T10:00:00.000002Z');
});
