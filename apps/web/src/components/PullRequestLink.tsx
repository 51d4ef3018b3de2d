import type { DiffStatusJson } from '@gitsync/contracts';

/** `#12 Title`, linking to the PR; before the first fetch only the url is known. */
export function PullRequestLink({ status }: { status: DiffStatusJson }) {
  if (!status.url) return null;
  const title = status.pull_request_title || 'Pull request';
  const hover = [
    status.pr_number && `#${status.pr_number}`,
    status.pull_request_title,
    status.author_login && `by ${status.author_login}`,
    status.base_branch && status.head_branch && `${status.head_branch} → ${status.base_branch}`,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <a className="pr-link" href={status.url} target="_blank" rel="noreferrer noopener" title={hover || status.url}>
      {status.pr_number !== undefined && <span className="pr-number">#{status.pr_number}</span>}{' '}
      <span className="pr-title">{title}</span>
    </a>
  );
}
