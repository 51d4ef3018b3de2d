import type { ChatJson } from '@gitsync/contracts';
import type { GitsyncClient } from '@gitsync/sdk';
import { startApi, type ApiHarness } from './harness.js';

/**
 * SPEC §6: authorization is part of the SQL before LIMIT, and keyset paging on (updated_at, id)
 * visits every authorized row exactly once, in order, with full pages until the last.
 */
let h: ApiHarness;
let admin: GitsyncClient;
const users: Array<{ id: string; client: GitsyncClient }> = [];

beforeAll(async () => {
  h = await startApi();
  admin = h.client();
  for (const username of ['ann', 'ben', 'cat']) {
    const user = await admin.createUser({ username });
    users.push({ id: user.id, client: h.client(user.api_key) });
  }
  // Interleaved: ann, ben, cat, ann, ben, cat… so that every page of a naive
  // fetch-then-filter would hold a third of the rows it should.
  for (let i = 0; i < 30; i++) {
    for (const user of users) await user.client.createChat({ title: `${i}` });
  }
});
afterAll(() => h?.close());

/** Pages through the listing by hand, recording each page's size. */
async function pages(
  client: GitsyncClient,
  query: { owner_id?: string } = {},
): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listChats({ limit: 25, ...query, ...(cursor && { cursor }) });
    ids.push(...page.chats.map((c: ChatJson) => c.id));
    sizes.push(page.chats.length);
    cursor = page.next_cursor;
  } while (cursor);
  return { ids, sizes };
}

/** The order SPEC §6 promises, straight from Postgres. */
async function expected(ownerId?: string): Promise<string[]> {
  const { rows } = await h.t.pool.query<{ id: string }>(
    `select id from chats ${ownerId ? 'where owner_id = $1' : ''} order by updated_at desc, id desc`,
    ownerId ? [ownerId] : [],
  );
  return rows.map((r) => r.id);
}

describe('listing chats', () => {
  it('gives a member exactly their 30 chats, newest first, in full pages of 25 then 5', async () => {
    for (const user of users) {
      const { ids, sizes } = await pages(user.client);
      expect(sizes).toEqual([25, 5]);
      expect(new Set(ids).size).toBe(30);
      expect(ids).toEqual(await expected(user.id));
    }
  });

  it('gives an admin all 90, and with owner_id exactly one user’s 30', async () => {
    const all = await pages(admin);
    expect(all.sizes).toEqual([25, 25, 25, 15]);
    expect(all.ids).toEqual(await expected());
    const one = await pages(admin, { owner_id: users[1]!.id });
    expect(one.sizes).toEqual([25, 5]);
    expect(one.ids).toEqual(await expected(users[1]!.id));
  });

  it('never widens a member’s view through owner_id', async () => {
    const page = await users[0]!.client.listChats({ owner_id: users[1]!.id });
    expect(page.chats).toEqual([]);
  });

  it('visits every row once when many chats share one updated_at (ties broken by id)', async () => {
    // Three timestamps for 90 chats: 30-way ties, which only the id half of the cursor can order.
    await h.t.pool.query(
      `update chats
       set updated_at = timestamptz '2026-01-01T00:00:00Z' + (ascii(right(title, 1)) % 3) * interval '1 second'`,
    );
    const all = await pages(admin);
    expect(all.sizes).toEqual([25, 25, 25, 15]);
    expect(new Set(all.ids).size).toBe(90);
    expect(all.ids).toEqual(await expected());
    for (const user of users) expect((await pages(user.client)).ids).toEqual(await expected(user.id));
  });

  it('neither repeats nor skips chats when the last chat of a page is updated before the next page', async () => {
    const before = await expected();
    const first = await admin.listChats({ limit: 25 });
    expect(first.chats.map((c) => c.id)).toEqual(before.slice(0, 25));
    const moved = first.chats[24]!;
    // What an agent report or a status change does between two requests: the chat moves to the top.
    await admin.updateChat(moved.id, { status: 'completed' });
    expect((await expected())[0]).toBe(moved.id);

    const later: string[] = [];
    const sizes: number[] = [];
    for (let cursor = first.next_cursor; cursor;) {
      const page = await admin.listChats({ limit: 25, cursor });
      later.push(...page.chats.map((c) => c.id));
      sizes.push(page.chats.length);
      cursor = page.next_cursor;
    }
    // Exactly the chats below the first page, in order: none of page 1 again, none lost.
    expect(later).toEqual(before.slice(25));
    expect(sizes).toEqual([25, 25, 15]);
    const seen = [...first.chats.map((c) => c.id), ...later];
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(before));
  });

  it('keeps microseconds in the cursor, so chats a microsecond apart page correctly', async () => {
    // Two chats whose updated_at differ by one microsecond: a millisecond cursor would skip or repeat one.
    const [a, b] = (
      await h.t.pool.query<{ id: string }>(`select id from chats where owner_id = $1 order by id limit 2`, [
        users[0]!.id,
      ])
    ).rows;
    await h.t.pool.query(`update chats set updated_at = timestamptz '2030-01-01T00:00:00.000002Z' where id = $1`, [
      a!.id,
    ]);
    await h.t.pool.query(`update chats set updated_at = timestamptz '2030-01-01T00:00:00.000001Z' where id = $1`, [
      b!.id,
    ]);
    const one = await users[0]!.client.listChats({ limit: 1 });
    expect(one.chats.map((c) => c.id)).toEqual([a!.id]);
    const two = await users[0]!.client.listChats({ limit: 1, cursor: one.next_cursor! });
    expect(two.chats.map((c) => c.id)).toEqual([b!.id]);
    expect((await pages(users[0]!.client)).ids).toEqual(await expected(users[0]!.id));
  });

  it('answers 400 naming cursor for a malformed cursor', async () => {
    const valid = (await admin.listChats({ limit: 1 })).next_cursor!;
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    for (const cursor of [
      'not a cursor!',
      'abc',
      forged('2026-01-01T00:00:00.000000Z'),
      forged(`2026-02-30T00:00:00.000000Z|${users[0]!.id}`),
      forged(`2026-01-01 00:00:00|${users[0]!.id}`),
      forged('2026-01-01T00:00:00.000000Z|not-a-uuid'),
      `${valid}.`,
      `${valid}=`,
    ]) {
      const res = await h.call('GET', `/api/v1/chats?cursor=${encodeURIComponent(cursor)}`);
      expect([cursor, res.status]).toEqual([cursor, 400]);
      expect(res.body.message).toBe('invalid querystring');
      expect(res.body.detail).toMatch(/^cursor: /);
    }
  });

  it('iterates every page with the SDK', async () => {
    const seen: string[] = [];
    for await (const chat of users[2]!.client.allChats({ limit: 7 })) seen.push(chat.id);
    expect(seen).toEqual(await expected(users[2]!.id));
  });
});
