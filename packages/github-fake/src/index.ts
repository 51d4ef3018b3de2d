export { startFakeGitHub } from './server.js';
export type {
  AddRepoOptions,
  AddReviewInput,
  AddTokenOptions,
  CreatePullRequestInput,
  FailureMode,
  FakeGitHub,
  FakeGitHubOptions,
  FakePullRequest,
  FakeRequest,
  PullRequestPatch,
  RepoRef,
  ReviewState,
} from './types.js';
export type { HeldRequest, Hold } from './holds.js';
