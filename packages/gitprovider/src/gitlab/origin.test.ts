import {
  parseOrigin as parseGitHubOrigin,
  parsePullRequestUrl as parseGitHubPullUrl,
  repositoryKey,
} from '../origin.js';
import { mergeRequestUrl, parseGitLabOrigin, parseMergeRequestUrl, projectApiPath } from './origin.js';
import { gitLabTokenUrlFor, gitLabWebBaseUrlFor } from './web-base.js';

const GITLAB = 'https://gitlab.com';
const SELF = 'https://git.corp.example:8443/gitlab';
const project = (webBaseUrl: string, owner: string, repo: string) => ({ webBaseUrl, owner, repo });

describe('gitLabWebBaseUrlFor', () => {
  it.each([
    ['https://gitlab.com/api/v4', 'https://gitlab.com'],
    ['https://gitlab.com/api/v4/', 'https://gitlab.com'],
    ['https://git.corp.example:8443/gitlab/api/v4', SELF],
    ['http://127.0.0.1:9100/api/v4', 'http://127.0.0.1:9100'],
  ])('%s → %s', (api, web) => {
    expect(gitLabWebBaseUrlFor(api)).toBe(web);
  });

  it('puts the OAuth token endpoint under the web base', () => {
    expect(gitLabTokenUrlFor('https://git.corp.example:8443/gitlab/api/v4')).toBe(`${SELF}/oauth/token`);
  });
});

describe('parseGitLabOrigin', () => {
  it.each([
    ['https://gitlab.com/acme/app', project(GITLAB, 'acme', 'app')],
    ['https://gitlab.com/acme/app.git', project(GITLAB, 'acme', 'app')],
    ['https://gitlab.com/acme/app.git/', project(GITLAB, 'acme', 'app')],
    ['https://gitlab.com/acme/platform/backend/api.git', project(GITLAB, 'acme/platform/backend', 'api')],
    ['https://oauth2:glpat-secret@gitlab.com/acme/platform/api.git', project(GITLAB, 'acme/platform', 'api')],
    ['git@gitlab.com:acme/platform/api.git', project(GITLAB, 'acme/platform', 'api')],
    ['git@gitlab.com:acme/app', project(GITLAB, 'acme', 'app')],
    ['ssh://git@gitlab.com/a/b/c/d/e/project.git', project(GITLAB, 'a/b/c/d/e', 'project')],
    ['ssh://git@gitlab.com:2222/acme/app.git', project(GITLAB, 'acme', 'app')],
    ['https://gitlab.com/my-org/my.project_1', project(GITLAB, 'my-org', 'my.project_1')],
  ])('accepts %s', (origin, expected) => {
    expect(parseGitLabOrigin(origin, GITLAB)).toEqual(expected);
  });

  it.each([
    ['https://github.com/acme/app'],
    ['git@github.com:acme/app.git'],
    ['https://gitlab.com/acme'],
    ['https://gitlab.com/acme/app/-/tree/main'],
    ['https://gitlab.com/acme/app?ref=main'],
    ['http://gitlab.com/acme/app'],
    ['https://gitlab.com.evil.example/acme/app'],
    ['ssh://root@gitlab.com/acme/app'],
    ['https://gitlab.com/acme/../app'],
    [''],
  ])('rejects %s', (origin) => {
    expect(parseGitLabOrigin(origin, GITLAB)).toBeNull();
  });

  it('self-managed: a port and a path prefix on the web, neither on SSH', () => {
    const expected = project(SELF, 'team/sub', 'svc');
    expect(parseGitLabOrigin('https://git.corp.example:8443/gitlab/team/sub/svc.git', SELF)).toEqual(expected);
    expect(parseGitLabOrigin('git@git.corp.example:team/sub/svc.git', SELF)).toEqual(expected);
    expect(parseGitLabOrigin('ssh://git@git.corp.example:2222/team/sub/svc.git', SELF)).toEqual(expected);
    expect(parseGitLabOrigin('https://git.corp.example:8443/team/sub/svc.git', SELF)).toBeNull();
    expect(parseGitLabOrigin('https://git.corp.example/gitlab/team/sub/svc.git', SELF)).toBeNull();
    expect(parseGitLabOrigin('https://gitlab.com/team/sub/svc.git', SELF)).toBeNull();
  });

  it('GitHub refuses GitLab nested-group origins', () => {
    expect(parseGitHubOrigin('https://gitlab.com/acme/platform/api.git', 'https://github.com')).toBeNull();
    expect(parseGitHubOrigin('https://gitlab.com/acme/app.git', 'https://github.com')).toBeNull();
  });
});

