import { and, asc, count, eq } from 'drizzle-orm';
import type { Database } from './client.js';
import { apiKeys, users } from './schema.js';
import { generateApiKey, hashApiKey } from './users.js';

/** A key as its owner may see it again: everything but the secret, which exists only at creation. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  source: 'env' | 'api' | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

const info = {
  id: apiKeys.id,
  name: apiKeys.name,
  source: apiKeys.source,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
};

/** Too many keys already; the caller should revoke one first. */
export class TooManyApiKeysError extends Error {
  override readonly name = 'TooManyApiKeysError';
  constructor(readonly max: number) {
    super(`a user may hold at most ${max} API keys`);
  }
}

/**
 * A new key for the user; the secret is in the answer and nowhere else (only its hash is stored).
 * At most `max` keys per user, so that minting keys cannot multiply a member's per-key quotas.
 * Null when the user does not exist.
 */
export async function createApiKey(
  db: Database,
  userId: string,
  options: { name: string; max: number },
): Promise<(ApiKeyInfo & { secret: string }) | null> {
  return db.transaction(async (tx) => {
    // The user's row serialises concurrent creations, so the count below holds.
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
    if (!user) return null;
    const [held] = await tx.select({ n: count() }).from(apiKeys).where(eq(apiKeys.userId, userId));
    if ((held?.n ?? 0) >= options.max) throw new TooManyApiKeysError(options.max);
    const secret = generateApiKey();
    const [key] = await tx
      .insert(apiKeys)
      .values({ userId, hashedSecret: hashApiKey(secret), name: options.name, source: 'api' })
      .returning(info);
    if (!key) throw new Error('insert into api_keys returned no row');
    return { ...key, secret };
  });
}

export async function listApiKeys(db: Database, userId: string): Promise<ApiKeyInfo[]> {
  return db
    .select(info)
    .from(apiKeys)
    .where(eq(apiKeys.userId, userId))
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

/** Deletes the user's key; false when the user has no such key. */
export async function revokeApiKey(db: Database, userId: string, keyId: string): Promise<boolean> {
  const result = await db.delete(apiKeys).where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId)));
  return (result.rowCount ?? 0) > 0;
}
