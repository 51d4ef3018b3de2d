import { and, eq, isNotNull, or, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { externalAuthLinks, type ExternalAuthLink } from './schema.js';
import { TokenKeyError, type TokenCipher } from './token-cipher.js';

export interface TokenWrite {
  providerId: string;
  userId: string;
  accessToken: string;
  refreshToken?: string | null;
  expiresAt?: Date | null;
}

/** A linked token as its owner gave it: opened when it is stored sealed. */
export interface LinkedToken {
  providerId: string;
  userId: string;
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

type TokenField = 'access_token' | 'refresh_token';

/** The associated data of a sealed token: a value opens only in the row and field it was sealed for. */
const contextOf = (field: TokenField, providerId: string, userId: string) =>
  JSON.stringify(['external_auth_links', field, providerId, userId]);

function seal(
  cipher: TokenCipher | null,
  field: TokenField,
  link: { providerId: string; userId: string },
  plain: string,
) {
  if (!cipher) return { value: plain, keyId: null };
  return cipher.seal(plain, contextOf(field, link.providerId, link.userId));
}

function open(
  cipher: TokenCipher | null,
  field: TokenField,
  row: ExternalAuthLink,
  value: string,
  keyId: string | null,
): string {
  if (keyId === null) return value;
  if (!cipher) {
    throw new TokenKeyError(
      `the ${field} of provider ${row.providerId} for user ${row.userId} ` +
        `is sealed under key ${keyId}: set GITSYNC_TOKEN_ENCRYPTION_KEYS`,
    );
  }
  return cipher.open({ value, keyId }, contextOf(field, row.providerId, row.userId));
}

function opened(cipher: TokenCipher | null, row: ExternalAuthLink): LinkedToken {
  return {
    providerId: row.providerId,
    userId: row.userId,
    accessToken: open(cipher, 'access_token', row, row.accessToken, row.accessTokenKeyId),
    refreshToken:
      row.refreshToken === null ? null : open(cipher, 'refresh_token', row, row.refreshToken, row.refreshTokenKeyId),
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The stored columns of a token pair: sealed with `cipher`'s first key, plain text without one. */
function sealedColumns(
  cipher: TokenCipher | null,
  link: { providerId: string; userId: string; accessToken: string; refreshToken: string | null },
) {
  const access = seal(cipher, 'access_token', link, link.accessToken);
  const refresh = link.refreshToken === null ? null : seal(cipher, 'refresh_token', link, link.refreshToken);
  return {
    accessToken: access.value,
    accessTokenKeyId: access.keyId,
    refreshToken: refresh?.value ?? null,
    refreshTokenKeyId: refresh?.keyId ?? null,
  };
}

/** Whether a link exists and when its token expires, without reading (or opening) any secret. */
export async function getExternalAuthLinkInfo(
  db: Database,
  providerId: string,
  userId: string,
): Promise<{ expiresAt: Date | null } | null> {
  const [row] = await db
    .select({ expiresAt: externalAuthLinks.expiresAt })
    .from(externalAuthLinks)
    .where(and(eq(externalAuthLinks.providerId, providerId), eq(externalAuthLinks.userId, userId)));
  return row ?? null;
}

/** The owner's token for a provider, opened with `cipher` when it is stored sealed. */
export async function getExternalAuthLink(
  db: Database,
  providerId: string,
  userId: string,
  cipher: TokenCipher | null = null,
): Promise<LinkedToken | null> {
  const [row] = await db
    .select()
    .from(externalAuthLinks)
    .where(and(eq(externalAuthLinks.providerId, providerId), eq(externalAuthLinks.userId, userId)));
  return row ? opened(cipher, row) : null;
}

/** Links (or replaces) a token; sealed when a cipher is given. */
export async function upsertExternalAuthLink(
  db: Database,
  link: TokenWrite,
  cipher: TokenCipher | null = null,
): Promise<void> {
  const values = {
    ...sealedColumns(cipher, { ...link, refreshToken: link.refreshToken ?? null }),
    expiresAt: link.expiresAt ?? null,
  };
  await db
    .insert(externalAuthLinks)
    .values({ providerId: link.providerId, userId: link.userId, ...values })
    .onConflictDoUpdate({
      target: [externalAuthLinks.providerId, externalAuthLinks.userId],
      set: { ...values, updatedAt: sql`now()` },
    });
}

export async function deleteExternalAuthLink(db: Database, providerId: string, userId: string): Promise<boolean> {
  const result = await db
    .delete(externalAuthLinks)
    .where(and(eq(externalAuthLinks.providerId, providerId), eq(externalAuthLinks.userId, userId)));
  return (result.rowCount ?? 0) > 0;
}

/**
 * Seals every token not yet under the cipher's first key: plain-text rows written before a key
 * was set, and rows under an older key after a new one was put in front. A batch at a time, each
 * in a transaction holding its rows, so a token a worker refreshes meanwhile is never overwritten
 * with the old one. Returns how many rows were sealed again. A row under a key the cipher does not
 * hold fails the whole run (TokenKeyError): drop an old key only once this has run with it.
 */
export async function rekeyExternalAuthLinks(db: Database, cipher: TokenCipher, batchSize = 500): Promise<number> {
  const primary = cipher.primaryKeyId;
  const stale = or(
    sql`${externalAuthLinks.accessTokenKeyId} is distinct from ${primary}`,
    and(
      isNotNull(externalAuthLinks.refreshToken),
      sql`${externalAuthLinks.refreshTokenKeyId} is distinct from ${primary}`,
    ),
  );
  let total = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const rows = await tx.select().from(externalAuthLinks).where(stale).limit(batchSize).for('update');
      for (const row of rows) {
        const token = opened(cipher, row);
        await tx
          .update(externalAuthLinks)
          .set(sealedColumns(cipher, token))
          .where(and(eq(externalAuthLinks.providerId, row.providerId), eq(externalAuthLinks.userId, row.userId)));
      }
      return rows.length;
    });
    total += done;
    if (done < batchSize) return total;
  }
}
