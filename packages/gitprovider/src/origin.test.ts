import { normalizeOrigin, parseOrigin, parsePullRequestUrl, repositoryOf } from './origin.js';
import { webBaseUrlFor } from './web-base.js';

const GITHUB = 'https://github.com';
const GHE = 'https://ghes.corp.com';
const FAKE = 'http://127.0.0.1:9000';

describe('webBaseUrlFor', () => {
  it.each([
    ['https://api.github.com', 'https://github.com'],
    ['https://api.github.com/', 'https://github.com'],
    ['https://ghes.corp.com/api/v3', 'https://ghes.corp.com'],
    ['https://ghes.corp.com/api/v3/', 'https://ghes.corp.com'],
    ['https://ghes.corp.com:8443/api/v3', 'https://ghes.corp.com:8443'],
    ['http://127.0.0.1:9000/api/v3', 'http://127.0.0.1:9000'],
    ['https://api.octocorp.ghe.com', 'https://octocorp.ghe.com'],
  ])('%s → %s', (api, web) => {
    expect(webBaseUrlFor(api)).toBe(web);
  });
});

describe('parseOrigin', () => {
  const repo = (webBaseUrl: string, owner = 'coder', name = 'coder') => ({ webBaseUrl, owner, repo: name });

  it.each([
    ['https://github.com/coder/coder', repo(GITHUB)],
    ['https://github.com/coder/coder.git', repo(GITHUB)],
    ['https://github.com/coder/coder/', repo(GITHUB)],
    ['https://github.com/coder/coder.git/', repo(GITHUB)],
    ['  https://github.com/coder/coder  ', repo(GITHUB)],
    ['https://GitHub.com/coder/coder', repo(GITHUB)],
    ['https://github.com/my-org/my.repo_1.git', repo(GITHUB, 'my-org', 'my.repo_1')],
    ['git@github.com:coder/coder.git', repo(GITHUB)],
    ['git@github.com:coder/coder', repo(GITHUB)],
    ['ssh://git@github.com/coder/coder.git', repo(GITHUB)],
    ['ssh://git@github.com:22/coder/coder', repo(GITHUB)],
    ['https://x-access-token:ghp_secret@github.com/coder/coder.git', repo(GITHUB)],
    ['https://user@github.com/coder/coder', repo(GITHUB)],
  ])('accepts %s', (origin, expected) => {
    expect(parseOrigin(origin, GITHUB)).toEqual(expected);
  });

  it.each([
    ['https://gitlab.com/coder/coder'],
    ['git@gitlab.com:coder/coder.git'],
    ['https://gitlab.com/group/sub/project.git'],
    ['https://github.com.evil.com/coder/coder'],
    ['https://github.com/coder'],
    ['https://github.com/coder/coder/tree/main'],
    ['https://github.com/coder/coder?x=1'],
    ['http://github.com/coder/coder'],
    ['ssh://root@github.com/coder/coder'],
    ['not-a-url'],
    [''],
  ])('rejects %s', (origin) => {
    expect(parseOrigin(origin, GITHUB)).toBeNull();
  });

  it('Enterprise accepts its own host and rejects github.com', () => {
    expect(parseOrigin('https://ghes.corp.com/org/repo.git', GHE)).toEqual(repo(GHE, 'org', 'repo'));
    expect(parseOrigin('git@ghes.corp.com:org/repo.git', GHE)).toEqual(repo(GHE, 'org', 'repo'));
    expect(parseOrigin('https://github.com/coder/coder', GHE)).toBeNull();
    expect(parseOrigin('git@github.com:coder/coder.git', GHE)).toBeNull();
  });

  it('keeps the port of an http web base and matches it', () => {
    expect(parseOrigin('http://127.0.0.1:9000/o/r.git', FAKE)).toEqual(repo(FAKE, 'o', 'r'));
    expect(parseOrigin('http://tok@127.0.0.1:9000/o/r', FAKE)).toEqual(repo(FAKE, 'o', 'r'));
    expect(parseOrigin('http://127.0.0.1:9001/o/r', FAKE)).toBeNull();
    expect(parseOrigin('http://127.0.0.1/o/r', FAKE)).toBeNull();
    // SSH ports are not web ports: matched on the host name only.
    expect(parseOrigin('git@127.0.0.1:o/r.git', FAKE)).toEqual(repo(FAKE, 'o', 'r'));
    expect(parseOrigin('ssh://git@127.0.0.1:2222/o/r.git', FAKE)).toEqual(repo(FAKE, 'o', 'r'));
  });

  it('matches the port of an https web base', () => {
    const base = 'https://ghe.local:8443';
    expect(parseOrigin('https://ghe.local:8443/o/r', base)).toEqual(repo(base, 'o', 'r'));
    expect(parseOrigin('https://ghe.local/o/r', base)).toBeNull();
  });
});

