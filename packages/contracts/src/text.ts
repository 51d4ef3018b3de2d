import { z } from 'zod';
import { storedTextProblem } from '@gitsync/stored-text';
import { apiSchemaRegistry } from './registry.js';

/** Which characters a kind of text may hold, beyond the stored-text rule that applies to all. */
export type TextCharacters = 'any' | 'no-controls' | 'printable-ascii';

export interface TextOptions {
  /** What the field holds, as an error names it: `a title` → "a title is at most 1000 characters". */
  what: string;
  /** At most this many characters — Unicode code points, as JSON Schema's `maxLength` counts them. */
  max: number;
  /** Refuse the empty string. @defaultValue false */
  nonEmpty?: boolean;
  /** Must parse as an absolute URL (WHATWG URL parser, as browsers and Node read it). @defaultValue false */
  url?: boolean;
  /**
   * `no-controls`: no C0 control character nor DEL (what git refuses in a ref name);
   * `printable-ascii`: space to `~` only (RFC 6749's VSCHAR, what an HTTP header carries safely).
   * @defaultValue 'any'
   */
  characters?: TextCharacters;
  /** At most this many UTF-8 bytes in each `/`-separated part (git's limit on a ref component). */
  maxPartBytes?: number;
  /** The field's description in the OpenAPI document; the limits are appended to it. */
  description: string;
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const NOT_PRINTABLE_ASCII = /[^\u0020-\u007e]/;
/** `rule` follows the kind's name in an error; `limit` is how the description lists it. */
const characterRules: Record<
  Exclude<TextCharacters, 'any'>,
  { refused: RegExp; pattern: string; rule: string; limit: string }
> = {
  'no-controls': {
    refused: CONTROL,
    pattern: '^[^\\u0000-\\u001f\\u007f]*$',
    rule: 'has no control characters (U+0000 to U+001F, U+007F)',
    limit: 'no control characters (U+0000 to U+001F, U+007F)',
  },
  'printable-ascii': {
    refused: NOT_PRINTABLE_ASCII,
    pattern: '^[\\u0020-\\u007e]*$',
    rule: 'holds printable ASCII only (space to ~)',
    limit: 'printable ASCII only (space to ~)',
  },
};

/** Code points: a surrogate pair counts once. */
const codePoints = (value: string): number => value.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '_').length;

const utf8 = new TextEncoder();

/**
 * The string type of every request field whose text reaches Postgres. Always: no NUL, no lone
 * surrogate (the stored-text rule, shared with the provider side). Then the kind's own rules:
 * characters, length, parts. A value breaking one fails with one message naming that rule, which
 * the API's 400 prefixes with the field: `title: a title is at most 1000 characters (got 1200)`.
 */
export function text(options: TextOptions) {
  const { what, max } = options;
  const characters =
    options.characters === undefined || options.characters === 'any' ? null : characterRules[options.characters];
  const schema = z.string().superRefine((value, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message, input: value });
    const problem = storedTextProblem(value);
    if (problem) return fail(problem);
    if (characters?.refused.test(value)) return fail(`${what} ${characters.rule}`);
    // UTF-16 units are never fewer than code points: count the latter only when it can matter.
    const length = value.length <= max ? value.length : codePoints(value);
    if (length > max) return fail(`${what} is at most ${max} characters (got ${length})`);
    if (options.nonEmpty && value === '') return fail(`${what} may not be empty`);
    if (options.maxPartBytes !== undefined) {
      const part = value.split('/').find((p) => utf8.encode(p).length > options.maxPartBytes!);
      if (part !== undefined)
        return fail(
          `${what} has parts of at most ${options.maxPartBytes} bytes between slashes ` +
            `(one has ${utf8.encode(part).length})`,
        );
    }
    if (options.url && !URL.canParse(value)) return fail(`${what} is an absolute URL (scheme://host/…)`);
  });
  const limits = [
    `${options.nonEmpty ? '1 to' : 'at most'} ${max} characters`,
    characters?.limit,
    options.maxPartBytes !== undefined && `at most ${options.maxPartBytes} UTF-8 bytes between slashes`,
    options.url && 'an absolute URL',
    'no NUL character nor lone surrogate',
  ].filter(Boolean);
  apiSchemaRegistry.add(schema, {
    description: `${options.description}. ${limits.join('; ')}.`,
    maxLength: max,
    ...(options.nonEmpty && { minLength: 1 }),
    ...(options.url && { format: 'uri' }),
    ...(characters && { pattern: characters.pattern }),
  });
  return schema;
}

/*
 * The kinds of text the API takes, each limit chosen on purpose.
 */

/** A chat's title: a line a person reads in the sidebar; 1000 leaves room for an agent's summary. */
export const titleText = text({ what: 'a title', max: 1000, description: "The chat's title" });

/**
 * A git branch name as the agent reports it. Git refuses control characters in ref names, and a
 * ref component longer than 255 bytes cannot be a file (a loose ref): no real branch breaks either.
 * 1024 characters in all is far beyond any real branch.
 */
export const branchText = text({
  what: 'a git branch name',
  max: 1024,
  characters: 'no-controls',
  maxPartBytes: 255,
  description: 'The git branch the chat works on; empty means none',
});

/**
 * A remote origin as `git remote get-url` prints it: a URL, an scp-style `git@host:owner/repo` or
 * a path. 2048 characters is the longest URL browsers and proxies commonly carry.
 */
export const originText = text({
  what: 'a remote origin',
  max: 2048,
  characters: 'no-controls',
  description: 'The remote the branch lives on (https, ssh or scp-style); empty means none',
});

/**
 * A pull request's web URL. URLs are ASCII (RFC 3986: anything else is percent-encoded), which
 * also keeps the stored value within Postgres's limit on an indexed entry (2704 bytes).
 */
export const pullRequestUrlText = text({
  what: 'a pull-request URL',
  max: 2048,
  characters: 'printable-ascii',
  url: true,
  description: "The pull request's web URL, when the agent knows it",
});

/**
 * A provider's access or refresh token. It goes out in an `Authorization` header, so printable
 * ASCII only (RFC 6749's token characters); 4 KiB holds any real token, JWTs included.
 */
export const tokenText = text({
  what: 'a token',
  nonEmpty: true,
  max: 4096,
  characters: 'printable-ascii',
  description: 'A token the provider issued',
});

/** A configured provider's id, as a path segment. */
export const providerIdText = text({
  what: 'a provider id',
  nonEmpty: true,
  max: 100,
  characters: 'printable-ascii',
  description: 'The id of a configured provider (GITSYNC_EXTERNAL_AUTH_<n>_ID)',
});

/** An API key's name, to tell keys apart in a list (not secret): one line. */
export const apiKeyNameText = text({
  what: 'an API key name',
  max: 100,
  characters: 'no-controls',
  description: 'A name for the key, to tell it apart later (not secret)',
});
