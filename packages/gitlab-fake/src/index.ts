export { startFakeGitLab } from './server.js';
export type {
  AddProjectOptions,
  AddTokenOptions,
  CreateMergeRequestInput,
  FailureMode,
  FakeGitLab,
  FakeGitLabOptions,
  FakeMergeRequest,
  FakeRequest,
  MergeRequestPatch,
  MergeRequestState,
  PipelineStatus,
  ReviewState,
} from './types.js';
export type { HeldRequest, Hold } from '@gitsync/fake-kit';
