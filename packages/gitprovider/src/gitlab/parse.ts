import { z } from 'zod';
import { toStoredText } from '@gitsync/stored-text';
import { ProviderError } from '../errors.js';
import type { PullRequestState } from '../types.js';

/** Provider text, made storable (no NUL, no lone surrogate): it reaches Postgres. */
const text = z.string().transform(toStoredText);
const count = z.number().int().nonnegative();

/** Where a body came from, so that an error can say which answer was wrong. */
export interface GitLabBodyContext {
  what: string;
  status: number;
}

function parse<T>(schema: z.ZodType<T>, data: unknown, context: GitLabBodyContext): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(body)';
  throw new ProviderError(
    `GitLab ${context.what} answered ${context.status} with field "${where}" ${issue?.message ?? 'invalid'}`,
    { kind: 'malformed', status: context.status },
  );
}

/** GitLab's merge-request states as ours: `opened` → open, `locked` (a transient lock) → closed. */
export function stateOf(state: 'opened' | 'closed' | 'locked' | 'merged'): PullRequestState {
  return state === 'opened' ? 'open' : state === 'merged' ? 'merged' : 'closed';
}

const mrState = z.enum(['opened', 'closed', 'locked', 'merged']);

/** One item of `GET /projects/:id/merge_requests` (the fields a choice needs). */
const listedSchema = z.array(
  z.object({
    iid: z.number().int().positive(),
    state: mrState,
    sha: text.nullable().optional(),
    updated_at: z.iso.datetime({ offset: true }),
    source_project_id: z.number().int(),
    target_project_id: z.number().int(),
  }),
);

export interface ListedMergeRequest {
  iid: number;
  state: PullRequestState;
  headSha: string;
  updatedAt: Date;
  sourceProjectId: number;
  targetProjectId: number;
}

export function toListedMergeRequests(data: unknown, context: GitLabBodyContext): ListedMergeRequest[] {
  return parse(listedSchema, data, context).map((mr) => ({
    iid: mr.iid,
    state: stateOf(mr.state),
    headSha: mr.sha ?? '',
    updatedAt: new Date(mr.updated_at),
    sourceProjectId: mr.source_project_id,
    targetProjectId: mr.target_project_id,
  }));
}

/** `GET /projects/:id`: its id and, for a fork, the project it was forked from. */
const projectSchema = z.object({
  id: z.number().int(),
  forked_from_project: z.object({ id: z.number().int(), path_with_namespace: text }).nullable().optional(),
});

export interface ProjectInfo {
  id: number;
  /** `group/sub/project` of the upstream project; null when this is no fork. */
  forkedFrom: string | null;
}

export function toProjectInfo(data: unknown, context: GitLabBodyContext): ProjectInfo {
  const project = parse(projectSchema, data, context);
  return { id: project.id, forkedFrom: project.forked_from_project?.path_with_namespace ?? null };
}

/** GitLab's reviewer states (`MergeRequestReviewState`), as GraphQL spells them. */
const reviewState = z.string().transform((s) => s.toUpperCase());

const pipelineStatus = z.string().transform((s) => s.toUpperCase());

const mergeRequestSchema = z.object({
  project: z
    .object({
      mergeRequest: z
        .object({
          iid: z.string().regex(/^[1-9][0-9]*$/, 'not a merge request number'),
          title: text,
          state: mrState,
          draft: z.boolean(),
          sourceBranch: text,
          targetBranch: text,
          diffHeadSha: text.nullable(),
          author: z.object({ username: text, avatarUrl: text.nullable() }).nullable(),
          commitCount: count.nullable(),
          diffStatsSummary: z.object({ additions: count, deletions: count, fileCount: count }).nullable(),
          approved: z.boolean(),
          approvedBy: z.object({ nodes: z.array(z.object({ username: text }).nullable()) }).nullable(),
          reviewers: z
            .object({
              nodes: z.array(
                z
                  .object({
                    username: text,
                    mergeRequestInteraction: z.object({ reviewState: reviewState.nullable() }).nullable(),
                  })
                  .nullable(),
              ),
            })
            .nullable(),
          headPipeline: z.object({ status: pipelineStatus }).nullable(),
        })
        .nullable(),
    })
    .nullable(),
});

export interface GitLabMergeRequest {
  iid: number;
  title: string;
  state: PullRequestState;
  draft: boolean;
  sourceBranch: string;
  targetBranch: string;
  headSha: string;
  authorUsername: string | null;
  /** As GitLab gives it: absolute (Gravatar) or relative to the web base (uploads). */
  authorAvatarUrl: string | null;
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
  /** GitLab's `approved`: every required approval given (true when none is required). */
  approvalRulesMet: boolean;
  approvedBy: string[];
  reviewers: Array<{ username: string; state: string | null }>;
  /**
   * `headPipeline.status` (`SUCCESS`, `FAILED`, `RUNNING` …): the checks state of the head, kept
   * for the checks field (see `checksStateOf`); null when the head has no pipeline.
   */
  pipelineStatus: string | null;
}

/**
 * The merge request of a GraphQL answer; null when GitLab says there is none (GraphQL answers a
 * missing or hidden project or merge request with a null node where REST answers 404).
 */
export function toGitLabMergeRequest(data: unknown, context: GitLabBodyContext): GitLabMergeRequest | null {
  const mr = parse(mergeRequestSchema, data, context).project?.mergeRequest;
  if (!mr) return null;
  return {
    iid: Number(mr.iid),
    title: mr.title,
    state: stateOf(mr.state),
    draft: mr.draft,
    sourceBranch: mr.sourceBranch,
    targetBranch: mr.targetBranch,
    headSha: mr.diffHeadSha ?? '',
    authorUsername: mr.author?.username ?? null,
    authorAvatarUrl: mr.author?.avatarUrl ?? null,
    commits: mr.commitCount ?? 0,
    additions: mr.diffStatsSummary?.additions ?? 0,
    deletions: mr.diffStatsSummary?.deletions ?? 0,
    changedFiles: mr.diffStatsSummary?.fileCount ?? 0,
    approvalRulesMet: mr.approved,
    approvedBy: (mr.approvedBy?.nodes ?? []).flatMap((n) => (n ? [n.username] : [])),
    reviewers: (mr.reviewers?.nodes ?? []).flatMap((n) =>
      n ? [{ username: n.username, state: n.mergeRequestInteraction?.reviewState ?? null }] : [],
    ),
    pipelineStatus: mr.headPipeline?.status ?? null,
  };
}
