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
  HeldRequest,
  Hold,
  PullRequestPatch,
  RepoRef,
  ReviewState,
} from './types.js';
