import type { MergeRequestRecord, ProjectRecord, Store } from './store.js';
import { webUrlOf } from './store.js';

/** Where the fake's pages live (bodies carry absolute URLs). */
export interface Bases {
  web: string;
}

/** A user as REST shows one (`author`, `approved_by[].user` …). */
export function restUser(store: Store, bases: Bases, username: string) {
  const id = store.userId(username);
  return {
    id,
    username,
    name: username,
    state: 'active',
    locked: false,
    avatar_url: avatarUrl(bases, id),
    web_url: `${bases.web}/${username}`,
  };
}

/** Uploaded avatars are served by GitLab under its web base. */
export const avatarPath = (id: number) => `/uploads/-/system/user/avatar/${id}/avatar.png`;
const avatarUrl = (bases: Bases, id: number) => `${bases.web}${avatarPath(id)}`;

/** `GET /projects/:id` (the fields GitLab documents that a client reads). */
export function restProject(bases: Bases, project: ProjectRecord): Record<string, unknown> {
  const slash = project.path.lastIndexOf('/');
  const namespace = project.path.slice(0, slash);
  const name = project.path.slice(slash + 1);
  const host = new URL(bases.web).host;
  return {
    id: project.id,
    name,
    path: name,
    name_with_namespace: project.path.split('/').join(' / '),
    path_with_namespace: project.path,
    default_branch: 'main',
    web_url: `${bases.web}/${project.path}`,
    http_url_to_repo: `${bases.web}/${project.path}.git`,
    ssh_url_to_repo: `git@${new URL(bases.web).hostname}:${project.path}.git`,
    namespace: {
      name: namespace.split('/').pop(),
      path: namespace.split('/').pop(),
      full_path: namespace,
      kind: 'group',
      web_url: `${bases.web}/groups/${namespace}`,
    },
    visibility: 'private',
    ...(project.forkedFrom && {
      forked_from_project: {
        id: project.forkedFrom.id,
        name: project.forkedFrom.path.split('/').pop(),
        path_with_namespace: project.forkedFrom.path,
        web_url: `${bases.web}/${project.forkedFrom.path}`,
      },
    }),
    _links: { self: `http://${host}/api/v4/projects/${project.id}` },
  };
}

const iso = (d: Date) => d.toISOString();

/** One merge request as `GET /projects/:id/merge_requests` lists it. */
export function restMergeRequest(store: Store, bases: Bases, mr: MergeRequestRecord): Record<string, unknown> {
  const ended = mr.state === 'merged' || mr.state === 'closed';
  return {
    id: mr.id,
    iid: mr.iid,
    project_id: mr.target.id,
    title: mr.title,
    description: '',
    state: mr.state,
    created_at: iso(mr.createdAt),
    updated_at: iso(mr.updatedAt),
    merged_at: mr.state === 'merged' ? iso(mr.updatedAt) : null,
    closed_at: mr.state === 'closed' ? iso(mr.updatedAt) : null,
    target_branch: mr.targetBranch,
    source_branch: mr.sourceBranch,
    author: restUser(store, bases, mr.author),
    reviewers: [...mr.reviewers.keys()].map((u) => restUser(store, bases, u)),
    source_project_id: mr.source.id,
    target_project_id: mr.target.id,
    draft: mr.draft,
    work_in_progress: mr.draft,
    merge_status: ended ? 'cannot_be_merged_recheck' : 'can_be_merged',
    detailed_merge_status: ended ? 'not_open' : 'mergeable',
    sha: mr.sha,
    user_notes_count: 0,
    web_url: webUrlOf(bases.web, mr),
    references: {
      short: `!${mr.iid}`,
      relative: `!${mr.iid}`,
      full: `${mr.target.path}!${mr.iid}`,
    },
  };
}
