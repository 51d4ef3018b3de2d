import type { DiffStatusJson } from '@gitsync/contracts';
import { Check, Dot, Minus, X, type LucideIcon } from 'lucide-react';
import type { IconColor } from './pr-icon';

export interface ChecksIconConfig {
  icon: LucideIcon;
  /** Stable name for tests and `data-checks`. */
  state: NonNullable<DiffStatusJson['checks_state']>;
  color: IconColor;
  /** What a screen reader says and a hover shows, counts included. */
  label: string;
}

type ChecksSource = Pick<DiffStatusJson, 'checks_state' | 'checks_passed' | 'checks_failed' | 'checks_pending'>;

const look = {
  success: { icon: Check, color: 'green', word: 'Checks passed' },
  failure: { icon: X, color: 'red', word: 'Checks failed' },
  pending: { icon: Dot, color: 'amber', word: 'Checks running' },
  neutral: { icon: Minus, color: 'gray', word: 'Checks neutral' },
} as const satisfies Record<ChecksIconConfig['state'], { icon: LucideIcon; color: IconColor; word: string }>;

/** The head commit's checks as a mark beside the PR icon; null when the commit has none. */
export function checksIconFor(status: ChecksSource | undefined): ChecksIconConfig | null {
  const state = status?.checks_state;
  if (!state) return null;
  const counts = [
    [status.checks_passed, 'passed'],
    [status.checks_failed, 'failed'],
    [status.checks_pending, 'pending'],
  ]
    .filter(([n]) => typeof n === 'number' && n > 0)
    .map(([n, word]) => `${n} ${word}`);
  const { icon, color, word } = look[state];
  return { icon, state, color, label: counts.length > 0 ? `${word}: ${counts.join(', ')}` : word };
}

/**
 * Merge conflicts: only GitHub's `dirty`, and only while the PR is open (a merged or closed PR has nothing left to
 * merge, whatever was last computed). An unknown mergeability (not computed yet) is no conflict.
 */
export const hasConflicts = (
  status: Pick<DiffStatusJson, 'mergeable_state' | 'pull_request_state'> | undefined,
): boolean => status?.pull_request_state === 'open' && status.mergeable_state === 'dirty';
