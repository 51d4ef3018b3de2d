import { z } from 'zod';
import { baseEnv, parseEnv } from '@gitsync/config';
import { ensureDatabase, migrateDatabase } from '@gitsync/db';

/** `npm run migrate` and docker-compose's one-shot migrate: create the database if needed, apply drizzle/. */
async function main(): Promise<void> {
  const env = parseEnv(z.object({ DATABASE_URL: baseEnv.DATABASE_URL }), process.env);
  await ensureDatabase(env.DATABASE_URL);
  await migrateDatabase(env.DATABASE_URL);
  console.log(`migrated ${new URL(env.DATABASE_URL).pathname.slice(1)}`);
}

main().catch((err: unknown) => {
  console.error('migration failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
