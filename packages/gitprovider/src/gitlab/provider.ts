import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { ProviderError } from '../errors.js';
import { EMPTY_TALLY } from '../checks.js';
import { repositoryKey } from '../origin.js';
import type {
  Conditional,
  GitProvider,
  PullRequestFields,
  PullRequestRef,
  PullRequestStatus,
  PullRequestSummary,
  RepoRef,
  RepositoryCache,
  RepositoryInfo,
  RequestPacer,
  Validators,
} from '../types.js';
import { inProcessCache, reusablePattern } from '../provider-helpers.js';
import { createDispatcher } from '../undici-fetch.js';
import { normalizeApiBaseUrl } from '../web-base.js';
import { GitLabClient } from './client.js';
import { nextPage } from './pagination.js';
import { mergeRequestUrl, parseGitLabOrigin, parseMergeRequestUrl, projectApiPath, projectPath } from './origin.js';
import { toGitLabMergeRequest, toListedMergeRequests, toProjectInfo } from './parse.js';
import type { GitLabMergeRequest, ListedMergeRequest } from './parse.js';
import { MERGE_REQUEST_QUERY } from './queries.js';
import { gitLabVerdict, pipelineTally } from './verdict.js';
import { DEFAULT_GITLAB_API_BASE_URL, gitLabGraphqlUrlFor, gitLabWebBaseUrlFor } from './web-base.js';

export interface GitLabProviderOptions {
  /** The configured provider id (`GITSYNC_EXTERNAL_AUTH_<n>_ID`). */
  id: string;
  /** @defaultValue `https://gitlab.com/api/v4`; self-managed: `https://HOST[/prefix]/api/v4` */
  apiBaseUrl?: string;
  /** Which origins belong to this provider. @defaultValue any origin {@link GitLabProvider.parseOrigin} accepts */
  originPattern?: RegExp;
  /** Added to every rate-limit reset time. @defaultValue 5000 */
  rateLimitPaddingMs?: number;
  /** @defaultValue `gitsync` */
  userAgent?: string;
  /** Deadline for one HTTP exchange, body included. @defaultValue 10000 */
  requestTimeoutMs?: number;
  /** Clock (ms since the epoch). @defaultValue `Date.now` */
  now?: () => number;
  /**
   * Where whether a project is a fork (and of what) is kept, for every replica to see.
   * @defaultValue a map in this process
   */
  repositories?: RepositoryCache;
  /** How long a project's fork status is taken as known before it is confirmed. @defaultValue 1 h */
  repositoryTtlMs?: number;
  /**
   * Requests a minute an answer without `RateLimit-*` headers is taken to leave (GitLab announces
   * its budget only when it refuses). @defaultValue 2000, gitlab.com's authenticated API limit
   */
  assumedRequestsPerMinute?: number;
}

/** A branch's merge requests worth reading per page, and pages: more is not a chat's branch. */
const PER_PAGE = 100;
const MAX_LIST_PAGES = 5;

/**
 * GitLab (gitlab.com and self-managed): `GitProvider` over GitLab's REST API (finding a branch's
 * merge requests, fork parents) and GraphQL (the status: one query per refresh).
 *
 * Conditional requests: GitLab's REST answers carry weak ETags and honour `If-None-Match` (Rails'
 * Rack::ETag and Rack::ConditionalGet), but a 304 still counts against its rate limit, and GraphQL
 * has none. So the fork lookup is conditional (it is cached anyway), and the status parts get
 * validators of their own making — a digest of what was read — so an unchanged merge request is
 * written back and published as unchanged, as a GitHub 304 is.
 */
export class GitLabProvider implements GitProvider {
  readonly id: string;
  readonly apiBaseUrl: string;
  readonly webBaseUrl: string;
  private readonly originPattern: RegExp | null;
  private readonly client: GitLabClient;
  private readonly dispatcher: Dispatcher;
  private readonly repositories: RepositoryCache;
  private readonly repositoryTtlMs: number;
  private readonly now: () => number;

