import { createHash } from 'node:crypto';
import type {
  CreateMergeRequestInput,
  FakeMergeRequest,
  MergeRequestPatch,
  MergeRequestState,
  PipelineStatus,
  ReviewState,
} from './types.js';

export interface ProjectRecord {
  id: number;
  /** Full path as first added, e.g. `acme/platform/app`. */
  path: string;
  forkedFrom: ProjectRecord | null;
  nextIid: number;
}

export interface MergeRequestRecord {
  id: number;
  iid: number;
  target: ProjectRecord;
  source: ProjectRecord;
  sourceBranch: string;
  targetBranch: string;
  title: string;
  state: MergeRequestState;
  draft: boolean;
  author: string;
  sha: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  commits: number;
  approvalsRequired: number;
  approvedBy: string[];
  reviewers: Map<string, ReviewState>;
  pipeline: PipelineStatus | null;
  createdAt: Date;
  updatedAt: Date;
}

const key = (path: string) => path.toLowerCase().replace(/^\/+|\/+$/g, '');

/** GitLab's names: letters, digits, `_`, `.`, `-`; at least a namespace and a project. */
const PATH = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+$/;

/** Projects, users and merge requests, in memory. Paths are case-insensitive, as GitLab's routes are. */
export class Store {
  private readonly projects = new Map<string, ProjectRecord>();
  private readonly projectsById = new Map<number, ProjectRecord>();
  private readonly mergeRequests = new Map<number, MergeRequestRecord[]>();
  private readonly users = new Map<string, number>();
  private nextProjectId = 1000;
  private nextMergeRequestId = 50_000;
  private clock = 0;

  userId(username: string): number {
    const k = username.toLowerCase();
    let id = this.users.get(k);
    if (id === undefined) {
      id = this.users.size + 1;
      this.users.set(k, id);
    }
    return id;
  }

  addProject(path: string, forkOf?: string): ProjectRecord {
    if (!PATH.test(path)) throw new Error(`fake GitLab: "${path}" is not a project path (group/…/project)`);
    const existing = this.projects.get(key(path));
    const parent = forkOf === undefined ? null : this.addProject(forkOf);
    if (existing) {
      if (forkOf !== undefined && existing.forkedFrom !== parent)
        throw new Error(`fake GitLab: ${path} exists and is not a fork of ${forkOf}`);
      return existing;
    }
    const project: ProjectRecord = { id: this.nextProjectId++, path, forkedFrom: parent, nextIid: 1 };
    this.projects.set(key(path), project);
    this.projectsById.set(project.id, project);
    return project;
  }

  /** By numeric id or (URL-decoded) full path. */
  project(idOrPath: string): ProjectRecord | undefined {
    return /^\d+$/.test(idOrPath) ? this.projectsById.get(Number(idOrPath)) : this.projects.get(key(idOrPath));
  }

  createMergeRequest(input: CreateMergeRequestInput): MergeRequestRecord {
    const target = this.addProject(input.project);
    const source = input.sourceProject
      ? this.addProject(input.sourceProject, input.sourceProject === input.project ? undefined : target.path)
      : target;
    const now = this.tick();
    const iid = target.nextIid++;
    const mr: MergeRequestRecord = {
      id: this.nextMergeRequestId++,
      iid,
      target,
      source,
      sourceBranch: input.sourceBranch,
      targetBranch: input.targetBranch ?? 'main',
      title: input.title ?? `Merge ${input.sourceBranch}`,
      state: 'opened',
      draft: input.draft ?? false,
      author: input.author ?? source.path.split('/')[0]!,
      sha: sha(`${target.path}!${iid}:0`),
      additions: input.additions ?? 10,
      deletions: input.deletions ?? 2,
      changedFiles: input.changedFiles ?? 1,
      commits: input.commits ?? 1,
      approvalsRequired: input.approvalsRequired ?? 0,
      approvedBy: [],
      reviewers: new Map(),
      pipeline: input.pipeline === undefined ? null : input.pipeline,
      createdAt: now,
      updatedAt: now,
    };
    this.listOf(target).push(mr);
    return mr;
  }

  mergeRequest(project: string, iid: number): MergeRequestRecord | undefined {
    const target = this.project(project);
    return target && this.listOf(target).find((mr) => mr.iid === iid);
  }

  /** Merge requests targeting `project`, in creation order. */
  listOf(project: ProjectRecord): MergeRequestRecord[] {
    let list = this.mergeRequests.get(project.id);
    if (!list) this.mergeRequests.set(project.id, (list = []));
    return list;
  }

  update(project: string, iid: number, change: (mr: MergeRequestRecord) => void): MergeRequestRecord {
    const mr = this.mergeRequest(project, iid);
    if (!mr) throw new Error(`fake GitLab: no merge request ${project}!${iid}`);
    change(mr);
    mr.updatedAt = this.tick();
    return mr;
  }

  patch(project: string, iid: number, patch: MergeRequestPatch): MergeRequestRecord {
    return this.update(project, iid, (mr) => {
      const { sha: newSha, ...rest } = patch;
      Object.assign(mr, rest);
      if (newSha !== undefined) mr.sha = newSha;
      else if (patch.commits !== undefined && patch.commits !== mr.commits)
        mr.sha = sha(`${mr.target.path}!${mr.iid}:${patch.commits}`);
    });
  }

  /** Strictly increasing times, so "most recently updated" never ties. */
  private tick(): Date {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return new Date(this.clock);
  }
}

function sha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

export function toFakeMergeRequest(mr: MergeRequestRecord, webBase: string): FakeMergeRequest {
  return {
    project: mr.target.path,
    sourceProject: mr.source.path,
    iid: mr.iid,
    webUrl: webUrlOf(webBase, mr),
    sourceBranch: mr.sourceBranch,
    targetBranch: mr.targetBranch,
    sha: mr.sha,
    title: mr.title,
    state: mr.state,
    draft: mr.draft,
    author: mr.author,
    additions: mr.additions,
    deletions: mr.deletions,
    changedFiles: mr.changedFiles,
    commits: mr.commits,
    approvalsRequired: mr.approvalsRequired,
    approvedBy: [...mr.approvedBy],
    reviewers: [...mr.reviewers].map(([username, state]) => ({ username, state })),
    pipeline: mr.pipeline,
    updatedAt: mr.updatedAt,
  };
}

export const webUrlOf = (webBase: string, mr: MergeRequestRecord) =>
  `${webBase}/${mr.target.path}/-/merge_requests/${mr.iid}`;
