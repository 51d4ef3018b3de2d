import { startFakeGitHub } from '../src/index.js';
import type { FakeGitHub } from '../src/index.js';
import { arr, call, links, obj } from './helpers.js';

let fake: FakeGitHub;
const T = 'pulls-token';

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.addToken(T, { login: 'agent' });
});
afterAll(() => fake?.close());

const findPath = (
  owner: string,
  repo: string,
  branch: string,
  extra = '&state=open&sort=updated&direction=desc&per_page=1',
) => `/repos/${owner}/${repo}/pulls?head=${encodeURIComponent(`${owner}:${branch}`)}${extra}`;

describe('GET /repos/{o}/{r}/pulls', () => {
  it('finds a pull request by a head branch with slashes and unicode', async () => {
    const branch = 'agent/fix-ümlaut/日本語';
    fake.createPullRequest({ owner: 'acme', repo: 'widgets', head: 'other-branch' });
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'widgets', head: branch, title: 'Fix umlauts' });
    const reply = await call(fake, findPath('acme', 'widgets', branch), { token: T });
    expect(reply.status).toBe(200);
    const list = arr(reply.json);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ number: pr.number, title: 'Fix umlauts', html_url: pr.htmlUrl, state: 'open' });
    expect(obj(list[0]?.head)).toMatchObject({ ref: branch, label: `acme:${branch}`, sha: pr.headSha });
    expect(reply.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
  });

  it('answers an empty list for an unknown branch, another owner, or a closed PR when asking for open', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'gadgets', head: 'feature/x' });
    expect(arr((await call(fake, findPath('acme', 'gadgets', 'feature/y'), { token: T })).json)).toEqual([]);
    const otherOwner = `/repos/acme/gadgets/pulls?head=${encodeURIComponent('someone:feature/x')}`;
    expect(arr((await call(fake, otherOwner, { token: T })).json)).toEqual([]);
    fake.updatePullRequest('acme', 'gadgets', pr.number, { state: 'closed' });
    expect(arr((await call(fake, findPath('acme', 'gadgets', 'feature/x'), { token: T })).json)).toEqual([]);
    const closed = await call(fake, findPath('acme', 'gadgets', 'feature/x', '&state=closed'), { token: T });
    expect(arr(closed.json).map((p) => p.number)).toEqual([pr.number]);
  });

  it('sorts by updated_at descending and pages with per_page/page', async () => {
    const a = fake.createPullRequest({ owner: 'acme', repo: 'sorted', head: 'same' });
    const b = fake.createPullRequest({ owner: 'acme', repo: 'sorted', head: 'same' });
    const c = fake.createPullRequest({ owner: 'acme', repo: 'sorted', head: 'same' });
    fake.updatePullRequest('acme', 'sorted', a.number, { title: 'touched last' });
    const all = await call(fake, findPath('acme', 'sorted', 'same', '&sort=updated&direction=desc'), { token: T });
    expect(arr(all.json).map((p) => p.number)).toEqual([a.number, c.number, b.number]);
    const first = await call(fake, findPath('acme', 'sorted', 'same', '&sort=updated&direction=desc&per_page=1'), {
      token: T,
    });
    expect(arr(first.json).map((p) => p.number)).toEqual([a.number]);
    const second = await call(
      fake,
      findPath('acme', 'sorted', 'same', '&sort=updated&direction=desc&per_page=2&page=2'),
      { token: T },
    );
    expect(arr(second.json).map((p) => p.number)).toEqual([b.number]);
    const byCreated = await call(fake, '/repos/acme/sorted/pulls', { token: T });
    expect(arr(byCreated.json).map((p) => p.number)).toEqual([c.number, b.number, a.number]);
  });

  it(
    'with state=all sorted by updated desc answers closed and merged PRs too, ' + 'most recently updated first',
    async () => {
      const merged = fake.createPullRequest({ owner: 'acme', repo: 'every', head: 'reused' });
      const closed = fake.createPullRequest({ owner: 'acme', repo: 'every', head: 'reused' });
      const open = fake.createPullRequest({ owner: 'acme', repo: 'every', head: 'reused' });
      fake.updatePullRequest('acme', 'every', closed.number, { state: 'closed' });
      fake.updatePullRequest('acme', 'every', merged.number, { merged: true });
      const extra = '&state=all&sort=updated&direction=desc';
      const all = arr((await call(fake, findPath('acme', 'every', 'reused', extra), { token: T })).json);
      expect(all.map((p) => [p.number, p.state, p.merged_at === null])).toEqual([
        [merged.number, 'closed', false],
        [closed.number, 'closed', true],
        [open.number, 'open', true],
      ]);
      fake.updatePullRequest('acme', 'every', open.number, { title: 'touched' });
      const reordered = await call(fake, findPath('acme', 'every', 'reused', `${extra}&per_page=2`), { token: T });
      expect(arr(reordered.json).map((p) => p.number)).toEqual([open.number, merged.number]);
      const whole = arr(
        (await call(fake, `/repos/acme/every/pulls?state=all&sort=updated&direction=desc`, { token: T })).json,
      );
      expect(whole.map((p) => p.number)).toEqual([open.number, merged.number, closed.number]);
    },
  );

  it('pages up to 100 per page', async () => {
    for (let i = 0; i < 105; i++) fake.createPullRequest({ owner: 'acme', repo: 'many', head: 'many' });
    const path = (extra: string) => findPath('acme', 'many', 'many', `&state=all${extra}`);
    const first = await call(fake, path('&per_page=100'), { token: T });
    expect(arr(first.json)).toHaveLength(100);
    expect(links(first.headers.get('link')).next).toContain('page=2');
    expect(arr((await call(fake, path('&per_page=100&page=2'), { token: T })).json)).toHaveLength(5);
    // GitHub caps per_page at 100.
    expect(arr((await call(fake, path('&per_page=250'), { token: T })).json)).toHaveLength(100);
    expect(arr((await call(fake, path(''), { token: T })).json)).toHaveLength(30);
  });

  it('answers 404 for an unknown repository and 422 for a bad state', async () => {
    const missing = await call(fake, '/repos/nobody/nothing/pulls', { token: T });
    expect(missing.status).toBe(404);
    expect(obj(missing.json)).toMatchObject({ message: 'Not Found', documentation_url: expect.any(String) });
    fake.addRepo('acme', 'empty');
    expect(arr((await call(fake, '/repos/acme/empty/pulls', { token: T })).json)).toEqual([]);
    expect((await call(fake, '/repos/acme/empty/pulls?state=weird', { token: T })).status).toBe(422);
  });
});

