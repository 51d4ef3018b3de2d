import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { apiKeys, users, type User } from './schema.js';

export type Role = 'member' | 'admin';

/** API keys are long random secrets, so a fast hash is enough: nothing to brute-force. */
export const hashApiKey = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const generateApiKey = (): string => `gsk_${randomBytes(32).toString('base64url')}`;

export async function createUser(db: Database, input: { username: string; role: Role }): Promise<User> {
  const [user] = await db.insert(users).values(input).returning();
  if (!user) throw new Error('insert into users returned no row');
  return user;
}

export async function getUserById(db: Database, id: string): Promise<User | null> {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user ?? null;
}

export async function getUserByUsername(db: Database, username: string): Promise<User | null> {
  const [user] = await db.select().from(users).where(eq(users.username, username));
  return user ?? null;
}

/** Stores the hash of `secret` for the user; the secret itself is never stored. */
export async function addApiKey(db: Database, userId: string, secret: string, name = ''): Promise<void> {
  await db
    .insert(apiKeys)
    .values({ userId, hashedSecret: hashApiKey(secret), name, source: 'api' })
    .onConflictDoNothing();
}

/** Who a request's key belongs to, and which key it was (quotas and event streams count per key). */
export interface AuthenticatedKey {
  user: User;
  keyId: string;
}

/**
 * The user owning this key and the key's id; null for an unknown (or revoked) key. Read from
 * Postgres on every call, so a revoked key fails at once on every replica. last_used_at is touched
 * at most once a minute, so that a busy client's every request is not also a write.
 */
export async function authenticateApiKey(db: Database, secret: string): Promise<AuthenticatedKey | null> {
  const result = await db.execute<{
    key_id: string;
    id: string;
    username: string;
    role: Role;
    created_at: string | Date;
  }>(sql`
    with found as (
      select k.id as key_id, u.id, u.username, u.role, u.created_at
      from ${apiKeys} k join ${users} u on u.id = k.user_id
      where k.hashed_secret = ${hashApiKey(secret)}
    ), touched as (
      update ${apiKeys} set last_used_at = now()
      where id = (select key_id from found) and (last_used_at is null or last_used_at < now() - interval '1 minute')
    )
    select key_id, id, username, role, created_at from found`);
  const row = result.rows[0];
  return row
    ? {
        keyId: row.key_id,
        user: { id: row.id, username: row.username, role: row.role, createdAt: new Date(row.created_at) },
      }
    : null;
}

/**
 * Makes sure a user `username` with role admin exists and accepts `secret` as a key — and no other
 * key that came from the environment: when GITSYNC_ADMIN_API_KEY changes, the previous value stops
 * working at the next start. Keys of that user from before keys had a source (all of them came
 * from the variable, or from the user's creation) are replaced alike; keys created through the API
 * stay. Safe to run from several API replicas at once.
 */
export async function ensureAdmin(db: Database, username: string, secret: string): Promise<User> {
  await db.insert(users).values({ username, role: 'admin' }).onConflictDoNothing();
  const [user] = await db.update(users).set({ role: 'admin' }).where(eq(users.username, username)).returning();
  if (!user) throw new Error(`admin user ${username} could not be created`);
  const hashedSecret = hashApiKey(secret);
  await db.transaction(async (tx) => {
    await tx
      .delete(apiKeys)
      .where(
        and(
          eq(apiKeys.userId, user.id),
          ne(apiKeys.hashedSecret, hashedSecret),
          or(eq(apiKeys.source, 'env'), isNull(apiKeys.source)),
        ),
      );
    await tx
      .insert(apiKeys)
      .values({ userId: user.id, hashedSecret, name: 'GITSYNC_ADMIN_API_KEY', source: 'env' })
      .onConflictDoUpdate({
        target: apiKeys.hashedSecret,
        set: { source: 'env' },
        setWhere: eq(apiKeys.userId, user.id),
      });
  });
  return user;
}
