import type { DiffStatusJson } from '@gitsync/contracts';
import { CircleCheck, CircleX } from 'lucide-react';

/** The review verdict as SPEC §4 computes it: changes requested outweighs approvals. */
export function ReviewVerdict({ status }: { status: DiffStatusJson }) {
  const reviewers = status.reviewer_count
    ? ` (${status.reviewer_count} reviewer${status.reviewer_count === 1 ? '' : 's'})`
    : '';
  if (status.changes_requested) {
    return (
      <span className="verdict changes-requested" title={`Changes requested${reviewers}`}>
        <CircleX size={13} aria-hidden="true" /> Changes requested
      </span>
    );
  }
  if (status.approved) {
    return (
      <span className="verdict approved" title={`Approved${reviewers}`}>
        <CircleCheck size={13} aria-hidden="true" /> Approved
      </span>
    );
  }
  return null;
}