describe('GET /repos/{o}/{r}/pulls/{n}', () => {
  it('serves every status field the provider reads', async () => {
    const pr = fake.createPullRequest({
      owner: 'acme',
      repo: 'detail',
      head: 'feat/a',
      base: 'develop',
      title: 'Add A',
      draft: true,
      author: 'alice',
      additions: 10,
      deletions: 3,
      changedFiles: 2,
      commits: 4,
      body: 'hello',
    });
    const reply = await call(fake, `/repos/acme/detail/pulls/${pr.number}`, { token: T });
    expect(reply.status).toBe(200);
    const json = obj(reply.json);
    expect(json).toMatchObject({
      number: pr.number,
      title: 'Add A',
      state: 'open',
      merged: false,
      merged_at: null,
      draft: true,
      additions: 10,
      deletions: 3,
      changed_files: 2,
      commits: 4,
      body: 'hello',
      html_url: `${fake.url}/acme/detail/pull/${pr.number}`,
      url: `${fake.apiBaseUrl}/repos/acme/detail/pulls/${pr.number}`,
    });
    expect(obj(json.head)).toMatchObject({ ref: 'feat/a', sha: pr.headSha, label: 'acme:feat/a' });
    expect(obj(obj(json.head).repo)).toMatchObject({ full_name: 'acme/detail', name: 'detail' });
    expect(obj(json.base)).toMatchObject({ ref: 'develop' });
    expect(obj(json.user)).toMatchObject({
      login: 'alice',
      avatar_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/avatars\//),
    });
  });

  it('reports merged as state closed with merged true and merged_at', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'detail', head: 'feat/b' });
    const updated = fake.updatePullRequest('acme', 'detail', pr.number, { merged: true, additions: 7 });
    expect(updated).toMatchObject({ state: 'closed', merged: true, additions: 7 });
    const json = obj((await call(fake, `/repos/acme/detail/pulls/${pr.number}`, { token: T })).json);
    expect(json).toMatchObject({ state: 'closed', merged: true, additions: 7 });
    expect(json.merged_at).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/));
    expect(json.closed_at).toEqual(json.merged_at);
  });

  it('moves a pull request to another head branch and index', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'moving', head: 'old' });
    const moved = fake.updatePullRequest('acme', 'moving', pr.number, { head: 'new' });
    expect(moved.headSha).not.toBe(pr.headSha);
    expect(arr((await call(fake, findPath('acme', 'moving', 'old'), { token: T })).json)).toEqual([]);
    expect(arr((await call(fake, findPath('acme', 'moving', 'new'), { token: T })).json)).toHaveLength(1);
    expect(fake.getPullRequest('ACME', 'Moving', pr.number)?.head).toBe('new');
  });

  it('answers a GitHub-style 404 for an unknown number or route', async () => {
    for (const path of [
      '/repos/acme/detail/pulls/999',
      '/repos/acme/detail/pulls/abc',
      '/user',
      '/repos/acme/detail/issues',
    ]) {
      const reply = await call(fake, path, { token: T });
      expect(reply.status).toBe(404);
      expect(obj(reply.json)).toMatchObject({ message: 'Not Found', documentation_url: expect.any(String) });
    }
  });

  it('serves the pull request web page and avatars under the web base', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'web', head: 'x', title: '<b>Bold</b>' });
    const page = await call(fake, `/acme/web/pull/${pr.number}/files`, { base: 'web' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('&#60;b&#62;Bold');
    expect((await call(fake, '/avatars/u/1', { base: 'web' })).headers.get('content-type')).toBe('image/svg+xml');
    expect((await call(fake, '/nowhere', { base: 'web' })).status).toBe(404);
  });
});
