import type { ChatJson, DiffStatusJson } from '@gitsync/contracts';
import type { ChatPage } from './api';

export interface ChatsState {
  chats: ChatJson[];
  /** The first page: loading, failed (API down), or shown. */
  phase: 'loading' | 'error' | 'ready';
  error: string | null;
  /** The API's cursor for the next page; null before the first page and after the last. */
  nextCursor: string | null;
  /** False once the API said no page follows. */
  hasMore: boolean;
  loadingMore: boolean;
  /** A later page failed; the list stays and offers to try again. */
  moreError: string | null;
}

export type ChatsAction =
  | { type: 'reload' }
  | { type: 'page'; page: ChatPage; first: boolean }
  | { type: 'failed'; error: string; first: boolean }
  | { type: 'loadingMore' }
  | { type: 'changed'; chat: ChatJson }
  | { type: 'resynced'; chats: ChatJson[] }
  | { type: 'refreshed'; chatId: string; diffStatus: DiffStatusJson };

export const initialChatsState: ChatsState = {
  chats: [],
  phase: 'loading',
  error: null,
  nextCursor: null,
  hasMore: true,
  loadingMore: false,
  moreError: null,
};

/** Newest first, as the API orders them: (updated_at, id) descending. */
const newerFirst = (a: ChatJson, b: ChatJson) => b.updated_at.localeCompare(a.updated_at) || b.id.localeCompare(a.id);

export function chatsReducer(state: ChatsState, action: ChatsAction): ChatsState {
  switch (action.type) {
    case 'reload':
      return initialChatsState;
    case 'loadingMore':
      return { ...state, loadingMore: true, moreError: null };
    case 'page': {
      // The cursor holds the position the last chat was served at, so pages only move down the
      // list and paging ends when the API leaves out next_cursor. A chat a live event already
      // placed may still come on a page: keep the one shown.
      const base = action.first ? [] : state.chats;
      const seen = new Set(base.map((c) => c.id));
      const added = action.page.chats.filter((c) => !seen.has(c.id));
      const nextCursor = action.page.nextCursor;
      return {
        chats: [...base, ...added],
        phase: 'ready',
        error: null,
        nextCursor,
        hasMore: nextCursor !== null,
        loadingMore: false,
        moreError: null,
      };
    }
    case 'failed':
      return action.first
        ? { ...initialChatsState, phase: 'error', error: action.error }
        : { ...state, loadingMore: false, moreError: action.error };
    case 'changed':
      return { ...state, chats: upsert(state, action.chat) };
    case 'resynced':
      return { ...state, chats: action.chats.reduce((chats, chat) => upsert({ ...state, chats }, chat), state.chats) };
    case 'refreshed':
      return {
        ...state,
        chats: state.chats.map((c) =>
          c.id === action.chatId ? { ...c, diff_status: newest(c.diff_status, action.diffStatus) } : c,
        ),
      };
  }
}

/**
 * A known chat is replaced where it stands (a live update must not make rows jump under the
 * pointer). An unknown one is shown only if it belongs in the part of the list already loaded;
 * otherwise a later page will bring it.
 */
function upsert(state: ChatsState, chat: ChatJson): ChatJson[] {
  const index = state.chats.findIndex((c) => c.id === chat.id);
  if (index !== -1) {
    const copy = state.chats.slice();
    copy[index] = { ...chat, diff_status: newest(state.chats[index]!.diff_status, chat.diff_status) };
    return copy;
  }
  if (chat.archived) return state.chats;
  const last = state.chats.at(-1);
  if (state.hasMore && last && newerFirst(chat, last) > 0) return state.chats;
  return [...state.chats, chat].sort(newerFirst);
}

/**
 * An on-demand refresh's answer and an event may arrive in either order; the one refreshed
 * later wins, so an older answer never hides a newer event.
 */
function newest(current: DiffStatusJson | undefined, next: DiffStatusJson | undefined): DiffStatusJson | undefined {
  if (!current || !next) return next ?? current;
  const at = (d: DiffStatusJson) => d.refreshed_at ?? '';
  return at(next) >= at(current) ? next : current;
}
