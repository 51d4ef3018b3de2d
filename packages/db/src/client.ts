import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Pool, type PoolConfig } from 'pg';
import * as schema from './schema.js';

/** `$client`: the pool, for the few hot statements sent as named prepared statements. */
export type Database = NodePgDatabase<typeof schema> & { $client: Pool };

export interface DbClient {
  db: Database;
  pool: Pool;
  close(): Promise<void>;
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
  pool.on('error', (err) => onError?.(err));
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
}
