export * from './events.js';
export * from './signature.js';
export * from './handler.js';
export { githubWebhooks } from './github.js';
export { gitlabWebhooks } from './gitlab/index.js';
export { decideGitLab, MERGE_REQUEST_ACTIONS } from './gitlab/events.js';
export { verifyGitLabToken } from './gitlab/token.js';
export { webhookHandlers } from './registry.js';
export { CHECK_RUN_ACTIONS, CHECK_SUITE_ACTIONS, decideCommitEvent } from './commit-events.js';
