import { startFakeGitHub } from '../src/index.js';
import type { FakeGitHub } from '../src/index.js';
import { arr, call, links, obj } from './helpers.js';

let fake: FakeGitHub;
const T = 'checks-token';
const DIFF = { accept: 'application/vnd.github.diff' };

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.addToken(T, { login: 'agent', budget: 1000 });
});
afterAll(() => fake.close());

describe('GET /repos/{o}/{r}/commits/{sha}/check-runs', () => {
  it('pages check runs up to 100 a page with a Link header, and 304s while nothing changed', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'ci', head: 'many-runs' });
    for (let i = 0; i < 130; i++)
      fake.addCheckRun('acme', 'ci', pr.headSha, { name: `job-${i}`, conclusion: 'success' });
    const path = `/repos/acme/ci/commits/${pr.headSha}/check-runs`;
    const first = await call(fake, `${path}?per_page=500`, { token: T });
    expect(first.status).toBe(200);
    expect(obj(first.json).total_count).toBe(130);
    expect(arr(obj(first.json).check_runs)).toHaveLength(100);
    const next = links(first.headers.get('link')).next ?? '';
    expect(next).toContain('page=2');
    const second = await call(fake, next.slice(fake.apiBaseUrl.length), { token: T });
    expect(arr(obj(second.json).check_runs).map((r) => r.name)).toEqual(
      Array.from({ length: 30 }, (_, i) => `job-${100 + i}`),
    );
    expect(arr(obj(second.json).check_runs)[0]).toMatchObject({ head_sha: pr.headSha, status: 'completed' });

    const etag = first.headers.get('etag') ?? '';
    const again = await call(fake, `${path}?per_page=500`, { token: T, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    fake.addCheckRun('acme', 'ci', pr.headSha, { name: 'late' });
    const changed = await call(fake, `${path}?per_page=500`, { token: T, headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
  });

  it('shows the latest run of each name, and a run updated from queued to failure', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'ci', head: 'rerun' });
    fake.addCheckRun('acme', 'ci', pr.headSha, { name: 'build', conclusion: 'failure' });
    const rerun = fake.addCheckRun('acme', 'ci', pr.headSha, { name: 'build' });
    const path = `/repos/acme/ci/commits/${pr.headSha}/check-runs`;
    const queued = arr(obj((await call(fake, path, { token: T })).json).check_runs);
    expect(queued.map((r) => [r.name, r.status, r.conclusion])).toEqual([['build', 'queued', null]]);
    fake.updateCheckRun('acme', 'ci', rerun.id, { conclusion: 'failure' });
    const done = arr(obj((await call(fake, path, { token: T })).json).check_runs);
    expect(done.map((r) => [r.status, r.conclusion])).toEqual([['completed', 'failure']]);
    expect(arr(obj((await call(fake, `${path}?filter=all`, { token: T })).json).check_runs)).toHaveLength(2);
  });

  it('answers an empty list for a commit without runs', async () => {
    const reply = await call(fake, `/repos/acme/ci/commits/${'0'.repeat(40)}/check-runs`, { token: T });
    expect(reply.json).toEqual({ total_count: 0, check_runs: [] });
  });
});

describe('GET /repos/{o}/{r}/commits/{sha}/status', () => {
  it('combines the latest status of each context, with an ETag', async () => {
    const sha = 'a'.repeat(40);
    const path = `/repos/acme/ci/commits/${sha}/status`;
    expect(obj((await call(fake, path, { token: T })).json)).toMatchObject({ state: 'pending', total_count: 0 });
    fake.setCommitStatus('acme', 'ci', sha, { context: 'ci/lint', state: 'success' });
    fake.setCommitStatus('acme', 'ci', sha, { context: 'ci/test', state: 'pending' });
    const pending = await call(fake, path, { token: T });
    expect(obj(pending.json)).toMatchObject({ state: 'pending', total_count: 2, sha });
    fake.setCommitStatus('acme', 'ci', sha, { context: 'ci/test', state: 'error' });
    const failed = await call(fake, path, {
      token: T,
      headers: { 'if-none-match': pending.headers.get('etag') ?? '' },
    });
    expect(failed.status).toBe(200);
    expect(obj(failed.json).state).toBe('failure');
    expect(arr(obj(failed.json).statuses).map((s) => [s.context, s.state])).toEqual([
      ['ci/lint', 'success'],
      ['ci/test', 'error'],
    ]);
    const same = await call(fake, path, { token: T, headers: { 'if-none-match': failed.headers.get('etag') ?? '' } });
    expect(same.status).toBe(304);
  });
});

describe('diffs', () => {
  it("answers a pull request's diff for the diff media type, byte for byte, with an ETag", async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'diffs', head: 'feature', title: 'Add a feature' });
    const path = `/repos/acme/diffs/pulls/${pr.number}`;
    const byDefault = await call(fake, path, { token: T, headers: DIFF });
    expect(byDefault.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(byDefault.text).toContain('+Add a feature');
    const diff = 'diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+néw\n';
    fake.setPullRequestDiff('acme', 'diffs', pr.number, diff);
    const set = await call(fake, path, { token: T, headers: DIFF });
    expect(set.text).toBe(diff);
    const etag = set.headers.get('etag') ?? '';
    expect((await call(fake, path, { token: T, headers: { ...DIFF, 'if-none-match': etag } })).status).toBe(304);
    // The JSON answer is still there for the JSON media type.
    expect(obj((await call(fake, path, { token: T })).json).number).toBe(pr.number);
  });

  it('answers a branch compared with the default branch, slashes included; 404 for others', async () => {
    fake.setBranchDiff('acme', 'diffs', 'agent/no-pr', 'diff --git a/y b/y\n');
    const reply = await call(fake, '/repos/acme/diffs/compare/main...agent/no-pr', { token: T, headers: DIFF });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('diff --git a/y b/y\n');
    expect((await call(fake, '/repos/acme/diffs/compare/main...other', { token: T, headers: DIFF })).status).toBe(404);
  });

  it('serves mergeability, requested reviewers and labels on the pull request', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'diffs', head: 'meta' });
    fake.updatePullRequest('acme', 'diffs', pr.number, {
      mergeable: false,
      mergeableState: 'dirty',
      requestedReviewers: ['bob', 'carol'],
      labels: ['bug', 'ui'],
    });
    const json = obj((await call(fake, `/repos/acme/diffs/pulls/${pr.number}`, { token: T })).json);
    expect(json).toMatchObject({ mergeable: false, mergeable_state: 'dirty' });
    expect(arr(json.requested_reviewers).map((u) => u.login)).toEqual(['bob', 'carol']);
    expect(arr(json.labels).map((l) => l.name)).toEqual(['bug', 'ui']);
    fake.updatePullRequest('acme', 'diffs', pr.number, { mergeable: null, mergeableState: 'unknown' });
    const unknown = obj((await call(fake, `/repos/acme/diffs/pulls/${pr.number}`, { token: T })).json);
    expect(unknown).toMatchObject({ mergeable: null, mergeable_state: 'unknown' });
  });
});
