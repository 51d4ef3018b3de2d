import type { Client as OpenApiClient } from 'openapi-fetch';
import type { paths } from './openapi-types.js';

/** openapi-fetch on the types openapi-typescript generated from the served description. */
export type Client = OpenApiClient<paths>;

/** Who sends a request: the three fixed users (generated users are never used again). */
export const WHO = ['admin', 'alice', 'bob'] as const;
export type Who = (typeof WHO)[number];

/**
 * What requests refer to: users and their keys, chats (the fixed ones and those the fuzz run
 * creates) and the cursors pages handed out. Requests name them by position (`chat: 7`), so a
 * seed replays the same sequence however the ids come out.
 */
export class World {
  readonly chats: Array<{ id: string; owner: Who | null }> = [];
  readonly cursors: string[] = [];
  private constructor(
    readonly keys: Record<Who, string>,
    readonly ids: Record<Who, string>,
  ) {}

  auth(who: Who): { authorization: string } {
    return { authorization: `Bearer ${this.keys[who]}` };
  }

  /** A chat by position: among `who`'s own when given (an admin's are all), else among all. */
  chat(index: number, who?: Who): string {
    const mine = who && who !== 'admin' ? this.chats.filter((c) => c.owner === who) : this.chats;
    const pool = mine.length > 0 ? mine : this.chats;
    return pool[index % pool.length]!.id;
  }

  /** Notes a chat the fuzz run made, for later requests to use. */
  addChat(id: string, ownerId: string): void {
    this.chats.push({ id, owner: WHO.find((who) => this.ids[who] === ownerId) ?? null });
  }

  cursor(index: number): string | undefined {
    return this.cursors.length > 0 ? this.cursors[index % this.cursors.length] : undefined;
  }

  noteCursor(cursor: string | undefined): void {
    if (cursor && !this.cursors.includes(cursor)) this.cursors.push(cursor);
    if (this.cursors.length > 50) this.cursors.shift();
  }

  /** Two members with chats (some reported, one with a token linked), through the typed client. */
  static async create(client: Client, adminKey: string): Promise<World> {
    const admin = { authorization: `Bearer ${adminKey}` };
    const me = await client.GET('/api/v1/chats', { headers: admin, params: { query: { limit: 1 } } });
    if (me.error) throw new Error(`the admin key does not work: ${JSON.stringify(me.error)}`);
    const users = {} as Record<'alice' | 'bob', { id: string; api_key: string }>;
    for (const username of ['alice', 'bob'] as const) {
      const { data, error } = await client.POST('/api/v1/users', {
        headers: admin,
        body: { username, role: 'member' },
      });
      if (!data) throw new Error(`creating ${username}: ${JSON.stringify(error)}`);
      users[username] = data;
    }
    const adminChat = await client.POST('/api/v1/chats', { headers: admin, body: { title: 'admin' } });
    if (!adminChat.data) throw new Error('creating the admin chat');
    const world = new World(
      { admin: adminKey, alice: users.alice.api_key, bob: users.bob.api_key },
      { admin: adminChat.data.owner_id, alice: users.alice.id, bob: users.bob.id },
    );
    world.addChat(adminChat.data.id, adminChat.data.owner_id);
    for (const owner of ['alice', 'bob'] as const) {
      for (let i = 0; i < 3; i++) {
        const { data } = await client.POST('/api/v1/chats', {
          headers: world.auth(owner),
          body: { title: `${owner} ${i}` },
        });
        if (!data) throw new Error(`creating a chat of ${owner}`);
        world.addChat(data.id, data.owner_id);
        if (i > 0) {
          const report = await client.POST('/api/v1/chats/{chat}/git', {
            headers: world.auth(owner),
            params: { path: { chat: data.id } },
            body: { branch: `feat/${owner}-${i}`, remote_origin: 'https://github.com/acme/app.git' },
          });
          if (report.response.status !== 202) throw new Error(`reporting a branch: ${report.response.status}`);
        }
      }
    }
    const link = await client.PUT('/api/v1/users/{user}/external-auth/{provider}', {
      headers: world.auth('alice'),
      params: { path: { user: 'me', provider: 'github' } },
      body: { access_token: 'ghp_fuzz_alice' },
    });
    if (link.response.status !== 204) throw new Error(`linking a token: ${link.response.status}`);
    return world;
  }
}
