import { and, eq, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { externalAuthLinks, type ExternalAuthLink } from './schema.js';

export interface TokenWrite {
  providerId: string;
  userId: string;
  accessToken: string;
  refreshToken?: string | null;
  expiresAt?: Date | null;
}

export async function getExternalAuthLink(
  db: Database,
  providerId: string,
  userId: string,
): Promise<ExternalAuthLink | null> {
  const [row] = await db
    .select()
    .from(externalAuthLinks)
    .where(and(eq(externalAuthLinks.providerId, providerId), eq(externalAuthLinks.userId, userId)));
  return row ?? null;
}

export async function upsertExternalAuthLink(db: Database, link: TokenWrite): Promise<void> {
  const values = {
    accessToken: link.accessToken,
    refreshToken: link.refreshToken ?? null,
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
