import { notFound } from './answer.js';
import type { Answer } from './answer.js';
import type { Store } from './store.js';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The pages a person clicking around the demo reaches: a merge request's page and avatars. */
export function answerWeb(store: Store, method: string, pathname: string): Answer {
  if (method !== 'GET' && method !== 'HEAD') return notFound();
  const avatar = /^\/uploads\/-\/system\/user\/avatar\/(\d+)\/avatar\.png$/.exec(pathname);
  if (avatar) return avatarSvg(Number(avatar[1]));
  const page = /^\/(.+)\/-\/merge_requests\/(\d+)(?:\/.*)?$/.exec(pathname);
  if (!page) return notFound();
  let mr;
  try {
    mr = store.mergeRequest(decodeURIComponent(page[1] ?? ''), Number(page[2]));
  } catch {
    return notFound();
  }
  if (!mr) return notFound();
  const from = mr.source === mr.target ? mr.sourceBranch : `${mr.source.path}:${mr.sourceBranch}`;
  const reviews = [...mr.reviewers].map(([u, s]) => `<li>${escape(u)}: ${s}</li>`).join('');
  const state = mr.draft && mr.state === 'opened' ? 'draft' : mr.state;
  const into = escape(mr.targetBranch);
  const pipeline = mr.pipeline ?? 'none';
  const body = `<!doctype html><meta charset="utf-8"><title>${escape(mr.title)} (!${mr.iid})</title>
<h1>${escape(mr.title)} <small>!${mr.iid}</small></h1>
<p><b>${state}</b> · ${escape(mr.author)} requested to merge <code>${escape(from)}</code> into <code>${into}</code></p>
<p>+${mr.additions} −${mr.deletions} in ${mr.changedFiles} file(s) · ${mr.commits} commit(s) · pipeline ${pipeline}</p>
<p>approved by ${mr.approvedBy.map(escape).join(', ') || 'nobody'}</p><ul>${reviews}</ul>`;
  return { status: 200, body, contentType: 'text/html; charset=utf-8' };
}

function avatarSvg(id: number): Answer {
  const hue = (id * 97) % 360;
  const body = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" rx="32" fill="hsl(${hue},60%,50%)"/><text x="32" y="41" font-size="24" text-anchor="middle" fill="#fff" font-family="sans-serif">${id}</text></svg>`;
  return { status: 200, body, contentType: 'image/svg+xml', headers: { 'cache-control': 'max-age=3600' } };
}
