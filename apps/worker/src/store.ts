import { diffStatusChange, type DiffStatusChangeEvent } from '@gitsync/contracts';
import {
  getExternalAuthLink,
  isDataError,
  saveOutcomeBatch,
  saveRefreshedBatch,
  upsertExternalAuthLink,
  type Database,
  type TokenCipher,
} from '@gitsync/db';
import type { OutcomeWrite, RefreshStore, StatusWrite, TokenStore } from '@gitsync/gitsync';
import { createBatchWriter, createFlushSlots } from './write-batches.js';

/**
 * The refresh pipeline's store on Postgres; what it hands back is the event to publish. The
 * results of concurrent jobs are written together (one statement per batch), at most two
 * statements at a time.
 */
export function createRefreshStore(db: Database): RefreshStore<DiffStatusChangeEvent> {
  const slots = createFlushSlots(2);
  const refreshed = createBatchWriter((writes: readonly StatusWrite[]) => saveRefreshedBatch(db, writes), slots, isDataError);
  const outcomes = createBatchWriter((writes: readonly OutcomeWrite[]) => saveOutcomeBatch(db, writes), slots, isDataError);
  return {
    async saveRefreshed(write) {
      const saved = await refreshed.load(write);
      return { written: saved.written, change: saved.change && diffStatusChange(saved.change.chat, saved.change.status) };
    },
    saveOutcome: (write) => outcomes.load(write),
  };
}

/** Provider tokens in Postgres, sealed with `cipher` when there is one. */
export function createTokenStore(db: Database, cipher: TokenCipher | null): TokenStore {
  return {
    async load(providerId, userId) {
      const link = await getExternalAuthLink(db, providerId, userId, cipher);
      return link && { accessToken: link.accessToken, refreshToken: link.refreshToken, expiresAt: link.expiresAt };
    },
    save: (providerId, userId, token) => upsertExternalAuthLink(db, { providerId, userId, ...token }, cipher),
  };
}
