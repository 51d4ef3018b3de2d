import { LogOut } from 'lucide-react';
import { useCallback, useMemo, useState } from 'react';
import { createApiClient } from '../api';
import { useChats } from '../hooks/use-chats';
import { useEventStream } from '../hooks/use-event-stream';
import { describeRefresh } from '../refresh-outcome';
import { ChatList } from './ChatList';
import { DetailPane } from './DetailPane';
import { StreamStatus } from './StreamStatus';

export interface SidebarProps {
  apiKey: string;
  /** The API refused the key: forget it and ask again. */
  onUnauthorized(): void;
  onSignOut(): void;
}

/** The caller's chats with their pull requests, kept current by the event stream. */
export function Sidebar({ apiKey, onUnauthorized, onSignOut }: SidebarProps) {
  const api = useMemo(() => createApiClient(apiKey), [apiKey]);
  const { state, dispatch, loadMore, reload, resync } = useChats(api, onUnauthorized);
  const stream = useEventStream(api, {
    onEvent: (event) => dispatch({ type: 'changed', chat: event.chat }),
    onResumed: resync,
    onUnauthorized,
  });

  const [selectedId, setSelectedId] = useState<string | null>(null);
  const select = useCallback((chatId: string) => setSelectedId((was) => (was === chatId ? null : chatId)), []);
  const selected = selectedId === null ? undefined : state.chats.find((c) => c.id === selectedId);

  const refresh = useCallback(
    async (chatId: string) => {
      const { refresh: info, ...diffStatus } = await api.refreshDiffStatus(chatId);
      dispatch({ type: 'refreshed', chatId, diffStatus });
      return describeRefresh(info);
    },
    [api, dispatch],
  );

  return (
    <div className="layout">
      <aside className="sidebar" aria-label="gitsync chats">
        <header className="sidebar-header">
          <h1>Chats</h1>
          <StreamStatus state={stream} />
          <button
            type="button"
            className="icon-button"
            onClick={onSignOut}
            aria-label="Change API key"
            title="Change API key"
          >
            <LogOut size={15} aria-hidden="true" />
          </button>
        </header>
        <div className="sidebar-scroll">
          <ChatList
            state={state}
            loadMore={loadMore}
            reload={reload}
            onRefresh={refresh}
            onSelect={select}
            selectedId={selectedId}
          />
        </div>
      </aside>
      {selected && (
        <DetailPane
          key={selected.id}
          api={api}
          chat={selected}
          onRefresh={refresh}
          onClose={() => setSelectedId(null)}
        />
      )}
    </div>
  );
}
