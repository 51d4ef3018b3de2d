import { ensureDatabase, migrateDatabase } from './migrate.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gitsync';

async function main(): Promise<void> {
  await ensureDatabase(url);
  await migrateDatabase(url);
  console.log(`migrated ${new URL(url).pathname.slice(1)}`);
}

main().catch((err: unknown) => {
  console.error('migration failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
