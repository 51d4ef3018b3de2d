import { createGitHubProvider } from '@gitsync/gitprovider';
import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import { createTestRedis, type TestRedis } from '@gitsync/testing';
import { createRedisRepositoryCache } from '../src/repository-cache.js';

let r: TestRedis;
let fake: FakeGitHub;
beforeAll(async () => {
  [r, fake] = await Promise.all([createTestRedis(), startFakeGitHub()]);
  fake.addToken('ghp_cache', { login: 'cache' });
});
afterAll(async () => {
  await fake?.close();
  await r?.cleanup();
});

it('two replicas share what one learnt of a fork: the repository is looked up once', async () => {
  const pr = fake.createPullRequest({
    owner: 'acme',
    repo: 'shared',
    head: 'fix',
    headOwner: 'someone',
    headRepo: 'shared',
  });
  const replicas = [1, 2].map(() =>
    createGitHubProvider({
      id: 'github',
      apiBaseUrl: fake.apiBaseUrl,
      repositories: createRedisRepositoryCache(r.client, r.prefix),
    }),
  );
  try {
    const fork = replicas[0]!.parseOrigin(`${fake.url}/someone/shared.git`)!;
    for (const replica of replicas) {
      expect((await replica.findPullRequests('ghp_cache', fork, 'fix')).map((found) => found.url)).toEqual([
        pr.htmlUrl,
      ]);
    }
    expect(fake.requests.filter((q) => q.path.endsWith('/repos/someone/shared')).length).toBe(1);
  } finally {
    await Promise.all(replicas.map((replica) => replica.close()));
  }
});
