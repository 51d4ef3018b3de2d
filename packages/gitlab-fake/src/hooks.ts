import { restUser } from './shapes.js';
import type { Bases } from './shapes.js';
import type { MergeRequestRecord, ProjectRecord, Store } from './store.js';
import { webUrlOf } from './store.js';

/** A project as webhook payloads describe one (`project`, `object_attributes.source`/`target`). */
function hookProject(bases: Bases, project: ProjectRecord) {
  const host = new URL(bases.web).hostname;
  return {
    id: project.id,
    name: project.path.split('/').pop(),
    web_url: `${bases.web}/${project.path}`,
    git_ssh_url: `git@${host}:${project.path}.git`,
    git_http_url: `${bases.web}/${project.path}.git`,
    namespace: project.path.split('/').slice(0, -1).join('/'),
    path_with_namespace: project.path,
    default_branch: 'main',
  };
}

/** The body of a `Merge Request Hook` (GitLab's webhook events reference). */
export function mergeRequestHook(store: Store, bases: Bases, mr: MergeRequestRecord, action: string): object {
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: restUser(store, bases, mr.author),
    project: hookProject(bases, mr.target),
    object_attributes: {
      id: mr.id,
      iid: mr.iid,
      title: mr.title,
      state: mr.state,
      action,
      draft: mr.draft,
      source_branch: mr.sourceBranch,
      target_branch: mr.targetBranch,
      source_project_id: mr.source.id,
      target_project_id: mr.target.id,
      source: hookProject(bases, mr.source),
      target: hookProject(bases, mr.target),
      last_commit: { id: mr.sha },
      url: webUrlOf(bases.web, mr),
      updated_at: mr.updatedAt.toISOString(),
    },
    reviewers: [...mr.reviewers.keys()].map((u) => restUser(store, bases, u)),
  };
}

/** The body of a `Pipeline Hook` for a merge request pipeline of the head (it runs in the source project). */
export function pipelineHook(store: Store, bases: Bases, mr: MergeRequestRecord): object {
  return {
    object_kind: 'pipeline',
    object_attributes: {
      id: mr.id,
      ref: mr.sourceBranch,
      tag: false,
      sha: mr.sha,
      status: mr.pipeline ?? 'created',
      source: 'merge_request_event',
    },
    merge_request: {
      id: mr.id,
      iid: mr.iid,
      title: mr.title,
      source_branch: mr.sourceBranch,
      source_project_id: mr.source.id,
      target_branch: mr.targetBranch,
      target_project_id: mr.target.id,
      state: mr.state,
      url: webUrlOf(bases.web, mr),
    },
    user: restUser(store, bases, mr.author),
    project: hookProject(bases, mr.source),
  };
}