  constructor(options: GitLabProviderOptions) {
    this.id = options.id;
    this.apiBaseUrl = normalizeApiBaseUrl(options.apiBaseUrl ?? DEFAULT_GITLAB_API_BASE_URL);
    this.webBaseUrl = gitLabWebBaseUrlFor(this.apiBaseUrl);
    this.originPattern = reusablePattern(options.originPattern);
    this.dispatcher = createDispatcher();
    this.repositories = options.repositories ?? inProcessCache();
    this.repositoryTtlMs = options.repositoryTtlMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
    this.client = new GitLabClient({
      apiBaseUrl: this.apiBaseUrl,
      graphqlUrl: gitLabGraphqlUrlFor(this.apiBaseUrl),
      dispatcher: this.dispatcher,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
      paddingMs: options.rateLimitPaddingMs ?? 5_000,
      userAgent: options.userAgent ?? 'gitsync',
      assumedPerMinute: options.assumedRequestsPerMinute ?? 2_000,
      now: this.now,
    });
  }

  matchesOrigin(origin: string): boolean {
    return this.originPattern ? this.originPattern.test(origin) : this.parseOrigin(origin) !== null;
  }

  parseOrigin(origin: string): RepoRef | null {
    return parseGitLabOrigin(origin, this.webBaseUrl);
  }

  parsePullRequestUrl(url: string): PullRequestRef | null {
    return parseMergeRequestUrl(url, this.webBaseUrl);
  }

  /**
   * The branch's merge requests of its own project (source and target the project itself) and,
   * when it is a fork with no open one of its own, those it opened in the project it was forked
   * from — where GitLab keeps a fork's merge requests (source project ≠ target project).
   */
  async findPullRequests(
    token: string,
    repo: RepoRef,
    branch: string,
    pacer?: RequestPacer,
  ): Promise<PullRequestSummary[]> {
    const listed = await this.listMergeRequests(token, repo, branch, pacer);
    const own = listed.filter((mr) => mr.sourceProjectId === mr.targetProjectId);
    if (own.some((mr) => mr.state === 'open')) return own.map((mr) => this.summary(repo, mr));
    const fork = await this.forkOf(token, repo, pacer);
    const ownSummaries = own.map((mr) => this.summary(repo, mr));
    if (!fork) return ownSummaries;
    const upstream = await this.listMergeRequests(token, fork.parent, branch, pacer);
    return [
      ...ownSummaries,
      ...upstream.filter((mr) => mr.sourceProjectId === fork.id).map((mr) => this.summary(fork.parent, mr)),
    ];
  }

  private summary(project: RepoRef, mr: ListedMergeRequest): PullRequestSummary {
    const ref = { webBaseUrl: this.webBaseUrl, owner: project.owner, repo: project.repo };
    return {
      ...ref,
      number: mr.iid,
      url: mergeRequestUrl(ref, mr.iid),
      state: mr.state,
      headSha: mr.headSha,
      updatedAt: mr.updatedAt,
    };
  }

  /** Every merge request of `project` from `branch`, any state, most recently updated first (following pages). */
  private async listMergeRequests(
    token: string,
    project: RepoRef,
    branch: string,
    pacer: RequestPacer | undefined,
  ): Promise<ListedMergeRequest[]> {
    const path = `${projectApiPath(project)}/merge_requests`;
    const query = { source_branch: branch, state: 'all', order_by: 'updated_at', sort: 'desc', per_page: PER_PAGE };
    const found: ListedMergeRequest[] = [];
    let request: { path: string; query?: typeof query } | null = { path, query };
    for (let page = 1; request; page += 1) {
      if (page > MAX_LIST_PAGES)
        throw new ProviderError(`GitLab GET ${path} has more than ${MAX_LIST_PAGES} pages for one branch`, {
          kind: 'malformed',
          status: 200,
        });
      const result = await this.client.get(token, request, pacer);
      if (result.notModified) break;
      found.push(...toListedMergeRequests(result.data, { what: `GET ${path} (page ${page})`, status: result.status }));
      const next = nextPage(result.headers, `${this.apiBaseUrl}${path}`, query);
      request = next === null ? null : { path: next };
    }
    return found;
  }

