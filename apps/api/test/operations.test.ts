import { diffStatusSchema } from '@gitsync/contracts';
import { blockedUntil, RedisGroupPacer } from '@gitsync/rate-limits';
import { waitFor } from '@gitsync/testing';
import { ADMIN_KEY, startApi, type ApiHarness } from './harness.js';

let h: ApiHarness;
let memberKey: string;

beforeAll(async () => {
  h = await startApi();
  memberKey = (await h.client().createUser({ username: 'mia' })).api_key;
});
afterAll(() => h?.close());

const basic = (password: string, user = 'anyone') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('Bull Board at /admin/queues', () => {
  it('answers 401 with a Basic challenge without a key, with an unknown key and with a member’s key', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: basic('gsk_nope') },
      { authorization: basic(memberKey) },
      { authorization: `Bearer ${memberKey}` },
    ]) {
      const res = await h.call('GET', '/admin/queues', { key: null, headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="gitsync"');
      expect(res.body).toMatchObject({ message: expect.any(String) });
    }
    // Its API too, not just the page.
    expect((await h.call('GET', '/admin/queues/api/queues', { key: memberKey })).status).toBe(401);
  });

  it(
    'lets the admin in with the key as Basic password (any user name) ' + 'or as Bearer token, and shows every queue',
    async () => {
      const page = await h.call('GET', '/admin/queues', {
        key: null,
        headers: { authorization: basic(ADMIN_KEY, 'whoever') },
      });
      expect(page.status).toBe(200);
      expect(page.body).toContain('<base href="/admin/queues/"');
      const api = await h.call('GET', '/admin/queues/api/queues', { key: ADMIN_KEY });
      expect(api.status).toBe(200);
      expect(api.body.queues.map((q: { name: string }) => q.name)).toEqual(['diff-status-refresh']);
    },
  );
});

describe('GET /openapi.json', () => {
  it('describes every route of SPEC §6 from the zod schemas, with the shared shapes as components', async () => {
    const res = await h.call('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/v1/chats',
        '/api/v1/chats/{chat}',
        '/api/v1/chats/{chat}/diff',
        '/api/v1/chats/{chat}/diff-status',
        '/api/v1/chats/{chat}/diff-status/refresh',
        '/api/v1/chats/{chat}/git',
        '/api/v1/events',
        '/api/v1/users',
        '/api/v1/users/{user}/api-keys',
        '/api/v1/users/{user}/api-keys/{id}',
        '/api/v1/users/{user}/external-auth/{provider}',
        '/healthz',
        '/readyz',
      ].sort(),
    );
    for (const [path, methods] of Object.entries<Record<string, { responses?: object }>>(doc.paths)) {
      for (const [method, op] of Object.entries(methods))
        expect({ path, method, responses: Object.keys(op.responses ?? {}).length > 0 }).toMatchObject({
          responses: true,
        });
    }
    expect(doc.paths['/api/v1/chats'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ChatPage',
    });
    expect(
      doc.paths['/api/v1/chats'].get.parameters.find((p: { name: string }) => p.name === 'limit').schema,
    ).toMatchObject({ minimum: 1, maximum: 100, default: 25 });
    expect(doc.paths['/api/v1/chats'].post.requestBody.content['application/json'].schema.additionalProperties).toBe(
      false,
    );
    expect(Object.keys(doc.paths['/api/v1/chats/{chat}/diff'].get.responses['200'].content)).toEqual(['text/x-diff']);
    const diffStatus = doc.components.schemas.DiffStatus;
    expect(Object.keys(diffStatus.properties)).toEqual(Object.keys(diffStatusSchema.shape));
    expect([...diffStatus.required].sort()).toEqual(
      [
        'additions',
        'changed_files',
        'changes_requested',
        'chat_id',
        'deletions',
        'pull_request_draft',
        'pull_request_title',
      ].sort(),
    );
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/healthz'].get.security).toEqual([]);
  });
});

describe('GET /metrics', () => {
  it(
    'reports jobs per queue and state, rows per outcome, ' +
      'the oldest due row and rate-limited groups, without a key',
    async () => {
      const client = h.client(memberKey);
      const chat = await client.createChat({});
      await client.reportGit(chat.id, { branch: 'b', remote_origin: 'https://github.com/a/b' });
      await h.t.pool.query(
        `update chat_diff_statuses set stale_at = now() - interval '90 seconds' where chat_id = $1`,
        [chat.id],
      );
      // Two groups a worker was told to stop (a 429): one for a minute, one over by the scrape.
      const pacer = new RedisGroupPacer({ redis: h.redis, prefix: h.r.prefix });
      const limited = (ms: number) => ({
        status: 429,
        remaining: null,
        resetAt: null,
        blockedUntil: new Date(Date.now() + ms),
      });
      (await pacer.forGroup('github:someone').acquire())(limited(60_000));
      (await pacer.forGroup('github:over').acquire())(limited(50));
      await waitFor(async () => (await blockedUntil(h.redis, h.r.prefix, 'github:someone')) !== null, {
        message: 'group blocked',
      });
      await waitFor(async () => (await blockedUntil(h.redis, h.r.prefix, 'github:over')) === null, {
        message: 'short block over',
      });

      const res = await h.call('GET', '/metrics', { key: null });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text: string = res.body;
      expect(text).toMatch(/^gitsync_queue_jobs\{queue="diff-status-refresh",state="prioritized"\} 0$/m);
      expect(text).toMatch(/^gitsync_diff_status_rows\{last_outcome="none"\} 1$/m);
      const age = Number(/^gitsync_oldest_due_row_age_seconds (\S+)$/m.exec(text)?.[1]);
      expect(age).toBeGreaterThanOrEqual(90);
      expect(age).toBeLessThan(3600);
      expect(text).toMatch(/^gitsync_rate_limited_groups 1$/m);
      expect(text).toMatch(/^gitsync_metrics_source_up\{source="jobCounts"\} 1$/m);

      // Issue 17: the counts per outcome (a whole-table read) are kept between scrapes; the
      // oldest due row is read every time.
      const other = await client.createChat({});
      await client.reportGit(other.id, { branch: 'c', remote_origin: 'https://github.com/a/c' });
      await h.t.pool.query(`update chat_diff_statuses set stale_at = now() - interval '2 hours' where chat_id = $1`, [
        other.id,
      ]);
      const again: string = (await h.call('GET', '/metrics', { key: null })).body;
      expect(again).toMatch(/^gitsync_diff_status_rows\{last_outcome="none"\} 1$/m);
      expect(Number(/^gitsync_oldest_due_row_age_seconds (\S+)$/m.exec(again)?.[1])).toBeGreaterThanOrEqual(7200);
    },
  );
});
