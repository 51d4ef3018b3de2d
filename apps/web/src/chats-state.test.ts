import type { ChatJson } from '@gitsync/contracts';
import { chatsReducer, initialChatsState, type ChatsAction, type ChatsState } from './chats-state';
import { chat, chatWithPr } from './test-support/fixtures';

/** Chat n was updated n minutes after 10:00; ids sort the same way. */
const at = (n: number) => new Date(Date.parse('2026-11-01T10:00:00Z') + n * 60_000).toISOString();
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const numbered = (n: number, overrides: Partial<ChatJson> = {}) =>
  chat({ id: id(n), title: `chat ${n}`, updated_at: at(n), ...overrides });
const ids = (s: ChatsState) => s.chats.map((c) => c.title);
const run = (...actions: ChatsAction[]) => actions.reduce(chatsReducer, initialChatsState);
/** A page as the API answers it: `next` is its `next_cursor` (null: the last page). */
const page = (chats: ChatJson[], next: string | null, first = false): ChatsAction => ({
  type: 'page',
  page: { chats, nextCursor: next },
  first,
});

describe('chatsReducer', () => {
  it("appends pages, drops a chat seen on an earlier page, and follows the API's cursor to its end", () => {
    const first = run(page([numbered(9), numbered(8)], id(8), true));
    expect(first).toMatchObject({ phase: 'ready', hasMore: true, nextCursor: id(8) });
    const second = chatsReducer(chatsReducer(first, { type: 'loadingMore' }), page([numbered(8), numbered(7)], id(7)));
    expect(ids(second)).toEqual(['chat 9', 'chat 8', 'chat 7']);
    expect(second).toMatchObject({ hasMore: true, nextCursor: id(7), loadingMore: false });
    // A full page can still be the last one: only the API knows, by leaving out next_cursor.
    const last = chatsReducer(second, page([numbered(6), numbered(5)], null));
    expect(last).toMatchObject({ hasMore: false, nextCursor: null });
    expect(ids(last)).toEqual(['chat 9', 'chat 8', 'chat 7', 'chat 6', 'chat 5']);
  });

  it('ends paging only where the API leaves out next_cursor, not at a page that adds nothing', () => {
    // The cursor holds the position it was served at, so pages only move down the list: a page
    // of chats already shown is no sign of a loop, and the older chats after it still come.
    const shown = run(page([numbered(9), numbered(8)], id(8), true), { type: 'loadingMore' });
    const nothingNew = chatsReducer(shown, page([numbered(8)], id(7)));
    expect(nothingNew).toMatchObject({ hasMore: true, nextCursor: id(7), loadingMore: false });
    expect(ids(nothingNew)).toEqual(['chat 9', 'chat 8']);
    expect(ids(chatsReducer(nothingNew, page([numbered(7), numbered(6)], null)))).toEqual([
      'chat 9',
      'chat 8',
      'chat 7',
      'chat 6',
    ]);
  });

  it('keeps the list when a later page fails, and empties it when the first one does', () => {
    const shown = run(page([numbered(9)], id(9), true), { type: 'loadingMore' });
    expect(chatsReducer(shown, { type: 'failed', error: 'down', first: false })).toMatchObject({
      phase: 'ready',
      moreError: 'down',
      loadingMore: false,
      chats: shown.chats,
    });
    expect(chatsReducer(shown, { type: 'failed', error: 'down', first: true })).toMatchObject({
      phase: 'error',
      error: 'down',
      chats: [],
    });
  });

  it('replaces a changed chat in place, without moving it', () => {
    const shown = run(page([numbered(9), numbered(8), numbered(7)], null, true));
    const merged = {
      ...chatWithPr({ pull_request_state: 'merged', refreshed_at: at(30) }),
      id: id(8),
      title: 'chat 8',
      updated_at: at(30),
    };
    const next = chatsReducer(shown, { type: 'changed', chat: merged });
    expect(ids(next)).toEqual(['chat 9', 'chat 8', 'chat 7']);
    expect(next.chats[1]!.diff_status?.pull_request_state).toBe('merged');
  });

  it('shows a new chat where it belongs, unless it lies beyond the pages loaded so far', () => {
    const partial = run(page([numbered(9), numbered(7)], id(7), true));
    expect(ids(chatsReducer(partial, { type: 'changed', chat: numbered(8) }))).toEqual(['chat 9', 'chat 8', 'chat 7']);
    expect(ids(chatsReducer(partial, { type: 'changed', chat: numbered(3) }))).toEqual(['chat 9', 'chat 7']);
    const complete = run(page([numbered(9), numbered(7)], null, true));
    expect(ids(chatsReducer(complete, { type: 'changed', chat: numbered(3) }))).toEqual(['chat 9', 'chat 7', 'chat 3']);
    expect(ids(chatsReducer(complete, { type: 'changed', chat: numbered(10, { archived: true }) }))).toEqual([
      'chat 9',
      'chat 7',
    ]);
  });

  it('never lets an older refresh answer hide a newer event', () => {
    const newer = { ...chatWithPr({ pull_request_state: 'merged', refreshed_at: at(20) }) };
    const shown = run(page([newer], null, true));
    const older = chatWithPr({ pull_request_state: 'open', refreshed_at: at(10) }).diff_status!;
    expect(
      chatsReducer(shown, { type: 'refreshed', chatId: newer.id, diffStatus: older }).chats[0]!.diff_status
        ?.pull_request_state,
    ).toBe('merged');
    const newest = chatWithPr({ pull_request_state: 'closed', refreshed_at: at(30) }).diff_status!;
    expect(
      chatsReducer(shown, { type: 'refreshed', chatId: newer.id, diffStatus: newest }).chats[0]!.diff_status
        ?.pull_request_state,
    ).toBe('closed');
  });

  it('merges a resynced first page into the list after the stream was lost', () => {
    const shown = run(page([numbered(9), numbered(8)], null, true));
    const fresh = { ...numbered(8), title: 'chat 8 renamed' };
    expect(ids(chatsReducer(shown, { type: 'resynced', chats: [numbered(10), numbered(9), fresh] }))).toEqual([
      'chat 10',
      'chat 9',
      'chat 8 renamed',
    ]);
  });
});
