import type { Dispatcher } from 'undici';
import { RateLimitError } from './errors.js';
import { fetchCommitChecks, type CommitChecks } from './github-checks.js';
import { GitHubClient } from './github-client.js';
import { streamGitHubDiff } from './github-diff.js';
import { getAllPages } from './github-pages.js';
import { normalizeOrigin, parseOrigin, parsePullRequestUrl, pullRequestUrl, repositoryKey } from './origin.js';
import { toListedPullRequests, toPullRequestFields, toRepositoryInfo, toReviews } from './parse-response.js';
import { aggregateReviews } from './reviews.js';
import type {
  Conditional,
  DiffProvider,
  DiffRequest,
  DiffResult,
  DiffSubject,
  GitProvider,
  PullRequestFields,
  PullRequestRef,
  PullRequestStatus,
  PullRequestSummary,
  RepoRef,
  RepositoryCache,
  RepositoryInfo,
  RequestPacer,
  ReviewVerdict,
  Validators,
} from './types.js';
import { inProcessCache, reusablePattern } from './provider-helpers.js';
import { createDispatcher, createUndiciFetch, withTimeout } from './undici-fetch.js';
import { DEFAULT_GITHUB_API_BASE_URL, normalizeApiBaseUrl, webBaseUrlFor } from './web-base.js';

export interface GitHubProviderOptions {
  /** The configured provider id (`GITSYNC_EXTERNAL_AUTH_<n>_ID`). */
  id: string;
  /** @defaultValue `https://api.github.com`; Enterprise: `https://HOST/api/v3` */
  apiBaseUrl?: string;
  /** Which origins belong to this provider. @defaultValue any origin {@link GitHubProvider.parseOrigin} accepts */
  originPattern?: RegExp;
  /** Added to every rate-limit reset time. @defaultValue 5000 */
  rateLimitPaddingMs?: number;
  /** @defaultValue `gitsync` */
  userAgent?: string;
  /** Deadline for one HTTP exchange, body included. @defaultValue 10000 */
  requestTimeoutMs?: number;
  /** Clock (ms since the epoch) for rate-limit reset times. @defaultValue `Date.now` */
  now?: () => number;
  /**
   * Replaces the built-in undici transport (tests, proxies). The deadline then covers the exchange up to
   * the response headers only, since such a fetch streams its body after returning.
   * @defaultValue a keep-alive undici adapter
   */
  fetch?: typeof fetch;
  /**
   * Where whether a repository is a fork (and of what) is kept, for every replica to see.
   * @defaultValue a map in this process
   */
  repositories?: RepositoryCache;
  /**
   * How long a repository's fork status is taken as known before it is confirmed (a 304 costs nothing).
   * @defaultValue 1 h
   */
  repositoryTtlMs?: number;
}

/** A branch's pull requests worth reading: more than this many on one branch is not a chat's. */
const PULLS_PER_BRANCH = 100;

const UNCHANGED_CHECKS: CommitChecks = { checkRuns: { changed: false }, statuses: { changed: false } };

/** More would mean a runaway `Link` chain; 50 pages is 5,000 reviews. */
const MAX_REVIEW_PAGES = 50;

/** The GitHub / GitHub Enterprise provider: `GitProvider` over @octokit/core. */
export class GitHubProvider implements GitProvider, DiffProvider {
  readonly id: string;
  readonly apiBaseUrl: string;
  readonly webBaseUrl: string;
  private readonly originPattern: RegExp | null;
  private readonly client: GitHubClient;
  private readonly dispatcher: Dispatcher | null;
  /** Connections of diff reads when a caller-supplied fetch serves the rest. */
  private diffDispatcher: Dispatcher | null = null;
  private readonly userAgent: string;
  private readonly requestTimeoutMs: number;
  private readonly paddingMs: number;
  private readonly repositories: RepositoryCache;
  private readonly repositoryTtlMs: number;
  private readonly now: () => number;

  constructor(options: GitHubProviderOptions) {
    this.id = options.id;
    this.apiBaseUrl = normalizeApiBaseUrl(options.apiBaseUrl ?? DEFAULT_GITHUB_API_BASE_URL);
    this.webBaseUrl = webBaseUrlFor(this.apiBaseUrl);
    this.originPattern = reusablePattern(options.originPattern);
    let transport = options.fetch;
    this.dispatcher = null;
    if (!transport) {
      this.dispatcher = createDispatcher();
      transport = createUndiciFetch(this.dispatcher);
    }
    this.repositories = options.repositories ?? inProcessCache();
    this.repositoryTtlMs = options.repositoryTtlMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
    this.userAgent = options.userAgent ?? 'gitsync';
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.paddingMs = options.rateLimitPaddingMs ?? 5_000;
    this.client = new GitHubClient({
      providerId: options.id,
      apiBaseUrl: this.apiBaseUrl,
      fetch: withTimeout(transport, options.requestTimeoutMs ?? 10_000),
      userAgent: options.userAgent ?? 'gitsync',
      paddingMs: options.rateLimitPaddingMs ?? 5_000,
      now: options.now ?? Date.now,
    });
  }

