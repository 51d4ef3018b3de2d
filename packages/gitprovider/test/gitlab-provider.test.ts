import { startFakeGitLab, type FakeGitLab } from '@gitsync/gitlab-fake';
import {
  createGitLabProvider,
  ProviderError,
  RateLimitError,
  refreshOAuthToken,
  type GitLabProvider,
  type PullRequestRef,
  type RequestPacer,
  type ResponseInfo,
} from '../src/index.js';

const TOKEN = 'glpat-agent-token';
const P = 'acme/app';
let gl: FakeGitLab;
let provider: GitLabProvider;

beforeEach(async () => {
  gl = await startFakeGitLab();
  gl.addToken(TOKEN, { username: 'agent' });
  provider = createGitLabProvider({ id: 'gitlab', apiBaseUrl: gl.apiBaseUrl, rateLimitPaddingMs: 0 });
});

afterEach(async () => {
  await provider.close();
  await gl.close();
});

const ref = (project: string, iid: number): PullRequestRef =>
  provider.parsePullRequestUrl(`${gl.url}/${project}/-/merge_requests/${iid}`)!;
const originOf = (project: string) => provider.parseOrigin(`${gl.url}/${project}.git`)!;

/** A pacer that records what every answer told it. */
function recordingPacer(): RequestPacer & { infos: ResponseInfo[] } {
  const infos: ResponseInfo[] = [];
  return { infos, acquire: async () => (info) => void infos.push(info) };
}

describe('finding a branch’s merge requests', () => {
  it('lists every state of a nested-group project’s branch, newest first, in one request', async () => {
    const first = gl.createMergeRequest({ project: 'acme/platform/api', sourceBranch: 'feat/x', title: 'first' });
    gl.updateMergeRequest('acme/platform/api', first.iid, { state: 'closed' });
    const second = gl.createMergeRequest({ project: 'acme/platform/api', sourceBranch: 'feat/x', title: 'second' });
    gl.updateMergeRequest('acme/platform/api', second.iid, { state: 'merged' });
    gl.createMergeRequest({ project: 'acme/platform/api', sourceBranch: 'other' });
    gl.clearRequests();

    const found = await provider.findPullRequests(TOKEN, originOf('acme/platform/api'), 'feat/x');
    expect(found.map((mr) => [mr.number, mr.state])).toEqual([
      [second.iid, 'merged'],
      [first.iid, 'closed'],
    ]);
    expect(found[0]).toMatchObject({ owner: 'acme/platform', repo: 'api', url: second.webUrl, headSha: second.sha });
    // Closed only: whether the project is a fork is asked (once), then nothing more.
    expect(gl.requests.map((r) => r.path.split('?')[0])).toEqual([
      '/api/v4/projects/acme%2Fplatform%2Fapi/merge_requests',
      '/api/v4/projects/acme%2Fplatform%2Fapi',
    ]);
    gl.createMergeRequest({ project: 'acme/platform/api', sourceBranch: 'feat/x', title: 'open' });
    gl.clearRequests();
    expect((await provider.findPullRequests(TOKEN, originOf('acme/platform/api'), 'feat/x')).length).toBe(3);
    expect(gl.requests).toHaveLength(1);
  });

  it('finds a fork’s merge request upstream, and not another fork’s of the same branch', async () => {
    gl.addProject('mallory/api', { forkOf: 'acme/api' });
    gl.createMergeRequest({
      project: 'acme/api',
      sourceProject: 'mallory/api',
      sourceBranch: 'main',
      title: 'mallory',
    });
    const ours = gl.createMergeRequest({ project: 'acme/api', sourceProject: 'dev/api', sourceBranch: 'main' });
    gl.createMergeRequest({ project: 'acme/api', sourceBranch: 'main', title: 'upstream’s own main' });

    const found = await provider.findPullRequests(TOKEN, originOf('dev/api'), 'main');
    expect(found).toEqual([
      expect.objectContaining({ owner: 'acme', repo: 'api', number: ours.iid, url: ours.webUrl }),
    ]);
    // The fork lookup is kept: asking again lists both projects' merge requests only.
    gl.clearRequests();
    await provider.findPullRequests(TOKEN, originOf('dev/api'), 'main');
    expect(gl.requests.map((r) => r.path.split('?')[0])).toEqual([
      '/api/v4/projects/dev%2Fapi/merge_requests',
      '/api/v4/projects/acme%2Fapi/merge_requests',
    ]);
  });

  it('follows the pages of a branch with more merge requests than a page holds', async () => {
    for (let i = 0; i < 130; i++) {
      const mr = gl.createMergeRequest({ project: 'acme/app', sourceBranch: 'busy' });
      gl.updateMergeRequest('acme/app', mr.iid, { state: 'closed' });
    }
    const found = await provider.findPullRequests(TOKEN, originOf('acme/app'), 'busy');
    expect(found).toHaveLength(130);
    expect(new Set(found.map((mr) => mr.number)).size).toBe(130);
    const pages = gl.requests.filter((r) => r.path.includes('/merge_requests?'));
    expect(pages).toHaveLength(2);
    expect(pages[1]!.path).toContain('page=2');
  });
});

