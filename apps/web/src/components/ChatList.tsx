import { CloudOff, Inbox, LoaderCircle } from 'lucide-react';
import type { ChatsState } from '../chats-state';
import type { RefreshVerdict } from '../refresh-outcome';
import { useInfiniteScroll } from '../hooks/use-infinite-scroll';
import { ChatRow } from './ChatRow';
import { StateMessage } from './StateMessage';

export interface ChatListProps {
  state: ChatsState;
  loadMore(): void;
  reload(): void;
  onRefresh(chatId: string): Promise<RefreshVerdict>;
  onSelect?(chatId: string): void;
  selectedId?: string | null;
}

/** The chats, newest first, with the next page fetched as the end scrolls into view. */
export function ChatList({ state, loadMore, reload, onRefresh, onSelect, selectedId = null }: ChatListProps) {
  const canLoadMore = state.phase === 'ready' && state.hasMore && !state.loadingMore && !state.moreError;
  const sentinel = useInfiniteScroll<HTMLDivElement>(loadMore, canLoadMore, [state.chats.length]);

  if (state.phase === 'loading') {
    return <StateMessage icon={<LoaderCircle size={28} className="spin" />} title="Loading chats…" />;
  }
  if (state.phase === 'error') {
    return (
      <StateMessage icon={<CloudOff size={28} />} title="Can't reach the gitsync API" tone="error">
        <p className="muted">{state.error}</p>
        <button type="button" className="primary" onClick={reload}>
          Try again
        </button>
      </StateMessage>
    );
  }
  if (state.chats.length === 0) {
    return (
      <StateMessage icon={<Inbox size={28} />} title="No chats yet">
        <p className="muted">Chats appear here as soon as an agent starts one; their pull requests follow.</p>
      </StateMessage>
    );
  }
  return (
    <>
      <ul className="chat-list" aria-label="Chats">
        {state.chats.map((chat) => (
          <ChatRow
            key={chat.id}
            chat={chat}
            onRefresh={onRefresh}
            selected={chat.id === selectedId}
            {...(onSelect && { onSelect })}
          />
        ))}
      </ul>
      <div ref={sentinel} className="list-end">
        {state.loadingMore && (
          <span className="muted">
            <LoaderCircle size={14} className="spin" aria-hidden="true" /> Loading more…
          </span>
        )}
        {state.moreError && (
          <span role="alert">
            Could not load more ({state.moreError}){' '}
            <button type="button" className="link-button" onClick={loadMore}>
              Try again
            </button>
          </span>
        )}
        {!state.hasMore && state.chats.length > 10 && <span className="muted">That's all of them.</span>}
      </div>
    </>
  );
}
