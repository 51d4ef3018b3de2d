import { getDiffStatus, type Database } from '@gitsync/db';
import { createGitHubProvider, type GitProvider } from '@gitsync/gitprovider';
import type { TokenStore } from '@gitsync/gitsync';
import { waitFor } from '@gitsync/testing';
import { createTokenStore } from '../src/store.js';
import { Pipeline, PROVIDER_ID } from './harness.js';

const outcome = (p: Pipeline, chatId: string, kind: string) =>
  waitFor(
    async () => {
      const row = await getDiffStatus(p.t.db, chatId);
      return row?.lastOutcome === kind ? row : undefined;
    },
    { message: `${chatId} → ${kind}` },
  );

describe('rate-limit groups (SPEC §11)', () => {
  let p: Pipeline;
  afterEach(() => p.close());

  it('a limited group with concurrency 1 calls the provider once and skips the rest; other groups go on', async () => {
    p = await Pipeline.start({ concurrency: 1, groupConcurrency: 1 });
    const limited = await p.user('lim', 'ghp_limited');
    const free = await p.user('free', 'ghp_free');
    for (const b of ['a', 'b', 'c', 'd']) p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: b });
    const limitedRows = [
      await p.chat(limited, 'acme/app', 'a'),
      await p.chat(limited, 'acme/app', 'b'),
      await p.chat(limited, 'acme/app', 'c'),
    ];
    const freeRows = [await p.chat(free, 'acme/app', 'd')];
    p.fake.forceRateLimit('ghp_limited', { ms: 60_000, kind: 'secondary' });

    await p.scheduler.drain();
    const rows = await Promise.all(limitedRows.map((id) => outcome(p, id, 'rate_limited')));
    await outcome(p, freeRows[0]!, 'refreshed');
    expect(p.fake.requests.filter((r) => r.token === 'ghp_limited')).toHaveLength(1);
    for (const row of rows) {
      // 429 with retry-after 60 s, plus the harness's 1 s padding.
      const wait = row.staleAt.getTime() - Date.now();
      expect(wait).toBeGreaterThan(55_000);
      expect(wait).toBeLessThanOrEqual(61_500);
    }
    expect(await p.producer.queue.getJobCountByTypes('failed')).toBe(0);
  });

  it('resolves tokens once per (owner, provider) group: 3 rows in 2 groups, 2 look-ups', async () => {
    let loads = 0;
    const counting = (db: Database): TokenStore => {
      const inner = createTokenStore(db, null);
      return { load: (providerId, userId) => ((loads += 1), inner.load(providerId, userId)), save: inner.save };
    };
    p = await Pipeline.start({ tokenStore: counting });
    const one = await p.user('one', 'ghp_one');
    const two = await p.user('two', 'ghp_two');
    p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'x' });
    const ids = [
      await p.chat(one, 'acme/app', 'x'),
      await p.chat(one, 'acme/app', 'x'),
      await p.chat(two, 'acme/app', 'x'),
    ];
    await p.scheduler.drain();
    await Promise.all(ids.map((id) => outcome(p, id, 'refreshed')));
    expect(loads).toBe(2);
  });

  it('no token linked: 10 min backoff and the provider is never called', async () => {
    p = await Pipeline.start();
    const owner = await p.user('tokenless');
    p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'x' });
    const chatId = await p.chat(owner, 'acme/app', 'x');
    await p.scheduler.drain();
    const row = await outcome(p, chatId, 'no_token');
    expect(row.staleAt.getTime() - Date.now()).toBeGreaterThan(590_000);
    expect(p.fake.requests).toHaveLength(0);
  });

  it('a failing row backs off 2 min while its neighbour still refreshes and publishes', async () => {
    p = await Pipeline.start();
    const owner = await p.user('ada', 'ghp_ada');
    await p.listen(owner);
    p.fake.createPullRequest({ owner: 'acme', repo: 'ok', head: 'x' });
    p.fake.createPullRequest({ owner: 'acme', repo: 'bad', head: 'x' });
    p.fake.failRepo('acme', 'bad', 'forbidden');
    const good = await p.chat(owner, 'acme/ok', 'x');
    const bad = await p.chat(owner, 'acme/bad', 'x');
    await p.scheduler.drain();
    const failed = await outcome(p, bad, 'provider_error');
    expect(failed.lastError).toMatch(/403/);
    expect(failed.staleAt.getTime() - Date.now()).toBeGreaterThan(115_000);
    await outcome(p, good, 'refreshed');
    await waitFor(() => p.events.some((e) => e.chat.id === good));
    expect(p.events.some((e) => e.chat.id === bad)).toBe(false);
  });
});

describe('concurrency', () => {
  it('runs N refreshes at once: a gate opens only when N provider calls are in flight together', async () => {
    const N = 8;
    let inFlight = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const gated = (inner: GitProvider): GitProvider => ({
      id: inner.id,
      matchesOrigin: (o) => inner.matchesOrigin(o),
      parseOrigin: (o) => inner.parseOrigin(o),
      parsePullRequestUrl: (u) => inner.parsePullRequestUrl(u),
      fetchPullRequestStatus: (t, pr, v) => inner.fetchPullRequestStatus(t, pr, v),
      async findPullRequests(token, repo, branch) {
        inFlight++;
        if (inFlight === N) open();
        await gate;
        return inner.findPullRequests(token, repo, branch);
      },
    });
    const p = await Pipeline.start({
      concurrency: N,
      groupConcurrency: N,
      providers: (fake) => [gated(createGitHubProvider({ id: PROVIDER_ID, apiBaseUrl: fake.apiBaseUrl }))],
    });
    try {
      const owner = await p.user('par', 'ghp_par');
      const ids: string[] = [];
      for (let i = 0; i < N; i++) {
        p.fake.createPullRequest({ owner: 'acme', repo: 'app', head: `b${i}` });
        ids.push(await p.chat(owner, 'acme/app', `b${i}`));
      }
      await p.scheduler.drain();
      await Promise.all(ids.map((id) => outcome(p, id, 'refreshed')));
      expect(inFlight).toBe(N);
    } finally {
      await p.close();
    }
  });
});
