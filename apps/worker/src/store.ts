import { diffStatusChange, type DiffStatusChangeEvent } from '@gitsync/contracts';
import {
  getExternalAuthLink,
  saveOutcome,
  saveRefreshed,
  upsertExternalAuthLink,
  type Database,
} from '@gitsync/db';
import type { RefreshStore, TokenStore } from '@gitsync/gitsync';

/** The refresh pipeline's store on Postgres; what it hands back is the event to publish. */
export function createRefreshStore(db: Database): RefreshStore<DiffStatusChangeEvent> {
  return {
    async saveRefreshed(write) {
      const saved = await saveRefreshed(db, write);
      return saved && diffStatusChange(saved.chat, saved.status);
    },
    saveOutcome: (write) => saveOutcome(db, write),
  };
}

export function createTokenStore(db: Database): TokenStore {
  return {
    async load(providerId, userId) {
      const link = await getExternalAuthLink(db, providerId, userId);
      return link && { accessToken: link.accessToken, refreshToken: link.refreshToken, expiresAt: link.expiresAt };
    },
    save: (providerId, userId, token) => upsertExternalAuthLink(db, { providerId, userId, ...token }),
  };
}
