import {
  ProviderError,
  RateLimitError,
  repositoryOf,
  type GitProvider,
  type PullRequestRef,
  type PullRequestStatus,
  type RequestPacer,
} from '@gitsync/gitprovider';
import { NoProviderError, NoTokenError } from './errors.js';
import type { Clock, Publisher, RefreshJob, RefreshStore, TokenSource } from './ports.js';
import { defaultRetry, withRetry } from './retry.js';
import { nextStaleAt, type OutcomeKind, type Timings } from './timings.js';

/** Blocks a rate-limit group on every replica until its reset (the pacer then refuses its requests). */
export interface RateLimitGate {
  block(group: string, until: Date): Promise<void>;
}

/** Bounds concurrent provider calls per group. */
export interface GroupLimiter {
  run<T>(group: string, task: () => Promise<T>): Promise<T>;
}

/** Paces every HTTP request of a group across replicas (budget and in-flight bound). */
export interface GroupPacer {
  forGroup(group: string): RequestPacer;
}

export interface RefreshDeps<TChange> {
  providers: readonly GitProvider[];
  tokens: TokenSource;
  store: RefreshStore<TChange>;
  publisher: Publisher<TChange>;
  gate: RateLimitGate;
  limiter?: GroupLimiter;
  pacer: GroupPacer;
  clock: Clock;
  timings: Timings;
}

export interface RefreshResult {
  outcome: OutcomeKind;
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

/**
 * Refreshes one row: provider → token → PR → status → write-back → publish. Every outcome is
 * recorded on the row with its next stale_at; only infrastructure failures (the store) throw.
 */
export async function refreshRow<TChange>(job: RefreshJob, deps: RefreshDeps<TChange>): Promise<RefreshResult> {
  try {
    const provider = findProvider(deps.providers, job.remoteOrigin);
    if (!provider) throw new NoProviderError(job.remoteOrigin);
    const fetched = await fetchWithToken(job, provider, deps);
    if (fetched.kind === 'no_pr') return await recordOutcome(job, deps, 'no_pr', null);
    return await recordRefreshed(job, deps, fetched.pr, fetched.status);
  } catch (err) {
    if (err instanceof NoProviderError) return recordOutcome(job, deps, 'no_provider', err.message);
    if (err instanceof NoTokenError) return recordOutcome(job, deps, 'no_token', err.message);
    if (err instanceof RateLimitError) return recordOutcome(job, deps, 'rate_limited', err.message, err.resetAt);
    if (err instanceof ProviderError) return recordOutcome(job, deps, 'provider_error', err.message);
    throw err;
  }
}

async function fetchWithToken<T>(job: RefreshJob, provider: GitProvider, deps: RefreshDeps<T>): Promise<Fetched> {
  const token = await deps.tokens.getToken(provider.id, job.ownerId);
  if (!token) throw new NoTokenError(provider.id);
  try {
    return await fetchFromProvider(job, provider, token, deps);
  } catch (err) {
    if (!(err instanceof ProviderError) || err.status !== 401) throw err;
    // The token was revoked or expired early: refresh it once, else the owner must link again.
    const renewed = await deps.tokens.getToken(provider.id, job.ownerId, { forceRefresh: true });
    if (!renewed || renewed === token) throw new NoTokenError(provider.id);
    return fetchFromProvider(job, provider, renewed, deps);
  }
}

async function fetchFromProvider<T>(
  job: RefreshJob,
  provider: GitProvider,
  token: string,
  deps: RefreshDeps<T>,
): Promise<Fetched> {
  const group = rateLimitGroup(provider.id, job.ownerId);
  const pacer = deps.pacer.forGroup(group);
  const call = async <R>(fn: () => Promise<R>): Promise<R> => {
    const run = () => withRetry(fn, defaultRetry, deps.clock);
    try {
      return await (deps.limiter ? deps.limiter.run(group, run) : run());
    } catch (err) {
      // Status 0: the block came from our own gate or pacer and is already shared.
      if (err instanceof RateLimitError && err.status !== 0) await deps.gate.block(group, err.resetAt);
      throw err;
    }
  };

  const validators = { pull: job.pullEtag, reviews: job.reviewsEtag };
  let pr = job.url ? provider.parsePullRequestUrl(job.url) : null;
  if (job.url && !pr) throw new ProviderError(`cannot parse pull request url ${job.url}`, 0);
  if (pr) {
    const known = pr;
    try {
      return { kind: 'pr', pr: known, status: await call(() => provider.fetchPullRequestStatus(token, known, validators, pacer)) };
    } catch (err) {
      // The PR behind a stored url is gone (deleted, repo renamed): look the branch up again.
      if (!(err instanceof ProviderError) || err.status !== 404) throw err;
    }
  }
  const repo = provider.parseOrigin(job.remoteOrigin);
  if (!repo) throw new ProviderError(`cannot parse remote origin ${repositoryOf(job.remoteOrigin)}`, 0);
  pr = await call(() => provider.findPullRequestByBranch(token, repo, job.branch, pacer));
  if (!pr) return { kind: 'no_pr' };
  const found = pr;
  const sameUrl = found.url === job.url;
  const status = await call(() => provider.fetchPullRequestStatus(token, found, sameUrl ? validators : {}, pacer));
  return { kind: 'pr', pr: found, status };
}

async function recordRefreshed<T>(
  job: RefreshJob,
  deps: RefreshDeps<T>,
  pr: PullRequestRef,
  status: PullRequestStatus,
): Promise<RefreshResult> {
  const now = deps.clock.now();
  const staleAt = nextStaleAt({ kind: 'refreshed', now }, deps.timings);
  // A 304 on both parts for the same url changes nothing a reader can see: no event.
  const changed = status.pull.changed || status.reviews.changed || pr.url !== job.url;
  const saved = await deps.store.saveRefreshed({
    chatId: job.chatId,
    generation: job.generation,
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
  job: RefreshJob,
  deps: RefreshDeps<T>,
  outcome: Exclude<OutcomeKind, 'refreshed'>,
  error: string | null,
  resetAt?: Date,
): Promise<RefreshResult> {
  const now = deps.clock.now();
  const staleAt = nextStaleAt({ kind: outcome, now, markedStaleAt: job.markedStaleAt, ...(resetAt && { resetAt }) }, deps.timings);
  const written = await deps.store.saveOutcome({
    chatId: job.chatId,
    generation: job.generation,
    outcome,
    error,
    staleAt,
    // A url that led nowhere (404, then no open PR for the branch) is forgotten.
    clearUrl: outcome === 'no_pr' && job.url !== null,
  });
  return { outcome, staleAt, error, written, published: false };
}
