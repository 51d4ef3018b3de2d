import { waitFor } from '@gitsync/testing';
import { startApi, type ApiHarness } from './harness.js';

/**
 * Issue 20: keys a user can manage. The secret is shown once; listing shows none; a revoked key
 * fails at once on every replica (keys are read from Postgres on every request, nothing caches
 * them) and the event streams it opened, on any replica, close.
 */
let a: ApiHarness;
let b: ApiHarness;
beforeAll(async () => {
  a = await startApi({ maxApiKeysPerUser: 3 });
  b = await startApi({ on: { t: a.t, r: a.r } });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

async function drain(events: AsyncIterable<unknown>): Promise<void> {
  for await (const event of events) void event;
}

async function member(username: string): Promise<{ id: string; key: string }> {
  const res = await a.call('POST', '/api/v1/users', { body: { username, role: 'member' } });
  return { id: res.body.id, key: res.body.api_key };
}

it(
  'a member makes, lists and revokes keys; ' + 'a revoked key fails at once on every replica and its streams close',
  async () => {
    const ivy = await member('ivy');
    const created = await a.call('POST', '/api/v1/users/me/api-keys', { key: ivy.key, body: { name: 'laptop' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'laptop',
      source: 'api',
      created_at: expect.any(String),
      api_key: expect.stringMatching(/^gsk_/),
    });
    const laptop = created.body.api_key as string;

    expect((await b.call('GET', '/api/v1/chats', { key: laptop })).status).toBe(200);
    const listed = await b.call('GET', `/api/v1/users/${ivy.id}/api-keys`, { key: ivy.key });
    expect(listed.status).toBe(200);
    expect(listed.body.api_keys.map((k: { name: string }) => k.name)).toEqual(['', 'laptop']);
    expect(JSON.stringify(listed.body)).not.toContain(laptop);
    expect(JSON.stringify(listed.body)).not.toContain(ivy.key);
    expect(listed.body.api_keys[1]).toMatchObject({ last_used_at: expect.any(String) });

    const stream = await b.client(laptop).events();
    let ended = false;
    // Read to the end (events are not the point here): the loop ends when the server closes the stream.
    void drain(stream)
      .finally(() => (ended = true))
      .catch(() => undefined);

    const revoked = await a.call('DELETE', `/api/v1/users/me/api-keys/${created.body.id}`, { key: ivy.key });
    expect(revoked.status).toBe(204);
    // At once: no wait, no retry, on the replica that did not revoke it.
    expect((await b.call('GET', '/api/v1/chats', { key: laptop })).status).toBe(401);
    expect((await a.call('GET', '/api/v1/chats', { key: laptop })).status).toBe(401);
    await waitFor(() => ended || undefined, {
      message: 'the revoked key’s event stream, open on the other replica, to end',
    });
    expect((await a.call('DELETE', `/api/v1/users/me/api-keys/${created.body.id}`, { key: ivy.key })).status).toBe(404);
    expect((await a.call('GET', '/api/v1/chats', { key: ivy.key })).status).toBe(200);
  },
);

it("another member's keys are not found; an admin manages anyone's; a user holds a bounded number", async () => {
  const [jo, kai] = [await member('jo'), await member('kai')];
  const mine = await a.call('POST', `/api/v1/users/${jo.id}/api-keys`, { key: jo.key, body: {} });
  expect(mine.body.name).toBe('');
  expect((await a.call('GET', `/api/v1/users/${jo.id}/api-keys`, { key: kai.key })).status).toBe(404);
  expect((await a.call('POST', `/api/v1/users/${jo.id}/api-keys`, { key: kai.key, body: {} })).status).toBe(404);
  expect((await a.call('DELETE', `/api/v1/users/${jo.id}/api-keys/${mine.body.id}`, { key: kai.key })).status).toBe(
    404,
  );
  expect((await a.call('DELETE', `/api/v1/users/me/api-keys/${mine.body.id}`, { key: kai.key })).status).toBe(404);
  expect((await a.call('GET', `/api/v1/users/${jo.id}/api-keys`)).body.api_keys).toHaveLength(2);

  expect((await a.call('POST', `/api/v1/users/${jo.id}/api-keys`, { body: { name: 'by admin' } })).status).toBe(201);
  const over = await a.call('POST', `/api/v1/users/${jo.id}/api-keys`, { body: { name: 'one too many' } });
  expect(over).toMatchObject({ status: 409, body: { message: 'a user may hold at most 3 API keys' } });
  expect(
    (await a.call('POST', '/api/v1/users/00000000-0000-4000-8000-000000000000/api-keys', { body: {} })).status,
  ).toBe(404);
  expect((await a.call('POST', '/api/v1/users/me/api-keys', { key: jo.key, body: { secret: 'x' } })).status).toBe(400);
});

it('the SDK makes, lists and revokes keys with the same shapes', async () => {
  const lou = await member('lou');
  const client = a.client(lou.key);
  const made = await client.createApiKey('me', { name: 'sdk' });
  expect(made).toMatchObject({ name: 'sdk', source: 'api', api_key: expect.stringMatching(/^gsk_/) });
  expect((await client.listApiKeys('me')).api_keys.map((k) => k.name)).toEqual(['', 'sdk']);
  await client.revokeApiKey('me', made.id);
  await expect(a.client(made.api_key).listChats()).rejects.toMatchObject({ status: 401 });
});
