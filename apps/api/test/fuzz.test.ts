import fc from 'fast-check';
import createClient from 'openapi-fetch';
import { startFakeGitHub, type FakeGitHub } from '@gitsync/github-fake';
import { createTestDatabase, createTestRedis, waitFor, type TestDatabase, type TestRedis } from '@gitsync/testing';
import { FUZZ_ADMIN_KEY, startApiProcess, type ApiProcess } from './fuzz/api-process.js';
import { operationSpecs, type Call, type OperationId } from './fuzz/operations.js';
import type { paths } from './fuzz/openapi-types.js';
import { countRowWrites, writtenTables } from './fuzz/rows.js';
import { fuzzRequestArbitrary, kindOf, send, type Answer, type FuzzRequest } from './fuzz/send.js';
import { World, type Client } from './fuzz/world.js';

/**
 * Issue 19: bad input never becomes a 500. A seeded, property-based fuzz of a real API process:
 * valid requests of every documented operation, sent through a client generated from the served
 * description (openapi-typescript + openapi-fetch); the same requests with one part corrupted
 * (a field, the body, its content type, a path segment, the query, the key, the method); and
 * requests no client would send (hidden routes, webhooks, unknown paths and methods). One at a
 * time, each must answer — no dropped connection, no hang — below 500, with a status the
 * description lists when it was valid, as JSON `{message}` when refused, without writing a row
 * when refused, and without an error-level line in the API's log; `/readyz` stays ready.
 *
 * Reproducible: a failure prints its seed, and FUZZ_SEED=<seed> replays the same requests.
 * FUZZ_RUNS sets how many (3,000 by default), FUZZ_TIME_BUDGET_MS how long at most (30 s: on a
 * machine too busy for all of them the run stops there, passing, so `npm test` stays bounded),
 * FUZZ_LOG=1 prints every request with its answer.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const TIME_BUDGET_MS = Number(process.env.FUZZ_TIME_BUDGET_MS ?? 30_000);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const LOG = process.env.FUZZ_LOG === '1';

let t: TestDatabase;
let r: TestRedis;
let api: ApiProcess;
let fake: FakeGitHub;
let client: Client;
let world: World;
/** The statuses the served description lists, per operation. */
let documented: Map<OperationId, string[]>;
let rowWrites: () => Promise<Record<string, number>>;

beforeAll(async () => {
  [t, r] = await Promise.all([createTestDatabase(), createTestRedis()]);
  rowWrites = await countRowWrites(t.pool);
  // Diffs are read from the provider: a fake one, never the real GitHub.
  fake = await startFakeGitHub();
  api = await startApiProcess(t, r, { GITSYNC_EXTERNAL_AUTH_1_API_BASE_URL: fake.apiBaseUrl });
  client = createClient<paths>({ baseUrl: api.baseUrl });
  world = await World.create(client, FUZZ_ADMIN_KEY);
  const description = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { operationId: OperationId; responses: Record<string, unknown> }>>;
  };
  documented = new Map(
    Object.values(description.paths).flatMap((item) =>
      Object.values(item).map((op) => [op.operationId, Object.keys(op.responses)] as const),
    ),
  );
}, 90_000);

afterAll(async () => {
  await api?.stop();
  await fake?.close();
  await r?.cleanup();
  await t?.drop();
});

/** Keeps what later requests can refer to: chats made, cursors handed out. */
function learn(call: Call, answer: Answer): void {
  if (answer.status >= 300 || !answer.contentType.startsWith('application/json')) return;
  const body = JSON.parse(answer.text) as { id?: string; owner_id?: string; next_cursor?: string };
  if (call.op === 'createChat' && body.id && body.owner_id) world.addChat(body.id, body.owner_id);
  if (call.op === 'listChats') world.noteCursor(body.next_cursor);
}

const isErrorJson = (answer: Answer) => {
  try {
    return (
      answer.contentType.startsWith('application/json') &&
      typeof (JSON.parse(answer.text) as { message?: unknown }).message === 'string'
    );
  } catch {
    return false;
  }
};

