import { eq, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { chats, type Chat } from './schema.js';

export type ChatStatus = Chat['status'];

export async function createChat(
  db: Database,
  input: { ownerId: string; title?: string; status?: ChatStatus },
): Promise<Chat> {
  const [chat] = await db.insert(chats).values(input).returning();
  if (!chat) throw new Error('insert into chats returned no row');
  return chat;
}

export async function getChat(db: Database, id: string): Promise<Chat | null> {
  const [chat] = await db.select().from(chats).where(eq(chats.id, id));
  return chat ?? null;
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
