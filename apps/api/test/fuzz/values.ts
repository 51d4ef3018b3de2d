import fc from 'fast-check';
import type { z } from 'zod';
import {
  apiKeyNameText,
  branchText,
  chatStatusSchema,
  originText,
  pullRequestUrlText,
  titleText,
  tokenText,
} from '@gitsync/contracts';
import { toStoredText } from '@gitsync/stored-text';

/*
 * Field values for the fuzzer: valid ones (what the description allows, so the API must take
 * them) and bad ones (what a careless or hostile client sends). Valid values are filtered through
 * the contracts' own schemas: the fuzzer never disagrees with the API about what is valid.
 */

const valid = <T>(schema: z.ZodType, arb: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  arb.filter((v) => schema.safeParse(v).success);

/**
 * Any code point but a lone surrogate, NUL and controls included. A unit of our own: fast-check's
 * built-in 'binary' unit builds a table of every code point for each string arbitrary made with it
 * (seconds of CPU at start).
 */
const anyCodePoint = fc
  .oneof(
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0x80, max: 0xffff }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  )
  .filter((c) => c < 0xd800 || c > 0xdfff)
  .map((c) => String.fromCodePoint(c));
export const anyString = (maxLength: number) => fc.string({ unit: anyCodePoint, maxLength });

const slug = fc.stringMatching(/^[A-Za-z0-9][\w.~%-]{0,15}$/);
/**
 * Web URLs on hosts the provider knows and others. Built by hand: fc.webUrl spends a third of
 * the fuzzer's own CPU rebuilding a character table for every URL.
 */
export const webUrlValue = fc
  .tuple(
    fc.constantFrom('https://', 'http://'),
    fc.constantFrom(
      'github.com',
      'ghe.example.com',
      '127.0.0.1:9000',
      '[::1]:8080',
      'xn--gthub-kva.com',
      'a.b.c.d.example',
    ),
    fc.array(slug, { maxLength: 6 }),
    fc.option(
      fc.tuple(slug, slug).map(([k, v]) => `?${k}=${v}`),
      { nil: '' },
    ),
    fc.option(
      slug.map((f) => `#${f}`),
      { nil: '' },
    ),
  )
  .map(([scheme, host, parts, query, fragment]) => `${scheme}${host}/${parts.join('/')}${query}${fragment}`);

export const titleValue = valid(
  titleText,
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
    { weight: 2, arbitrary: anyString(1000).map(toStoredText) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '😀'.repeat(1000),
        'x'.repeat(1000),
        '  ',
        'two\nlines\ttabbed',
        '\u202eright-to-left',
        '<script>alert(1)</script>',
      ),
    },
  ),
);

const branchPart = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((s) => !s.includes('/'));
export const branchValue = valid(
  branchText,
  fc.oneof(
    { weight: 4, arbitrary: fc.array(branchPart, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        'main',
        'feat/ünïcode/x',
        '../../etc',
        'HEAD',
        '@{-1}',
        'x'.repeat(255),
        `${'ö'.repeat(127)}/x`,
        'a//b',
        '/lead',
        'trail/',
      ),
    },
  ),
);

/** Origins as agents report them, odd spellings included. */
export const originValue = valid(
  originText,
  fc.oneof(
    { weight: 2, arbitrary: webUrlValue },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'https://github.com/acme/app.git',
        'https://user:secret@github.com/acme/app.git',
        'https://@github.com/acme/app',
        'git@github.com:acme/app.git',
        'ssh://git@github.com/acme/app',
        'ssh://git@github.com:22/acme/app.git',
        'https://github.com',
        'https://github.com/acme',
        'https://github.com/acme/app/extra/parts',
        'https://[::1]/acme/app',
        'https://[::1/acme/app',
        'https://github.com:99999/acme/app',
        'git@:acme/app',
        'file:///home/josé/repo',
        '/home/josé/repo',
        'https://gïthub.com/acme/app',
        'https://github.com/acme/app.git?x=1#frag',
        'https://%00/acme/app',
        '',
        '   ',
        'x'.repeat(2048),
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
  ),
);

export const pullRequestUrlValue = valid(
  pullRequestUrlText,
  fc.oneof(
    { weight: 2, arbitrary: webUrlValue },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'https://github.com/acme/app/pull/1',
        'https://github.com/acme/app/pull/99999999999999999999',
        'https://github.com/acme/app/pull/0',
        'https://github.com/acme/app/pull/-1',
        'https://github.com/acme/app/pull/1/files?w=1#diff',
        'https://gitlab.com/acme/app/-/merge_requests/1',
        'http://127.0.0.1:9000/acme/app/pull/1',
        'mailto:someone@example.com',
        `https://github.com/acme/app/pull/1#${'x'.repeat(2000)}`,
      ),
    },
  ),
);

export const tokenValue = valid(
  tokenText,
  fc.oneof(
    { weight: 5, arbitrary: fc.stringMatching(/^[\x20-\x7e]{1,60}$/) },
    { weight: 1, arbitrary: fc.constantFrom(`ghp_${'A'.repeat(4092)}`, ' ', 'eyJhbGciOiJIUzI1NiJ9.e30.sig') },
  ),
);

export const usernameValue = fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/);
export const apiKeyNameValue = valid(apiKeyNameText, anyString(120));
/** A commit SHA as git prints it (40 hex digits; 64 for SHA-256 repositories), any case. */
export const headShaValue = fc.oneof(fc.stringMatching(/^[0-9a-f]{40}$/), fc.stringMatching(/^[0-9A-F]{64}$/));
export const expiresAtValue = fc.option(
  fc
    .date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
);
export const chatStatusValue = fc.constantFrom(...chatStatusSchema.options);

/** Text Postgres cannot store, or that the API's kinds refuse. */
const badText = fc.oneof(
  fc.string().map((s) => `${s}\u0000${s}`),
  fc.string().map((s) => `${s}\ud83d`),
  fc.string().map((s) => `\udc00${s}`),
  fc.constantFrom('\u0000', '\u0007bell', 'line\r\nbreak', '\u007f', 'é', '😀'.repeat(2000), '%00', '\\u0000'),
  fc.integer({ min: 1001, max: 9000 }).map((n) => 'x'.repeat(n)),
);

/** Anything a field could be sent as: bad text, other JSON types, odd shapes. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: badText },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      true,
      0,
      -1,
      1e308,
      2 ** 53 + 1,
      [],
      {},
      [null],
      { $ne: '' },
      '00000000-0000-0000-0000-000000000000',
      'me',
    ),
  },
);

/** Keys to set or drop: the operation's own, and some that no body has. */
export const bodyKey = (keys: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(keys.length > 0 ? keys : ['title'])) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'colour', '', 'title ', 'TITLE') },
  );
