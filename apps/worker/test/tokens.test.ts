import {
  createChat,
  createUser,
  getDiffStatus,
  getExternalAuthLink,
  markStale,
  upsertExternalAuthLink,
} from '@gitsync/db';
import { rateLimitGroup } from '@gitsync/gitsync';
import { readGroupBudget, RedisGroupPacer } from '@gitsync/rate-limits';
import { waitFor } from '@gitsync/testing';
import { createTokenStore } from '../src/store.js';
import { Pipeline, PROVIDER_ID } from './harness.js';

let p: Pipeline;
/** Token look-ups done (finished), to know when every job that met a 401 has asked for a new token. */
let loads = 0;
beforeAll(async () => {
  p = await Pipeline.start({
    tokenStore: (db) => {
      const store = createTokenStore(db, null);
      return {
        load: async (providerId, userId) => {
          const token = await store.load(providerId, userId);
          loads++;
          return token;
        },
        save: (providerId, userId, token) => store.save(providerId, userId, token),
      };
    },
  });
});
afterAll(() => p?.close());

const settled = (chatId: string) =>
  waitFor(async () => {
    const row = await getDiffStatus(p.t.db, chatId);
    return row?.lastOutcome ? row : undefined;
  });

/** Token exchanges the fake GitHub answered (refresh token → new pair), in order. */
const exchanges = () => p.fake.requests.filter((r) => r.path.startsWith('/login/oauth/access_token'));

async function chatWithLink(
  username: string,
  link: { accessToken: string; refreshToken?: string; expiresAt?: Date },
  branch: string,
) {
  const user = await createUser(p.t.db, { username, role: 'member' });
  await upsertExternalAuthLink(p.t.db, { providerId: PROVIDER_ID, userId: user.id, ...link });
  const chat = await createChat(p.t.db, { ownerId: user.id });
  p.fake.createPullRequest({ owner: 'acme', repo: username, head: branch });
  await markStale(p.t.db, { chatId: chat.id, branch, remoteOrigin: `${p.fake.url}/acme/${username}` });
  return { userId: user.id, chatId: chat.id };
}

