import { Redis } from 'ioredis';
import { RateLimitError, type ResponseInfo } from '@gitsync/gitprovider';
import { createTestRedis, waitFor, type TestRedis } from '@gitsync/testing';
import { blockedGroupsKey, blockedUntil, countBlockedGroups, groupKeys, readGroupBudget } from '../src/keys.js';
import { RedisGroupPacer } from '../src/pacer.js';
import type { ScriptedRedis } from '../src/scripts.js';

let r: TestRedis;
let other: Redis;
beforeAll(async () => {
  r = await createTestRedis();
  other = new Redis(r.url);
});
afterAll(async () => {
  other?.disconnect();
  await r?.cleanup();
});

let nowMs = Date.now();
const pacerOn = (
  redis: Redis,
  options: { maxInFlight?: number; slotLeaseMs?: number; perProcess?: number; requestsPerMinute?: number } = {},
) => new RedisGroupPacer({ redis, prefix: r.prefix, paddingMs: 1_000, retryDelayMs: 5, now: () => nowMs, ...options });
const answer = (remaining: number, resetAt: number): ResponseInfo => ({
  status: 200,
  remaining,
  resetAt: new Date(resetAt),
  blockedUntil: null,
});
/** A 429 whose retry-after (padding included) ends at `until`. */
const limited = (until: number): ResponseInfo => ({
  status: 429,
  remaining: null,
  resetAt: null,
  blockedUntil: new Date(until),
});

/**
 * Whether the acquire `p` is still waiting after the pacer asked Redis `rounds` more times: it
 * sends one round trip at a time, so each of them was answered "not yet" by the script itself — a
 * refusal, not a slow machine. (It would go through on the first answer that grants it.)
 */
async function stillWaitingAfter(redis: Redis, p: Promise<unknown>, rounds = 3): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  const roundTrips = jest.spyOn(redis, 'pipeline');
  try {
    await waitFor(() => done || roundTrips.mock.calls.length > rounds, { message: `${rounds} answers from Redis` });
    return !done;
  } finally {
    roundTrips.mockRestore();
  }
}

