import { ProviderError } from './errors.js';
import {
  parseJsonBody,
  toListedPullRequests,
  toPullRequestFields,
  toRepositoryParent,
  toReviews,
} from './parse-response.js';

const context = { what: 'GET /repos/o/r/pulls/1', status: 200 };
const pull = (overrides: Record<string, unknown> = {}) => ({
  number: 1,
  state: 'open',
  merged: false,
  draft: true,
  title: 'Add thing',
  additions: 10,
  deletions: 2,
  changed_files: 3,
  commits: 4,
  head: { ref: 'feat/x', sha: 'abc' },
  base: { ref: 'main' },
  user: { login: 'octocat', avatar_url: 'https://avatars/u/1' },
  ...overrides,
});
const URL_ = 'https://github.com/o/r/pull/1';

function errorOf(fn: () => unknown): ProviderError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('toPullRequestFields', () => {
  it('maps every field', () => {
    expect(toPullRequestFields(pull(), URL_, context)).toEqual({
      url: URL_,
      number: 1,
      state: 'open',
      title: 'Add thing',
      draft: true,
      additions: 10,
      deletions: 2,
      changedFiles: 3,
      commits: 4,
      headBranch: 'feat/x',
      headSha: 'abc',
      baseBranch: 'main',
      authorLogin: 'octocat',
      authorAvatarUrl: 'https://avatars/u/1',
      mergeable: null,
      mergeableState: null,
      requestedReviewerCount: 0,
      labels: [],
    });
  });

  it('reads mergeability (null: not known yet), requested reviewers and teams, and label names', () => {
    const fields = toPullRequestFields(
      pull({
        mergeable: false,
        mergeable_state: 'dirty',
        requested_reviewers: [{ login: 'a' }, { login: 'b' }],
        requested_teams: [{ slug: 't' }],
        labels: [{ name: 'bug' }, { name: 'ui' }],
      }),
      URL_,
      context,
    );
    expect(fields).toMatchObject({ mergeable: false, mergeableState: 'dirty', requestedReviewerCount: 3 });
    expect(fields.labels).toEqual(['bug', 'ui']);
    expect(toPullRequestFields(pull({ mergeable: null }), URL_, context).mergeable).toBeNull();
    expect(() => toPullRequestFields(pull({ labels: [{ name: 1 }] }), URL_, context)).toThrow(/labels\[0\]\.name/);
  });

  it('reports merged as a state and tolerates a deleted author', () => {
    const fields = toPullRequestFields(pull({ state: 'closed', merged: true, user: null }), URL_, context);
    expect(fields.state).toBe('merged');
    expect(fields.authorLogin).toBeNull();
    expect(fields.authorAvatarUrl).toBeNull();
  });

  it('keeps a 100 KB title', () => {
    const title = 't'.repeat(100_000);
    expect(toPullRequestFields(pull({ title }), URL_, context).title).toBe(title);
  });

  it('cleans text Postgres cannot store: NULs dropped, lone surrogates replaced', () => {
    const fields = toPullRequestFields(
      pull({
        title: 'Fix\u0000 login \ud83d',
        head: { ref: 'feat/\u0000x', sha: 'abc' },
        user: { login: 'oct\u0000o', avatar_url: null },
      }),
      URL_,
      context,
    );
    expect(fields).toMatchObject({ title: 'Fix login \ufffd', headBranch: 'feat/x', authorLogin: 'octo' });
  });

  it.each([
    [{ number: undefined }, 'number'],
    [{ number: '1' }, 'number'],
    [{ state: undefined }, 'state'],
    [{ state: 'weird' }, 'state'],
    [{ title: 5 }, 'title'],
    [{ head: { ref: 'x' } }, 'head.sha'],
    [{ base: null }, 'base'],
    [{ additions: 'many' }, 'additions'],
  ])('names the bad field %j', (overrides, field) => {
    const error = errorOf(() => toPullRequestFields(pull(overrides), URL_, context));
    expect(error.message).toContain(`"${field}"`);
    expect(error.status).toBe(200);
  });

  it('rejects a body that is not an object', () => {
    expect(errorOf(() => toPullRequestFields([], URL_, context)).message).toContain('not a JSON object');
  });
});

describe('parseJsonBody', () => {
  it('says "invalid JSON" for garbage', () => {
    const error = errorOf(() => parseJsonBody('<html>oops</html>', context));
    expect(error.message).toContain('invalid JSON');
    expect(error.status).toBe(200);
  });

  it("keeps a NUL of the body out of the message (it is stored as the row's error)", () => {
    const error = errorOf(() => parseJsonBody('{"title":\u0000}', context));
    expect(error.message).toContain('invalid JSON');
    expect(error.message).not.toContain('\u0000');
  });
});

describe('list bodies', () => {
  it('toListedPullRequests: merged_at makes merged; fields named when wrong', () => {
    const item = {
      number: 7,
      state: 'closed',
      merged_at: '2026-01-02T00:00:00Z',
      updated_at: '2026-01-03T00:00:00Z',
      head: { sha: 'abc' },
    };
    expect(toListedPullRequests([], context)).toEqual([]);
    expect(toListedPullRequests([item, { ...item, number: 8, merged_at: null }], context)).toEqual([
      { number: 7, state: 'merged', headSha: 'abc', updatedAt: new Date('2026-01-03T00:00:00Z') },
      { number: 8, state: 'closed', headSha: 'abc', updatedAt: new Date('2026-01-03T00:00:00Z') },
    ]);
    expect(errorOf(() => toListedPullRequests({}, context)).message).toContain('not a JSON array');
    expect(errorOf(() => toListedPullRequests([{ ...item, number: 0 }], context)).message).toContain('"[0].number"');
    expect(errorOf(() => toListedPullRequests([{ ...item, updated_at: 'yesterday' }], context)).message).toContain(
      '"[0].updated_at"',
    );
  });

  it('toRepositoryParent: the parent of a fork, null for a repository that is none', () => {
    expect(toRepositoryParent({ fork: false, name: 'r' }, context)).toBeNull();
    expect(toRepositoryParent({ fork: true, parent: { name: 'app', owner: { login: 'acme' } } }, context)).toEqual({
      owner: 'acme',
      repo: 'app',
    });
    expect(errorOf(() => toRepositoryParent({ fork: true, parent: { name: 'app' } }, context)).message).toContain(
      '"parent.owner"',
    );
  });

  it('toReviews', () => {
    expect(
      toReviews(
        [
          { id: 1, state: 'APPROVED', user: { login: 'a' }, submitted_at: 'x' },
          { state: 'COMMENTED', user: null },
        ],
        context,
      ),
    ).toEqual([
      { id: 1, state: 'APPROVED', user: { login: 'a' }, submitted_at: 'x' },
      { id: null, state: 'COMMENTED', user: null, submitted_at: null },
    ]);
    expect(errorOf(() => toReviews([{ user: null }], context)).message).toContain('"[0].state"');
  });
});
