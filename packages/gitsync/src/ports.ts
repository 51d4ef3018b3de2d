import type { PullRequestState, RefreshIntervalClass, RefreshOutcome } from '@gitsync/contracts';
import type {
  ChecksSummary,
  ChecksTally,
  PacingOptions,
  PullRequestFields,
  RequestPacer,
  ReviewVerdict,
} from '@gitsync/gitprovider';

/**
 * One row to refresh, read from Postgres when its job runs (the job itself names only the chat):
 * the owner whose token is used, and everything else, comes from the source of truth. No secret.
 */
export interface RefreshTarget {
  chatId: string;
  /** The chat's owner: whose token the provider is called with. */
  ownerId: string;
  branch: string;
  remoteOrigin: string;
  /** The PR's web URL, when known (found earlier, or given by the agent). */
  url: string | null;
  /** Bumped by every report of the agent: a result is written only while it is unchanged. */
  generation: number;
  /** ETag of `GET …/pulls/{n}`, for If-None-Match. */
  pullEtag: string | null;
  /** ETag of `GET …/pulls/{n}/reviews` (kept only when they fit one page). */
  reviewsEtag: string | null;
  /**
   * When the agent last reported the branch (or a webhook spoke of it): drives the short no-PR-yet
   * retry window, and a report since the last refresh has a closed or merged PR checked again.
   */
  markedStaleAt: Date | null;
  /** When the row was last refreshed. */
  refreshedAt: Date | null;
  /** What is stored of the PR at `url` (from its last 200): a 304 keeps them. */
  pullRequestState: PullRequestState | null;
  headBranch: string | null;
  headSha: string | null;
  /** The commit the agent said the branch is at, when it said: guards a reused branch name. */
  reportedHeadSha: string | null;
  /** ETags of the stored head's check runs and combined status, and what each source tallied then. */
  checkRunsEtag: string | null;
  statusesEtag: string | null;
  checkRunsTally: ChecksTally | null;
  statusesTally: ChecksTally | null;
  /** The rule that set the row's current due time (timings.ts). */
  refreshIntervalClass: RefreshIntervalClass;
  /** The current interval of the state-aware schedule; null when none (a report resets it). */
  refreshIntervalMs: number | null;
}

/** The head commit's checks as written: the summary a reader sees, and each source's tally and validator. */
export interface ChecksWrite {
  /** null: the commit has no checks. */
  summary: ChecksSummary | null;
  checkRuns: { tally: ChecksTally; etag: string | null };
  statuses: { tally: ChecksTally; etag: string | null };
}

/** What a write-back keeps of the row's schedule (timings.ts `NextRefresh`). */
export interface ScheduleWrite {
  intervalClass: RefreshIntervalClass;
  intervalMs: number | null;
}

/** A refresh that reached the PR: what to write, guarded by the generation it started from. */
export interface RefreshedWrite {
  chatId: string;
  generation: number;
  url: string;
  /** null where the provider answered 304: keep what is stored. */
  pull: (PullRequestFields & { etag: string | null }) | null;
  reviews: (ReviewVerdict & { etag: string | null }) | null;
  /** null where both sources answered 304 (or the head is unknown): keep what is stored. */
  checks: ChecksWrite | null;
  refreshedAt: Date;
  staleAt: Date;
  schedule: ScheduleWrite;
  /** The PR changed (another PR, state or head): when it did; null keeps the stored time. */
  prChangedAt: Date | null;
  /** A reader would see a difference (new fields or a new url): the store hands back the change. */
  changed: boolean;
}

/** Any other outcome: recorded with the row, with when to try again. */
export interface OutcomeWrite {
  chatId: string;
  generation: number;
  outcome: Exclude<RefreshOutcome, 'refreshed'>;
  error: string | null;
  staleAt: Date;
  schedule: ScheduleWrite;
  /** Forget the stored PR (url and every field of it): it is not, or no longer, the branch's. */
  clearUrl: boolean;
}

/** How a write went: `written` false when the row moved on; `change` for a written change a reader would see. */
export interface Saved<TChange> {
  written: boolean;
  change: TChange | null;
}

/**
 * Where rows come from and results go. `TChange` is whatever the store hands back for publishing
 * (the chat with its status), for a write a reader would see only; `written` is false when the row
 * moved on meanwhile (a newer report) and nothing was written.
 */
export interface RefreshStore<TChange> {
  /** The row a job points at; null when it is gone. */
  load(chatId: string): Promise<RefreshTarget | null>;
  saveRefreshed(write: RefreshedWrite): Promise<Saved<TChange>>;
  saveOutcome(write: OutcomeWrite): Promise<Saved<TChange>>;
  /**
   * The same store for a refresh somebody waits for (on demand), when this one gathers statements
   * of concurrent jobs into batches: the urgent one's statements go at once, on their own.
   */
  readonly urgent?: Omit<RefreshStore<TChange>, 'urgent'>;
}

export interface Publisher<TChange> {
  publish(change: TChange): Promise<void>;
}

/** Resolves the owner's token for a provider, refreshing an expired OAuth token on the way. */
export interface TokenSource {
  /**
   * `forceRefresh`: the provider rejected the current token (401); refresh it if possible.
   * `rejected`: the token it rejected — when the stored one is another already (renewed meanwhile),
   * that one is the answer, with no exchange.
   */
  getToken(
    providerId: string,
    ownerId: string,
    options?: { forceRefresh?: boolean; rejected?: string },
  ): Promise<string | null>;
}

/** Paces every HTTP request of a rate-limit group across replicas (budget, blocks, in-flight bounds). */
export interface GroupPacer {
  forGroup(group: string, options?: PacingOptions): RequestPacer;
}

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
