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

export interface TokenSourceOptions {
  store: TokenStore;
  refresh: TokenRefresher;
  clock: Clock;
  /** How long a resolved token is reused in-process. @defaultValue 30 s */
  cacheMs?: number;
  /** Refresh this long before the recorded expiry. @defaultValue 60 s */
  expirySkewMs?: number;
}

/**
 * Resolves tokens once per (provider, owner) group and reuses them briefly: a burst of one
 * owner's rows costs one look-up, not one per row. Only successes are cached, so a token linked
 * a moment ago is seen at once.
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const cacheMs = options.cacheMs ?? 30_000;
  const skewMs = options.expirySkewMs ?? 60_000;
  const cache = new Map<string, { token: Promise<string | null>; until: number }>();

  async function resolve(providerId: string, ownerId: string, forceRefresh: boolean): Promise<string | null> {
    const stored = await options.store.load(providerId, ownerId);
    if (!stored) return null;
    const expired = stored.expiresAt !== null && stored.expiresAt.getTime() - skewMs <= options.clock.now().getTime();
    if (!expired && !forceRefresh) return stored.accessToken;
    if (!stored.refreshToken) return expired ? null : stored.accessToken;
    const renewed = await options.refresh(providerId, stored.refreshToken).catch(() => null);
    if (!renewed) return expired ? null : stored.accessToken;
    await options.store.save(providerId, ownerId, renewed);
    return renewed.accessToken;
  }

  return {
    getToken(providerId, ownerId, { forceRefresh = false } = {}) {
      const key = `${providerId}\u0000${ownerId}`;
      const now = options.clock.now().getTime();
      const hit = cache.get(key);
      if (hit && hit.until > now && !forceRefresh) return hit.token;
      const token = resolve(providerId, ownerId, forceRefresh);
      cache.set(key, { token, until: now + cacheMs });
      token.then(
        (value) => value === null && cache.get(key)?.token === token && cache.delete(key),
        () => cache.get(key)?.token === token && cache.delete(key),
      );
      return token;
    },
  };
}
