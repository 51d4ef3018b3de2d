import { normalizeOrigin, pathUnder, TRAILING_PUNCTUATION, webBaseOf } from '../origin.js';
import type { WebBase } from '../origin.js';
import type { PullRequestRef, RepoRef } from '../types.js';

/**
 * GitLab's charset for group and project paths. A segment `-` is never one: it separates a
 * project's path from its pages (`/group/project/-/merge_requests/1`).
 */
const SEGMENT = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;
const SCP_ORIGIN = /^git@([^:/\s]+):([^\s?#]+)$/;
const MERGE_REQUEST_PATH = /^\/(.+)\/-\/merge_requests\/([1-9][0-9]{0,9})(?:\/.*)?$/;

/**
 * A project's path (`group/sub/…/project`, any depth) as a RepoRef: the namespace is `owner`, the
 * project `repo`. Null unless every segment is a GitLab name and there are at least two.
 */
function projectRef(base: WebBase, path: string): RepoRef | null {
  const segments = path
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/');
  if (segments.length < 2 || !segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..')) return null;
  const repo = segments.pop()!;
  return { webBaseUrl: base.url, owner: segments.join('/'), repo };
}

/**
 * Parses a git remote origin of the GitLab whose web base is `webBaseUrl`:
 * `https://HOST[/prefix]/group/sub/project(.git)(/)` (credentials ignored), `git@HOST:group/…/project(.git)`
 * and `ssh://git@HOST[:port]/group/…/project(.git)`, nested groups of any depth. SSH origins are
 * matched on the host name alone and carry no path prefix (GitLab's SSH paths start at the
 * namespace). Any other host → null.
 */
export function parseGitLabOrigin(origin: string, webBaseUrl: string): RepoRef | null {
  const base = webBaseOf(webBaseUrl);
  const raw = normalizeOrigin(origin);
  if (raw === '') return null;

  const scp = SCP_ORIGIN.exec(raw);
  if (scp) return scp[1]?.toLowerCase() === base.hostname ? projectRef(base, scp[2] ?? '') : null;

  if (/^ssh:\/\//i.test(raw)) {
    if (!URL.canParse(raw)) return null;
    const url = new URL(raw);
    if (url.username !== 'git' || url.hostname.toLowerCase() !== base.hostname || url.search || url.hash) return null;
    return projectRef(base, url.pathname.slice(1));
  }

  const url = pathUnder(base, raw);
  if (!url || url.search || url.hash) return null;
  return projectRef(base, url.pathname.slice(base.pathPrefix.length + 1));
}

/** The canonical web URL of a merge request. */
export function mergeRequestUrl(project: RepoRef, iid: number): string {
  return `${project.webBaseUrl}/${project.owner}/${project.repo}/-/merge_requests/${iid}`;
}

/**
 * Parses `https://HOST[/prefix]/group/…/project/-/merge_requests/N` with an optional trailing path
 * (`/diffs`), query or fragment; other hosts → null. The returned `url` is canonical.
 */
export function parseMergeRequestUrl(mrUrl: string, webBaseUrl: string): PullRequestRef | null {
  const base = webBaseOf(webBaseUrl);
  const url = pathUnder(base, mrUrl.trim().replace(TRAILING_PUNCTUATION, ''));
  if (!url) return null;
  const match = MERGE_REQUEST_PATH.exec(url.pathname.slice(base.pathPrefix.length));
  if (!match) return null;
  const project = projectRef(base, match[1] ?? '');
  if (!project) return null;
  const number = Number(match[2]);
  return { ...project, number, url: mergeRequestUrl(project, number) };
}

/** The path GitLab's API addresses a project by (`group/sub/project`), before URL-encoding. */
export const projectPath = (project: Pick<RepoRef, 'owner' | 'repo'>): string => `${project.owner}/${project.repo}`;

/** `/projects/group%2Fsub%2Fproject`: the REST path of a project, addressed by its URL-encoded path. */
export const projectApiPath = (project: Pick<RepoRef, 'owner' | 'repo'>): string =>
  `/projects/${encodeURIComponent(projectPath(project))}`;
