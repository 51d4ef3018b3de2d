import { countBlockedGroups } from '@gitsync/rate-limits';
import { sql } from 'drizzle-orm';
import { getDiffStatus } from '@gitsync/db';
import { waitFor } from '@gitsync/testing';
import { Pipeline } from './harness.js';

/**
 * Issue 15: GitHub's secondary limits, through two worker replicas and the fake GitHub, whose
 * tokens here refuse (403, "secondary rate limit") past a number of requests a minute, 304s
 * included, as GitHub does past 900 points.
 */
const settled = (p: Pipeline, chatId: string) =>
  waitFor(
    async () => {
      const row = await getDiffStatus(p.t.db, chatId);
      return row?.lastOutcome ? row : undefined;
    },
    { message: `${chatId} settled` },
  );

const refused = (p: Pipeline, token: string) =>
  p.fake.requests.filter((r) => r.token === token && (r.status === 403 || r.status === 429));

describe('secondary limits (issue 15)', () => {
  let p: Pipeline;
  afterEach(() => p.close());

  it('a group at its per-minute ceiling waits on every replica without a 403; other groups go on', async () => {
    p = await Pipeline.start({ replicas: 2, groupRequestsPerMinute: 10 });
    // GitHub would refuse the 13th request of a minute: the pacer must stop at 10.
    const busy = await p.user('busy', 'ghp_busy', { perMinute: 12 });
    const calm = await p.user('calm', 'ghp_calm', { perMinute: 12 });
    const branches = Array.from({ length: 8 }, (_, i) => `feat/ceiling-${i}`);
    for (const head of branches) p.fake.createPullRequest({ owner: 'acme', repo: 'app', head });
    // Each refresh is 3 requests (find the PR, the PR, its reviews): 24 for the busy group.
    const busyRows = await Promise.all(branches.map((b) => p.chat(busy, 'acme/app', b)));
    const calmRows = await Promise.all(branches.slice(0, 2).map((b) => p.chat(calm, 'acme/app', b)));

    await p.scheduler.drain();
    const rows = await Promise.all(busyRows.map((id) => settled(p, id)));
    const calmSettled = await Promise.all(calmRows.map((id) => settled(p, id)));

    const busyRequests = p.fake.requests.filter((r) => r.token === 'ghp_busy');
    expect(refused(p, 'ghp_busy')).toEqual([]);
    expect(busyRequests.length).toBeLessThanOrEqual(10);
    const waiting = rows.filter((row) => row.lastOutcome === 'rate_limited');
    expect(waiting.length).toBeGreaterThan(0);
    // They wait until the first requests are a minute old (counted from when they were sent), no less.
    const first = Math.min(...busyRequests.map((r) => r.at));
    for (const row of waiting) expect(row.staleAt.getTime()).toBeGreaterThanOrEqual(first + 59_000);
    expect(rows.filter((row) => row.lastOutcome === 'refreshed').length).toBeGreaterThan(0);
    // The other group of the same replicas was not slowed.
    expect(calmSettled.map((row) => row.lastOutcome)).toEqual(['refreshed', 'refreshed']);
    expect(refused(p, 'ghp_calm')).toEqual([]);
  });

  it("a secondary-limit answer (403 with GitHub's message) blocks the group on every replica until then", async () => {
    p = await Pipeline.start({ replicas: 2 });
    const owner = await p.user('hasty', 'ghp_hasty', { perMinute: 4 });
    const other = await p.user('other', 'ghp_other');
    const branches = Array.from({ length: 6 }, (_, i) => `feat/secondary-${i}`);
    for (const head of branches) p.fake.createPullRequest({ owner: 'acme', repo: 'app', head });
    const rows = await Promise.all(branches.map((b) => p.chat(owner, 'acme/app', b)));
    const otherRow = await p.chat(other, 'acme/app', branches[0]!);

    await p.scheduler.drain();
    const settledRows = await Promise.all(rows.map((id) => settled(p, id)));
    expect((await settled(p, otherRow)).lastOutcome).toBe('refreshed');

    const refusals = refused(p, 'ghp_hasty');
    expect(refusals.length).toBeGreaterThan(0);
    const firstRefusal = Math.min(...refusals.map((r) => r.at));
    const limited = settledRows.filter((row) => row.lastOutcome === 'rate_limited');
    expect(limited.length).toBeGreaterThan(0);
    // The block the 403 set is a secondary limit's (whichever row met it: the others were refused by
    // the block it shared, and a row that met it at its checks kept what it had read).
    expect(await countBlockedGroups(p.r.client, p.r.prefix, Date.now(), 'secondary')).toBe(1);

    // Every row due again now, long before the minute is over: whichever replica takes them, the
    // block stops them before GitHub is asked again.
    const calls = p.fake.requests.filter((r) => r.token === 'ghp_hasty').length;
    await p.t.db.execute(
      sql`update chat_diff_statuses set stale_at = now(), last_outcome = null where chat_id in ${rows}`,
    );
    await p.scheduler.drain();
    const again = await Promise.all(rows.map((id) => settled(p, id)));
    expect(p.fake.requests.filter((r) => r.token === 'ghp_hasty')).toHaveLength(calls);
    for (const row of again) {
      expect(row.lastOutcome).toBe('rate_limited');
      // No retry-after: GitHub's advised minute (plus the harness's 1 s padding).
      expect(row.staleAt.getTime()).toBeGreaterThanOrEqual(firstRefusal + 60_000);
    }
  });
});
