import type { RefreshPayload } from './catalog.js';

/**
 * How a refresh payload sits in Redis: a positional array instead of the named object, ~40%
 * shorter (no field names, the date as a number), which matters because every queued job holds
 * one. The rest of the code only ever sees `RefreshPayload`: the producer encodes, the worker
 * decodes (`createQueueWorker`), and tools reading the queue use `queuedRefreshPayload`.
 *
 * Layout 1: `[1, chatId, ownerId, branch, remoteOrigin, generation, markedStaleAt (epoch ms),
 * url, pullEtag, reviewsEtag]`, trailing nulls left out (a row without a PR yet ends at its date).
 * The leading layout number lets a later layout be told apart from jobs queued before it.
 */
const LAYOUT = 1;

export type StoredRefreshPayload = [typeof LAYOUT, string, string, string, string, number, number | null, ...(string | null)[]];

export function encodeRefreshPayload(p: RefreshPayload): StoredRefreshPayload {
  const stored: StoredRefreshPayload = [
    LAYOUT,
    p.chatId,
    p.ownerId,
    p.branch,
    p.remoteOrigin,
    p.generation,
    p.markedStaleAt === null ? null : Date.parse(p.markedStaleAt),
    p.url,
    p.pullEtag,
    p.reviewsEtag,
  ];
  while (stored.length > 7 && stored.at(-1) === null) stored.pop();
  return stored;
}

/**
 * The named form of a stored payload, for the schema to validate: it never throws, so that a
 * malformed job fails with the schema's message naming the fields. Anything but layout 1 (such as
 * the named objects queued before this layout existed) is handed on unchanged.
 */
export function decodeRefreshPayload(stored: unknown): unknown {
  if (!Array.isArray(stored) || stored[0] !== LAYOUT) return stored;
  const [, chatId, ownerId, branch, remoteOrigin, generation, markedStaleAt, url = null, pullEtag = null, reviewsEtag = null] = stored as unknown[];
  return {
    chatId,
    ownerId,
    branch,
    remoteOrigin,
    url,
    generation,
    pullEtag,
    reviewsEtag,
    markedStaleAt: typeof markedStaleAt === 'number' ? isoOrAsIs(markedStaleAt) : markedStaleAt,
  };
}

const isoOrAsIs = (ms: number): string | number => (Number.isFinite(ms) ? new Date(ms).toISOString() : ms);
