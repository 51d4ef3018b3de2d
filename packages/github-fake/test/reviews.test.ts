import { startFakeGitHub } from '../src/index.js';
import type { FakeGitHub } from '../src/index.js';
import { arr, call, links, obj } from './helpers.js';

let fake: FakeGitHub;
const T = 'reviews-token';

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.addToken(T, { login: 'agent' });
});
afterAll(() => fake?.close());

describe('GET /repos/{o}/{r}/pulls/{n}/reviews', () => {
  it('lists reviews in submission order across pages linked by the Link header', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'reviewed', head: 'r' });
    const states = ['COMMENTED', 'APPROVED', 'CHANGES_REQUESTED', 'DISMISSED', 'APPROVED'] as const;
    states.forEach((state, i) => fake.addReview('acme', 'reviewed', pr.number, { user: `reviewer${i}`, state }));

    const seen: Array<Record<string, unknown>> = [];
    let path: string | undefined = `/repos/acme/reviewed/pulls/${pr.number}/reviews?per_page=2`;
    const pages: Array<Record<string, string>> = [];
    while (path !== undefined) {
      const reply = await call(fake, path, { token: T });
      expect(reply.status).toBe(200);
      seen.push(...arr(reply.json));
      const rel = links(reply.headers.get('link'));
      pages.push(rel);
      path = rel.next?.slice(fake.apiBaseUrl.length);
    }
    expect(pages).toHaveLength(3);
    expect(pages[0]?.last).toBe(`${fake.apiBaseUrl}/repos/acme/reviewed/pulls/${pr.number}/reviews?per_page=2&page=3`);
    expect(pages[1]).toMatchObject({
      prev: expect.stringContaining('page=1'),
      first: expect.stringContaining('page=1'),
    });
    expect(pages[2]?.next).toBeUndefined();
    expect(seen.map((r) => r.state)).toEqual(states);
    expect(seen.map((r) => obj(r.user).login)).toEqual([
      'reviewer0',
      'reviewer1',
      'reviewer2',
      'reviewer3',
      'reviewer4',
    ]);
    expect(seen[0]).toMatchObject({
      commit_id: pr.headSha,
      html_url: expect.stringContaining(`/acme/reviewed/pull/${pr.number}#pullrequestreview-`),
      submitted_at: expect.stringMatching(/Z$/),
    });
  });

  it('defaults to 30 per page, caps per_page at 100 and omits Link when one page holds everything', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'many', head: 'm' });
    for (let i = 0; i < 130; i++) fake.addReview('acme', 'many', pr.number, { user: `u${i % 7}`, state: 'COMMENTED' });
    const base = `/repos/acme/many/pulls/${pr.number}/reviews`;
    const byDefault = await call(fake, base, { token: T });
    expect(arr(byDefault.json)).toHaveLength(30);
    expect(links(byDefault.headers.get('link')).last).toContain('page=5');
    const capped = await call(fake, `${base}?per_page=500`, { token: T });
    expect(arr(capped.json)).toHaveLength(100);
    expect(arr((await call(fake, `${base}?per_page=100&page=2`, { token: T })).json)).toHaveLength(30);

    const few = fake.createPullRequest({ owner: 'acme', repo: 'many', head: 'f' });
    fake.addReview('acme', 'many', few.number, { user: 'solo', state: 'APPROVED' });
    const single = await call(fake, `/repos/acme/many/pulls/${few.number}/reviews?per_page=100`, { token: T });
    expect(arr(single.json)).toHaveLength(1);
    expect(single.headers.get('link')).toBeNull();
  });

  it('answers 404 for the reviews of an unknown pull request', async () => {
    expect((await call(fake, '/repos/acme/reviewed/pulls/4242/reviews', { token: T })).status).toBe(404);
  });
});
