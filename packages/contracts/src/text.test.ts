import { z } from 'zod';
import { createChatBody, gitReportBody, linkTokenBody } from './api.js';
import { apiSchemaRegistry } from './registry.js';
import { branchText, originText, pullRequestUrlText, text, titleText, tokenText } from './text.js';

/** The one message a value gets, or null when it passes. */
const problem = (schema: z.ZodType, value: unknown): string | null => {
  const result = schema.safeParse(value);
  if (result.success) return null;
  expect(result.error.issues).toHaveLength(1);
  return result.error.issues[0]!.message;
};

describe('text kinds', () => {
  it('refuse NUL and lone surrogates in every kind, naming the rule', () => {
    for (const kind of [titleText, branchText, originText, pullRequestUrlText, tokenText]) {
      expect(problem(kind, 'https://x.test/a\u0000')).toMatch(/NUL character/);
      expect(problem(kind, 'https://x.test/\ud800')).toMatch(/lone UTF-16 surrogate/);
    }
  });

  it('count a title in characters (code points), not UTF-16 units', () => {
    expect(problem(titleText, '😀'.repeat(1000))).toBeNull();
    expect(problem(titleText, 'x'.repeat(1001))).toBe('a title is at most 1000 characters (got 1001)');
    expect(problem(titleText, 'two\nlines\tand ünïcode')).toBeNull();
  });

  it('hold a branch to what git accepts: no control characters, parts of at most 255 bytes', () => {
    expect(problem(branchText, 'feat/ünïcode/x')).toBeNull();
    expect(problem(branchText, '')).toBeNull(); // "no branch": the report is accepted and does nothing
    expect(problem(branchText, 'feat/\u001b[31m')).toMatch(/^a git branch name has no control characters/);
    expect(problem(branchText, `feat/${'x'.repeat(255)}`)).toBeNull();
    // 128 two-byte characters: 128 characters, 256 bytes.
    expect(problem(branchText, `feat/${'é'.repeat(128)}`)).toBe(
      'a git branch name has parts of at most 255 bytes between slashes (one has 256)',
    );
    expect(problem(branchText, 'x/'.repeat(600))).toMatch(/at most 1024 characters/);
  });

  it('take a pull-request URL in printable ASCII only, and an origin in any script', () => {
    expect(problem(pullRequestUrlText, 'https://github.com/o/r/pull/1')).toBeNull();
    expect(problem(pullRequestUrlText, 'https://github.com/o/r/pull/1?q=é')).toMatch(/printable ASCII/);
    expect(problem(pullRequestUrlText, 'not a url')).toMatch(/absolute URL/);
    expect(problem(originText, '/home/josé/repo')).toBeNull();
    expect(problem(originText, 'https://github.com/o/r\n')).toMatch(/control characters/);
  });

  it('take a token of printable ASCII, 1 to 4096 characters', () => {
    expect(problem(tokenText, 'ghp_' + 'a'.repeat(4092))).toBeNull();
    expect(problem(tokenText, 'a'.repeat(4097))).toBe('a token is at most 4096 characters (got 4097)');
    expect(problem(tokenText, '')).toBe('a token may not be empty');
    expect(problem(tokenText, 'ghp_x\r\nX-Injected: 1')).toBe('a token holds printable ASCII only (space to ~)');
    expect(problem(tokenText, 'ghp_ünï')).toBe('a token holds printable ASCII only (space to ~)');
  });

  it('are what the request bodies use', () => {
    expect(createChatBody.safeParse({ title: 'a\u0000' }).success).toBe(false);
    expect(
      gitReportBody.safeParse({ branch: 'b', remote_origin: 'o', pull_request_url: 'https://x.test/\u0000' }).success,
    ).toBe(false);
    expect(linkTokenBody.safeParse({ access_token: 't', refresh_token: 'r\u0000' }).success).toBe(false);
  });

  it('describe their limits in the JSON Schema that generated clients read', () => {
    const json = z.toJSONSchema(tokenText, { metadata: apiSchemaRegistry, io: 'input' });
    expect(json).toMatchObject({ type: 'string', minLength: 1, maxLength: 4096, pattern: '^[\\u0020-\\u007e]*$' });
    expect(new RegExp(json.pattern as string).test('ghp_abc')).toBe(true);
    expect(new RegExp(json.pattern as string).test('ghp_\n')).toBe(false);
    expect(json.description).toMatch(/printable ASCII.*no NUL/);
  });

  it('build new kinds from the same rule', () => {
    const label = text({ what: 'a label', max: 3, description: 'A label' });
    expect(problem(label, 'abcd')).toBe('a label is at most 3 characters (got 4)');
    expect(problem(label, '\u0000')).toMatch(/NUL/);
  });
});
