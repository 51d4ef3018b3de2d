import path from 'node:path';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Client } from 'pg';
import { runBackfills } from './backfills.js';
import { createDb } from './client.js';

/** The generated migrations at the repository root (`drizzle/`). */
export const migrationsFolder = path.resolve(__dirname, '../../../drizzle');

/** Creates the database named in `url` when it does not exist yet (connecting to `postgres`). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      // Identifiers cannot be parameters; quote it the way Postgres does.
      await client.query(`create database "${name.replace(/"/g, '""')}"`);
    }
  } catch (err) {
    // Another process may have created it between our check and our create.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await client.end();
  }
}

/** Applies every pending migration of `drizzle/` to `url`. */
export async function migrateDatabase(url: string): Promise<void> {
  const { db, close } = createDb(url, { max: 1 });
  try {
    await migrate(db, { migrationsFolder });
    await runBackfills(db);
  } finally {
    await close();
  }
}
