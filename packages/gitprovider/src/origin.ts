import type { PullRequestRef, RepoRef } from './types.js';

/** GitHub's own charset for owner and repository names. */
const NAME = '[A-Za-z0-9_.-]+';
const REPO_PATH = new RegExp(`^/(${NAME})/(${NAME}?)(?:\\.git)?/?$`);
const PULL_PATH = new RegExp(`^/(${NAME})/(${NAME})/pull/([1-9][0-9]{0,9})(?:/.*)?$`);
const SCP_ORIGIN = new RegExp(`^git@([^:/\\s]+):(${NAME})/(${NAME}?)(?:\\.git)?/?$`);
/** Pasted links often drag sentence punctuation along: `(see https://…/pull/12).` */
export const TRAILING_PUNCTUATION = /[),;.]+$/;

/**
 * git's scp-like syntax `[user@]host:path` (no scheme; no `//` after the colon). A first path
 * segment holding `@` is not read as one: `u:T@host/o/r` is a credential before a host, not host `u`.
 */
const SCP_LIKE = /^(?:([^@/\s]*)@)?([^@/:\s]+|\[[^\]\s]+\]):(?!\/\/)(?![^/]*@)(.*)$/;

/** A URL with an authority (`scheme://host…`); WHATWG's parser, so every spelling browsers accept is read alike. */
function parseUrlOrigin(raw: string): URL | null {
  if (!URL.canParse(raw)) return null;
  const url = new URL(raw);
  // `u:T@host/o/r` parses as scheme `u:` with an opaque path: not an authority we could clean.
  return url.host === '' ? null : url;
}

/**
 * Removes credentials embedded in an origin before it is stored or shown, in every spelling the
 * WHATWG URL parser reads (`https:/u:T@host/…`, `HTTPS://…`, `git+https://u:T@…`, a tab inside…):
 * `https://user:token@host/o/r.git` → `https://host/o/r.git`, `ssh://git:pw@host/…` →
 * `ssh://git@host/…`, `tok@host:o/r` → `host:o/r`. Origins without credentials are returned as
 * given (trimmed). What neither parser reads loses everything up to its last `@`.
 */
export function normalizeOrigin(origin: string): string {
  const trimmed = origin.trim();
  const url = parseUrlOrigin(trimmed);
  if (url) {
    if (url.username === '' && url.password === '') return trimmed;
    const user = url.username;
    url.password = '';
    url.username = '';
    // SSH logs in as `git`: that user name is part of the address, not a credential.
    if (user === 'git' && /ssh/.test(url.protocol)) url.username = 'git';
    return url.href;
  }
  const scp = SCP_LIKE.exec(trimmed);
  if (scp) return scp[1] === undefined || scp[1] === 'git' ? trimmed : `${scp[2]}:${scp[3]}`;
  return trimmed.slice(trimmed.lastIndexOf('@') + 1);
}

/** The repository an origin names, as `host[:port]/path`, or null when it names none. */
function repositoryPath(origin: string): string | null {
  const clean = normalizeOrigin(origin);
  const url = parseUrlOrigin(clean);
  const scp = url ? null : SCP_LIKE.exec(clean);
  const where = url ? `${url.host}${url.pathname}` : scp ? `${scp[2]}/${scp[3]}` : null;
  return (
    where &&
    where
      .replace(/\/+$/, '')
      .replace(/\.git$/, '')
      .replace(/\/{2,}/g, '/')
  );
}

/**
 * The repository an origin names, as `host/owner/repo` (scheme, user, `.git` and query left out):
 * what messages and logs say instead of the origin itself, which may hold a credential.
 */
export function repositoryOf(origin: string): string {
  return repositoryPath(origin) ?? '(unrecognised origin)';
}

/**
 * A repository's key, the same for every spelling of it (SPEC §9: what webhooks match a PR's head
 * against): `host/owner/repo` in lower case, from an origin or a repository's web URL. The port is
 * left out, since an SSH origin's port is not the web's; at worst two repositories of one host
 * share a key, which costs a needless refresh, never a wrong one. Null when it names no repository.
 */
