import type { ProviderLimit } from './errors.js';
import type { PullRequestState } from '@gitsync/contracts';
import type { ChecksTally } from './checks.js';

export type { PullRequestState };

/** A repository on a provider, as parsed from a git remote origin. */
export interface RepoRef {
  /** Web base URL, e.g. `https://github.com` or `http://127.0.0.1:9000` (no trailing slash). */
  webBaseUrl: string;
  owner: string;
  repo: string;
}

/** A pull request as parsed from its web URL. */
export interface PullRequestRef extends RepoRef {
  number: number;
  /** Canonical web URL: `${webBaseUrl}/${owner}/${repo}/pull/${number}`. */
  url: string;
}

/** A pull request as the list of a branch's pull requests shows it: enough to choose one, no stats. */
export interface PullRequestSummary extends PullRequestRef {
  state: PullRequestState;
  headSha: string;
  updatedAt: Date;
}

/**
 * What is remembered of a repository between lookups (whether it is a fork, and of what), shared
 * by every replica; `checkedAt` (epoch ms) says when the provider last confirmed it.
 */
export interface RepositoryInfo {
  parent: { owner: string; repo: string } | null;
  /** The branch a branch without PR is compared with; absent in entries kept before it was read. */
  defaultBranch?: string | null;
  /** The provider's own id of the repository, where lookups need it (GitLab's project id). */
  id?: number;
  etag: string | null;
  checkedAt: number;
}

/** Where repository lookups are kept, by repository key (`repositoryKey`). */
export interface RepositoryCache {
  get(key: string): Promise<RepositoryInfo | null>;
  set(key: string, info: RepositoryInfo): Promise<void>;
}

/** Fields of `GET /repos/{o}/{r}/pulls/{n}`. */
export interface PullRequestFields {
  url: string;
  number: number;
  state: PullRequestState;
  title: string;
  draft: boolean;
  additions: number;
  deletions: number;
  changedFiles: number;
  commits: number;
  headBranch: string;
  headSha: string;
  baseBranch: string;
  authorLogin: string | null;
  authorAvatarUrl: string | null;
  /** GitHub computes it lazily: null means "not known yet" (not a conflict); null where a provider has none. */
  mergeable: boolean | null;
  /** GitHub's `mergeable_state` (`clean`, `dirty` = conflicts, `blocked`, `unstable`, `draft`, `unknown` …). */
  mergeableState: string | null;
  /** Reviewers asked for a review who have not given one yet; null where a provider does not say. */
  requestedReviewerCount: number | null;
  /** Label names; null where a provider does not say. */
  labels: string[] | null;
}

/** The review verdict aggregated from all pages of `GET .../pulls/{n}/reviews`. */
export interface ReviewVerdict {
  approved: boolean;
  changesRequested: boolean;
  reviewerCount: number;
}

/**
 * Conditional-request validators (ETags) kept with the row so that any replica can send
 * `If-None-Match`; GitHub does not count a 304 against the rate limit.
 */
export interface Validators {
  pull?: string | null;
  reviews?: string | null;
  /**
   * The head commit the check validators below were read for (the stored head): where the checks
   * are read when the PR answers 304, and they are sent only while the PR's head is still it.
   */
  checksSha?: string | null;
  checkRuns?: string | null;
  statuses?: string | null;
}

/** A part of the status that either changed (with its new validator) or answered 304. */
export type Conditional<T> = { changed: true; value: T; etag: string | null } | { changed: false };

export interface PullRequestStatus {
  pull: Conditional<PullRequestFields>;
  reviews: Conditional<ReviewVerdict>;
  /**
   * The head commit's checks, one tally per source: GitHub's check runs and commit statuses
   * (GitLab: the head pipeline, and no statuses). Unchanged when the head is not known.
   */
  checkRuns: Conditional<ChecksTally>;
  statuses: Conditional<ChecksTally>;
}

/** What every git provider implements; the refresh logic depends on nothing else. */
export interface GitProvider {
  /** The configured provider id (`GITSYNC_EXTERNAL_AUTH_<n>_ID`). */
  readonly id: string;
  /** True when the configured origin pattern matches this remote origin. */
  matchesOrigin(origin: string): boolean;
  /** Parses a remote origin of this provider's host; null when it is not one. */
  parseOrigin(origin: string): RepoRef | null;
  /** Parses a pull-request web URL of this provider's host; null when it is not one. */
  parsePullRequestUrl(url: string): PullRequestRef | null;
  /**
   * The pull requests, in any state, whose head is `branch` of `repo`: those in `repo` itself and,
   * when `repo` is a fork with no open one of its own, those in its parent (where a fork's pull
   * requests usually live).
   */
  findPullRequests(token: string, repo: RepoRef, branch: string, pacer?: RequestPacer): Promise<PullRequestSummary[]>;
  /**
   * The pull request, its review verdict and its head commit's checks; parts whose validator still
   * matches come back unchanged.
   */
  fetchPullRequestStatus(
    token: string,
    pr: PullRequestRef,
    validators: Validators,
    pacer?: RequestPacer,
  ): Promise<PullRequestStatus>;
}

/** What a diff is of: a pull request, or a branch compared with its repository's default branch. */
export type DiffSubject = { kind: 'pull'; pr: PullRequestRef } | { kind: 'branch'; repo: RepoRef; branch: string };

export interface DiffRequest {
  /** The ETag of the copy the caller holds. */
  ifNoneMatch: string | null;
  /** Bytes past which reading stops (the rest is never read): the answer is `too_large`. */
  maxBytes: number;
  /** Takes the body chunk by chunk as it arrives, never the whole; awaited before the next is read. */
  write(chunk: Uint8Array): Promise<void>;
}

export type DiffResult =
  | { kind: 'not_modified' }
  | { kind: 'written'; etag: string | null; bytes: number }
  | { kind: 'too_large'; maxBytes: number };

/** A provider that serves unified diffs (GitHub's `application/vnd.github.diff`). */
export interface DiffProvider {
  fetchDiff(token: string, subject: DiffSubject, request: DiffRequest, pacer?: RequestPacer): Promise<DiffResult>;
}

/** What one HTTP exchange told about the caller's rate-limit budget. */
export interface ResponseInfo {
  /** HTTP status (304 for a conditional hit); null when no answer came. */
  status: number | null;
  /** `x-ratelimit-remaining`, when sent. */
  remaining: number | null;
  /** `x-ratelimit-reset`, when sent. */
  resetAt: Date | null;
  /** The answer was a rate limit: the group may not call again before this (padding included). */
  blockedUntil: Date | null;
  /** `x-ratelimit-limit`, when sent: the budget of a whole window, for people to see. */
  limit?: number | null;
  /** Which of the provider's limits `blockedUntil` is for. */
  blockedBy?: ProviderLimit | null;
}

/**
 * Paces requests across replicas: every HTTP request to the provider waits for `acquire` (which may
 * throw a RateLimitError when the group's budget is spent) and reports its response to the returned
 * function, so the budget is known before it runs out.
 */
export interface RequestPacer {
  acquire(): Promise<(info: ResponseInfo) => void>;
}

/** How one caller's requests are paced. */
export interface PacingOptions {
  /**
   * Somebody waits for these requests (an on-demand refresh, a diff a user asked for): they go ahead
   * of the group's background requests. @defaultValue false
   */
  urgent?: boolean;
}
