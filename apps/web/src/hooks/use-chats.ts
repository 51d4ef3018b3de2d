import { useCallback, useEffect, useReducer, useRef } from 'react';
import { UnauthorizedError, type ApiClient } from '../api';
import { chatsReducer, initialChatsState, type ChatsAction, type ChatsState } from '../chats-state';

/** Chats per page of the cursor API (SPEC §6: 1–100). */
export const PAGE_SIZE = 25;

export interface UseChats {
  state: ChatsState;
  dispatch: (action: ChatsAction) => void;
  loadMore(): void;
  reload(): void;
  /**
   * After the event stream was lost: fetch the first page again and merge it in place
   * (or load it, if it never did).
   */
  resync(): void;
}

/** The chat list over the cursor API: first page, further pages on demand, errors by kind. */
export function useChats(api: ApiClient, onUnauthorized: () => void): UseChats {
  const [state, dispatch] = useReducer(chatsReducer, initialChatsState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const inFlight = useRef<AbortController | null>(null);

  const load = useCallback(
    async (first: boolean) => {
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      // The API's own cursor, not the last chat shown: that one may have moved since.
      const cursor = first ? null : stateRef.current.nextCursor;
      try {
        const page = await api.listChats({ limit: PAGE_SIZE, signal: controller.signal, ...(cursor && { cursor }) });
        if (!controller.signal.aborted) dispatch({ type: 'page', page, first });
      } catch (err) {
        if (controller.signal.aborted) return;
        if (err instanceof UnauthorizedError) return onUnauthorized();
        dispatch({ type: 'failed', error: err instanceof Error ? err.message : String(err), first });
      }
    },
    [api, onUnauthorized],
  );

  useEffect(() => {
    void load(true);
    return () => inFlight.current?.abort();
  }, [load]);

  const loadMore = useCallback(() => {
    const s = stateRef.current;
    if (s.phase !== 'ready' || !s.hasMore || s.loadingMore) return;
    dispatch({ type: 'loadingMore' });
    void load(false);
  }, [load]);

  const reload = useCallback(() => {
    dispatch({ type: 'reload' });
    void load(true);
  }, [load]);

  const resync = useCallback(() => {
    // The API is back: a list that could not load at all loads now, without a click.
    if (stateRef.current.phase === 'error') return reload();
    api.listChats({ limit: PAGE_SIZE }).then(
      (page) => dispatch({ type: 'resynced', chats: page.chats }),
      (err: unknown) => err instanceof UnauthorizedError && onUnauthorized(),
    );
  }, [api, onUnauthorized, reload]);

  return { state, dispatch, loadMore, reload, resync };
}
