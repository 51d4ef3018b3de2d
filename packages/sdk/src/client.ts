import type { z } from 'zod';
import {
  apiKeyListSchema,
  chatPageSchema,
  createdApiKeySchema,
  chatSchema,
  createdUserSchema,
  diffStatusSchema,
  errorSchema,
  externalAuthStatusSchema,
  gitReportResultSchema,
  refreshedDiffStatusSchema,
  type ApiKeyListJson,
  type ChatJson,
  type CreateApiKeyInput,
  type CreatedApiKeyJson,
  type ChatPageJson,
  type CreateChatInput,
  type CreatedUserJson,
  type CreateUserInput,
  type DiffStatusJson,
  type ExternalAuthStatusJson,
  type GitReportInput,
  type GitReportResultJson,
  type LinkTokenInput,
  type ListChatsInput,
  type RefreshedDiffStatusJson,
  type UpdateChatInput,
} from '@gitsync/contracts';
import { ApiError } from './errors.js';
import { openEventStream, type EventStream } from './events.js';

export interface GitsyncClientOptions {
  /** Where the API listens, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  apiKey: string;
  /** @defaultValue the global fetch (browsers, Node ≥ 18) */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface EventsOptions extends RequestOptions {
  /** Called for each comment line the server sends (`heartbeat` while idle). */
  onComment?: (text: string) => void;
}

type Query = Record<string, string | number | undefined>;

/**
 * Typed client of the gitsync HTTP API (SPEC §6). Request and response types come from
 * packages/contracts, the schemas the server validates with; responses are checked against them,
 * so a client and a server that disagree fail loudly. Every non-2xx answer throws an ApiError.
 */
export class GitsyncClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: GitsyncClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Bound, or browsers throw "Illegal invocation" when it is called as a method of this object.
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Admins only. The returned `api_key` is shown this once. */
  createUser(input: CreateUserInput, options?: RequestOptions): Promise<CreatedUserJson> {
    return this.json('POST', '/api/v1/users', createdUserSchema, { body: input, ...options });
  }

  /** Links a provider token for `user` (`me`, or any user id for admins). */
  async linkToken(user: string, provider: string, input: LinkTokenInput, options?: RequestOptions): Promise<void> {
    await this.request('PUT', `/api/v1/users/${seg(user)}/external-auth/${seg(provider)}`, { body: input, ...options });
  }

  /** Whether `user` has a token linked (never the token), its last known rate-limit figures and any block. */
  getExternalAuth(user: string, provider: string, options?: RequestOptions): Promise<ExternalAuthStatusJson> {
    const path = `/api/v1/users/${seg(user)}/external-auth/${seg(provider)}`;
    return this.json('GET', path, externalAuthStatusSchema, options);
  }

  async unlinkToken(user: string, provider: string, options?: RequestOptions): Promise<void> {
    await this.request('DELETE', `/api/v1/users/${seg(user)}/external-auth/${seg(provider)}`, options);
  }

  /** A new API key of `user` (`me` or an id); its secret (`api_key`) is in this answer only. */
  createApiKey(user: string, input: CreateApiKeyInput = {}, options?: RequestOptions): Promise<CreatedApiKeyJson> {
    return this.json('POST', `/api/v1/users/${seg(user)}/api-keys`, createdApiKeySchema, { body: input, ...options });
  }

  listApiKeys(user: string, options?: RequestOptions): Promise<ApiKeyListJson> {
    return this.json('GET', `/api/v1/users/${seg(user)}/api-keys`, apiKeyListSchema, options);
  }

  /** Revokes the key at once on every replica; its open event streams close. */
  async revokeApiKey(user: string, id: string, options?: RequestOptions): Promise<void> {
    await this.request('DELETE', `/api/v1/users/${seg(user)}/api-keys/${seg(id)}`, options);
  }

  createChat(input: CreateChatInput = {}, options?: RequestOptions): Promise<ChatJson> {
    return this.json('POST', '/api/v1/chats', chatSchema, { body: input, ...options });
  }

