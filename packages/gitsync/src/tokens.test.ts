import type { Clock } from './ports.js';
import { createTokenSource, type ExchangeLock, type StoredToken, type TokenStore } from './tokens.js';

/** Counts look-ups; tokens live in a Map (this tests the caching logic, not a database). */
function memoryStore(initial: Record<string, StoredToken>) {
  const tokens = new Map(Object.entries(initial));
  const calls = { load: 0, save: 0 };
  const store: TokenStore = {
    async load(providerId, userId) {
      calls.load++;
      return tokens.get(`${providerId}/${userId}`) ?? null;
    },
    async save(providerId, userId, token) {
      calls.save++;
      tokens.set(`${providerId}/${userId}`, token);
    },
  };
  return { store, calls, tokens };
}

let nowMs = Date.parse('2026-01-01T00:00:00Z');
const clock: Clock = { now: () => new Date(nowMs), sleep: async () => undefined };
const token = (accessToken: string, extra: Partial<StoredToken> = {}): StoredToken => ({
  accessToken,
  refreshToken: null,
  expiresAt: null,
  ...extra,
});

describe('createTokenSource', () => {
  it('resolves each (provider, owner) group once while cached, even concurrently', async () => {
    const { store, calls } = memoryStore({ 'gh/u1': token('t1'), 'gh/u2': token('t2') });
    const source = createTokenSource({ store, refresh: async () => null, clock });
    const got = await Promise.all(['u1', 'u1', 'u2'].map((u) => source.getToken('gh', u)));
    expect(got).toEqual(['t1', 't1', 't2']);
    expect(calls.load).toBe(2);
  });

  it('does not cache a missing token, so a fresh link is seen at once', async () => {
    const { store, tokens } = memoryStore({});
    const source = createTokenSource({ store, refresh: async () => null, clock });
    expect(await source.getToken('gh', 'u1')).toBeNull();
    tokens.set('gh/u1', token('linked'));
    expect(await source.getToken('gh', 'u1')).toBe('linked');
  });

  it('refreshes an expired token and stores the new one', async () => {
    const { store, tokens } = memoryStore({
      'gh/u1': token('old', { refreshToken: 'r1', expiresAt: new Date(nowMs - 1) }),
    });
    const refresh = jest.fn(async () => token('new', { refreshToken: 'r2', expiresAt: new Date(nowMs + 3_600_000) }));
    const source = createTokenSource({ store, refresh, clock });
    expect(await source.getToken('gh', 'u1')).toBe('new');
    expect(refresh).toHaveBeenCalledWith('gh', 'r1');
    expect(tokens.get('gh/u1')?.refreshToken).toBe('r2');
  });

  it('gives no token when an expired one cannot be refreshed', async () => {
    const { store } = memoryStore({ 'gh/u1': token('old', { refreshToken: 'r1', expiresAt: new Date(nowMs - 1) }) });
    const source = createTokenSource({
      store,
      refresh: async () => {
        throw new Error('bad_refresh_token');
      },
      clock,
    });
    expect(await source.getToken('gh', 'u1')).toBeNull();
  });

  it('forces a refresh after a 401 even before expiry', async () => {
    const { store } = memoryStore({ 'gh/u1': token('revoked', { refreshToken: 'r1' }) });
    const source = createTokenSource({ store, refresh: async () => token('fresh'), clock });
    expect(await source.getToken('gh', 'u1')).toBe('revoked');
    expect(await source.getToken('gh', 'u1', { forceRefresh: true })).toBe('fresh');
    expect(await source.getToken('gh', 'u1')).toBe('fresh');
  });

  it('looks the token up again once the cache expired', async () => {
    const { store, calls } = memoryStore({ 'gh/u1': token('t1') });
    const source = createTokenSource({ store, refresh: async () => null, clock, cacheMs: 1000 });
    await source.getToken('gh', 'u1');
    nowMs += 1500;
    await source.getToken('gh', 'u1');
    expect(calls.load).toBe(2);
  });

  it('exchanges once for every job of the owner that needs it at the same time, expired or refused', async () => {
    const { store, tokens } = memoryStore({
      'gh/u1': token('old', { refreshToken: 'r1', expiresAt: new Date(nowMs - 1) }),
    });
    const answers: Array<(t: StoredToken) => void> = [];
    const refresh = jest.fn(() => new Promise<StoredToken>((resolve) => answers.push(resolve)));
    const source = createTokenSource({ store, refresh, clock });
    const waiting = [
      source.getToken('gh', 'u1'),
      source.getToken('gh', 'u1', { forceRefresh: true, rejected: 'old' }),
      source.getToken('gh', 'u1', { forceRefresh: true, rejected: 'old' }),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    for (const answer of answers) answer(token('new', { refreshToken: 'r2', expiresAt: new Date(nowMs + 3_600_000) }));
    expect(await Promise.all(waiting)).toEqual(['new', 'new', 'new']);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(tokens.get('gh/u1')?.refreshToken).toBe('r2');
    // A 401 for the token just renewed by someone else costs no exchange: the stored one is newer.
    expect(await source.getToken('gh', 'u1', { forceRefresh: true, rejected: 'old' })).toBe('new');
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('reads the stored token again under the lock: renewed by another process meanwhile, used as is', async () => {
    const { store, tokens } = memoryStore({
      'gh/u1': token('old', { refreshToken: 'r1', expiresAt: new Date(nowMs - 1) }),
    });
    const keys: string[] = [];
    // Another process held the lock and exchanged while this one waited for it.
    const lock: ExchangeLock = {
      async withLock(key, run) {
        keys.push(key);
        tokens.set('gh/u1', token('theirs', { refreshToken: 'r2', expiresAt: new Date(nowMs + 3_600_000) }));
        return run();
      },
    };
    const refresh = jest.fn(async () => token('mine'));
    const source = createTokenSource({ store, refresh, clock, lock });
    expect(await source.getToken('gh', 'u1')).toBe('theirs');
    expect(refresh).not.toHaveBeenCalled();
    expect(keys).toEqual(['gh:u1']);
  });
});
