import { startFakeGitHub } from '../src/index.js';
import type { FakeGitHub } from '../src/index.js';
import { arr, call, obj } from './helpers.js';

let fake: FakeGitHub;
const T = 'forks-token';

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.addToken(T, { login: 'agent' });
});
afterAll(() => fake?.close());

const byHead = (owner: string, repo: string, head: string) =>
  `/repos/${owner}/${repo}/pulls?head=${encodeURIComponent(head)}&state=all&sort=updated&direction=desc`;

describe('pull requests from forks', () => {
  it('lives in the base repository and is found by the head repository owner, not the base owner', async () => {
    const own = fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'main', base: 'release' });
    const fork = fake.createPullRequest({ owner: 'acme', repo: 'app', head: 'main', headOwner: 'mallory' });
    expect(fork).toMatchObject({
      owner: 'acme',
      repo: 'app',
      headOwner: 'mallory',
      headRepo: 'app',
      author: 'mallory',
    });
    expect(fork.htmlUrl).toBe(`${fake.url}/acme/app/pull/${fork.number}`);
    expect(own).toMatchObject({ headOwner: 'acme', headRepo: 'app' });

    const mallory = arr((await call(fake, byHead('acme', 'app', 'mallory:main'), { token: T })).json);
    expect(mallory.map((p) => p.number)).toEqual([fork.number]);
    expect(
      arr((await call(fake, byHead('acme', 'app', 'MALLORY:main'), { token: T })).json).map((p) => p.number),
    ).toEqual([fork.number]);
    const acme = arr((await call(fake, byHead('acme', 'app', 'acme:main'), { token: T })).json);
    expect(acme.map((p) => p.number)).toEqual([own.number]);
    // A branch without an owner matches every head repository, like before.
    const anyOwner = arr((await call(fake, byHead('acme', 'app', 'main'), { token: T })).json);
    expect(anyOwner.map((p) => p.number)).toEqual([fork.number, own.number]);
    // The fork itself holds no pull request: the PR went to its parent.
    expect(arr((await call(fake, byHead('mallory', 'app', 'mallory:main'), { token: T })).json)).toEqual([]);
  });

  it('answers head with the fork as repo, its owner as user and label, and base with the parent', async () => {
    fake.addRepo('contrib', 'site', { forkOf: { owner: 'org', repo: 'site' } });
    const pr = fake.createPullRequest({
      owner: 'org',
      repo: 'site',
      head: 'fix/typo',
      headOwner: 'contrib',
      author: 'someone',
    });
    for (const path of [`/repos/org/site/pulls/${pr.number}`, byHead('org', 'site', 'contrib:fix/typo')]) {
      const reply = await call(fake, path, { token: T });
      const json = Array.isArray(reply.json) ? arr(reply.json)[0] : obj(reply.json);
      const head = obj(json?.head);
      expect(head).toMatchObject({ label: 'contrib:fix/typo', ref: 'fix/typo', sha: pr.headSha });
      expect(obj(head.repo)).toMatchObject({ full_name: 'contrib/site', fork: true });
      expect(obj(head.user)).toMatchObject({ login: 'contrib' });
      const base = obj(json?.base);
      expect(base).toMatchObject({ label: 'org:main', ref: 'main' });
      expect(obj(base.repo)).toMatchObject({ full_name: 'org/site', fork: false });
      expect(obj(json?.user)).toMatchObject({ login: 'someone' });
    }
    const page = await call(fake, `/org/site/pull/${pr.number}`, { base: 'web' });
    expect(page.text).toContain('from <code>contrib:fix/typo</code>');
  });

  it('adds a missing head repository as a fork of the base, and refuses one outside its network', async () => {
    const pr = fake.createPullRequest({
      owner: 'up',
      repo: 'lib',
      head: 'feat',
      headOwner: 'dev',
      headRepo: 'lib-fork',
    });
    expect(pr).toMatchObject({ headOwner: 'dev', headRepo: 'lib-fork' });
    const fork = obj((await call(fake, '/repos/dev/lib-fork', { token: T })).json);
    expect(obj(fork.parent)).toMatchObject({ full_name: 'up/lib' });

    fake.addRepo('stranger', 'lib');
    expect(() => fake.createPullRequest({ owner: 'up', repo: 'lib', head: 'x', headOwner: 'stranger' })).toThrow(
      'a pull request into up/lib cannot come from stranger/lib, which is not a fork in its network',
    );
    // A fork of a fork is in the same network, so it may open a pull request into the root.
    fake.addRepo('third', 'lib', { forkOf: { owner: 'dev', repo: 'lib-fork' } });
    expect(fake.createPullRequest({ owner: 'up', repo: 'lib', head: 'y', headOwner: 'third' }).headOwner).toBe('third');
  });

  it('keeps a moved fork branch under its head owner', async () => {
    const pr = fake.createPullRequest({ owner: 'acme', repo: 'mover', head: 'old', headOwner: 'mallory' });
    fake.updatePullRequest('acme', 'mover', pr.number, { head: 'new' });
    expect(arr((await call(fake, byHead('acme', 'mover', 'mallory:old'), { token: T })).json)).toEqual([]);
    expect(arr((await call(fake, byHead('acme', 'mover', 'acme:new'), { token: T })).json)).toEqual([]);
    expect(
      arr((await call(fake, byHead('acme', 'mover', 'mallory:new'), { token: T })).json).map((p) => p.number),
    ).toEqual([pr.number]);
  });
});
