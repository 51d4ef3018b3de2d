import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { createDb, migrateDatabase, migrationsFolder, type DbClient } from '@gitsync/db';

/** Where test databases live; override with TEST_DATABASE_URL (its path is ignored). */
export const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** `server` (a Postgres URL) pointing at database `name` instead. */
export function withDatabase(name: string, server: string = serverUrl): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

// Migrations do not change while a process runs: hashed once, on first use.
let template: string | undefined;

/** The template's name changes whenever a migration does, so a stale template is never used. */
export function templateName(): string {
  if (template !== undefined) return template;
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    if (file.endsWith('.sql') || file.endsWith('.json'))
      hash.update(file).update(readFileSync(path.join(migrationsFolder, file)));
  }
  template = `gitsync_tpl_${hash.digest('hex').slice(0, 12)}`;
  return template;
}

/** Runs `fn` with a connection to `server`'s database (by default the test server's), closed afterwards. */
export async function withAdmin<T>(fn: (client: Client) => Promise<T>, server: string = serverUrl): Promise<T> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Templates of other migration sets kept on the server (other checkouts' runs), this one included. */
const KEPT_TEMPLATES = 6;

/** Creates (once per migration set) a migrated template database; drops the oldest outdated ones. */
export async function prepareTemplate(): Promise<string> {
  const name = templateName();
  await withAdmin(async (admin) => {
    // Serialise concurrent jest runs on one server.
    await admin.query('select pg_advisory_lock(7301)');
    try {
      // Newest first (oids grow). Several checkouts of different migrations may run tests on one
      // server at once: the few newest templates stay, so no run drops another's while it copies it.
      const existing = await admin.query<{ datname: string }>(
        "select datname from pg_database where datname like 'gitsync\\_tpl\\_%' order by oid desc",
      );
      for (const { datname } of existing.rows.filter((r) => r.datname !== name).slice(KEPT_TEMPLATES - 1)) {
        await admin.query(`drop database if exists "${datname}"`).catch(() => undefined);
      }
      if (!existing.rows.some((r) => r.datname === name)) {
        const building = `${name}_building`;
        await admin.query(`drop database if exists "${building}" with (force)`);
        await admin.query(`create database "${building}"`);
        await migrateDatabase(withDatabase(building));
        await admin.query(`alter database "${building}" rename to "${name}"`);
      }
    } finally {
      await admin.query('select pg_advisory_unlock(7301)');
    }
  });
  return name;
}

export interface TestDatabase extends DbClient {
  name: string;
  url: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `gitsync_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`create database "${name}" template "${templateName()}"`));
  const url = withDatabase(name);
  const client = createDb(url, { max: 5 });
  return {
    ...client,
    name,
    url,
    async drop() {
      await client.close().catch(() => undefined); // a test may have closed it already
      await withAdmin((admin) => admin.query(`drop database if exists "${name}" with (force)`));
    },
  };
}
