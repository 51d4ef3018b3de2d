import type { DiffStatusJson } from '@gitsync/contracts';
import { checksIconFor, hasConflicts } from '../checks-icon';
import { colors } from '../pr-icon';

/** The head commit's checks beside the PR icon, announced by their label. */
export function ChecksIcon({ status }: { status: DiffStatusJson | undefined }) {
  const config = checksIconFor(status);
  if (!config) return null;
  const { icon: Icon, state, color, label } = config;
  return (
    <span
      className="checks-icon"
      role="img"
      aria-label={label}
      title={label}
      data-checks={state}
      style={{ color: colors[color] }}
    >
      <Icon size={14} strokeWidth={3} aria-hidden="true" />
    </span>
  );
}

/** "conflicts" when GitHub says the PR does not merge cleanly (`mergeable_state: dirty`). */
export function ConflictsBadge({ status }: { status: DiffStatusJson | undefined }) {
  if (!hasConflicts(status)) return null;
  return (
    <span className="badge conflicts" title="This pull request has merge conflicts">
      conflicts
    </span>
  );
}
