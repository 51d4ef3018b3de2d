/**
 * A repository's key, the same for every spelling of it: `host/owner/repo` in lower case, from an
 * origin (`https://host[:port]/o/r(.git)(/)`, `git@host:o/r(.git)`, `ssh://git@host[:port]/o/r(.git)`,
 * credentials ignored) or a repository's web URL. The port is left out (an SSH origin's port is not
 * the web's), and so is any sub-path of the host's: they only make two repositories share a key,
 * which costs a needless refresh, never a wrong one. Null for anything that names no repository.
 */
export function repositoryKey(originOrUrl: string): string | null {
  const raw = originOrUrl.trim();
  let host: string;
  let path: string;
  const scp = /^[^@\s/]+@([^:/\s]+):(.+)$/.exec(raw);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return null;
    }
    if (!/^(https?|ssh|git\+ssh|git\+https?|git):$/i.test(url.protocol) || url.hostname === '' || url.search || url.hash) return null;
    host = url.hostname;
    path = decodeURIComponent(url.pathname);
  }
  const parts = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/i, '').split('/');
  if (parts.length < 2 || parts.some((p) => p === '' || p === '.' || p === '..' || /[\s\\]/.test(p))) return null;
  return `${host}/${parts.slice(-2).join('/')}`.toLowerCase();
}
