import type { ChatJson } from '@gitsync/contracts';
import { chat, chatWithPr, diffStatus } from './fixtures';

/** The icon table of SPEC §8 for every status × pull-request state, shared by the mapping and component tests. */
export type Status = 'waiting' | 'completed' | 'running' | 'pending' | 'paused' | 'error';
export type Pr = 'none' | 'url only' | 'open' | 'draft' | 'merged' | 'closed' | 'merged draft' | 'closed draft';

export const statuses: Status[] = ['waiting', 'completed', 'running', 'pending', 'paused', 'error'];
const prs: Pr[] = ['none', 'url only', 'open', 'draft', 'merged', 'closed', 'merged draft', 'closed draft'];

export function make(status: Status, pr: Pr): ChatJson {
  if (pr === 'none') return chat({ status });
  if (pr === 'url only')
    return chat({ status, diff_status: diffStatus({ url: 'https://github.com/acme/webapp/pull/12' }) });
  const [state, draft] = pr.split(' ') as ['open' | 'merged' | 'closed' | 'draft', string | undefined];
  return chatWithPr(
    {
      pull_request_state: state === 'draft' ? 'open' : state,
      pull_request_draft: state === 'draft' || draft === 'draft',
    },
    { status },
  );
}

const pullRequestIcon: Record<Exclude<Pr, 'none' | 'url only'>, [string, string, string]> = {
  open: ['git-pull-request-arrow', 'green', 'Pull request open'],
  draft: ['git-pull-request-draft', 'gray', 'Draft pull request'],
  merged: ['git-merge', 'purple', 'Pull request merged'],
  closed: ['git-pull-request-closed', 'red', 'Pull request closed'],
  // A merged or closed PR's draft flag no longer matters.
  'merged draft': ['git-merge', 'purple', 'Pull request merged'],
  'closed draft': ['git-pull-request-closed', 'red', 'Pull request closed'],
};

const activityIcon: Record<Status, [string, string, string]> = {
  running: ['loader-circle', 'blue', 'Running'],
  pending: ['loader-circle', 'gray', 'Pending'],
  paused: ['pause', 'amber', 'Paused'],
  error: ['triangle-alert', 'red', 'Error'],
  waiting: ['circle', 'gray', 'Waiting for input'],
  completed: ['circle-check', 'gray', 'Completed'],
};

/** SPEC §8: the PR icon only for waiting/completed chats with a fetched PR; the activity icon otherwise. */
function expected(status: Status, pr: Pr): [string, string, string] {
  if ((status === 'waiting' || status === 'completed') && pr !== 'none' && pr !== 'url only')
    return pullRequestIcon[pr];
  return activityIcon[status];
}

export const cases = statuses.flatMap((status) => prs.map((pr) => [status, pr, ...expected(status, pr)] as const));
