import type { RefreshIntervalClass, RefreshOutcome } from '@gitsync/contracts';
import {
  EMPTY_TALLY,
  ProviderError,
  RateLimitError,
  repositoryOf,
  summarizeChecks,
  type ChecksTally,
  type GitProvider,
  type PullRequestRef,
  type PullRequestStatus,
  type PacingOptions,
  type RequestPacer,
} from '@gitsync/gitprovider';
import { choosePullRequest } from './choose.js';
import { NoProviderError, NoTokenError, UnusableTargetError } from './errors.js';
import type { ChecksWrite, Clock, GroupPacer, Publisher, RefreshStore, RefreshTarget, TokenSource } from './ports.js';
import { defaultRetry, withRetry } from './retry.js';
import { nextRefresh, type Timings } from './timings.js';

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
  /** The rule that had scheduled this refresh (the row's class when it was read). */
  scheduledBy: RefreshIntervalClass;
  /** The rule that chose the next one. */
  intervalClass: RefreshIntervalClass;
}

/** Groups requests by provider and token owner: the unit of a provider's rate limit (GitHub's, GitLab's). */
export const rateLimitGroup = (providerId: string, ownerId: string) => `${providerId}:${ownerId}`;

export const findProvider = (providers: readonly GitProvider[], origin: string) =>
  providers.find((p) => p.matchesOrigin(origin)) ?? null;

type Fetched = { kind: 'no_pr' } | { kind: 'pr'; pr: PullRequestRef; status: PullRequestStatus };

type Failure = { outcome: Exclude<RefreshOutcome, 'refreshed'>; error: string; resetAt?: Date };

/**
 * Refreshes the chat a job points at, as Postgres has it now. Null when there is nothing to
 * refresh: the row is gone (the chat was deleted) or has no branch or origin. `urgent`: somebody
 * waits for this refresh (on demand): its provider requests are paced ahead of background ones,
 * and its statements do not wait for the store's batches.
 */
export async function refreshChat<TChange>(
  chatId: string,
  deps: RefreshDeps<TChange>,
  options: PacingOptions = {},
): Promise<RefreshResult | null> {
  const used = options.urgent ? urgentDeps(deps) : deps;
  const target = await used.store.load(chatId);
  if (!target || target.branch === '' || target.remoteOrigin === '') return null;
  return refreshTarget(target, used);
}

/** A refresh somebody waits for goes by the store's and the pacer's urgent lanes. */
function urgentDeps<TChange>(deps: RefreshDeps<TChange>): RefreshDeps<TChange> {
  const { pacer, store } = deps;
  return {
    ...deps,
    store: store.urgent ?? store,
    pacer: { forGroup: (group) => pacer.forGroup(group, { urgent: true }) },
  };
}

/**
 * Refreshes one row: provider → token → PR → status → write-back → publish. Every outcome is
 * recorded on the row with its next stale_at; only infrastructure failures (the store) throw.
 */
export async function refreshTarget<TChange>(
  target: RefreshTarget,
  deps: RefreshDeps<TChange>,
): Promise<RefreshResult> {
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
  if (err instanceof UnusableTargetError || err instanceof ProviderError)
    return { outcome: 'provider_error', error: err.message };
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
    const renewed = await deps.tokens.getToken(provider.id, target.ownerId, { forceRefresh: true, rejected: token });
    if (!renewed || renewed === token) throw new NoTokenError(provider.id);
    return fetchFromProvider(target, provider, renewed, deps);
  }
}

/**
 * The PR of the row and its status. A known url is used while it is still the branch's PR (SPEC
 * §4): its head is the row's branch, and when closed or merged, it has the head commit the agent
 * reported (if it did). A report since the last refresh has a closed or merged PR checked again:
 * an open PR on the reused branch wins. Otherwise the branch's PR is found anew (choose.ts).
 */
