import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { PgPreparedQuery } from 'drizzle-orm/pg-core';
import { Pool, type PoolConfig } from 'pg';
import { toDatabaseError } from './errors.js';
import * as schema from './schema.js';

/** `$client`: the pool, for the few hot statements sent as named prepared statements. */
export type Database = NodePgDatabase<typeof schema> & { $client: Pool };

export interface DbClient {
  db: Database;
  pool: Pool;
  close(): Promise<void>;
}

type Run = (...args: unknown[]) => Promise<unknown>;

/**
 * Every statement drizzle runs (transactions included) goes through this method of its prepared
 * queries, which wraps a failure in a DrizzleQueryError whose message holds the query and its
 * parameters; drizzle has no option to leave them out (drizzle-orm issue #5939). The error leaves
 * here as a DatabaseError instead, so that nothing above packages/db can log, store or answer it.
 * Checked at load: should drizzle rename the method, every process fails at start, not silently.
 */
function guardDrizzleErrors(): void {
  const proto = PgPreparedQuery.prototype as unknown as { queryWithCache?: Run & { guarded?: true } };
  const original = proto.queryWithCache;
  if (typeof original !== 'function') {
    throw new Error('drizzle-orm changed: PgPreparedQuery.queryWithCache is gone; update packages/db/src/client.ts');
  }
  if (original.guarded) return;
  const guarded: Run & { guarded?: true } = async function (this: unknown, ...args: unknown[]) {
    try {
      return await original.apply(this, args);
    } catch (err) {
      throw toDatabaseError(err);
    }
  };
  guarded.guarded = true;
  proto.queryWithCache = guarded;
}
guardDrizzleErrors();

/** The pool's own `query` (used through `$client` for named statements) fails with DatabaseError too. */
function guardPoolErrors(pool: Pool): void {
  const query = pool.query.bind(pool) as unknown as (...args: unknown[]) => unknown;
  (pool as unknown as { query: unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(toDatabaseError(err))) : result;
  };
}

/**
 * A pool and its drizzle handle. Pool errors on idle clients (Postgres restarted) are reported to
 * `onError` instead of crashing the process: the next query reconnects.
 */
export function createDb(
  url: string,
  options: { max?: number; onError?: (err: Error) => void } & PoolConfig = {},
): DbClient {
  const { onError, ...poolOptions } = options;
  const pool = new Pool({ connectionString: url, max: 10, ...poolOptions });
  pool.on('error', (err) => onError?.(toDatabaseError(err)));
  guardPoolErrors(pool);
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
}