describe('a merge request’s status', () => {
  it.each([
    ['opened', 'open'],
    ['merged', 'merged'],
    ['closed', 'closed'],
    ['locked', 'closed'],
  ] as const)('GitLab state %s reads as %s, with every field in one GraphQL request', async (state, expected) => {
    const mr = gl.createMergeRequest({
      project: 'acme/platform/api',
      sourceBranch: 'feat/y',
      targetBranch: 'develop',
      title: 'Add Y',
      draft: true,
      author: 'dana',
      additions: 120,
      deletions: 7,
      changedFiles: 4,
      commits: 3,
    });
    gl.updateMergeRequest('acme/platform/api', mr.iid, { state });
    gl.clearRequests();
    const status = await provider.fetchPullRequestStatus(TOKEN, ref('acme/platform/api', mr.iid), {});
    expect(status.pull).toEqual({
      changed: true,
      etag: expect.any(String),
      value: {
        url: mr.webUrl,
        number: mr.iid,
        state: expected,
        title: 'Add Y',
        draft: true,
        additions: 120,
        deletions: 7,
        changedFiles: 4,
        commits: 3,
        headBranch: 'feat/y',
        headSha: mr.sha,
        baseBranch: 'develop',
        authorLogin: 'dana',
        authorAvatarUrl: expect.stringMatching(
          new RegExp(`^${gl.url}/uploads/-/system/user/avatar/\\d+/avatar\\.png$`),
        ),
        mergeable: null,
        mergeableState: null,
        requestedReviewerCount: null,
        labels: null,
      },
    });
    expect(gl.requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/api/graphql', operation: 'gitsyncMergeRequest' }),
    ]);
  });

  type Step = (iid: number) => void;
  it.each<[string, Step[], { approved: boolean; changesRequested: boolean; reviewerCount: number }]>([
    ['nobody reviewed', [], { approved: false, changesRequested: false, reviewerCount: 0 }],
    [
      'a reviewer only commented',
      [(i) => gl.setReviewer(P, i, 'bob', 'REVIEWED')],
      { approved: false, changesRequested: false, reviewerCount: 0 },
    ],
    [
      'one approval, none required',
      [(i) => gl.approve(P, i, 'bob')],
      { approved: true, changesRequested: false, reviewerCount: 1 },
    ],
    [
      'one approval of two required',
      [(i) => gl.updateMergeRequest(P, i, { approvalsRequired: 2 }), (i) => gl.approve(P, i, 'bob')],
      { approved: false, changesRequested: false, reviewerCount: 1 },
    ],
    [
      'two of two required',
      [
        (i) => gl.updateMergeRequest(P, i, { approvalsRequired: 2 }),
        (i) => gl.approve(P, i, 'bob'),
        (i) => gl.approve(P, i, 'Carol'),
      ],
      { approved: true, changesRequested: false, reviewerCount: 2 },
    ],
    [
      'an approval and a request for changes',
      [(i) => gl.approve(P, i, 'bob'), (i) => gl.setReviewer(P, i, 'carol', 'REQUESTED_CHANGES')],
      { approved: false, changesRequested: true, reviewerCount: 2 },
    ],
    [
      'changes requested, then approved by the same person',
      [(i) => gl.setReviewer(P, i, 'bob', 'REQUESTED_CHANGES'), (i) => gl.approve(P, i, 'bob')],
      { approved: true, changesRequested: false, reviewerCount: 1 },
    ],
    [
      'approved, then changes requested by the same person',
      [
        (i) => gl.setReviewer(P, i, 'bob', 'UNREVIEWED'),
        (i) => gl.approve(P, i, 'bob'),
        (i) => gl.setReviewer(P, i, 'bob', 'REQUESTED_CHANGES'),
      ],
      { approved: false, changesRequested: true, reviewerCount: 1 },
    ],
    [
      'an approval taken back',
      [
        (i) => gl.setReviewer(P, i, 'bob', 'UNREVIEWED'),
        (i) => gl.approve(P, i, 'bob'),
        (i) => gl.unapprove(P, i, 'bob'),
      ],
      { approved: false, changesRequested: false, reviewerCount: 0 },
    ],
  ])('%s', async (_name, steps, verdict) => {
    const mr = gl.createMergeRequest({ project: P, sourceBranch: 'review' });
    for (const step of steps) step(mr.iid);
    const status = await provider.fetchPullRequestStatus(TOKEN, ref(P, mr.iid), {});
    expect(status.reviews).toEqual({ changed: true, value: verdict, etag: expect.any(String) });
  });

  it('answers unchanged parts as unchanged when their validators still match', async () => {
    const mr = gl.createMergeRequest({ project: P, sourceBranch: 'v' });
    const first = await provider.fetchPullRequestStatus(TOKEN, ref(P, mr.iid), {});
    if (!first.pull.changed || !first.reviews.changed || !first.checkRuns.changed || !first.statuses.changed)
      throw new Error('first read must be a change');
    const validators = {
      pull: first.pull.etag,
      reviews: first.reviews.etag,
      checkRuns: first.checkRuns.etag,
      statuses: first.statuses.etag,
    };
    expect(await provider.fetchPullRequestStatus(TOKEN, ref(P, mr.iid), validators)).toEqual({
      pull: { changed: false },
      reviews: { changed: false },
      checkRuns: { changed: false },
      statuses: { changed: false },
    });
    gl.approve(P, mr.iid, 'bob');
    const after = await provider.fetchPullRequestStatus(TOKEN, ref(P, mr.iid), validators);
    expect(after.pull).toEqual({ changed: false });
    expect(after.reviews).toMatchObject({ changed: true, value: { approved: true } });
    gl.updateMergeRequest(P, mr.iid, { title: 'renamed' });
    expect((await provider.fetchPullRequestStatus(TOKEN, ref(P, mr.iid), validators)).pull).toMatchObject({
      changed: true,
      value: { title: 'renamed' },
    });
  });

  it('keeps the head pipeline’s status for the checks state', async () => {
    const mr = gl.createMergeRequest({ project: P, sourceBranch: 'ci', pipeline: 'running' });
    expect((await provider.fetchMergeRequest(TOKEN, ref(P, mr.iid))).pipelineStatus).toBe('RUNNING');
    gl.updateMergeRequest(P, mr.iid, { pipeline: 'failed' });
    expect((await provider.fetchMergeRequest(TOKEN, ref(P, mr.iid))).pipelineStatus).toBe('FAILED');
  });

  it('reads the head pipeline as one check of the head', async () => {
    const mr = gl.createMergeRequest({ project: P, sourceBranch: 'ci-tally', pipeline: 'running' });
    const running = await provider.fetchPullRequestStatus(TOKEN, ref(P, mr.iid), {});
    expect(running.checkRuns).toMatchObject({ changed: true, value: { pending: 1, passed: 0, failed: 0 } });
    gl.updateMergeRequest(P, mr.iid, { pipeline: 'failed' });
    const failed = await provider.fetchPullRequestStatus(TOKEN, ref(P, mr.iid), {});
    expect(failed.checkRuns).toMatchObject({ changed: true, value: { failed: 1, pending: 0 } });
    const noPipeline = gl.createMergeRequest({ project: P, sourceBranch: 'no-ci' });
    const none = await provider.fetchPullRequestStatus(TOKEN, ref(P, noPipeline.iid), {});
    expect(none.checkRuns).toMatchObject({ value: { passed: 0, failed: 0, pending: 0, neutral: 0 } });
  });
});

