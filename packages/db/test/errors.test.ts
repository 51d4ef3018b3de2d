import { inspect } from 'node:util';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@gitsync/testing';
import {
  createUser,
  DatabaseError,
  externalAuthLinks,
  isDataError,
  isUniqueViolation,
  pgErrorCode,
  upsertExternalAuthLink,
} from '../src/index.js';

/**
 * Issue 20: a statement Postgres refuses never reaches the caller as drizzle's DrizzleQueryError
 * (whose message holds the parameters) nor as pg's error (whose DETAIL quotes the row): whatever
 * path it took — a query builder, raw SQL, a transaction, the pool itself — it is a DatabaseError
 * with the code and the names of what refused it.
 */
let t: TestDatabase;
let userId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  userId = (await createUser(t.db, { username: 'leaky', role: 'member' })).id;
});
afterAll(() => t?.drop());

const SECRET = 'ghp_never_in_an_error_0123456789';

/** Everything a log line, a job's failed reason or an answer could be made of. */
function everyRendering(err: unknown): string {
  const e = err as Error;
  return [e.message, e.stack, inspect(err, { depth: 10 }), JSON.stringify(err), String(err)].join('\n');
}

async function caught(work: () => Promise<unknown>): Promise<DatabaseError> {
  const err = await work().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatabaseError);
  const rendered = everyRendering(err);
  expect(rendered).not.toContain(SECRET);
  expect(rendered).not.toMatch(/insert into|update "|select /i);
  return err as DatabaseError;
}

it('a refused value: code and names only, and still a data error for the batch writer', async () => {
  const err = await caught(() =>
    upsertExternalAuthLink(t.db, { providerId: 'github', userId, accessToken: `${SECRET}\u0000` }),
  );
  expect(err.code).toBe('22021');
  expect(isDataError(err)).toBe(true);
  expect(pgErrorCode(err)).toBe('22021');
  expect(err.message).toBe('database error 22021 (data exception)');
});

it('a row refused by a constraint, whose DETAIL would quote it', async () => {
  await upsertExternalAuthLink(t.db, { providerId: 'github', userId, accessToken: 'ghp_old' });
  await t.db.execute(sql`alter table external_auth_links add constraint refuse_writes check (false) not valid`);
  try {
    const err = await caught(() =>
      upsertExternalAuthLink(t.db, { providerId: 'github', userId, accessToken: SECRET, refreshToken: SECRET }),
    );
    expect(err).toMatchObject({ code: '23514', table: 'external_auth_links', constraint: 'refuse_writes' });
    expect(err.message).toBe(
      'database error 23514 (integrity constraint violation): table external_auth_links, constraint refuse_writes',
    );
    expect(isDataError(err)).toBe(true);
  } finally {
    await t.db.execute(sql`alter table external_auth_links drop constraint refuse_writes`);
  }
});

it('raw SQL, a transaction and the pool itself fail the same way', async () => {
  const dup = await caught(() => t.db.execute(sql`insert into users (username) values (${'leaky'}), (${SECRET})`));
  expect(isUniqueViolation(dup)).toBe(true);
  expect(dup.constraint).toBe('users_username_unique');
  await caught(() =>
    t.db.transaction(async (tx) => {
      await tx.insert(externalAuthLinks).values({ providerId: SECRET, userId: SECRET, accessToken: SECRET });
    }),
  );
  await caught(() => t.db.$client.query({ name: 'leaky_v1', text: 'select $1::uuid', values: [SECRET] }));
  await caught(() => t.pool.query('select $1::int', [SECRET]));
});

it('a connection that cannot be made says so, with the network code', async () => {
  const { createDb } = await import('../src/client.js');
  const nowhere = createDb('postgres://postgres@127.0.0.1:1/none', { max: 1, connectionTimeoutMillis: 2_000 });
  try {
    const err = await caught(() => nowhere.db.execute(sql`select ${SECRET}`));
    expect(err.code).toBe('ECONNREFUSED');
  } finally {
    await nowhere.close();
  }
});