describe('tokens', () => {
  it('refreshes a revoked token once through the OAuth token URL on a 401, and keeps the new one', async () => {
    p.fake.addRefreshToken('ghr_rotating', { login: 'rev' });
    const { userId, chatId } = await chatWithLink(
      'rev',
      { accessToken: 'ghp_revoked', refreshToken: 'ghr_rotating' },
      'x',
    );
    const before = exchanges().length;
    await p.scheduler.drain();
    expect(await settled(chatId)).toMatchObject({ lastOutcome: 'refreshed' });
    // One exchange, answered, and its pair is what the link holds now.
    expect(
      exchanges()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([200]);
    const issued = p.fake.issuedTokens.at(-1)!;
    const link = await getExternalAuthLink(p.t.db, PROVIDER_ID, userId);
    expect(link).toMatchObject({ accessToken: issued.accessToken, refreshToken: issued.refreshToken });
    const statuses = p.fake.requests.filter((r) => r.path.includes('/acme/rev/')).map((r) => r.status);
    expect(statuses[0]).toBe(401);
    expect(statuses.slice(1).every((s) => s === 200)).toBe(true);
  });

  it('refreshes an expired token before using it', async () => {
    p.fake.addRefreshToken('ghr_expired', { login: 'exp' });
    const { userId, chatId } = await chatWithLink(
      'exp',
      { accessToken: 'ghp_old', refreshToken: 'ghr_expired', expiresAt: new Date(Date.now() - 1000) },
      'y',
    );
    const before = exchanges().length;
    await p.scheduler.drain();
    expect(await settled(chatId)).toMatchObject({ lastOutcome: 'refreshed' });
    expect(
      exchanges()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([200]);
    expect(p.fake.requests.filter((r) => r.token === 'ghp_old')).toHaveLength(0);
    expect((await getExternalAuthLink(p.t.db, PROVIDER_ID, userId))!.expiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('exchanges a revoked token once for all the rows of its owner refreshed at the same time', async () => {
    p.fake.addRefreshToken('ghr_many', { login: 'many' });
    const user = await createUser(p.t.db, { username: 'many', role: 'member' });
    await upsertExternalAuthLink(p.t.db, {
      providerId: PROVIDER_ID,
      userId: user.id,
      accessToken: 'ghp_many_revoked',
      refreshToken: 'ghr_many',
    });
    const chats: string[] = [];
    for (let i = 0; i < 8; i++) {
      p.fake.createPullRequest({ owner: 'acme', repo: 'many', head: `m${i}` });
      const chat = await createChat(p.t.db, { ownerId: user.id });
      await markStale(p.t.db, { chatId: chat.id, branch: `m${i}`, remoteOrigin: `${p.fake.url}/acme/many` });
      chats.push(chat.id);
    }
    // Every job's first request is held until all of them are in flight, so that they all meet the
    // 401 together; the exchange is then held until every job asked for a new token while it is in
    // flight (1 look-up for the burst, 1 per 401, 1 under the lock). The group's budget is known, as
    // the token's earlier answers left it: the pacer lets all of them out, not one to learn it.
    const group = rateLimitGroup(PROVIDER_ID, user.id);
    const earlier = new RedisGroupPacer({ redis: p.r.client, prefix: p.r.prefix });
    (await earlier.forGroup(group).acquire())({
      status: 200,
      remaining: 5000,
      resetAt: new Date(Date.now() + 3_600_000),
      blockedUntil: null,
    });
    // The freed slot's answer reaches Redis with the pacer's next call, a moment later.
    await waitFor(async () => (await readGroupBudget(p.r.client, p.r.prefix, group)).remaining === 5000, {
      message: 'the earlier answer to set the budget',
    });
    const firstRequests = p.fake.hold((r) => r.token === 'ghp_many_revoked');
    const exchangeHeld = p.fake.hold((r) => r.path.startsWith('/login/oauth/access_token'));
    const refused = () => p.fake.requests.filter((r) => r.token === 'ghp_many_revoked' && r.status === 401).length;
    const [before, loadsBefore] = [exchanges().length, loads];
    try {
      await p.scheduler.drain();
      await waitFor(() => firstRequests.waiting === chats.length, {
        message: () => `${chats.length} jobs' first requests to be in flight (${firstRequests.waiting})`,
      });
      firstRequests.release();
      await waitFor(
        () => refused() === chats.length && loads - loadsBefore >= chats.length + 2 && exchangeHeld.waiting > 0,
        {
          message: () =>
            `${chats.length} jobs to meet the 401 (${refused()}), ask for a token (${loads - loadsBefore}) ` +
            `and the exchange to reach GitHub (${exchangeHeld.waiting})`,
        },
      );
      expect(exchangeHeld.waiting).toBe(1);
    } finally {
      firstRequests.release();
      exchangeHeld.release();
    }
    for (const chatId of chats) expect(await settled(chatId)).toMatchObject({ lastOutcome: 'refreshed' });
    expect(
      exchanges()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([200]);
    const issued = p.fake.issuedTokens.at(-1)!;
    expect(await getExternalAuthLink(p.t.db, PROVIDER_ID, user.id)).toMatchObject({
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
    });
  });

  it('backs off 10 minutes when a revoked token cannot be refreshed', async () => {
    const { chatId } = await chatWithLink('gone', { accessToken: 'ghp_gone' }, 'z');
    await p.scheduler.drain();
    const row = await settled(chatId);
    expect(row).toMatchObject({ lastOutcome: 'no_token' });
    expect(row.staleAt.getTime() - Date.now()).toBeGreaterThan(590_000);
  });
});

describe('stored PR urls', () => {
  it('drops a url that answers 404 and finds the branch PR again', async () => {
    const owner = await p.user('moved', 'ghp_moved');
    const pr = p.fake.createPullRequest({ owner: 'acme', repo: 'moved', head: 'feat/m' });
    const chat = await createChat(p.t.db, { ownerId: owner });
    await markStale(p.t.db, {
      chatId: chat.id,
      branch: 'feat/m',
      remoteOrigin: `${p.fake.url}/acme/moved.git`,
      pullRequestUrl: `${p.fake.url}/acme/moved/pull/999`,
    });
    await p.scheduler.drain();
    expect(await settled(chat.id)).toMatchObject({ lastOutcome: 'refreshed', url: pr.htmlUrl, prNumber: pr.number });
  });
});