describe('normalizeOrigin', () => {
  it.each([
    ['https://user:ghp_tok@github.com/o/r.git', 'https://github.com/o/r.git'],
    ['https://ghp_tok@github.com/o/r', 'https://github.com/o/r'],
    ['https://us@er:p@ss@github.com/o/r', 'https://github.com/o/r'],
    ['http://tok@127.0.0.1:9000/o/r', 'http://127.0.0.1:9000/o/r'],
    ['ssh://git:pw@github.com/o/r.git', 'ssh://git@github.com/o/r.git'],
    ['ssh://git@github.com/o/r.git', 'ssh://git@github.com/o/r.git'],
    ['git@github.com:o/r.git', 'git@github.com:o/r.git'],
    [' https://github.com/o/r ', 'https://github.com/o/r'],
    ['https://github.com/o/r@main', 'https://github.com/o/r@main'],
    ['http://127.0.0.1:9000/o/r.git', 'http://127.0.0.1:9000/o/r.git'],
  ])('%s → %s', (origin, expected) => {
    expect(normalizeOrigin(origin)).toBe(expected);
  });

  /** Spellings the WHATWG parser (and git) read as a URL or scp address with credentials. */
  const ODD = [
    ['https:/u:SECRET@github.com/o/r', 'https://github.com/o/r'],
    ['https:u:SECRET@github.com/o/r', 'https://github.com/o/r'],
    ['HTTPS://u:SECRET@GitHub.com/o/r.git', 'https://github.com/o/r.git'],
    ['git+https://u:SECRET@github.com/o/r.git', 'git+https://github.com/o/r.git'],
    ['ssh://u:SECRET@github.com/o/r.git', 'ssh://github.com/o/r.git'],
    ['SSH://git:SECRET@github.com/o/r.git', 'ssh://git@github.com/o/r.git'],
    ['ssh://SECRET@github.com/o/r.git', 'ssh://github.com/o/r.git'],
    ['git+ssh://git:SECRET@github.com/o/r', 'git+ssh://git@github.com/o/r'],
    ['  https://u:SECRET@github.com/o/r  ', 'https://github.com/o/r'],
    ['https://u:SECRET @github.com/o/r', 'https://github.com/o/r'],
    ['ht\ttps://u:SECRET@git\nhub.com/o/r', 'https://github.com/o/r'],
    ['https:\\\\u:SECRET@github.com\\o\\r', 'https://github.com/o/r'],
    ['https://u:SE%40CRET@github.com/o/r', 'https://github.com/o/r'],
    ['https://:SECRET@github.com/o/r', 'https://github.com/o/r'],
    ['https://SECRET:@github.com/o/r', 'https://github.com/o/r'],
    ['SECRET@github.com:o/r.git', 'github.com:o/r.git'],
    ['u:SECRET@github.com:o/r.git', 'github.com:o/r.git'],
    ['u:SECRET@github.com/o/r', 'github.com/o/r'],
    ['https://u:SECRET@gith ub.com/o/r', 'gith ub.com/o/r'],
  ] as const;

  it.each(ODD)('strips the credential of %j', (origin, expected) => {
    expect(normalizeOrigin(origin)).toBe(expected);
    expect(normalizeOrigin(origin)).not.toContain('SECRET');
  });

  it('keeps what parseOrigin needs: the accepted spellings still parse after stripping', () => {
    for (const origin of [
      'https:/u:SECRET@github.com/o/r',
      'HTTPS://u:SECRET@GitHub.com/o/r.git',
      'SSH://git:SECRET@github.com/o/r.git',
    ]) {
      expect(parseOrigin(normalizeOrigin(origin), GITHUB)).toEqual({ webBaseUrl: GITHUB, owner: 'o', repo: 'r' });
    }
  });
});

