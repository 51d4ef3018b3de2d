import { z } from 'zod';
import { baseEnv, parseEnv, tokenKeysEnv } from '@gitsync/config';
import { createDb, ensureDatabase, migrateDatabase, rekeyExternalAuthLinks, tokenCipherOf } from '@gitsync/db';

/**
 * `npm run migrate` and docker-compose's one-shot migrate: create the database if needed, apply
 * drizzle/, then seal with the first GITSYNC_TOKEN_ENCRYPTION_KEYS key every token not under it yet
 * (plain-text rows from before a key was set, rows under a key rotated out of first place).
 */
async function main(): Promise<void> {
  const env = parseEnv(z.object({ DATABASE_URL: baseEnv.DATABASE_URL, ...tokenKeysEnv }), process.env);
  await ensureDatabase(env.DATABASE_URL);
  await migrateDatabase(env.DATABASE_URL);
  console.log(`migrated ${new URL(env.DATABASE_URL).pathname.slice(1)}`);
  const cipher = tokenCipherOf(env.GITSYNC_TOKEN_ENCRYPTION_KEYS, (message) => console.warn(message));
  if (!cipher) return;
  const { db, close } = createDb(env.DATABASE_URL, { max: 1 });
  try {
    const sealed = await rekeyExternalAuthLinks(db, cipher);
    console.log(`tokens: ${sealed} link(s) sealed again; every token is under key ${cipher.primaryKeyId}`);
  } finally {
    await close();
  }
}

main().catch((err: unknown) => {
  console.error('migration failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
