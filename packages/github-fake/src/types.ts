import type { Hold, HeldRequest } from '@gitsync/fake-kit';

/** Public surface of the fake; other packages are written against exactly these shapes. */

export interface FakeGitHubOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Delay before every answer, in milliseconds. */
  latencyMs?: number;
  /**
   * The clock of rate-limit windows and forced limits (epoch ms), so a test can move time on
   * instead of waiting it out. @defaultValue Date.now
   */
  now?: () => number;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
export type CheckRunStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
export type CheckRunConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';
/** A commit status's state (`POST /repos/{o}/{r}/statuses/{sha}`). */
export type CommitStatusState = 'error' | 'failure' | 'pending' | 'success';
export type FailureMode = 'error500' | 'garbage' | 'forbidden' | 'notFound';

/** A repository by owner and name; both case-insensitive, like GitHub's. */
export interface RepoRef {
  owner: string;
  repo: string;
}

export interface AddRepoOptions {
  /**
   * Makes the repository a fork of this one (added too when missing): `GET /repos/{o}/{r}` then answers
   * `fork: true`, `parent` (this repository) and `source` (the root of the fork network). Set when the
   * repository is first added; adding it again with another parent, or with one after it was first
   * added without, is an error.
   */
  forkOf?: RepoRef;
}

/**
 * A pull request lives in the base repository `owner/repo`. Its head branch lives in the head repository
 * `headOwner/headRepo`, by default the base repository itself; another one makes a pull request from a fork.
 */
export interface CreatePullRequestInput {
  owner: string;
  repo: string;
  /** The head branch's name (`ref`), without an owner. */
  head: string;
  /**
   * Owner of the head repository; `head.label` is `headOwner:head` and `?head=headOwner:head` finds it.
   * @defaultValue `owner`
   */
  headOwner?: string;
  /**
   * Name of the head repository. When it is not the base repository it must be a fork in the base's network;
   * a missing one is added as a fork of `owner/repo`.
   * @defaultValue `repo`
   */
  headRepo?: string;
  base?: string;
  title?: string;
  draft?: boolean;
  /** @defaultValue `headOwner` */
  author?: string;
  additions?: number;
  deletions?: number;
  changedFiles?: number;
  commits?: number;
  body?: string;
}

/** What updatePullRequest may change; `merged: true` implies state closed. */
export type PullRequestPatch = Partial<
  Pick<
    FakePullRequest,
    | 'title'
    | 'state'
    | 'merged'
    | 'draft'
    | 'additions'
    | 'deletions'
    | 'changedFiles'
    | 'commits'
    | 'headSha'
    | 'head'
    | 'base'
    | 'mergeable'
    | 'mergeableState'
    | 'requestedReviewers'
    | 'labels'
  >
>;

export interface AddCheckRunInput {
  name: string;
  /** @defaultValue `completed` when a conclusion is given, else `queued` */
  status?: CheckRunStatus;
  /** Set when (and only when) the run is completed. @defaultValue null */
  conclusion?: CheckRunConclusion | null;
}

/** A check run as the fake holds it; `id` is what updateCheckRun takes. */
export interface FakeCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: CheckRunStatus;
  conclusion: CheckRunConclusion | null;
}

export interface SetCommitStatusInput {
  /** Statuses of one context replace each other: the combined status shows the latest per context. */
  context: string;
  state: CommitStatusState;
  description?: string;
}

export interface AddReviewInput {
  user: string;
  state: ReviewState;
  submittedAt?: Date;
}

export interface AddTokenOptions {
  login: string;
  /** Requests per window; default 5000. */
  budget?: number;
  /** Default 3_600_000. */
  windowMs?: number;
  /**
   * GitHub's secondary limit on points per minute: past this many requests (304s included) in any
   * 60 s, a request answers 403 with GitHub's "secondary rate limit" message and no retry-after.
   * Default: none.
   */
  perMinute?: number;
}

export interface FakePullRequest {
  owner: string;
  repo: string;
  number: number;
  htmlUrl: string;
  head: string;
  /** The head repository: `owner`/`repo` unless the pull request comes from a fork. */
  headOwner: string;
  headRepo: string;
  base: string;
  headSha: string;
  title: string;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  additions: number;
  deletions: number;
  changedFiles: number;
  commits: number;
  author: string;
  updatedAt: Date;
  /**
   * GitHub computes it lazily: null means "not known yet". By default true while open, null once
   * closed; set it to model a conflict (false with `mergeableState: 'dirty'`) or a pending computation.
   */
  mergeable: boolean | null;
  /** `clean`, `dirty`, `blocked`, `unstable`, `draft`, `unknown` …; by default derived from state and draft. */
  mergeableState: string;
  /** Logins of the reviewers asked for a review who have not reviewed yet. */
  requestedReviewers: string[];
  /** Label names. */
  labels: string[];
}

