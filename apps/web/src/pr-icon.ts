import type { ChatJson } from '@gitsync/contracts';
import {
  Circle,
  CircleCheck,
  GitMerge,
  GitPullRequestArrow,
  GitPullRequestClosed,
  GitPullRequestDraft,
  LoaderCircle,
  Pause,
  TriangleAlert,
  type LucideIcon,
} from 'lucide-react';

/** Named colours, so the stylesheet and the tests agree on what "green" means. */
export const colors = {
  green: '#1a7f37',
  purple: '#8250df',
  red: '#cf222e',
  gray: '#6e7781',
  blue: '#0969da',
  amber: '#9a6700',
} as const;
export type IconColor = keyof typeof colors;

export interface ChatIconConfig {
  icon: LucideIcon;
  /** Stable name for tests and `data-icon` (lucide's kebab-case icon name). */
  name: string;
  color: IconColor;
  /** What a screen reader says and a hover shows. */
  label: string;
  /** Activity icons turn while the agent works. */
  spin: boolean;
}

type ChatStatus = ChatJson['status'];
type IconSource = Pick<ChatJson, 'status'> & {
  diff_status?: Pick<NonNullable<ChatJson['diff_status']>, 'pull_request_state' | 'pull_request_draft'>;
};

const activity: Record<ChatStatus, ChatIconConfig> = {
  running: { icon: LoaderCircle, name: 'loader-circle', color: 'blue', label: 'Running', spin: true },
  pending: { icon: LoaderCircle, name: 'loader-circle', color: 'gray', label: 'Pending', spin: true },
  paused: { icon: Pause, name: 'pause', color: 'amber', label: 'Paused', spin: false },
  error: { icon: TriangleAlert, name: 'triangle-alert', color: 'red', label: 'Error', spin: false },
  waiting: { icon: Circle, name: 'circle', color: 'gray', label: 'Waiting for input', spin: false },
  completed: { icon: CircleCheck, name: 'circle-check', color: 'gray', label: 'Completed', spin: false },
};

const pullRequest = {
  merged: { icon: GitMerge, name: 'git-merge', color: 'purple', label: 'Pull request merged', spin: false },
  closed: {
    icon: GitPullRequestClosed,
    name: 'git-pull-request-closed',
    color: 'red',
    label: 'Pull request closed',
    spin: false,
  },
  draft: {
    icon: GitPullRequestDraft,
    name: 'git-pull-request-draft',
    color: 'gray',
    label: 'Draft pull request',
    spin: false,
  },
  open: {
    icon: GitPullRequestArrow,
    name: 'git-pull-request-arrow',
    color: 'green',
    label: 'Pull request open',
    spin: false,
  },
} satisfies Record<string, ChatIconConfig>;

/**
 * SPEC §8 (the Go sidebar's getPRIconConfig): the PR icon replaces the status icon only once the
 * agent has stopped (waiting or completed); while it works, its activity matters more. A row
 * whose PR has not been fetched yet (no state) has no PR to show.
 */
export function iconFor(chat: IconSource): ChatIconConfig {
  const state = chat.diff_status?.pull_request_state;
  if ((chat.status === 'waiting' || chat.status === 'completed') && state) {
    if (state === 'merged') return pullRequest.merged;
    if (state === 'closed') return pullRequest.closed;
    return chat.diff_status?.pull_request_draft ? pullRequest.draft : pullRequest.open;
  }
  return activity[chat.status];
}
