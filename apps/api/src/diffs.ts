import {
  ProviderError,
  RateLimitError,
  repositoryOf,
  type DiffProvider,
  type DiffSubject,
  type GitProvider,
} from '@gitsync/gitprovider';
import { findProvider, rateLimitGroup, type GroupPacer, type TokenSource } from '@gitsync/gitsync';
import type { ChatDiffStatus } from '@gitsync/db';
import type { CachedDiff, DiffCache } from './diff-cache.js';
import { HttpError } from './errors.js';

/** GitHub's own cap on a diff it serves through the API is higher; a chat's reader needs no more. */
export const MAX_DIFF_BYTES = 4 * 1024 * 1024;

export interface DiffSourceOptions {
  providers: readonly GitProvider[];
  tokens: TokenSource;
  /** The rate-limit groups the workers use: a diff never bypasses them. */
  pacer: GroupPacer;
  cache: DiffCache;
  /** @defaultValue {@link MAX_DIFF_BYTES} */
  maxBytes?: number;
}

const servesDiffs = (provider: GitProvider): provider is GitProvider & DiffProvider =>
  typeof (provider as Partial<DiffProvider>).fetchDiff === 'function';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

/**
 * A chat's diff: its pull request's, or its branch compared with the repository's default branch
 * when it has no PR; read with the owner's token through the owner's rate-limit group, and kept
 * in the cache with its ETag so that reading it again costs a 304.
 */
export class DiffSource {
  private readonly maxBytes: number;

  constructor(private readonly options: DiffSourceOptions) {
    this.maxBytes = options.maxBytes ?? MAX_DIFF_BYTES;
  }

  async read(ownerId: string, status: ChatDiffStatus | null): Promise<CachedDiff> {
    if (!status || status.gitBranch === '' || status.gitRemoteOrigin === '')
      throw new HttpError(404, 'no diff', 'the chat has no branch reported yet (POST …/git)');
    const provider = findProvider(this.options.providers, status.gitRemoteOrigin);
    if (!provider)
      throw new HttpError(
        422,
        'no provider for origin',
        `no configured provider matches ${repositoryOf(status.gitRemoteOrigin)}`,
      );
    if (!servesDiffs(provider))
      throw new HttpError(501, 'no diffs from this provider', `provider ${provider.id} does not serve diffs (yet)`);
    const subject = this.subjectOf(provider, status);
    const key = this.options.cache.key(
      provider.id,
      ownerId,
      subject.kind === 'pull' ? subject.pr.url : `${status.repoKey}\n${subject.branch}`,
    );
    const token = await this.options.tokens.getToken(provider.id, ownerId);
    if (!token)
      throw new HttpError(409, 'no token linked', `the chat's owner has linked no token for provider ${provider.id}`);

    const cached = await this.options.cache.get(key);
    const write = this.options.cache.begin(key, cached);
    let result;
    try {
      result = await provider.fetchDiff(
        token,
        subject,
        { ifNoneMatch: cached?.etag ?? null, maxBytes: this.maxBytes, write: (chunk) => write.append(chunk) },
        // A user waits for the diff.
        this.options.pacer.forGroup(rateLimitGroup(provider.id, ownerId), { urgent: true }),
      );
    } catch (err) {
      await write.abort();
      throw httpErrorOf(err, subject);
    }
    if (result.kind === 'not_modified' && cached) {
      await write.abort();
      await this.options.cache.touch(key);
      return cached;
    }
    if (result.kind === 'too_large') {
      await write.abort();
      throw new HttpError(
        413,
        'diff too large',
        `the diff is larger than ${mib(result.maxBytes)}, the most served; read it on the provider instead`,
      );
    }
    if (result.kind === 'not_modified') {
      // A 304 for a copy that expired meanwhile: nothing to serve, and nothing was sent with it.
      await write.abort();
      throw new HttpError(502, 'provider answered 304 without a cached copy', 'try again');
    }
    return write.commit(result.etag, result.bytes);
  }

  private subjectOf(provider: GitProvider, status: ChatDiffStatus): DiffSubject {
    if (status.url) {
      const pr = provider.parsePullRequestUrl(status.url);
      if (!pr) throw new HttpError(422, 'unusable pull request url', `cannot parse ${status.url}`);
      return { kind: 'pull', pr };
    }
    const repo = provider.parseOrigin(status.gitRemoteOrigin);
    if (!repo)
      throw new HttpError(422, 'unusable remote origin', `cannot parse ${repositoryOf(status.gitRemoteOrigin)}`);
    return { kind: 'branch', repo, branch: status.gitBranch };
  }
}

/** A provider's failure as an answer: never 5xx for what the owner or the repository can fix. */
function httpErrorOf(err: unknown, subject: DiffSubject): unknown {
  if (err instanceof RateLimitError) {
    const seconds = Math.max(1, Math.ceil((err.resetAt.getTime() - Date.now()) / 1000));
    return new HttpError(
      503,
      "provider rate limit of the owner's token",
      `try again in ${seconds} s (at ${err.resetAt.toISOString()})`,
      { 'retry-after': String(seconds) },
    );
  }
  if (!(err instanceof ProviderError)) return err;
  // GitHub refuses diffs past its own limits (300 files, 20,000 lines) with a 406.
  if (err.is(406))
    return new HttpError(413, 'diff too large', `the provider does not serve a diff this large: ${err.message}`);
  if (err.is(401) || err.is(403))
    return new HttpError(409, "the owner's token was refused", `${err.message}; link a token that can read it`);
  if (err.is(404) || err.is(422)) {
    const what = subject.kind === 'pull' ? 'the pull request' : `branch ${subject.branch} compared with the default`;
    return new HttpError(404, 'no diff', `the provider has no diff of ${what}: ${err.message}`);
  }
  return new HttpError(502, 'provider failed', err.message);
}
