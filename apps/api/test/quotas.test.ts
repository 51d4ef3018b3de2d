import { defaultQuotas, type Quotas } from '../src/quotas.js';
import { waitFor } from '@gitsync/testing';
import { ADMIN_KEY, startApi, type ApiHarness, type StartApiOptions } from './harness.js';

/**
 * Issue 20: quotas live in Redis, so two API replicas count together. A member looping on-demand
 * refreshes gets 429s with Retry-After while everyone else is served; an address guessing keys is
 * shut out; a key holds a bounded number of event streams.
 */
let base: ApiHarness;
const extra: ApiHarness[] = [];
beforeAll(async () => {
  base = await startApi();
});
afterAll(async () => {
  for (const h of extra) await h?.close();
  await base?.close();
});

/** Two more API replicas on the same Postgres and Redis prefix, with these quotas. */
async function replicas(quotas: Partial<Quotas>, options: StartApiOptions = {}): Promise<[ApiHarness, ApiHarness]> {
  const pair = await Promise.all([0, 1].map(() => startApi({ ...options, on: { t: base.t, r: base.r }, quotas })));
  extra.push(...pair);
  return pair as [ApiHarness, ApiHarness];
}

async function member(username: string): Promise<{ key: string; chatId: string }> {
  const created = await base.call('POST', '/api/v1/users', { body: { username, role: 'member' } });
  const key = created.body.api_key as string;
  const chat = await base.call('POST', '/api/v1/chats', { key, body: { title: username } });
  await base.call('POST', `/api/v1/chats/${chat.body.id}/git`, {
    key,
    body: { branch: 'feat/x', remote_origin: 'https://github.com/acme/app.git' },
  });
  return { key, chatId: chat.body.id };
}

it(
  '60 concurrent on-demand refreshes of one member: the quota holds across replicas, ' +
    'with Retry-After, and another member is still served',
  async () => {
    const [a, b] = await replicas({ ...defaultQuotas }, { onDemandTimeoutMs: 200 });
    const [ann, bob] = [await member('ann'), await member('bob')];
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? a : b).call('POST', `/api/v1/chats/${ann.chatId}/diff-status/refresh`, { key: ann.key }),
      ),
    );
    const counts = answers.reduce<Record<number, number>>(
      (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
      {},
    );
    expect(counts).toEqual({ 200: defaultQuotas.refreshPerKey, 429: 60 - defaultQuotas.refreshPerKey });
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body).toEqual({
      message: 'too many on-demand refreshes',
      detail: expect.stringContaining('at most 30 per API key in 60 s'),
    });

    const other = await a.call('POST', `/api/v1/chats/${bob.chatId}/diff-status/refresh`, { key: bob.key });
    expect(other.status).toBe(200);
    expect(other.body.refresh).toEqual({ completed: false });
    // Refreshes have a quota of their own: ann can still read.
    expect((await b.call('GET', `/api/v1/chats/${ann.chatId}`, { key: ann.key })).status).toBe(200);
  },
);

it('every other route counts against the key, across replicas', async () => {
  const [a, b] = await replicas({ perKey: 5 });
  const cy = await member('cy');
  const dee = await member('dee');
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++)
    statuses.push((await (i % 2 ? a : b).call('GET', '/api/v1/chats', { key: cy.key })).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  const refused = await a.call('GET', '/api/v1/chats', { key: cy.key });
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(refused.body.detail).toMatch(/at most 5 requests per API key in 60 s; retry in/);
  expect((await b.call('GET', '/api/v1/chats', { key: dee.key })).status).toBe(200);
});

it('an address that keeps guessing keys is refused, even its right key, while others are not', async () => {
  const [a, b] = await replicas({ authFailuresPerAddress: 3 }, { trustProxy: true });
  const guesser = { 'x-forwarded-for': '203.0.113.7' };
  for (let i = 0; i < 3; i++) {
    expect(
      (await (i % 2 ? a : b).call('GET', '/api/v1/chats', { key: `gsk_guess_${i}`, headers: guesser })).status,
    ).toBe(401);
  }
  // No key at all is not a guess: it does not count.
  expect((await a.call('GET', '/api/v1/chats', { key: null, headers: guesser })).status).toBe(401);
  const withKey = await a.call('GET', '/api/v1/chats', { key: ADMIN_KEY, headers: guesser });
  expect(withKey.status).toBe(429);
  expect(Number(withKey.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(withKey.body.detail).toMatch(/too many failed authentications from this address/);
  // Bull Board's login is the same door.
  const board = await b.call('GET', '/admin/queues', { key: ADMIN_KEY, headers: guesser });
  expect(board.status).toBe(429);
  expect(
    (await a.call('GET', '/api/v1/chats', { key: ADMIN_KEY, headers: { 'x-forwarded-for': '203.0.113.8' } })).status,
  ).toBe(200);
});

it('a key holds at most N event streams across replicas; a closed one frees its slot', async () => {
  const [a, b] = await replicas({ streamsPerKey: 2 });
  const eve = await member('eve');
  const first = await a.client(eve.key).events();
  const second = await b.client(eve.key).events();
  const third = await a.call('GET', '/api/v1/events', { key: eve.key });
  expect(third.status).toBe(429);
  expect(third.body).toEqual({
    message: 'too many event streams',
    detail: 'at most 2 open event streams per API key; close one first',
  });
  // Another key is not affected.
  const admin = await b.client().events();
  admin.close();
  first.close();
  const again = await waitFor(
    () =>
      b
        .client(eve.key)
        .events()
        .catch(() => undefined),
    { message: 'a slot freed by the closed stream' },
  );
  again.close();
  second.close();
});
