import fc from 'fast-check';
import { anyString, badValue, bodyKey } from './values.js';

/*
 * One corruption of a request the typed client built: the rest of it stays valid, so the bad part
 * reaches as far into the API as it can. Mutations are data (printed in a counterexample) and are
 * applied to the built `Request` in the client's `fetch`.
 */
export type Mutation =
  | { kind: 'set-field'; key: string; value: unknown }
  | { kind: 'drop-field'; key: string }
  | { kind: 'body'; text: string }
  | { kind: 'content-type'; value: string | null }
  | { kind: 'path-segment'; index: number; value: string }
  | { kind: 'query'; pairs: Array<[string, string]> }
  | { kind: 'authorization'; value: string | null }
  | { kind: 'method'; value: string };

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

const bodyText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      '{',
      '{"title":',
      'null',
      '[]',
      '""',
      '0',
      'true',
      '1e999',
      '{"title":"a","title":"b"}',
      '{"__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"admin":true}}}',
      '\ufeff{"title":"bom"}',
      '{"title":"\\ud800"}',
      '{"title":"\\u0000"}',
      '{"branch":"\\u0000","remote_origin":"\\u0000"}',
      '{"title": 1} trailing',
      deep(10_000),
      deep(200_000),
      `{"title":"${'x'.repeat(1024 * 1024 + 10)}"}`,
    ),
  },
  { weight: 1, arbitrary: anyString(200) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
);

const contentType = fc.constantFrom(
  null,
  '',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json;',
  'application/jsonx',
  'application/vnd.github+json',
  'application/merge-patch+json',
  '*/*',
  'application/json, text/plain',
  'application/octet-stream',
);

/** A path segment as it goes on the wire (percent escapes kept as they are). */
const segment = fc.oneof(
  fc.constantFrom(
    '%00',
    '%',
    '%zz',
    '%ED%A0%80',
    '%C0%AF',
    '%F0%9F%98%80',
    '..',
    '.',
    '',
    'me',
    'null',
    'undefined',
    '%2F',
    '%5C',
    'x'.repeat(5000),
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  ),
  fc.uuid(),
  anyString(40).map(encodeURIComponent),
);

const queryPair = fc.tuple(
  fc.constantFrom('limit', 'cursor', 'owner_id', 'limit[]', 'limit[0]', '__proto__', 'x', ''),
  fc.oneof(
    fc.constantFrom(
      '',
      '0',
      '-1',
      '1.5',
      '1e3',
      'NaN',
      'Infinity',
      '101',
      '99999999999999999999',
      ' 1',
      '0x10',
      '\u0000',
      'me',
    ),
    anyString(30),
    fc.uuid(),
  ),
);

/** Header values a client can send: visible ISO-8859-1, space and tab (RFC 9110 field-value, as undici checks). */
const headerSafe = (s: string) => /^[\t\u0020-\u007e\u0080-\u00ff]*$/.test(s);
const authorization = fc.oneof(
  fc.constantFrom(
    null,
    '',
    'Bearer',
    'Bearer ',
    'Bearer a b',
    'Token x',
    'Basic',
    'Basic !!!',
    `Basic ${Buffer.from('x:').toString('base64')}`,
    `Bearer ${'a'.repeat(10_000)}`,
    'Bearer gsk_',
    'Bearer é',
  ),
  fc
    .string({ unit: 'binary-ascii', maxLength: 60 })
    .filter(headerSafe)
    .map((s) => `Bearer ${s}`),
);

export const mutationArbitrary = (bodyKeys: readonly string[]): fc.Arbitrary<Mutation> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ kind: fc.constant('set-field' as const), key: bodyKey(bodyKeys), value: badValue }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop-field' as const), key: bodyKey(bodyKeys) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('body' as const), text: bodyText }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('content-type' as const), value: contentType }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('path-segment' as const), index: fc.nat(), value: segment }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('query' as const),
        pairs: fc.array(queryPair, { minLength: 1, maxLength: 3 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('authorization' as const), value: authorization }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('method' as const),
        value: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
      }),
    },
  );

const canHaveBody = (method: string) => method !== 'GET' && method !== 'HEAD';

/** The request the client built, with the mutation applied. */
export async function applyMutation(request: Request, mutation: Mutation): Promise<Request> {
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  let method = request.method;
  let body: string | null = canHaveBody(method) ? await request.text() : null;
  const editJson = (edit: (object: Record<string, unknown>) => void) => {
    let object: Record<string, unknown> = {};
    try {
      const parsed: unknown = body ? JSON.parse(body) : {};
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) object = parsed as Record<string, unknown>;
    } catch {
      // not JSON: start from an empty object
    }
    edit(object);
    body = JSON.stringify(object);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  };
  switch (mutation.kind) {
    case 'set-field':
      // defineProperty: `__proto__` becomes an own key, as a JSON body would make it.
      editJson((o) => Object.defineProperty(o, mutation.key, { value: mutation.value, enumerable: true }));
      break;
    case 'drop-field':
      editJson((o) => delete o[mutation.key]);
      break;
    case 'body':
      body = mutation.text;
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      break;
    case 'content-type':
      if (mutation.value === null) headers.delete('content-type');
      else headers.set('content-type', mutation.value);
      body ??= canHaveBody(method) ? '{}' : null;
      break;
    case 'path-segment': {
      const parts = url.pathname.split('/');
      const i = 1 + (mutation.index % (parts.length - 1));
      parts[i] = mutation.value;
      // Assigned to `href`, not `pathname`, so that the escapes reach the server as written.
      url.href = `${url.origin}${parts.join('/')}${url.search}`;
      break;
    }
    case 'query':
      for (const [key, value] of mutation.pairs) url.searchParams.append(key, value);
      break;
    case 'authorization':
      if (mutation.value === null) headers.delete('authorization');
      else headers.set('authorization', mutation.value);
      break;
    case 'method':
      method = mutation.value;
      break;
  }
  // GET and HEAD carry no body (fetch refuses one).
  if (!canHaveBody(method)) body = null;
  return new Request(url, { method, headers, body, signal: request.signal });
}