/** What is wrong with an answer, given the rows written while it was made. */
function problemsOf(request: FuzzRequest, answer: Answer, written: string[]): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  if (answer.status >= 400 && answer.status < 500) {
    if (written.length > 0) problems.push(`answered ${answer.status} but wrote rows of ${written.join(', ')}`);
    if (answer.method !== 'HEAD' && !isErrorJson(answer))
      problems.push(
        `answered ${answer.status} without a JSON {message}: ${answer.contentType} ${answer.text.slice(0, 200)}`,
      );
  }
  if ('call' in request && request.mutation === null) {
    const listed = documented.get(request.call.op) ?? [];
    if (!listed.includes(String(answer.status)))
      problems.push(
        `answered ${answer.status}, which the description does not list for ${request.call.op} (${listed.join(', ')})`,
      );
  }
  return problems;
}

it(
  'answers valid, corrupted and odd requests without a 5xx, a dropped connection, ' +
    `an error log line or a refused write (seed ${SEED})`,
  async () => {
    // Every operation the description lists has valid requests here (the typed table makes that
    // a compile error too, once the client types are regenerated).
    expect(new Set(documented.keys())).toEqual(new Set(Object.keys(operationSpecs)));
    const tally = new Map<string, number>();
    const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
    let writes = await rowWrites();
    let errorsSeen = api.errorLines().length;
    let sent = 0;

    const property = fc.asyncProperty(fuzzRequestArbitrary, async (request) => {
      sent += 1;
      let answer: Answer;
      try {
        answer = await send({ baseUrl: api.baseUrl, client, world }, request);
      } catch (err) {
        // undici's errors come from outside jest's realm: read them by shape, not instanceof.
        const { message, cause } = err as { message?: string; cause?: { code?: string; message?: string } };
        throw new Error(
          `${kindOf(request)}: no answer — dropped connection or hang: ${message}` +
            (cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''),
        );
      }
      if (LOG) process.stderr.write(`${sent} ${answer.status} ${fc.stringify(request).slice(0, 300)}\n`);
      count(`${Math.floor(answer.status / 100)}xx`);
      const before = writes;
      writes = await rowWrites();
      const problems = problemsOf(request, answer, writtenTables(before, writes));
      if ('call' in request && request.mutation === null) learn(request.call, answer);
      // A 5xx logs its error before it answers, but the line comes through a pipe: wait for it, or
      // a shrink run of another request would find it and be taken for the culprit.
      if (answer.status >= 500)
        await waitFor(() => api.errorLines().length > errorsSeen, { timeoutMs: 5_000 }).catch(() => undefined);
      const errors = api.errorLines();
      if (errors.length > errorsSeen)
        problems.push(
          'the API logged an error (with this request or the one before):\n' +
            errors.slice(errorsSeen).join('\n').slice(0, 2000),
        );
      errorsSeen = errors.length;
      if (sent % 250 === 0) {
        const ready = await fetch(`${api.baseUrl}/readyz`);
        if (ready.status !== 200) problems.push(`/readyz answered ${ready.status} after ${sent} requests`);
      }
      if (problems.length > 0) throw new Error(`${kindOf(request)}: ${problems.join('\n')}`);
    });

    const started = Date.now();
    const details = await fc.check(property, { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_BUDGET_MS });
    const statuses = [...tally.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    const stopped = details.interrupted && !details.failed ? ` (stopped by the ${TIME_BUDGET_MS} ms budget)` : '';
    console.log(`fuzz: ${sent} requests in ${Date.now() - started} ms${stopped}, seed ${SEED}: ${statuses}`);
    if (details.failed) {
      throw new Error(
        `fuzz failed; replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}\n` +
          `request: ${fc.stringify(details.counterexample?.[0]).slice(0, 3000)}\n` +
          (details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)),
      );
    }

    const ready = await fetch(`${api.baseUrl}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toMatchObject({
      status: 200,
      body: { status: 'ready' },
    });
    await api.stop();
    expect(api.errorLines()).toEqual([]);
  },
  120_000,
);
