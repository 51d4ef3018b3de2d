import { desc, eq, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import type { ChatWithStatus } from './diff-statuses.js';
import { chatDiffStatuses, chats, type Chat } from './schema.js';

export type ChatStatus = Chat['status'];

export async function createChat(
  db: Database,
  input: { ownerId: string; title?: string; status?: ChatStatus },
): Promise<Chat> {
  const [chat] = await db.insert(chats).values(input).returning();
  if (!chat) throw new Error('insert into chats returned no row');
  return chat;
}

export async function updateChat(
  db: Database,
  id: string,
  patch: { title?: string; status?: ChatStatus; archived?: boolean },
): Promise<Chat | null> {
  const [chat] = await db
    .update(chats)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(chats.id, id))
    .returning();
  return chat ?? null;
}

export interface Viewer {
  id: string;
  role: 'member' | 'admin';
}

/** Members see their own chats, admins everyone's: as SQL, so it runs before ORDER BY/LIMIT. */
export const visibleTo = (viewer: Viewer) => (viewer.role === 'admin' ? sql`true` : sql`${chats.ownerId} = ${viewer.id}`);

export interface ListChatsQuery {
  viewer: Viewer;
  /** Only this owner's chats (still within what the viewer may see). */
  ownerId?: string;
  /** Keyset cursor: the last chat of the previous page. */
  afterId?: string;
  limit: number;
}

/**
 * One page of chats, newest (updated_at, id) first, each with its diff status, in one query.
 * The cursor is resolved in SQL too, so paging visits every visible row exactly once.
 */
export async function listChats(db: Database, query: ListChatsQuery): Promise<ChatWithStatus[]> {
  const conditions = [visibleTo(query.viewer)];
  if (query.ownerId) conditions.push(sql`${chats.ownerId} = ${query.ownerId}`);
  if (query.afterId) {
    conditions.push(
      sql`(${chats.updatedAt}, ${chats.id}) < (select c2.updated_at, c2.id from ${chats} c2 where c2.id = ${query.afterId})`,
    );
  }
  const rows = await db
    .select()
    .from(chats)
    .leftJoin(chatDiffStatuses, eq(chatDiffStatuses.chatId, chats.id))
    .where(sql.join(conditions, sql` and `))
    .orderBy(desc(chats.updatedAt), desc(chats.id))
    .limit(query.limit);
  return rows.map((r) => ({ chat: r.chats, status: r.chat_diff_statuses }));
}

/** The chat if the viewer may see it; null otherwise (callers answer 404 either way). */
export async function getVisibleChat(db: Database, viewer: Viewer, chatId: string): Promise<ChatWithStatus | null> {
  const [row] = await db
    .select()
    .from(chats)
    .leftJoin(chatDiffStatuses, eq(chatDiffStatuses.chatId, chats.id))
    .where(sql`${chats.id} = ${chatId} and ${visibleTo(viewer)}`);
  return row ? { chat: row.chats, status: row.chat_diff_statuses } : null;
}
