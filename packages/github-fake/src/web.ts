import { notFound } from './answer.js';
import type { Answer } from './answer.js';
import type { Store } from './store.js';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The few web pages a person clicking around the demo reaches: a pull request's html_url and the
 * avatar_url of users. Everything else outside /api/v3 is a JSON 404.
 */
export function answerWeb(store: Store, method: string, pathname: string): Answer {
  if (method !== 'GET' && method !== 'HEAD') return notFound();
  const avatar = /^\/avatars\/u\/(\d+)$/.exec(pathname);
  if (avatar) return avatarSvg(Number(avatar[1]));
  const pull = /^\/([^/]+)\/([^/]+)\/pull\/(\d+)(?:\/.*)?$/.exec(pathname);
  if (pull) return pullPage(store, pull[1] ?? '', pull[2] ?? '', Number(pull[3]));
  return notFound();
}

function avatarSvg(id: number): Answer {
  const hue = (id * 137) % 360;
  const body = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="hsl(${hue},55%,55%)"/><text x="32" y="41" font-size="24" text-anchor="middle" fill="#fff" font-family="sans-serif">${id}</text></svg>`;
  return { status: 200, body, contentType: 'image/svg+xml', headers: { 'cache-control': 'max-age=3600' } };
}

function pullPage(store: Store, owner: string, repo: string, number: number): Answer {
  let pr;
  try {
    pr = store.pull(decodeURIComponent(owner), decodeURIComponent(repo), number);
  } catch {
    return notFound();
  }
  if (!pr) return notFound();
  const state = pr.merged ? 'merged' : pr.draft && pr.state === 'open' ? 'draft' : pr.state;
  // GitHub names a fork's branch with its owner: "into main from mallory:fix".
  const from = pr.headRepo === pr.repo ? pr.head : `${pr.headRepo.owner}:${pr.head}`;
  const reviews = pr.reviews.map((r) => `<li>${escape(r.user)}: ${r.state}</li>`).join('');
  const branches = `into <code>${escape(pr.base)}</code> from <code>${escape(from)}</code>`;
  const body = `<!doctype html><meta charset="utf-8"><title>${escape(pr.title)} · #${pr.number}</title>
<h1>${escape(pr.title)} <small>#${pr.number}</small></h1>
<p><b>${state}</b> · ${escape(pr.author)} wants to merge ${pr.commits} commit(s) ${branches}</p>
<p>+${pr.additions} −${pr.deletions} in ${pr.changedFiles} file(s) · head ${pr.headSha.slice(0, 7)}</p>
<ul>${reviews}</ul>`;
  return { status: 200, body, contentType: 'text/html; charset=utf-8' };
}