async function fetchFromProvider<T>(
  target: RefreshTarget,
  provider: GitProvider,
  token: string,
  deps: RefreshDeps<T>,
): Promise<Fetched> {
  const pacer: RequestPacer = deps.pacer.forGroup(rateLimitGroup(provider.id, target.ownerId));
  const call = <R>(fn: () => Promise<R>): Promise<R> => withRetry(fn, defaultRetry, deps.clock);
  const validators = {
    pull: target.pullEtag,
    reviews: target.reviewsEtag,
    checksSha: target.headSha,
    checkRuns: target.checkRunsEtag,
    statuses: target.statusesEtag,
  };
  // The stored ETags belong to the stored url only.
  const statusOf = (pr: PullRequestRef) =>
    call(() => provider.fetchPullRequestStatus(token, pr, pr.url === target.url ? validators : {}, pacer));
  const discover = async () => {
    const repo = provider.parseOrigin(target.remoteOrigin);
    if (!repo) throw new UnusableTargetError(`cannot parse remote origin ${repositoryOf(target.remoteOrigin)}`);
    return choosePullRequest(
      await call(() => provider.findPullRequests(token, repo, target.branch, pacer)),
      target.reportedHeadSha,
    );
  };

  if (target.url) {
    const known = provider.parsePullRequestUrl(target.url);
    if (!known) throw new UnusableTargetError(`cannot parse pull request url ${target.url}`);
    // A 404: the PR behind a stored url is gone (deleted, repository renamed).
    const status = await statusOf(known).catch((err: unknown) =>
      err instanceof ProviderError && err.is(404) ? null : Promise.reject(err),
    );
    if (status && isStillTheBranchPr(target, status)) {
      if (stateOf(target, status) === 'open' || !reportedSinceRefresh(target)) return { kind: 'pr', pr: known, status };
      const found = await discover();
      if (!found || found.state !== 'open' || found.url === known.url) return { kind: 'pr', pr: known, status };
      return { kind: 'pr', pr: found, status: await statusOf(found) };
    }
  }
  const found = await discover();
  if (!found) return { kind: 'no_pr' };
  return { kind: 'pr', pr: found, status: await statusOf(found) };
}

/** The PR's fields as they are now: what it answered, or what is stored for an answer of 304. */
const stateOf = (target: RefreshTarget, status: PullRequestStatus) =>
  status.pull.changed ? status.pull.value.state : target.pullRequestState;

function isStillTheBranchPr(target: RefreshTarget, status: PullRequestStatus): boolean {
  const pull = status.pull.changed ? status.pull.value : null;
  const headBranch = pull ? pull.headBranch : target.headBranch;
  if (headBranch !== null && headBranch !== target.branch) return false;
  const headSha = pull ? pull.headSha : target.headSha;
  const ended = stateOf(target, status) !== 'open';
  return !(ended && target.reportedHeadSha !== null && headSha !== target.reportedHeadSha);
}

const reportedSinceRefresh = (target: RefreshTarget) =>
  target.markedStaleAt !== null && (target.refreshedAt === null || target.markedStaleAt > target.refreshedAt);

/** The PR's state and head as they are now: what it answered, or what is stored for an answer of 304. */
function pullNow(target: RefreshTarget, status: PullRequestStatus) {
  if (status.pull.changed) return { state: status.pull.value.state, headSha: status.pull.value.headSha };
  return { state: target.pullRequestState, headSha: target.headSha };
}