describe('RedisGroupPacer', () => {
  it('sends one probe at a time while the budget is unknown', async () => {
    const group = pacerOn(r.client).forGroup('gh:probe');
    const first = await group.acquire();
    const second = group.acquire();
    expect(await stillWaitingAfter(r.client, second)).toBe(true);
    first(answer(100, nowMs + 60_000));
    await second; // the probe answered: the next request goes (or the test times out)
  });

  it('stops before the known budget is spent, on every replica, until the reset', async () => {
    const reset = nowMs + 60_000;
    const a = pacerOn(r.client).forGroup('gh:budget');
    const b = pacerOn(other).forGroup('gh:budget');
    (await a.acquire())(answer(3, reset));
    // 3 left: three requests may be in flight at once, the fourth would overdraw.
    const inFlight = [await a.acquire(), await b.acquire(), await a.acquire()];
    await expect(b.acquire()).rejects.toEqual(expect.any(RateLimitError));
    const err = await a.acquire().catch((e: RateLimitError) => e);
    expect((err as RateLimitError).resetAt.getTime()).toBe(reset + 1_000);
    expect(await blockedUntil(other, r.prefix, 'gh:budget', nowMs)).toEqual(new Date(reset + 1_000));
    // …and counted among the blocked groups (the API's metric), without scanning for keys.
    await waitFor(
      async () =>
        (await other.zscore(blockedGroupsKey(r.prefix), groupKeys(r.prefix, 'gh:budget').block)) ===
        String(reset + 1_000),
      {
        message: 'block indexed',
      },
    );
    for (const done of inFlight) done(answer(0, reset));
  });

  it('starts afresh when a response shows a new window', async () => {
    const group = pacerOn(r.client).forGroup('gh:window');
    (await group.acquire())(answer(1, nowMs + 1_000));
    (await group.acquire())(answer(0, nowMs + 1_000));
    nowMs += 1_500;
    const probe = await group.acquire();
    probe(answer(99, nowMs + 60_000));
    const parallel = await Promise.all([group.acquire(), group.acquire(), group.acquire()]);
    expect(parallel).toHaveLength(3);
    for (const done of parallel) done(answer(96, nowMs + 60_000));
  });

  it('bounds requests in flight per group across replicas, and frees the slots of a dead one', async () => {
    const a = pacerOn(r.client, { maxInFlight: 2, slotLeaseMs: 10_000 }).forGroup('gh:slots');
    const b = pacerOn(other, { maxInFlight: 2, slotLeaseMs: 10_000 }).forGroup('gh:slots');
    (await a.acquire())(answer(1000, nowMs + 3_600_000));
    await a.acquire(); // this replica "dies" holding both slots
    await b.acquire();
    const waiting = b.acquire();
    expect(await stillWaitingAfter(other, waiting)).toBe(true);
    nowMs += 11_000;
    await waiting; // the dead replica's slots lapsed
  });

  it('asks Redis in one round trip for what a turn of the event loop wants: one script call per group', async () => {
    const conn = new Redis(r.url);
    try {
      const pacer = pacerOn(conn);
      const roundTrips = jest.spyOn(conn, 'pipeline');
      const groups = Array.from({ length: 10 }, (_, i) => pacer.forGroup(`gh:batch${i}`));
      // A known budget for each group first, so that each may have several requests in flight.
      for (const done of await Promise.all(groups.map((g) => g.acquire()))) done(answer(100, nowMs + 60_000));
      roundTrips.mockClear();
      const releases = await Promise.all(groups.flatMap((g) => [g.acquire(), g.acquire()]));
      expect(releases).toHaveLength(20);
      expect(roundTrips).toHaveBeenCalledTimes(1);
      for (const done of releases) done(answer(98, nowMs + 60_000));
      // The releases went out together too: every slot is free again.
      await waitFor(
        async () =>
          (await Promise.all(groups.map((_, i) => conn.zcard(groupKeys(r.prefix, `gh:batch${i}`).inflight)))).every(
            (n) => n === 0,
          ),
        {
          message: 'slots released',
        },
      );
      expect(roundTrips).toHaveBeenCalledTimes(2);
    } finally {
      conn.disconnect();
    }
  });

  it('merges the answers freed in one call: the latest window, its smallest remaining, the latest block', async () => {
    const conn = new Redis(r.url);
    try {
      const group = pacerOn(conn).forGroup('gh:merge');
      const [reset, older] = [nowMs + 60_000, nowMs + 30_000];
      (await group.acquire())({ ...answer(50, reset), limit: 5000 });
      const slots = await Promise.all([group.acquire(), group.acquire(), group.acquire()]);
      const roundTrips = jest.spyOn(conn, 'pipeline');
      // Answers out of order, freed in one turn: one script call carries them.
      slots[0]!(answer(40, reset));
      slots[1]!(answer(10, older));
      slots[2]!(answer(45, reset));
      await waitFor(async () => (await conn.zcard(groupKeys(r.prefix, 'gh:merge').inflight)) === 0, {
        message: 'slots released',
      });
      expect(roundTrips).toHaveBeenCalledTimes(1);
      expect(await readGroupBudget(conn, r.prefix, 'gh:merge', nowMs)).toEqual({
        remaining: 40,
        limit: 5000,
        resetAt: new Date(reset),
        blocked: null,
      });
      // A later, larger remaining within the window does not raise it; a block among answers blocks.
      const [ok, limitedOne] = await Promise.all([group.acquire(), group.acquire()]);
      ok(answer(44, reset));
      limitedOne(limited(nowMs + 90_000));
      await waitFor(async () => (await blockedUntil(conn, r.prefix, 'gh:merge', nowMs)) !== null);
      expect(await readGroupBudget(conn, r.prefix, 'gh:merge', nowMs)).toMatchObject({
        remaining: 40,
        blocked: { until: new Date(nowMs + 90_000), kind: 'primary' },
      });
    } finally {
      conn.disconnect();
    }
  });

  it("keeps every key of a call in its group's hash slot (Redis Cluster)", () => {
    const keys = Object.values(groupKeys('gitsync', 'github:0b6a'));
    expect(keys.map((k) => /\{([^}]*)\}/.exec(k)?.[1])).toEqual(['github:0b6a', 'github:0b6a', 'github:0b6a']);
  });

  it('a rate limit one replica was told of stops every replica until its end, keeping the later of two', async () => {
    const a = pacerOn(r.client).forGroup('gh:limited');
    const b = pacerOn(other).forGroup('gh:limited');
    const until = nowMs + 60_000;
    (await a.acquire())(limited(until));
    await expect(a.acquire()).rejects.toEqual(expect.any(RateLimitError));
    const err = await b.acquire().catch((e: unknown) => e);
    expect(err).toEqual(expect.any(RateLimitError));
    expect((err as RateLimitError).resetAt.getTime()).toBe(until);
    // A shorter block told later does not shorten it.
    const c = pacerOn(other).forGroup('gh:limited');
    await waitFor(async () => (await blockedUntil(other, r.prefix, 'gh:limited', nowMs))?.getTime() === until);
    expect(await blockedUntil(r.client, r.prefix, 'gh:other', nowMs)).toBeNull();
    await expect(c.acquire()).rejects.toEqual(expect.any(RateLimitError));
  });

  it('forgets a block once it is over', async () => {
    const a = pacerOn(r.client).forGroup('gh:over');
    (await a.acquire())(limited(nowMs + 5_000));
    await waitFor(async () => (await blockedUntil(other, r.prefix, 'gh:over', nowMs)) !== null);
    nowMs += 6_000;
    expect(await blockedUntil(other, r.prefix, 'gh:over', nowMs)).toBeNull();
    const probe = await pacerOn(other).forGroup('gh:over').acquire();
    probe(answer(10, nowMs + 60_000));
  });

  it('lets one process have at most perProcess requests of a group out; the rest wait here, not in Redis', async () => {
    const conn = new Redis(r.url);
    try {
      const group = pacerOn(conn, { perProcess: 2 }).forGroup('gh:local');
      (await group.acquire())(answer(1000, nowMs + 3_600_000));
      const [one, two] = await Promise.all([group.acquire(), group.acquire()]);
      const calls = jest.spyOn(conn, 'pipeline');
      let third: ((info: ResponseInfo) => void) | null = null;
      const waiting = group.acquire().then((release) => (third = release));
      await new Promise((resolve) => setImmediate(resolve));
      expect(third).toBeNull();
      expect(calls).not.toHaveBeenCalled();
      one!(answer(999, nowMs + 3_600_000));
      await waiting;
      expect(await conn.zcard(groupKeys(r.prefix, 'gh:local').inflight)).toBe(2);
      two!(answer(998, nowMs + 3_600_000));
      third!(answer(997, nowMs + 3_600_000));
    } finally {
      conn.disconnect();
    }
  });

  describe('urgent requests (on demand: somebody waits)', () => {
    it("go ahead of the group's requests waiting in this process", async () => {
      const conn = new Redis(r.url);
      try {
        const pacer = pacerOn(conn, { perProcess: 1 });
        const background = pacer.forGroup('gh:urgent-order');
        const urgent = pacer.forGroup('gh:urgent-order', { urgent: true });
        (await background.acquire())(answer(1000, nowMs + 3_600_000));
        const held = await background.acquire();
        const order: string[] = [];
        // Each releases its slot as soon as it has it: the next one in line gets it then.
        const take = (name: string, group: typeof background, remaining: number) =>
          group.acquire().then((release) => {
            order.push(name);
            release(answer(remaining, nowMs + 3_600_000));
          });
        const waiting = [take('background', background, 998), take('urgent', urgent, 997)];
        held(answer(999, nowMs + 3_600_000));
        await Promise.all(waiting);
        expect(order).toEqual(['urgent', 'background']);
      } finally {
        conn.disconnect();
      }
    });

    it('ask Redis at once in a call of their own, not with the next batched call', async () => {
      const conn = new Redis(r.url);
      try {
        const pacer = pacerOn(conn);
        (await pacer.forGroup('gh:urgent-alone').acquire())(answer(1000, nowMs + 3_600_000));
        const batched = jest.spyOn(conn, 'pipeline');
        const release = await pacer.forGroup('gh:urgent-alone', { urgent: true }).acquire();
        expect(batched).not.toHaveBeenCalled();
        expect(await conn.zcard(groupKeys(r.prefix, 'gh:urgent-alone').inflight)).toBe(1);
        release(answer(999, nowMs + 3_600_000));
        batched.mockRestore();
      } finally {
        conn.disconnect();
      }
    });

    it('keep a call of their own when they ask again, the group at its bound across replicas', async () => {
      const conn = new Redis(r.url);
      try {
        const group = 'gh:urgent-busy';
        const elsewhere = pacerOn(other, { maxInFlight: 1 });
        const pacer = pacerOn(conn, { maxInFlight: 1 });
        (await elsewhere.forGroup(group).acquire())(answer(1000, nowMs + 3_600_000));
        const held = await elsewhere.forGroup(group).acquire();
        const alone = jest.spyOn(conn as unknown as ScriptedRedis, 'gitsyncPace');
        const batched = jest.spyOn(conn, 'pipeline');
        const urgent = pacer.forGroup(group, { urgent: true }).acquire();
        // Another replica holds the group's only slot: the urgent request is refused as busy and asks again.
        await waitFor(() => alone.mock.calls.length + batched.mock.calls.length >= 2 || undefined, {
          message: 'the urgent request to ask again',
        });
        held(answer(999, nowMs + 3_600_000));
        (await urgent)(answer(998, nowMs + 3_600_000));
        expect(batched).not.toHaveBeenCalled();
        alone.mockRestore();
        batched.mockRestore();
      } finally {
        conn.disconnect();
      }
    });
  });

  describe('secondary limits (issue 15)', () => {
    const notModified = (resetAt: number): ResponseInfo => ({ ...answer(4000, resetAt), status: 304 });

    it('keeps a group under its per-minute ceiling on every replica, 304s counted; other groups go on', async () => {
      const reset = nowMs + 3_600_000;
      const a = pacerOn(r.client, { requestsPerMinute: 6 });
      const b = pacerOn(other, { requestsPerMinute: 6 });
      for (let i = 0; i < 6; i++) {
        const release = await (i % 2 ? a : b).forGroup('gh:minute').acquire();
        release(i === 0 ? answer(4000, reset) : notModified(reset));
      }
      const err = (await a
        .forGroup('gh:minute')
        .acquire()
        .catch((e: unknown) => e)) as RateLimitError;
      expect(err).toEqual(expect.any(RateLimitError));
      expect(err.source).toEqual({ kind: 'pacer' });
      // Not before the six are a minute old (counted in 5-second buckets, so up to 5 s later).
      const until = err.resetAt.getTime();
      expect(until).toBeGreaterThanOrEqual(nowMs + 60_000);
      expect(until).toBeLessThanOrEqual(nowMs + 65_000);
      await expect(b.forGroup('gh:minute').acquire()).rejects.toEqual(expect.any(RateLimitError));
      expect((await blockedUntil(other, r.prefix, 'gh:minute', nowMs))?.getTime()).toBe(until);
      await waitFor(async () => (await countBlockedGroups(other, r.prefix, nowMs, 'proactive')) >= 1, {
        message: 'ceiling block indexed as proactive',
      });
      // Another group of the same replicas is not slowed.
      (await b.forGroup('gh:minute-other').acquire())(answer(4000, reset));

      nowMs = until;
      (await b.forGroup('gh:minute').acquire())(notModified(reset));
    });

    it('counts requests by their minute: the ceiling frees as the oldest ones age out', async () => {
      const reset = nowMs + 3_600_000;
      const group = pacerOn(r.client, { requestsPerMinute: 4 }).forGroup('gh:sliding');
      (await group.acquire())(answer(4000, reset));
      (await group.acquire())(notModified(reset));
      nowMs += 30_000;
      (await group.acquire())(notModified(reset));
      (await group.acquire())(notModified(reset));
      const err = (await group.acquire().catch((e: unknown) => e)) as RateLimitError;
      // The first two leave the window first: one more may start then, not before.
      expect(err.resetAt.getTime()).toBeGreaterThanOrEqual(nowMs + 30_000);
      expect(err.resetAt.getTime()).toBeLessThanOrEqual(nowMs + 35_000);
      nowMs = err.resetAt.getTime();
      (await group.acquire())(notModified(reset));
    });

    it('a secondary-limit answer blocks the group on every replica until its retry-after (secondary)', async () => {
      const a = pacerOn(r.client).forGroup('gh:secondary');
      const b = pacerOn(other).forGroup('gh:secondary');
      const until = nowMs + 45_000;
      (await a.acquire())({
        status: 403,
        remaining: 4000,
        limit: 5000,
        resetAt: new Date(nowMs + 3_600_000),
        blockedUntil: new Date(until),
        blockedBy: 'secondary',
      });
      const err = (await b.acquire().catch((e: unknown) => e)) as RateLimitError;
      expect(err.resetAt.getTime()).toBe(until);
      await waitFor(async () => (await countBlockedGroups(other, r.prefix, nowMs, 'secondary')) >= 1, {
        message: 'block indexed as secondary',
      });
      const member = groupKeys(r.prefix, 'gh:secondary').block;
      expect(await other.zscore(blockedGroupsKey(r.prefix, 'secondary'), member)).toBe(String(until));
      expect(await other.zscore(blockedGroupsKey(r.prefix, 'primary'), member)).toBeNull();
      // What the API shows of it: the provider's figures and the block, nothing of the token.
      expect(await readGroupBudget(other, r.prefix, 'gh:secondary', nowMs)).toEqual({
        remaining: 4000,
        limit: 5000,
        resetAt: new Date(nowMs + 3_600_000),
        blocked: { until: new Date(until), kind: 'secondary' },
      });
      nowMs = until;
      expect((await readGroupBudget(other, r.prefix, 'gh:secondary', nowMs)).blocked).toBeNull();
      (await b.acquire())(answer(3999, nowMs + 3_600_000));
    });
  });
});
