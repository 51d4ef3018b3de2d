import type { ChatJson } from '@gitsync/contracts';
import { X } from 'lucide-react';
import { useCallback } from 'react';
import type { ApiClient } from '../api';
import { checksIconFor } from '../checks-icon';
import { useDiff } from '../hooks/use-diff';
import { useRefresh } from '../hooks/use-refresh';
import type { RefreshVerdict } from '../refresh-outcome';
import { ChatIcon } from './ChatIcon';
import { ChecksIcon, ConflictsBadge } from './ChecksIcon';
import { DiffStats } from './DiffStats';
import { DiffView } from './DiffView';
import { PullRequestLink } from './PullRequestLink';
import { RefreshButton } from './RefreshButton';
import { RelativeTime } from './RelativeTime';
import { ReviewVerdict } from './ReviewVerdict';

export interface DetailPaneProps {
  api: ApiClient;
  chat: ChatJson;
  onRefresh(chatId: string): Promise<RefreshVerdict>;
  onClose(): void;
}

/** One chat in full: its PR, branches, reviews, checks, last refresh, and what the branch changed. */
export function DetailPane({ api, chat, onRefresh, onClose }: DetailPaneProps) {
  const status = chat.diff_status;
  const refresh = useCallback(() => onRefresh(chat.id), [onRefresh, chat.id]);
  const [refreshState, startRefresh] = useRefresh(refresh);
  // Read again when the PR changes: another one, new commits or new stats.
  const version = [status?.url, status?.commits, status?.additions, status?.deletions, status?.changed_files].join();
  const diff = useDiff(api, chat.id, version);
  const checks = checksIconFor(status);
  const title = chat.title || 'Untitled chat';

  return (
    <section className="detail-pane" aria-label={`Details of ${title}`} data-detail-chat-id={chat.id}>
      <header className="detail-header">
        <ChatIcon chat={chat} />
        <h2 title={title}>{title}</h2>
        {status && <RefreshButton state={refreshState} onClick={startRefresh} />}
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close details" title="Close">
          <X size={15} aria-hidden="true" />
        </button>
      </header>
      {status ? (
        <dl className="detail-facts">
          {status.url && (
            <>
              <dt>Pull request</dt>
              <dd>
                <PullRequestLink status={status} /> <DiffStats status={status} /> <ConflictsBadge status={status} />
              </dd>
            </>
          )}
          <dt>Branches</dt>
          <dd className="detail-branches">
            {status.head_branch ?? '(branch)'} → {status.base_branch ?? 'default branch'}
          </dd>
          <dt>Reviews</dt>
          <dd>
            <ReviewVerdict status={status} /> {status.reviewer_count ?? 0} reviewed
            {status.requested_reviewer_count ? `, ${status.requested_reviewer_count} requested` : ''}
          </dd>
          <dt>Checks</dt>
          <dd className="detail-checks">
            {checks ? (
              <>
                <ChecksIcon status={status} /> {checks.label}
              </>
            ) : (
              'none'
            )}
          </dd>
          {status.labels && status.labels.length > 0 && (
            <>
              <dt>Labels</dt>
              <dd>{status.labels.join(', ')}</dd>
            </>
          )}
          <dt>Last refresh</dt>
          <dd>
            {status.refreshed_at ? <RelativeTime iso={status.refreshed_at} prefix="" /> : 'not yet'}
            {refreshState.kind === 'failed' && (
              <div className="row-error" role="alert">
                {refreshState.message}
              </div>
            )}
            {refreshState.kind === 'note' && (
              <div className="row-note" role="status">
                {refreshState.message}
              </div>
            )}
          </dd>
        </dl>
      ) : (
        <p className="detail-empty">No branch reported yet.</p>
      )}
      {status && (
        <div className="detail-diff" aria-label="Diff" aria-busy={diff.kind === 'loading'}>
          {diff.kind === 'loading' && <p className="diff-loading">Loading the diff…</p>}
          {diff.kind === 'failed' && (
            <p className="row-error" role="alert">
              {diff.message}
            </p>
          )}
          {diff.kind === 'loaded' && <DiffView text={diff.text} />}
        </div>
      )}
    </section>
  );
}
