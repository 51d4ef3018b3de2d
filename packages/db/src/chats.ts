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
export const visibleTo = (viewer: Viewer) =>
  viewer.role === 'admin' ? sql`true` : sql`${chats.ownerId} = ${viewer.id}`;

/**
 * Where a chat stands in the listing order, as the keyset cursor carries it: `updatedAt` exactly
 * as Postgres holds it (UTC, microseconds: a JS Date would drop them), and the id that breaks ties.
 */
export interface ChatPosition {
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ` */
  updatedAt: string;
  id: string;
}

export interface ListChatsQuery {
  viewer: Viewer;
  /** Only this owner's chats (still within what the viewer may see). */
  ownerId?: string;
  /** Keyset cursor: the position of the last chat of the previous page, as that page was served. */
  after?: ChatPosition;
  limit: number;
}

/** A listed chat with its position, from which the next page's cursor is made. */
export interface ListedChat extends ChatWithStatus {
  position: ChatPosition;
}

/** updated_at as exact text in UTC, whatever the session's TimeZone and DateStyle. */
const updatedAtText = sql<string>`to_char(${chats.updatedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * One page of chats, newest (updated_at, id) first, each with its diff status, in one query.
 * The cursor is the position a page was served with, not the cursor chat's current one: a chat
 * updated between two requests moves to the top without making the next page restart.
 */
export async function listChats(db: Database, query: ListChatsQuery): Promise<ListedChat[]> {
  const conditions = [visibleTo(query.viewer)];
  if (query.ownerId) conditions.push(sql`${chats.ownerId} = ${query.ownerId}`);
  if (query.after) {
    conditions.push(
      sql`(${chats.updatedAt}, ${chats.id}) < (${query.after.updatedAt}::timestamptz, ${query.after.id}::uuid)`,
    );
  }
  const rows = await db
    .select({ chat: chats, status: chatDiffStatuses, updatedAt: updatedAtText })
    .from(chats)
    .leftJoin(chatDiffStatuses, eq(chatDiffStatuses.chatId, chats.id))
    .where(sql.join(conditions, sql` and `))
    .orderBy(desc(chats.updatedAt), desc(chats.id))
    .limit(query.limit);
  return rows.map((r) => ({ chat: r.chat, status: r.status, position: { updatedAt: r.updatedAt, id: r.chat.id } }));
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