  /**
   * The project `repo` was forked from and `repo`'s own id (which its merge requests there name);
   * null when it is no fork. Confirmed with its ETag once the cached answer is old.
   */
  private async forkOf(
    token: string,
    repo: RepoRef,
    pacer: RequestPacer | undefined,
  ): Promise<{ id: number; parent: RepoRef } | null> {
    const key = repositoryKey(`${this.webBaseUrl}/${projectPath(repo)}`) ?? projectPath(repo);
    const cached = await this.repositories.get(key);
    const now = this.now();
    let info: RepositoryInfo | null = cached && now - cached.checkedAt < this.repositoryTtlMs ? cached : null;
    if (!info) {
      const path = projectApiPath(repo);
      const result = await this.client.get(token, { path, ifNoneMatch: cached?.etag ?? null }, pacer);
      if (result.notModified) {
        info = { ...cached!, checkedAt: now };
      } else {
        const project = toProjectInfo(result.data, { what: `GET ${path}`, status: result.status });
        const parent = project.forkedFrom === null ? null : splitPath(project.forkedFrom);
        info = { parent, id: project.id, etag: result.etag, checkedAt: now };
      }
      await this.repositories.set(key, info);
    }
    if (!info.parent || typeof info.id !== 'number') return null;
    return { id: info.id, parent: { webBaseUrl: this.webBaseUrl, ...info.parent } };
  }

  /**
   * The merge request and its verdict in one GraphQL query. Each part comes back unchanged when
   * the digest of what was read equals its validator.
   */
  async fetchPullRequestStatus(
    token: string,
    pr: PullRequestRef,
    validators: Validators,
    pacer?: RequestPacer,
  ): Promise<PullRequestStatus> {
    const mr = await this.fetchMergeRequest(token, pr, pacer);
    const pull = this.toPullRequestFields(pr, mr);
    const reviews = gitLabVerdict(mr);
    return {
      pull: conditional(pull, validators.pull ?? null),
      reviews: conditional(reviews, validators.reviews ?? null),
      checkRuns: conditional(pipelineTally(mr.pipelineStatus), validators.checkRuns ?? null),
      // GitLab's commit statuses are the pipeline's jobs: nothing more to read.
      statuses: conditional(EMPTY_TALLY, validators.statuses ?? null),
    };
  }

  /**
   * Everything read of a merge request, its head pipeline's status included (the checks state:
   * `checksStateOf`). A merge request GitLab does not show is a 404, as REST would answer.
   */
  async fetchMergeRequest(token: string, pr: PullRequestRef, pacer?: RequestPacer): Promise<GitLabMergeRequest> {
    const variables = { project: projectPath(pr), iid: String(pr.number) };
    const data = await this.client.graphql(token, MERGE_REQUEST_QUERY, variables, pacer);
    const what = `GraphQL mergeRequest ${projectPath(pr)}!${pr.number}`;
    const mr = toGitLabMergeRequest(data, { what, status: 200 });
    if (!mr)
      throw new ProviderError(`GitLab ${what}: no such merge request (or no access)`, { kind: 'http', status: 404 });
    return mr;
  }

  private toPullRequestFields(pr: PullRequestRef, mr: GitLabMergeRequest): PullRequestFields {
    return {
      url: mergeRequestUrl(pr, pr.number),
      number: mr.iid,
      state: mr.state,
      title: mr.title,
      draft: mr.draft,
      additions: mr.additions,
      deletions: mr.deletions,
      changedFiles: mr.changedFiles,
      commits: mr.commits,
      headBranch: mr.sourceBranch,
      headSha: mr.headSha,
      baseBranch: mr.targetBranch,
      authorLogin: mr.authorUsername,
      authorAvatarUrl: mr.authorAvatarUrl && new URL(mr.authorAvatarUrl, `${this.webBaseUrl}/`).href,
      // Not in the merge request query (yet): mergeability, requested reviewers and labels stay unknown.
      mergeable: null,
      mergeableState: null,
      requestedReviewerCount: null,
      labels: null,
    };
  }

  /** Closes the keep-alive connections (tests, shutdown). */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/** A validator of our own making: the digest of what was read, so that equal content reads as unchanged. */
function conditional<T>(value: T, validator: string | null): Conditional<T> {
  const digest = `"gl-${createHash('sha1').update(JSON.stringify(value)).digest('hex')}"`;
  return digest === validator ? { changed: false } : { changed: true, value, etag: digest };
}

/** `group/sub/project` → `{owner: 'group/sub', repo: 'project'}`. */
function splitPath(path: string): { owner: string; repo: string } | null {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? null : { owner: path.slice(0, slash), repo: path.slice(slash + 1) };
}

/** Creates the GitLab provider; see {@link GitLabProviderOptions}. */
export function createGitLabProvider(options: GitLabProviderOptions): GitLabProvider {
  return new GitLabProvider(options);
}
