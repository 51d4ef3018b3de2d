import type { Hold, HeldRequest } from '@gitsync/fake-kit';

/** Public surface of the fake; tests, the demo and the benchmark are written against these shapes. */

export interface FakeGitLabOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Delay before every answer, in milliseconds. */
  latencyMs?: number;
  /**
   * When `RateLimit-*` headers are sent: `throttled` (default) on a 429 only, as GitLab's
   * Rack::Attack throttles do; `always` on every API answer.
   */
  rateLimitHeaders?: 'throttled' | 'always';
}

/** GitLab's merge-request states. */
export type MergeRequestState = 'opened' | 'closed' | 'locked' | 'merged';
/** GitLab's `MergeRequestReviewState`. */
export type ReviewState = 'UNREVIEWED' | 'REVIEWED' | 'REQUESTED_CHANGES' | 'APPROVED' | 'UNAPPROVED';
/** GitLab's `PipelineStatusEnum`, lower case as REST spells it. */
export type PipelineStatus =
  'created' | 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped' | 'manual' | 'scheduled';
export type FailureMode = 'error500' | 'garbage' | 'forbidden' | 'notFound';

export interface AddProjectOptions {
  /** Makes the project a fork of this one (added too when missing). */
  forkOf?: string;
}

/** A merge request lives in its target project; its source branch in the source project (a fork, or the same). */
export interface CreateMergeRequestInput {
  /** Full path of the target project, e.g. `acme/platform/app` (added when missing). */
  project: string;
  sourceBranch: string;
  /** Full path of the source project; a missing one is added as a fork of `project`. @defaultValue `project` */
  sourceProject?: string;
  /** @defaultValue `main` */
  targetBranch?: string;
  title?: string;
  draft?: boolean;
  /** @defaultValue the source project's namespace's first segment */
  author?: string;
  additions?: number;
  deletions?: number;
  changedFiles?: number;
  commits?: number;
  /** Approvals required by the project's rules. @defaultValue 0 */
  approvalsRequired?: number;
  pipeline?: PipelineStatus | null;
}

export type MergeRequestPatch = Partial<
  Pick<
    FakeMergeRequest,
    | 'title'
    | 'state'
    | 'draft'
    | 'additions'
    | 'deletions'
    | 'changedFiles'
    | 'commits'
    | 'sha'
    | 'sourceBranch'
    | 'targetBranch'
    | 'approvalsRequired'
    | 'pipeline'
  >
>;

export interface FakeMergeRequest {
  /** Full path of the target project. */
  project: string;
  sourceProject: string;
  iid: number;
  webUrl: string;
  sourceBranch: string;
  targetBranch: string;
  sha: string;
  title: string;
  state: MergeRequestState;
  draft: boolean;
  author: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  commits: number;
  approvalsRequired: number;
  approvedBy: string[];
  reviewers: Array<{ username: string; state: ReviewState }>;
  pipeline: PipelineStatus | null;
  updatedAt: Date;
}

export interface AddTokenOptions {
  username: string;
  /** Requests per window. @defaultValue 2000 (gitlab.com's authenticated API limit a minute) */
  budget?: number;
  /** @defaultValue 60_000 */
  windowMs?: number;
}

export interface FakeRequest {
  method: string;
  /** As sent, query included. */
  path: string;
  /** The GraphQL operation's name, for a GraphQL request. */
  operation: string | null;
  /** The token sent, known or not; null when none. */
  token: string | null;
  status: number;
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

export interface FakeGitLab {
  /** Web base, e.g. http://127.0.0.1:PORT. */
  readonly url: string;
  /** `${url}/api/v4`. */
  readonly apiBaseUrl: string;
  /** `${url}/oauth/token`. */
  readonly tokenUrl: string;
  addToken(token: string, opts: AddTokenOptions): void;
  removeToken(token: string): void;
  /**
   * OAuth refresh: POST tokenUrl with grant_type=refresh_token&refresh_token=R answers
   * {access_token, token_type:'Bearer', expires_in:7200, refresh_token, created_at}. Refresh tokens
   * rotate: the one used is revoked, and using it again answers 400 {error:'invalid_grant'}.
   */
  addRefreshToken(refreshToken: string, opts: { username: string }): void;
  readonly issuedTokens: ReadonlyArray<{ accessToken: string; refreshToken: string }>;
  /** Adds a project by full path (idempotent), its groups implied. */
  addProject(path: string, options?: AddProjectOptions): void;
  createMergeRequest(input: CreateMergeRequestInput): FakeMergeRequest;
  updateMergeRequest(project: string, iid: number, patch: MergeRequestPatch): FakeMergeRequest;
  approve(project: string, iid: number, username: string): FakeMergeRequest;
  unapprove(project: string, iid: number, username: string): FakeMergeRequest;
  /** Adds the reviewer, or sets their state. */
  setReviewer(project: string, iid: number, username: string, state: ReviewState): FakeMergeRequest;
  getMergeRequest(project: string, iid: number): FakeMergeRequest | undefined;
  /** The body GitLab posts as a `Merge Request Hook` for this merge request. */
  mergeRequestHook(project: string, iid: number, action: string): object;
  /** The body of a `Pipeline Hook` for the head of this merge request (an MR pipeline in its source project). */
  pipelineHook(project: string, iid: number): object;
  /**
   * Every following request with this token answers 429 for `ms`, timed from the first of them (with
   * Retry-After and RateLimit-*).
   */
  forceRateLimit(token: string, ms: number): void;
  /** API requests about this project (by path) fail; `times` defaults to Infinity. */
  failProject(project: string, mode: FailureMode, times?: number): void;
  clearFailures(): void;
  setLatency(ms: number): void;
  /** Requests for which `match` says true wait, before anything else is done with them, until released. */
  hold(match: (request: HeldRequest) => boolean): Hold;
  readonly requests: ReadonlyArray<FakeRequest>;
  clearRequests(): void;
  close(): Promise<void>;
}
