import type { PullRequestFields, ReviewVerdict } from '@gitsync/gitprovider';
import type { OutcomeKind } from './timings.js';

/** One row to refresh: what the scheduler claimed (or the API asked for). No secret in here. */
export interface RefreshJob {
  chatId: string;
  ownerId: string;
  branch: string;
  remoteOrigin: string;
  url: string | null;
  generation: number;
  pullEtag: string | null;
  reviewsEtag: string | null;
  markedStaleAt: Date | null;
}

export interface StatusWrite {
  chatId: string;
  generation: number;
  url: string;
  /** null where the provider answered 304: keep what is stored. */
  pull: (PullRequestFields & { etag: string | null }) | null;
  reviews: (ReviewVerdict & { etag: string | null }) | null;
  refreshedAt: Date;
  staleAt: Date;
  /** A reader would see a difference (new fields or a new url): the store hands back the change. */
  changed: boolean;
}

export interface OutcomeWrite {
  chatId: string;
  generation: number;
  outcome: Exclude<OutcomeKind, 'refreshed'>;
  error: string | null;
  staleAt: Date;
  clearUrl?: boolean;
}

/**
 * Where results go. `TChange` is whatever the store hands back for publishing (the chat with its
 * status), for a `changed` write only; `written` is false when the row moved on meanwhile and
 * nothing was written.
 */
export interface RefreshStore<TChange> {
  saveRefreshed(write: StatusWrite): Promise<{ written: boolean; change: TChange | null }>;
  saveOutcome(write: OutcomeWrite): Promise<boolean>;
}

export interface Publisher<TChange> {
  publish(change: TChange): Promise<void>;
}

/** Resolves the owner's token for a provider, refreshing an expired OAuth token on the way. */
export interface TokenSource {
  /** `forceRefresh`: the provider rejected the current token (401); refresh it if possible. */
  getToken(providerId: string, ownerId: string, options?: { forceRefresh?: boolean }): Promise<string | null>;
}

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