async function recordRefreshed<T>(
  target: RefreshTarget,
  deps: RefreshDeps<T>,
  pr: PullRequestRef,
  status: PullRequestStatus,
): Promise<RefreshResult> {
  const now = deps.clock.now();
  const { state, headSha } = pullNow(target, status);
  // What the schedule calls a change of the PR: another PR, a new state (a reopen) or a new head.
  const prChanged = pr.url !== target.url || state !== target.pullRequestState || headSha !== target.headSha;
  const next = nextRefresh(
    { kind: 'refreshed', now, state, unchanged: !prChanged, previousIntervalMs: target.refreshIntervalMs },
    deps.timings,
  );
  const checks = checksWrite(target, status);
  // A 304 on every part for the same url changes nothing a reader can see: no event.
  const changed =
    status.pull.changed || status.reviews.changed || checksChanged(target, checks) || pr.url !== target.url;
  const saved = await deps.store.saveRefreshed({
    chatId: target.chatId,
    generation: target.generation,
    url: pr.url,
    pull: status.pull.changed ? { ...status.pull.value, etag: status.pull.etag } : null,
    reviews: status.reviews.changed ? { ...status.reviews.value, etag: status.reviews.etag } : null,
    checks,
    refreshedAt: now,
    staleAt: next.staleAt,
    schedule: { intervalClass: next.intervalClass, intervalMs: next.intervalMs },
    prChangedAt: prChanged ? now : null,
    changed,
  });
  if (saved.change !== null) await deps.publisher.publish(saved.change);
  return {
    outcome: 'refreshed',
    staleAt: next.staleAt,
    error: null,
    written: saved.written,
    published: saved.change !== null,
    scheduledBy: target.refreshIntervalClass,
    intervalClass: next.intervalClass,
  };
}

/**
 * The checks to write when either source answered anew; a source that answered 304 keeps its
 * stored tally and validator (a 304 means the same body, so the same tally).
 */
function checksWrite(target: RefreshTarget, status: PullRequestStatus): ChecksWrite | null {
  const { checkRuns, statuses } = status;
  if (!checkRuns.changed && !statuses.changed) return null;
  const runs = checkRuns.changed
    ? { tally: checkRuns.value, etag: checkRuns.etag }
    : { tally: target.checkRunsTally ?? EMPTY_TALLY, etag: target.checkRunsEtag };
  const states = statuses.changed
    ? { tally: statuses.value, etag: statuses.etag }
    : { tally: target.statusesTally ?? EMPTY_TALLY, etag: target.statusesEtag };
  return { summary: summarizeChecks([runs.tally, states.tally]), checkRuns: runs, statuses: states };
}

const sameTally = (a: ChecksTally, b: ChecksTally | null) =>
  b !== null && a.passed === b.passed && a.failed === b.failed && a.pending === b.pending && a.neutral === b.neutral;

/** New tallies a reader would see (a list of several pages has no validator: it answers 200 unchanged). */
const checksChanged = (target: RefreshTarget, checks: ChecksWrite | null) =>
  checks !== null &&
  !(sameTally(checks.checkRuns.tally, target.checkRunsTally) && sameTally(checks.statuses.tally, target.statusesTally));

async function recordOutcome<T>(
  target: RefreshTarget,
  deps: RefreshDeps<T>,
  failure: { outcome: Failure['outcome']; error: string | null; resetAt?: Date },
): Promise<RefreshResult> {
  const { outcome, error, resetAt } = failure;
  const now = deps.clock.now();
  const next = nextRefresh(
    {
      kind: outcome,
      now,
      markedStaleAt: target.markedStaleAt,
      ...(resetAt && { resetAt }),
      // Still no PR: the row knew none before this refresh either.
      unchanged: target.url === null,
      previousIntervalMs: target.refreshIntervalMs,
    },
    deps.timings,
  );
  const saved = await deps.store.saveOutcome({
    chatId: target.chatId,
    generation: target.generation,
    outcome,
    error,
    staleAt: next.staleAt,
    schedule: { intervalClass: next.intervalClass, intervalMs: next.intervalMs },
    // A PR that is not (or no longer) the branch's is forgotten, with everything known of it.
    clearUrl: outcome === 'no_pr' && target.url !== null,
  });
  if (saved.change !== null) await deps.publisher.publish(saved.change);
  return {
    outcome,
    staleAt: next.staleAt,
    error,
    written: saved.written,
    published: saved.change !== null,
    scheduledBy: target.refreshIntervalClass,
    intervalClass: next.intervalClass,
  };
}
