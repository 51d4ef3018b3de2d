import { ApiError, ApiUnreachableError, UnauthorizedError, createApiClient } from './api';
import { chatWithPr, diffStatus } from './test-support/fixtures';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function client(answer: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const api = createApiClient('k3y', 'http://api.test', async (input, init) => {
    calls.push({ url: String(input), init: init ?? {} });
    return answer(String(input), init ?? {});
  });
  return { api, calls };
}

describe('createApiClient', () => {
  it('lists chats over the cursor API with the key as a bearer token, and hands on its cursor', async () => {
    const { api, calls } = client(() => json(200, { chats: [chatWithPr()], next_cursor: 'ZGVm' }));
    const page = await api.listChats({ limit: 10, cursor: 'YWJj_-' });
    expect(page.chats).toHaveLength(1);
    expect(page.nextCursor).toBe('ZGVm');
    expect(calls[0]!.url).toBe('http://api.test/api/v1/chats?limit=10&cursor=YWJj_-');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer k3y');
  });

  it('answers a null cursor on the last page, where the API leaves next_cursor out', async () => {
    await expect(client(() => json(200, { chats: [chatWithPr()] })).api.listChats()).resolves.toMatchObject({
      nextCursor: null,
    });
  });

  it('maps a 401 to UnauthorizedError, a network failure or a gateway error to ApiUnreachableError', async () => {
    await expect(client(() => json(401, { message: 'unauthorized' })).api.listChats()).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    await expect(client(() => Promise.reject(new TypeError('fetch failed'))).api.listChats()).rejects.toBeInstanceOf(
      ApiUnreachableError,
    );
    await expect(client(() => new Response('bad gateway', { status: 502 })).api.listChats()).rejects.toBeInstanceOf(
      ApiUnreachableError,
    );
    // Vite's dev proxy answers a bare 500 when nothing listens behind it.
    await expect(client(() => new Response('', { status: 500 })).api.listChats()).rejects.toBeInstanceOf(
      ApiUnreachableError,
    );
    await expect(client(() => json(500, { message: 'internal error' })).api.listChats()).rejects.toBeInstanceOf(
      ApiError,
    );
    // The API's own 503 (the git provider's rate limit) says so, and is not taken for a proxy's.
    await expect(
      client(() => json(503, { message: "provider rate limit of the owner's token" })).api.getDiff('c'),
    ).rejects.toMatchObject({ status: 503, message: "provider rate limit of the owner's token" });
  });

  it("carries the API's message and detail on other errors", async () => {
    const err = await client(() => json(400, { message: 'invalid query', detail: 'limit: too big' }))
      .api.listChats()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, message: 'invalid query: limit: too big' });
  });

  it("asks for one chat's refresh with a POST and answers the refreshed status", async () => {
    const answer = {
      ...diffStatus({ pull_request_state: 'merged' }),
      refresh: { completed: true, outcome: 'refreshed' },
    };
    const { api, calls } = client(() => json(200, answer));
    await expect(api.refreshDiffStatus('c 1')).resolves.toEqual(answer);
    expect(calls[0]!.url).toBe('http://api.test/api/v1/chats/c%201/diff-status/refresh');
    expect(calls[0]!.init.method).toBe('POST');
  });

  it('carries the reason of a refresh the API refuses (no branch reported yet)', async () => {
    const refused = client(() => json(409, { message: 'nothing to refresh: the chat has no branch or remote origin' }));
    await expect(refused.api.refreshDiffStatus('c1')).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('nothing to refresh'),
    });
  });
});