export interface FakeRequest {
  method: string;
  /** As sent, query included (API paths keep their `/api/v3` prefix). */
  path: string;
  /** The bearer token sent, known or not; null when none. */
  token: string | null;
  status: number;
  /** Date.now() when answered. */
  at: number;
  /**
   * Places of its arrival and of its answer on one counter shared by every request: `a.arrival >
   * b.answered` says that `a` was sent after `b`'s answer was out, whatever the clocks say.
   */
  arrival: number;
  answered: number;
  /** The request sent If-None-Match. */
  conditional: boolean;
}

export interface FakeGitHub {
  /** Web base, e.g. http://127.0.0.1:PORT; PR html_url live under it. */
  readonly url: string;
  /** `${url}/api/v3`, configured like GitHub Enterprise. */
  readonly apiBaseUrl: string;
  /** `${url}/login/oauth/access_token`. */
  readonly tokenUrl: string;
  addToken(token: string, opts: AddTokenOptions): void;
  removeToken(token: string): void;
  /**
   * OAuth refresh: POST tokenUrl with grant_type=refresh_token&refresh_token=R (form or JSON) answers
   * {access_token, refresh_token, expires_in, token_type:'bearer'}: a new access token for the same login
   * (the old one keeps working) and a new refresh token. Unknown refresh token → 400 {error:'bad_refresh_token'}.
   * `reusable`: like a provider that does not rotate them, the refresh token is not spent and comes back as is.
   */
  addRefreshToken(refreshToken: string, opts: { login: string; reusable?: boolean }): void;
  /** Every access/refresh pair the token endpoint issued, oldest first. */
  readonly issuedTokens: ReadonlyArray<{ accessToken: string; refreshToken: string }>;
  /** Adds a repository (idempotent); `createPullRequest` adds the ones it names by itself. */
  addRepo(owner: string, repo: string, options?: AddRepoOptions): void;
  createPullRequest(input: CreatePullRequestInput): FakePullRequest;
  updatePullRequest(owner: string, repo: string, number: number, patch: PullRequestPatch): FakePullRequest;
  addReview(owner: string, repo: string, number: number, review: AddReviewInput): void;
  /**
   * A check run on commit `sha` of `owner/repo` (where `GET /repos/{o}/{r}/commits/{sha}/check-runs`
   * lists it: for a pull request, its base repository). Changes that commit's check-runs ETag.
   */
  addCheckRun(owner: string, repo: string, sha: string, input: AddCheckRunInput): FakeCheckRun;
  updateCheckRun(
    owner: string,
    repo: string,
    id: number,
    patch: Partial<Pick<FakeCheckRun, 'status' | 'conclusion'>>,
  ): FakeCheckRun;
  /** A commit status on `sha` (the latest of each context counts), as `POST …/statuses/{sha}` makes one. */
  setCommitStatus(owner: string, repo: string, sha: string, input: SetCommitStatusInput): void;
  /**
   * What `GET …/pulls/{n}` answers with `Accept: application/vnd.github.diff`; by default a small
   * diff made from the PR's branch and title.
   */
  setPullRequestDiff(owner: string, repo: string, number: number, diff: string | Buffer): void;
  /**
   * What `GET …/compare/{base}...{branch}` answers with the diff media type, for a branch compared
   * with `base` (@defaultValue `main`, the fake's default branch). Other comparisons answer 404.
   */
  setBranchDiff(owner: string, repo: string, branch: string, diff: string | Buffer, base?: string): void;
  getPullRequest(owner: string, repo: string, number: number): FakePullRequest | undefined;
  /**
   * Every following request with this token answers a rate limit for `ms`, timed from the first of
   * them (not from this call: a slow system under test still sees the whole window): 'primary' → 403 with
   * x-ratelimit-remaining: 0 and x-ratelimit-reset; 'secondary' → 429 with retry-after (seconds, rounded up).
   */
  forceRateLimit(token: string, opts: { ms: number; kind?: 'primary' | 'secondary' }): void;
  /**
   * Requests whose API path starts with /repos/{owner}/{repo} fail: 'error500' → 500 JSON; 'garbage' → 200
   * with a non-JSON body; 'forbidden' → 403 without rate-limit headers; 'notFound' → 404. `times` defaults to Infinity.
   */
  failRepo(owner: string, repo: string, mode: FailureMode, times?: number): void;
  clearFailures(): void;
  setLatency(ms: number): void;
  /**
   * Requests for which `match` says true wait, before anything else is done with them, until the
   * hold is released (or the fake closed): a test holds a refresh in flight as long as it needs.
   */
  hold(match: (request: HeldRequest) => boolean): Hold;
  /** Requests that arrived and are not answered yet (waiting out the latency, held, or being answered). */
  readonly pending: number;
  /** Every request answered, in order. */
  readonly requests: ReadonlyArray<FakeRequest>;
  clearRequests(): void;
  close(): Promise<void>;
}
