import type { TokenStore } from '@gitsync/gitsync';
import type { Database } from './client.js';
import type { TokenCipher } from './token-cipher.js';
import { getExternalAuthLink, upsertExternalAuthLink } from './tokens.js';

/** Provider tokens in Postgres, sealed with `cipher` when there is one: the workers and the API read them. */
export function createTokenStore(db: Database, cipher: TokenCipher | null): TokenStore {
  return {
    async load(providerId, userId) {
      const link = await getExternalAuthLink(db, providerId, userId, cipher);
      return link && { accessToken: link.accessToken, refreshToken: link.refreshToken, expiresAt: link.expiresAt };
    },
    save: (providerId, userId, token) => upsertExternalAuthLink(db, { providerId, userId, ...token }, cipher),
  };
}
