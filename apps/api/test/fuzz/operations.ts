import fc from 'fast-check';
import type { operations } from './openapi-types.js';
import {
  apiKeyNameValue,
  branchValue,
  chatStatusValue,
  expiresAtValue,
  headShaValue,
  originValue,
  pullRequestUrlValue,
  titleValue,
  tokenValue,
  usernameValue,
} from './values.js';
import { WHO, type Client, type Who, type World } from './world.js';

/*
 * One entry per operation of the served description (the generated `operations` type makes the
 * table exhaustive): valid arguments, and how the typed client (openapi-fetch on the types
 * openapi-typescript generated) sends them. A valid request may still be refused — another
 * user's chat, a taken name — but only with a status the description lists.
 */

export type OperationId = keyof operations;

/** How a call goes out: `fetch` is where a mutation, if any, corrupts the request the client built. */
export interface Sender {
  client: Client;
  world: World;
  fetch: (request: Request) => Promise<Response>;
}

type Sent = Promise<{ response: Response }>;

interface OperationSpec<A> {
  args: fc.Arbitrary<A>;
  /** The body's fields, for mutations to set or drop. */
  bodyKeys: readonly string[];
  send(sender: Sender, args: A): Sent;
}

const spec = <A>(s: OperationSpec<A>): OperationSpec<A> => s;

const who = fc.constantFrom(...WHO);
/** One of the sender's own chats, any chat (another's answers 404), or an id nobody has. */
const chatRef = fc.oneof(
  { weight: 6, arbitrary: fc.nat().map((own) => ({ own })) },
  { weight: 2, arbitrary: fc.nat().map((any) => ({ any })) },
  { weight: 1, arbitrary: fc.uuid().map((id) => ({ id })) },
);
type ChatRef = { own: number } | { any: number } | { id: string };
const chatId = (world: World, as: Who, ref: ChatRef) =>
  'own' in ref ? world.chat(ref.own, as) : 'any' in ref ? world.chat(ref.any) : ref.id;
/** A user by name, `me`, or an id nobody has. */
const userRef = fc.oneof(
  fc.constant('me' as const),
  who.map((name) => ({ name })),
  fc.uuid().map((id) => ({ id })),
);
const userPath = (world: World, ref: 'me' | { name: Who } | { id: string }) =>
  ref === 'me' ? 'me' : 'name' in ref ? world.ids[ref.name] : ref.id;
const providerValue = fc.oneof(
  { weight: 4, arbitrary: fc.constant('github') },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,20}$/) },
);
/** Reading the body is the caller's job (event streams never end). */
const stream = { parseAs: 'stream' } as const;

