import type { components } from '@octokit/openapi-types';
import { mergeability, networkRoot, sha } from './store.js';
import type { PullRecord, RepoRecord, ReviewRecord, Store } from './store.js';

// Typing every builder with the published OpenAPI schemas keeps the JSON honest: a missing
// required field is a compile error, not a surprise in a client.
type Schemas = components['schemas'];
export type SimpleUser = Schemas['simple-user'];
export type Repository = Schemas['repository'];
export type FullRepository = Schemas['full-repository'];
export type PullRequest = Schemas['pull-request'];
export type PullRequestSimple = Schemas['pull-request-simple'];
export type PullRequestReview = Schemas['pull-request-review'];

/** Where the fake lives: web pages and avatars under `web`, REST under `api`. */
export interface Bases {
  web: string;
  api: string;
}

/** GitHub prints seconds, not milliseconds. */
export const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const isoOrNull = (d: Date | null): string | null => (d ? isoSeconds(d) : null);
const nodeId = (prefix: string, id: number): string =>
  `${prefix}_kwDO${Buffer.from(`fake:${prefix}:${id}`).toString('base64url')}`;

/**
 * Users and repositories never change once created, and one pull request embeds several of them
 * (author, owner, head and base repos), so they are built once per fake and shared.
 */
export class ShapeCache {
  private readonly users = new Map<string, SimpleUser>();
  private readonly repos = new WeakMap<RepoRecord, Repository>();
  constructor(
    readonly bases: Bases,
    readonly store: Store,
  ) {}

  user(login: string): SimpleUser {
    let user = this.users.get(login);
    if (!user) this.users.set(login, (user = simpleUser(this.bases, this.store, login)));
    return user;
  }

  repository(repo: RepoRecord): Repository {
    let json = this.repos.get(repo);
    if (!json) this.repos.set(repo, (json = repositoryFields(this.bases, this.user(repo.owner), repo)));
    return json;
  }
}

function simpleUser(bases: Bases, store: Store, login: string): SimpleUser {
  const id = store.userId(login);
  const api = `${bases.api}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId('U', id),
    avatar_url: `${bases.web}/avatars/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${bases.web}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: 'User',
    site_admin: false,
    user_view_type: 'public',
  };
}

