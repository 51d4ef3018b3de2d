import { sql } from 'drizzle-orm';
import type { Bench } from './setup.js';

/** Repositories per provider the chats are spread over. */
const REPOS = 20;
/** Large enough that no run ever meets a rate limit: the bench measures throughput, not backoff. */
const BUDGET = 1_000_000_000;

const username = (j: number) => `bench_u${j}`;
const tokenOf = (providerId: string, j: number) => `${providerId}_tok_${j}`;

/**
 * Chat g belongs to user (g / 2) mod users, lives on provider g mod 2, in repository
 * r<(g / 2) mod REPOS>, on branch bench/c<g>. The SQL and the fakes both follow this rule, so
 * nothing has to be passed row by row between them.
 */
const providerOf = (g: number) => g % 2;
const repoOf = (g: number) => `r${Math.floor(g / 2) % REPOS}`;
const branchOf = (g: number) => `bench/c${g}`;

/** Users, each with a token on both fakes and linked in Postgres for both providers. */
export async function seedUsers(bench: Bench): Promise<void> {
  const { users } = bench.options;
  const { db } = bench.pg;
  await db.execute(sql`
    insert into users (username, role)
    select 'bench_u' || g, 'member' from generate_series(0, ${users - 1}::int) g`);
  for (const p of bench.providers) {
    await db.execute(sql`
      insert into external_auth_links (provider_id, user_id, access_token)
      select ${p.id}, u.id, ${p.id} || '_tok_' || g
      from generate_series(0, ${users - 1}::int) g join users u on u.username = 'bench_u' || g`);
    for (let j = 0; j < users; j++) p.fake.addToken(tokenOf(p.id, j), { login: username(j), budget: BUDGET });
  }
}

/**
 * Chats [from, to) with their diff-status rows, in one statement, due only in a day: each phase
 * makes them due itself. With `pullRequests`, each chat's branch gets an open PR in its fake.
 */
export async function seedChats(bench: Bench, from: number, to: number, pullRequests: boolean): Promise<void> {
  const { users } = bench.options;
  const [o1, o2] = bench.providers.map((p) => `${p.fake.url}/acme/r`);
  // One statement: the CTE is materialised once, so both inserts see the same ids.
  await bench.pg.db.execute(sql`
    with s as (
      select g, gen_random_uuid() as id from generate_series(${from}::int, ${to - 1}::int) g
    ), c as (
      insert into chats (id, owner_id, title)
      select s.id, u.id, 'bench chat ' || s.g
      from s join users u on u.username = 'bench_u' || ((s.g / 2) % ${users}::int)
      returning id
    )
    insert into chat_diff_statuses (chat_id, git_branch, git_remote_origin, stale_at, marked_stale_at)
    select s.id, 'bench/c' || s.g,
           (case s.g % 2 when 0 then ${o1}::text else ${o2}::text end) || ((s.g / 2) % ${REPOS}::int) || '.git',
           now() + interval '1 day', now() - interval '1 hour'
    from s`);
  if (!pullRequests) return;
  for (let g = from; g < to; g++) {
    const fake = bench.providers[providerOf(g)]!.fake;
    fake.createPullRequest({
      owner: 'acme',
      repo: repoOf(g),
      head: branchOf(g),
      title: `Bench PR ${g}`,
      author: username(Math.floor(g / 2) % users),
    });
  }
}

/** How many diff-status rows the database holds. */
export async function countRows(bench: Bench): Promise<number> {
  const result = await bench.pg.db.execute<{ n: string }>(sql`select count(*) as n from chat_diff_statuses`);
  return Number(result.rows[0]?.n ?? 0);
}

/** Chat ids of the first `n` rows (by title order is not needed: any n rows will do). */
export async function someChatIds(bench: Bench, n: number): Promise<string[]> {
  const result = await bench.pg.db.execute<{ chat_id: string }>(sql`
    select chat_id from chat_diff_statuses where url is not null order by random() limit ${n}`);
  return result.rows.map((r) => r.chat_id);
}