export function repositoryKey(originOrUrl: string): string | null {
  const path = repositoryPath(originOrUrl);
  if (path === null) return null;
  const [host = '', ...parts] = path.split('/');
  if (parts.length < 2 || parts.some((p) => p === '' || p === '.' || p === '..')) return null;
  return [host.replace(/:\d*$/, ''), ...parts].join('/').toLowerCase();
}

/** The parts of a web base URL origins and pull-request URLs are matched against. */
export interface WebBase {
  url: string;
  protocol: string;
  /** Host and port, lower case, as `URL.host` spells it (default port omitted). */
  host: string;
  hostname: string;
  /** Path under which repositories live; empty for a server at the root. */
  pathPrefix: string;
}

export function webBaseOf(webBaseUrl: string): WebBase {
  const url = new URL(webBaseUrl);
  return {
    url: webBaseUrl.replace(/\/+$/, ''),
    protocol: url.protocol,
    host: url.host,
    hostname: url.hostname,
    pathPrefix: url.pathname.replace(/\/+$/, ''),
  };
}

function isName(name: string): boolean {
  return name !== '.' && name !== '..';
}

function repoRef(base: WebBase, owner: string | undefined, repo: string | undefined): RepoRef | null {
  if (!owner || !repo || !isName(owner) || !isName(repo)) return null;
  return { webBaseUrl: base.url, owner, repo };
}

/**
 * Parses a web URL (origin or pull-request page) of this web base and returns its path below the base,
 * or null when it lives elsewhere. `http://` is only accepted when the web base itself is plain http
 * (a local fake); the host must match including the port.
 */
export function pathUnder(base: WebBase, raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const schemeOk = url.protocol === 'https:' || (url.protocol === 'http:' && base.protocol === 'http:');
  if (!schemeOk || url.host !== base.host) return null;
  if (base.pathPrefix && !url.pathname.startsWith(`${base.pathPrefix}/`)) return null;
  return url;
}

/**
 * Parses a git remote origin of the provider whose web base is `webBaseUrl`:
 * `https://HOST/owner/repo(.git)(/)` (credentials ignored), `git@HOST:owner/repo(.git)` and
 * `ssh://git@HOST(:port)/owner/repo(.git)`. SSH ports and paths are unrelated to the web port and path, so
 * SSH origins are matched on the host name alone. Any other host → null.
 */
export function parseOrigin(origin: string, webBaseUrl: string): RepoRef | null {
  const base = webBaseOf(webBaseUrl);
  const raw = origin.trim();
  if (raw === '') return null;

  const scp = SCP_ORIGIN.exec(raw);
  if (scp) {
    return scp[1]?.toLowerCase() === base.hostname ? repoRef(base, scp[2], scp[3]) : null;
  }

  if (/^ssh:\/\//i.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return null;
    }
    // ssh: is not a "special" scheme, so URL leaves its host's case alone.
    if (url.username !== 'git' || url.hostname.toLowerCase() !== base.hostname || url.search || url.hash) return null;
    const match = REPO_PATH.exec(url.pathname);
    return match ? repoRef(base, match[1], match[2]) : null;
  }

  const url = pathUnder(base, raw);
  if (!url || url.search || url.hash) return null;
  const match = REPO_PATH.exec(url.pathname.slice(base.pathPrefix.length));
  return match ? repoRef(base, match[1], match[2]) : null;
}

/** The canonical web URL of a pull request. */
export function pullRequestUrl(repo: RepoRef, number: number): string {
  return `${repo.webBaseUrl}/${repo.owner}/${repo.repo}/pull/${number}`;
}

/**
 * Parses `https://HOST/owner/repo/pull/N` with an optional trailing path (`/files`), query or fragment;
 * other hosts → null. The returned `url` is canonical (no trailing parts).
 */
export function parsePullRequestUrl(prUrl: string, webBaseUrl: string): PullRequestRef | null {
  const base = webBaseOf(webBaseUrl);
  const url = pathUnder(base, prUrl.trim().replace(TRAILING_PUNCTUATION, ''));
  if (!url) return null;
  const match = PULL_PATH.exec(url.pathname.slice(base.pathPrefix.length));
  if (!match) return null;
  const repo = repoRef(base, match[1], match[2]);
  if (!repo) return null;
  const number = Number(match[3]);
  return { ...repo, number, url: pullRequestUrl(repo, number) };
}
