import type { ChatJson } from '@gitsync/contracts';
import type { RefreshVerdict } from '../refresh-outcome';
import { useCallback } from 'react';
import { useRefresh } from '../hooks/use-refresh';
import { ChatIcon } from './ChatIcon';
import { ChecksIcon, ConflictsBadge } from './ChecksIcon';
import { DiffStats } from './DiffStats';
import { PullRequestLink } from './PullRequestLink';
import { RateLimitNote } from './RateLimitNote';
import { RefreshButton } from './RefreshButton';
import { RelativeTime } from './RelativeTime';
import { ReviewVerdict } from './ReviewVerdict';

export interface ChatRowProps {
  chat: ChatJson;
  onRefresh(chatId: string): Promise<RefreshVerdict>;
  /** Opens the chat's details (its title becomes the button that does). */
  onSelect?(chatId: string): void;
  selected?: boolean;
}

/** One chat: icon, title, its pull request and when that was last looked at. */
export function ChatRow({ chat, onRefresh, onSelect, selected = false }: ChatRowProps) {
  const status = chat.diff_status;
  const refresh = useCallback(() => onRefresh(chat.id), [onRefresh, chat.id]);
  const [refreshState, startRefresh] = useRefresh(refresh);
  const title = chat.title || 'Untitled chat';

  return (
    <li
      className={selected ? 'chat-row selected' : 'chat-row'}
      data-chat-id={chat.id}
      aria-busy={refreshState.kind === 'refreshing'}
      aria-current={selected || undefined}
    >
      <span className="chat-icons">
        <ChatIcon chat={chat} />
        {status?.url && <ChecksIcon status={status} />}
      </span>
      <div className="chat-body">
        {onSelect ? (
          <button
            type="button"
            className="chat-title link-button"
            title={`${title}: show details`}
            aria-expanded={selected}
            onClick={() => onSelect(chat.id)}
          >
            {title}
          </button>
        ) : (
          <div className="chat-title" title={title}>
            {title}
          </div>
        )}
        {status?.url && (
          <div className="chat-pr">
            <PullRequestLink status={status} />
            <DiffStats status={status} />
            <ConflictsBadge status={status} />
          </div>
        )}
        {status && (
          <div className="chat-meta">
            <ReviewVerdict status={status} />
            {status.refreshed_at ? (
              <RelativeTime iso={status.refreshed_at} prefix="refreshed" />
            ) : (
              <span>{status.url ? 'not refreshed yet' : 'no pull request yet'}</span>
            )}
            <RateLimitNote status={status} />
          </div>
        )}
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
      </div>
      {status && <RefreshButton state={refreshState} onClick={startRefresh} />}
    </li>
  );
}
