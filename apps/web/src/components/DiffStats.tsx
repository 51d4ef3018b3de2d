import type { DiffStatusJson } from '@gitsync/contracts';

/** `+additions −deletions`, only for a known PR that changed something. */
export function DiffStats({ status }: { status: DiffStatusJson }) {
  if (!status.url || (status.additions <= 0 && status.deletions <= 0)) return null;
  const files = status.changed_files === 1 ? '1 file' : `${status.changed_files} files`;
  const title = `${status.additions} additions, ${status.deletions} deletions in ${files}`;
  return (
    <span className="diff-stats" title={title} aria-label={title}>
      <span className="additions">+{status.additions.toLocaleString('en')}</span>{' '}
      <span className="deletions">−{status.deletions.toLocaleString('en')}</span>
    </span>
  );
}
