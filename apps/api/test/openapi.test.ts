import { readFileSync, writeFileSync } from 'node:fs';
import { startApi, type ApiHarness } from './harness.js';
import { generateClientTypes, redoclyLint, TYPES_FILE } from './fuzz/openapi-client.js';

/**
 * The served OpenAPI description is one generated clients can use: operations named, servers set,
 * `redocly lint` clean, and the client types the fuzzer drives its valid requests through
 * (fuzz.test.ts) are what openapi-typescript makes of it today.
 */
let h: ApiHarness;
let document: any;

beforeAll(async () => {
  h = await startApi();
  const res = await h.call('GET', '/openapi.json', { key: null });
  expect(res.status).toBe(200);
  document = res.body;
});
afterAll(() => h?.close());

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const operations = () =>
  Object.entries(document.paths as Record<string, Record<string, { operationId?: string }>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ at: `${method.toUpperCase()} ${path}`, operationId: operation.operationId })),
  );

it('names every operation, each name once, so generated clients name their methods after them', () => {
  const unnamed = operations().filter((o) => !o.operationId);
  expect(unnamed).toEqual([]);
  const ids = operations().map((o) => o.operationId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.length).toBeGreaterThanOrEqual(13);
});

it('says where the API is: relative to where the document was served', () => {
  expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
});

it('passes redocly lint with the recommended rules: no error, only the warnings accepted here', async () => {
  const problems = await redoclyLint(document);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  // Accepted: the project states no license; liveness and readiness have no 4xx to answer.
  const accepted = new Set([
    'info-license #/info',
    'operation-4xx-response #/paths/~1healthz/get/responses',
    'operation-4xx-response #/paths/~1readyz/get/responses',
  ]);
  expect(problems.map((p) => `${p.ruleId} ${p.pointer}`).filter((p) => !accepted.has(p))).toEqual([]);
}, 60_000);

it('is what the fuzzer’s typed client was generated from (openapi-typescript)', async () => {
  const generated = await generateClientTypes(document);
  if (process.env.UPDATE_OPENAPI_TYPES === '1') writeFileSync(TYPES_FILE, generated);
  // On a difference: regenerate (see the file's header), then `npm run typecheck` shows which
  // of the fuzzer's valid requests no longer fit the API.
  expect(readFileSync(TYPES_FILE, 'utf8')).toBe(generated);
});
