export { startFakeGitHub } from './server.js';
export type {
  AddReviewInput,
  AddTokenOptions,
  CreatePullRequestInput,
  FailureMode,
  FakeGitHub,
  FakeGitHubOptions,
  FakePullRequest,
  FakeRequest,
  PullRequestPatch,
  ReviewState,
} from './types.js';