describe('parseMergeRequestUrl', () => {
  const mr = (webBaseUrl: string, owner: string, repo: string, number: number) => ({
    ...project(webBaseUrl, owner, repo),
    number,
    url: `${webBaseUrl}/${owner}/${repo}/-/merge_requests/${number}`,
  });

  it.each([
    ['https://gitlab.com/acme/app/-/merge_requests/7', mr(GITLAB, 'acme', 'app', 7)],
    ['https://gitlab.com/acme/platform/api/-/merge_requests/42/diffs', mr(GITLAB, 'acme/platform', 'api', 42)],
    ['https://gitlab.com/acme/platform/api/-/merge_requests/42?tab=pipelines', mr(GITLAB, 'acme/platform', 'api', 42)],
    ['https://gitlab.com/acme/platform/api/-/merge_requests/42#note_1', mr(GITLAB, 'acme/platform', 'api', 42)],
    ['https://gitlab.com/acme/app/-/merge_requests/7).', mr(GITLAB, 'acme', 'app', 7)],
    ['https://git.corp.example:8443/gitlab/team/svc/-/merge_requests/3', mr(SELF, 'team', 'svc', 3)],
  ])('parses %s', (url, expected) => {
    const base = url.startsWith(SELF) ? SELF : GITLAB;
    expect(parseMergeRequestUrl(url, base)).toEqual(expected);
  });

  it.each([
    ['https://github.com/acme/app/pull/7'],
    ['https://gitlab.com/acme/app/merge_requests/7'],
    ['https://gitlab.com/acme/app/-/merge_requests/0'],
    ['https://gitlab.com/acme/app/-/issues/7'],
    ['https://gitlab.com/-/merge_requests/7'],
    ['https://evil.example/acme/app/-/merge_requests/7'],
  ])('refuses %s', (url) => {
    expect(parseMergeRequestUrl(url, GITLAB)).toBeNull();
  });

  it('GitHub refuses GitLab merge request URLs', () => {
    expect(parseGitHubPullUrl('https://gitlab.com/acme/app/-/merge_requests/7', 'https://github.com')).toBeNull();
  });

  it('round-trips the canonical URL and addresses the project by its URL-encoded path', () => {
    const ref = project(GITLAB, 'acme/platform', 'api');
    expect(parseMergeRequestUrl(mergeRequestUrl(ref, 9), GITLAB)).toMatchObject({ ...ref, number: 9 });
    expect(projectApiPath(ref)).toBe('/projects/acme%2Fplatform%2Fapi');
  });
});

describe('repositoryKey for GitLab', () => {
  it('is the same for every spelling of a nested-group project, and differs between groups', () => {
    const key = 'gitlab.com/acme/platform/api';
    expect(repositoryKey('https://gitlab.com/acme/platform/api')).toBe(key);
    expect(repositoryKey('git@gitlab.com:acme/platform/api.git')).toBe(key);
    expect(repositoryKey('ssh://git@gitlab.com:2222/Acme/Platform/API.git')).toBe(key);
    expect(repositoryKey('https://oauth2:t@gitlab.com/acme/platform/api.git/')).toBe(key);
    expect(repositoryKey('https://gitlab.com/acme/other/api')).not.toBe(key);
  });
});