  matchesOrigin(origin: string): boolean {
    return this.originPattern ? this.originPattern.test(origin) : this.parseOrigin(origin) !== null;
  }

  parseOrigin(origin: string): RepoRef | null {
    return parseOrigin(normalizeOrigin(origin), this.webBaseUrl);
  }

  parsePullRequestUrl(url: string): PullRequestRef | null {
    return parsePullRequestUrl(url, this.webBaseUrl);
  }

  async findPullRequests(
    token: string,
    repo: RepoRef,
    branch: string,
    pacer?: RequestPacer,
  ): Promise<PullRequestSummary[]> {
    const head = `${repo.owner}:${branch}`;
    const own = await this.listPulls(token, repo, head, pacer);
    // The common case costs one request: the branch's open PR is in its own repository.
    if (own.some((pr) => pr.state === 'open')) return own;
    const parent = await this.parentOf(token, repo, pacer);
    if (!parent) return own;
    return [...own, ...(await this.listPulls(token, parent, head, pacer))];
  }

  /** Every pull request of `repo` whose head is `head` (`owner:branch`), any state, most recently updated first. */
  private async listPulls(
    token: string,
    repo: RepoRef,
    head: string,
    pacer: RequestPacer | undefined,
  ): Promise<PullRequestSummary[]> {
    const path = `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}/pulls`;
    const query = { head, state: 'all', sort: 'updated', direction: 'desc', per_page: PULLS_PER_BRANCH };
    const result = await this.client.get(token, { path, query }, pacer);
    if (result.notModified) return [];
    const base = { webBaseUrl: this.webBaseUrl, owner: repo.owner, repo: repo.repo };
    return toListedPullRequests(result.data, { what: `GET ${path}`, status: result.status }).map((pr) => ({
      ...base,
      ...pr,
      url: pullRequestUrl(base, pr.number),
    }));
  }

  /** The repository a fork was made from; null when `repo` is no fork. */
  private async parentOf(token: string, repo: RepoRef, pacer: RequestPacer | undefined): Promise<RepoRef | null> {
    const info = await this.repositoryInfo(token, repo, pacer);
    return info.parent && { webBaseUrl: this.webBaseUrl, ...info.parent };
  }

  /**
   * What is kept of a repository (its parent, its default branch), shared by every replica;
   * confirmed with its ETag once the cached answer is old (a 304 costs nothing).
   */
  private async repositoryInfo(token: string, repo: RepoRef, pacer: RequestPacer | undefined): Promise<RepositoryInfo> {
    const key = repositoryKey(`${this.webBaseUrl}/${repo.owner}/${repo.repo}`) ?? `${repo.owner}/${repo.repo}`;
    const cached = await this.repositories.get(key);
    const now = this.now();
    // An entry kept before default branches were read is read again.
    const known = cached && cached.defaultBranch !== undefined ? cached : null;
    if (known && now - known.checkedAt < this.repositoryTtlMs) return known;
    const path = `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}`;
    const result = await this.client.get(token, { path, ifNoneMatch: known?.etag ?? null }, pacer);
    const info: RepositoryInfo = result.notModified
      ? { ...known!, checkedAt: now }
      : {
          ...toRepositoryInfo(result.data, { what: `GET ${path}`, status: result.status }),
          etag: result.etag,
          checkedAt: now,
        };
    await this.repositories.set(key, info);
    return info;
  }

