import { startFakeGitHub } from '../src/index.js';
import type { FakeGitHub } from '../src/index.js';
import { call } from './helpers.js';

let fake: FakeGitHub;
const T = 'etag-token';

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.addToken(T, { login: 'agent', budget: 100 });
});
afterAll(() => fake?.close());

describe('conditional requests', () => {
  it('answers 304 to a matching If-None-Match without charging the budget', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'etags', head: 'e' });
    const path = `/repos/acme/etags/pulls/${pr.number}`;
    const first = await call(fake, path, { token: T });
    const etag = first.headers.get('etag') ?? '';
    expect(first.headers.get('x-ratelimit-remaining')).toBe('99');

    for (const sent of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const again = await call(fake, path, { token: T, headers: { 'if-none-match': sent } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('x-ratelimit-remaining')).toBe('99');
      expect(again.headers.get('x-ratelimit-used')).toBe('1');
    }
    const stale = await call(fake, path, { token: T, headers: { 'if-none-match': '"stale"' } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-ratelimit-remaining')).toBe('98');
    expect(fake.requests.filter((r) => r.conditional)).toHaveLength(4);
  });

  it('changes the ETag when the pull request or its reviews change', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'etags', head: 'change' });
    const pullPath = `/repos/acme/etags/pulls/${pr.number}`;
    const reviewsPath = `${pullPath}/reviews?per_page=100`;
    const pullTag = (await call(fake, pullPath, { token: T })).headers.get('etag') ?? '';
    const reviewsTag = (await call(fake, reviewsPath, { token: T })).headers.get('etag') ?? '';

    fake.updatePullRequest('acme', 'etags', pr.number, { title: 'renamed' });
    const afterUpdate = await call(fake, pullPath, { token: T, headers: { 'if-none-match': pullTag } });
    expect(afterUpdate.status).toBe(200);
    expect(afterUpdate.headers.get('etag')).not.toBe(pullTag);

    fake.addReview('acme', 'etags', pr.number, { user: 'bob', state: 'APPROVED' });
    const afterReview = await call(fake, reviewsPath, { token: T, headers: { 'if-none-match': reviewsTag } });
    expect(afterReview.status).toBe(200);
    expect(afterReview.headers.get('etag')).not.toBe(reviewsTag);
    const unchanged = await call(fake, reviewsPath, {
      token: T,
      headers: { 'if-none-match': afterReview.headers.get('etag') ?? '' },
    });
    expect(unchanged.status).toBe(304);
  });

  it('answers 304 on the find-by-branch list as well', async () => {
    fake.createPullRequest({ owner: 'acme', repo: 'etags', head: 'listed' });
    const path = `/repos/acme/etags/pulls?head=${encodeURIComponent('acme:listed')}&state=open&per_page=1`;
    const first = await call(fake, path, { token: T });
    const again = await call(fake, path, { token: T, headers: { 'if-none-match': first.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });
});
