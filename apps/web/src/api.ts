import type { ChatJson, ChatPageJson, RefreshedDiffStatusJson } from '@gitsync/contracts';

/** The API answered 401: the key is wrong or was revoked. */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
  constructor() {
    super('the API did not accept this key');
  }
}

/** The API could not be reached, or a proxy in front of it answered that it is down. */
export class ApiUnreachableError extends Error {
  override name = 'ApiUnreachableError';
}

/** Any other non-2xx answer, with the API's own `{message, detail?}`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ListChatsOptions {
  /** @defaultValue 25 */
  limit?: number;
  /** Opaque cursor: the previous page's `nextCursor`, unchanged. */
  cursor?: string;
  signal?: AbortSignal;
}

/** One page of the cursor API. */
export interface ChatPage {
  chats: ChatJson[];
  /** The API's cursor for the page after this one; null when this page was the last. */
  nextCursor: string | null;
}

export interface OpenInit {
  method?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiClient {
  listChats(options?: ListChatsOptions): Promise<ChatPage>;
  /** The on-demand refresh (SPEC §3.6): the status it wrote, or the stored one once the API's wait ran out. */
  refreshDiffStatus(chatId: string): Promise<RefreshedDiffStatusJson>;
  /** The chat's unified diff (`GET …/diff`): its PR's, or its branch compared with the default branch. */
  getDiff(chatId: string, signal?: AbortSignal): Promise<string>;
  /** `fetch` with the key and this client's error mapping, for the event stream, which reads the body itself. */
  open(path: string, init?: OpenInit): Promise<Response>;
}

const GATEWAY_DOWN = new Set([502, 503, 504]);

/**
 * A small client for SPEC §6, same-origin: Vite proxies `/api` in development,
 * the API serves the page in production.
 */
export function createApiClient(
  apiKey: string,
  baseUrl = '',
  fetchImpl: typeof fetch = (...args) => fetch(...args),
): ApiClient {
  const open = async (path: string, init: OpenInit = {}): Promise<Response> => {
    let res: Response;
    try {
      res = await fetchImpl(`${baseUrl}${path}`, {
        ...init,
        headers: { accept: 'application/json', ...init.headers, authorization: `Bearer ${apiKey}` },
      });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw new ApiUnreachableError(`cannot reach the API (${err instanceof Error ? err.message : String(err)})`);
    }
    if (res.ok) return res;
    if (res.status === 401) throw new UnauthorizedError();
    const body = (await res.json().catch(() => null)) as { message?: string; detail?: string } | null;
    // Our API always explains itself in JSON (its 502/503 say the git provider failed); a bare 5xx
    // comes from a proxy whose upstream is gone.
    if (!body?.message && (res.status >= 500 || GATEWAY_DOWN.has(res.status)))
      throw new ApiUnreachableError(`the API is unavailable (${res.status})`);
    const message = body?.message ? [body.message, body.detail].filter(Boolean).join(': ') : `HTTP ${res.status}`;
    throw new ApiError(res.status, message);
  };

  return {
    open,
    async listChats({ limit = 25, cursor, signal } = {}) {
      const query = new URLSearchParams({ limit: String(limit), ...(cursor && { cursor }) });
      const res = await open(`/api/v1/chats?${query}`, signal ? { signal } : {});
      const page = (await res.json()) as ChatPageJson;
      return { chats: page.chats, nextCursor: page.next_cursor ?? null };
    },
    async getDiff(chatId, signal) {
      const res = await open(`/api/v1/chats/${encodeURIComponent(chatId)}/diff`, {
        headers: { accept: 'text/x-diff, application/json' },
        ...(signal && { signal }),
      });
      return res.text();
    },
    async refreshDiffStatus(chatId) {
      const res = await open(`/api/v1/chats/${encodeURIComponent(chatId)}/diff-status/refresh`, { method: 'POST' });
      return (await res.json()) as RefreshedDiffStatusJson;
    },
  };
}