describe('failures', () => {
  it('a merge request GitLab does not show is a 404, as REST answers it', async () => {
    gl.addProject(P);
    const err = await provider.fetchPullRequestStatus(TOKEN, ref(P, 99), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).is(404)).toBe(true);
  });

  it('a token GitLab refuses is a 401, and the token is in no message', async () => {
    const mr = gl.createMergeRequest({ project: P, sourceBranch: 'x' });
    const err = await provider.fetchPullRequestStatus('glpat-revoked', ref(P, mr.iid), {}).catch((e: unknown) => e);
    expect((err as ProviderError).is(401)).toBe(true);
    expect((err as Error).message).not.toContain('glpat-revoked');
  });

  it.each([
    ['error500', 'http', true],
    ['garbage', 'malformed', false],
    ['forbidden', 'http', false],
  ] as const)('%s is a %s failure (transient: %s)', async (mode, kind, transient) => {
    const mr = gl.createMergeRequest({ project: P, sourceBranch: 'x' });
    gl.failProject(P, mode);
    const err = (await provider
      .fetchPullRequestStatus(TOKEN, ref(P, mr.iid), {})
      .catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect([err.kind, err.transient]).toEqual([kind, transient]);
  });
});

describe('rate limits', () => {
  it('a 429 blocks until Retry-After / RateLimit-Reset, and the pacer hears it', async () => {
    const mr = gl.createMergeRequest({ project: P, sourceBranch: 'x' });
    gl.forceRateLimit(TOKEN, 30_000);
    const pacer = recordingPacer();
    const before = Date.now();
    const err = await provider.fetchPullRequestStatus(TOKEN, ref(P, mr.iid), {}, pacer).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    const resetAt = (err as RateLimitError).resetAt.getTime();
    expect(resetAt).toBeGreaterThanOrEqual(before + 28_000);
    expect(pacer.infos).toEqual([
      expect.objectContaining({ status: 429, blockedUntil: (err as RateLimitError).resetAt }),
    ]);
  });

  it('a spent budget answers 429 with its headers; a 403 is no rate limit', async () => {
    gl.addToken('small', { username: 'agent', budget: 1, windowMs: 60_000 });
    const mr = gl.createMergeRequest({ project: P, sourceBranch: 'x' });
    await provider.fetchPullRequestStatus('small', ref(P, mr.iid), {});
    await expect(provider.fetchPullRequestStatus('small', ref(P, mr.iid), {})).rejects.toBeInstanceOf(RateLimitError);
    gl.failProject(P, 'forbidden');
    await expect(provider.fetchPullRequestStatus(TOKEN, ref(P, mr.iid), {})).rejects.toBeInstanceOf(ProviderError);
  });

  it('reports announced budgets, and an assumed one where GitLab announces none', async () => {
    const mr = gl.createMergeRequest({ project: P, sourceBranch: 'x' });
    const quiet = recordingPacer();
    await provider.fetchPullRequestStatus(TOKEN, ref(P, mr.iid), {}, quiet);
    expect(quiet.infos[0]).toMatchObject({ status: 200, remaining: 2000, blockedUntil: null });
    const loud = await startFakeGitLab({ rateLimitHeaders: 'always' });
    loud.addToken(TOKEN, { username: 'agent', budget: 50 });
    const copy = loud.createMergeRequest({ project: P, sourceBranch: 'x' });
    const other = createGitLabProvider({ id: 'gitlab', apiBaseUrl: loud.apiBaseUrl });
    const pacer = recordingPacer();
    try {
      await other.fetchPullRequestStatus(TOKEN, other.parsePullRequestUrl(copy.webUrl)!, {}, pacer);
      expect(pacer.infos[0]).toMatchObject({ status: 200, remaining: 49 });
    } finally {
      await other.close();
      await loud.close();
    }
  });
});

describe('OAuth refresh at /oauth/token', () => {
  it('rotates refresh tokens: the new access token works, the used refresh token does not again', async () => {
    gl.addRefreshToken('refresh-1', { username: 'agent' });
    const renewed = await refreshOAuthToken({
      tokenUrl: gl.tokenUrl,
      clientId: 'app',
      clientSecret: 's',
      refreshToken: 'refresh-1',
    });
    expect(renewed.refreshToken).not.toBe('refresh-1');
    expect(renewed.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 7_000_000);
    const mr = gl.createMergeRequest({ project: P, sourceBranch: 'x' });
    await expect(provider.fetchPullRequestStatus(renewed.accessToken, ref(P, mr.iid), {})).resolves.toBeDefined();
    const again = await refreshOAuthToken({
      tokenUrl: gl.tokenUrl,
      clientId: 'app',
      clientSecret: 's',
      refreshToken: 'refresh-1',
    }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ProviderError);
    expect((again as Error).message).toMatch(/400.*invalid_grant/);
  });
});
