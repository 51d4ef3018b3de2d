export { startFakeGitHub } from './server.js';
export type {
  AddCheckRunInput,
  AddRepoOptions,
  AddReviewInput,
  AddTokenOptions,
  CheckRunConclusion,
  CheckRunStatus,
  CommitStatusState,
  CreatePullRequestInput,
  FailureMode,
  FakeGitHub,
  FakeCheckRun,
  FakeGitHubOptions,
  FakePullRequest,
  FakeRequest,
  PullRequestPatch,
  RepoRef,
  ReviewState,
  SetCommitStatusInput,
} from './types.js';
export type { HeldRequest, Hold } from '@gitsync/fake-kit';
