import type { Clock, TokenSource } from './ports.js';

export interface StoredToken {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
}

export interface TokenStore {
  load(providerId: string, userId: string): Promise<StoredToken | null>;
  save(providerId: string, userId: string, token: StoredToken): Promise<void>;
}

/** Exchanges a refresh token at the provider's token URL; null when the provider cannot. */
export type TokenRefresher = (providerId: string, refreshToken: string) => Promise<StoredToken | null>;

/**
 * One token exchange per owner at a time across processes: a provider that rotates refresh tokens
 * (GitHub does) refuses the second use of one, so two replicas exchanging the same token at once
 * would leave one of them with no token. `run` is called while holding the lock of `key`; callers
 * elsewhere wait meanwhile, then run theirs (which finds the token renewed and exchanges nothing).
 */
export interface ExchangeLock {
  withLock<T>(key: string, run: () => Promise<T>): Promise<T>;
}

/** For a single process: the in-process single flight of `createTokenSource` is all it needs. */
export const processLocalExchangeLock: ExchangeLock = { withLock: (_key, run) => run() };

export interface TokenSourceOptions {
  store: TokenStore;
  refresh: TokenRefresher;
  clock: Clock;
  /** Serializes exchanges across processes. @defaultValue processLocalExchangeLock */
  lock?: ExchangeLock;
  /** How long a resolved token is reused in-process. @defaultValue 30 s */
  cacheMs?: number;
  /** Refresh this long before the recorded expiry. @defaultValue 60 s */
  expirySkewMs?: number;
}

/**
 * Resolves tokens once per (provider, owner) group and reuses them briefly: a burst of one
 * owner's rows costs one look-up, not one per row. Only successes are cached, so a token linked
 * a moment ago is seen at once.
 *
 * An expired or refused token is exchanged once, however many jobs need it at the same time: in
 * this process they share one exchange in flight, across processes `lock` lets one through at a
 * time, and whoever gets it reads the stored token again first — renewed by someone else meanwhile,
 * it is used as it is.
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const cacheMs = options.cacheMs ?? 30_000;
  const skewMs = options.expirySkewMs ?? 60_000;
  const lock = options.lock ?? processLocalExchangeLock;
  const cache = new Map<string, { token: Promise<string | null>; until: number }>();
  const exchanges = new Map<string, Promise<string | null>>();

  const expired = (t: StoredToken) =>
    t.expiresAt !== null && t.expiresAt.getTime() - skewMs <= options.clock.now().getTime();

  /** The token to use when `refused` (if any) was refused; an exchange only when it takes one. */
  function usable(stored: StoredToken, refused: string | undefined): string | null | 'exchange' {
    if (!expired(stored) && stored.accessToken !== refused) return stored.accessToken;
    if (!stored.refreshToken) return expired(stored) ? null : stored.accessToken;
    return 'exchange';
  }

  async function exchange(providerId: string, ownerId: string, refused: string | undefined): Promise<string | null> {
    // Read again under the lock: the holder before us may have renewed it.
    const current = await options.store.load(providerId, ownerId);
    if (!current) return null;
    const verdict = usable(current, refused);
    if (verdict !== 'exchange') return verdict;
    const renewed = await options.refresh(providerId, current.refreshToken!).catch(() => null);
    if (!renewed) return expired(current) ? null : current.accessToken;
    await options.store.save(providerId, ownerId, renewed);
    return renewed.accessToken;
  }

  async function resolve(
    key: string,
    providerId: string,
    ownerId: string,
    forceRefresh: boolean,
    rejected: string | undefined,
  ): Promise<string | null> {
    const stored = await options.store.load(providerId, ownerId);
    if (!stored) return null;
    const refused = forceRefresh ? (rejected ?? stored.accessToken) : undefined;
    const verdict = usable(stored, refused);
    if (verdict !== 'exchange') return verdict;
    let running = exchanges.get(key);
    if (!running) {
      running = lock
        .withLock(`${providerId}:${ownerId}`, () => exchange(providerId, ownerId, refused))
        .finally(() => exchanges.delete(key));
      exchanges.set(key, running);
    }
    return running;
  }

  return {
    getToken(providerId, ownerId, { forceRefresh = false, rejected } = {}) {
      const key = `${providerId}\u0000${ownerId}`;
      const now = options.clock.now().getTime();
      const hit = cache.get(key);
      if (hit && hit.until > now && !forceRefresh) return hit.token;
      const token = resolve(key, providerId, ownerId, forceRefresh, rejected);
      cache.set(key, { token, until: now + cacheMs });
      token.then(
        (value) => value === null && cache.get(key)?.token === token && cache.delete(key),
        () => cache.get(key)?.token === token && cache.delete(key),
      );
      return token;
    },
  };
}
