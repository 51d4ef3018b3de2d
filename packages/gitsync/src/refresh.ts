import type { RefreshOutcome } from '@gitsync/contracts';
import {
  ProviderError,
  RateLimitError,
  type GitProvider,
  type PullRequestRef,
  type PullRequestStatus,
  type RequestPacer,
} from '@gitsync/gitprovider';
import { NoProviderError, NoTokenError, UnusableTargetError } from './errors.js';
import type { Clock, GroupPacer, Publisher, RefreshStore, RefreshTarget, TokenSource } from './ports.js';
import { defaultRetry, withRetry } from './retry.js';
import { nextStaleAt, type Timings } from './timings.js';

export interface RefreshDeps<TChange> {
  providers: readonly GitProvider[];
  tokens: TokenSource;
  store: RefreshStore<TChange>;
  publisher: Publisher<TChange>;
  pacer: GroupPacer;
  clock: Clock;
  timings: Timings;
}

export interface RefreshResult {
  outcome: RefreshOutcome;
  staleAt: Date;
  error: string | null;
  /** False when the row moved on (a newer report) and this result was dropped. */
  written: boolean;
  /** A change was published (the status differs from what was stored). */
  published: boolean;
}

/** Groups requests by provider and token owner: the unit of GitHub's rate limit. */
export const rateLimitGroup = (providerId: string, ownerId: string) => `${providerId}:${ownerId}`;

export const findProvider = (providers: readonly GitProvider[], origin: string) =>
  providers.find((p) => p.matchesOrigin(origin)) ?? null;

type Fetched = { kind: 'no_pr' } | { kind: 'pr'; pr: PullRequestRef; status: PullRequestStatus };

type Failure = { outcome: Exclude<RefreshOutcome, 'refreshed'>; error: string; resetAt?: Date };

/**
 * Refreshes the chat a job points at, as Postgres has it now. Null when there is nothing to
 * refresh: the row is gone (the chat was deleted) or has no branch or origin.
 */
export async function refreshChat<TChange>(chatId: string, deps: RefreshDeps<TChange>): Promise<RefreshResult | null> {
  const target = await deps.store.load(chatId);
  if (!target || target.branch === '' || target.remoteOrigin === '') return null;
  return refreshTarget(target, deps);
}

/**
 * Refreshes one row: provider → token → PR → status → write-back → publish. Every outcome is
 * recorded on the row with its next stale_at; only infrastructure failures (the store) throw.
 */
export async function refreshTarget<TChange>(target: RefreshTarget, deps: RefreshDeps<TChange>): Promise<RefreshResult> {
  let fetched: Fetched;
  try {
    const provider = findProvider(deps.providers, target.remoteOrigin);
    if (!provider) throw new NoProviderError(target.remoteOrigin);
    fetched = await fetchWithToken(target, provider, deps);
  } catch (err) {
    const failure = failureOf(err);
    if (!failure) throw err;
    return recordOutcome(target, deps, failure);
  }
  if (fetched.kind === 'no_pr') return recordOutcome(target, deps, { outcome: 'no_pr', error: null });
  return recordRefreshed(target, deps, fetched.pr, fetched.status);
}

/** The row's outcome for a failure; undefined for anything else (a bug, the store away), which the job throws. */
function failureOf(err: unknown): Failure | undefined {
  if (err instanceof NoProviderError) return { outcome: 'no_provider', error: err.message };
  if (err instanceof NoTokenError) return { outcome: 'no_token', error: err.message };
  if (err instanceof RateLimitError) return { outcome: 'rate_limited', error: err.message, resetAt: err.resetAt };
  if (err instanceof UnusableTargetError || err instanceof ProviderError) return { outcome: 'provider_error', error: err.message };
  return undefined;
}