  /** One page; pass the page's `next_cursor`, unchanged, as `cursor` for the next. */
  listChats(query: ListChatsInput = {}, options?: RequestOptions): Promise<ChatPageJson> {
    return this.json('GET', '/api/v1/chats', chatPageSchema, { query, ...options });
  }

  /** Every chat the caller may see, page after page (`limit` is the page size). */
  async *allChats(query: Omit<ListChatsInput, 'cursor'> = {}, options?: RequestOptions): AsyncGenerator<ChatJson> {
    let cursor: string | undefined;
    do {
      const page = await this.listChats({ ...query, ...(cursor && { cursor }) }, options);
      yield* page.chats;
      cursor = page.next_cursor;
    } while (cursor);
  }

  getChat(chatId: string, options?: RequestOptions): Promise<ChatJson> {
    return this.json('GET', `/api/v1/chats/${seg(chatId)}`, chatSchema, options);
  }

  updateChat(chatId: string, patch: UpdateChatInput, options?: RequestOptions): Promise<ChatJson> {
    return this.json('PATCH', `/api/v1/chats/${seg(chatId)}`, chatSchema, { body: patch, ...options });
  }

  /** The agent's report of the chat's branch; marks its diff status stale. */
  reportGit(chatId: string, report: GitReportInput, options?: RequestOptions): Promise<GitReportResultJson> {
    return this.json('POST', `/api/v1/chats/${seg(chatId)}/git`, gitReportResultSchema, { body: report, ...options });
  }

  getDiffStatus(chatId: string, options?: RequestOptions): Promise<DiffStatusJson> {
    return this.json('GET', `/api/v1/chats/${seg(chatId)}/diff-status`, diffStatusSchema, options);
  }

  /**
   * Refreshes now, ahead of all background work, and answers the new status; `refresh.completed`
   * is false when the server's wait ran out (the status is then the stored one).
   */
  refreshDiffStatus(chatId: string, options?: RequestOptions): Promise<RefreshedDiffStatusJson> {
    return this.json('POST', `/api/v1/chats/${seg(chatId)}/diff-status/refresh`, refreshedDiffStatusSchema, options);
  }

  /**
   * The unified diff of the chat's pull request (or of its branch against the default branch),
   * as the response whose body streams it (`text/x-diff`); a diff over 4 MiB is a 413 ApiError.
   */
  diff(chatId: string, options?: RequestOptions): Promise<Response> {
    return this.request('GET', `/api/v1/chats/${seg(chatId)}/diff`, { ...options, accept: 'text/x-diff' });
  }

  /** Opens the live event stream; resolves once the subscription is live. */
  async events(options: EventsOptions = {}): Promise<EventStream> {
    const abort = new AbortController();
    options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
    const res = await this.request('GET', '/api/v1/events', { signal: abort.signal, accept: 'text/event-stream' });
    if (!res.body) throw new ApiError(res.status, 'event stream without a body');
    return openEventStream(res.body, abort, options.onComment);
  }

  private async json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    options: { body?: unknown; query?: Query; signal?: AbortSignal } = {},
  ): Promise<z.output<S>> {
    const res = await this.request(method, path, options);
    const parsed = schema.safeParse(await res.json());
    if (!parsed.success)
      throw new ApiError(res.status, `unexpected response from ${method} ${path}`, parsed.error.message);
    return parsed.data;
  }

  private async request(
    method: string,
    path: string,
    options: { body?: unknown; query?: Query; signal?: AbortSignal; accept?: string } = {},
  ): Promise<Response> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: options.accept ?? 'application/json',
    };
    // No content-type without a body: the server would try to parse an empty JSON body.
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetch(url, {
      method,
      headers,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      ...(options.signal && { signal: options.signal }),
    });
    if (!res.ok) throw await toApiError(res);
    return res;
  }
}

const seg = (value: string) => encodeURIComponent(value);

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: a proxy's HTML page, say
  }
  const parsed = errorSchema.safeParse(body);
  if (parsed.success) return new ApiError(res.status, parsed.data.message, parsed.data.detail);
  return new ApiError(res.status, res.statusText || `HTTP ${res.status}`, text.slice(0, 500) || undefined);
}
