import { startFakeGitHub } from '../src/index.js';
import type { FakeGitHub } from '../src/index.js';
import { call, obj } from './helpers.js';

let fake: FakeGitHub;
const T = 'repos-token';

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.addToken(T, { login: 'agent', budget: 100 });
});
afterAll(() => fake?.close());

describe('GET /repos/{o}/{r}', () => {
  it('answers a repository that is not a fork without parent or source', async () => {
    fake.addRepo('acme', 'plain');
    const reply = await call(fake, '/repos/ACME/Plain', { token: T });
    expect(reply.status).toBe(200);
    const json = obj(reply.json);
    expect(json).toMatchObject({
      id: expect.any(Number),
      name: 'plain',
      full_name: 'acme/plain',
      private: false,
      fork: false,
      html_url: `${fake.url}/acme/plain`,
      url: `${fake.apiBaseUrl}/repos/acme/plain`,
      default_branch: 'main',
    });
    expect(obj(json.owner)).toMatchObject({ login: 'acme', type: 'User' });
    expect(json).not.toHaveProperty('parent');
    expect(json).not.toHaveProperty('source');
  });

  it('answers a fork of a fork with its parent and the root of its network as source', async () => {
    fake.addRepo('bob', 'tool', { forkOf: { owner: 'alice', repo: 'tool' } });
    fake.addRepo('carol', 'tool-copy', { forkOf: { owner: 'Bob', repo: 'Tool' } });
    const root = obj((await call(fake, '/repos/alice/tool', { token: T })).json);
    const parent = obj((await call(fake, '/repos/bob/tool', { token: T })).json);
    const json = obj((await call(fake, '/repos/carol/tool-copy', { token: T })).json);
    expect(json).toMatchObject({ full_name: 'carol/tool-copy', fork: true });
    expect(obj(json.parent)).toMatchObject({ id: parent.id, full_name: 'bob/tool', fork: true });
    expect(obj(json.source)).toMatchObject({ id: root.id, full_name: 'alice/tool', fork: false });
    expect(obj(obj(json.parent).owner)).toMatchObject({ login: 'bob' });
    expect(obj(parent.source)).toMatchObject({ full_name: 'alice/tool' });
    expect(obj(parent.parent)).toMatchObject({ full_name: 'alice/tool' });
  });

  it('answers 304 to its ETag without charging, and every request is recorded', async () => {
    fake.addRepo('acme', 'tagged', { forkOf: { owner: 'upstream', repo: 'tagged' } });
    fake.clearRequests();
    const first = await call(fake, '/repos/acme/tagged', { token: T });
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const remaining = first.headers.get('x-ratelimit-remaining');
    const again = await call(fake, '/repos/acme/tagged', { token: T, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('x-ratelimit-remaining')).toBe(remaining);
    expect(fake.requests.map((r) => [r.path, r.status, r.conditional])).toEqual([
      ['/api/v3/repos/acme/tagged', 200, false],
      ['/api/v3/repos/acme/tagged', 304, true],
    ]);
  });

  it('answers a GitHub-style 404 for an unknown repository', async () => {
    const reply = await call(fake, '/repos/nobody/nothing', { token: T });
    expect(reply.status).toBe(404);
    expect(obj(reply.json)).toMatchObject({ message: 'Not Found', documentation_url: expect.any(String) });
  });
});

describe('addRepo forkOf', () => {
  it('is idempotent with the same parent and refuses to change or invent one', () => {
    fake.addRepo('dave', 'lib', { forkOf: { owner: 'erin', repo: 'lib' } });
    expect(() => fake.addRepo('Dave', 'LIB', { forkOf: { owner: 'erin', repo: 'lib' } })).not.toThrow();
    expect(() => fake.addRepo('dave', 'lib')).not.toThrow();
    expect(() => fake.addRepo('dave', 'lib', { forkOf: { owner: 'frank', repo: 'lib' } })).toThrow(
      'dave/lib was added as a fork of erin/lib; it cannot become a fork of frank/lib',
    );
    fake.addRepo('gina', 'solo');
    expect(() => fake.addRepo('gina', 'solo', { forkOf: { owner: 'erin', repo: 'lib' } })).toThrow(
      'gina/solo was added as not a fork',
    );
    expect(() => fake.addRepo('gina', 'self', { forkOf: { owner: 'GINA', repo: 'self' } })).toThrow(
      'gina/self cannot be a fork of itself',
    );
  });
});