async function fetchWithToken<T>(target: RefreshTarget, provider: GitProvider, deps: RefreshDeps<T>): Promise<Fetched> {
  const token = await deps.tokens.getToken(provider.id, target.ownerId);
  if (!token) throw new NoTokenError(provider.id);
  try {
    return await fetchFromProvider(target, provider, token, deps);
  } catch (err) {
    if (!(err instanceof ProviderError && err.is(401))) throw err;
    // The token was revoked or expired early: refresh it once, else the owner must link again.
    const renewed = await deps.tokens.getToken(provider.id, target.ownerId, { forceRefresh: true });
    if (!renewed || renewed === token) throw new NoTokenError(provider.id);
    return fetchFromProvider(target, provider, renewed, deps);
  }
}

async function fetchFromProvider<T>(target: RefreshTarget, provider: GitProvider, token: string, deps: RefreshDeps<T>): Promise<Fetched> {
  const pacer: RequestPacer = deps.pacer.forGroup(rateLimitGroup(provider.id, target.ownerId));
  const call = <R>(fn: () => Promise<R>): Promise<R> => withRetry(fn, defaultRetry, deps.clock);

  const validators = { pull: target.pullEtag, reviews: target.reviewsEtag };
  if (target.url) {
    const known = provider.parsePullRequestUrl(target.url);
    if (!known) throw new UnusableTargetError(`cannot parse pull request url ${target.url}`);
    try {
      return { kind: 'pr', pr: known, status: await call(() => provider.fetchPullRequestStatus(token, known, validators, pacer)) };
    } catch (err) {
      // The PR behind a stored url is gone (deleted, repo renamed): look the branch up again.
      if (!(err instanceof ProviderError && err.is(404))) throw err;
    }
  }
  const repo = provider.parseOrigin(target.remoteOrigin);
  if (!repo) throw new UnusableTargetError(`cannot parse remote origin ${target.remoteOrigin}`);
  const found = await call(() => provider.findPullRequestByBranch(token, repo, target.branch, pacer));
  if (!found) return { kind: 'no_pr' };
  const sameUrl = found.url === target.url;
  const status = await call(() => provider.fetchPullRequestStatus(token, found, sameUrl ? validators : {}, pacer));
  return { kind: 'pr', pr: found, status };
}

async function recordRefreshed<T>(target: RefreshTarget, deps: RefreshDeps<T>, pr: PullRequestRef, status: PullRequestStatus): Promise<RefreshResult> {
  const now = deps.clock.now();
  const staleAt = nextStaleAt({ kind: 'refreshed', now }, deps.timings);
  // A 304 on both parts for the same url changes nothing a reader can see: no event.
  const changed = status.pull.changed || status.reviews.changed || pr.url !== target.url;
  const saved = await deps.store.saveRefreshed({
    chatId: target.chatId,
    generation: target.generation,
    url: pr.url,
    pull: status.pull.changed ? { ...status.pull.value, etag: status.pull.etag } : null,
    reviews: status.reviews.changed ? { ...status.reviews.value, etag: status.reviews.etag } : null,
    refreshedAt: now,
    staleAt,
    changed,
  });
  if (saved.change !== null) await deps.publisher.publish(saved.change);
  return { outcome: 'refreshed', staleAt, error: null, written: saved.written, published: saved.change !== null };
}

async function recordOutcome<T>(
  target: RefreshTarget,
  deps: RefreshDeps<T>,
  failure: { outcome: Failure['outcome']; error: string | null; resetAt?: Date },
): Promise<RefreshResult> {
  const { outcome, error, resetAt } = failure;
  const now = deps.clock.now();
  const staleAt = nextStaleAt({ kind: outcome, now, markedStaleAt: target.markedStaleAt, ...(resetAt && { resetAt }) }, deps.timings);
  const written = await deps.store.saveOutcome({
    chatId: target.chatId,
    generation: target.generation,
    outcome,
    error,
    staleAt,
    // A url that led nowhere (404, then no open PR for the branch) is forgotten.
    clearUrl: outcome === 'no_pr' && target.url !== null,
  });
  return { outcome, staleAt, error, written, published: false };
}
