import type { TestDatabase } from '@gitsync/testing';

type Pool = TestDatabase['pool'];

/** Every table of the schema (packages/db/src/schema.ts): what a request could write. */
const TABLES = ['users', 'api_keys', 'chats', 'external_auth_links', 'chat_diff_statuses'] as const;

/**
 * Counts, per table, the rows written from now on — in the test's own database only. Row
 * triggers that bump a counter in the same transaction: a write rolled back counts nothing, an
 * update that changes nothing counts nothing, and reading the counts is one small query however
 * many rows there are (a snapshot of every table per request was a third of the fuzzer's time).
 * Authenticating a request touches `api_keys.last_used_at` (at most once a minute), whatever it
 * then answers: that column alone does not count.
 */
export async function countRowWrites(pool: Pool): Promise<() => Promise<Record<string, number>>> {
  await pool.query(`
    create table fuzz_row_writes (table_name text primary key, n bigint not null default 0);
    insert into fuzz_row_writes (table_name) values ${TABLES.map((t) => `('${t}')`).join(', ')};
    create function fuzz_count_row_write() returns trigger language plpgsql as $$
      begin
        update fuzz_row_writes set n = n + 1 where table_name = tg_table_name;
        return null;
      end $$;`);
  for (const table of TABLES) {
    const changed =
      table === 'api_keys'
        ? '(old.id, old.user_id, old.hashed_secret, old.created_at) is distinct from ' +
          '(new.id, new.user_id, new.hashed_secret, new.created_at)'
        : 'old.* is distinct from new.*';
    await pool.query(`
      create trigger fuzz_insert_delete after insert or delete on ${table}
        for each row execute function fuzz_count_row_write();
      create trigger fuzz_update after update on ${table}
        for each row when (${changed}) execute function fuzz_count_row_write();`);
  }
  return async () => {
    const { rows } = await pool.query<{ table_name: string; n: string }>('select table_name, n from fuzz_row_writes');
    return Object.fromEntries(rows.map((r) => [r.table_name, Number(r.n)]));
  };
}

/** The tables written to between two counts. */
export const writtenTables = (before: Record<string, number>, after: Record<string, number>): string[] =>
  Object.keys(after).filter((table) => before[table] !== after[table]);