  /**
   * The unified diff of a pull request, or of a branch compared with its repository's default
   * branch (`compare/{default}...{branch}`), streamed to `request.write` (see streamGitHubDiff).
   */
  async fetchDiff(
    token: string,
    subject: DiffSubject,
    request: DiffRequest,
    pacer?: RequestPacer,
  ): Promise<DiffResult> {
    let path: string;
    if (subject.kind === 'pull') {
      const { pr } = subject;
      path = `/repos/${encodeURIComponent(pr.owner)}/${encodeURIComponent(pr.repo)}/pulls/${pr.number}`;
    } else {
      const { repo, branch } = subject;
      const base = (await this.repositoryInfo(token, repo, pacer)).defaultBranch ?? 'main';
      // Branch names keep their slashes, as GitHub spells compare URLs (`main...feature/x`).
      const ref = (name: string) => name.split('/').map(encodeURIComponent).join('/');
      const spec = `${ref(base)}...${ref(branch)}`;
      path = `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}/compare/${spec}`;
    }
    const dispatcher = this.dispatcher ?? (this.diffDispatcher ??= createDispatcher());
    return streamGitHubDiff(
      token,
      request,
      {
        dispatcher,
        url: `${this.apiBaseUrl}${path}`,
        what: `GET ${path} (diff)`,
        userAgent: this.userAgent,
        timeoutMs: this.requestTimeoutMs,
        paddingMs: this.paddingMs,
        now: this.now,
      },
      pacer,
    );
  }

  async fetchPullRequestStatus(
    token: string,
    pr: PullRequestRef,
    validators: Validators,
    pacer?: RequestPacer,
  ): Promise<PullRequestStatus> {
    const path = `/repos/${encodeURIComponent(pr.owner)}/${encodeURIComponent(pr.repo)}/pulls/${pr.number}`;
    // The PR and its reviews go out together, the head's checks once the PR named its head; if
    // several fail, a rate limit wins so the whole group backs off.
    const pullThenChecks = async () => {
      const pull = await this.fetchPull(token, path, pr, validators.pull ?? null, pacer);
      const checks = await this.fetchChecks(token, pr, pull, validators, pacer).catch((err: unknown) => {
        // The budget ran out between the PR and its checks: keep what was read (redoing the whole
        // refresh after the reset would spend the PR's requests twice); the stored checks stay as
        // they are until the next refresh. The pacer has shared the block with every replica.
        if (err instanceof RateLimitError) return UNCHANGED_CHECKS;
        throw err;
      });
      return { pull, checks };
    };
    const [pull, reviews] = await Promise.allSettled([
      pullThenChecks(),
      this.fetchReviews(token, path, validators.reviews ?? null, pacer),
    ]);
    if (pull.status === 'fulfilled' && reviews.status === 'fulfilled')
      return { pull: pull.value.pull, reviews: reviews.value, ...pull.value.checks };
    const failures = [pull, reviews].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    throw failures.find((e) => e instanceof RateLimitError) ?? failures[0];
  }

  /**
   * The checks of the PR's head: the commit it answered, or for a 304 the stored head. The check
   * validators are sent only while the head is the commit they were read for.
   */
  private async fetchChecks(
    token: string,
    pr: PullRequestRef,
    pull: Conditional<PullRequestFields>,
    validators: Validators,
    pacer: RequestPacer | undefined,
  ): Promise<CommitChecks> {
    const sha = pull.changed ? pull.value.headSha : (validators.checksSha ?? null);
    if (!sha) return UNCHANGED_CHECKS;
    const same = sha === validators.checksSha;
    const etags = {
      checkRuns: same ? (validators.checkRuns ?? null) : null,
      statuses: same ? (validators.statuses ?? null) : null,
    };
    return fetchCommitChecks(this.client, token, pr, sha, etags, pacer);
  }

  private async fetchPull(
    token: string,
    path: string,
    pr: PullRequestRef,
    etag: string | null,
    pacer: RequestPacer | undefined,
  ): Promise<Conditional<PullRequestFields>> {
    const result = await this.client.get(token, { path, ifNoneMatch: etag }, pacer);
    if (result.notModified) return { changed: false };
    const value = toPullRequestFields(result.data, pullRequestUrl(pr, pr.number), {
      what: `GET ${path}`,
      status: result.status,
    });
    return { changed: true, value, etag: result.etag };
  }

  /** All pages of reviews, aggregated into the verdict. */
  private async fetchReviews(
    token: string,
    path: string,
    etag: string | null,
    pacer: RequestPacer | undefined,
  ): Promise<Conditional<ReviewVerdict>> {
    const request = { path: `${path}/reviews`, perPage: 100, maxPages: MAX_REVIEW_PAGES, ifNoneMatch: etag };
    const reviews = await getAllPages(this.client, token, request, toReviews, pacer);
    return reviews.changed ? { changed: true, value: aggregateReviews(reviews.value), etag: reviews.etag } : reviews;
  }

  /** Closes the keep-alive connections (tests, shutdown). */
  async close(): Promise<void> {
    await Promise.all([this.dispatcher?.close(), this.diffDispatcher?.close()]);
  }
}

/** Creates the GitHub provider; see {@link GitHubProviderOptions}. */
export function createGitHubProvider(options: GitHubProviderOptions): GitHubProvider {
  return new GitHubProvider(options);
}