export const operationSpecs = {
  getHealth: spec({
    args: fc.constant(null),
    bodyKeys: [],
    send: ({ client, fetch }) => client.GET('/healthz', { fetch, ...stream }),
  }),

  getReadiness: spec({
    args: fc.constant(null),
    bodyKeys: [],
    send: ({ client, fetch }) => client.GET('/readyz', { fetch, ...stream }),
  }),

  createUser: spec({
    args: fc.record({
      as: who,
      body: fc.record(
        { username: usernameValue, role: fc.constantFrom('member', 'admin') },
        { requiredKeys: ['username'] },
      ),
    }),
    bodyKeys: ['username', 'role'],
    send: ({ client, world, fetch }, { as, body }) =>
      client.POST('/api/v1/users', { fetch, ...stream, headers: world.auth(as), body }),
  }),

  linkExternalAuth: spec({
    args: fc.record({
      as: who,
      user: userRef,
      provider: providerValue,
      body: fc.record(
        { access_token: tokenValue, refresh_token: fc.option(tokenValue), expires_at: expiresAtValue },
        { requiredKeys: ['access_token'] },
      ),
    }),
    bodyKeys: ['access_token', 'refresh_token', 'expires_at'],
    send: ({ client, world, fetch }, { as, user, provider, body }) =>
      client.PUT('/api/v1/users/{user}/external-auth/{provider}', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: { path: { user: userPath(world, user), provider } },
        body,
      }),
  }),

  getExternalAuth: spec({
    args: fc.record({ as: who, user: userRef, provider: providerValue }),
    bodyKeys: [],
    send: ({ client, world, fetch }, { as, user, provider }) =>
      client.GET('/api/v1/users/{user}/external-auth/{provider}', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: { path: { user: userPath(world, user), provider } },
      }),
  }),

  unlinkExternalAuth: spec({
    args: fc.record({ as: who, user: userRef, provider: providerValue }),
    bodyKeys: [],
    send: ({ client, world, fetch }, { as, user, provider }) =>
      client.DELETE('/api/v1/users/{user}/external-auth/{provider}', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: { path: { user: userPath(world, user), provider } },
      }),
  }),

  listChats: spec({
    args: fc.record(
      {
        as: who,
        limit: fc.integer({ min: 1, max: 100 }),
        cursor: fc.nat(),
        owner: fc.oneof(
          who.map((name) => ({ name })),
          fc.uuid().map((id) => ({ id })),
        ),
      },
      { requiredKeys: ['as'] },
    ),
    bodyKeys: [],
    send: ({ client, world, fetch }, { as, limit, cursor, owner }) =>
      client.GET('/api/v1/chats', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: {
          query: {
            ...(limit !== undefined && { limit }),
            ...(cursor !== undefined && world.cursor(cursor) !== undefined && { cursor: world.cursor(cursor) }),
            ...(owner !== undefined && { owner_id: 'name' in owner ? world.ids[owner.name] : owner.id }),
          },
        },
      }),
  }),

  createChat: spec({
    args: fc.record({
      as: who,
      title: fc.option(titleValue, { nil: undefined }),
      owner: fc.option(
        fc.oneof(
          who.map((name) => ({ name })),
          fc.uuid().map((id) => ({ id })),
        ),
        { nil: undefined },
      ),
    }),
    bodyKeys: ['title', 'owner_id'],
    send: ({ client, world, fetch }, { as, title, owner }) =>
      client.POST('/api/v1/chats', {
        fetch,
        ...stream,
        headers: world.auth(as),
        body: {
          ...(title !== undefined && { title }),
          ...(owner && { owner_id: 'name' in owner ? world.ids[owner.name] : owner.id }),
        },
      }),
  }),

  getChat: spec({
    args: fc.record({ as: who, chat: chatRef }),
    bodyKeys: [],
    send: ({ client, world, fetch }, { as, chat }) =>
      client.GET('/api/v1/chats/{chat}', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: { path: { chat: chatId(world, as, chat) } },
      }),
  }),

  updateChat: spec({
    args: fc.record({
      as: who,
      chat: chatRef,
      body: fc.record({ title: titleValue, status: chatStatusValue, archived: fc.boolean() }, { requiredKeys: [] }),
    }),
    bodyKeys: ['title', 'status', 'archived'],
    send: ({ client, world, fetch }, { as, chat, body }) =>
      client.PATCH('/api/v1/chats/{chat}', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: { path: { chat: chatId(world, as, chat) } },
        body,
      }),
  }),

  reportGit: spec({
    args: fc.record({
      as: who,
      chat: chatRef,
      body: fc.record(
        {
          branch: branchValue,
          remote_origin: originValue,
          pull_request_url: fc.option(pullRequestUrlValue),
          head_sha: fc.option(headShaValue),
        },
        { requiredKeys: ['branch', 'remote_origin'] },
      ),
    }),
    bodyKeys: ['branch', 'remote_origin', 'pull_request_url', 'head_sha'],
    send: ({ client, world, fetch }, { as, chat, body }) =>
      client.POST('/api/v1/chats/{chat}/git', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: { path: { chat: chatId(world, as, chat) } },
        body,
      }),
  }),

  getDiffStatus: spec({
    args: fc.record({ as: who, chat: chatRef }),
    bodyKeys: [],
    send: ({ client, world, fetch }, { as, chat }) =>
      client.GET('/api/v1/chats/{chat}/diff-status', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: { path: { chat: chatId(world, as, chat) } },
      }),
  }),

  getChatDiff: spec({
    args: fc.record({ as: who, chat: chatRef }),
    bodyKeys: [],
    send: ({ client, world, fetch }, { as, chat }) =>
      client.GET('/api/v1/chats/{chat}/diff', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: { path: { chat: chatId(world, as, chat) } },
      }),
  }),

  refreshDiffStatus: spec({
    args: fc.record({ as: who, chat: chatRef }),
    bodyKeys: [],
    send: ({ client, world, fetch }, { as, chat }) =>
      client.POST('/api/v1/chats/{chat}/diff-status/refresh', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: { path: { chat: chatId(world, as, chat) } },
      }),
  }),

  createApiKey: spec({
    args: fc.record({ as: who, user: userRef, body: fc.record({ name: apiKeyNameValue }, { requiredKeys: [] }) }),
    bodyKeys: ['name'],
    send: ({ client, world, fetch }, { as, user, body }) =>
      client.POST('/api/v1/users/{user}/api-keys', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: { path: { user: userPath(world, user) } },
        body,
      }),
  }),

  listApiKeys: spec({
    args: fc.record({ as: who, user: userRef }),
    bodyKeys: [],
    send: ({ client, world, fetch }, { as, user }) =>
      client.GET('/api/v1/users/{user}/api-keys', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: { path: { user: userPath(world, user) } },
      }),
  }),

  revokeApiKey: spec({
    args: fc.record({ as: who, user: userRef, id: fc.uuid() }),
    bodyKeys: [],
    send: ({ client, world, fetch }, { as, user, id }) =>
      client.DELETE('/api/v1/users/{user}/api-keys/{id}', {
        fetch,
        ...stream,
        headers: world.auth(as),
        params: { path: { user: userPath(world, user), id } },
      }),
  }),

  streamEvents: spec({
    args: fc.record({ as: who }),
    bodyKeys: [],
    send: ({ client, world, fetch }, { as }) =>
      client.GET('/api/v1/events', { fetch, ...stream, headers: world.auth(as) }),
  }),
} satisfies Record<OperationId, OperationSpec<any>>;

/** A valid call of one operation: its id and generated arguments, printable in a counterexample. */
export interface Call {
  op: OperationId;
  args: unknown;
}

export const callArbitrary: fc.Arbitrary<Call> = fc.oneof(
  ...(Object.entries(operationSpecs) as Array<[OperationId, OperationSpec<unknown>]>).map(([op, s]) =>
    s.args.map((args): Call => ({ op, args })),
  ),
);

export const sendCall = (sender: Sender, call: Call): Sent =>
  (operationSpecs[call.op] as OperationSpec<unknown>).send(sender, call.args);
export const bodyKeysOf = (op: OperationId): readonly string[] => operationSpecs[op].bodyKeys;
