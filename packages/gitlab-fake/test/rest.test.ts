import { startFakeGitLab, type FakeGitLab } from '../src/index.js';

let gl: FakeGitLab;
beforeEach(async () => {
  gl = await startFakeGitLab();
  gl.addToken('t', { username: 'agent', budget: 3, windowMs: 60_000 });
});
afterEach(() => gl.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${gl.apiBaseUrl}${path}`, { headers: { authorization: 'Bearer t', ...headers } });

it('pages merge request lists with X-Page, X-Next-Page, X-Total and Link, as GitLab does', async () => {
  for (let i = 0; i < 3; i++) gl.createMergeRequest({ project: 'g/sub/p', sourceBranch: 'b' });
  const first = await get('/projects/g%2Fsub%2Fp/merge_requests?source_branch=b&per_page=2');
  expect((await first.json()) as unknown[]).toHaveLength(2);
  expect(
    Object.fromEntries(
      ['x-page', 'x-next-page', 'x-prev-page', 'x-total', 'x-total-pages'].map((h) => [h, first.headers.get(h)]),
    ),
  ).toEqual({
    'x-page': '1',
    'x-next-page': '2',
    'x-prev-page': '',
    'x-total': '3',
    'x-total-pages': '2',
  });
  expect(first.headers.get('link')).toContain('per_page=2&page=2>; rel="next"');
  const last = await get('/projects/g%2Fsub%2Fp/merge_requests?source_branch=b&per_page=2&page=2');
  expect(last.headers.get('x-next-page')).toBe('');
  expect(last.headers.get('link')).not.toContain('rel="next"');
});

it('answers If-None-Match with 304 and charges it; past the budget 429 with RateLimit-* and Retry-After', async () => {
  gl.addProject('g/p');
  const first = await get('/projects/g%2Fp');
  const etag = first.headers.get('etag')!;
  expect(etag).toMatch(/^W\/"/);
  expect((await get('/projects/g%2Fp', { 'if-none-match': etag })).status).toBe(304);
  expect((await get('/projects/g%2Fp')).status).toBe(200);
  const limited = await get('/projects/g%2Fp');
  expect(limited.status).toBe(429);
  expect(limited.headers.get('ratelimit-remaining')).toBe('0');
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(Number(limited.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
});

it('shows a fork’s parent, and answers an unknown token 401', async () => {
  gl.addProject('dev/p', { forkOf: 'g/p' });
  const fork = (await (await get('/projects/dev%2Fp')).json()) as {
    forked_from_project?: { path_with_namespace: string };
  };
  expect(fork.forked_from_project?.path_with_namespace).toBe('g/p');
  expect((await fetch(`${gl.apiBaseUrl}/projects/g%2Fp`, { headers: { authorization: 'Bearer nope' } })).status).toBe(
    401,
  );
});
