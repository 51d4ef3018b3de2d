import { buildSchema, graphql } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { avatarPath } from './shapes.js';
import type { MergeRequestRecord, ProjectRecord, Store } from './store.js';
import { webUrlOf } from './store.js';

/**
 * The slice of GitLab's GraphQL schema a client of merge requests reads, with GitLab's names and
 * nullability (GraphQL reference). A query naming a field outside it fails validation, as it
 * would on a GitLab that lacks the field.
 */
const SDL = `
scalar Time
type Query { project(fullPath: ID!): Project }
type Project {
  id: ID!
  fullPath: ID!
  webUrl: String
  mergeRequest(iid: String!): MergeRequest
  mergeRequests(sourceBranches: [String!], state: MergeRequestState, first: Int): MergeRequestConnection
}
enum MergeRequestState { opened closed locked merged all }
type MergeRequestConnection { count: Int! nodes: [MergeRequest] pageInfo: PageInfo! }
type MergeRequest {
  id: ID!
  iid: String!
  title: String!
  state: MergeRequestState!
  draft: Boolean!
  sourceBranch: String!
  targetBranch: String!
  sourceProjectId: Int
  targetProjectId: Int!
  diffHeadSha: String
  webUrl: String
  updatedAt: Time!
  author: MergeRequestAuthor
  commitCount: Int
  diffStatsSummary: DiffStatsSummary
  approved: Boolean!
  approvalsRequired: Int
  approvedBy(first: Int, after: String): UserCoreConnection
  reviewers(first: Int, after: String): MergeRequestReviewerConnection
  headPipeline: Pipeline
}
type MergeRequestAuthor { id: ID! username: String! name: String! avatarUrl: String webUrl: String! }
type DiffStatsSummary { additions: Int! deletions: Int! changes: Int! fileCount: Int! }
type UserCoreConnection { count: Int! nodes: [UserCore] pageInfo: PageInfo! }
type UserCore { id: ID! username: String! name: String! avatarUrl: String }
type MergeRequestReviewerConnection { count: Int! nodes: [MergeRequestReviewer] pageInfo: PageInfo! }
type MergeRequestReviewer {
  id: ID!
  username: String!
  name: String!
  avatarUrl: String
  mergeRequestInteraction: UserMergeRequestInteraction
}
type UserMergeRequestInteraction { reviewState: MergeRequestReviewState approved: Boolean! }
enum MergeRequestReviewState { UNREVIEWED REVIEWED REQUESTED_CHANGES APPROVED UNAPPROVED REVIEW_STARTED }
type Pipeline { id: ID! iid: String! status: PipelineStatusEnum! sha: String }
enum PipelineStatusEnum {
  CREATED WAITING_FOR_RESOURCE PREPARING WAITING_FOR_CALLBACK PENDING RUNNING
  FAILED SUCCESS CANCELING CANCELED SKIPPED MANUAL SCHEDULED
}
type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
`;

let schema: GraphQLSchema | undefined;

export interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** Runs a GraphQL request against the store; the answer's JSON (`{data, errors?}`). */
export async function answerGraphql(store: Store, web: string, body: GraphqlBody): Promise<unknown> {
  if (typeof body.query !== 'string') return { errors: [{ message: 'No query string was present' }] };
  schema ??= buildSchema(SDL);
  const variables = typeof body.variables === 'object' && body.variables !== null ? body.variables : {};
  return graphql({
    schema,
    source: body.query,
    variableValues: variables as Record<string, unknown>,
    operationName: typeof body.operationName === 'string' ? body.operationName : null,
    rootValue: { project: ({ fullPath }: { fullPath: string }) => projectNode(store, web, store.project(fullPath)) },
  });
}

function connection<T>(items: T[], first: number | undefined) {
  const nodes = items.slice(0, first ?? 100);
  return {
    count: items.length,
    nodes,
    pageInfo: { hasNextPage: nodes.length < items.length, hasPreviousPage: false, startCursor: null, endCursor: null },
  };
}

function projectNode(store: Store, web: string, project: ProjectRecord | undefined) {
  if (!project) return null;
  const mergeRequests = store.listOf(project);
  return {
    id: `gid://gitlab/Project/${project.id}`,
    fullPath: project.path,
    webUrl: `${web}/${project.path}`,
    mergeRequest: ({ iid }: { iid: string }) => {
      const mr = mergeRequests.find((m) => String(m.iid) === iid);
      return mr ? mergeRequestNode(store, web, mr) : null;
    },
    mergeRequests: (args: { sourceBranches?: string[]; state?: string; first?: number }) =>
      connection(
        mergeRequests
          .filter((m) => !args.sourceBranches || args.sourceBranches.includes(m.sourceBranch))
          .filter((m) => !args.state || args.state === 'all' || m.state === args.state)
          .map((m) => mergeRequestNode(store, web, m)),
        args.first,
      ),
  };
}

function user(store: Store, username: string) {
  const id = store.userId(username);
  // GitLab gives uploaded avatars relative to its web base.
  return { id: `gid://gitlab/User/${id}`, username, name: username, avatarUrl: avatarPath(id) };
}

function mergeRequestNode(store: Store, web: string, mr: MergeRequestRecord) {
  return {
    id: `gid://gitlab/MergeRequest/${mr.id}`,
    iid: String(mr.iid),
    title: mr.title,
    state: mr.state,
    draft: mr.draft,
    sourceBranch: mr.sourceBranch,
    targetBranch: mr.targetBranch,
    sourceProjectId: mr.source.id,
    targetProjectId: mr.target.id,
    diffHeadSha: mr.sha,
    webUrl: webUrlOf(web, mr),
    updatedAt: mr.updatedAt.toISOString(),
    author: { ...user(store, mr.author), webUrl: `${web}/${mr.author}` },
    commitCount: mr.commits,
    diffStatsSummary: {
      additions: mr.additions,
      deletions: mr.deletions,
      changes: mr.additions + mr.deletions,
      fileCount: mr.changedFiles,
    },
    // GitLab: true once the rules' required approvals are given — so with none required, always.
    approved: mr.approvedBy.length >= mr.approvalsRequired,
    approvalsRequired: mr.approvalsRequired,
    approvedBy: ({ first }: { first?: number }) =>
      connection(
        mr.approvedBy.map((u) => user(store, u)),
        first,
      ),
    reviewers: ({ first }: { first?: number }) =>
      connection(
        [...mr.reviewers].map(([username, state]) => ({
          ...user(store, username),
          mergeRequestInteraction: { reviewState: state, approved: mr.approvedBy.includes(username) },
        })),
        first,
      ),
    headPipeline: mr.pipeline && {
      id: `gid://gitlab/Ci::Pipeline/${mr.id}`,
      iid: String(mr.commits),
      status: mr.pipeline.toUpperCase(),
      sha: mr.sha,
    },
  };
}