/** What the repository and full-repository shapes share; inferred, so it satisfies both schemas' stricter fields. */
function repositoryFields(bases: Bases, owner: SimpleUser, repo: RepoRecord) {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${bases.api}/repos/${full}`;
  const host = new URL(bases.web).host;
  const epoch = '2020-01-01T00:00:00Z';
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: full,
    license: null,
    forks: 0,
    owner,
    private: false,
    html_url: `${bases.web}/${full}`,
    description: null,
    fork: repo.parent !== null,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://${host}/${full}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${host}:${full}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${bases.web}/${full}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: `${bases.web}/${full}`,
    homepage: null,
    language: 'TypeScript',
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: 1,
    default_branch: 'main',
    open_issues_count: 0,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'public',
    pushed_at: epoch,
    created_at: epoch,
    updated_at: epoch,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    open_issues: 0,
    watchers: 0,
  };
}

/**
 * `GET /repos/{o}/{r}`: a fork carries its `parent` and the root of its network as `source`, each the
 * repository shape GitHub nests there. Fork and watcher counts stay 0: they would change the repository
 * objects every cached pull request embeds.
 */
export function fullRepository(cache: ShapeCache, repo: RepoRecord): FullRepository {
  const full: FullRepository = {
    ...repositoryFields(cache.bases, cache.user(repo.owner), repo),
    subscribers_count: 0,
    network_count: 0,
  };
  if (repo.parent) {
    full.parent = cache.repository(repo.parent);
    full.source = cache.repository(networkRoot(repo));
  }
  return full;
}

/** The fields pull-request and pull-request-simple share. */
function pullCommon(cache: ShapeCache, pr: PullRecord) {
  const bases = cache.bases;
  const full = `${pr.repo.owner}/${pr.repo.name}`;
  const api = `${bases.api}/repos/${full}`;
  const self = `${api}/pulls/${pr.number}`;
  const html = `${bases.web}/${full}/pull/${pr.number}`;
  const issue = `${api}/issues/${pr.number}`;
  const statuses = `${api}/statuses/${pr.headSha}`;
  const repo = cache.repository(pr.repo);
  const owner = cache.user(pr.repo.owner);
  const headOwner = pr.headRepo.owner;
  return {
    url: self,
    id: pr.id,
    node_id: nodeId('PR', pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: statuses,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: cache.user(pr.author),
    body: pr.body,
    labels: pr.labels.map((name) => label(api, name)),
    milestone: null,
    active_lock_reason: null,
    created_at: isoSeconds(pr.createdAt),
    updated_at: isoSeconds(pr.updatedAt),
    closed_at: isoOrNull(pr.closedAt),
    merged_at: isoOrNull(pr.mergedAt),
    merge_commit_sha: pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: pr.requestedReviewers.map((login) => cache.user(login)),
    requested_teams: [],
    head: {
      label: `${headOwner}:${pr.head}`,
      ref: pr.head,
      repo: cache.repository(pr.headRepo),
      sha: pr.headSha,
      user: cache.user(headOwner),
    },
    base: { label: `${pr.repo.owner}:${pr.base}`, ref: pr.base, repo, sha: sha(full, 'base', pr.base), user: owner },
    _links: {
      comments: { href: `${issue}/comments` },
      commits: { href: `${self}/commits` },
      statuses: { href: statuses },
      html: { href: html },
      issue: { href: issue },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      self: { href: self },
    },
    author_association: 'CONTRIBUTOR' as const,
    auto_merge: null,
    draft: pr.draft,
  };
}

/** A label of a pull request; its id is derived from its name, so one name is one label everywhere. */
function label(repoApi: string, name: string) {
  const id = Number.parseInt(sha('label', name).slice(0, 8), 16);
  return {
    id,
    node_id: nodeId('LA', id),
    url: `${repoApi}/labels/${encodeURIComponent(name)}`,
    name,
    description: '',
    color: sha('color', name).slice(0, 6),
    default: false,
  };
}

export function pullRequestSimple(cache: ShapeCache, pr: PullRecord): PullRequestSimple {
  return pullCommon(cache, pr);
}

export function pullRequest(cache: ShapeCache, pr: PullRecord): PullRequest {
  return {
    ...pullCommon(cache, pr),
    merged: pr.merged,
    mergeable: mergeability(pr).mergeable,
    rebaseable: mergeability(pr).mergeable,
    mergeable_state: mergeability(pr).mergeableState,
    merged_by: pr.merged ? cache.user(pr.repo.owner) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: pr.commits,
    additions: pr.additions,
    deletions: pr.deletions,
    changed_files: pr.changedFiles,
  };
}

export function pullRequestReview(cache: ShapeCache, pr: PullRecord, review: ReviewRecord): PullRequestReview {
  const bases = cache.bases;
  const full = `${pr.repo.owner}/${pr.repo.name}`;
  const html = `${bases.web}/${full}/pull/${pr.number}#pullrequestreview-${review.id}`;
  const prApi = `${bases.api}/repos/${full}/pulls/${pr.number}`;
  const out: PullRequestReview = {
    id: review.id,
    node_id: nodeId('PRR', review.id),
    user: cache.user(review.user),
    body: '',
    state: review.state,
    html_url: html,
    pull_request_url: prApi,
    _links: { html: { href: html }, pull_request: { href: prApi } },
    commit_id: review.commitId,
    author_association: 'CONTRIBUTOR',
  };
  // GitHub leaves submitted_at out of a pending (unsubmitted) review.
  if (review.submittedAt) out.submitted_at = isoSeconds(review.submittedAt);
  return out;
}
