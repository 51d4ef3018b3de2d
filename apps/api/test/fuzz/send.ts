import fc from 'fast-check';
import { applyMutation, mutationArbitrary, type Mutation } from './mutations.js';
import { bodyKeysOf, callArbitrary, sendCall, type Call } from './operations.js';
import { rawArbitrary, rawRequest, type RawRequest } from './raw.js';
import type { Client, World } from './world.js';

/** One request of the fuzz run: a valid call, the same call with one part corrupted, or a raw request. */
export type FuzzRequest = { call: Call; mutation: Mutation | null } | { raw: RawRequest };

export const fuzzRequestArbitrary: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 3, arbitrary: callArbitrary.map((call) => ({ call, mutation: null })) },
  {
    weight: 5,
    arbitrary: callArbitrary.chain((call) =>
      mutationArbitrary(bodyKeysOf(call.op)).map((mutation) => ({ call, mutation })),
    ),
  },
  { weight: 2, arbitrary: rawArbitrary.map((raw) => ({ raw })) },
);

/** What kind of request it was, for the tally and messages: `reportGit + set-field`. */
export const kindOf = (request: FuzzRequest): string =>
  'raw' in request
    ? `raw ${request.raw.kind}`
    : `${request.call.op}${request.mutation ? ` + ${request.mutation.kind}` : ''}`;

export interface Answer {
  method: string;
  status: number;
  contentType: string;
  text: string;
}

/** A request that has not answered by then has hung its connection: reported, not waited out. */
const ANSWER_DEADLINE_MS = 15_000;

/** The body as far as it goes: an event stream is read up to its `ready` event, then left. */
async function readBody(response: Response): Promise<string> {
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return response.text();
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('event: ready')) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

/** Sends one request and reads its answer; rejects when there is none (dropped, hung). */
export async function send(
  target: { baseUrl: string; client: Client; world: World },
  request: FuzzRequest,
): Promise<Answer> {
  const signal = AbortSignal.timeout(ANSWER_DEADLINE_MS);
  const wire: { request?: Request; response?: Response } = {};
  if ('raw' in request) {
    wire.request = rawRequest(target.baseUrl, target.world, request.raw, signal);
    wire.response = await fetch(wire.request);
  } else {
    // The typed client builds the request; a mutation corrupts it on its way out. The client
    // reads a copy of the answer, the checks read the original.
    const via = async (built: Request) => {
      wire.request = request.mutation ? await applyMutation(built, request.mutation) : built;
      wire.response = await fetch(wire.request, { signal });
      return wire.response.clone();
    };
    const { data } = (await sendCall({ client: target.client, world: target.world, fetch: via }, request.call)) as {
      data?: { cancel?: () => Promise<void> };
    };
    // A successful answer's copy is handed back unread (parseAs: 'stream'). Not awaited: the
    // cancel of one branch of a tee settles once the other branch is done too.
    data?.cancel?.().catch(() => undefined);
  }
  const { request: sent, response } = wire as Required<typeof wire>;
  return {
    method: sent.method,
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await readBody(response),
  };
}