describe('repositoryOf', () => {
  it.each([
    ['https://u:SECRET@github.com/o/r.git', 'github.com/o/r'],
    ['git+https://u:SECRET@github.com/o/r/', 'github.com/o/r'],
    ['git@github.com:o/r.git', 'github.com/o/r'],
    ['SECRET@ghe.corp:group/sub/r', 'ghe.corp/group/sub/r'],
    ['ssh://git:SECRET@github.com/o/r.git', 'github.com/o/r'],
    ['http://127.0.0.1:9000/o/r.git', '127.0.0.1:9000/o/r'],
    ['not a url at all', '(unrecognised origin)'],
    ['u:SECRET@nowhere', '(unrecognised origin)'],
  ])('%s names %s', (origin, expected) => {
    expect(repositoryOf(origin)).toBe(expected);
  });
});

describe('parsePullRequestUrl', () => {
  const pr = (webBaseUrl: string, number: number, owner = 'coder', repo = 'coder') => ({
    webBaseUrl,
    owner,
    repo,
    number,
    url: `${webBaseUrl}/${owner}/${repo}/pull/${number}`,
  });

  it.each([
    ['https://github.com/coder/coder/pull/123', pr(GITHUB, 123)],
    ['https://github.com/coder/coder/pull/123/files', pr(GITHUB, 123)],
    ['https://github.com/coder/coder/pull/123/commits/abc', pr(GITHUB, 123)],
    ['https://github.com/coder/coder/pull/456?diff=split', pr(GITHUB, 456)],
    ['https://github.com/coder/coder/pull/789#discussion_r1', pr(GITHUB, 789)],
    ['https://github.com/coder/coder/pull/12).', pr(GITHUB, 12)],
    ['  https://github.com/coder/coder/pull/1  ', pr(GITHUB, 1)],
  ])('accepts %s', (url, expected) => {
    expect(parsePullRequestUrl(url, GITHUB)).toEqual(expected);
  });

  it.each([
    ['https://github.com/coder/coder'],
    ['https://github.com/coder/coder/issues/123'],
    ['https://github.com/coder/coder/pull/'],
    ['https://github.com/coder/coder/pull/0'],
    ['https://github.com/coder/coder/pull/12abc'],
    ['https://gitlab.com/coder/coder/-/merge_requests/123'],
    ['https://gitlab.com/coder/coder/pull/123'],
    ['http://github.com/coder/coder/pull/1'],
    [''],
  ])('rejects %s', (url) => {
    expect(parsePullRequestUrl(url, GITHUB)).toBeNull();
  });

  it('Enterprise rejects github.com pull requests', () => {
    expect(parsePullRequestUrl('https://ghes.corp.com/org/repo/pull/42?x=y', GHE)).toEqual(pr(GHE, 42, 'org', 'repo'));
    expect(parsePullRequestUrl('https://github.com/coder/coder/pull/123', GHE)).toBeNull();
  });

  it('keeps scheme, host and port of a local fake', () => {
    expect(parsePullRequestUrl('http://127.0.0.1:9000/o/r/pull/7/files', FAKE)).toEqual(pr(FAKE, 7, 'o', 'r'));
    expect(parsePullRequestUrl('http://127.0.0.1:9001/o/r/pull/7', FAKE)).toBeNull();
  });
});
